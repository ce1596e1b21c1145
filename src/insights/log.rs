//! Reading what customers did: lines of a combined-format access log, or
//! NDJSON event objects, turned into [`Seen`] records. Malformed input is
//! counted by the caller, never fatal.

use std::collections::HashMap;

/// One line of a combined-format access log:
/// `ip - user [27/Nov/2026:20:03:09 +0000] "GET /x HTTP/1.1" 200 43 "referer" "agent"`.
#[derive(Debug, PartialEq, Eq)]
pub struct LogLine<'a> {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub method: &'a str,
    /// Path and query, as requested.
    pub target: &'a str,
    pub status: u16,
    pub referer: &'a str,
    pub agent: &'a str,
}

/// Parses one combined-format line; `None` when it is not one.
pub fn parse_line(line: &str) -> Option<LogLine<'_>> {
    let open = line.find('[')?;
    let close = open + line[open..].find(']')?;
    let date = log_date(&line[open + 1..close])?;
    let rest = &line[close + 1..];
    let (request, rest) = quoted(rest)?;
    let mut parts = request.split(' ');
    let method = parts.next().filter(|m| !m.is_empty())?;
    let target = parts.next()?;
    let rest = rest.trim_start();
    let (status, rest) = rest.split_once(' ')?;
    let status = status.parse().ok()?;
    // Bytes, then the referer and the agent (both optional in the common format).
    let rest = rest.split_once(' ').map_or("", |(_, r)| r);
    let (referer, rest) = quoted(rest).unwrap_or(("", rest));
    let (agent, _) = quoted(rest).unwrap_or(("", ""));
    Some(LogLine {
        date,
        method,
        target,
        status,
        referer,
        agent,
    })
}

/// The first `"…"` in `text` (the log escapes quotes inside as `\x22` or
/// `\"`), and what follows it.
fn quoted(text: &str) -> Option<(&str, &str)> {
    let start = text.find('"')? + 1;
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some((&text[start..i], &text[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

/// `27/Nov/2026:20:03:09 +0000` → `2026-11-27`.
fn log_date(text: &str) -> Option<String> {
    let mut parts = text.splitn(3, '/');
    let day: u32 = parts.next()?.parse().ok()?;
    let month = parts.next()?;
    let year = parts.next()?.get(..4)?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = MONTHS.iter().position(|x| *x == month)? + 1;
    year.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| format!("{year}-{m:02}-{day:02}"))
}

/// Crawlers, monitors and scripts: their requests are not customers'.
pub fn is_bot(agent: &str) -> bool {
    const MARKS: [&str; 16] = [
        "bot",
        "crawl",
        "spider",
        "slurp",
        "preview",
        "facebookexternalhit",
        "curl/",
        "wget/",
        "python-requests",
        "python-urllib",
        "go-http-client",
        "httpclient",
        "monitor",
        "uptime",
        "lighthouse",
        "scrapy",
    ];
    let lower = agent.to_ascii_lowercase();
    agent.is_empty() || agent == "-" || MARKS.iter().any(|m| lower.contains(m))
}

/// Splits `path?query` and decodes the query into its parameters.
pub fn split_target(target: &str) -> (&str, HashMap<String, String>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect();
    (path, params)
}

/// Percent-decoding of a query part (`+` is a space); `None` when the
/// bytes are not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// A query as the report keeps it: trimmed, lowercased, at most 100
/// characters, with e-mail addresses and runs of 6+ digits replaced, so a
/// customer's personal data never reaches the report (scrubbed again here
/// whatever the page sent).
pub fn scrub(query: &str) -> String {
    let lower = query.trim().to_lowercase();
    let words: Vec<String> = lower
        .split_whitespace()
        .map(|w| {
            if w.contains('@') && w.len() > 2 {
                "[email]".to_string()
            } else {
                digits_replaced(w)
            }
        })
        .collect();
    words.join(" ").chars().take(100).collect()
}

fn digits_replaced(word: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 6 {
            out.push_str("[number]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in word.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_lines_parse_and_others_do_not() {
        let line = r#"127.0.0.1 - - [27/Nov/2026:20:03:09 +0000] "GET /help/_insights/e.gif?v=1&t=search&q=red+light&n=0 HTTP/1.1" 200 43 "http://127.0.0.1/help/" "Mozilla/5.0 (X11) HeadlessChrome/120""#;
        let l = parse_line(line).expect("parses");
        assert_eq!(l.date, "2026-11-27");
        assert_eq!(l.method, "GET");
        assert_eq!(l.status, 200);
        assert_eq!(l.referer, "http://127.0.0.1/help/");
        let (path, params) = split_target(l.target);
        assert_eq!(path, "/help/_insights/e.gif");
        assert_eq!(params["q"], "red light");
        assert!(parse_line("garbage").is_none());
        assert!(parse_line("1.2.3.4 - - [xx] \"GET / HTTP/1.1\" 200 1").is_none());
        assert!(is_bot("Googlebot/2.1"));
        assert!(!is_bot("Mozilla/5.0 (X11) HeadlessChrome/120"));
    }

    #[test]
    fn queries_are_scrubbed() {
        assert_eq!(
            scrub("  My Order 1234567 from ana@example.com "),
            "my order [number] from [email]"
        );
        assert_eq!(scrub("pin 1234"), "pin 1234");
        assert_eq!(scrub(&"x".repeat(300)).len(), 100);
        assert_eq!(decode("caf%C3%A9+au+lait").as_deref(), Some("café au lait"));
        assert_eq!(decode("100%").as_deref(), Some("100%"));
    }
}
