//! Live preview for `waymark serve`: watch the sources, rebuild on change,
//! write only the files whose bytes changed, and report what changed so
//! open pages can reload. A failed rebuild writes nothing: the last good
//! site stays on disk and on screen.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::output::{OutputFile, Staging};
use crate::{BuildOptions, Report};

/// What the output folder holds, so rebuilds touch only what changed.
pub struct Preview {
    root: PathBuf,
    output: PathBuf,
    options: BuildOptions,
    /// Output path → fingerprint of the bytes last written; empty until
    /// the first good build.
    written: HashMap<String, u64>,
    /// The last good build, kept so one edited article can be re-rendered
    /// alone.
    last: Option<(crate::site::Site, crate::theme::Theme)>,
}

/// The result of one rebuild.
pub struct Rebuild {
    pub report: Report,
    /// Output paths written or removed; `None` when the build failed.
    pub changed: Option<Vec<String>>,
    pub millis: u128,
}

impl Preview {
    pub fn new(root: &Path, output: &Path, options: BuildOptions) -> Preview {
        Preview {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
            options,
            written: HashMap::new(),
            last: None,
        }
    }

    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Rebuilds the whole site in memory and brings the output up to date.
    pub fn rebuild(&mut self) -> anyhow::Result<Rebuild> {
        let started = Instant::now();
        let (report, built) = crate::build_in_memory(&self.root, &self.options)?;
        let Some(built) = built else {
            return Ok(Rebuild {
                report,
                changed: None,
                millis: started.elapsed().as_millis(),
            });
        };
        let changed = if self.written.is_empty() {
            self.replace_all(&built.files)?
        } else {
            self.update(&built.files)?
        };
        self.last = Some((built.site, built.theme));
        Ok(Rebuild {
            report,
            changed: Some(changed),
            millis: started.elapsed().as_millis(),
        })
    }

    /// The quick path for the most common edit: the text of one article
    /// changed, not its front matter or headings. Only its page is
    /// rendered; `None` when the edit needs a full rebuild. Search shards
    /// and everything else catch up with the full rebuild that follows.
    pub fn rebuild_article(&mut self, changed: &[PathBuf]) -> anyhow::Result<Option<Rebuild>> {
        let started = Instant::now();
        let ([file], Some((site, theme))) = (changed, self.last.as_mut()) else {
            return Ok(None);
        };
        let Some(i) = site.articles.iter().position(|a| a.file == *file) else {
            return Ok(None);
        };
        let Ok(text) = std::fs::read_to_string(self.root.join(file)) else {
            return Ok(None);
        };
        let settings = crate::markdown::Settings {
            base_path: site.config.base_path(),
            raw_html: site.config.markdown.raw_html,
        };
        let (Some(article), diagnostics) =
            crate::article::load(file, &text, &settings, &site.indexer)
        else {
            return Ok(None);
        };
        let old = &site.articles[i];
        let quiet =
            diagnostics.is_empty() && crate::validate::article_links(site, &article).is_empty();
        if !quiet
            || !same_listing(old, &article)
            || old.body.heading_ids != article.body.heading_ids
        {
            return Ok(None);
        }
        let warnings = crate::lint::article_warnings(&article, &crate::scaffold::today());
        site.articles[i] = article;
        let files = crate::render::Renderer::new(site, theme).article_files(i)?;
        let mut changed = Vec::new();
        for file in &files {
            let hash = fingerprint(&file.bytes);
            if self.written.get(&file.path) != Some(&hash) {
                write_in_place(&self.output, file)?;
                self.written.insert(file.path.clone(), hash);
                changed.push(file.path.clone());
            }
        }
        let report = Report {
            diagnostics: warnings,
            sources: HashMap::from([(file.clone(), text)]),
            ..Report::default()
        };
        Ok(Some(Rebuild {
            report,
            changed: Some(changed),
            millis: started.elapsed().as_millis(),
        }))
    }

    /// The first good build replaces the folder atomically, so nothing
    /// stale from earlier builds survives.
    fn replace_all(&mut self, files: &[OutputFile]) -> anyhow::Result<Vec<String>> {
        let staging = Staging::begin(&self.root, &self.output)?;
        for file in files {
            staging.write(file)?;
        }
        staging.commit()?;
        self.written = files
            .iter()
            .map(|f| (f.path.clone(), fingerprint(&f.bytes)))
            .collect();
        Ok(files.iter().map(|f| f.path.clone()).collect())
    }

    fn update(&mut self, files: &[OutputFile]) -> anyhow::Result<Vec<String>> {
        let mut changed = Vec::new();
        let mut now = HashMap::with_capacity(files.len());
        for file in files {
            let hash = fingerprint(&file.bytes);
            now.insert(file.path.clone(), hash);
            if self.written.get(&file.path) != Some(&hash) {
                write_in_place(&self.output, file)?;
                changed.push(file.path.clone());
            }
        }
        for gone in self.written.keys().filter(|p| !now.contains_key(*p)) {
            remove_in_place(&self.output, gone);
            changed.push(gone.clone());
        }
        changed.sort();
        self.written = now;
        Ok(changed)
    }
}

/// Whether an edit leaves everything other pages show of an article alone.
fn same_listing(a: &crate::article::Article, b: &crate::article::Article) -> bool {
    let values = |l: &[crate::article::Located<String>]| {
        l.iter().map(|x| x.value.clone()).collect::<Vec<_>>()
    };
    a.title == b.title
        && a.description == b.description
        && a.category.value == b.category.value
        && a.tags == b.tags
        && a.updated == b.updated
        && a.review_by == b.review_by
        && a.order == b.order
        && a.draft == b.draft
        && values(&a.aliases) == values(&b.aliases)
        && values(&a.related) == values(&b.related)
}

