//! Property tests over the whole pipeline, in memory: generated articles,
//! trees and front matter (well-formed, broken and hostile) must never
//! panic, must render byte-identically twice, and every link of a built
//! site must lead to a page (and heading) of that site.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use proptest::prelude::*;
use waymark::BuildOptions;
use waymark::output::OutputFile;

const CONFIG: &str = "title: Prop Help\ndescription: Generated\nbase_url: https://example.com/help/\ncategories:\n  - id: basics\n    title: Basics\n    description: The basics\n  - id: fixes\n    title: Fixes\n    description: When it fails\n";

/// Author text that must come out inert: markup, script, bidi controls.
const HOSTILE: [&str; 5] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</script><!--",
    "\u{202E}evil\u{2066} text",
    "Çà et là — “quotes” & ampersands",
];

fn hostile() -> impl Strategy<Value = String> {
    prop::sample::select(&HOSTILE[..]).prop_map(str::to_string)
}

/// Text an author (or a paste from elsewhere) might put anywhere.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => "[a-zA-Z0-9 ]{0,24}",
        5 => hostile(),
        1 => Just("javascript:alert(1)".to_string()),
        1 => Just(String::new()),
        1 => any::<String>().prop_map(|s| s.chars().take(30).collect()),
    ]
}

/// A YAML scalar: plain, quoted, or something that is not a string.
fn yaml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        text().prop_map(|t| serde_json::to_string(&t).unwrap_or_default()),
        "[a-z]{1,10}",
        Just("[a, b]".to_string()),
        Just("{a: 1}".to_string()),
        Just("2026-01-31".to_string()),
        Just("12".to_string()),
        Just("~".to_string()),
        Just("&a [*a, *a]".to_string()),
    ]
}

fn link_target() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("article:good".to_string()),
        Just("article:good#heading-one".to_string()),
        Just("article:good#missing".to_string()),
        Just("article:nope".to_string()),
        Just("tree:flow".to_string()),
        Just("tree:flow#done".to_string()),
        Just("tree:flow#nowhere".to_string()),
        Just("good.md".to_string()),
        Just("../fixes/other.md".to_string()),
        Just("#local".to_string()),
        Just("https://example.org/x".to_string()),
        Just("javascript:alert(1)".to_string()),
        text(),
    ]
}

fn markdown_block() -> impl Strategy<Value = String> {
    prop_oneof![
        text().prop_map(|t| format!("{t}\n")),
        (1..7usize, text()).prop_map(|(n, t)| format!("{} {t}\n", "#".repeat(n))),
        (text(), link_target()).prop_map(|(t, l)| format!("See [{t}]({l}).\n")),
        (text(), link_target()).prop_map(|(t, l)| format!("![{t}]({l})\n")),
        text().prop_map(|t| format!("> [!WARNING]\n> {t}\n")),
        text().prop_map(|t| format!("- [ ] {t}\n- [x] done\n  - nested\n")),
        text().prop_map(|t| format!("| a | b |\n|---|---|\n| {t} | x |\n")),
        text().prop_map(|t| format!("```\n{t}\n```\n")),
        text().prop_map(|t| format!("<div onclick=\"x\">{t}</div>\n")),
        text().prop_map(|t| format!("Note[^1].\n\n[^1]: {t}\n")),
        (1..40usize).prop_map(|n| format!("{}deep\n", "> ".repeat(n))),
        Just("---\n".to_string()),
    ]
}

