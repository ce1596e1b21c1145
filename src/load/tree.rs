//! Decision trees: load the YAML, build the typed model, and check the
//! rules that need only the tree itself (structure, reachability, exits,
//! scenarios). Targets in other files are checked by `validate`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::base::diagnostic::{Diagnostic, Pos, suggest};
use crate::text::link::{self, Target};
use crate::text::markdown::{self, Origin, Rendered, Settings};
use crate::text::source::Located;
use crate::text::source::{YamlIndex, strip_bom};
use crate::text::yaml;

/// A troubleshooter: questions leading to outcomes.
#[derive(Debug)]
pub struct Tree {
    pub slug: String,
    pub file: PathBuf,
    pub title: String,
    pub description: String,
    /// Where `description` is written, for warnings.
    pub description_pos: Pos,
    pub category: Located<String>,
    pub tags: Vec<String>,
    pub updated: Option<String>,
    pub order: i64,
    pub draft: bool,
    pub start: String,
    /// In file order.
    pub nodes: Vec<Node>,
    node_index: HashMap<String, usize>,
    pub scenarios: Vec<Scenario>,
    /// A translation's `source:`: the hash of the source it was made from.
    pub source_stamp: Option<Located<String>>,
    /// The hash of this tree's translatable text (see `load::translation`),
    /// set by loading for a source in a site with other languages; empty
    /// otherwise (nothing compares it).
    pub text_hash: String,
    /// The page shows another language's text: no translation exists.
    pub fallback: bool,
}

#[derive(Debug)]
pub struct Node {
    pub id: String,
    pub pos: Pos,
    pub kind: NodeKind,
}

#[derive(Debug)]
pub enum NodeKind {
    Question {
        question: String,
        details: Option<Rendered>,
        answers: Vec<Answer>,
    },
    Outcome {
        title: String,
        outcome: OutcomeKind,
        body: Rendered,
        related: Vec<Located<String>>,
    },
}

#[derive(Debug)]
pub struct Answer {
    pub label: String,
    pub label_pos: Pos,
    pub next: Next,
    pub next_pos: Pos,
}

/// Where an answer leads: a node of this tree, or out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Node(String),
    Exit(Target),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeKind {
    Fix,
    Workaround,
    Escalate,
    Alternative,
}

pub const OUTCOME_KINDS: [&str; 4] = ["fix", "workaround", "escalate", "alternative"];

impl OutcomeKind {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "fix" => Some(OutcomeKind::Fix),
            "workaround" => Some(OutcomeKind::Workaround),
            "escalate" => Some(OutcomeKind::Escalate),
            "alternative" => Some(OutcomeKind::Alternative),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Fix => "Fix",
            OutcomeKind::Workaround => "Workaround",
            OutcomeKind::Escalate => "Contact support",
            OutcomeKind::Alternative => "Alternative",
        }
    }
}

/// An author-written walk: these answers from the start reach `reaches`.
#[derive(Debug)]
pub struct Scenario {
    pub answers: Vec<String>,
    pub reaches: String,
    pub pos: Pos,
}

impl Tree {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.node_index.get(id).map(|&i| &self.nodes[i])
    }

    pub fn node_ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.id.as_str())
    }

    /// Where each node id points, for graph walks.
    fn edges(&self) -> HashMap<&str, Vec<&str>> {
        self.nodes
            .iter()
            .map(|n| {
                let next = match &n.kind {
                    NodeKind::Question { answers, .. } => answers
                        .iter()
                        .filter_map(|a| match &a.next {
                            Next::Node(id) => Some(id.as_str()),
                            Next::Exit(_) => None,
                        })
                        .collect(),
                    NodeKind::Outcome { .. } => Vec::new(),
                };
                (n.id.as_str(), next)
            })
            .collect()
    }

    /// Counts for `waymark check`: distinct paths and the longest one.
    pub fn stats(&self) -> TreeStats {
        let edges = self.edges();
        let mut memo: HashMap<&str, (u64, usize)> = HashMap::new();
        let mut on_stack = HashSet::new();
        let (paths, longest) = count_paths(self, &self.start, &edges, &mut memo, &mut on_stack);
        TreeStats {
            nodes: self.nodes.len(),
            outcomes: self
                .nodes
                .iter()
                .filter(|n| matches!(n.kind, NodeKind::Outcome { .. }))
                .count(),
            paths,
            longest,
        }
    }
}

/// Summary figures of a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeStats {
    pub nodes: usize,
    pub outcomes: usize,
    pub paths: u64,
    pub longest: usize,
}

