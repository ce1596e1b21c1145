//! Mistakes of authors, collected across every stage and printed together.
//!
//! Failures of the machine (I/O, template engine bugs) are `anyhow` errors;
//! everything an author can fix by editing a file is a [`Diagnostic`].

use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors stop the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file; line and column are 1-based, `len` is in chars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

impl Pos {
    pub fn new(line: usize, column: usize, len: usize) -> Self {
        Pos { line, column, len }
    }
}

/// One mistake an author can fix, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable identifier such as `E-LINK-BROKEN`, for docs and editors.
    pub code: &'static str,
    /// Path relative to the site root, as the author knows it.
    pub file: PathBuf,
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
    /// Other places that explain this one, such as the first definition
    /// of something defined twice.
    pub related: Vec<Related>,
}

/// A place a diagnostic points to besides its own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Related {
    pub file: PathBuf,
    pub pos: Pos,
    pub message: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_path_buf(),
            pos,
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, pos, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds `help` unless a more specific one (a suggestion) is already set.
    pub fn with_help_if_none(self, help: impl Into<String>) -> Self {
        if self.help.is_some() {
            self
        } else {
            self.with_help(help)
        }
    }

    /// Adds "did you mean …?" when a candidate is close to `wrong`.
    pub fn with_suggestion<'a>(
        self,
        wrong: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        match suggest(wrong, candidates) {
            Some(near) => self.with_help(format!("did you mean `{near}`?")),
            None => self,
        }
    }

    /// Like [`Diagnostic::with_suggestion`] for an `#id`, with `otherwise`
    /// as the help when nothing is near.
    pub fn with_suggestion_or<'a>(
        self,
        wrong: &str,
        candidates: impl IntoIterator<Item = &'a str>,
        otherwise: &str,
    ) -> Self {
        match suggest(wrong, candidates) {
            Some(near) => self.with_help(format!("did you mean `#{near}`?")),
            None => self.with_help(otherwise),
        }
    }

    /// Points to another place that explains this diagnostic.
    pub fn with_related(mut self, file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file: file.to_path_buf(),
            pos,
            message: message.into(),
        });
        self
    }

    /// Renders like cargo (with annotate-snippets): header, location, the
    /// offending line with a caret under the span, related places, help.
    /// `source_of` gives the text of a file, to quote its lines.
    pub fn render<'s>(&self, source_of: &dyn Fn(&Path) -> Option<&'s str>, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let origin = display_path(&self.file);
        let primary = quote(source_of(&self.file), self.pos);
        let related: Vec<(String, Option<Quote>, &Related)> = self
            .related
            .iter()
            .map(|r| (display_path(&r.file), quote(source_of(&r.file), r.pos), r))
            .collect();
        let mut group = Group::with_title(level.primary_title(&self.message).id(self.code));
        if let Some(q) = &primary {
            group = group.element(
                Snippet::source(&q.line)
                    .line_start(self.pos.line)
                    .path(&origin)
                    .annotation(AnnotationKind::Primary.span(q.span.clone())),
            );
        }
        let mut notes = Vec::new();
        for (file, quote, r) in &related {
            match quote {
                Some(q) => {
                    group = group.element(
                        Snippet::source(&q.line)
                            .line_start(r.pos.line)
                            .path(file)
                            .annotation(
                                AnnotationKind::Context
                                    .span(q.span.clone())
                                    .label(&r.message),
                            ),
                    );
                }
                None => notes.push(format!("{}: {}", r.message, location(file, r.pos))),
            }
        }
        for note in &notes {
            group = group.element(Level::NOTE.message(note));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut text = renderer.render(&[group]);
        // Without a line to quote, still say where: `--> file:line:col`.
        if primary.is_none() {
            let indent = text
                .lines()
                .find_map(|l| l.find("--> ").filter(|i| l[..*i].trim().is_empty()))
                .unwrap_or(1);
            let (head, rest) = text.split_once('\n').unwrap_or((&text, ""));
            text = format!(
                "{head}\n{}--> {}\n{rest}",
                " ".repeat(indent),
                location(&origin, self.pos)
            );
        }
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    }
}

/// One source line and the byte range of a span in it.
struct Quote {
    line: String,
    span: std::ops::Range<usize>,
}