fn write_in_place(output: &Path, file: &OutputFile) -> anyhow::Result<()> {
    let path = output.join(&file.path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
    }
    // Write then rename, so the server never reads a half-written file.
    let temp = path.with_extension("waymark-partial");
    std::fs::write(&temp, &file.bytes)
        .with_context(|| format!("failed to write `{}`", temp.display()))?;
    std::fs::rename(&temp, &path).with_context(|| format!("failed to write `{}`", path.display()))
}

fn remove_in_place(output: &Path, rel: &str) {
    let path = output.join(rel);
    let _ = std::fs::remove_file(&path);
    // Prune folders left empty (a deleted article's `articles/<slug>/`).
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != output) {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

fn fingerprint(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// `articles/x/index.html` → `/articles/x/`; other files keep their name.
pub fn url_of(base_path: &str, output_path: &str) -> String {
    let trimmed = output_path
        .strip_suffix("index.html")
        .unwrap_or(output_path);
    format!("{base_path}{trimmed}")
}

/// The folders and files whose changes trigger a rebuild.
pub fn watched_paths(root: &Path) -> Vec<PathBuf> {
    ["content", "static", "templates", "themes", "site.yaml"]
        .iter()
        .map(|p| root.join(p))
        .filter(|p| p.exists())
        .collect()
}

/// What to do after a change was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Done,
    /// Call `on_idle` once no new change came for a moment: the quick
    /// path updated one page, the full rebuild can wait for a pause.
    WhenIdle,
}

/// How long the sources must stay unchanged before deferred work runs.
const IDLE: Duration = Duration::from_millis(700);

/// Watches the site and calls `on_change` with the changed source files,
/// once per burst of events (an editor's save is often several).
pub fn watch(
    root: &Path,
    output: &Path,
    mut on_change: impl FnMut(Vec<PathBuf>) -> Next,
    mut on_idle: impl FnMut(),
) -> anyhow::Result<()> {
    use notify::{RecursiveMode, Watcher as _};
    // Events carry absolute paths; compare them with an absolute root.
    let root = &root
        .canonicalize()
        .with_context(|| format!("cannot open `{}`", root.display()))?;
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(sender).context("cannot watch files")?;
    let mut watching = std::collections::HashSet::new();
    for path in watched_paths(root) {
        watcher
            .watch(&path, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch `{}`", path.display()))?;
        watching.insert(path);
    }
    // New top-level folders (a first `static/`) and site.yaml replaced by rename.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .context("cannot watch the site folder")?;
    let output = output
        .canonicalize()
        .unwrap_or_else(|_| output.to_path_buf());
    let mut pending = false;
    loop {
        let first = if pending {
            match events.recv_timeout(IDLE) {
                Ok(event) => event,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    pending = false;
                    on_idle();
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        } else {
            match events.recv() {
                Ok(event) => event,
                Err(_) => return Ok(()),
            }
        };
        let mut changed = Vec::new();
        collect(first, root, &output, &mut changed);
        let burst_start = Instant::now();
        while burst_start.elapsed() < Duration::from_millis(300) {
            match events.recv_timeout(Duration::from_millis(30)) {
                Ok(event) => collect(event, root, &output, &mut changed),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        changed.sort();
        changed.dedup();
        // A folder created after start (a first `static/`) is watched from now on.
        for path in watched_paths(root) {
            if path.is_dir()
                && !watching.contains(&path)
                && watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                watching.insert(path);
            }
        }
        if !changed.is_empty() {
            pending |= on_change(changed) == Next::WhenIdle;
        }
    }
}

fn collect(
    event: notify::Result<notify::Event>,
    root: &Path,
    output: &Path,
    into: &mut Vec<PathBuf>,
) {
    let Ok(event) = event else { return };
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return;
    }
    for path in event.paths {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if is_relevant(&rel, &path, output) {
            into.push(rel);
        }
    }
}

/// Skips the output itself, build temporaries and editors' scratch files.
fn is_relevant(rel: &Path, absolute: &Path, output: &Path) -> bool {
    if absolute.starts_with(output) {
        return false;
    }
    let Some(first) = rel.components().next() else {
        return false;
    };
    let top = first.as_os_str().to_string_lossy();
    if !["content", "static", "templates", "themes", "site.yaml"].contains(&top.as_ref()) {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_output_paths() {
        assert_eq!(url_of("/", "articles/x/index.html"), "/articles/x/");
        assert_eq!(url_of("/", "index.html"), "/");
        assert_eq!(url_of("/", "style.css"), "/style.css");
    }

    #[test]
    fn ignores_output_and_scratch_files() {
        let out = Path::new("/site/public");
        assert!(is_relevant(
            Path::new("content/articles/a.md"),
            Path::new("/site/content/articles/a.md"),
            out
        ));
        assert!(!is_relevant(
            Path::new("public/index.html"),
            Path::new("/site/public/index.html"),
            out
        ));
        assert!(!is_relevant(
            Path::new("content/.a.md.swp"),
            Path::new("/site/content/.a.md.swp"),
            out
        ));
        assert!(!is_relevant(
            Path::new(".public.waymark-tmp-1/x"),
            Path::new("/site/.public.waymark-tmp-1/x"),
            out
        ));
    }
}
