//! The load stage: reads `site.yaml`, every article and every tree into
//! one in-memory [`Site`], collecting diagnostics instead of stopping.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, Pos};
use crate::base::folder::Folder;
use crate::base::spill::Spill;
use crate::load::article::{self, Article};
use crate::load::config::{self, SiteConfig};
use crate::load::tree::{self, Tree};
use crate::text::markdown::Settings;
use crate::text::words::{Analyser, SectionTerms};

/// Choices of the person running the build, not of the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// Serves the site from this origin (`http://127.0.0.1:1111`) under
    /// the base path of `base_url`: the dev server's preview, so a link
    /// that would break under a sub-path in production breaks there too.
    pub origin: Option<String>,
}

/// Everything a build knows about a site.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Sorted by category (in `site.yaml` order), then `order`, then title.
    /// Boxed: loading moves every article from list to list (collected,
    /// sorted, split from its search terms), and a large site's list of
    /// whole articles, held twice while moving, was the build's peak.
    #[allow(clippy::vec_box)]
    pub articles: Vec<Box<Article>>,
    /// Sorted like articles.
    pub trees: Vec<Tree>,
    article_index: HashMap<String, usize>,
    tree_index: HashMap<String, usize>,
    /// What exists besides the published content, for link checks.
    pub known: Known,
    /// Which of the site's languages this is, and where the others are.
    pub lang: Lang,
    /// Where the articles are read again when their pages render.
    pub files: Files,
    /// How this edition's Markdown renders (its links' base paths).
    pub markdown: Settings,
}

/// The language of one edition of the site (the default language's, or
/// one under `/<code>/`), and what it needs to know of the others.
#[derive(Debug, Clone)]
pub struct Lang {
    /// The BCP 47 tag as written in site.yaml (`pt-BR`): `<html lang>`.
    pub tag: String,
    /// `""` for the default language, `es/` for the others.
    pub prefix: String,
    /// `base_url` of the default language: where assets and `static/`
    /// files are, shared by every language.
    pub root_base_url: String,
    /// Every language of the site, the default first.
    pub all: std::sync::Arc<Vec<LangInfo>>,
    /// Which languages have their own text of each article and tree.
    pub available: std::sync::Arc<Availability>,
}

/// One language of the site, for switchers and alternate links.
#[derive(Debug, Clone)]
pub struct LangInfo {
    pub tag: String,
    pub prefix: String,
    pub name: String,
}

/// For each article and tree slug, the prefixes of the languages with a
/// real (not fallback) page, in site order. Empty for a one-language site.
#[derive(Debug, Default)]
pub struct Availability {
    pub articles: HashMap<String, Vec<String>>,
    pub trees: HashMap<String, Vec<String>>,
}

impl Lang {
    /// The only language of a site without `languages`.
    pub fn single(config: &SiteConfig) -> Lang {
        Lang {
            tag: config.language.clone(),
            prefix: String::new(),
            root_base_url: config.base_url.clone(),
            all: std::sync::Arc::new(Vec::new()),
            available: std::sync::Arc::default(),
        }
    }

    /// Whether the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.all.len() > 1
    }

    pub fn is_default(&self) -> bool {
        self.prefix.is_empty()
    }
}

/// What a site has besides its published articles and trees: what links
/// may point at, and what they must not be blamed for.
#[derive(Debug, Default)]
pub struct Known {
    /// Site paths of the files `static/` and the theme publish
    /// (`img/router.png`, `style.css`).
    pub static_files: BTreeSet<String>,
    /// Slugs of the drafts this build leaves out.
    pub draft_articles: HashSet<String>,
    pub draft_trees: HashSet<String>,
    /// Slugs of files that did not load: their own diagnostics say why,
    /// so links to them are not reported again.
    pub failed_articles: HashSet<String>,
    pub failed_trees: HashSet<String>,
}

/// What loading hands the search stage, by value: the analysed words of
/// every article of the site (in the order of `Site::articles`) and the
/// analyser that troubleshooter steps are analysed with.
#[derive(Debug, Clone)]
pub(crate) struct SearchInput {
    pub analyser: Analyser,
    pub articles: Vec<Vec<SectionTerms>>,
    /// What a troubleshooter step is called in results, in the site's
    /// language ("Troubleshooter › …"); the render stage sets it.
    pub tree_label: String,
}

impl SearchInput {
    /// Hands the terms over, leaving an empty input: rendering consumes
    /// them, and copying every article's terms costs memory and time.
    pub fn take(&mut self) -> SearchInput {
        let empty = SearchInput {
            analyser: Analyser::new(&self.analyser.language.code),
            articles: Vec::new(),
            tree_label: self.tree_label.clone(),
        };
        std::mem::replace(self, empty)
    }
}

