//! `waymark serve`: builds the site, then serves the output folder over
//! HTTP on loopback. Never reads outside the output folder.

use std::io::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use anyhow::{Context as _, bail};

use crate::http::{Reply, Request, Response};

/// Sent with every response: the site must work under a strict policy.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Binds `bind:port`; port 0 picks a free one. A taken port is a clear error.
pub fn bind(bind: &str, port: u16) -> anyhow::Result<(TcpListener, u16)> {
    let listener = match TcpListener::bind((bind, port)) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => bail!(
            "port {port} on {bind} is already in use; pick another with `--port {}`",
            port.saturating_add(1)
        ),
        Err(e) => bail!("cannot listen on {bind}:{port}: {e}"),
    };
    let port = listener.local_addr().map_or(port, |a| a.port());
    Ok((listener, port))
}

/// Open pages of the live preview, and the build error they should show.
#[derive(Default)]
pub struct Live {
    clients: Mutex<Vec<mpsc::Sender<String>>>,
    error: Mutex<Option<String>>,
}

impl Live {
    /// Tells every open page about a successful rebuild.
    pub fn reloaded(&self, changed_urls: &[String], css_only: bool) {
        if let Ok(mut error) = self.error.lock() {
            *error = None;
        }
        self.broadcast(&sse("build-ok", "{}"));
        let data = serde_json::json!({ "paths": changed_urls, "css_only": css_only });
        self.broadcast(&sse("reload", &data.to_string()));
    }

    /// Tells pages (and tests) that the output matches the sources again.
    pub fn synced(&self) {
        self.broadcast(&sse("synced", "{}"));
    }

    /// Shows `text` (the same diagnostics as the terminal) on every open page.
    pub fn failed(&self, text: &str, diagnostics: &[crate::diagnostic::Diagnostic]) {
        let data = serde_json::json!({ "text": text, "diagnostics": diagnostics }).to_string();
        if let Ok(mut error) = self.error.lock() {
            *error = Some(data.clone());
        }
        self.broadcast(&sse("build-error", &data));
    }

    fn broadcast(&self, message: &str) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(message.to_string()).is_ok());
        }
    }

    fn subscribe(&self) -> mpsc::Receiver<String> {
        let (sender, receiver) = mpsc::channel();
        if let Ok(error) = self.error.lock()
            && let Some(data) = error.as_ref()
        {
            let _ = sender.send(sse("build-error", data));
        }
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(sender);
        }
        receiver
    }
}

fn sse(event: &str, data: &str) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