// Paths end at an outcome or an exit; edges back into the current walk
// (loops) are not followed, so each path is counted once.
fn count_paths<'a>(
    tree: &'a Tree,
    id: &'a str,
    edges: &HashMap<&'a str, Vec<&'a str>>,
    memo: &mut HashMap<&'a str, (u64, usize)>,
    on_stack: &mut HashSet<&'a str>,
) -> (u64, usize) {
    if let Some(r) = memo.get(id) {
        return *r;
    }
    let Some(node) = tree.node(id) else {
        return (0, 0);
    };
    let result = match &node.kind {
        NodeKind::Outcome { .. } => (1, 0),
        NodeKind::Question { answers, .. } => {
            on_stack.insert(id);
            let mut total = 0u64;
            let mut longest = 0;
            for answer in answers {
                let (p, l) = match &answer.next {
                    Next::Exit(_) => (1, 0),
                    Next::Node(next) if on_stack.contains(next.as_str()) => (0, 0),
                    Next::Node(next) => {
                        let next = edges.get_key_value(next.as_str()).map_or("", |(k, _)| k);
                        count_paths(tree, next, edges, memo, on_stack)
                    }
                };
                total = total.saturating_add(p);
                longest = longest.max(l + 1);
            }
            on_stack.remove(id);
            (total, longest)
        }
    };
    memo.insert(id, result);
    result
}

/// Node ids that would collide with other pages of a tree.
const RESERVED_NODE_IDS: [&str; 1] = ["paths"];

const TREE_KEYS: [&str; 11] = [
    "source",
    "title",
    "description",
    "category",
    "tags",
    "updated",
    "order",
    "draft",
    "start",
    "nodes",
    "tests",
];
const NODE_KEYS: [&str; 7] = [
    "question", "details", "answers", "title", "outcome", "body", "related",
];
const ANSWER_KEYS: [&str; 2] = ["label", "next"];
const SCENARIO_KEYS: [&str; 2] = ["answers", "reaches"];

/// Collects diagnostics while reading a tree's YAML value.
struct Reader<'a> {
    file: &'a Path,
    text: &'a str,
    index: YamlIndex,
    diagnostics: Vec<Diagnostic>,
    settings: &'a Settings,
}

