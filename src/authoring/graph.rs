//! `waymark graph`: a tree as a Mermaid flowchart or Graphviz DOT, for
//! authors' docs and reviews.

use std::fmt::Write as _;

use std::path::Path;

use crate::base::diagnostic::{Diagnostic, Pos, suggest};
use crate::load::site::TREES_DIR;
use crate::load::tree::{Next, NodeKind, Tree, exit_name};
use crate::{BuildOptions, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Mermaid,
    Dot,
}

/// The graph of tree `slug` of the site at `root` (drafts included), or
/// the report that says why there is none.
pub fn of_tree(root: &Path, slug: &str, format: Format) -> anyhow::Result<Result<String, Report>> {
    of_tree_with(root, slug, format, &Counts::new())
}

/// How many customers reached each node and left it there, by node id,
/// from a `waymark insights --format json` report.
pub type Counts = std::collections::HashMap<String, (u64, Option<u64>)>;

/// The counts of tree `slug` in language `lang` (the first language the
/// report has for it when `None`) from an insights report.
pub fn counts_from_report(json: &str, slug: &str, lang: Option<&str>) -> anyhow::Result<Counts> {
    let report: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| anyhow::anyhow!("not a `waymark insights --format json` report: {e}"))?;
    let tree = report["trees"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["tree"] == slug && lang.is_none_or(|l| t["lang"] == l));
    Ok(tree
        .and_then(|t| t["nodes"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|n| {
            let id = n["node"].as_str()?.to_string();
            Some((id, (n["reached"].as_u64().unwrap_or(0), n["left"].as_u64())))
        })
        .collect())
}

/// [`of_tree`] with each node's insights counts drawn on it.
pub fn of_tree_with(
    root: &Path,
    slug: &str,
    format: Format,
    counts: &Counts,
) -> anyhow::Result<Result<String, Report>> {
    let options = BuildOptions {
        drafts: true,
        ..BuildOptions::default()
    };
    let loaded = crate::load::site::load(root, &options)?;
    let Some(site) = loaded.site else {
        return Ok(Err(Report {
            diagnostics: loaded.diagnostics,
            sources: loaded.sources,
            ..Report::default()
        }));
    };
    if let Some(tree) = site.tree(slug) {
        return Ok(Ok(render_with(tree, format, counts)));
    }
    let mut d = Diagnostic::error(
        "E-GRAPH-TREE",
        Path::new(TREES_DIR),
        Pos::default(),
        format!("no tree `{slug}` in content/trees/"),
    );
    if let Some(near) = suggest(slug, site.trees.iter().map(|t| t.slug.as_str())) {
        d = d.with_help(format!("did you mean `{near}`?"));
    }
    Ok(Err(Report {
        diagnostics: vec![d],
        ..Report::default()
    }))
}

pub fn render(tree: &Tree, format: Format) -> String {
    render_with(tree, format, &Counts::new())
}

fn render_with(tree: &Tree, format: Format, counts: &Counts) -> String {
    match format {
        Format::Mermaid => mermaid(tree, counts),
        Format::Dot => dot(tree, counts),
    }
}

fn node_label(tree: &Tree, id: &str, counts: &Counts) -> String {
    let text = match tree.node(id).map(|n| &n.kind) {
        Some(NodeKind::Question { question, .. }) => question.clone(),
        Some(NodeKind::Outcome { title, outcome, .. }) => format!("{}: {title}", outcome.label()),
        None => id.to_string(),
    };
    match counts.get(id) {
        Some((reached, Some(left))) => format!("{text}\n{reached} reached, {left} left here"),
        Some((reached, None)) => format!("{text}\n{reached} reached"),
        None if !counts.is_empty() => format!("{text}\n0 reached"),
        None => text,
    }
}

/// Mermaid ids allow letters, digits and underscores only.
fn mermaid_id(id: &str) -> String {
    format!("n_{}", id.replace('-', "_"))
}

fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn mermaid(tree: &Tree, counts: &Counts) -> String {
    let mut out = format!(
        "---\ntitle: {}\n---\nflowchart TD\n",
        mermaid_text(&tree.title)
    );
    let mut exits = 0;
    for node in &tree.nodes {
        let id = mermaid_id(&node.id);
        let label = mermaid_text(&node_label(tree, &node.id, counts)).replace('\n', "<br/>");
        match &node.kind {
            NodeKind::Question { answers, .. } => {
                let _ = writeln!(out, "    {id}{{\"{label}\"}}");
                for answer in answers {
                    let target = match &answer.next {
                        Next::Node(next) => mermaid_id(next),
                        Next::Exit(_) => {
                            exits += 1;
                            let exit = format!("exit_{exits}");
                            let _ = writeln!(
                                out,
                                "    {exit}[[\"{}\"]]",
                                mermaid_text(&exit_name(&answer.next))
                            );
                            exit
                        }
                    };
                    let _ = writeln!(
                        out,
                        "    {id} -->|\"{}\"| {target}",
                        mermaid_text(&answer.label)
                    );
                }
            }
            NodeKind::Outcome { .. } => {
                let _ = writeln!(out, "    {id}([\"{label}\"])");
            }
        }
    }
    out
}

fn dot_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn dot(tree: &Tree, counts: &Counts) -> String {
    let mut out = format!(
        "digraph \"{}\" {{\n    label=\"{}\";\n    rankdir=TB;\n    node [fontname=\"sans-serif\"];\n",
        dot_text(&tree.slug),
        dot_text(&tree.title)
    );
    for node in &tree.nodes {
        let shape = match node.kind {
            NodeKind::Question { .. } => "box",
            NodeKind::Outcome { .. } => "ellipse",
        };
        let _ = writeln!(
            out,
            "    \"{}\" [shape={shape}, label=\"{}\"];",
            dot_text(&node.id),
            dot_text(&node_label(tree, &node.id, counts))
        );
    }
    for node in &tree.nodes {
        let NodeKind::Question { answers, .. } = &node.kind else {
            continue;
        };
        for answer in answers {
            let target = match &answer.next {
                Next::Node(next) => next.clone(),
                Next::Exit(_) => {
                    let exit = exit_name(&answer.next);
                    let _ = writeln!(out, "    \"{}\" [shape=note];", dot_text(&exit));
                    exit
                }
            };
            let _ = writeln!(
                out,
                "    \"{}\" -> \"{}\" [label=\"{}\"];",
                dot_text(&node.id),
                dot_text(&target),
                dot_text(&answer.label)
            );
        }
    }
    out.push_str("}\n");
    out
}
