//! Mistakes of authors, collected across every stage and printed together.
//!
//! Failures of the machine (I/O, template engine bugs) are `anyhow` errors;
//! everything an author can fix by editing a file is a [`Diagnostic`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors stop the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file; line and column are 1-based, `len` is in chars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
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

    /// Renders rustc-style: header, location, the offending line with carets.
    pub fn render(&self, source: Option<&str>) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{label}[{}]: {}\n", self.code, self.message);
        let file = self.file.display();
        if self.pos.line == 0 {
            let _ = writeln!(out, "  --> {file}");
        } else {
            let _ = writeln!(out, "  --> {file}:{}:{}", self.pos.line, self.pos.column);
        }
        let line_text = source.and_then(|s| s.lines().nth(self.pos.line.wrapping_sub(1)));
        let gutter = self.pos.line.to_string().len();
        if let Some(text) = line_text {
            let text = text.trim_end_matches('\r');
            let pad = " ".repeat(gutter);
            let shown: String = text.chars().take(200).collect();
            let col = self.pos.column.max(1);
            let carets = "^".repeat(self.pos.len.max(1));
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{} | {shown}", self.pos.line);
            let _ = writeln!(out, "{pad} | {}{carets}", " ".repeat(col - 1));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{} = help: {help}", " ".repeat(gutter));
        }
        out
    }
}

/// One line of `waymark check --format json`. Fields (documented in the
/// README): severity, code, file, line, column, end_column, message, help.
/// Line and column are 1-based; 0 when unknown.
pub fn to_json_line(d: &Diagnostic) -> String {
    serde_json::json!({
        "severity": d.severity,
        "code": d.code,
        "file": d.file.to_string_lossy().replace('\\', "/"),
        "line": d.pos.line,
        "column": d.pos.column,
        "end_column": if d.pos.column == 0 { 0 } else { d.pos.column + d.pos.len.max(1) },
        "message": d.message,
        "help": d.help,
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

    #[test]
    fn renders_caret_under_span() {
        let d = Diagnostic::error("E-X", Path::new("a.yaml"), Pos::new(2, 7, 3), "bad thing")
            .with_help("fix it");
        let text = d.render(Some("first\nnext: abc\n"));
        assert!(text.contains("error[E-X]: bad thing"));
        assert!(text.contains("--> a.yaml:2:7"));
        assert!(text.contains("2 | next: abc\n  |       ^^^\n"));
        assert!(text.contains("= help: fix it"));
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["unlink-first", "credit-line"];
        assert_eq!(suggest("unlink-frist", names), Some("unlink-first"));
        assert_eq!(suggest("something-else", names), None);
    }
}
