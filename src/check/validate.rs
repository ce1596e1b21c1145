//! The validate stage: rules that span files — unique slugs and URLs,
//! categories, `related` lists, internal links and tree exits.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, Pos, suggest};
use crate::load::article::Article;
use crate::load::site::Site;
use crate::load::tree::{Next, NodeKind};
use crate::text::link::{self, Dest, Target};
use crate::text::markdown::Rendered;
use crate::text::words::{FastMap, FastSet};

/// Every cross-file mistake of the site, in no particular order.
pub fn validate(site: &Site) -> Vec<Diagnostic> {
    let index = Index::new(site);
    // The site-wide checks run beside the largest part, every link of
    // every article (itself in parallel). Diagnostics are sorted later.
    let (mut out, links) = rayon::join(
        || {
            let mut out = Vec::new();
            check_duplicates(site, &mut out);
            check_categories(site, &mut out);
            check_urls(site, &mut out);
            check_identity(site, &mut out);
            out
        },
        || {
            site.articles
                .par_iter()
                .flat_map_iter(|article| index.article_links(article))
                .collect::<Vec<_>>()
        },
    );
    out.extend(links);
    for tree in &site.trees {
        for node in &tree.nodes {
            let on = Page::Step;
            match &node.kind {
                NodeKind::Question {
                    details, answers, ..
                } => {
                    if let Some(details) = details {
                        index.check_text(&tree.file, details, on, &mut out);
                    }
                    for answer in answers {
                        if let Next::Exit(target) = &answer.next {
                            let dest = Dest::Content(target.clone());
                            index.check_dest(
                                &tree.file,
                                &dest,
                                answer.next_pos,
                                false,
                                on,
                                &mut out,
                            );
                        }
                    }
                }
                NodeKind::Outcome { body, related, .. } => {
                    index.check_text(&tree.file, body, on, &mut out);
                    for r in related {
                        index.check_related(&tree.file, &r.value, r.pos, &mut out);
                    }
                }
            }
        }
    }
    out
}

/// The page a text is shown on, which relative URLs resolve against.
#[derive(Debug, Clone, Copy)]
enum Page<'a> {
    /// An article's page (`articles/<slug>/`).
    Article(&'a str),
    /// A troubleshooter step: shown on the step's page and on the tree's
    /// page at another depth, so a relative URL cannot work on both.
    Step,
}

/// What links may point at: articles (with heading ids), trees (with
/// nodes), every page's site path and every static file.
struct Index<'a> {
    site: &'a Site,
    /// Each article's heading ids (a handful: a scan beats a set).
    articles: FastMap<&'a str, &'a [String]>,
    /// Source files of the articles: links name sources, in translations too.
    article_files: FastSet<std::borrow::Cow<'a, Path>>,
    trees: FastMap<&'a str, Vec<&'a str>>,
    /// Site paths of every page and file the build writes, but the index,
    /// the articles' pages (in `article_at`) and the troubleshooter steps'
    /// (found through `trees`).
    paths: FastSet<String>,
    /// Site path of an article page (or alias) → the article's slug.
    article_at: FastMap<String, &'a str>,
}

impl<'a> Index<'a> {
    fn new(site: &'a Site) -> Self {
        // Built in two halves side by side: this is the serial start of
        // the checks, where a core would otherwise wait.
        let ((paths, article_at), (articles, article_files, trees)) = rayon::join(
            || (Index::paths(site), Index::article_pages(site)),
            || {
                let articles = site
                    .articles
                    .iter()
                    .map(|a| (a.slug.as_str(), a.body.heading_ids.as_slice()))
                    .collect();
                let article_files = site
                    .articles
                    .iter()
                    .map(|a| match crate::load::translation::split(&a.file) {
                        Some((slug, _)) => {
                            std::borrow::Cow::Owned(a.file.with_file_name(format!("{slug}.md")))
                        }
                        None => std::borrow::Cow::Borrowed(a.file.as_path()),
                    })
                    .collect();
                let trees = site
                    .trees
                    .iter()
                    .map(|t| (t.slug.as_str(), t.node_ids().collect()))
                    .collect();
                (articles, article_files, trees)
            },
        );
        Index {
            site,
            articles,
            article_files,
            trees,
            paths,
            article_at,
        }
    }

