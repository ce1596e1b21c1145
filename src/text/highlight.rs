//! Syntax highlighting of fenced code at build time (syntect), written as
//! `hl-` classes and never as `style=`, which a strict Content-Security-
//! Policy blocks. The theme's `highlight.css` colours the classes, light
//! and dark. Syntaxes load once, on the first block that names a language.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxDefinition, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Every class is a TextMate scope atom with this prefix (`hl-comment`).
const CLASSES: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// HTTP requests and responses (syntect has no HTTP syntax of its own):
/// request and status lines, then headers.
const HTTP_SYNTAX: &str = r#"%YAML 1.2
---
name: HTTP
file_extensions: [http]
scope: source.http
contexts:
  main:
    - match: '^([A-Z]+)(\s+)(\S+)(?:(\s+)(HTTP/[0-9.]+))?\s*$'
      captures:
        1: keyword.other.method.http
        3: string.unquoted.uri.http
        5: constant.language.version.http
    - match: '^(HTTP/[0-9.]+)(\s+)([0-9]{3})(.*)$'
      captures:
        1: constant.language.version.http
        3: constant.numeric.status.http
        4: string.unquoted.reason.http
    - match: '^([A-Za-z0-9-]+)(:)(.*)$'
      captures:
        1: entity.name.tag.header.http
        2: punctuation.separator.key-value.http
        3: string.unquoted.value.http
"#;

/// syntect's bundled syntaxes, as they come (rebuilding the set to add
/// one would cost every build that has code).
fn bundled() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The syntaxes syntect lacks, in a set of their own.
fn extra() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut builder = syntect::parsing::SyntaxSetBuilder::new();
        // A syntax bundled in the binary: it parses, or the tests fail.
        if let Ok(http) = SyntaxDefinition::load_from_str(HTTP_SYNTAX, true, Some("http")) {
            builder.add(http);
        }
        builder.build()
    })
}

/// The syntax for a fence's language (`sh`, `json`, `yaml`, `http`,
/// `js`, `python`, `php`, …) and the set it belongs to, if any.
fn syntax_for(language: &str) -> Option<(&'static SyntaxReference, &'static SyntaxSet)> {
    if language == "http" {
        let set = extra();
        return set.find_syntax_by_token("http").map(|s| (s, set));
    }
    let set = bundled();
    let syntax = match language {
        // Plain PHP, as in docs, rather than PHP embedded in HTML.
        "php" => set.find_syntax_by_name("PHP Source"),
        "shell" | "console" => set.find_syntax_by_token("bash"),
        _ => set.find_syntax_by_token(language),
    };
    syntax.map(|s| (s, set))
}

/// `code` as highlighted HTML (escaped, with `hl-` spans); `None` when no
/// syntax knows `language`, and the caller shows the code as plain text.
pub(crate) fn highlight(code: &str, language: &str) -> Option<String> {
    // The same block often comes back: in every translation of an
    // article, in snippets repeated across articles, in each rebuild of
    // the preview. Matching grammars costs about 0.1 ms a block.
    let key = (language.to_string(), code.to_string());
    if let Some(html) = CACHE.lock().ok().and_then(|c| c.map.get(&key).cloned()) {
        return Some(html);
    }
    let html = highlight_uncached(code, language)?;
    if let Ok(mut cache) = CACHE.lock() {
        cache.insert(key, html.clone());
    }
    Some(html)
}

/// Highlighted blocks by (language, code), up to a few megabytes.
static CACHE: std::sync::LazyLock<std::sync::Mutex<Cache>> = std::sync::LazyLock::new(|| {
    std::sync::Mutex::new(Cache {
        map: std::collections::HashMap::new(),
        bytes: 0,
    })
});

struct Cache {
    map: std::collections::HashMap<(String, String), String>,
    bytes: usize,
}

impl Cache {
    /// Most blocks are a few hundred bytes: 16 MB holds tens of thousands.
    const LIMIT: usize = 16 << 20;

    fn insert(&mut self, key: (String, String), html: String) {
        self.bytes += key.0.len() + key.1.len() + html.len();
        if self.bytes > Self::LIMIT {
            self.map.clear();
            self.bytes = key.0.len() + key.1.len() + html.len();
        }
        self.map.insert(key, html);
    }
}

fn highlight_uncached(code: &str, language: &str) -> Option<String> {
    let (syntax, set) = syntax_for(language)?;
    let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASSES);
    for line in LinesWithEndings::from(code) {
        html.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(html.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_languages_help_centers_use_are_highlighted_as_classes() {
        for (language, code, class) in [
            (
                "sh",
                "curl -X POST https://x.example # send\n",
                "hl-comment",
            ),
            ("json", "{\"ok\": true}\n", "hl-string"),
            ("yaml", "title: Hi\n", "hl-entity"),
            (
                "http",
                "POST /v1/messages HTTP/1.1\nAuthorization: Bearer x\n",
                "hl-keyword",
            ),
            ("js", "const a = 1; // one\n", "hl-storage"),
            ("python", "def f():\n    return 'x'\n", "hl-string"),
            ("php", "$a = strlen('x');\n", "hl-variable"),
        ] {
            let html = highlight(code, language).unwrap_or_else(|| panic!("{language} is known"));
            assert!(html.contains(class), "{language}: {html}");
            assert!(!html.contains("style="), "{language}");
        }
        assert_eq!(highlight("x", "no-such-language"), None);
        let html = highlight("<script>alert(1)</script>\n", "html").expect("html");
        assert!(!html.contains("<script>"), "code is escaped: {html}");
    }
}
