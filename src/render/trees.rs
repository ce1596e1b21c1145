//! Pages of decision trees: one per node (answers are plain links, so
//! trees walk without JavaScript), an "all paths" outline, and
//! `tree.json` for the script and for bots that walk the same tree.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::base::escape::{escape_html, to_json_for_html};
use crate::load::site::Site;
use crate::load::tree::{Next, Node, NodeKind, OutcomeKind, Tree};
use crate::output::OutputFile;
use crate::render::{LinkItem, Renderer, json_ld};
use crate::text::link::{self, Target};
use crate::text::markdown;

/// Version of the `tree.json` format; bump on breaking changes.
pub const TREE_JSON_SCHEMA: u32 = 1;

/// "Fix", "Contact support"…, in the page's language.
fn outcome_label<'s>(r: &Renderer<'s>, outcome: OutcomeKind) -> &'s str {
    let strings: &'s crate::render::Strings = r.strings;
    strings.get(match outcome {
        OutcomeKind::Fix => "outcome_fix",
        OutcomeKind::Workaround => "outcome_workaround",
        OutcomeKind::Escalate => "outcome_escalate",
        OutcomeKind::Alternative => "outcome_alternative",
    })
}

pub fn tree_item(r: &Renderer, tree: &Tree) -> LinkItem {
    LinkItem {
        title: tree.title.clone(),
        url: link::tree_url(&r.base_path, &tree.slug),
        description: tree.description.clone(),
    }
}

#[derive(Serialize)]
struct TreeView<'a> {
    slug: &'a str,
    title: &'a str,
    description: &'a str,
    url: String,
    paths_url: String,
    json_url: String,
    start: &'a str,
    /// For a tree showing the source's text: the notice, and the language
    /// of the text.
    fallback_notice: Option<String>,
    content_lang: Option<String>,
}

#[derive(Serialize)]
struct NodeView<'a> {
    id: &'a str,
    url: String,
    is_start: bool,
    kind: &'static str,
    question: &'a str,
    details_html: &'a str,
    answers: Vec<AnswerView>,
    title: &'a str,
    outcome: Option<OutcomeKind>,
    outcome_label: &'a str,
    body_html: &'a str,
    related: Vec<LinkItem>,
}

#[derive(Serialize)]
struct AnswerView {
    number: usize,
    label: String,
    url: String,
    /// The node id this answer leads to, when it stays in the tree.
    next: Option<String>,
    /// "article" or "tree" when the answer leaves this tree.
    exit: Option<&'static str>,
}

#[derive(Serialize)]
struct NodePage<'a> {
    tree: &'a TreeView<'a>,
    node: NodeView<'a>,
    /// The tree's own URL shows the start node under the tree's title.
    at_home: bool,
}

#[derive(Serialize)]
struct PathsPage<'a> {
    tree: &'a TreeView<'a>,
    outline_html: String,
}

/// Every file of one tree: its home, one page per node, paths, tree.json.
pub fn render(r: &Renderer, tree: &Tree) -> anyhow::Result<Vec<OutputFile>> {
    let base = &r.base_path;
    let view = TreeView {
        slug: &tree.slug,
        title: &tree.title,
        description: &tree.description,
        url: link::tree_url(base, &tree.slug),
        paths_url: format!("{base}{}", link::paths_path(&tree.slug)),
        json_url: format!("{}tree.json", link::tree_url(base, &tree.slug)),
        start: &tree.start,
        fallback_notice: tree.fallback.then(|| r.fallback_text()),
        content_lang: tree.fallback.then(|| r.source_tag()),
    };
    let mut crumbs = vec![r.home_crumb()];
    crumbs.extend(r.category_crumb(&tree.category.value));
    // A step's trail: the tree's, then the tree itself (the same for all).
    let mut node_crumbs = crumbs.clone();
    node_crumbs.push(tree_item(r, tree));
    let mut files = Vec::with_capacity(tree.nodes.len() + 3);
    for node in &tree.nodes {
        let view_of_node = node_view(r, tree, node);
        let is_start = node.id == tree.start;
        let (title, description) = node_heading(tree, node);
        let page_url = if is_start {
            &view.url
        } else {
            &view_of_node.url
        };
        let mut meta = r.meta(
            &format!("{title} · {}", tree.title),
            description,
            page_url,
            node_crumbs.clone(),
        );
        if tree.fallback {
            r.canonical_to_source(&mut meta, page_url);
        }
        meta.json_ld = Some(breadcrumb_ld(r, &node_crumbs, &title, &meta.canonical)?);
        let html = r.page(
            "node.html",
            &meta,
            &NodePage {
                tree: &view,
                node: view_of_node,
                at_home: false,
            },
        )?;
        files.push(OutputFile::new(
            link::page_file(&link::node_path(&tree.slug, &node.id)),
            html,
        ));
        if is_start {
            let mut start_meta = r.meta(&tree.title, &tree.description, &view.url, crumbs.clone());
            if tree.fallback {
                r.canonical_to_source(&mut start_meta, &view.url);
            }
            start_meta.json_ld = Some(breadcrumb_ld(
                r,
                &crumbs,
                &tree.title,
                &start_meta.canonical,
            )?);
            let start = node_view(r, tree, node);
            let html = r.page(
                "node.html",
                &start_meta,
                &NodePage {
                    tree: &view,
                    node: start,
                    at_home: true,
                },
            )?;
            files.push(OutputFile::new(
                link::page_file(&link::tree_path(&tree.slug)),
                html,
            ));
        }
    }
    let mut meta = r.meta(
        &format!("{} · {}", r.strings.get("all_paths"), tree.title),
        &tree.description,
        &view.paths_url,
        node_crumbs.clone(),
    );
    if tree.fallback {
        r.canonical_to_source(&mut meta, &view.paths_url);
    }
    meta.json_ld = Some(breadcrumb_ld(
        r,
        &node_crumbs,
        r.strings.get("all_paths"),
        &meta.canonical,
    )?);
    let outline_html = outline(r, tree);
    files.push(OutputFile::new(
        link::page_file(&link::paths_path(&tree.slug)),
        r.page(
            "paths.html",
            &meta,
            &PathsPage {
                tree: &view,
                outline_html,
            },
        )?,
    ));
    files.push(OutputFile::new(
        format!("{}tree.json", link::tree_path(&tree.slug)),
        tree_json(r, tree),
    ));
    Ok(files)
}

