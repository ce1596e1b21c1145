//! `waymark serve` over real HTTP on 127.0.0.1 with raw requests, so
//! traversal attempts reach the server exactly as written.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use crate::harness::TestSite;

pub struct Server {
    pub child: Child,
    pub port: u16,
    /// The site's base path as served (`/help/` for the fixture).
    pub base: String,
    pub site: TestSite,
    /// Everything serve printed after its first line, as it arrives.
    pub printed: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// The served URL path of a site path: `/style.css` → `/help/style.css`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `waymark serve --port 0` on a copy of the fixture and waits for its URL.
pub fn start(fixture: &str) -> Server {
    serve_in(TestSite::new(fixture))
}

/// Starts `waymark serve --port 0` in `site` and waits for its URL.
pub fn serve_in(site: TestSite) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["serve", "--port", "0"])
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).expect("read serve output");
    // Keep reading, as a terminal would: serve reports every rebuild.
    let printed = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = printed.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if let Ok(mut all) = sink.lock() {
                all.push_str(&line);
            }
            line.clear();
        }
    });
    let (port, base) = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.trim().split_once('/'))
        .and_then(|(p, path)| Some((p.parse().ok()?, format!("/{}", path.split(' ').next()?))))
        .unwrap_or_else(|| panic!("no URL in serve output: {line}"));
    Server {
        child,
        port,
        base,
        site,
        printed,
    }
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub fn request(port: u16, method: &str, path: &str, extra: &[(&str, &str)]) -> HttpResponse {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("receive");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    HttpResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

#[test]
fn serves_pages_with_content_types_and_security_headers() {
    let server = start("basic");
    let home = request(server.port, "GET", &server.at("/"), &[]);
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.header("Content-Security-Policy")
            .is_some_and(|c| c.contains("default-src 'self'"))
    );
    assert!(String::from_utf8_lossy(&home.body).contains("<h1>Fixture Help</h1>"));
    for (path, kind) in [
        ("/style.css", "text/css"),
        ("/tree.js", "text/javascript"),
        ("/troubleshoot/connect/tree.json", "application/json"),
        ("/sitemap.xml", "application/xml"),
    ] {
        let r = request(server.port, "GET", &server.at(path), &[]);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("Content-Type")
                .is_some_and(|t| t.starts_with(kind)),
            "{path}: {:?}",
            r.header("Content-Type")
        );
    }
    let dir = request(server.port, "GET", "/help/articles/welcome", &[]);
    assert_eq!(dir.status, 301);
    assert_eq!(dir.header("Location"), Some("/help/articles/welcome/"));
}

#[test]
fn the_site_is_served_under_its_base_path_as_in_production() {
    let server = start("basic");
    assert_eq!(
        server.base, "/help/",
        "base_url is https://example.com/help/"
    );
    let root = request(server.port, "GET", "/", &[]);
    assert_eq!(root.status, 301);
    assert_eq!(root.header("Location"), Some("/help/"));
    // A root-relative URL that ignores the base path breaks here as it
    // would after deploying.
    assert_eq!(request(server.port, "GET", "/style.css", &[]).status, 404);
    let home = request(server.port, "GET", "/help/", &[]);
    let html = String::from_utf8_lossy(&home.body);
    assert!(
        html.contains("href=\"/help/style.css"),
        "assets under the base path"
    );
    assert!(
        html.contains(&format!("http://127.0.0.1:{}/help/", server.port)),
        "canonical URLs point at the preview"
    );
}

