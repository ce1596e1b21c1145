//! What a check or build found and did, for the command line to print.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::base::diagnostic::{self, Diagnostic};
use crate::load::tree::TreeStats;

/// What a check or build found and did.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Source texts, so diagnostics can show the offending line.
    pub sources: HashMap<PathBuf, String>,
    /// Per tree: slug and summary figures.
    pub tree_stats: Vec<(String, TreeStats)>,
    pub files: usize,
    /// Where the site was written; `None` when nothing was written.
    pub output: Option<PathBuf>,
    /// Every source page in every other language, and how it stands.
    pub translations: Vec<crate::load::translation::TranslationState>,
}

impl Report {
    /// "translations missing: es 2, pt-br 15 (see `waymark translations`)",
    /// or `None` when every page is translated.
    pub fn missing_translations(&self) -> Option<String> {
        use crate::load::translation::Status;
        let mut by_language: Vec<(&str, usize)> = Vec::new();
        for t in self
            .translations
            .iter()
            .filter(|t| t.status == Status::Missing)
        {
            match by_language.iter_mut().find(|(l, _)| *l == t.language) {
                Some((_, n)) => *n += 1,
                None => by_language.push((&t.language, 1)),
            }
        }
        if by_language.is_empty() {
            return None;
        }
        let list: Vec<String> = by_language
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        Some(format!(
            "translations missing: {} (see `waymark translations`)",
            list.join(", ")
        ))
    }

    pub fn has_errors(&self) -> bool {
        diagnostic::has_errors(&self.diagnostics)
    }

    /// How many diagnostics are warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == diagnostic::Severity::Warning)
            .count()
    }

    /// The diagnostics as the terminal shows them.
    pub fn render_diagnostics(&self, color: bool) -> Vec<String> {
        let source_of = |path: &std::path::Path| self.sources.get(path).map(String::as_str);
        self.diagnostics
            .iter()
            .map(|d| d.render(&source_of, color))
            .collect()
    }
}

impl Report {
    /// Prints the diagnostics to stderr as the terminal shows them (in
    /// colour on a terminal, never with `NO_COLOR`), then a count.
    pub fn eprint(&self) {
        use std::io::IsTerminal as _;
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        for text in self.render_diagnostics(color) {
            eprintln!("{text}");
        }
        let warnings = self.warnings();
        let errors = self.diagnostics.len() - warnings;
        if errors + warnings > 0 {
            eprintln!("{errors} error(s), {warnings} warning(s)");
        }
        if let Some(line) = self.missing_translations() {
            eprintln!("{line}");
        }
    }
}