fn article() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        yaml_value().prop_map(|v| format!("title: {v}")),
        yaml_value().prop_map(|v| format!("description: {v}")),
        prop_oneof![Just("basics"), Just("fixes"), Just("unknown")]
            .prop_map(|c| format!("category: {c}")),
        yaml_value().prop_map(|v| format!("tags: {v}")),
        link_target().prop_map(|l| format!("related: [{l:?}]")),
        yaml_value().prop_map(|v| format!("aliases: [{v}]")),
        yaml_value().prop_map(|v| format!("updated: {v}")),
        yaml_value().prop_map(|v| format!("order: {v}")),
        Just("draft: true".to_string()),
        yaml_value().prop_map(|v| format!("unknwon: {v}")),
    ];
    (
        any::<bool>(),
        prop::collection::vec(field, 0..8),
        prop::collection::vec(markdown_block(), 0..10),
        any::<bool>(),
    )
        .prop_map(|(valid_head, fields, blocks, crlf)| {
            let mut head = Vec::new();
            if valid_head {
                head.push("title: Generated".to_string());
                head.push("description: A generated article".to_string());
                head.push("category: basics".to_string());
            }
            head.extend(fields);
            let text = format!("---\n{}\n---\n{}", head.join("\n"), blocks.concat());
            if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            }
        })
}

fn tree() -> impl Strategy<Value = String> {
    let id = prop_oneof![Just("start"), Just("mid"), Just("done"), Just("gone")];
    let next = prop_oneof![
        id.clone().prop_map(str::to_string),
        Just("article:good".to_string()),
        Just("article:nope".to_string()),
        Just("tree:flow#done".to_string()),
        Just("tree:other".to_string()),
    ];
    let answer = (text(), next).prop_map(|(label, next)| {
        format!(
            "      - label: {}\n        next: {next}\n",
            serde_json::to_string(&label).unwrap_or_default()
        )
    });
    let node = prop_oneof![
        (id.clone(), text(), prop::collection::vec(answer, 0..4)).prop_map(|(id, q, answers)| {
            format!(
                "  {id}:\n    question: {}\n    answers:\n{}",
                serde_json::to_string(&q).unwrap_or_default(),
                answers.concat()
            )
        }),
        (id, text(), markdown_block()).prop_map(|(id, t, body)| {
            format!(
                "  {id}:\n    title: {}\n    outcome: fix\n    body: {}\n    related: [good]\n",
                serde_json::to_string(&t).unwrap_or_default(),
                serde_json::to_string(&body).unwrap_or_default()
            )
        }),
    ];
    (prop::collection::vec(node, 0..6), text()).prop_map(|(nodes, title)| {
        format!(
            "title: {}\ndescription: A generated tree\ncategory: fixes\nnodes:\n{}",
            serde_json::to_string(&title).unwrap_or_default(),
            nodes.concat()
        )
    })
}

const GOOD: &str = "---\ntitle: Good\ndescription: The article links point to\ncategory: basics\n---\n## Heading one\n\nText.\n";
const GOOD_TREE: &str = "title: Flow\ndescription: A tree links point to\ncategory: fixes\nnodes:\n  start:\n    question: Works?\n    answers:\n      - label: \"Yes\"\n        next: done\n      - label: \"No\"\n        next: article:good\n  done:\n    title: Done\n    outcome: fix\n    body: Good.\n";

fn site(article: &str, tree: &str, raw: Option<&[u8]>) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files: BTreeMap<PathBuf, Vec<u8>> = [
        ("site.yaml", CONFIG.as_bytes()),
        ("content/articles/basics/good.md", GOOD.as_bytes()),
        ("content/articles/fixes/generated.md", article.as_bytes()),
        ("content/trees/flow.yaml", GOOD_TREE.as_bytes()),
        ("content/trees/generated.yaml", tree.as_bytes()),
    ]
    .into_iter()
    .map(|(path, bytes)| (PathBuf::from(path), bytes.to_vec()))
    .collect();
    if let Some(raw) = raw {
        files.insert(PathBuf::from("content/articles/fixes/raw.md"), raw.to_vec());
    }
    files
}

