//! Live preview for `waymark serve`: watch the sources, rebuild in
//! memory, update only the served files whose bytes changed, and report
//! what changed so open pages can reload. Nothing is written to disk: the
//! output folder of `waymark build` is never touched, and a failed rebuild
//! changes nothing, so the last good site stays on screen.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::dev::server::{ServedFile, SharedSite};
use crate::load::article::Article;
use crate::load::site::{SearchInput, Site};
use crate::load::tree::NodeKind;
use crate::output::OutputFile;
use crate::render::{Selection, Theme, neighbour_window};
use crate::text::link::{self, Target};
use crate::{BuildOptions, Report};

/// The last good build and what is being served from it.
pub struct Preview {
    root: PathBuf,
    options: BuildOptions,
    served: SharedSite,
    /// The last good build, kept so one edited article can be re-rendered
    /// alone and the search index rebuilt without reading the site again.
    last: Option<Held>,
    /// Pages were updated without the search index.
    search_stale: bool,
}

struct Held {
    site: Site,
    search: SearchInput,
    theme: Theme,
    strings: crate::render::Strings,
}

/// The result of one rebuild.
pub struct Rebuild {
    pub report: Report,
    /// Output paths updated or removed; `None` when the build failed.
    pub changed: Option<Vec<String>>,
    pub millis: u128,
}

impl Preview {
    pub fn new(root: &Path, options: BuildOptions, served: SharedSite) -> Preview {
        Preview {
            root: root.to_path_buf(),
            options,
            served,
            last: None,
            search_stale: false,
        }
    }

    /// The base path the site is served under.
    pub fn base_path(&self) -> String {
        self.served
            .read()
            .map(|s| s.base_path.clone())
            .unwrap_or_else(|_| "/".into())
    }

    /// Rebuilds the whole site in memory and serves what changed.
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
        if let Ok(mut served) = self.served.write() {
            served.base_path = built.site.config.base_path();
        }
        let changed = self.sync(built.files, |_| true)?;
        self.last = Some(Held {
            site: built.site,
            search: built.search,
            theme: built.theme,
            strings: built.strings,
        });
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
                    || self.last.as_ref().is_some_and(|held| {
                        held.site.articles.iter().any(|a| a.file == **p)
                            || held.site.trees.iter().any(|t| t.file == **p)
                    })
            })
            .collect()
    }

    /// The quick path for the most common edit: one article changed in
    /// place. Renders that article's page and the pages that show it (its
    /// category, home, same-category neighbours, articles and trees that
    /// list it) and serves those whose bytes changed. `None` when the
    /// edit needs a full rebuild: a new, deleted or renamed file, an error,
    /// or a move in the article order. The search index is refreshed by
    /// [`Preview::refresh_search`] once edits pause.
    pub fn update_article(&mut self, changed: &[PathBuf]) -> anyhow::Result<Option<Rebuild>> {
        let started = Instant::now();
        let changed = self.real_changes(changed);
        let Some(held) = self.last.as_mut() else {
            return Ok(None);
        };
        let [file] = changed[..] else {
            return Ok(None);
        };
        // An edit in a many-language site can touch every language's
        // pages: rebuild them all.
        if held.site.lang.is_multilingual() {
            return Ok(None);
        }
        let Some(i) = held.site.articles.iter().position(|a| a.file == *file) else {
            return Ok(None);
        };
        let Ok(text) = std::fs::read_to_string(self.root.join(file)) else {
            return Ok(None);
        };
        let site = &mut held.site;
        let (Some((article, terms)), diagnostics) = crate::load::article::load(
            file,
            &text,
            &site.markdown,
            &held.search.analyser,
            self.options.drafts,
        ) else {
            return Ok(None);
        };
        let key = |a| crate::load::site::article_key(&site.config, a);
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
        let values = |l: &[crate::text::source::Located<String>]| {
            l.iter().map(|x| x.value.clone()).collect::<Vec<_>>()
        };
        // Its own links, unless the edit can break others: links to its
        // headings, or a URL its aliases now take.
        let mut diagnostics = if old.body.heading_ids == new.body.heading_ids
            && values(&old.aliases) == values(&new.aliases)
        {
            crate::check::validate::article_links(site, new)
        } else {
            crate::check::validate::validate(site)
        };
        if crate::base::diagnostic::has_errors(&diagnostics) {
            site.articles[i] = old;
            return Ok(None);
        }
        held.search.articles[i] = terms;
        diagnostics.extend(crate::check::lint::article_warnings(
            &site.articles[i],
            &crate::base::date::today(),
        ));
        let selection = touched_by(site, i, &old);
        let renderer = crate::render::Renderer::new(site, &held.theme, &held.strings)?;
        let files = crate::output::collect(|sink| renderer.render_selected(&selection, sink))?;
        let rendered = files.len();
        // Redirect pages of aliases the edit removed go.
        let old_aliases: HashSet<String> = old
            .aliases
            .iter()
            .filter_map(|a| link::alias_path(&a.value))
            .map(|path| link::page_file(&path))
            .collect();
        let changed = self.sync(files, |path| old_aliases.contains(path))?;
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

    /// After quick updates, brings the search index up to date from the
    /// terms the preview holds (the same index `build` writes, without
    /// reading the site again); changed index files are served and stale
    /// ones dropped. `None` when nothing was pending.
    pub fn refresh_search(&mut self) -> anyhow::Result<Option<Rebuild>> {
        if !std::mem::take(&mut self.search_stale) {
            return Ok(None);
        }
        let Some(held) = self.last.as_ref() else {
            return Ok(None);
        };
        let started = Instant::now();
        let mut search = held.search.clone();
        search.tree_label = held.strings.get("troubleshooter").to_string();
        let files = crate::output::collect(|sink| crate::search::index(&held.site, search, sink))?;
        let rendered = files.len();
        let changed = self.sync(files, link::is_search_index_file)?;
        Ok(Some(Rebuild {
            report: Report {
                files: rendered,
                ..Report::default()
            },
            changed: Some(changed),
            millis: started.elapsed().as_millis(),
        }))
    }

    /// Serves the files whose bytes differ from what is served, then
    /// drops served files that `ours` claims and `files` no longer has.
    /// Returns the paths updated or removed, sorted.
    fn sync(
        &mut self,
        files: Vec<OutputFile>,
        ours: impl Fn(&str) -> bool,
    ) -> anyhow::Result<Vec<String>> {
        let mut served = self
            .served
            .write()
            .map_err(|_| anyhow::anyhow!("the HTTP server panicked"))?;
        let mut changed = Vec::new();
        let now: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
        for file in files {
            let new = ServedFile::new(file.bytes);
            if served
                .files
                .get(&file.path)
                .is_none_or(|old| old.etag != new.etag)
            {
                changed.push(file.path.clone());
                served.files.insert(file.path, new);
            }
        }
        let gone: Vec<String> = served
            .files
            .keys()
            .filter(|p| ours(p) && !now.contains(p.as_str()))
            .cloned()
            .collect();
        for path in gone {
            served.files.remove(&path);
            changed.push(path);
        }
        changed.sort();
        Ok(changed)
    }
}

