//! Insights end to end with real parts: the built `insights` fixture served
//! by nginx (config written here, combined-format access log), headless
//! Chromium doing what customers do (`tests/browser/insights.mjs`), then
//! `waymark insights` on nginx's access.log.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{TestSite, stderr, stdout};

/// nginx in the foreground on a free port, stopped on drop.
struct Nginx {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Nginx {
    /// SIGTERM, so the master stops its workers too (a SIGKILL would
    /// leave them running, holding the port).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx(site_dir: &Path, work: &Path) -> Nginx {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let w = work.display();
    for dir in ["tmp", "logs"] {
        std::fs::create_dir_all(work.join(dir)).expect("mkdir");
    }
    let conf = format!(
        "{user}worker_processes 1;\ndaemon off;\npid {w}/nginx.pid;\nerror_log {w}/logs/error.log;\nevents {{}}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log {w}/logs/access.log combined;\n  client_body_temp_path {w}/tmp/body;\n  proxy_temp_path {w}/tmp/proxy;\n  fastcgi_temp_path {w}/tmp/fastcgi;\n  uwsgi_temp_path {w}/tmp/uwsgi;\n  scgi_temp_path {w}/tmp/scgi;\n  server {{\n    listen 127.0.0.1:{port};\n    add_header Content-Security-Policy \"default-src 'self'\" always;\n    location /help/ {{\n      alias {}/;\n      index index.html;\n      error_page 404 /help/404.html;\n    }}\n  }}\n}}\n",
        site_dir.display(),
        // As root, nginx runs its workers as `nobody`, who cannot read the
        // private temp folder the site is built in.
        user = if is_root() { "user root;\n" } else { "" },
    );
    let conf_file = work.join("nginx.conf");
    std::fs::write(&conf_file, conf).expect("write nginx.conf");
    let child = Command::new("nginx")
        .arg("-p")
        .arg(work)
        .arg("-c")
        .arg(&conf_file)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx is installed (bash .ci/setup)");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx {
        child,
        port,
        log: work.join("logs/access.log"),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn browser(url: &str, grep: &str) {
    let url = std::ffi::OsStr::new(url);
    crate::browser::node_with("insights.mjs", &[url], &[("TEST_GREP", grep)]);
}

fn insights(site: &TestSite, log: &Path) -> serde_json::Value {
    let out = site.run(&["insights", "--format", "json", &log.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("json report")
}

#[test]
fn nginx_access_log_to_report_with_real_browser_journeys() {
    let _one_at_a_time = crate::browser::BROWSER
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let site = TestSite::new("insights");
    let built = site.path("public");
    let out = site.run(&["build", "--output", &built.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(built.join("_insights/e.gif"))
            .map(|b| b.len())
            .ok(),
        Some(43)
    );
    let work = tempfile::tempdir().expect("temp dir");
    let server = nginx(&built, work.path());
    let url = format!("http://127.0.0.1:{}/help/", server.port);
    browser(&url, "own e.gif");

    let r = insights(&site, &server.log);
    assert_eq!(r["lines"]["malformed"], 0);
    assert_eq!(r["lines"]["bots"], 0);
    assert_eq!(r["lines"]["unknown"], 0);
    assert_eq!(r["lines"]["events"], 7, "{r:#}");
    let top: Vec<(String, u64)> = r["searches"]["top"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|q| {
            (
                q["query"].as_str().unwrap_or_default().to_string(),
                q["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(top, [("router".to_string(), 1), ("zzxqy".to_string(), 1)]);
    let zero = &r["searches"]["zero_results"];
    assert_eq!(zero.as_array().map(Vec::len), Some(1), "{zero:#}");
    assert_eq!(zero[0]["query"], "zzxqy");
    assert_eq!(zero[0]["now"], "no results");
    let tree = &r["trees"][0];
    assert_eq!(tree["tree"], "router");
    assert_eq!(tree["outcomes"], serde_json::json!({"escalate": 1}));
    assert_eq!(tree["escalations"], 1);
    let nodes: Vec<(String, u64, u64)> = tree["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            (
                n["node"].as_str().unwrap_or_default().to_string(),
                n["reached"].as_u64().unwrap_or(0),
                n["went_on"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        nodes,
        [
            ("light".to_string(), 1, 1),
            ("restart".to_string(), 1, 1),
            ("works".to_string(), 0, 0),
            ("support".to_string(), 1, 0)
        ]
    );
    assert_eq!(r["articles"][0]["page"], "/help/articles/intro/");
    assert_eq!(
        (
            r["articles"][0]["yes"].as_u64(),
            r["articles"][0]["no"].as_u64()
        ),
        (Some(0), Some(1))
    );
    assert_eq!(
        r["articles"][0]["reasons"],
        serde_json::json!({"unclear": 1})
    );

    // Rotated logs are read as they are: the same log gzipped, the same report.
    let gz = work.path().join("access.log.1.gz");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "gzip -c '{}' > '{}'",
            server.log.display(),
            gz.display()
        ))
        .status()
        .expect("gzip");
    assert!(status.success());
    assert_eq!(insights(&site, &gz), r);

    // The report as a page of its own.
    let page_dir = work.path().join("report");
    let out = site.run(&[
        "insights",
        "--output",
        &page_dir.display().to_string(),
        &server.log.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(page_dir.join("index.html")).expect("report page");
    assert!(page.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(page.contains("<td>zzxqy</td>"), "{page}");
    assert!(page_dir.join("style.css").is_file());

    // The counts drawn on the tree's diagram.
    site.write("report.json", &r.to_string());
    let graph = site.run(&["graph", "router", "--insights", "report.json"]);
    assert!(graph.status.success(), "{}", stderr(&graph));
    let text = stdout(&graph);
    assert!(
        text.contains("What colour is the light?<br/>1 reached, 0 left here"),
        "{text}"
    );
    assert!(
        text.contains("Contact support: Contact support<br/>1 reached"),
        "{text}"
    );

    // A synonym for the query that found nothing, the site rebuilt: fixed.
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{config}search:\n  synonyms:\n    - [zzxqy, router]\n"),
    );
    let out = site.run(&["build", "--output", &built.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = insights(&site, &server.log);
    assert_eq!(
        r["searches"]["zero_results"][0]["now"], "fixed",
        "{:#}",
        r["searches"]
    );

    // Global Privacy Control: the same journeys send nothing.
    let before = std::fs::read_to_string(&server.log).expect("log");
    browser(&url, "Global Privacy Control");
    let after = std::fs::read_to_string(&server.log).expect("log");
    let new = &after[before.len()..];
    assert!(
        new.contains("GET /help/troubleshoot/router/"),
        "the page views are logged as by any host"
    );
    assert!(!new.contains("_insights"), "no event requested:\n{new}");
}