/// Every `href`/`src` on a page of the site that points into the site
/// must name an output file, and its `#fragment` an id on that page.
fn broken_links(files: &[OutputFile]) -> Vec<String> {
    let by_path: BTreeMap<&str, &[u8]> = files
        .iter()
        .map(|f| (f.path.as_str(), f.bytes.as_slice()))
        .collect();
    let ids = |page: &[u8]| -> BTreeSet<String> {
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(page));
        let any = scraper::Selector::parse("[id]").expect("valid selector");
        html.select(&any)
            .filter_map(|e| e.value().id().map(str::to_string))
            .collect()
    };
    let mut broken = Vec::new();
    let links = scraper::Selector::parse("[href], [src]").expect("valid selector");
    for file in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(&file.bytes));
        for element in html.select(&links) {
            let value = element.value();
            let Some(url) = value.attr("href").or(value.attr("src")) else {
                continue;
            };
            let url = url.replace("&amp;", "&");
            let Some(local) = url
                .strip_prefix("https://example.com/help/")
                .or(url.strip_prefix("/help/"))
            else {
                continue; // another site, or a relative fragment
            };
            let (path, fragment) = local.split_once('#').unwrap_or((local, ""));
            let path = path.split('?').next().unwrap_or_default();
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            match by_path.get(target.as_str()) {
                None => broken.push(format!("{}: {url}", file.path)),
                Some(page) if !fragment.is_empty() && !ids(page).contains(fragment) => {
                    broken.push(format!("{}: {url} (no id `{fragment}`)", file.path))
                }
                Some(_) => {}
            }
        }
    }
    broken
}

/// Text that is valid wherever a string goes, hostile characters included.
fn safe_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => "[a-zA-Z][a-zA-Z0-9 ]{0,20}",
        5 => hostile(),
    ]
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Links valid anywhere; `relative` adds file links, which only
/// articles (in `content/articles/fixes/`) can use.
fn valid_link(relative: bool) -> impl Strategy<Value = String> {
    let mut links = vec![
        "article:good",
        "article:good#heading-one",
        "tree:flow",
        "tree:flow#done",
        "https://example.org/x?a=1&b=2",
    ];
    if relative {
        links.extend(["../basics/good.md", "../basics/good.md#heading-one"]);
    }
    prop::sample::select(links).prop_map(str::to_string)
}

fn valid_block(relative: bool) -> impl Strategy<Value = String> {
    prop_oneof![
        safe_text().prop_map(|t| format!("{t}\n")),
        (2..4usize, safe_text()).prop_map(|(n, t)| format!("{} {t}\n", "#".repeat(n))),
        (safe_text(), valid_link(relative)).prop_map(|(t, l)| format!("See [{t}]({l}).\n")),
        safe_text().prop_map(|t| format!("> [!TIP]\n> {t}\n")),
        safe_text().prop_map(|t| format!("1. {t}\n2. [ ] task\n")),
        safe_text().prop_map(|t| format!("| a | b |\n|---|---|\n| {t} | x |\n")),
        safe_text().prop_map(|t| format!("```\n{t}\n```\n")),
        safe_text().prop_map(|t| format!("Note[^n].\n\n[^n]: {t}\n")),
    ]
}

fn valid_article() -> impl Strategy<Value = String> {
    (
        safe_text(),
        safe_text(),
        prop_oneof![Just("basics"), Just("fixes")],
        prop::collection::vec(safe_text(), 0..3),
        prop::option::of(prop_oneof![Just("good"), Just("tree:flow"), Just("tree:flow#done")]),
        prop::collection::vec(valid_block(true), 0..8),
    )
        .prop_map(|(title, description, category, tags, related, blocks)| {
            let tags: Vec<String> = tags.iter().map(|t| quoted(t)).collect();
            let related = related.map_or(String::new(), |r| format!("related: [{}]\n", quoted(r)));
            format!(
                "---\ntitle: {}\ndescription: {}\ncategory: {category}\ntags: [{}]\n{related}updated: 2026-01-31\n---\n{}",
                quoted(&title),
                quoted(&description),
                tags.join(", "),
                blocks.concat()
            )
        })
}