    /// Site paths of every page and file but articles and steps.
    fn paths(site: &Site) -> FastSet<String> {
        let mut paths: FastSet<String> = [
            "",
            link::SEARCH_DIR,
            "404.html",
            "sitemap.xml",
            "robots.txt",
        ]
        .into_iter()
        .map(str::to_string)
        .collect();
        paths.extend(site.known.static_files.iter().cloned());
        paths.extend(
            site.config
                .categories
                .iter()
                .map(|c| link::category_path(&c.id)),
        );
        for t in &site.trees {
            paths.insert(link::tree_path(&t.slug));
            paths.insert(link::paths_path(&t.slug));
            paths.insert(format!("{}tree.json", link::tree_path(&t.slug)));
        }
        paths.insert(link::TAGS_PATH.to_string());
        // Each tag once: thousands of pages share a few dozen tags.
        let tags: FastSet<&str> = site
            .articles
            .iter()
            .flat_map(|a| &a.tags)
            .chain(site.trees.iter().flat_map(|t| &t.tags))
            .map(String::as_str)
            .collect();
        paths.extend(tags.into_iter().map(link::tag_path));
        paths
    }

    /// Site path of each article page and alias → the article's slug.
    fn article_pages(site: &'a Site) -> FastMap<String, &'a str> {
        let mut article_at = FastMap::default();
        for a in &site.articles {
            article_at.insert(link::article_path(&a.slug), a.slug.as_str());
            for alias in a.aliases.iter().filter_map(|x| link::alias_path(&x.value)) {
                article_at.insert(alias, a.slug.as_str());
            }
        }
        article_at
    }

    /// Every link, image and `related` entry of one article.
    fn article_links(&self, article: &'a Article) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        self.check_text(
            &article.file,
            &article.body,
            Page::Article(&article.slug),
            &mut found,
        );
        for related in &article.related {
            self.check_related(&article.file, &related.value, related.pos, &mut found);
        }
        found
    }

    /// Every link and image of a rendered text; `#id` links name its own ids.
    fn check_text(&self, file: &Path, text: &Rendered, on: Page, out: &mut Vec<Diagnostic>) {
        for found in &text.links {
            if let Dest::Anchor(id) = &found.dest {
                if !id.is_empty() && !text.heading_ids.iter().any(|h| h == id) {
                    let d = Diagnostic::error(
                        "E-LINK-ANCHOR",
                        file,
                        found.pos,
                        format!("this page has no heading `#{id}`"),
                    );
                    out.push(d.with_suggestion_or(
                        id,
                        text.heading_ids.iter().map(String::as_str),
                        "heading ids are the heading text in lowercase with hyphens",
                    ));
                }
                continue;
            }
            self.check_dest(file, &found.dest, found.pos, found.image, on, out);
        }
    }

