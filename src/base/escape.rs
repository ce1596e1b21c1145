//! Escapers for author text in HTML, XML and JSON embedded in pages.

pub fn escape_json_for_html(json: &str) -> String {
    // JSON is full of quotes: only the bytes this escaper replaces count.
    replace_chars(json, &JSON_SPECIAL, json_replacement)
}

/// `value` serialized as JSON and escaped as [`escape_json_for_html`]
/// does, in one pass: strings are escaped as they are written, so the
/// JSON is neither scanned again nor copied (the search index is tens
/// of megabytes of it).
pub fn to_json_for_html<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out, HtmlSafe,
    ))?;
    String::from_utf8(out)
        .map_err(|e| serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// `text` as a JSON string, escaped as [`to_json_for_html`] escapes it,
/// appended to `out`: for the search index's hot loops, which write
/// strings straight into their files rather than through serde.
pub fn push_json_string(out: &mut String, text: &str) {
    /// Bytes that need a look: what JSON escapes, and the first byte of
    /// every character [`json_replacement`] replaces.
    const LOOK: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            table[b] = true;
            b += 1;
        }
        table[b'"' as usize] = true;
        table[b'\\' as usize] = true;
        let mut i = 0;
        while i < JSON_SPECIAL.len() {
            table[JSON_SPECIAL[i] as usize] = true;
            i += 1;
        }
        table
    };
    const HEX: [char; 16] = [
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
    ];
    out.push('"');
    let mut last = 0;
    // Only ASCII bytes and 0xE2, a first byte, are looked at: each is the
    // start of a character.
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if !LOOK[usize::from(b)] {
            continue;
        }
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\t' => "\\t",
            b'\r' => "\\r",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => match text[i..].chars().next().and_then(json_replacement) {
                Some(r) => r,
                None => continue,
            },
        };
        out.push_str(&text[last..i]);
        if b < 0x20 && short.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        } else {
            out.push_str(short);
        }
        last = i + text[i..].chars().next().map_or(1, char::len_utf8);
    }
    out.push_str(&text[last..]);
    out.push('"');
}

/// serde_json's compact output with the characters of
/// [`escape_json_for_html`] escaped inside strings (the only place they
/// can be in JSON).
struct HtmlSafe;

impl serde_json::ser::Formatter for HtmlSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        write_replacing(writer, fragment, &JSON_SPECIAL, json_replacement)
    }
}

/// What the JSON escaper writes in place of `c`, if anything.
fn json_replacement(c: char) -> Option<&'static str> {
    match c {
        '<' => Some("\\u003c"),
        '>' => Some("\\u003e"),
        '&' => Some("\\u0026"),
        '\u{2028}' => Some("\\u2028"),
        '\u{2029}' => Some("\\u2029"),
        // Inert in JSON data too: tree.json labels end up on the page.
        c if is_bidi_control(c) => Some(""),
        _ => None,
    }
}

/// Calls `f` with the offset of every byte of `text` that is one of
/// `targets`, in order. Eight bytes are tested at once (a word XORed with
/// a target has a zero byte where that target is), and most words of
/// text hold none.
fn for_each_candidate<const N: usize, E>(
    text: &str,
    targets: &[u8; N],
    mut f: impl FnMut(usize) -> Result<(), E>,
) -> Result<(), E> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let holds = targets.iter().fold(false, |any, &t| {
            let x = word ^ (ONES * u64::from(t));
            any | (x.wrapping_sub(ONES) & !x & HIGH != 0)
        });
        if holds {
            for (i, byte) in chunk.iter().enumerate() {
                if targets.contains(byte) {
                    f(at + i)?;
                }
            }
        }
        at += 8;
    }
    for (i, byte) in words.remainder().iter().enumerate() {
        if targets.contains(byte) {
            f(at + i)?;
        }
    }
    Ok(())
}

/// The bytes the JSON escaper may replace: every character it replaces
/// starts with one (0xE2 for U+2028, U+2029 and bidi controls).
const JSON_SPECIAL: [u8; 4] = [b'<', b'>', b'&', 0xE2];

/// The bytes the HTML and XML escapers may replace.
const HTML_SPECIAL: [u8; 6] = [b'<', b'>', b'&', b'"', b'\'', 0xE2];

/// Escapes author text for HTML text and attributes.
pub fn escape_html(s: &str) -> String {
    replace_chars(s, &HTML_SPECIAL, html_replacement)
}

