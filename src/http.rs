//! The HTTP/1.1 the dev server needs, and no more: GET and HEAD requests
//! without bodies, keep-alive, one thread per connection, and connections a
//! handler can take over (the live-reload event stream).
//!
//! Why not tiny_http: its connection pool can lose a wake-up when two
//! connections arrive together while one pool thread is idle. The second
//! connection's requests then sit unread until another connection closes,
//! and a page load stalls for seconds. A thread per connection cannot do
//! that. Idle connections are closed after a few seconds, so threads do not
//! pile up behind browsers' idle keep-alive sockets.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long a kept-alive connection may sit idle between requests.
const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long writing a response may block on a client that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Limit on a request's line and headers together.
const MAX_HEAD_BYTES: u64 = 16 * 1024;
/// Connections served at once; more are answered 503 and closed.
const MAX_CONNECTIONS: usize = 512;

/// One parsed request.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    headers: Vec<(String, String)>,
    keep_alive: bool,
}

impl Request {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A complete response; `Content-Length` and `Connection` are added, and
/// the body is left out for a HEAD request.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// What a handler does with a request.
pub enum Reply {
    Respond(Response),
    /// The handler writes to the connection itself until it is done; the
    /// connection is closed afterwards.
    TakeOver(Box<dyn FnOnce(TcpStream) + Send>),
}

/// Serves `listener` until the process ends, each connection on its own
/// thread.
pub fn serve<H>(listener: TcpListener, handler: H)
where
    H: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if open.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::AcqRel);
            let _ = write_response(&mut stream, &Response::new(503, "busy"), false, true);
            continue;
        }
        let handler = handler.clone();
        let still_open = open.clone();
        let spawned = std::thread::Builder::new()
            .name("http".into())
            .spawn(move || {
                connection(stream, &*handler);
                still_open.fetch_sub(1, Ordering::AcqRel);
            });
        if spawned.is_err() {
            // Out of threads: this connection is dropped (closed) unserved.
            open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

fn connection(stream: TcpStream, handler: &(dyn Fn(&Request) -> Reply + Sync)) {
    if stream.set_read_timeout(Some(IDLE_TIMEOUT)).is_err()
        || stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err()
    {
        return;
    }
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            // Closed, idle too long, or unreadable: nothing to answer.
            Ok(None) | Err(ReadError::Io) => return,
            Err(ReadError::Malformed) => {
                let _ =
                    write_response(&mut stream, &Response::new(400, "bad request"), false, true);
                return;
            }
        };
        match handler(&request) {
            Reply::Respond(response) => {
                let body = request.method != "HEAD";
                if write_response(&mut stream, &response, request.keep_alive, body).is_err()
                    || !request.keep_alive
                {
                    return;
                }
            }
            Reply::TakeOver(stream_to) => {
                stream_to(stream);
                return;
            }
        }
    }
}

enum ReadError {
    Io,
    Malformed,
}

/// Reads one request head; `None` when the client closed the connection
/// (or let it idle) between requests.
fn read_request(reader: &mut BufReader<TcpStream>) -> Result<Option<Request>, ReadError> {
    let mut head = reader.by_ref().take(MAX_HEAD_BYTES);
    let mut line = String::new();
    // Tolerate empty lines before a request (RFC 9112, section 2.2).
    loop {
        line.clear();
        match head.read_line(&mut line) {
            Ok(0) => return Ok(None),
            Ok(_) if line.trim().is_empty() => continue,
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(ReadError::Malformed);
            }
            Err(_) => return Ok(None),
        }
    }
    let request_line = line.trim_end().to_string();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed);
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(ReadError::Malformed);
    }
    let mut headers = Vec::new();
    loop {
        line.clear();
        match head.read_line(&mut line) {
            Ok(0) => return Err(ReadError::Malformed), // ended mid-head or too long
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(ReadError::Malformed);
            }
            Err(_) => return Err(ReadError::Io),
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(ReadError::Malformed);
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        keep_alive: false,
    };
    let connection = request
        .header("connection")
        .unwrap_or_default()
        .to_ascii_lowercase();
    // A body is never read, so a connection that sent one cannot go on.
    let has_body = request.header("transfer-encoding").is_some()
        || request.header("content-length").is_some_and(|n| n != "0");
    request.keep_alive = !has_body
        && !connection.contains("close")
        && (version != "HTTP/1.0" || connection.contains("keep-alive"));
    Ok(Some(request))
}

fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    keep_alive: bool,
    body: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if response.status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    let connection = if keep_alive { "keep-alive" } else { "close" };
    head.push_str(&format!("Connection: {connection}\r\n\r\n"));
    let mut out = head.into_bytes();
    if body {
        out.extend_from_slice(&response.body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Serves a handler that echoes the method and target on a free port.
    fn echo_server() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            serve(listener, |r: &Request| {
                Reply::Respond(Response::new(
                    200,
                    format!(
                        "{} {} {}",
                        r.method,
                        r.target,
                        r.header("x-a").unwrap_or("-")
                    ),
                ))
            })
        });
        port
    }

    fn exchange(port: u16, raw: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.write_all(raw.as_bytes()).expect("write");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    #[test]
    fn keeps_a_connection_alive_across_requests_and_closes_on_request() {
        let port = echo_server();
        let out = exchange(
            port,
            "GET /a HTTP/1.1\r\nX-A: 1\r\n\r\nGET /b?q=2 HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
        assert!(out.contains("Connection: keep-alive\r\n"), "{out}");
        assert!(out.contains("GET /a 1"), "{out}");
        assert!(out.ends_with("GET /b?q=2 -"), "{out}");
    }

    #[test]
    fn head_gets_the_length_without_the_body() {
        let port = echo_server();
        let out = exchange(port, "HEAD /a HTTP/1.1\r\nConnection: close\r\n\r\n");
        // The GET body would be "HEAD /a -": 9 bytes.
        assert!(out.contains("Content-Length: 9\r\n"), "{out}");
        assert!(out.ends_with("\r\n\r\n"), "{out}");
    }

    #[test]
    fn answers_malformed_requests_with_400_and_closes() {
        let port = echo_server();
        for raw in [
            "NONSENSE\r\n\r\n",
            "GET /a FTP/1.0\r\n\r\n",
            "GET /a HTTP/1.1\r\nno colon here\r\n\r\n",
        ] {
            let out = exchange(port, raw);
            assert!(
                out.starts_with("HTTP/1.1 400 Bad Request\r\n"),
                "{raw:?}: {out}"
            );
        }
        let huge = format!("GET /a HTTP/1.1\r\nX-A: {}\r\n\r\n", "a".repeat(20_000));
        assert!(exchange(port, &huge).starts_with("HTTP/1.1 400"));
    }

    #[test]
    fn a_request_with_a_body_ends_the_connection() {
        let port = echo_server();
        let out = exchange(
            port,
            "GET /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n",
        );
        assert_eq!(out.matches("HTTP/1.1 200").count(), 1, "{out}");
        assert!(out.contains("Connection: close\r\n"), "{out}");
    }

    #[test]
    fn many_connections_at_once_are_all_answered() {
        // The tiny_http pool lost the second of two connections that
        // arrived together; here every one of them must be served while
        // the others stay open and idle.
        let port = echo_server();
        let idle: Vec<TcpStream> = (0..16)
            .map(|_| TcpStream::connect(("127.0.0.1", port)).expect("connect"))
            .collect();
        let answers: Vec<_> = (0..16)
            .map(|i| {
                std::thread::spawn(move || exchange(port, &format!("GET /{i} HTTP/1.0\r\n\r\n")))
            })
            .collect();
        for (i, answer) in answers.into_iter().enumerate() {
            let out = answer.join().expect("thread");
            assert!(out.ends_with(&format!("GET /{i} -")), "{out}");
        }
        drop(idle);
    }
}
