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
pub mod lint;
pub mod markdown;
pub mod output;
pub mod preview;
pub mod render;
pub mod scaffold;
pub mod search;
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
    run(root, Target::Discard, options).map(|(report, _)| report)
}

/// Builds the site at `root` into `output`, replacing it only on success.
pub fn build(root: &Path, output: &Path, options: &BuildOptions) -> anyhow::Result<Report> {
    run(root, Target::Folder(output), options).map(|(report, _)| report)
}

/// Builds the site into memory (the dev server diffs it against what it
/// wrote last); `None` when there were errors.
pub fn build_in_memory(
    root: &Path,
    options: &BuildOptions,
) -> anyhow::Result<(Report, Option<Vec<output::OutputFile>>)> {
    run(root, Target::Memory, options)
}

/// Where rendered files go.
enum Target<'a> {
    Discard,
    Folder(&'a Path),
    Memory,
}

fn run(
    root: &Path,
    target: Target,
    options: &BuildOptions,
) -> anyhow::Result<(Report, Option<Vec<output::OutputFile>>)> {
    let loaded = site::load(root, options)?;
    let mut report = Report {
        diagnostics: loaded.diagnostics,
        sources: loaded.sources,
        ..Report::default()
    };
    let Some(site) = loaded.site else {
        return Ok((finish(report), None));
    };
    report.diagnostics.extend(validate::validate(&site));
    report
        .diagnostics
        .extend(lint::warnings(&site, &scaffold::today()));
    add_cited_sources(root, &mut report);
    report.tree_stats = site
        .trees
        .iter()
        .map(|t| (t.slug.clone(), t.stats()))
        .collect();
    if report.has_errors() {
        return Ok((finish(report), None));
    }
    let theme = theme::Theme::load(root, &site.config.theme)?;
    let renderer = render::Renderer::new(&site, &theme);
    let mut files = None;
    match target {
        Target::Discard => {
            report.files = renderer.render_all(&|_| Ok(()))?;
        }
        Target::Folder(dir) => {
            let staging = output::Staging::begin(root, dir)?;
            report.files = renderer.render_all(&|file| staging.write(&file))?;
            report.output = Some(staging.commit()?);
        }
        Target::Memory => {
            let collected = std::sync::Mutex::new(Vec::new());
            report.files = renderer.render_all(&|file| {
                collected
                    .lock()
                    .map_err(|_| anyhow::anyhow!("a render thread panicked"))?
                    .push(file);
                Ok(())
            })?;
            let mut all = collected
                .into_inner()
                .map_err(|_| anyhow::anyhow!("a render thread panicked"))?;
            all.sort_by(|a, b| a.path.cmp(&b.path));
            files = Some(all);
        }
    }
    Ok((finish(report), files))
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
