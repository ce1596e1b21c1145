//! waymark: a static site generator for help centers.
//!
//! ```text
//! site root ─ load ─> Site ─ validate ─> Vec<Diagnostic>
//!                      └─ render ─> OutputFile ─> output::Staging (atomic swap)
//! check = load + validate + render in memory;  build = check, then write
//! ```

pub mod article;
pub mod config;
pub mod diagnostic;
pub mod graph;
pub mod link;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod source;
pub mod theme;
pub mod tree;
pub mod tree_pages;
pub mod validate;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use diagnostic::Diagnostic;
pub use site::BuildOptions;

/// What a check or build found and did.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Source texts, so diagnostics can show the offending line.
    pub sources: HashMap<PathBuf, String>,
    /// Per tree: slug and summary figures.
    pub tree_stats: Vec<(String, tree::TreeStats)>,
    pub files: usize,
    /// Where the site was written; `None` when nothing was written.
    pub output: Option<PathBuf>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        diagnostic::has_errors(&self.diagnostics)
    }
}

/// Loads and validates the site at `root`, then renders it without
/// writing anything, so template errors surface too.
pub fn check(root: &Path, options: &BuildOptions) -> anyhow::Result<Report> {
    run(root, None, options)
}

/// Builds the site at `root` into `output`, replacing it only on success.
pub fn build(root: &Path, output: &Path, options: &BuildOptions) -> anyhow::Result<Report> {
    run(root, Some(output), options)
}

fn run(root: &Path, output: Option<&Path>, options: &BuildOptions) -> anyhow::Result<Report> {
    let loaded = site::load(root, options)?;
    let mut report = Report {
        diagnostics: loaded.diagnostics,
        sources: loaded.sources,
        ..Report::default()
    };
    let Some(site) = loaded.site else {
        return Ok(finish(report));
    };
    report.diagnostics.extend(validate::validate(&site));
    add_cited_sources(root, &mut report);
    report.tree_stats = site
        .trees
        .iter()
        .map(|t| (t.slug.clone(), t.stats()))
        .collect();
    if report.has_errors() {
        return Ok(finish(report));
    }
    let theme = theme::Theme::load(root, &site.config.theme)?;
    let renderer = render::Renderer::new(&site, &theme);
    match output {
        None => {
            report.files = renderer.render_all(&|_| Ok(()))?;
        }
        Some(dir) => {
            let staging = output::Staging::begin(root, dir)?;
            report.files = renderer.render_all(&|file| staging.write(&file))?;
            report.output = Some(staging.commit()?);
        }
    }
    Ok(finish(report))
}

/// Loading keeps only the sources of files with load diagnostics (a large
/// site's text would double peak memory); read the other cited ones now.
fn add_cited_sources(root: &Path, report: &mut Report) {
    for d in &report.diagnostics {
        if !report.sources.contains_key(&d.file)
            && let Ok(text) = std::fs::read_to_string(root.join(&d.file))
        {
            report.sources.insert(d.file.clone(), text);
        }
    }
}

fn finish(mut report: Report) -> Report {
    diagnostic::sort(&mut report.diagnostics);
    report
}
