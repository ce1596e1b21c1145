//! The preview's HTTP server (axum on tokio): serves the site the preview
//! holds in memory, under the site's base path, with live reload. The
//! output folder of `waymark build` is never read or written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::{Context as _, bail};
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;

use crate::base::hash::fingerprint;
use crate::text::link;

/// Sent with every response: the site must work under a strict policy.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const LIVERELOAD_JS: &str = include_str!("livereload.js");
const LIVERELOAD_CSS: &str = include_str!("livereload.css");
const LIVERELOAD_TAG: &str = "<script src=\"/__waymark/livereload.js\" defer></script>";

/// One file of the served site, with the validator browsers revalidate by.
#[derive(Clone)]
pub struct ServedFile {
    pub bytes: axum::body::Bytes,
    pub etag: String,
}

impl ServedFile {
    pub fn new(bytes: Vec<u8>) -> ServedFile {
        ServedFile {
            etag: format!("\"{}-{:x}\"", fingerprint(&bytes), bytes.len()),
            bytes: bytes.into(),
        }
    }
}

/// The site being served: output path → file, and the base path the
/// site lives under (`/` or `/help/`).
#[derive(Default)]
pub struct Served {
    pub files: HashMap<String, ServedFile>,
    pub base_path: String,
}

/// Shared between the preview (which writes) and the server (which reads).
pub type SharedSite = Arc<RwLock<Served>>;

/// Open pages of the live preview, and the build error they should show.
pub struct Live {
    events: broadcast::Sender<(&'static str, String)>,
    error: Mutex<Option<String>>,
}

impl Default for Live {
    fn default() -> Live {
        Live {
            events: broadcast::channel(64).0,
            error: Mutex::new(None),
        }
    }
}

impl Live {
    /// Tells every open page about a successful rebuild.
    pub fn reloaded(&self, changed_urls: &[String], css_only: bool) {
        if let Ok(mut error) = self.error.lock() {
            *error = None;
        }
        self.send("build-ok", "{}".into());
        let data = serde_json::json!({ "paths": changed_urls, "css_only": css_only });
        self.send("reload", data.to_string());
    }

    /// Tells pages (and tests) that what is served matches the sources again.
    pub fn synced(&self) {
        self.send("synced", "{}".into());
    }

    /// Shows `text` (the same diagnostics as the terminal) on every open page.
    pub fn failed(&self, text: &str, diagnostics: &[crate::base::diagnostic::Diagnostic]) {
        let data = serde_json::json!({ "text": text, "diagnostics": diagnostics }).to_string();
        if let Ok(mut error) = self.error.lock() {
            *error = Some(data.clone());
        }
        self.send("build-error", data);
    }

    fn send(&self, event: &'static str, data: String) {
        // No page open is not an error.
        let _ = self.events.send((event, data));
    }
}

/// Binds `bind:port`; port 0 picks a free one. A taken port is a clear
/// error, before anything is built.
pub fn bind(bind: &str, port: u16) -> anyhow::Result<(std::net::TcpListener, u16)> {
    let listener = match std::net::TcpListener::bind((bind, port)) {
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

/// Serves `site` on `listener` from a thread of its own until the
/// process ends.
pub fn spawn(
    listener: std::net::TcpListener,
    site: SharedSite,
    live: Arc<Live>,
) -> anyhow::Result<()> {
    listener
        .set_nonblocking(true)
        .context("cannot configure the listening socket")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .context("cannot start the HTTP server")?;
    std::thread::Builder::new()
        .name("http".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => listener,
                    Err(e) => return eprintln!("error: cannot serve: {e}"),
                };
                let app = axum::Router::new().fallback(move |method, uri, headers| {
                    respond(method, uri, headers, site.clone(), live.clone())
                });
                if let Err(e) = axum::serve(listener, app).await {
                    eprintln!("error: the HTTP server stopped: {e}");
                }
            });
        })
        .context("cannot start the HTTP server thread")?;
    Ok(())
}