impl Site {
    #[allow(clippy::vec_box)] // see `articles`
    pub fn new(
        config: SiteConfig,
        articles: Vec<Box<Article>>,
        trees: Vec<Tree>,
        files: Files,
        markdown: Settings,
    ) -> Site {
        let article_index = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.clone(), i))
            .collect();
        let tree_index = trees
            .iter()
            .enumerate()
            .map(|(i, t)| (t.slug.clone(), i))
            .collect();
        let lang = Lang::single(&config);
        Site {
            config,
            articles,
            trees,
            article_index,
            tree_index,
            known: Known::default(),
            lang,
            files,
            markdown,
        }
    }

    /// Drops what only the checks read of each article (its links,
    /// heading ids and the problems found in it): `build` renders without
    /// them, and on a large site they are tens of megabytes. The preview
    /// keeps them to check edits.
    pub fn forget_check_facts(&mut self) {
        self.articles.par_iter_mut().for_each(|a| {
            let body = &mut a.body;
            body.links = Vec::new();
            body.heading_ids = Vec::new();
            body.images_without_alt = Vec::new();
            body.skipped_headings = Vec::new();
        });
    }

    /// The article with this slug, in constant time.
    pub fn article(&self, slug: &str) -> Option<&Article> {
        self.article_index.get(slug).map(|&i| &*self.articles[i])
    }

    /// The tree with this slug, in constant time.
    pub fn tree(&self, slug: &str) -> Option<&Tree> {
        self.tree_index.get(slug).map(|&i| &self.trees[i])
    }
}

/// The result of loading: the site (when `site.yaml` was usable), every
/// diagnostic, and the source texts the diagnostics point into.
#[derive(Debug, Default)]
pub struct Loaded {
    pub site: Option<Site>,
    /// Set together with `site`.
    pub search: Option<SearchInput>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: HashMap<PathBuf, String>,
    /// The other languages' sites (empty without `languages:`).
    pub editions: Vec<crate::load::edition::Edition>,
    /// Every source page in every other language, and how it stands.
    pub translations: Vec<crate::load::translation::TranslationState>,
}

/// The descriptions `waymark new` writes until the author replaces them;
/// `check` warns while one is left.
pub const ARTICLE_PLACEHOLDER: &str = "One sentence that says what this article answers.";
pub const TREE_PLACEHOLDER: &str = "Answer a few questions to find what to do next.";

pub const ARTICLES_DIR: &str = "content/articles";
pub const TREES_DIR: &str = "content/trees";

pub fn load(root: &Path, options: &BuildOptions) -> anyhow::Result<Loaded> {
    load_spilling(root, options, None)
}

/// [`load`], keeping articles' rendered bodies in `spill` for rendering
/// (see `base::spill`).
pub fn load_spilling(
    root: &Path,
    options: &BuildOptions,
    spill: Option<Spill>,
) -> anyhow::Result<Loaded> {
    let (config, config_text, mut diagnostics) = config::load(root)?;
    crate::timing("load: config");
    let articles = list_files(root, ARTICLES_DIR, "md", &mut diagnostics)?;
    let trees = list_files(root, TREES_DIR, "yaml", &mut diagnostics)?;
    let theme = config.as_ref().map_or("default", |c| c.theme.as_str());
    let static_files = static_files(root, theme)?;
    crate::timing("load: listed");
    let sources = Sources {
        config: (config, config_text, diagnostics),
        articles,
        trees,
        static_files,
    };
    Ok(load_from(sources, &Files::disk(root, spill), options))
}