fn node_heading<'a>(tree: &'a Tree, node: &'a Node) -> (String, &'a str) {
    match &node.kind {
        NodeKind::Question { question, .. } => (question.clone(), &tree.description),
        NodeKind::Outcome { title, .. } => (title.clone(), &tree.description),
    }
}

fn node_view<'a>(r: &Renderer<'a>, tree: &'a Tree, node: &'a Node) -> NodeView<'a> {
    let base = &r.base_path;
    let mut view = NodeView {
        id: &node.id,
        url: link::node_url(base, &tree.slug, &node.id),
        is_start: node.id == tree.start,
        kind: "question",
        question: "",
        details_html: "",
        answers: Vec::new(),
        title: "",
        outcome: None,
        outcome_label: "",
        body_html: "",
        related: Vec::new(),
    };
    match &node.kind {
        NodeKind::Question {
            question,
            details,
            answers,
        } => {
            view.question = question;
            view.details_html = details.as_ref().map_or("", |d| d.html.as_str());
            view.answers = answers
                .iter()
                .enumerate()
                .map(|(i, a)| AnswerView {
                    number: i + 1,
                    label: a.label.clone(),
                    url: next_url(base, tree, &a.next),
                    next: match &a.next {
                        Next::Node(id) => Some(id.clone()),
                        Next::Exit(_) => None,
                    },
                    exit: match &a.next {
                        Next::Node(_) => None,
                        Next::Exit(Target::Tree { .. }) => Some("tree"),
                        Next::Exit(_) => Some("article"),
                    },
                })
                .collect();
        }
        NodeKind::Outcome {
            title,
            outcome,
            body,
            related,
        } => {
            view.kind = "outcome";
            view.title = title;
            view.outcome = Some(*outcome);
            view.outcome_label = outcome_label(r, *outcome);
            view.body_html = &body.html;
            view.related = related
                .iter()
                .filter_map(|rel| r.related_item(&rel.value))
                .collect();
        }
    }
    view
}

/// URL an answer leads to; the start node is the tree's own URL.
fn next_url(base: &str, tree: &Tree, next: &Next) -> String {
    match next {
        Next::Node(id) if *id == tree.start => link::tree_url(base, &tree.slug),
        Next::Node(id) => link::node_url(base, &tree.slug, id),
        Next::Exit(target) => markdown::url_of(target, base),
    }
}

fn breadcrumb_ld(
    r: &Renderer,
    crumbs: &[LinkItem],
    current: &str,
    canonical: &str,
) -> anyhow::Result<String> {
    #[derive(Serialize)]
    struct BreadcrumbList<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "itemListElement")]
        items: Vec<ListItem<'a>>,
    }
    #[derive(Serialize)]
    struct ListItem<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        item: std::borrow::Cow<'a, str>,
        name: &'a str,
        position: usize,
    }
    let mut items: Vec<ListItem> = crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| ListItem {
            kind: "ListItem",
            item: r.absolute(&c.url).into(),
            name: &c.title,
            position: i + 1,
        })
        .collect();
    items.push(ListItem {
        kind: "ListItem",
        item: canonical.into(),
        name: current,
        position: crumbs.len() + 1,
    });
    json_ld(&BreadcrumbList {
        context: "https://schema.org",
        kind: "BreadcrumbList",
        items,
    })
}