    fn check_dest(
        &self,
        file: &Path,
        dest: &Dest,
        pos: Pos,
        image: bool,
        on: Page,
        out: &mut Vec<Diagnostic>,
    ) {
        let broken = |message: String| Diagnostic::error("E-LINK-BROKEN", file, pos, message);
        match dest {
            Dest::Content(Target::Article { slug, anchor }) => {
                self.check_article(slug, anchor.as_deref(), file, pos, out);
            }
            Dest::Content(Target::ArticleFile { path, anchor }) => {
                let slug = link::slug_of(path);
                if self.article_files.contains(path.as_path()) {
                    self.check_article(slug, anchor.as_deref(), file, pos, out);
                } else if let Some(d) = self.missing_article(slug, file, pos) {
                    out.push(d);
                } else if !self.site.known.failed_articles.contains(slug) {
                    let near = suggest(
                        &path.to_string_lossy(),
                        self.article_files.iter().filter_map(|p| p.to_str()),
                    );
                    let help = match near {
                        Some(near) => format!(
                            "did you mean `{}`?",
                            relative_to(file, Path::new(near))
                        ),
                        None => "relative links are resolved from the linking file's folder; or use `article:<slug>`".into(),
                    };
                    out.push(
                        broken(format!(
                            "link to `{}`, which is not an article of this site",
                            path.display()
                        ))
                        .with_help(help),
                    );
                }
            }
            Dest::Content(Target::Tree { slug, node }) => match self.trees.get(slug.as_str()) {
                None if self.site.known.failed_trees.contains(slug) => {}
                None if self.site.known.draft_trees.contains(slug) => out.push(
                    broken(format!("link to tree `{slug}`, which is a draft"))
                        .with_help(DRAFT_HELP),
                ),
                None => out.push(
                    broken(format!("link to unknown tree `{slug}`"))
                        .with_suggestion(slug, self.trees.keys().copied()),
                ),
                Some(nodes) => {
                    if let Some(node) = node.as_deref().filter(|n| !nodes.contains(n)) {
                        out.push(
                            broken(format!("tree `{slug}` has no node `{node}`"))
                                .with_suggestion(node, nodes.iter().copied()),
                        );
                    }
                }
            },
            Dest::SitePath { path, suffix } => {
                self.check_site_path(path, suffix, image, file, pos, out);
            }
            Dest::Relative(url) => match on {
                Page::Step => out.push(
                    Diagnostic::error(
                        "E-LINK-RELATIVE",
                        file,
                        pos,
                        format!("relative URL `{url}` in a troubleshooter"),
                    )
                    .with_help(
                        "a step is shown at more than one URL, so write it from the site root, like `/img/router.png`",
                    ),
                ),
                Page::Article(slug) => {
                    let page = link::article_path(slug);
                    match link::resolve_relative(&page, url) {
                        Some(path) if self.exists(&path) => {}
                        resolved => {
                            let what = if image { "image" } else { "link" };
                            let mut d = broken(format!(
                                "{what} `{url}` leads to `/{}`, which this site does not have",
                                resolved.as_deref().unwrap_or("..")
                            ));
                            // Written as if from the site root?
                            let tail = url.trim_start_matches("../").trim_start_matches("./");
                            d = if self.exists(tail) {
                                d.with_help(format!(
                                    "relative URLs resolve against the page's URL (`/{page}`); write `/{tail}`"
                                ))
                            } else {
                                self.suggest_path(d, resolved.as_deref().unwrap_or(tail), image)
                            };
                            out.push(d);
                        }
                    }
                }
            },
            Dest::Anchor(_) => {}
        }
    }

    /// Whether a page or file lives at this site path (`x` for `x/` too).
    fn exists(&self, path: &str) -> bool {
        let at =
            |p: &str| self.paths.contains(p) || self.article_at.contains_key(p) || self.is_step(p);
        at(path) || (!path.ends_with('/') && at(&format!("{path}/")))
    }

