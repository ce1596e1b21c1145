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
pub mod http;
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
    run(root, Target::Discard, options)
}

/// Builds the site at `root` into `output`, replacing it only on success.
pub fn build(root: &Path, output: &Path, options: &BuildOptions) -> anyhow::Result<Report> {
    run(root, Target::Folder(output), options)
}

/// A site built into memory: what the dev server keeps between edits.
pub struct InMemory {
    pub site: site::Site,
    pub theme: theme::Theme,
    /// Every output file, sorted by path.
    pub files: Vec<output::OutputFile>,
}

/// Builds the site into memory (the dev server diffs it against what it
/// wrote last); `None` when there were errors.
pub fn build_in_memory(
    root: &Path,
    options: &BuildOptions,
) -> anyhow::Result<(Report, Option<InMemory>)> {
    let (mut report, site) = prepare(root, options)?;
    let Some(site) = site else {
        return Ok((report, None));
    };
    let theme = match theme::Theme::load(root, &site.config.theme) {
        Ok(theme) => theme,
        Err(e) => return template_failure(report, e).map(|r| (r, None)),
    };
    let files = match render::Renderer::new(&site, &theme)
        .and_then(|renderer| render::collect(|sink| renderer.render_all(sink)))
    {
        Ok(files) => files,
        Err(e) => return template_failure(report, e).map(|r| (r, None)),
    };
    report.files = files.len();
    Ok((report, Some(InMemory { site, theme, files })))
}

/// Checks and renders a site held in memory (paths relative to the site
/// root, default theme): the whole pipeline without a disk, for property
/// tests and the fuzzer. The files are empty when there were errors.
pub fn build_files(
    files: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
    options: &BuildOptions,
) -> anyhow::Result<(Report, Vec<output::OutputFile>)> {
    let loaded = site::load_in_memory(files, options);
    let (mut report, site) = finish_loading(loaded, None);
    let Some(site) = site else {
        return Ok((report, Vec::new()));
    };
    let theme = theme::Theme::embedded()?;
    let renderer = render::Renderer::new(&site, theme)?;
    let files = render::collect(|sink| renderer.render_all(sink))?;
    report.files = files.len();
    Ok((report, files))
}

/// Where rendered files go.
enum Target<'a> {
    Discard,
    Folder(&'a Path),
}

/// Loads, validates and lints the site; the site is `None` on errors.
pub fn prepare(
    root: &Path,
    options: &BuildOptions,
) -> anyhow::Result<(Report, Option<site::Site>)> {
    let loaded = site::load(root, options)?;
    Ok(finish_loading(loaded, Some(root)))
}

/// Validates and lints what was loaded; `root` is where to read the
/// sources of diagnostics that loading did not keep.
fn finish_loading(loaded: site::Loaded, root: Option<&Path>) -> (Report, Option<site::Site>) {
    let mut report = Report {
        diagnostics: loaded.diagnostics,
        sources: loaded.sources,
        ..Report::default()
    };
    let Some(site) = loaded.site else {
        return (finish(report), None);
    };
    report.diagnostics.extend(validate::validate(&site));
    report
        .diagnostics
        .extend(lint::warnings(&site, &scaffold::today()));
    if let Some(root) = root {
        add_cited_sources(root, &mut report);
    }
    report.tree_stats = site
        .trees
        .iter()
        .map(|t| (t.slug.clone(), t.stats()))
        .collect();
    if report.has_errors() {
        return (finish(report), None);
    }
    (finish(report), Some(site))
}

fn run(root: &Path, target: Target, options: &BuildOptions) -> anyhow::Result<Report> {
    let (mut report, site) = prepare(root, options)?;
    let Some(site) = site else {
        return Ok(report);
    };
    let theme = match theme::Theme::load(root, &site.config.theme) {
        Ok(theme) => theme,
        Err(e) => return template_failure(report, e),
    };
    let renderer = match render::Renderer::new(&site, &theme) {
        Ok(renderer) => renderer,
        Err(e) => return template_failure(report, e),
    };
    match target {
        Target::Discard => match renderer.render_all(&|_| Ok(())) {
            Ok(count) => report.files = count,
            Err(e) => return template_failure(report, e),
        },
        Target::Folder(dir) => {
            let staging = output::Staging::begin(root, dir)?;
            match renderer.render_all(&|file| staging.write(&file)) {
                Ok(count) => report.files = count,
                // Dropping the staging folder leaves the last site as it was.
                Err(e) => return template_failure(report, e),
            }
            report.output = Some(staging.commit()?);
        }
    }
    drop(renderer);
    // Freeing a large site takes tens of milliseconds that nobody needs
    // to wait for.
    std::thread::spawn(move || drop((site, theme)));
    Ok(report)
}

/// A mistake in a template is the author's to fix, like one in content:
/// it becomes a diagnostic (exit 1, shown in the preview overlay) rather
/// than a failure of the tool. Other errors pass through.
fn template_failure(mut report: Report, error: anyhow::Error) -> anyhow::Result<Report> {
    let failure = error.downcast::<theme::TemplateError>()?;
    if let Some(text) = failure.text {
        report.sources.insert(failure.diagnostic.file.clone(), text);
    }
    report.diagnostics.push(failure.diagnostic);
    Ok(report)
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
