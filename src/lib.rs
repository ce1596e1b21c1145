//! waymark: a static site generator for help centers.
//!
//! The build is a one-way pipeline; each stage is a folder and imports
//! only the stages before it:
//!
//! ```text
//! base ← text ← load ─┬─ check
//!                     ├─ render ─┐   (peers: pages and the search index
//!                     └─ search ─┴─> output     are made side by side)
//! ```
//!
//! `build`, `check`, the in-memory build of the dev server and the
//! fuzzer's build all run [`render_site`]; only where the files go differs.

pub mod authoring;
pub mod base;
pub(crate) mod check;
pub mod dev;
pub mod insights;
pub(crate) mod load;
pub mod output;
pub(crate) mod render;
mod report;
pub(crate) mod search;
pub(crate) mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use base::diagnostic;
pub use load::site::BuildOptions;
pub use load::translation::{Status as TranslationStatus, TranslationState};
pub use report::Report;

use load::edition::Edition;
use load::site::{Loaded, SearchInput, Site};
use output::{OutputFile, Sink};
use render::{Strings, Theme};

/// Loads and checks the site at `root`, then renders it without writing
/// anything, so template errors surface too.
pub fn check(root: &Path, options: &BuildOptions) -> anyhow::Result<Report> {
    let p = match prepare(root, options, None)? {
        Ok(prepared) => prepared,
        Err(report) => return Ok(report),
    };
    let mut p = p;
    let rendered = render_all_languages(&mut p, &|_| Ok(()));
    finish_render(p.report, rendered)
}

/// Loads and checks the site at `root` without rendering: what
/// `waymark translations` reports (its `translations` and diagnostics).
pub fn translations(root: &Path, options: &BuildOptions) -> anyhow::Result<Report> {
    let (report, _) = load_and_check(load::site::load(root, options)?, Some(root));
    Ok(report)
}

/// Builds the site at `root` into `output`, replacing it only on success.
pub fn build(root: &Path, output: &Path, options: &BuildOptions) -> anyhow::Result<Report> {
    timing("start");
    // The new site's folder comes first: loading keeps the articles'
    // rendered bodies beside it (on the output's disk, not in memory).
    // A build that fails drops it, leaving the last site as it was.
    let staging = output::Staging::begin(root, output)?;
    let spill = base::spill::Spill::create_in(staging.path()).ok();
    let mut p = match prepare(root, options, spill)? {
        Ok(prepared) => prepared,
        Err(report) => return Ok(report),
    };
    p.site.forget_check_facts();
    for (edition, _) in &mut p.editions {
        edition.site.forget_check_facts();
    }
    let rendered = render_all_languages(&mut p, &|file| staging.write(&file));
    timing("pages and search index written");
    let Prepared {
        report,
        site,
        theme,
        editions,
        ..
    } = p;
    // On failure, dropping the staging folder leaves the last site as it was.
    let mut report = finish_render(report, rendered)?;
    if !report.has_errors() {
        report.output = Some(staging.commit()?);
    }
    // Freeing a large site takes tens of milliseconds nobody waits for.
    std::thread::spawn(move || drop((site, theme, editions)));
    Ok(report)
}

/// A site ready to render.
struct Prepared {
    report: Report,
    site: Site,
    search: SearchInput,
    theme: Theme,
    strings: Strings,
    /// The other languages, each with its interface strings.
    editions: Vec<(Edition, Strings)>,
}

/// Renders the default language, then each other language under its
/// `/<code>/` folder (each in parallel inside).
/// Renders every language, handing each its search terms (taken from `p`).
fn render_all_languages(p: &mut Prepared, sink: &Sink) -> anyhow::Result<usize> {
    let search = p.search.take();
    render_languages(&p.site, search, &p.theme, &p.strings, &mut p.editions, sink)
}

fn render_languages(
    site: &Site,
    search: SearchInput,
    theme: &Theme,
    strings: &Strings,
    editions: &mut [(Edition, Strings)],
    sink: &Sink,
) -> anyhow::Result<usize> {
    let mut files = render_site(site, search, theme, strings, sink)?;
    for (edition, strings) in editions.iter_mut() {
        let search = edition.search.take();
        let prefix = &edition.site.lang.prefix;
        let in_folder = |file: OutputFile| {
            sink(OutputFile {
                path: format!("{prefix}{}", file.path),
                ..file
            })
        };
        files += render_site(&edition.site, search, theme, strings, &in_folder)?;
    }
    Ok(files)
}