/// The line `pos` points into, when the source and the line are known.
fn quote(source: Option<&str>, pos: Pos) -> Option<Quote> {
    if pos.line == 0 {
        return None;
    }
    let line = source?.lines().nth(pos.line - 1)?;
    let line = line.trim_end_matches('\r');
    // Columns and lengths count characters; snippets want byte offsets.
    let byte_at = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(i, _)| i)
    };
    let start = byte_at(pos.column.saturating_sub(1));
    let end = byte_at(pos.column.saturating_sub(1) + pos.len.max(1)).max(start);
    // An empty span (end of line) still needs a caret: point past the end.
    let span = if start == end {
        start..start + 1
    } else {
        start..end
    };
    let mut line = line.to_string();
    if span.end > line.len() {
        line.push(' ');
    }
    Some(Quote { line, span })
}

fn location(file: &str, pos: Pos) -> String {
    match (pos.line, pos.column) {
        (0, _) => file.to_string(),
        (line, 0) => format!("{file}:{line}"),
        (line, column) => format!("{file}:{line}:{column}"),
    }
}

/// Paths as authors type them, with `/` on every system.
fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// One line of `waymark check --format json`. Fields (documented in the
/// README): severity, code, file, line, column, end_column, message, help.
/// Line and column are 1-based; 0 when unknown.
pub fn to_json_line(d: &Diagnostic) -> String {
    let end_column = |pos: Pos| {
        if pos.column == 0 {
            0
        } else {
            pos.column + pos.len.max(1)
        }
    };
    serde_json::json!({
        "severity": d.severity,
        "code": d.code,
        "file": display_path(&d.file),
        "line": d.pos.line,
        "column": d.pos.column,
        "end_column": end_column(d.pos),
        "message": d.message,
        "help": d.help,
        "related": d.related.iter().map(|r| serde_json::json!({
            "file": display_path(&r.file),
            "line": r.pos.line,
            "column": r.pos.column,
            "end_column": end_column(r.pos),
            "message": r.message,
        })).collect::<Vec<_>>(),
    })
    .to_string()
}

/// The closest candidate by edit distance, if it is plausibly a typo.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(wrong, c), c))
        .filter(|(d, _)| *d <= limit && *d > 0)
        .min()
        .map(|(_, c)| c)
}

/// Sorts for printing: by file, then position, errors before warnings.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.pos, a.severity, &a.message).cmp(&(&b.file, b.pos, b.severity, &b.message))
    });
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(path: &Path) -> Option<&'static str> {
        match path.to_str()? {
            "a.yaml" => Some("first\nnext: abc\n"),
            "b.md" => Some("---\ntitle: “Ça”: x\n"),
            _ => None,
        }
    }

    #[test]
    fn renders_caret_under_span() {
        let d = Diagnostic::error("E-X", Path::new("a.yaml"), Pos::new(2, 7, 3), "bad thing")
            .with_help("fix it");
        let text = d.render(&sources, false);
        assert!(text.contains("error[E-X]: bad thing"), "{text}");
        assert!(text.contains("--> a.yaml:2:7"), "{text}");
        assert!(text.contains("2 | next: abc\n  |       ^^^"), "{text}");
        assert!(text.contains("= help: fix it"), "{text}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let d = Diagnostic::error("E-X", Path::new("b.md"), Pos::new(2, 13, 1), "here");
        let text = d.render(&sources, false);
        assert!(text.contains("--> b.md:2:13"), "{text}");
        assert!(text.contains("|             ^"), "{text}");
    }

    #[test]
    fn related_places_are_quoted_or_named() {
        let d = Diagnostic::error("E-X", Path::new("b.md"), Pos::default(), "twice")
            .with_related(Path::new("a.yaml"), Pos::new(2, 1, 4), "first defined here")
            .with_related(Path::new("c.md"), Pos::default(), "also in");
        let text = d.render(&sources, false);
        assert!(text.contains(" --> b.md\n"), "{text}");
        assert!(text.contains("--> a.yaml:2:1"), "{text}");
        assert!(text.contains("---- first defined here"), "{text}");
        assert!(text.contains("= note: also in: c.md"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&to_json_line(&d)).expect("valid JSON");
        assert_eq!(json["related"][0]["file"], "a.yaml");
        assert_eq!(json["related"][0]["line"], 2);
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::warning("W-X", Path::new("a.yaml"), Pos::new(1, 1, 5), "hm");
        assert!(!d.render(&sources, false).contains('\x1b'));
        assert!(d.render(&sources, true).contains('\x1b'));
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["unlink-first", "credit-line"];
        assert_eq!(suggest("unlink-frist", names), Some("unlink-first"));
        assert_eq!(suggest("something-else", names), None);
    }
}
