//! Decision trees end to end: node pages, links, tree.json, paths, check.

use crate::harness::{TestSite, attrs, stderr, stdout, texts};

#[test]
fn every_node_has_a_page_and_every_answer_resolves() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    for node in ["start", "payment", "removed", "escalate"] {
        let html = site.html(&format!("public/troubleshoot/connect/{node}/index.html"));
        for href in attrs(&html, ".answers a", "href") {
            let path = href.strip_prefix("/help/").expect("site link");
            assert!(
                site.path("public").join(path).join("index.html").exists(),
                "{node}: {href}"
            );
        }
    }
    let home = site.html("public/troubleshoot/connect/index.html");
    assert_eq!(texts(&home, "h1"), ["Connection fails"]);
    assert_eq!(texts(&home, ".step-title"), ["What do you see?"]);
    assert_eq!(
        texts(&home, ".answer-label"),
        ["An error about payment", "Something else"]
    );
    assert_eq!(
        attrs(&home, ".answer", "href"),
        [
            "/help/troubleshoot/connect/payment/",
            "/help/articles/fix-errors/"
        ]
    );
    // An answer looping back to the start links to the tree's own URL.
    let payment = site.html("public/troubleshoot/connect/payment/index.html");
    assert_eq!(
        attrs(&payment, ".answer", "href")[2],
        "/help/troubleshoot/connect/"
    );
}

#[test]
fn outcome_pages_show_kind_body_related_and_restart() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let html = site.html("public/troubleshoot/connect/escalate/index.html");
    assert_eq!(texts(&html, ".outcome-kind"), ["Contact support"]);
    // The tree is the page's h1; the step is its h2, however it was reached.
    assert_eq!(texts(&html, "h1"), ["Connection fails"]);
    assert_eq!(texts(&html, ".step-title"), ["Contact support"]);
    assert_eq!(
        texts(&html, ".step .plain-list a"),
        ["Welcome <to> \"the\" help"]
    );
    assert_eq!(
        attrs(&html, "[data-action=restart]", "href"),
        ["/help/troubleshoot/connect/"]
    );
    let ld = texts(&html, "script[type='application/ld+json']");
    let value: serde_json::Value = serde_json::from_str(&ld[0]).expect("json-ld");
    assert_eq!(value["@type"], "BreadcrumbList");
    assert_eq!(value["itemListElement"].as_array().map(Vec::len), Some(4));
}

#[test]
fn feedback_question_only_with_an_endpoint() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let page = "public/troubleshoot/connect/escalate/index.html";
    // Without an endpoint a vote would go nowhere: the question is not rendered.
    let html = site.html(page);
    assert!(texts(&html, ".feedback-question").is_empty());
    assert!(attrs(&html, "body", "data-feedback-endpoint").is_empty());
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{config}feedback:\n  endpoint: https://example.com/votes\n"),
    );
    assert!(site.build().status.success());
    let html = site.html(page);
    assert_eq!(
        texts(&html, ".feedback-question"),
        ["Did this solve your problem?"]
    );
    assert_eq!(
        attrs(&html, "body", "data-feedback-endpoint"),
        ["https://example.com/votes"]
    );
}

#[test]
fn exit_answers_are_named_by_their_label_and_described_by_their_hint() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let home = site.html("public/troubleshoot/connect/index.html");
    // "Something else" leaves the tree: its hint describes the link and is
    // kept out of the link's name (no "elseOpens an article").
    assert_eq!(
        attrs(&home, ".answer[aria-describedby]", "aria-describedby"),
        ["answer-exit-2"]
    );
    assert_eq!(texts(&home, "#answer-exit-2"), ["Opens an article"]);
    assert_eq!(
        attrs(&home, "#answer-exit-2", "aria-hidden"),
        ["true"],
        "the hint is a description, not part of the name"
    );
}