#[test]
fn serve_never_writes_the_build_output() {
    // Regression: serve wrote its localhost build into `public/`, so an
    // author who previewed and then uploaded `public/` shipped canonical
    // links, a sitemap and assets pointing at 127.0.0.1.
    let site = TestSite::new("basic");
    let built = site.build();
    assert!(built.status.success());
    let before = crate::harness::files(&site.path("public"));
    let sitemap = site.read("public/sitemap.xml");
    let server = serve_in(site);
    assert_eq!(
        request(server.port, "GET", &server.at("/"), &[]).status,
        200
    );
    server.site.write(
        "content/articles/getting-started/welcome.md",
        &server
            .site
            .read("content/articles/getting-started/welcome.md")
            .replace("Welcome", "Hello"),
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(crate::harness::files(&server.site.path("public")), before);
    assert_eq!(server.site.read("public/sitemap.xml"), sitemap);
    assert!(!sitemap.contains("127.0.0.1"));
}

#[test]
fn missing_pages_get_the_404_page_with_status_404() {
    let server = start("basic");
    let r = request(server.port, "GET", &server.at("/no/such/page/"), &[]);
    assert_eq!(r.status, 404);
    assert!(String::from_utf8_lossy(&r.body).contains("Page not found"));
}

#[test]
fn head_and_conditional_requests() {
    let server = start("basic");
    let get = request(server.port, "GET", &server.at("/style.css"), &[]);
    let head = request(server.port, "HEAD", &server.at("/style.css"), &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("Content-Length"),
        Some(get.body.len().to_string().as_str())
    );
    let etag = get.header("ETag").expect("etag").to_string();
    let again = request(
        server.port,
        "GET",
        &server.at("/style.css"),
        &[("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
}

#[test]
fn refuses_every_traversal_form() {
    let server = start("basic");
    let secret = request(server.port, "GET", "/../site.yaml", &[]);
    assert_ne!(secret.status, 200);
    for path in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/articles/..%2f..%2fsite.yaml",
        "/..%5csite.yaml",
        "/articles/%2e%2e/%2e%2e/site.yaml",
        "//etc/passwd",
        "/etc/passwd",
        "/a%00b",
        "/help/../site.yaml",
        "/help/%2e%2e/site.yaml",
        "/help/articles/..%2f..%2fsite.yaml",
        "/help/..%5csite.yaml",
    ] {
        let r = request(server.port, "GET", path, &[]);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(
            !String::from_utf8_lossy(&r.body).contains("base_url"),
            "{path} leaked site.yaml"
        );
        assert!(
            !String::from_utf8_lossy(&r.body).contains("root:"),
            "{path} leaked /etc/passwd"
        );
    }
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let site = TestSite::new("basic");
    let out = site.run(&["serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already in use") && err.contains("--port"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[cfg(unix)]
#[test]
fn open_flag_opens_the_served_url() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = TestSite::new("basic");
    let bin = tempfile::tempdir().expect("temp dir");
    let opened = bin.path().join("opened.txt");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .expect("write opener");
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["serve", "--port", "0", "--open"])
        .current_dir(site.root())
        .env("PATH", path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("serve output");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !opened.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let url = std::fs::read_to_string(&opened).expect("the opener was called");
    assert!(line.contains(url.trim()), "opened {url} for {line}");
}

/// Sends a keep-alive GET on `stream` and reads exactly its response;
/// `None` if nothing complete arrives within `wait`.
fn keep_alive_get(stream: &mut TcpStream, path: &str, wait: std::time::Duration) -> Option<u16> {
    stream.set_read_timeout(Some(wait)).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&buf[..n]);
        let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|n| n.trim().parse().ok())?;
        if raw.len() >= split + 4 + length {
            return head.split(' ').nth(1).and_then(|s| s.parse().ok());
        }
    }
}

#[test]
fn connections_arriving_together_are_all_served() {
    // Regression: with tiny_http, three idle keep-alive connections left one
    // pool thread free, and of connections accepted back to back all but
    // the first could go unread until another connection closed. A browser's
    // page load then stalled for as long as a live-reload stream stayed up.
    // The race is a matter of timing: try it on several fresh servers.
    for _ in 0..8 {
        burst_after_idle_connections();
    }
}

fn burst_after_idle_connections() {
    let server = start("basic");
    let wait = std::time::Duration::from_secs(5);
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut idle = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
        assert_eq!(
            keep_alive_get(&mut idle, &server.at("/robots.txt"), wait),
            Some(200)
        );
        open.push(idle);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Connected before any is read, so the server accepts them in a burst.
    let mut burst: Vec<TcpStream> = (0..6)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).expect("connect"))
        .collect();
    for (i, stream) in burst.iter_mut().enumerate() {
        assert_eq!(
            keep_alive_get(stream, &server.at("/robots.txt"), wait),
            Some(200),
            "connection {i} of a burst of 6 was not served"
        );
    }
    // The kept-alive connections still answer further requests.
    for idle in &mut open {
        assert_eq!(keep_alive_get(idle, &server.at("/"), wait), Some(200));
    }
}