impl<'a> Reader<'a> {
    fn error(&mut self, code: &'static str, pos: Pos, message: String) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, self.file, pos, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn check_keys(&mut self, map: &Mapping, path: &str, allowed: &[&str]) {
        for key in map.keys() {
            let Some(key) = key.as_str() else {
                let pos = self.index.key(path);
                self.error("E-TREE-FIELD", pos, "field names must be text".into());
                continue;
            };
            if !allowed.contains(&key) {
                let pos = self.index.key(&join(path, key));
                let d = Diagnostic::error(
                    "E-TREE-FIELD",
                    self.file,
                    pos,
                    format!("unknown field `{key}`"),
                );
                let d = match suggest(key, allowed.iter().copied()) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help(format!("known fields here: {}", allowed.join(", "))),
                };
                self.diagnostics.push(d);
            }
        }
    }

    /// A text field; wrong types are reported, missing ones are `None`.
    fn string(&mut self, map: &Mapping, path: &str, key: &str) -> Option<String> {
        match map.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => {
                let pos = self.index.value(&join(path, key));
                self.error(
                    "E-TREE-TYPE",
                    pos,
                    format!("`{key}` is the boolean `{b}`, not text"),
                )
                .help = Some(format!("quote it: `{key}: \"{b}\"`"));
                None
            }
            Value::Null => None,
            _ => {
                let pos = self.index.value(&join(path, key));
                self.error("E-TREE-TYPE", pos, format!("`{key}` must be text"));
                None
            }
        }
    }

    fn required(&mut self, map: &Mapping, path: &str, key: &str, what: &str) -> Option<String> {
        let value = self.string(map, path, key);
        if value.is_none() && !map.contains_key(key) {
            let pos = self.index.key(path);
            self.error("E-TREE-MISSING", pos, format!("{what} has no `{key}`"))
                .help = Some(format!("add `{key}:` to it"));
        }
        value
    }

    fn string_list(&mut self, map: &Mapping, path: &str, key: &str) -> Vec<Located<String>> {
        let list_path = join(path, key);
        match map.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let pos = self.index.value(&join(&list_path, &i.to_string()));
                    match item {
                        Value::String(s) => Some(Located {
                            value: s.clone(),
                            pos,
                        }),
                        _ => {
                            self.error(
                                "E-TREE-TYPE",
                                pos,
                                format!("items of `{key}` must be text"),
                            );
                            None
                        }
                    }
                })
                .collect(),
            Some(_) => {
                let pos = self.index.value(&list_path);
                self.error("E-TREE-TYPE", pos, format!("`{key}` must be a list"))
                    .help = Some(format!("write `{key}: [a, b]`"));
                Vec::new()
            }
        }
    }

    fn markdown(&self, source: &str, path: &str) -> Rendered {
        let pos = self.index.value(path);
        let line_text = self
            .text
            .lines()
            .nth(pos.line.saturating_sub(1))
            .unwrap_or("");
        let value = line_text.get(pos.column.saturating_sub(1)..).unwrap_or("");
        // Literal blocks (`body: |`) keep the file's lines, one for one,
        // starting on the next line, indented.
        let origin = if value.starts_with('|') {
            let next = self.text.lines().nth(pos.line).unwrap_or("");
            Origin {
                file: self.file,
                first_line: pos.line + 1,
                indent: next.len() - next.trim_start().len(),
                raw: None,
            }
        } else {
            // Folded, quoted or multi-line strings do not: positions are
            // found in the file's text from the value on.
            let start: usize = self
                .text
                .split_inclusive('\n')
                .take(pos.line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                + line_text
                    .char_indices()
                    .nth(pos.column.saturating_sub(1))
                    .map_or(line_text.len(), |(i, _)| i);
            Origin {
                file: self.file,
                first_line: pos.line.max(1),
                indent: pos.column.saturating_sub(1),
                raw: self.text.get(start..),
            }
        };
        markdown::render(source, origin, self.settings)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Reads one tree file; `None` when it cannot be understood at all.
pub fn load(file: &Path, text: &str, settings: &Settings) -> (Option<Tree>, Vec<Diagnostic>) {
    let text = strip_bom(text);
    let value = match yaml::value_from_str(text, file, 1) {
        Ok(v) => v,
        Err(d) => return (None, vec![*d]),
    };
    let mut r = Reader {
        file,
        text,
        index: YamlIndex::new(text, 1),
        diagnostics: Vec::new(),
        settings,
    };
    let Some(top) = value.as_mapping() else {
        let d = Diagnostic::error(
            "E-TREE-SHAPE",
            file,
            Pos::new(1, 1, 1),
            "a tree file must be a mapping",
        )
        .with_help("start with `title:`, `description:` and `nodes:`");
        return (None, vec![d]);
    };
    r.check_keys(top, "", &TREE_KEYS);
    let slug = crate::load::translation::split(file)
        .map_or(crate::text::link::slug_of(file), |(slug, _)| slug)
        .to_string();
    if !crate::load::config::is_slug(&slug) {
        r.error(
            "E-TREE-SLUG",
            Pos::default(),
            format!("file name `{slug}` is not a valid slug"),
        )
        .help = Some("rename the file to lowercase letters, digits and hyphens".into());
    }
    let title = r.required(top, "", "title", "the tree").unwrap_or_default();
    let description = r
        .required(top, "", "description", "the tree")
        .unwrap_or_default();
    let category = match r.string(top, "", "category") {
        Some(value) => Located {
            value,
            pos: r.index.value("category"),
        },
        None => Located {
            value: String::new(),
            pos: Pos::default(),
        },
    };
    let tags = r
        .string_list(top, "", "tags")
        .into_iter()
        .map(|t| t.value)
        .collect();
    let updated = r.string(top, "", "updated");
    if let Some(date) = updated
        .as_deref()
        .filter(|d| !crate::base::date::is_iso_date(d))
    {
        let pos = r.index.value("updated");
        r.error(
            "E-TREE-DATE",
            pos,
            format!("`updated` is not a date: `{date}`"),
        )
        .help = Some("write it as YYYY-MM-DD".into());
    }
    let order = top.get("order").and_then(Value::as_i64).unwrap_or(i64::MAX);
    let draft = top.get("draft").and_then(Value::as_bool).unwrap_or(false);
    let nodes = read_nodes(&mut r, top);
    let start = r.string(top, "", "start");
    let scenarios = read_scenarios(&mut r, top);
    let source_stamp = r.string(top, "", "source").map(|value| Located {
        value,
        pos: r.index.value("source"),
    });
    let start = start.unwrap_or_else(|| nodes.first().map(|n| n.id.clone()).unwrap_or_default());
    let node_index = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), i))
        .collect();
    let tree = Tree {
        slug,
        file: file.to_path_buf(),
        title,
        description,
        description_pos: r.index.value("description"),
        category,
        tags,
        updated,
        order,
        draft,
        start,
        nodes,
        node_index,
        scenarios,
        source_stamp,
        text_hash: String::new(),
        fallback: false,
    };
    check_structure(&tree, &mut r);
    (Some(tree), r.diagnostics)
}