/// Site paths of the files `static/` and the theme's `static/` publish.
fn static_files(root: &Path, theme: &str) -> anyhow::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let theme_dir = Path::new("themes").join(theme);
    let mut dirs = vec![root.join("static")];
    if root.join(&theme_dir).is_dir() {
        dirs.push(root.join(theme_dir).join("static"));
    } else if theme == "default" {
        out.extend(crate::base::embedded::default_theme_static().map(str::to_string));
    }
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for entry in walkdir::WalkDir::new(dir).follow_links(false) {
            let entry = entry.with_context(|| format!("failed to list `{}`", dir.display()))?;
            if entry.file_type().is_file()
                && let Ok(rel) = entry.path().strip_prefix(dir)
            {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(out)
}

/// Builds a site from files held in memory, keyed by path relative to the
/// site root: what property tests and the fuzzer feed the pipeline.
pub fn load_in_memory(
    files: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
    options: &BuildOptions,
) -> Loaded {
    let under = |dir: &str, ext: &str| -> Vec<PathBuf> {
        files
            .keys()
            .filter(|p| p.starts_with(dir) && p.extension().is_some_and(|e| e == ext))
            .cloned()
            .collect()
    };
    let config_text = files
        .get(Path::new(config::FILE))
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let (config, diagnostics) = config::parse(&config_text);
    let static_files = files
        .keys()
        .filter_map(|p| p.strip_prefix("static").ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .chain(crate::base::embedded::default_theme_static().map(str::to_string))
        .collect();
    let sources = Sources {
        config: (config, config_text, diagnostics),
        articles: under(ARTICLES_DIR, "md"),
        trees: under(TREES_DIR, "yaml"),
        static_files,
    };
    load_from(sources, &Files::Memory(Arc::new(files.clone())), options)
}

/// What loading starts from: the checked config and the files to read.
struct Sources {
    config: (Option<SiteConfig>, String, Vec<Diagnostic>),
    articles: Vec<PathBuf>,
    trees: Vec<PathBuf>,
    static_files: BTreeSet<String>,
}

/// Where a site's files are read from, by path relative to its root.
/// An article's HTML is not held from loading on (a large site's biggest
/// part): it waits in the spill, or the page reads and renders the file
/// again.
#[derive(Debug, Clone)]
pub enum Files {
    Disk {
        root: PathBuf,
        /// The root, open when it could be opened.
        folder: Option<Arc<Folder>>,
        /// Where loading keeps articles' rendered bodies for rendering;
        /// without it, rendering reads and parses each article again.
        spill: Option<Arc<Spill>>,
    },
    /// Files held in memory (property tests, the fuzzer).
    Memory(Arc<std::collections::BTreeMap<PathBuf, Vec<u8>>>),
}

impl Files {
    pub fn disk(root: &Path, spill: Option<Spill>) -> Files {
        Files::Disk {
            root: root.to_path_buf(),
            folder: Folder::open(root).ok().map(Arc::new),
            spill: spill.map(Arc::new),
        }
    }

    pub fn read(&self, file: &Path) -> std::io::Result<Vec<u8>> {
        match self {
            Files::Disk {
                folder: Some(folder),
                ..
            } if file.is_relative() => folder.read(file),
            Files::Disk { root, .. } => std::fs::read(root.join(file)),
            Files::Memory(files) => files
                .get(file)
                .cloned()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)),
        }
    }

    /// Where rendered bodies are kept, if anywhere.
    pub fn spill(&self) -> Option<&Spill> {
        match self {
            Files::Disk { spill, .. } => spill.as_deref(),
            Files::Memory(_) => None,
        }
    }
}