/// A tree every node of which is reachable and ends somewhere.
fn valid_tree() -> impl Strategy<Value = String> {
    let exits = prop_oneof![
        Just("done".to_string()),
        Just("article:good".to_string()),
        Just("tree:flow#done".to_string()),
        Just("q0".to_string()),
    ];
    let question = (
        safe_text(),
        prop::collection::vec((safe_text(), exits), 0..3),
    );
    (prop::collection::vec(question, 1..4), safe_text(), valid_block(false)).prop_map(
        |(questions, title, body)| {
            let count = questions.len();
            let mut nodes = String::new();
            for (i, (q, extra)) in questions.into_iter().enumerate() {
                let first = if i + 1 < count { format!("q{}", i + 1) } else { "done".to_string() };
                nodes.push_str(&format!("  q{i}:\n    question: {}\n    answers:\n", quoted(&q)));
                let answers = std::iter::once(("Go on".to_string(), first)).chain(extra);
                for (n, (label, next)) in answers.enumerate() {
                    let label = quoted(&format!("{n}. {label}"));
                    nodes.push_str(&format!("      - label: {label}\n        next: {next}\n"));
                }
            }
            format!(
                "title: {}\ndescription: A generated tree\ncategory: fixes\nstart: q0\nnodes:\n{nodes}  done:\n    title: Done\n    outcome: fix\n    body: {}\n    related: [good]\n",
                quoted(&title),
                quoted(&body)
            )
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Broken and hostile input: diagnostics, never a panic, and the
    /// same answer twice.
    #[test]
    fn any_content_is_explained_deterministically(
        article in article(),
        tree in tree(),
        raw in prop::option::of(prop::collection::vec(any::<u8>(), 0..200)),
    ) {
        let files = site(&article, &tree, raw.as_deref());
        let options = BuildOptions::default();
        let (report, first) = waymark::build_files(&files, &options)
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let (again, second) = waymark::build_files(&files, &options)
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        prop_assert!(first == second, "two builds of the same input differ");
        prop_assert_eq!(&report.diagnostics, &again.diagnostics);
        prop_assert_eq!(report.has_errors(), first.is_empty());
        for d in &report.diagnostics {
            prop_assert!(!d.message.is_empty());
            prop_assert!(!d.file.as_os_str().is_empty());
            // A position is inside its file (or just past its last line).
            if let Some(bytes) = files.get(&d.file) {
                let lines = String::from_utf8_lossy(bytes).lines().count();
                prop_assert!(d.pos.line <= lines + 1, "{d:?} in a file of {lines} lines");
            }
        }
    }

    /// Well-formed sites build, byte-identically twice, and every link
    /// on every page leads to a page (and heading) of the site.
    #[test]
    fn valid_sites_build_with_every_link_resolving(
        article in valid_article(),
        tree in valid_tree(),
    ) {
        let files = site(&article, &tree, None);
        let options = BuildOptions::default();
        let (report, first) = waymark::build_files(&files, &options)
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        let errors: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == waymark::diagnostic::Severity::Error)
            .map(|d| d.render(&|_| None, false))
            .collect();
        prop_assert!(errors.is_empty(), "{}\n{article}\n{tree}", errors.join("\n"));
        let (_, second) = waymark::build_files(&files, &options)
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        prop_assert!(first == second, "two builds of the same input differ");
        let broken = broken_links(&first);
        prop_assert!(broken.is_empty(), "broken links: {broken:#?}");
    }
}

#[test]
fn the_link_checker_catches_a_missing_page_and_heading() {
    let files = site(
        "---\ntitle: T\ndescription: D\ncategory: fixes\n---\nSee [it](article:good#heading-one).\n",
        GOOD_TREE.replace("Flow", "Other").as_str(),
        None,
    );
    let (report, mut out) = waymark::build_files(&files, &BuildOptions::default()).expect("builds");
    assert!(!report.has_errors());
    assert!(broken_links(&out).is_empty());
    let good = out
        .iter_mut()
        .find(|f| f.path == "articles/good/index.html")
        .expect("good page");
    let html = String::from_utf8_lossy(&good.bytes).replace("id=\"heading-one\"", "");
    good.bytes = html.into_bytes();
    assert!(
        broken_links(&out)
            .iter()
            .any(|b| b.contains("no id `heading-one`"))
    );
    out.retain(|f| f.path != "articles/good/index.html");
    assert!(
        broken_links(&out)
            .iter()
            .any(|b| b.contains("articles/good/"))
    );
}