fn read_nodes(r: &mut Reader, top: &Mapping) -> Vec<Node> {
    let nodes = match top.get("nodes") {
        Some(Value::Mapping(m)) => m,
        Some(Value::Sequence(_)) => {
            let pos = r.index.key("nodes");
            r.error(
                "E-TREE-SHAPE",
                pos,
                "`nodes` must be a mapping of node ids, not a list".into(),
            )
            .help = Some("write each node as `node-id:` followed by its fields, indented".into());
            return Vec::new();
        }
        None | Some(Value::Null) => {
            let pos = r.index.key("nodes");
            r.error("E-TREE-EMPTY", pos, "the tree has no nodes".into())
                .help = Some("add `nodes:` with at least one question and one outcome".into());
            return Vec::new();
        }
        Some(_) => {
            let pos = r.index.key("nodes");
            r.error(
                "E-TREE-SHAPE",
                pos,
                "`nodes` must be a mapping of node ids".into(),
            );
            return Vec::new();
        }
    };
    if nodes.is_empty() {
        let pos = r.index.key("nodes");
        r.error("E-TREE-EMPTY", pos, "the tree has no nodes".into());
    }
    let mut out = Vec::new();
    for (key, value) in nodes {
        let Some(id) = key.as_str().map(str::to_string) else {
            let pos = r.index.key("nodes");
            r.error("E-TREE-NODE-ID", pos, "node ids must be text".into());
            continue;
        };
        let path = format!("nodes.{id}");
        let pos = r.index.key(&path);
        if RESERVED_NODE_IDS.contains(&id.as_str()) {
            r.error("E-TREE-NODE-ID", pos, format!("node id `{id}` is reserved"))
                .help = Some(format!(
                "`/troubleshoot/<tree>/{id}/` is the all-paths page; rename the node"
            ));
        } else if !crate::load::config::is_slug(&id) {
            r.error(
                "E-TREE-NODE-ID",
                pos,
                format!("node id `{id}` is not a slug"),
            )
            .help = Some("use lowercase letters, digits and hyphens, like `credit-line`".into());
        }
        let Some(map) = value.as_mapping() else {
            r.error(
                "E-TREE-SHAPE",
                pos,
                format!("node `{id}` must be a mapping of fields"),
            )
            .help = Some(
                "give it `question:` and `answers:`, or `title:`, `outcome:` and `body:`".into(),
            );
            continue;
        };
        if let Some(kind) = read_node(r, &id, map, &path) {
            out.push(Node { id, pos, kind });
        }
    }
    out
}

fn read_node(r: &mut Reader, id: &str, map: &Mapping, path: &str) -> Option<NodeKind> {
    r.check_keys(map, path, &NODE_KEYS);
    let is_question = map.contains_key("question") || map.contains_key("answers");
    let is_outcome = ["title", "outcome", "body"]
        .iter()
        .any(|k| map.contains_key(*k));
    if is_question && is_outcome {
        let pos = r.index.key(path);
        r.error("E-TREE-NODE-KIND", pos, format!("node `{id}` mixes question and outcome fields"))
            .help = Some("a node is either a question (`question`, `answers`) or an outcome (`title`, `outcome`, `body`)".into());
        return None;
    }
    if !is_question && !is_outcome {
        let pos = r.index.key(path);
        r.error(
            "E-TREE-NODE-KIND",
            pos,
            format!("node `{id}` is neither a question nor an outcome"),
        )
        .help = Some("add `question:` and `answers:`, or `title:`, `outcome:` and `body:`".into());
        return None;
    }
    if is_question {
        let what = format!("question node `{id}`");
        let question = r.required(map, path, "question", &what).unwrap_or_default();
        let details = r
            .string(map, path, "details")
            .map(|d| r.markdown(&d, &join(path, "details")));
        let answers = read_answers(r, id, map, path);
        return Some(NodeKind::Question {
            question,
            details,
            answers,
        });
    }
    let what = format!("outcome node `{id}`");
    let title = r.required(map, path, "title", &what).unwrap_or_default();
    let kind = r.required(map, path, "outcome", &what);
    let body = r.required(map, path, "body", &what).unwrap_or_default();
    let body = r.markdown(&body, &join(path, "body"));
    let related = r.string_list(map, path, "related");
    let outcome = match kind.as_deref().map(|k| (k, OutcomeKind::parse(k))) {
        Some((_, Some(kind))) => kind,
        Some((other, None)) => {
            let pos = r.index.value(&join(path, "outcome"));
            let d = Diagnostic::error(
                "E-TREE-OUTCOME",
                r.file,
                pos,
                format!("unknown outcome kind `{other}`"),
            )
            .with_help(match suggest(other, OUTCOME_KINDS) {
                Some(near) => format!(
                    "did you mean `{near}`? allowed: {}",
                    OUTCOME_KINDS.join(", ")
                ),
                None => format!("use one of: {}", OUTCOME_KINDS.join(", ")),
            });
            r.diagnostics.push(d);
            OutcomeKind::Fix
        }
        None => OutcomeKind::Fix,
    };
    Some(NodeKind::Outcome {
        title,
        outcome,
        body,
        related,
    })
}

