//! The pipeline imports one way only (see the README's development
//! section): no module imports another that imports it back, directly or
//! through others, and the stage rules hold. Read from the source, as a
//! reviewer would grep it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module or folder of `src/` → the source of its files.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).expect("under src");
        let top = rel.components().next().expect("a component");
        let name = top
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if name == "main" || name == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read source");
        // Comments do not import anything.
        let code: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        out.entry(name).or_default().push_str(&code);
    }
    out
}

/// `crate::NAME` paths, and names inside `use crate::{…}` groups.
fn imports(code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or("");
            for part in group.split(',') {
                names.insert(part.trim().split("::").next().unwrap_or("").to_string());
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.insert(name);
        }
    }
    names.retain(|n| known.contains(n));
    names
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, code)| {
            let mut edges = imports(code, &known);
            edges.remove(name);
            (name.clone(), edges)
        })
        .collect()
}

/// Every module reachable from `start` through imports.
fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![start.to_string()];
    while let Some(m) = todo.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = graph();
    assert!(graph.contains_key("load") && graph.contains_key("render"));
    let cycles: Vec<String> = graph
        .keys()
        .filter(|m| reachable(&graph, m).contains(*m))
        .cloned()
        .collect();
    assert!(
        cycles.is_empty(),
        "modules in an import cycle: {cycles:?}\n{graph:#?}"
    );
}

#[test]
fn stages_import_only_earlier_stages() {
    let graph = graph();
    let forbidden = [
        (
            "base",
            &[
                "text",
                "load",
                "check",
                "render",
                "search",
                "output",
                "dev",
                "authoring",
            ][..],
        ),
        (
            "text",
            &[
                "load",
                "check",
                "render",
                "search",
                "output",
                "dev",
                "authoring",
            ],
        ),
        (
            "load",
            &["check", "render", "search", "output", "dev", "authoring"],
        ),
        ("check", &["render", "search", "output", "dev", "authoring"]),
        ("render", &["search", "check", "dev", "authoring"]),
        ("search", &["render", "check", "dev", "authoring"]),
        (
            "output",
            &["load", "check", "render", "search", "dev", "authoring"],
        ),
        ("authoring", &["dev"]),
        // The insights reader consumes the loaded site, like search.
        (
            "insights",
            &["check", "render", "search", "output", "dev", "authoring"],
        ),
    ];
    for (module, never) in forbidden {
        let reached = reachable(&graph, module);
        for other in never {
            assert!(
                !reached.contains(*other),
                "`{module}` reaches `{other}`: {:?}",
                graph[module]
            );
        }
    }
    let modules = modules();
    assert!(!names(&modules["text"], "Site"), "text/ names `Site`");
    assert!(
        !names(&modules["search"], "Renderer"),
        "search/ names `Renderer`"
    );
}

/// Whether `code` uses the identifier `name` (a whole word).
fn names(code: &str, name: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    code.match_indices(name).any(|(i, _)| {
        !ident(code[..i].chars().next_back()) && !ident(code[i + name.len()..].chars().next())
    })
}

#[test]
fn the_checker_finds_a_cycle() {
    assert!(names("fn f(s: &Site)", "Site") && !names("Dest::SitePath", "Site"));
    let known: BTreeSet<String> = ["a", "b"].map(String::from).into();
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), imports("use crate::{b::X, c};", &known));
    graph.insert("b".to_string(), imports("fn f() { crate::a::g() }", &known));
    assert!(reachable(&graph, "a").contains("a"));
}