/// [`escape_html`] written straight to `out`: Tera's escaper for every
/// value a template prints.
pub fn write_escaped_html(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_replacing(out, s, &HTML_SPECIAL, html_replacement)
}

/// What the HTML escaper writes in place of `c`, if anything.
fn html_replacement(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&#39;"),
        c if is_bidi_control(c) => Some(""),
        _ => None,
    }
}

/// `s` for a URL's query or a `mailto:` field: every byte but RFC 3986's
/// unreserved characters percent-encoded.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn escape_xml(s: &str) -> String {
    replace_chars(s, &HTML_SPECIAL, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        _ => None,
    })
}

/// Copies `text` with the characters `replacement` maps replaced; clean
/// runs are copied whole (this runs over every template variable and every
/// byte of the search index). Every character an escaper replaces starts
/// with one of the bytes `may_replace` (`<>&"'`, or 0xE2 for U+2028,
/// U+2029 and bidi controls), so other bytes are passed over without
/// decoding.
fn replace_chars<const N: usize>(
    text: &str,
    may_replace: &[u8; N],
    replacement: fn(char) -> Option<&'static str>,
) -> String {
    let mut out = Vec::with_capacity(text.len() + 16);
    let _ = write_replacing(&mut out, text, may_replace, replacement);
    // Only whole characters were replaced, by UTF-8 text.
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `text` with the characters `replacement` names replaced, in
/// runs between replacements: most text is written whole, and the many
/// strings holding a `…` or `›` (0xE2 too) need no copy either.
fn write_replacing<const N: usize, W: std::io::Write + ?Sized>(
    out: &mut W,
    text: &str,
    may_replace: &[u8; N],
    replacement: fn(char) -> Option<&'static str>,
) -> std::io::Result<()> {
    let mut last = 0;
    for_each_candidate(text, may_replace, |i| {
        if let Some(c) = text[i..].chars().next()
            && let Some(r) = replacement(c)
        {
            out.write_all(&text.as_bytes()[last..i])?;
            out.write_all(r.as_bytes())?;
            last = i + c.len_utf8();
        }
        Ok::<(), std::io::Error>(())
    })?;
    out.write_all(&text.as_bytes()[last..])
}

/// Unicode bidi embeddings, overrides and isolates: in a title or label
/// they can make text read backwards or spill over the rest of the page.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_written_by_hand_match_serde() {
        let samples = [
            "plain",
            "",
            "quote \" and \\ back",
            "</script> & <b>",
            "ctrl \u{0} \u{1f} \n\t\r\u{8}\u{c} \u{7f}",
            "line \u{2028} para \u{2029} bidi \u{202E}x\u{2066} – › …",
            "é中文\u{2069}",
        ];
        for text in samples {
            let mut hand = String::new();
            push_json_string(&mut hand, text);
            assert_eq!(
                hand,
                to_json_for_html(text).expect("serializes"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn json_for_html_in_one_pass_is_the_escaped_serialization() {
        let value = serde_json::json!({
            "a<b>": ["</script>", "R&D \u{2028} \u{202E}x\"q\\", 1.5, null],
            "plain": "nothing to do",
        });
        let expected = escape_json_for_html(&value.to_string());
        assert_eq!(to_json_for_html(&value).expect("serializes"), expected);
        assert!(expected.contains("\\u003c/script\\u003e") && !expected.contains('\u{202E}'));
    }

    #[test]
    fn escaping_agrees_with_a_char_by_char_escaper_across_chunk_edges() {
        let naive = |text: &str| -> String {
            text.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c if is_bidi_control(c) => String::new(),
                    c => c.to_string(),
                })
                .collect()
        };
        // Every placement of each special character around the 16-byte
        // chunk edges, after ASCII or multi-byte text.
        for pad in ["", "é", "–", "\u{2028}"] {
            for special in ["<", "&", "'", "\u{202E}", "\u{2028}", "–"] {
                for at in 0..40 {
                    let text = format!("{}{pad}{special}{}", "a".repeat(at), "b".repeat(40 - at));
                    assert_eq!(escape_html(&text), naive(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn json_escaping_rewrites_only_what_can_close_or_flip_text() {
        let json = "{\"a\":\"<b>&amp;\u{2028}x\u{202E}y\u{2066}é–z\"}";
        assert_eq!(
            escape_json_for_html(json),
            "{\"a\":\"\\u003cb\\u003e\\u0026amp;\\u2028xyé–z\"}"
        );
    }
}