/// The whole tree as a nested list; a node shown once is linked, not repeated.
fn outline(r: &Renderer, tree: &Tree) -> String {
    let mut html = String::new();
    let mut shown = HashSet::new();
    html.push_str("<ol class=\"outline\">\n");
    outline_node(r, tree, &tree.start, &mut shown, &mut html, 0);
    html.push_str("</ol>\n");
    html
}

const MAX_OUTLINE_DEPTH: usize = 64;

fn outline_node(
    r: &Renderer,
    tree: &Tree,
    id: &str,
    shown: &mut HashSet<String>,
    html: &mut String,
    depth: usize,
) {
    let Some(node) = tree.node(id) else { return };
    let url = next_url(&r.base_path, tree, &Next::Node(id.to_string()));
    let (title, _) = node_heading(tree, node);
    let first_time = shown.insert(id.to_string());
    let badge = match &node.kind {
        NodeKind::Outcome { outcome, .. } => {
            format!(
                " <span class=\"badge badge-{}\">{}</span>",
                kind_class(*outcome),
                crate::base::escape::escape_html(outcome_label(r, *outcome))
            )
        }
        NodeKind::Question { .. } => String::new(),
    };
    let _ = write!(
        html,
        "<li><a href=\"{}\">{}</a>{badge}",
        escape_html(&url),
        escape_html(&title)
    );
    if !first_time || depth > MAX_OUTLINE_DEPTH {
        html.push_str(" <span class=\"outline-again\">(shown above)</span></li>\n");
        return;
    }
    if let NodeKind::Question { answers, .. } = &node.kind {
        html.push_str("\n<ul>\n");
        for a in answers {
            let _ = write!(
                html,
                "<li><span class=\"outline-answer\">{}</span>\n<ol>\n",
                escape_html(&a.label)
            );
            match &a.next {
                Next::Node(next) => outline_node(r, tree, next, shown, html, depth + 1),
                Next::Exit(target) => {
                    let url = markdown::url_of(target, &r.base_path);
                    let label = exit_title(r.site, target);
                    let _ = writeln!(
                        html,
                        "<li><a href=\"{}\">{}</a> <span class=\"badge badge-exit\">Leaves this troubleshooter</span></li>",
                        escape_html(&url),
                        escape_html(&label)
                    );
                }
            }
            html.push_str("</ol></li>\n");
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</li>\n");
}

fn kind_class(kind: OutcomeKind) -> &'static str {
    match kind {
        OutcomeKind::Fix => "fix",
        OutcomeKind::Workaround => "workaround",
        OutcomeKind::Escalate => "escalate",
        OutcomeKind::Alternative => "alternative",
    }
}

/// A human name for where an exit goes.
fn exit_title(site: &Site, target: &Target) -> String {
    match target {
        Target::Article { slug, .. } => {
            site.article(slug).map_or(slug.clone(), |a| a.title.clone())
        }
        Target::ArticleFile { path, .. } => path.display().to_string(),
        Target::Tree { slug, node } => {
            let Some(tree) = site.tree(slug) else {
                return slug.clone();
            };
            match node.as_deref().and_then(|n| tree.node(n)) {
                Some(n) => format!("{} › {}", tree.title, node_heading(tree, n).0),
                None => tree.title.clone(),
            }
        }
    }
}

/// `tree.json`, schema 1 (documented in README): everything a client
/// needs to walk the tree, with URLs relative to the site's origin.
fn tree_json(r: &Renderer, tree: &Tree) -> String {
    // Fields in name order, as a JSON object of them was written before
    // (serialized straight from these, not through a `Value` tree).
    #[derive(Serialize)]
    struct Doc<'a> {
        description: &'a str,
        /// Sites with more than one language say which one this is.
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        nodes: Vec<NodeJson<'a>>,
        origin: &'a str,
        schema: u32,
        slug: &'a str,
        start: &'a str,
        title: &'a str,
        url: String,
    }
    #[derive(Serialize)]
    #[serde(untagged)]
    enum NodeJson<'a> {
        Question {
            answers: Vec<AnswerJson<'a>>,
            details_html: Option<&'a str>,
            id: &'a str,
            question: &'a str,
            r#type: &'static str,
            url: String,
        },
        Outcome {
            body_html: &'a str,
            id: &'a str,
            outcome: OutcomeKind,
            outcome_label: &'a str,
            related: Vec<RelatedJson>,
            title: &'a str,
            r#type: &'static str,
            url: String,
        },
    }
    #[derive(Serialize)]
    struct AnswerJson<'a> {
        exit: Option<String>,
        exit_title: Option<String>,
        label: &'a str,
        next: Option<&'a str>,
        url: String,
    }
    #[derive(Serialize)]
    struct RelatedJson {
        title: String,
        url: String,
    }
    let base = &r.base_path;
    let nodes = tree
        .nodes
        .iter()
        .map(|node| {
            let url = next_url(base, tree, &Next::Node(node.id.clone()));
            match &node.kind {
                NodeKind::Question {
                    question,
                    details,
                    answers,
                } => NodeJson::Question {
                    answers: answers
                        .iter()
                        .map(|a| AnswerJson {
                            exit: match &a.next {
                                Next::Node(_) => None,
                                Next::Exit(_) => Some(crate::load::tree::exit_name(&a.next)),
                            },
                            exit_title: match &a.next {
                                Next::Node(_) => None,
                                Next::Exit(t) => Some(exit_title(r.site, t)),
                            },
                            label: &a.label,
                            next: match &a.next {
                                Next::Node(id) => Some(id.as_str()),
                                Next::Exit(_) => None,
                            },
                            url: next_url(base, tree, &a.next),
                        })
                        .collect(),
                    details_html: details.as_ref().map(|d| d.html.as_str()),
                    id: &node.id,
                    question,
                    r#type: "question",
                    url,
                },
                NodeKind::Outcome {
                    title,
                    outcome,
                    body,
                    related,
                } => NodeJson::Outcome {
                    body_html: &body.html,
                    id: &node.id,
                    outcome: *outcome,
                    outcome_label: outcome_label(r, *outcome),
                    related: related
                        .iter()
                        .filter_map(|rel| r.related_item(&rel.value))
                        .map(|i| RelatedJson {
                            title: i.title,
                            url: i.url,
                        })
                        .collect(),
                    title,
                    r#type: "outcome",
                    url,
                },
            }
        })
        .collect();
    let doc = Doc {
        description: &tree.description,
        language: r.site.lang.is_multilingual().then(|| {
            if tree.fallback {
                r.source_tag()
            } else {
                r.site.lang.tag.clone()
            }
        }),
        nodes,
        origin: r.site.config.origin(),
        schema: TREE_JSON_SCHEMA,
        slug: &tree.slug,
        start: &tree.start,
        title: &tree.title,
        url: link::tree_url(base, &tree.slug),
    };
    // Plain data: it always serializes.
    to_json_for_html(&doc).unwrap_or_default()
}