fn read_answers(r: &mut Reader, id: &str, map: &Mapping, path: &str) -> Vec<Answer> {
    let answers_path = join(path, "answers");
    let items = match map.get("answers") {
        Some(Value::Sequence(items)) if !items.is_empty() => items,
        Some(Value::Sequence(_)) | None | Some(Value::Null) => {
            let pos = r.index.key(if map.contains_key("answers") {
                &answers_path
            } else {
                path
            });
            r.error(
                "E-TREE-MISSING",
                pos,
                format!("question node `{id}` has no answers"),
            )
            .help = Some("add `answers:` with at least one `- label: … next: …`".into());
            return Vec::new();
        }
        Some(_) => {
            let pos = r.index.key(&answers_path);
            r.error("E-TREE-TYPE", pos, "`answers` must be a list".into())
                .help = Some("write each answer as `- label: …` with `next: …` under it".into());
            return Vec::new();
        }
    };
    let mut out: Vec<Answer> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = join(&answers_path, &i.to_string());
        let Some(answer) = item.as_mapping() else {
            let pos = r.index.value(&item_path);
            r.error(
                "E-TREE-SHAPE",
                pos,
                "an answer must have `label` and `next`".into(),
            );
            continue;
        };
        r.check_keys(answer, &item_path, &ANSWER_KEYS);
        let what = format!("answer {} of node `{id}`", i + 1);
        let (Some(label), Some(next)) = (
            r.required(answer, &item_path, "label", &what),
            r.required(answer, &item_path, "next", &what),
        ) else {
            continue;
        };
        let label_pos = r.index.value(&join(&item_path, "label"));
        if let Some(first) = out.iter().find(|a| a.label == label) {
            let d = Diagnostic::error(
                "E-TREE-DUPLICATE-LABEL",
                r.file,
                label_pos,
                format!("answer label `{label}` is used twice in node `{id}`"),
            )
            .with_related(r.file, first.label_pos, "first used here")
            .with_help("make each label say something different");
            r.diagnostics.push(d);
        }
        let next_pos = r.index.value(&join(&item_path, "next"));
        let next = match link::parse_prefixed(&next) {
            Some(target) => Next::Exit(target),
            None => Next::Node(next),
        };
        out.push(Answer {
            label,
            label_pos,
            next,
            next_pos,
        });
    }
    out
}