async fn respond(
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    site: SharedSite,
    live: Arc<Live>,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
    }
    let Ok(served) = site.read() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the preview failed").into_response();
    };
    if let Some(endpoint) = uri.path().strip_prefix("/__waymark/") {
        return respond_live(endpoint, &live, &served);
    }
    let site = served;
    match resolve(&site, uri.path()) {
        Resolved::File(path) => send(&site.files[&path], &path, StatusCode::OK, &headers),
        Resolved::Redirect(to) => redirect(&to),
        Resolved::BadRequest => (StatusCode::BAD_REQUEST, "bad request").into_response(),
        Resolved::NotFound => match site.files.get("404.html") {
            Some(page) => send(page, "404.html", StatusCode::NOT_FOUND, &headers),
            None => (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    }
}

fn respond_live(endpoint: &str, live: &Live, site: &Served) -> Response {
    let text = |body: &'static str, kind: &'static str| {
        (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            body,
        )
            .into_response()
    };
    match endpoint {
        "livereload.js" => text(LIVERELOAD_JS, "text/javascript; charset=utf-8"),
        "livereload.css" => text(LIVERELOAD_CSS, "text/css; charset=utf-8"),
        "events" => events(live).into_response(),
        // What is served, one output path a line: what tests compare
        // with a fresh build.
        "files" => {
            let mut paths: Vec<&str> = site.files.keys().map(String::as_str).collect();
            paths.sort_unstable();
            let mut list = paths.join("\n");
            list.push('\n');
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], list).into_response()
        }
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// The page's event stream: the current build error first, if any, then
/// every event as it happens. Comment pings keep it alive and find pages
/// that went away.
fn events(
    live: &Live,
) -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>> + use<>> {
    let first = live
        .error
        .lock()
        .ok()
        .and_then(|e| e.clone())
        .map(|data| ("build-error", data));
    let receiver = live.events.subscribe();
    let stream = futures_util::stream::unfold((first, receiver), |(first, mut receiver)| async {
        if let Some((event, data)) = first {
            return Some((
                Ok(Event::default().event(event).data(data)),
                (None, receiver),
            ));
        }
        loop {
            match receiver.recv().await {
                Ok((event, data)) => {
                    let event = Event::default().event(event).data(data);
                    return Some((Ok(event), (None, receiver)));
                }
                // A page that fell behind reloads on the next event anyway.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(
        KeepAlive::new()
            .interval(Duration::from_secs(15))
            .text("ping"),
    )
}

fn send(file: &ServedFile, path: &str, status: StatusCode, request: &HeaderMap) -> Response {
    let html = path.ends_with(".html");
    // Pages differ from the built files by the live-reload script.
    let etag = if html {
        format!("{}-live\"", file.etag.trim_end_matches('"'))
    } else {
        file.etag.clone()
    };
    let not_modified = status == StatusCode::OK
        && request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|v| v.trim() == etag));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else if html {
        (status, Body::from(inject_live_reload(&file.bytes))).into_response()
    } else {
        (status, Body::from(file.bytes.clone())).into_response()
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, content_type(path)),
        (header::CACHE_CONTROL, "no-cache"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "bad request").into_response(),
    }
}

/// Adds the live-reload script before `</head>` (or at the end).
fn inject_live_reload(html: &[u8]) -> Vec<u8> {
    let at = html
        .windows(7)
        .position(|w| w.eq_ignore_ascii_case(b"</head>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + LIVERELOAD_TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(LIVERELOAD_TAG.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    /// An output path the site holds.
    File(String),
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a request path to a file of the site. The site lives under its
/// base path, as it will in production: `/` leads there, and nothing
/// outside it exists. Traversal forms (`..`, plain or percent-encoded,
/// backslashes, NUL) are refused outright.
fn resolve(site: &Served, url_path: &str) -> Resolved {
    let Some(decoded) = percent_decode(url_path) else {
        return Resolved::BadRequest;
    };
    if !decoded.starts_with('/')
        || decoded.contains(['\\', '\0'])
        || decoded.split('/').any(|s| s == ".." || s == ".")
        || decoded.starts_with("//")
    {
        return Resolved::BadRequest;
    }
    let base = site.base_path.as_str();
    let Some(rel) = decoded.strip_prefix(base) else {
        // `/help` and `/` lead to the site; anything else is not in it.
        return if format!("{decoded}/") == base || decoded == "/" {
            Resolved::Redirect(base.to_string())
        } else {
            Resolved::NotFound
        };
    };
    let path = if rel.is_empty() || rel.ends_with('/') {
        link::page_file(rel)
    } else {
        rel.to_string()
    };
    if site.files.contains_key(&path) {
        return Resolved::File(path);
    }
    if !rel.is_empty()
        && site
            .files
            .contains_key(&link::page_file(&format!("{rel}/")))
    {
        return Resolved::Redirect(format!("{url_path}/"));
    }
    Resolved::NotFound
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

pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map_or("", |(_, ext)| ext) {
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

    fn site(base_path: &str) -> Served {
        let files = ["index.html", "articles/a/index.html", "style.css"]
            .into_iter()
            .map(|p| (p.to_string(), ServedFile::new(b"x".to_vec())))
            .collect();
        Served {
            files,
            base_path: base_path.into(),
        }
    }

    #[test]
    fn refuses_traversal_forms() {
        let site = site("/");
        for url in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/..%2fetc",
            "/..%5c..%5cetc",
            "/a%00b",
            "//etc/passwd",
            "/articles/../style.css",
        ] {
            let r = resolve(&site, url);
            assert!(
                matches!(r, Resolved::BadRequest | Resolved::NotFound),
                "{url}: {r:?}"
            );
        }
        assert_eq!(resolve(&site, "/"), Resolved::File("index.html".into()));
    }

    #[test]
    fn serves_under_the_base_path_only() {
        let site = site("/help/");
        assert_eq!(resolve(&site, "/"), Resolved::Redirect("/help/".into()));
        assert_eq!(resolve(&site, "/help"), Resolved::Redirect("/help/".into()));
        assert_eq!(
            resolve(&site, "/help/"),
            Resolved::File("index.html".into())
        );
        assert_eq!(
            resolve(&site, "/help/articles/a"),
            Resolved::Redirect("/help/articles/a/".into())
        );
        assert_eq!(resolve(&site, "/style.css"), Resolved::NotFound);
        assert_eq!(resolve(&site, "/articles/a/"), Resolved::NotFound);
        assert_eq!(
            resolve(&site, "/help/style.css"),
            Resolved::File("style.css".into())
        );
    }
}