/// For each article slug, the trees and steps that lead to it.
pub fn pointers(site: &Site, base: &str) -> HashMap<String, Vec<LinkItem>> {
    let mut map: HashMap<String, Vec<LinkItem>> = HashMap::new();
    for tree in &site.trees {
        for node in &tree.nodes {
            let mut slugs: Vec<String> = Vec::new();
            match &node.kind {
                NodeKind::Question {
                    answers, details, ..
                } => {
                    for a in answers {
                        if let Next::Exit(t) = &a.next {
                            slugs.extend(article_slug(t));
                        }
                    }
                    slugs.extend(
                        details
                            .iter()
                            .flat_map(|d| &d.links)
                            .filter_map(|l| linked_article(&l.dest)),
                    );
                }
                NodeKind::Outcome { related, body, .. } => {
                    slugs.extend(
                        related
                            .iter()
                            .filter(|rel| link::parse_prefixed(&rel.value).is_none())
                            .map(|rel| rel.value.clone()),
                    );
                    slugs.extend(body.links.iter().filter_map(|l| linked_article(&l.dest)));
                }
            }
            if slugs.is_empty() {
                continue; // most steps lead to no article
            }
            let (heading, _) = node_heading(tree, node);
            let item = LinkItem {
                title: format!("{} › {heading}", tree.title),
                url: next_url(base, tree, &Next::Node(node.id.clone())),
                description: tree.description.clone(),
            };
            slugs.sort();
            slugs.dedup();
            for slug in slugs {
                map.entry(slug).or_default().push(item.clone());
            }
        }
    }
    map
}

/// The article a Markdown link leads to, if any.
fn linked_article(dest: &link::Dest) -> Option<String> {
    match dest {
        link::Dest::Content(target) => article_slug(target),
        link::Dest::SitePath { path, .. } => path
            .strip_prefix("articles/")
            .map(|s| s.trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty() && !s.contains('/')),
        _ => None,
    }
}

fn article_slug(target: &Target) -> Option<String> {
    match target {
        Target::Article { slug, .. } => Some(slug.clone()),
        Target::ArticleFile { path, .. } => Some(link::slug_of(path).to_string()),
        Target::Tree { .. } => None,
    }
}