/// Loads and checks the site at `root` and loads its theme; `Err` holds
/// the report that says why it cannot be rendered.
fn prepare(
    root: &Path,
    options: &BuildOptions,
    spill: Option<base::spill::Spill>,
) -> anyhow::Result<Result<Prepared, Report>> {
    let loaded = load::site::load_spilling(root, options, spill)?;
    timing("loaded");
    let (report, site) = load_and_check(loaded, Some(root));
    timing("checked");
    let Some(Checked {
        site,
        search,
        editions,
    }) = site
    else {
        return Ok(Err(report));
    };
    let theme = match Theme::load(root, &site.config.theme) {
        Ok(theme) => theme,
        Err(e) => return Ok(Err(template_failure(report, e)?)),
    };
    let (strings, editions, report) = interface_strings(&site, editions, &theme, report);
    if report.has_errors() {
        return Ok(Err(report));
    }
    Ok(Ok(Prepared {
        report,
        site,
        search,
        theme,
        strings,
        editions,
    }))
}

/// The theme's words in the site's language; a language no bundle knows
/// is an error, missing keys are warnings.
fn interface_strings(
    site: &Site,
    editions: Vec<Edition>,
    theme: &Theme,
    mut report: Report,
) -> (Strings, Vec<(Edition, Strings)>, Report) {
    let config = &site.config;
    let mut of = |i: usize, tag: &str| {
        let at = (
            Path::new(load::config::FILE),
            config.language_pos.get(i).copied().unwrap_or_default(),
        );
        let (strings, diagnostics) = theme.bundles.strings(&tag.to_ascii_lowercase(), at);
        report.diagnostics.extend(diagnostics);
        strings
    };
    let strings = of(0, &config.language);
    let editions = editions
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let strings = of(i + 1, &e.site.lang.tag);
            (e, strings)
        })
        .collect();
    (strings, editions, finish(report))
}

/// Checks and renders a site held in memory (paths relative to the site
/// root, default theme): the whole pipeline without a disk, for property
/// tests and the fuzzer. The files are empty when there were errors.
pub fn build_files(
    files: &BTreeMap<PathBuf, Vec<u8>>,
    options: &BuildOptions,
) -> anyhow::Result<(Report, Vec<OutputFile>)> {
    let (report, site) = load_and_check(load::site::load_in_memory(files, options), None);
    let Some(Checked {
        site,
        search,
        editions,
    }) = site
    else {
        return Ok((report, Vec::new()));
    };
    let theme = Theme::embedded()?;
    let (strings, mut editions, report) = interface_strings(&site, editions, theme, report);
    if report.has_errors() {
        return Ok((report, Vec::new()));
    }
    let mut rendered = Ok(0);
    let files = output::collect(|sink| {
        rendered = render_languages(&site, search, theme, &strings, &mut editions, sink);
        Ok(0)
    })?;
    let report = finish_render(report, rendered)?;
    let files = if report.has_errors() {
        Vec::new()
    } else {
        files
    };
    Ok((report, files))
}

/// A site built into memory: what the dev server keeps between edits.
pub(crate) struct Built {
    pub site: Site,
    /// The search terms, kept so the index can be rebuilt without
    /// reading the site again.
    pub search: SearchInput,
    pub theme: Theme,
    pub strings: Strings,
    /// Every output file, sorted by path.
    pub files: Vec<OutputFile>,
}

/// Builds the site at `root` into memory; `None` when there were errors.
pub(crate) fn build_in_memory(
    root: &Path,
    options: &BuildOptions,
) -> anyhow::Result<(Report, Option<Built>)> {
    let mut prepared = match prepare(root, options, None)? {
        Ok(prepared) => prepared,
        Err(report) => return Ok((report, None)),
    };
    // The preview keeps the terms to refresh the index after quick edits.
    let search = prepared.search.clone();
    let mut rendered = Ok(0);
    let files = output::collect(|sink| {
        rendered = render_all_languages(&mut prepared, sink);
        Ok(0)
    })?;
    let report = finish_render(std::mem::take(&mut prepared.report), rendered)?;
    let Prepared {
        site,
        theme,
        strings,
        ..
    } = prepared;
    if report.has_errors() {
        return Ok((report, None));
    }
    let built = Built {
        site,
        search,
        theme,
        strings,
        files,
    };
    Ok((report, Some(built)))
}