#[test]
fn tree_json_follows_schema_one() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let doc: serde_json::Value =
        serde_json::from_str(&site.read("public/troubleshoot/connect/tree.json")).expect("json");
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["slug"], "connect");
    assert_eq!(doc["start"], "start");
    assert_eq!(doc["origin"], "https://example.com");
    let nodes = doc["nodes"].as_array().expect("nodes array");
    assert_eq!(nodes.len(), 4);
    for node in nodes {
        let kind = node["type"].as_str().expect("type");
        assert!(node["id"].is_string() && node["url"].is_string());
        match kind {
            "question" => {
                assert!(node["question"].is_string());
                for a in node["answers"].as_array().expect("answers") {
                    assert!(a["label"].is_string() && a["url"].is_string());
                    assert!(
                        a["next"].is_string() != a["exit"].is_string(),
                        "exactly one of next/exit: {a}"
                    );
                }
            }
            "outcome" => {
                assert!(
                    ["fix", "workaround", "escalate", "alternative"]
                        .contains(&node["outcome"].as_str().expect("kind"))
                );
                assert!(node["body_html"].as_str().is_some_and(|b| b.contains("<")));
                assert!(node["related"].is_array());
            }
            other => panic!("unknown node type {other}"),
        }
    }
    assert_eq!(nodes[0]["answers"][1]["exit"], "article:fix-errors");
    assert_eq!(
        nodes[0]["details_html"],
        "<p>Look at the <strong>error</strong>.</p>\n"
    );
}

#[test]
fn paths_page_lists_every_node() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let html = site.html("public/troubleshoot/connect/paths/index.html");
    let links = attrs(&html, ".outline a", "href");
    for node in ["payment/", "removed/", "escalate/"] {
        assert!(
            links
                .iter()
                .any(|l| l.ends_with(&format!("/troubleshoot/connect/{node}"))),
            "{node} in {links:?}"
        );
    }
    assert!(links.contains(&"/help/troubleshoot/connect/".to_string()));
    assert!(
        links.contains(&"/help/articles/fix-errors/".to_string()),
        "exits are listed"
    );
    assert_eq!(
        texts(&html, ".outline-again").len(),
        1,
        "the loop back to start is not expanded twice"
    );
}

#[test]
fn trees_appear_on_home_and_category_pages() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let home = site.html("public/index.html");
    assert_eq!(texts(&home, ".card-tree .card-title"), ["Connection fails"]);
    let category = site.html("public/categories/fixes/index.html");
    assert_eq!(
        attrs(&category, ".card-tree a", "href"),
        ["/help/troubleshoot/connect/"]
    );
}

#[test]
fn check_prints_a_summary_per_tree() {
    let site = TestSite::new("basic");
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("tree connect: 4 nodes, 2 outcomes, 3 distinct paths, longest path 2 steps"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn yaml_anchors_and_aliases_work() {
    let site = TestSite::new("basic");
    site.write(
        "content/trees/anchors.yaml",
        "title: Anchors\ndescription: D\ncategory: fixes\nnodes:\n  q:\n    question: Q?\n    answers: &shared\n      - label: One\n        next: done\n  q2:\n    question: Again?\n    answers: *shared\n  done:\n    title: Done\n    outcome: fix\n    body: ok\n",
    );
    let out = site.run(&["check"]);
    // q2 reuses q's answers through an alias, but nothing leads to q2.
    assert!(
        stderr(&out).contains("node `q2` cannot be reached"),
        "{}",
        stderr(&out)
    );
    site.write(
        "content/trees/anchors.yaml",
        "title: Anchors\ndescription: D\ncategory: fixes\nnodes:\n  q:\n    question: Q?\n    answers:\n      - label: One\n        next: q2\n  q2:\n    question: Again?\n    answers: &shared\n      - label: Done\n        next: done\n  done:\n    title: Done\n    outcome: fix\n    body: ok\n",
    );
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn graph_prints_mermaid_and_dot() {
    let site = TestSite::new("basic");
    let out = site.run(&["graph", "connect"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mermaid = stdout(&out);
    assert!(mermaid.contains("flowchart TD"));
    assert!(mermaid.contains("n_start{\"What do you see?\"}"));
    assert!(mermaid.contains("n_start -->|\"An error about payment\"| n_payment"));
    assert!(mermaid.contains("n_removed([\"Fix: Remove it and retry\"])"));
    assert!(mermaid.contains("[[\"article:fix-errors\"]]"));
    let out = site.run(&["graph", "connect", "--format", "dot"]);
    let dot = stdout(&out);
    assert!(dot.starts_with("digraph \"connect\" {"));
    assert!(dot.contains("\"payment\" -> \"escalate\" [label=\"No\"];"));
    let out = site.run(&["graph", "conect"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("did you mean `connect`?"));
}