fn load_from(sources: Sources, read: &Files, options: &BuildOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let (config, config_text, diagnostics) = sources.config;
    loaded.diagnostics.extend(diagnostics);
    loaded
        .sources
        .insert(PathBuf::from(config::FILE), config_text);
    let Some(mut config) = config else {
        return loaded;
    };
    if let Some(url) = &options.base_url {
        config.base_url = url.clone();
    }
    if !config.base_url.ends_with('/') {
        config.base_url.push('/');
    }
    if let Some(origin) = &options.origin {
        config.base_url = format!("{origin}{}", config.base_path());
    }
    let analyser = Analyser::new(&config.language);
    let settings = Settings {
        base_path: config.base_path(),
        page_base: config.base_path(),
        raw_html: config.markdown.raw_html,
    };
    let multilingual = !config.languages.is_empty();
    let mut found = crate::load::edition::Found::default();
    let mut diagnostics = Vec::new();
    let article_files = crate::load::edition::sort_files(
        &config,
        sources.articles,
        &mut found.articles,
        &mut diagnostics,
    );
    let tree_files = crate::load::edition::sort_files(
        &config,
        sources.trees,
        &mut found.trees,
        &mut diagnostics,
    );
    loaded.diagnostics.extend(diagnostics);

    let role = article::Role::Source { hash: multilingual };
    let results: Vec<_> = article_files
        .par_iter()
        .map(|file| read_article(read, file, &settings, &analyser, options.drafts, role))
        .collect();
    crate::timing("load: articles read");
    let mut articles = Vec::new();
    let mut known = Known {
        static_files: sources.static_files,
        ..Known::default()
    };
    for (file, (text, (article, diagnostics))) in article_files.into_iter().zip(results) {
        let slug = crate::text::link::slug_of(&file).to_string();
        if let Some(text) = text {
            loaded.sources.insert(file, text);
        }
        loaded.diagnostics.extend(diagnostics);
        // A file with errors that still loaded stays, so its other
        // mistakes are reported too; one that did not load is only named.
        match article {
            Some((a, _)) if a.draft && !options.drafts => {
                known.draft_articles.insert(a.slug);
            }
            Some(article) => articles.push(article),
            None => {
                known.failed_articles.insert(slug);
            }
        }
    }

    crate::timing("load: articles kept");
    let results: Vec<_> = tree_files
        .par_iter()
        .map(|file| {
            read_and(read, file, |text| {
                let (mut tree, diagnostics) = tree::load(file, text, &settings);
                // Translations are checked for freshness against it.
                if let Some(t) = tree.as_mut().filter(|_| multilingual) {
                    t.text_hash = crate::load::translation::tree_hash(text);
                }
                (tree, diagnostics)
            })
        })
        .collect();
    let mut trees = Vec::new();
    for (file, (text, (tree, diagnostics))) in tree_files.into_iter().zip(results) {
        let slug = crate::text::link::slug_of(&file).to_string();
        if let Some(text) = text {
            loaded.sources.insert(file, text);
        }
        loaded.diagnostics.extend(diagnostics);
        match tree {
            Some(t) if t.draft && !options.drafts => {
                known.draft_trees.insert(t.slug);
            }
            Some(t) => trees.push(t),
            None => {
                known.failed_trees.insert(slug);
            }
        }
    }

    crate::timing("load: trees read");
    sort_articles(&config, &mut articles);
    trees.sort_by(|a, b| tree_key(&config, a).cmp(&tree_key(&config, b)));
    let (articles, terms) = articles.into_iter().unzip();
    let mut site = Site::new(config, articles, trees, read.clone(), settings);
    site.known = known;
    if multilingual {
        let name = crate::load::config::language_name(&site.config.language);
        let outcome = crate::load::edition::load(&mut site, &found, read, options, &name);
        loaded.diagnostics.extend(outcome.diagnostics);
        loaded.sources.extend(outcome.sources);
        loaded.editions = outcome.editions;
        loaded.translations = outcome.states;
    }
    loaded.site = Some(site);
    loaded.search = Some(SearchInput {
        analyser,
        articles: terms,
        tree_label: "Troubleshooter".into(),
    });
    loaded
}

/// Where an article sorts: by category (in `site.yaml` order), then
/// `order`, then title, then slug.
pub fn article_key<'a>(config: &SiteConfig, a: &'a Article) -> (usize, i64, &'a str, &'a str) {
    key_at_rank(category_rank(config, &a.category.value), a)
}

/// [`article_key`] with the category's rank already looked up.
fn key_at_rank(rank: usize, a: &Article) -> (usize, i64, &str, &str) {
    (rank, a.order, &a.title, &a.slug)
}

/// Sorts loaded articles by [`article_key`], each category's rank looked
/// up once per article rather than at every comparison (the sort runs on
/// one core while the other waits).
pub(crate) fn sort_articles<T>(config: &SiteConfig, list: &mut Vec<(Box<Article>, T)>) {
    let mut ranked: Vec<(usize, (Box<Article>, T))> = std::mem::take(list)
        .into_iter()
        .map(|pair| (category_rank(config, &pair.0.category.value), pair))
        .collect();
    ranked.sort_by(|(rank_a, (a, _)), (rank_b, (b, _))| {
        key_at_rank(*rank_a, a).cmp(&key_at_rank(*rank_b, b))
    });
    list.extend(ranked.into_iter().map(|(_, pair)| pair));
}

/// Where a tree sorts: the same order as articles.
pub(crate) fn tree_key<'a>(config: &SiteConfig, t: &'a Tree) -> (usize, i64, &'a str, &'a str) {
    (
        category_rank(config, &t.category.value),
        t.order,
        &t.title,
        &t.slug,
    )
}

fn category_rank(config: &SiteConfig, id: &str) -> usize {
    config
        .categories
        .iter()
        .position(|c| c.id == id)
        .unwrap_or(usize::MAX)
}

/// Reads and loads one article in `role` (see [`read_and`]), its body's
/// HTML kept in the spill when there is one.
pub(crate) fn read_article(
    read: &Files,
    file: &Path,
    settings: &Settings,
    analyser: &Analyser,
    drafts: bool,
    role: article::Role,
) -> (Option<String>, (Option<article::Loaded>, Vec<Diagnostic>)) {
    read_and(read, file, |text| {
        article::load_as(file, text, settings, analyser, drafts, role, read.spill())
    })
}