fn read_scenarios(r: &mut Reader, top: &Mapping) -> Vec<Scenario> {
    let Some(value) = top.get("tests").filter(|v| !v.is_null()) else {
        return Vec::new();
    };
    let Some(items) = value.as_sequence() else {
        let pos = r.index.key("tests");
        r.error(
            "E-TREE-TYPE",
            pos,
            "`tests` must be a list of scenarios".into(),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("tests.{i}");
        let pos = r.index.value(&path);
        let Some(map) = item.as_mapping() else {
            r.error(
                "E-TREE-SHAPE",
                pos,
                "a scenario needs `answers` and `reaches`".into(),
            );
            continue;
        };
        r.check_keys(map, &path, &SCENARIO_KEYS);
        let answers = r
            .string_list(map, &path, "answers")
            .into_iter()
            .map(|a| a.value)
            .collect();
        let Some(reaches) = r.required(map, &path, "reaches", "the scenario") else {
            continue;
        };
        out.push(Scenario {
            answers,
            reaches,
            pos,
        });
    }
    out
}

/// Rules within one tree: start, targets, reachability, exits, scenarios.
fn check_structure(tree: &Tree, r: &mut Reader) {
    if tree.nodes.is_empty() {
        return;
    }
    let ids: HashSet<&str> = tree.node_ids().collect();
    if !ids.contains(tree.start.as_str()) {
        let pos = r.index.value("start");
        let d = Diagnostic::error(
            "E-TREE-START",
            r.file,
            pos,
            format!("start node `{}` does not exist", tree.start),
        )
        .with_suggestion(&tree.start, tree.node_ids());
        r.diagnostics.push(d);
        return;
    }
    for node in &tree.nodes {
        let NodeKind::Question { answers, .. } = &node.kind else {
            continue;
        };
        for answer in answers {
            if let Next::Node(target) = &answer.next
                && !ids.contains(target.as_str())
            {
                let d = Diagnostic::error("E-TREE-TARGET", r.file, answer.next_pos, format!("unknown node `{target}`"))
                    .with_suggestion(target, tree.node_ids())
                    .with_help_if_none("`next` takes a node id of this tree, `article:<slug>`, `tree:<slug>` or `tree:<slug>#<node>`".to_string());
                r.diagnostics.push(d);
            }
        }
    }
    // A question without answers is already an error; the graph checks
    // would only repeat it as unreachable nodes and dead ends.
    let has_empty_question = tree
        .nodes
        .iter()
        .any(|n| matches!(&n.kind, NodeKind::Question { answers, .. } if answers.is_empty()));
    if has_empty_question {
        return run_scenarios(tree, r);
    }
    let edges = tree.edges();
    let reachable = walk(&tree.start, &edges);
    for node in tree
        .nodes
        .iter()
        .filter(|n| !reachable.contains(n.id.as_str()))
    {
        r.error(
            "E-TREE-UNREACHABLE",
            node.pos,
            format!("node `{}` cannot be reached from the start", node.id),
        )
        .help = Some(format!(
            "link to it from an answer's `next`, or remove it (the start is `{}`)",
            tree.start
        ));
    }
    let can_finish = nodes_that_can_finish(tree);
    for node in tree.nodes.iter() {
        if reachable.contains(node.id.as_str()) && !can_finish.contains(node.id.as_str()) {
            r.error("E-TREE-DEAD-END", node.pos, format!("no outcome can be reached from node `{}`", node.id))
                .help = Some("its answers only lead back into a loop; add an answer that leads to an outcome, an article or another tree".into());
        }
    }
    run_scenarios(tree, r);
}

fn run_scenarios(tree: &Tree, r: &mut Reader) {
    for scenario in &tree.scenarios {
        if let Err(message) = run_scenario(tree, scenario) {
            r.error("E-TREE-SCENARIO", scenario.pos, message);
        }
    }
}

fn walk<'a>(start: &'a str, edges: &HashMap<&'a str, Vec<&'a str>>) -> HashSet<&'a str> {
    let mut seen = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(id) = queue.pop_front() {
        for next in edges.get(id).into_iter().flatten() {
            if seen.insert(next) {
                queue.push_back(next);
            }
        }
    }
    seen
}

/// Nodes from which an outcome or an exit can be reached (backwards search).
fn nodes_that_can_finish(tree: &Tree) -> HashSet<&str> {
    let mut reverse: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut queue = VecDeque::new();
    for node in &tree.nodes {
        match &node.kind {
            NodeKind::Outcome { .. } => queue.push_back(node.id.as_str()),
            NodeKind::Question { answers, .. } => {
                for answer in answers {
                    match &answer.next {
                        Next::Exit(_) => queue.push_back(node.id.as_str()),
                        Next::Node(next) => {
                            reverse.entry(next.as_str()).or_default().push(&node.id)
                        }
                    }
                }
            }
        }
    }
    let mut done: HashSet<&str> = queue.iter().copied().collect();
    while let Some(id) = queue.pop_front() {
        for prev in reverse.get(id).into_iter().flatten() {
            if done.insert(prev) {
                queue.push_back(prev);
            }
        }
    }
    done
}