/// Streams events to one page until it goes away, flushing each one.
fn stream_events(mut out: TcpStream, events: mpsc::Receiver<String>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match events.recv_timeout(std::time::Duration::from_secs(15)) {
            Ok(message) => message,
            // A comment line keeps the connection alive and finds closed pages.
            Err(mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

const LIVERELOAD_JS: &str = include_str!("livereload.js");
const LIVERELOAD_CSS: &str = include_str!("livereload.css");
const LIVERELOAD_TAG: &str = "<script src=\"/__waymark/livereload.js\" defer></script>";

/// Answers requests from `root` until the process ends. With `live`,
/// pages get the live-reload script and `/__waymark/` endpoints exist.
pub fn run(listener: TcpListener, root: &Path, live: Option<Arc<Live>>) -> anyhow::Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open `{}`", root.display()))?;
    crate::http::serve(listener, move |request| {
        respond(request, &root, live.as_ref())
    });
    Ok(())
}

fn respond(request: &Request, root: &Path, live: Option<&Arc<Live>>) -> Reply {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Reply::Respond(Response::new(405, "method not allowed"));
    }
    if let Some(live) = live
        && let Some(endpoint) = request.target.strip_prefix("/__waymark/")
    {
        return respond_live(endpoint, live);
    }
    Reply::Respond(match resolve(root, &request.target) {
        Resolved::File(path) => send_file(request, &path, 200, live.is_some()),
        Resolved::Redirect(to) => Response::new(301, "").with_header("Location", to),
        Resolved::BadRequest => Response::new(400, "bad request"),
        Resolved::NotFound => send_file(request, &root.join("404.html"), 404, live.is_some()),
    })
}

fn respond_live(endpoint: &str, live: &Arc<Live>) -> Reply {
    let text = |body: &'static str, kind: &'static str| {
        Reply::Respond(
            Response::new(200, body)
                .with_header("Content-Type", kind)
                .with_header("Cache-Control", "no-cache"),
        )
    };
    match endpoint.split('?').next().unwrap_or("") {
        "livereload.js" => text(LIVERELOAD_JS, "text/javascript; charset=utf-8"),
        "livereload.css" => text(LIVERELOAD_CSS, "text/css; charset=utf-8"),
        "events" => {
            // The connection's own thread becomes the page's stream.
            let events = live.subscribe();
            Reply::TakeOver(Box::new(move |stream| stream_events(stream, events)))
        }
        _ => Reply::Respond(Response::new(404, "not found")),
    }
}

fn send_file(request: &Request, path: &Path, status: u16, live: bool) -> Response {
    let Ok(meta) = std::fs::metadata(path) else {
        return Response::new(404, "not found");
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let etag = format!(
        "\"{:x}-{:x}{}\"",
        meta.len(),
        modified,
        if live { "-live" } else { "" }
    );
    let not_modified = status == 200
        && request
            .header("If-None-Match")
            .is_some_and(|v| v.split(',').any(|v| v.trim() == etag));
    let with_headers = |response: Response| {
        response
            .with_header("Content-Type", content_type(path))
            .with_header("ETag", etag.clone())
            .with_header("Cache-Control", "no-cache")
            .with_header("Content-Security-Policy", CSP)
            .with_header("X-Content-Type-Options", "nosniff")
    };
    if not_modified {
        return with_headers(Response::new(304, ""));
    }
    let Ok(mut bytes) = std::fs::read(path) else {
        return Response::new(404, "not found");
    };
    if live && path.extension().is_some_and(|e| e == "html") {
        bytes = inject_live_reload(bytes);
    }
    with_headers(Response::new(status, bytes))
}

/// Adds the live-reload script before `</head>` (or at the end).
fn inject_live_reload(mut html: Vec<u8>) -> Vec<u8> {
    let at = html
        .windows(7)
        .position(|w| w.eq_ignore_ascii_case(b"</head>"))
        .unwrap_or(html.len());
    html.splice(at..at, LIVERELOAD_TAG.bytes());
    html
}

#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    File(PathBuf),
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a request path to a file under `root`, refusing every way out:
/// `..` (plain or percent-encoded), backslashes, NUL, and symlinks whose
/// target lies outside `root`.
fn resolve(root: &Path, url: &str) -> Resolved {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let Some(decoded) = percent_decode(path) else {
        return Resolved::BadRequest;
    };
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return Resolved::BadRequest;
    }
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Resolved::BadRequest;
    }
    let candidate = root.join(relative);
    let Ok(real) = candidate.canonicalize() else {
        return Resolved::NotFound;
    };
    if !real.starts_with(root) {
        return Resolved::NotFound;
    }
    if real.is_dir() {
        if !path.ends_with('/') {
            return Resolved::Redirect(format!("{path}/"));
        }
        let index = real.join("index.html");
        return match index.canonicalize() {
            Ok(i) if i.starts_with(root) && i.is_file() => Resolved::File(i),
            _ => Resolved::NotFound,
        };
    }
    Resolved::File(real)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal_forms() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::write(root.join("index.html"), "hi").expect("write");
        for url in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/..%2fetc",
            "/..%5c..%5cetc",
            "/a%00b",
            "//etc/passwd",
        ] {
            let r = resolve(&root, url);
            assert!(
                matches!(r, Resolved::BadRequest | Resolved::NotFound),
                "{url}: {r:?}"
            );
        }
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
    }
}