/// Reads a file as UTF-8 and hands it to `parse`; read problems become
/// diagnostics naming the file.
pub(crate) fn read_and<T>(
    read: &Files,
    file: &Path,
    parse: impl FnOnce(&str) -> (Option<T>, Vec<Diagnostic>),
) -> (Option<String>, (Option<T>, Vec<Diagnostic>)) {
    let bytes = match read.read(file) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(
                "E-FILE-READ",
                file,
                Pos::default(),
                format!("cannot read file: {e}"),
            )
            .with_help("check the file's permissions");
            return (None, (None, vec![d]));
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let result = parse(&text);
            // The text is kept only to show snippets of its diagnostics:
            // holding every file's text until loading ends costs a lot.
            let keep = !result.1.is_empty();
            (keep.then_some(text), result)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let (line, column) = crate::text::source::line_col(&valid, offset);
            let d = Diagnostic::error(
                "E-FILE-ENCODING",
                file,
                Pos::new(line, column, 1),
                "file is not valid UTF-8",
            )
            .with_help("save the file with UTF-8 encoding");
            (None, (None, vec![d]))
        }
    }
}

/// Files with extension `ext` under `root/dir`, sorted, relative to `root`.
/// Symlinks are not followed: a site must not read outside itself.
fn list_files(
    root: &Path,
    dir: &str,
    ext: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> anyhow::Result<Vec<PathBuf>> {
    let base = root.join(dir);
    if !base.exists() {
        return Ok(Vec::new());
    }
    // Walked in the folders' own order, then sorted once by a key that
    // orders as the paths' components do: a walk sorting each folder by
    // name asked every entry its name (parsing its path) at each of the
    // sort's comparisons, most of the listing's time at 10,000 articles.
    let mut files = Vec::new();
    let mut symlinks = Vec::new();
    for entry in walkdir::WalkDir::new(&base).follow_links(false) {
        let entry = entry.with_context(|| format!("failed to list `{}`", base.display()))?;
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        if entry.path_is_symlink() {
            symlinks.push((sort_key(&rel), rel));
            continue;
        }
        // The name's extension, read off its bytes: `x.md`, not a file
        // named `md` (a hidden file is skipped).
        let name = entry.file_name().as_encoded_bytes();
        let extension = name.rsplit(|b| *b == b'.').next().unwrap_or_default();
        if entry.file_type().is_file()
            && !name.starts_with(b".")
            && name.len() > extension.len()
            && extension == ext.as_bytes()
        {
            files.push((sort_key(&rel), rel));
        }
    }
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    symlinks.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    diagnostics.extend(symlinks.into_iter().map(|(_, rel)| {
        Diagnostic::warning(
            "W-FILE-SYMLINK",
            &rel,
            Pos::default(),
            "symbolic link not followed",
        )
        .with_help("copy the file into the site instead of linking to it")
    }));
    Ok(files.into_iter().map(|(_, rel)| rel).collect())
}

/// Bytes that sort as `path` does, component by component: the
/// components joined by a zero byte, which sorts below every byte a name
/// holds (so `a/z` comes before `a-b`, as `a` does).
fn sort_key(path: &Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(path.as_os_str().len());
    for (i, part) in path.components().enumerate() {
        if i > 0 {
            key.push(0);
        }
        key.extend_from_slice(part.as_os_str().as_encoded_bytes());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_listed_in_the_order_of_a_walk_sorted_by_name() {
        let temp = tempfile::tempdir().expect("temp dir");
        let root = temp.path();
        let names = [
            "a/z.md",
            "a/x/y.md",
            "a-b/c.md",
            "a.md",
            "b.md",
            "a/B.md",
            "a/b.md",
            "é.md",
            "a/.hidden.md",
            "a/notes.txt",
            "a/md",
            "a/c.MD",
            "ab/a.md",
        ];
        for name in names {
            let path = root.join(ARTICLES_DIR).join(name);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            std::fs::write(&path, "x").expect("file");
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            root.join(ARTICLES_DIR).join("b.md"),
            root.join(ARTICLES_DIR).join("a/link.md"),
        )
        .expect("symlink");
        let mut diagnostics = Vec::new();
        let listed = list_files(root, ARTICLES_DIR, "md", &mut diagnostics).expect("lists");
        // What a walk sorting each folder by name gives.
        let walked: Vec<PathBuf> = walkdir::WalkDir::new(root.join(ARTICLES_DIR))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.')
            })
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| {
                e.path()
                    .strip_prefix(root)
                    .expect("under root")
                    .to_path_buf()
            })
            .collect();
        assert_eq!(listed, walked);
        assert_eq!(listed.len(), 9);
        #[cfg(unix)]
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    }
}