/// Follows a scenario's answers; `Err` explains where it went instead.
pub fn run_scenario(tree: &Tree, scenario: &Scenario) -> Result<(), String> {
    let mut here = tree.start.clone();
    let mut trail = vec![format!("`{here}`")];
    for (step, label) in scenario.answers.iter().enumerate() {
        let answers = match tree.node(&here).map(|n| &n.kind) {
            Some(NodeKind::Question { answers, .. }) => answers,
            _ => {
                return Err(format!(
                    "scenario stops early: {} is not a question, but {} more answer(s) follow (`{label}`)",
                    trail.join(" → "),
                    scenario.answers.len() - step
                ));
            }
        };
        let Some(answer) = answers.iter().find(|a| &a.label == label) else {
            let labels: Vec<&str> = answers.iter().map(|a| a.label.as_str()).collect();
            let hint = suggest(label, labels.iter().copied())
                .map(|l| format!("; did you mean `{l}`?"))
                .unwrap_or_else(|| format!("; its answers are: {}", labels.join(", ")));
            return Err(format!(
                "scenario answer `{label}` is not an answer of `{here}` (path: {}){hint}",
                trail.join(" → ")
            ));
        };
        match &answer.next {
            Next::Node(next) => here = next.clone(),
            Next::Exit(_) => {
                let exit = exit_name(&answer.next);
                trail.push(format!("[{label}] → `{exit}`"));
                if step + 1 < scenario.answers.len() {
                    return Err(format!(
                        "scenario leaves the tree early: {}",
                        trail.join(" → ")
                    ));
                }
                return check_reached(&exit, scenario, &trail);
            }
        }
        trail.push(format!("[{label}] → `{here}`"));
    }
    check_reached(&here, scenario, &trail)
}

fn check_reached(reached: &str, scenario: &Scenario, trail: &[String]) -> Result<(), String> {
    if reached == scenario.reaches {
        Ok(())
    } else {
        Err(format!(
            "scenario should reach `{}` but reaches `{reached}`: {}",
            scenario.reaches,
            trail.join(" → ")
        ))
    }
}

/// The text form of an exit, as authors write it in `next:`.
pub fn exit_name(next: &Next) -> String {
    match next {
        Next::Node(id) => id.clone(),
        Next::Exit(Target::Article { slug, anchor }) => {
            link::with_anchor(format!("article:{slug}"), anchor.as_deref())
        }
        Next::Exit(Target::Tree { slug, node }) => {
            link::with_anchor(format!("tree:{slug}"), node.as_deref())
        }
        Next::Exit(Target::ArticleFile { path, .. }) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            base_path: "/".into(),
            page_base: "/".into(),
            raw_html: false,
        }
    }

    fn load_text(text: &str) -> (Option<Tree>, Vec<Diagnostic>) {
        load(Path::new("content/trees/t.yaml"), text, &settings())
    }

    const GOOD: &str = "\
title: Connection fails
description: Find out why.
category: basics
tags: [coex]
updated: 2026-11-20
nodes:
  first:
    question: Which error?
    details: Look at the **pop-up**.
    answers:
      - label: \"Linked elsewhere\"
        next: unlink
      - label: Payment
        next: &pay pay
      - label: Read more
        next: article:limits#why
  unlink:
    title: Unlink it
    outcome: fix
    body: Remove the number.
    related: [limits]
  pay:
    question: Can you remove it?
    answers:
      - label: Yes
        next: unlink
      - label: No
        next: tree:other#start
tests:
  - answers: [Payment, Yes]
    reaches: unlink