/// The pages that show article `i` (whose previous version is `old`):
/// its own page always; where its title or description appear, when
/// those changed; the sitemap, when its date changed.
fn touched_by(site: &Site, i: usize, old: &Article) -> Selection {
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
    let names_it = |value: &str| match link::parse_prefixed(value) {
        Some(Target::Article { slug: s, .. }) => s == slug,
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
                matches!(&a.next, crate::load::tree::Next::Exit(Target::Article { slug: s, .. }) if s == slug)
            }),
        });
        if shows_it {
            selection.trees.insert(t);
        }
    }
    selection
}

/// The folders and files of a site (under its root) whose changes
/// trigger a rebuild.
const WATCHED: [&str; 6] = [
    "content",
    "static",
    "templates",
    "themes",
    "i18n",
    "site.yaml",
];

/// The watched folders and files that exist.
pub fn watched_paths(root: &Path) -> Vec<PathBuf> {
    WATCHED
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
        collect(first, root, &mut changed);
        let burst_start = Instant::now();
        while burst_start.elapsed() < Duration::from_millis(300) {
            match events.recv_timeout(Duration::from_millis(30)) {
                Ok(event) => collect(event, root, &mut changed),
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

fn collect(event: notify::Result<notify::Event>, root: &Path, into: &mut Vec<PathBuf>) {
    let Ok(event) = event else { return };
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return;
    }
    for path in event.paths {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if is_relevant(&rel) {
            into.push(rel);
        }
    }
}

/// Skips everything but the sources (the output of `waymark build`
/// among them) and editors' scratch files.
fn is_relevant(rel: &Path) -> bool {
    let Some(first) = rel.components().next() else {
        return false;
    };
    let top = first.as_os_str().to_string_lossy();
    if !WATCHED.contains(&top.as_ref()) {
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
    fn ignores_output_and_scratch_files() {
        assert!(is_relevant(Path::new("content/articles/a.md")));
        assert!(is_relevant(Path::new("site.yaml")));
        assert!(!is_relevant(Path::new("public/index.html")));
        assert!(!is_relevant(Path::new("content/.a.md.swp")));
        assert!(!is_relevant(Path::new(".public.waymark-tmp-1/x")));
    }
}