    /// Whether `path` is a troubleshooter step's page
    /// (`troubleshoot/<slug>/<node>/`).
    fn is_step(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix("troubleshoot/") else {
            return false;
        };
        let mut parts = rest.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(slug), Some(node), Some(""), None) => self
                .trees
                .get(slug)
                .is_some_and(|nodes| nodes.contains(&node)),
            _ => false,
        }
    }

    /// A root-relative URL (`/img/x.png`, `/articles/x/#why`).
    fn check_site_path(
        &self,
        path: &str,
        suffix: &str,
        image: bool,
        file: &Path,
        pos: Pos,
        out: &mut Vec<Diagnostic>,
    ) {
        if self.exists(path) {
            let page = if path.ends_with('/') || path.is_empty() {
                path.to_string()
            } else {
                format!("{path}/")
            };
            if let (Some(slug), Some(anchor)) =
                (self.article_at.get(&page), suffix.split('#').nth(1))
            {
                self.check_article(slug, Some(anchor), file, pos, out);
            }
            return;
        }
        let what = if image { "image" } else { "link" };
        let base = self.site.config.base_path();
        let d = Diagnostic::error(
            "E-LINK-BROKEN",
            file,
            pos,
            format!("{what} `/{path}`: this site has no page or file at that URL"),
        );
        let without_base = base
            .trim_start_matches('/')
            .strip_prefix("")
            .and_then(|b| path.strip_prefix(b))
            .filter(|rest| base != "/" && self.exists(rest));
        if let Some(rest) = without_base {
            out.push(d.with_help(format!(
                "root-relative URLs are resolved against the base path `{base}`: write `/{rest}`"
            )));
            return;
        }
        if let Some(slug) = path
            .strip_prefix("articles/")
            .map(|s| s.trim_end_matches('/'))
            .filter(|s| self.site.known.draft_articles.contains(*s))
        {
            out.push(
                Diagnostic::error(
                    "E-LINK-BROKEN",
                    file,
                    pos,
                    format!("link to article `{slug}`, which is a draft"),
                )
                .with_help(DRAFT_HELP),
            );
            return;
        }
        out.push(self.suggest_path(d, path, image));
    }

    /// Adds the nearest existing site path as a suggestion (for an image,
    /// the nearest static file).
    fn suggest_path(&self, d: Diagnostic, path: &str, image: bool) -> Diagnostic {
        let steps = || {
            self.trees
                .iter()
                .flat_map(|(slug, nodes)| nodes.iter().map(move |node| link::node_path(slug, node)))
        };
        let candidates: Box<dyn Iterator<Item = std::borrow::Cow<String>>> = if image {
            Box::new(
                self.site
                    .known
                    .static_files
                    .iter()
                    .map(std::borrow::Cow::Borrowed),
            )
        } else {
            Box::new(
                self.paths
                    .iter()
                    .chain(self.article_at.keys())
                    .map(std::borrow::Cow::Borrowed)
                    .chain(steps().map(std::borrow::Cow::Owned)),
            )
        };
        let near = candidates
            .map(|p| (strsim::damerau_levenshtein(path, &p), p))
            .filter(|(distance, _)| *distance <= (path.chars().count() / 2).max(3))
            .min();
        match near {
            Some((_, p)) => d.with_help(format!("did you mean `/{p}`?")),
            None => d.with_help(
                "root-relative URLs name a page (`/articles/<slug>/`) or a file in `static/` (`/img/x.png` for `static/img/x.png`)",
            ),
        }
    }

    /// A diagnostic for an article that is not in this build, or `None`
    /// when it failed to load (its own errors say why) or is unknown.
    fn missing_article(&self, slug: &str, file: &Path, pos: Pos) -> Option<Diagnostic> {
        self.site.known.draft_articles.contains(slug).then(|| {
            Diagnostic::error(
                "E-LINK-BROKEN",
                file,
                pos,
                format!("link to article `{slug}`, which is a draft"),
            )
            .with_help(DRAFT_HELP)
        })
    }

    fn check_article(
        &self,
        slug: &str,
        anchor: Option<&str>,
        file: &Path,
        pos: Pos,
        out: &mut Vec<Diagnostic>,
    ) {
        match self.articles.get(slug) {
            None if self.site.known.failed_articles.contains(slug) => {}
            None => out.push(self.missing_article(slug, file, pos).unwrap_or_else(|| {
                Diagnostic::error(
                    "E-LINK-BROKEN",
                    file,
                    pos,
                    format!("link to unknown article `{slug}`"),
                )
                .with_suggestion(slug, self.articles.keys().copied())
            })),
            Some(ids) => {
                if let Some(anchor) =
                    anchor.filter(|a| !a.is_empty() && !ids.iter().any(|id| id == a))
                {
                    let d = Diagnostic::error(
                        "E-LINK-ANCHOR",
                        file,
                        pos,
                        format!("article `{slug}` has no heading `#{anchor}`"),
                    );
                    out.push(match suggest(anchor, ids.iter().map(String::as_str)) {
                        Some(near) => d.with_help(format!("did you mean `#{near}`?")),
                        None => d.with_help(
                            "heading ids are the heading text in lowercase with hyphens",
                        ),
                    });
                }
            }
        }
    }

    /// `related:` takes article slugs and `tree:<slug>`.
    fn check_related(&self, file: &Path, value: &str, pos: Pos, out: &mut Vec<Diagnostic>) {
        let target = link::parse_prefixed(value).unwrap_or_else(|| Target::Article {
            slug: value.to_string(),
            anchor: None,
        });
        self.check_dest(file, &Dest::Content(target), pos, false, Page::Step, out);
    }
}

const DRAFT_HELP: &str =
    "drafts are built only with `--drafts`: publish it (remove `draft: true`) or link elsewhere";

/// `to` written relative to the folder of `from`, as a Markdown link.
fn relative_to(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from
        .parent()
        .unwrap_or(Path::new(""))
        .components()
        .collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<String> = vec!["..".to_string(); from.len() - common];
    out.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    out.join("/")
}

/// Broken links and `related` entries of one article (the dev server's
/// quick path checks an edited article against the rest of the site).
pub fn article_links(site: &Site, article: &Article) -> Vec<Diagnostic> {
    Index::new(site).article_links(article)
}

