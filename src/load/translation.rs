//! Translations beside their sources (`slug.<code>.md`, `slug.<code>.yaml`):
//! recognising them, the freshness hash a translation is stamped with, and
//! the check that a translated tree mirrors its source.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::base::diagnostic::{Diagnostic, Pos};
use crate::base::hash::Fingerprint;
use crate::load::tree::{Next, NodeKind, Scenario, Tree, exit_name};

/// How a translation stands against its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Stamped with the source's current hash.
    Current,
    /// Stamped with an older hash: the source changed since.
    Outdated,
    /// No translation file.
    Missing,
    /// A translation without `source:`: nobody knows.
    Untracked,
}

/// One source page in one language.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationState {
    pub language: String,
    /// `article` or `tree`.
    pub kind: &'static str,
    pub slug: String,
    pub source: PathBuf,
    /// The translation file, when there is one.
    pub file: Option<PathBuf>,
    pub status: Status,
    /// Where `source:` is written in the translation.
    #[serde(skip)]
    pub stamp_pos: Pos,
}

impl TranslationState {
    /// A missing translation, until a file says otherwise.
    pub fn new(language: &str, kind: &'static str, slug: String, source: &Path) -> Self {
        TranslationState {
            language: language.to_string(),
            kind,
            slug,
            source: source.to_path_buf(),
            file: None,
            status: Status::Missing,
            stamp_pos: Pos::default(),
        }
    }
}

/// `known-limitations.es.md` → `("known-limitations", "es")`; `None` for a
/// source file. The code is lowercased, as in URLs.
pub fn split(file: &Path) -> Option<(&str, String)> {
    let stem = file.file_stem()?.to_str()?;
    let (slug, code) = stem.split_once('.')?;
    Some((slug, code.to_ascii_lowercase()))
}

/// The hash of an article's translatable text: title, description and
/// body, with runs of whitespace made one space, so rewrapping a
/// paragraph does not make every translation outdated.
pub fn article_hash(title: &str, description: &str, body: &str) -> String {
    let mut h = Fingerprint::default();
    for part in [title, description, body] {
        let normal: Vec<&str> = part.split_whitespace().collect();
        h.write(normal.join(" ").as_bytes());
    }
    h.finish_hex()
}

/// Top-level fields of a tree that are not text to translate.
pub(crate) const TREE_SETTINGS: [&str; 7] = [
    "category", "tags", "updated", "order", "draft", "source", "tests",
];

/// The hash of a tree's translatable text: the file without its settings
/// (category, tags, dates, order, scenarios) and with whitespace runs made
/// one space.
pub fn tree_hash(text: &str) -> String {
    // The kept lines' words, one space apart, made in one pass.
    let mut normal = String::with_capacity(text.len());
    let mut skipping = false;
    for line in text.lines() {
        let top_level = !line.starts_with([' ', '\t']) && !line.trim().is_empty();
        if top_level {
            let key = line.split(':').next().unwrap_or_default().trim();
            skipping = TREE_SETTINGS.contains(&key);
        }
        if !skipping {
            for word in line.split_whitespace() {
                if !normal.is_empty() {
                    normal.push(' ');
                }
                normal.push_str(word);
            }
        }
    }
    let mut h = Fingerprint::default();
    h.write(normal.as_bytes());
    h.finish_hex()
}

/// A translated tree must have its source's shape: the same start, the
/// same node ids in the same order, the same kind of node, the same number
/// of answers leading to the same places, the same outcome kinds. Each
/// difference is an error on the translation with the source as related.
pub fn check_tree(source: &Tree, translation: &Tree) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let file = &translation.file;
    let mut differ = |pos: Pos, source_pos: Pos, message: String, help: &str| {
        out.push(
            Diagnostic::error("E-TRANSLATION-STRUCTURE", file, pos, message)
                .with_related(&source.file, source_pos, "the source has it this way")
                .with_help(help.to_string()),
        );
    };
    let same_help =
        "a translation changes only texts; keep node ids, answers and `next` as in the source";
    if source.start != translation.start {
        differ(
            Pos::default(),
            Pos::default(),
            format!(
                "starts at `{}`, the source at `{}`",
                translation.start, source.start
            ),
            same_help,
        );
    }
    let source_ids: Vec<&str> = source.nodes.iter().map(|n| n.id.as_str()).collect();
    let own_ids: Vec<&str> = translation.nodes.iter().map(|n| n.id.as_str()).collect();
    for node in &source.nodes {
        if translation.node(&node.id).is_none() {
            differ(
                Pos::default(),
                node.pos,
                format!("node `{}` of the source is missing", node.id),
                "translate every node of the source, under the same id",
            );
        }
    }
    for node in &translation.nodes {
        if source.node(&node.id).is_none() {
            differ(
                node.pos,
                Pos::default(),
                format!("node `{}` is not in the source", node.id),
                "use the source's node ids; add nodes to the source first",
            );
        }
    }
    let common: Vec<&&str> = own_ids
        .iter()
        .filter(|id| source_ids.contains(id))
        .collect();
    let source_order: Vec<&&str> = source_ids
        .iter()
        .filter(|id| own_ids.contains(id))
        .collect();
    if common != source_order {
        differ(
            Pos::default(),
            Pos::default(),
            "the nodes are in another order than in the source".into(),
            "list the nodes in the source's order, so both files read side by side",
        );
    }
    for node in &translation.nodes {
        let Some(original) = source.node(&node.id) else {
            continue;
        };
        match (&original.kind, &node.kind) {
            (NodeKind::Question { answers: a, .. }, NodeKind::Question { answers: b, .. }) => {
                if a.len() != b.len() {
                    differ(
                        node.pos,
                        original.pos,
                        format!(
                            "node `{}` has {} answers, the source {}",
                            node.id,
                            b.len(),
                            a.len()
                        ),
                        same_help,
                    );
                    continue;
                }
                for (x, y) in a.iter().zip(b) {
                    if !same_next(&x.next, &y.next) {
                        differ(
                            y.next_pos,
                            x.next_pos,
                            format!(
                                "answer “{}” leads to `{}`, the source's to `{}`",
                                y.label,
                                exit_name(&y.next),
                                exit_name(&x.next)
                            ),
                            same_help,
                        );
                    }
                }
            }
            (NodeKind::Outcome { outcome: a, .. }, NodeKind::Outcome { outcome: b, .. }) => {
                if a != b {
                    differ(
                        node.pos,
                        original.pos,
                        format!(
                            "node `{}` is a `{}` outcome, the source's a `{}`",
                            node.id,
                            kind_name(*b),
                            kind_name(*a)
                        ),
                        same_help,
                    );
                }
            }
            _ => differ(
                node.pos,
                original.pos,
                format!(
                    "node `{}` is a question in one file and an outcome in the other",
                    node.id
                ),
                same_help,
            ),
        }
    }
    out
}