/// Every page of the site and its search index, made side by side and
/// handed to `sink`; returns how many files were made.
pub(crate) fn render_site(
    site: &Site,
    search: SearchInput,
    theme: &Theme,
    strings: &Strings,
    sink: &Sink,
) -> anyhow::Result<usize> {
    let renderer = render::Renderer::new(site, theme, strings)?;
    let mut search = search;
    search.tree_label = strings.get("troubleshooter").to_string();
    // The index is the longest job: it runs first, beside all the pages.
    let search = std::sync::Mutex::new(Some(search));
    renderer.render_all(sink, &|| {
        let input = search
            .lock()
            .map_err(|_| anyhow::anyhow!("a render thread panicked"))?
            .take();
        let files = input.map_or(Ok(0), |input| search::index(site, input, sink));
        timing("search index written");
        files
    })
}

/// A loaded site that passed its checks, with its other languages.
struct Checked {
    site: Site,
    search: SearchInput,
    editions: Vec<Edition>,
}

/// Validates and lints what was loaded; the site is `None` on errors.
fn load_and_check(loaded: Loaded, root: Option<&Path>) -> (Report, Option<Checked>) {
    let mut report = Report {
        diagnostics: loaded.diagnostics,
        sources: loaded.sources,
        translations: loaded.translations,
        ..Report::default()
    };
    let (Some(site), Some(search)) = (loaded.site, loaded.search) else {
        return (finish(report), None);
    };
    report.diagnostics.extend(check::validate::validate(&site));
    // A language's links are its translations' own; fallbacks repeat the
    // source's, already checked above.
    // Each language's links too. A fallback page repeats its source's
    // links, already reported above; what is new there is a link that
    // only breaks in that language (a translation without the heading id
    // the source has), said as such.
    let reported: std::collections::HashSet<(PathBuf, base::diagnostic::Pos, String)> = report
        .diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.pos, d.message.clone()))
        .collect();
    for edition in &loaded.editions {
        for mut d in check::validate::validate(&edition.site) {
            if load::translation::split(&d.file).is_none() {
                if reported.contains(&(d.file.clone(), d.pos, d.message.clone())) {
                    continue;
                }
                d.message = format!("{} (in the `{}` pages)", d.message, edition.site.lang.tag);
            }
            report.diagnostics.push(d);
        }
    }
    report
        .diagnostics
        .extend(check::lint::translation_warnings(&report.translations));
    report
        .diagnostics
        .extend(check::lint::warnings(&site, &base::date::today()));
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
    let checked = Checked {
        site,
        search,
        editions: loaded.editions,
    };
    (finish(report), Some(checked))
}

/// Counts the files rendered, or turns a template mistake into a
/// diagnostic.
fn finish_render(mut report: Report, rendered: anyhow::Result<usize>) -> anyhow::Result<Report> {
    match rendered {
        Ok(files) => {
            report.files = files;
            Ok(report)
        }
        Err(e) => template_failure(report, e),
    }
}

/// A mistake in a template is the author's to fix, like one in content:
/// it becomes a diagnostic (exit 1, shown in the preview overlay) rather
/// than a failure of the tool. Other errors pass through.
fn template_failure(mut report: Report, error: anyhow::Error) -> anyhow::Result<Report> {
    let failure = error.downcast::<render::theme::TemplateError>()?;
    report.sources.extend(failure.texts);
    report.diagnostics.extend(failure.diagnostics);
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

/// With `WAYMARK_TIMINGS` set, prints to stderr how long the build has
/// run and its memory (resident, and peak so far) as it reaches `stage`:
/// what `bench/` and profiling sessions read, at no cost otherwise.
pub(crate) fn timing(stage: &str) {
    use std::sync::OnceLock;
    static START: OnceLock<Option<std::time::Instant>> = OnceLock::new();
    let Some(start) = START
        .get_or_init(|| std::env::var_os("WAYMARK_TIMINGS").map(|_| std::time::Instant::now()))
    else {
        return;
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    eprintln!(
        "{:>7.3} s  {:>5} MB now  {:>5} MB peak  {stage}",
        start.elapsed().as_secs_f64(),
        kb("VmRSS:") / 1024,
        kb("VmHWM:") / 1024,
    );
}