fn check_duplicates(site: &Site, out: &mut Vec<Diagnostic>) {
    // Grouped by slug first: only the rare duplicates are sorted by file
    // (sorting every path component-wise took 0.1 s at 50,000 articles).
    let mut by_slug: FastMap<&str, Vec<&PathBuf>> = FastMap::default();
    for article in &site.articles {
        by_slug
            .entry(&article.slug)
            .or_default()
            .push(&article.file);
    }
    let mut duplicates: Vec<(&str, Vec<&PathBuf>)> = by_slug
        .into_iter()
        .filter(|(_, files)| files.len() > 1)
        .collect();
    duplicates.sort_unstable();
    for (slug, mut files) in duplicates {
        files.sort();
        for pair in files.windows(2) {
            let (earlier, file) = (pair[0], pair[1]);
            out.push(
                Diagnostic::error(
                    "E-ARTICLE-DUPLICATE",
                    file,
                    Pos::default(),
                    format!(
                        "article slug `{slug}` is also used by `{}`",
                        earlier.display()
                    ),
                )
                .with_related(earlier, Pos::default(), "first used by")
                .with_help(
                    "slugs are file names and must be unique across the site; rename one file",
                ),
            );
        }
    }
}

fn check_categories(site: &Site, out: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = site
        .config
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let articles = site
        .articles
        .iter()
        .map(|a| (&a.file, &a.category, "article"));
    let trees = site
        .trees
        .iter()
        .filter(|t| !t.category.value.is_empty())
        .map(|t| (&t.file, &t.category, "tree"));
    for (file, category, what) in articles.chain(trees) {
        if !ids.contains(&category.value.as_str()) {
            let message = format!("{what} is in unknown category `{}`", category.value);
            let d = Diagnostic::error("E-CATEGORY-UNKNOWN", file, category.pos, message);
            let listed = if ids.is_empty() {
                "site.yaml lists none yet".to_string()
            } else {
                format!("site.yaml lists: {}", ids.join(", "))
            };
            let d = match suggest(&category.value, ids.iter().copied()) {
                Some(near) => d.with_help(format!("did you mean `{near}`? {listed}")),
                None => d.with_help(format!("add it under `categories:` in site.yaml, or set `category:` to one listed there ({listed})")),
            };
            out.push(d);
        }
    }
}

/// `logo:` and `favicon:` must name files in `static/`.
fn check_identity(site: &Site, out: &mut Vec<Diagnostic>) {
    let config = &site.config;
    let places = [("logo", &config.logo), ("favicon", &config.favicon)];
    for ((key, value), pos) in places.into_iter().zip(config.image_pos) {
        let Some(path) = value else { continue };
        let path = path.trim_start_matches('/');
        if site.known.static_files.contains(path) {
            continue;
        }
        let near = suggest(path, site.known.static_files.iter().map(String::as_str));
        out.push(
            Diagnostic::error(
                "E-CONFIG-IMAGE",
                std::path::Path::new(crate::load::config::FILE),
                pos,
                format!("`{key}` names `{path}`, which is not a file in `static/`"),
            )
            .with_help(match near {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("put the image in `static/` and write its path there, like `{key}: img/{key}.svg`"),
            }),
        );
    }
}

/// Aliases must be site paths and must not take the URL of another page.
fn check_urls(site: &Site, out: &mut Vec<Diagnostic>) {
    // URL path → the file that takes it, and where (for aliases).
    let mut taken: FastMap<String, (&Path, Pos)> = FastMap::default();
    for article in &site.articles {
        let path = link::article_path(&article.slug);
        taken.insert(path, (&article.file, Pos::default()));
    }
    for tree in &site.trees {
        let path = link::tree_path(&tree.slug);
        taken.insert(path, (&tree.file, Pos::default()));
    }
    for article in &site.articles {
        for alias in &article.aliases {
            let Some(path) = link::alias_path(&alias.value) else {
                out.push(
                    Diagnostic::error(
                        "E-ALIAS",
                        &article.file,
                        alias.pos,
                        format!("alias `{}` is not a site path", alias.value),
                    )
                    .with_help("write an old path of this site, like `/old/path/`"),
                );
                continue;
            };
            if let Some((owner, pos)) = taken.get(&path) {
                let what = if pos.line == 0 {
                    "the page with this URL"
                } else {
                    "the alias that takes this URL first"
                };
                out.push(
                    Diagnostic::error(
                        "E-ALIAS",
                        &article.file,
                        alias.pos,
                        format!(
                            "alias `{}` is already the URL of `{}`",
                            alias.value,
                            owner.display()
                        ),
                    )
                    .with_related(owner, *pos, what)
                    .with_help("remove the alias, or point it at a path no page uses"),
                );
            } else {
                taken.insert(path, (&article.file, alias.pos));
            }
        }
    }
}
