//! Live preview for `waymark serve`: watch the sources, rebuild on change,
//! write only the files whose bytes changed, and report what changed so
//! open pages can reload. A failed rebuild writes nothing: the last good
//! site stays on disk and on screen.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::link::Target;
use crate::output::{OutputFile, Staging};
use crate::render::{Selection, neighbour_window};
use crate::tree::NodeKind;
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
    /// Pages were updated without the search index.
    search_stale: bool,
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
            search_stale: false,
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
            self.sync(&built.files, |_| true)?
        };
        self.last = Some((built.site, built.theme));
        self.search_stale = false;
        Ok(Rebuild {
            report,
            changed: Some(changed),
            millis: started.elapsed().as_millis(),
        })
    }

    /// The changes that are more than an editor's scratch file. Editors
    /// and `sed -i` save through a temporary file renamed over the real
    /// one: a path that is gone and that the site never had changed nothing.
    pub fn real_changes<'a>(&self, changed: &'a [PathBuf]) -> Vec<&'a PathBuf> {
        changed
            .iter()
            .filter(|p| {
                self.root.join(p).exists()
                    || self.last.as_ref().is_some_and(|(site, _)| {
                        site.articles.iter().any(|a| a.file == **p)
                            || site.trees.iter().any(|t| t.file == **p)
                    })
            })
            .collect()
    }

    /// The quick path for the most common edit: one article changed in
    /// place. Renders that article's page and the pages that show it (its
    /// category, home, same-category neighbours, articles and trees that
    /// list it) and writes those whose bytes changed. `None` when the
    /// edit needs a full rebuild: a new, deleted or renamed file, an error,
    /// or a move in the article order. The search index is refreshed by
    /// [`Preview::refresh_search`] once edits pause.
    pub fn update_article(&mut self, changed: &[PathBuf]) -> anyhow::Result<Option<Rebuild>> {
        let started = Instant::now();
        let changed = self.real_changes(changed);
        let Some((site, theme)) = self.last.as_mut() else {
            return Ok(None);
        };
        let [file] = changed[..] else {
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
        let key = |a| crate::site::article_key(&site.config, a);
        let stays_in_place = i
            .checked_sub(1)
            .is_none_or(|j| key(&site.articles[j]) <= key(&article))
            && site
                .articles
                .get(i + 1)
                .is_none_or(|next| key(&article) <= key(next));
        if !diagnostics.is_empty()
            || (article.draft && !self.options.drafts)
            || article.category.value != site.articles[i].category.value
            || !stays_in_place
        {
            return Ok(None);
        }
        let old = std::mem::replace(&mut site.articles[i], article);
        let new = &site.articles[i];
        let values = |l: &[crate::article::Located<String>]| {
            l.iter().map(|x| x.value.clone()).collect::<Vec<_>>()
        };
        // Its own links, unless the edit can break others: links to its
        // headings, or a URL its aliases now take.
        let mut diagnostics = if old.body.heading_ids == new.body.heading_ids
            && values(&old.aliases) == values(&new.aliases)
        {
            crate::validate::article_links(site, new)
        } else {
            crate::validate::validate(site)
        };
        if crate::diagnostic::has_errors(&diagnostics) {
            site.articles[i] = old;
            return Ok(None);
        }
        diagnostics.extend(crate::lint::article_warnings(
            &site.articles[i],
            &crate::scaffold::today(),
        ));
        let selection = touched_by(site, i, &old);
        let renderer = crate::render::Renderer::new(site, theme)?;
        let files = crate::render::collect(|sink| renderer.render_selected(&selection, sink))?;
        let rendered = files.len();
        // Redirect pages of aliases the edit removed go.
        let old_aliases: HashSet<String> = old
            .aliases
            .iter()
            .filter_map(|a| crate::validate::alias_path(&a.value))
            .map(|path| format!("{path}/index.html"))
            .collect();
        let changed = self.sync(&files, |path| old_aliases.contains(path))?;
        self.search_stale = true;
        let mut report = Report {
            diagnostics,
            files: rendered,
            ..Report::default()
        };
        report.sources.insert(file.clone(), text);
        Ok(Some(Rebuild {
            report,
            changed: Some(changed),
            millis: started.elapsed().as_millis(),
        }))
    }

    /// After quick updates, brings the search index up to date: the site
    /// is loaded afresh (so the index is exactly what `build` writes) and
    /// only the index is rendered; changed index files are written and
    /// stale ones removed. `None` when nothing was pending.
    pub fn refresh_search(&mut self) -> anyhow::Result<Option<Rebuild>> {
        if !std::mem::take(&mut self.search_stale) {
            return Ok(None);
        }
        let started = Instant::now();
        let (report, site) = crate::prepare(&self.root, &self.options)?;
        let (Some(site), Some((_, theme))) = (site, self.last.take()) else {
            // An error appeared meanwhile: the full rebuild reports it.
            return self.rebuild().map(Some);
        };
        let renderer = crate::render::Renderer::new(&site, &theme)?;
        let files = crate::render::collect(|sink| renderer.render_search(sink))?;
        let rendered = files.len();
        drop(renderer);
        let changed = self.sync(&files, crate::search::is_index_file)?;
        self.last = Some((site, theme));
        Ok(Some(Rebuild {
            report: Report {
                files: rendered,
                ..report
            },
            changed: Some(changed),
            millis: started.elapsed().as_millis(),
        }))
    }

    /// Writes the files whose bytes differ from what was last written,
    /// then removes earlier files that `ours` claims and `files` no longer
    /// has. Returns the paths written or removed, sorted.
    fn sync(
        &mut self,
        files: &[OutputFile],
        ours: impl Fn(&str) -> bool,
    ) -> anyhow::Result<Vec<String>> {
        let mut changed = Vec::new();
        for file in files {
            let hash = fingerprint(&file.bytes);
            if self.written.get(&file.path) != Some(&hash) {
                write_in_place(&self.output, file)?;
                self.written.insert(file.path.clone(), hash);
                changed.push(file.path.clone());
            }
        }
        let now: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let gone: Vec<String> = self
            .written
            .keys()
            .filter(|p| ours(p) && !now.contains(p.as_str()))
            .cloned()
            .collect();
        for path in gone {
            self.written.remove(&path);
            remove_in_place(&self.output, &path);
            changed.push(path);
        }
        changed.sort();
        Ok(changed)
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
}

/// The pages that show article `i` (whose previous version is `old`):
/// its own page always; where its title or description appear, when
/// those changed; the sitemap, when its date changed.
fn touched_by(site: &crate::site::Site, i: usize, old: &crate::article::Article) -> Selection {
    let article = &site.articles[i];
    let mut selection = Selection::default();
    selection.articles.insert(i);
    selection.sitemap = article.updated != old.updated;
    if article.title == old.title && article.description == old.description {
        return selection;
    }
    selection.home = true;
    if let Some(c) = site
        .config
        .categories
        .iter()
        .position(|c| c.id == article.category.value)
    {
        selection.categories.insert(c);
    }
    // Same-category neighbours list it (previous, next, sidebar window).
    selection.articles.extend(
        neighbour_window(i, site.articles.len())
            .filter(|j| site.articles[*j].category.value == article.category.value),
    );
    let slug = article.slug.as_str();
    let names_it = |value: &str| match crate::link::parse_prefixed(value) {
        Some(crate::link::Target::Article { slug: s, .. }) => s == slug,
        Some(_) => false,
        None => value == slug,
    };
    for (j, other) in site.articles.iter().enumerate() {
        if other.related.iter().any(|r| names_it(&r.value)) {
            selection.articles.insert(j);
        }
    }
    for (t, tree) in site.trees.iter().enumerate() {
        let shows_it = tree.nodes.iter().any(|node| match &node.kind {
            NodeKind::Outcome { related, .. } => related.iter().any(|r| names_it(&r.value)),
            NodeKind::Question { answers, .. } => answers.iter().any(|a| {
                matches!(&a.next, crate::tree::Next::Exit(Target::Article { slug: s, .. }) if s == slug)
            }),
        });
        if shows_it {
            selection.trees.insert(t);
        }
    }
    selection
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
