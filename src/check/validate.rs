//! The validate stage: rules that span files — unique slugs and URLs,
//! categories, `related` lists, internal links and tree exits.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, Pos, suggest};
use crate::load::site::Site;
use crate::load::tree::{Next, NodeKind};
use crate::text::link::{self, Target};
use crate::text::markdown::FoundLink;

/// Every cross-file mistake of the site, in no particular order.
pub fn validate(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let index = Index::new(site);
    check_duplicates(site, &mut out);
    check_categories(site, &mut out);
    check_urls(site, &mut out);
    // The largest part: every link of every article, checked in parallel.
    out.par_extend(site.articles.par_iter().flat_map_iter(|article| {
        let mut found = Vec::new();
        for link in &article.body.links {
            index.check_link(&article.file, link, &mut found);
        }
        for related in &article.related {
            index.check_related(&article.file, &related.value, related.pos, &mut found);
        }
        found
    }));
    for tree in &site.trees {
        for node in &tree.nodes {
            match &node.kind {
                NodeKind::Question {
                    details, answers, ..
                } => {
                    for link in details.iter().flat_map(|d| &d.links) {
                        index.check_link(&tree.file, link, &mut out);
                    }
                    for answer in answers {
                        if let Next::Exit(target) = &answer.next {
                            let link = FoundLink {
                                target: target.clone(),
                                pos: answer.next_pos,
                            };
                            index.check_link(&tree.file, &link, &mut out);
                        }
                    }
                }
                NodeKind::Outcome { body, related, .. } => {
                    for link in &body.links {
                        index.check_link(&tree.file, link, &mut out);
                    }
                    for r in related {
                        index.check_related(&tree.file, &r.value, r.pos, &mut out);
                    }
                }
            }
        }
    }
    out
}

/// What links may point at: articles (with heading ids) and trees (with nodes).
struct Index<'a> {
    articles: HashMap<&'a str, HashSet<&'a str>>,
    article_files: HashSet<&'a Path>,
    trees: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Index<'a> {
    fn new(site: &'a Site) -> Self {
        Index {
            articles: site
                .articles
                .par_iter()
                .map(|a| {
                    (
                        a.slug.as_str(),
                        a.body.heading_ids.iter().map(String::as_str).collect(),
                    )
                })
                .collect(),
            article_files: site.articles.iter().map(|a| a.file.as_path()).collect(),
            trees: site
                .trees
                .iter()
                .map(|t| (t.slug.as_str(), t.node_ids().collect()))
                .collect(),
        }
    }

    fn check_link(&self, file: &Path, link: &FoundLink, out: &mut Vec<Diagnostic>) {
        let broken = |message: String| Diagnostic::error("E-LINK-BROKEN", file, link.pos, message);
        match &link.target {
            Target::Article { slug, anchor } => {
                self.check_article(slug, anchor.as_deref(), file, link.pos, out);
            }
            Target::ArticleFile { path, anchor } => {
                if !self.article_files.contains(path.as_path()) {
                    out.push(
                        broken(format!("link to `{}`, which is not an article of this site", path.display()))
                            .with_help("relative links are resolved from the linking file's folder; or use `article:<slug>`"),
                    );
                } else {
                    let slug = link::slug_of(path);
                    self.check_article(slug, anchor.as_deref(), file, link.pos, out);
                }
            }
            Target::Tree { slug, node } => match self.trees.get(slug.as_str()) {
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
        }
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
            None => out.push(
                Diagnostic::error(
                    "E-LINK-BROKEN",
                    file,
                    pos,
                    format!("link to unknown article `{slug}`"),
                )
                .with_suggestion(slug, self.articles.keys().copied()),
            ),
            Some(ids) => {
                if let Some(anchor) = anchor.filter(|a| !a.is_empty() && !ids.contains(a)) {
                    let d = Diagnostic::error(
                        "E-LINK-ANCHOR",
                        file,
                        pos,
                        format!("article `{slug}` has no heading `#{anchor}`"),
                    );
                    out.push(match suggest(anchor, ids.iter().copied()) {
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
        self.check_link(file, &FoundLink { target, pos }, out);
    }
}

/// Broken links and `related` entries of one article (the dev server's
/// quick path checks an edited article against the rest of the site).
pub fn article_links(site: &Site, article: &crate::load::article::Article) -> Vec<Diagnostic> {
    let index = Index::new(site);
    let mut out = Vec::new();
    for link in &article.body.links {
        index.check_link(&article.file, link, &mut out);
    }
    for related in &article.related {
        index.check_related(&article.file, &related.value, related.pos, &mut out);
    }
    out
}

fn check_duplicates(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &PathBuf> = HashMap::new();
    let mut by_file: Vec<_> = site.articles.iter().collect();
    by_file.sort_by(|a, b| a.file.cmp(&b.file));
    for article in by_file {
        if let Some(earlier) = first.insert(&article.slug, &article.file) {
            out.push(
                Diagnostic::error(
                    "E-ARTICLE-DUPLICATE",
                    &article.file,
                    Pos::default(),
                    format!(
                        "article slug `{}` is also used by `{}`",
                        article.slug,
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
            let d = match suggest(&category.value, ids.iter().copied()) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d.with_help("add it under `categories:` in site.yaml, or set `category:` to one listed there"),
            };
            out.push(d);
        }
    }
}

/// Aliases must be site paths and must not take the URL of another page.
fn check_urls(site: &Site, out: &mut Vec<Diagnostic>) {
    // URL path → the file that takes it, and where (for aliases).
    let mut taken: HashMap<String, (PathBuf, Pos)> = HashMap::new();
    for article in &site.articles {
        let path = link::article_path(&article.slug);
        taken.insert(path, (article.file.clone(), Pos::default()));
    }
    for tree in &site.trees {
        let path = link::tree_path(&tree.slug);
        taken.insert(path, (tree.file.clone(), Pos::default()));
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
                taken.insert(path, (article.file.clone(), alias.pos));
            }
        }
    }
}