fn same_next(a: &Next, b: &Next) -> bool {
    exit_name(a) == exit_name(b)
}

fn kind_name(kind: crate::load::tree::OutcomeKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The source's scenarios in the translation's words: each answer label
/// replaced by the translation's label at the same place, so `check` walks
/// the translated tree too. Scenarios that do not walk in the source are
/// left to the source's own error.
pub fn scenarios_for(source: &Tree, translation: &Tree) -> Vec<Scenario> {
    source
        .scenarios
        .iter()
        .filter_map(|s| {
            let mut at = source.start.as_str();
            let mut answers = Vec::new();
            for label in &s.answers {
                let (NodeKind::Question { answers: a, .. }, Some(own)) = (
                    &source.node(at)?.kind,
                    translation.node(at).map(|n| &n.kind),
                ) else {
                    return None;
                };
                let i = a.iter().position(|x| &x.label == label)?;
                let NodeKind::Question { answers: b, .. } = own else {
                    return None;
                };
                answers.push(b.get(i)?.label.clone());
                match &a[i].next {
                    Next::Node(id) => at = id,
                    Next::Exit(_) => break,
                }
            }
            Some(Scenario {
                answers,
                reaches: s.reaches.clone(),
                pos: s.pos,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::markdown::Settings;

    fn tree(file: &str, text: &str) -> Tree {
        let settings = Settings {
            base_path: "/".into(),
            page_base: "/".into(),
            raw_html: true,
        };
        let (tree, d) = crate::load::tree::load(Path::new(file), text, &settings);
        assert!(d.is_empty(), "{d:?}");
        tree.expect("loads")
    }

    const SOURCE: &str = "title: T\ndescription: D\nnodes:\n  q:\n    question: Q?\n    answers:\n      - label: \"Yes\"\n        next: done\n      - label: \"No\"\n        next: article:x\n  done:\n    title: Done\n    outcome: fix\n    body: ok\ntests:\n  - answers: [\"Yes\"]\n    reaches: done\n";

    #[test]
    fn names_split_into_slug_and_language() {
        assert_eq!(
            split(Path::new("content/articles/a/x-y.pt-BR.md")),
            Some(("x-y", "pt-br".to_string()))
        );
        assert_eq!(split(Path::new("content/articles/a/x-y.md")), None);
    }

    #[test]
    fn hashes_ignore_wrapping_and_settings_but_not_words() {
        assert_eq!(
            article_hash("T", "D", "one two\nthree"),
            article_hash("T", "D", "one   two three\n")
        );
        assert_ne!(article_hash("T", "D", "one"), article_hash("T", "D", "two"));
        let with_tags = SOURCE.replace(
            "description: D\n",
            "description: D\ntags: [a, b]\nupdated: 2026-01-01\n",
        );
        assert_eq!(tree_hash(SOURCE), tree_hash(&with_tags));
        assert_ne!(tree_hash(SOURCE), tree_hash(&SOURCE.replace("Q?", "Q2?")));
    }

    #[test]
    fn a_translated_tree_must_mirror_its_source() {
        let source = tree("content/trees/t.yaml", SOURCE);
        let good = tree(
            "content/trees/t.es.yaml",
            &SOURCE
                .replace("\"Yes\"", "\"Sí\"")
                .replace("tests:\n  - answers: [\"Yes\"]\n    reaches: done\n", ""),
        );
        assert!(check_tree(&source, &good).is_empty());
        let walked = scenarios_for(&source, &good);
        assert_eq!(walked[0].answers, ["Sí"]);

        let bad = tree(
            "content/trees/t.es.yaml",
            &SOURCE
                .replace("next: article:x", "next: article:y")
                .replace("outcome: fix", "outcome: workaround"),
        );
        let d = check_tree(&source, &bad);
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(d.len(), 2, "{messages:?}");
        assert!(messages[0].contains("leads to `article:y`, the source's to `article:x`"));
        assert!(messages[1].contains("`workaround` outcome, the source's a `fix`"));
        assert_eq!(d[0].pos.line, 10, "points at the translation's `next`");
        assert_eq!(d[0].related[0].pos.line, 10, "and at the source's");
    }
}