";

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn loads_nodes_answers_exits_and_positions() {
        let (tree, diagnostics) = load_text(GOOD);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let tree = tree.expect("loads");
        assert_eq!(tree.slug, "t");
        assert_eq!(tree.start, "first", "start defaults to the first node");
        assert_eq!(
            tree.node_ids().collect::<Vec<_>>(),
            ["first", "unlink", "pay"]
        );
        assert_eq!(tree.category.value, "basics");
        assert_eq!(tree.category.pos.line, 3);
        let Some(NodeKind::Question {
            answers, details, ..
        }) = tree.node("first").map(|n| &n.kind)
        else {
            panic!("first is a question");
        };
        assert!(
            details
                .as_ref()
                .is_some_and(|d| d.html.contains("<strong>pop-up</strong>"))
        );
        assert_eq!(answers[0].label, "Linked elsewhere");
        assert_eq!(answers[0].next, Next::Node("unlink".into()));
        assert_eq!(
            (answers[0].label_pos.line, answers[0].next_pos.line),
            (11, 12)
        );
        assert_eq!(answers[1].next, Next::Node("pay".into()), "anchors work");
        assert_eq!(exit_name(&answers[2].next), "article:limits#why");
        let Some(NodeKind::Outcome {
            outcome, related, ..
        }) = tree.node("unlink").map(|n| &n.kind)
        else {
            panic!("unlink is an outcome");
        };
        assert_eq!(*outcome, OutcomeKind::Fix);
        assert_eq!(related[0].value, "limits");
        assert_eq!(tree.node("first").map(|n| n.pos.line), Some(7));
    }

    #[test]
    fn stats_count_every_path_to_an_outcome_or_exit() {
        let (tree, _) = load_text(GOOD);
        let stats = tree.expect("loads").stats();
        // first→unlink, first→pay→unlink, first→pay→other tree, first→article.
        assert_eq!(
            stats,
            TreeStats {
                nodes: 3,
                outcomes: 1,
                paths: 4,
                longest: 2
            }
        );
    }

    #[test]
    fn scenarios_walk_answers_by_label() {
        let (tree, _) = load_text(GOOD);
        let tree = tree.expect("loads");
        let walk = |answers: &[&str], reaches: &str| {
            run_scenario(
                &tree,
                &Scenario {
                    answers: answers.iter().map(|a| a.to_string()).collect(),
                    reaches: reaches.into(),
                    pos: Pos::default(),
                },
            )
        };
        assert_eq!(walk(&["Payment", "Yes"], "unlink"), Ok(()));
        assert_eq!(walk(&["Payment", "No"], "tree:other#start"), Ok(()));
        let wrong = walk(&["Payment", "Yess"], "unlink").expect_err("no such answer");
        assert!(wrong.contains("did you mean `Yes`?"), "{wrong}");
        let early = walk(&["Read more", "Yes"], "unlink").expect_err("left the tree");
        assert!(early.contains("leaves the tree early"), "{early}");
        let short = walk(&["Payment"], "unlink").expect_err("stops at a question");
        assert!(
            short.contains("should reach `unlink` but reaches `pay`"),
            "{short}"
        );
    }

    #[test]
    fn structure_errors_are_all_reported_with_positions() {
        let text = "\
title: T
description: D
nodes:
  q:
    question: Q?
    anwsers: []
  a:
    question: A?
    answers:
      - label: Same
        next: b
      - label: Same
        next: nowhere
  b:
    title: B
    outcome: fixed
    body: x
";
        let (_, diagnostics) = load_text(text);
        let found = codes(&diagnostics);
        for code in [
            "E-TREE-FIELD",
            "E-TREE-DUPLICATE-LABEL",
            "E-TREE-OUTCOME",
            "E-TREE-TARGET",
        ] {
            assert!(found.contains(&code), "{code} missing from {found:?}");
        }
        let typo = diagnostics
            .iter()
            .find(|d| d.code == "E-TREE-FIELD")
            .expect("unknown field");
        assert_eq!((typo.pos.line, typo.pos.column), (6, 5));
        assert!(typo.help.as_deref().is_some_and(|h| h.contains("answers")));
    }

    #[test]
    fn unreachable_nodes_and_loops_without_an_exit_are_errors() {
        let text = "\
title: T
description: D
nodes:
  start:
    question: Go?
    answers:
      - label: Loop
        next: spin
      - label: Done
        next: end
  spin:
    question: Again?
    answers:
      - label: Again
        next: spin
  end:
    title: End
    outcome: fix
    body: ok
  orphan:
    title: Orphan
    outcome: fix
    body: never reached
";
        let (_, diagnostics) = load_text(text);
        let found = codes(&diagnostics);
        assert!(found.contains(&"E-TREE-UNREACHABLE"), "{found:?}");
        assert!(found.contains(&"E-TREE-DEAD-END"), "{found:?}");
        let dead = diagnostics
            .iter()
            .find(|d| d.code == "E-TREE-DEAD-END")
            .expect("dead end");
        assert!(dead.message.contains("`spin`"), "{}", dead.message);
    }

    #[test]
    fn a_failing_scenario_points_at_itself() {
        let text = GOOD.replace("reaches: unlink", "reaches: pay");
        let (_, diagnostics) = load_text(&text);
        let scenario = diagnostics
            .iter()
            .find(|d| d.code == "E-TREE-SCENARIO")
            .expect("scenario error");
        assert!(scenario.pos.line >= 30, "{:?}", scenario.pos);
        assert!(scenario.message.contains("should reach `pay`"));
    }

    #[test]
    fn shapes_that_are_not_trees_are_refused() {
        for (text, code) in [
            ("- a\n- b\n", "E-TREE-SHAPE"),
            ("title: T\ndescription: D\nnodes: []\n", "E-TREE-SHAPE"),
            ("title: T\ndescription: D\nnodes: {}\n", "E-TREE-EMPTY"),
            (
                "title: T\ndescription: D\nnodes:\n  q:\n    title: X\n    outcome: fix\n",
                "E-TREE-MISSING",
            ),
            (
                "title: T\ndescription: D\nupdated: soon\nnodes:\n  q:\n    title: X\n    outcome: fix\n    body: b\n",
                "E-TREE-DATE",
            ),
        ] {
            let (_, diagnostics) = load_text(text);
            assert!(
                codes(&diagnostics).contains(&code),
                "{text}: {:?}",
                codes(&diagnostics)
            );
        }
    }
}
