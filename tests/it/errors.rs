//! One mistake per fixture under `tests/fixtures/invalid/<case>/`, laid
//! over `_base/`; `expected.txt` lists lines `waymark check` must print.

use crate::harness::{TestSite, copy_dir, fixtures, stderr};

#[test]
fn each_invalid_fixture_reports_its_diagnostic() {
    let mut failures = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(fixtures().join("invalid"))
        .expect("invalid fixtures")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "_base")
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "fixtures found: {cases:?}");
    for case in &cases {
        let site = TestSite::new("invalid/_base");
        copy_dir(&fixtures().join("invalid").join(case), site.root());
        let expected = site.read("expected.txt");
        for command in [&["check"][..], &["build"][..]] {
            let out = site.run(command);
            let err = stderr(&out);
            if out.status.code() != Some(1) {
                failures.push(format!(
                    "{case} ({command:?}): exit {:?}\n{err}",
                    out.status.code()
                ));
            }
            for line in expected.lines().filter(|l| !l.is_empty()) {
                if !err.contains(line) {
                    failures.push(format!("{case} ({command:?}): missing `{line}` in:\n{err}"));
                }
            }
            if err.contains("panicked") {
                failures.push(format!("{case}: panic\n{err}"));
            }
        }
        if site.path("public").exists() {
            failures.push(format!("{case}: output written despite errors"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/articles/basics/a.md",
        "---\ntitle: A\ndescription: x\n---\n[x](article:nope1)\n",
    );
    site.write(
        "content/articles/basics/b.md",
        "---\ntitle: B\ndescription: x\ncategory: nope\n---\n[x](tree:nope2)\n",
    );
    site.write(
        "content/articles/basics/c.md",
        "---\ntitle: C\nbad_field: 1\n---\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    for needle in [
        "`nope1`",
        "`nope2`",
        "category `nope`",
        "`bad_field`",
        "4 error(s)",
    ] {
        assert!(err.contains(needle), "missing {needle} in {err}");
    }
}

#[test]
fn diagnostics_show_the_offending_line_with_a_caret() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/articles/basics/a.md",
        "---\ntitle: A\ndescription: x\n---\nSee [it](article:godo) now.\n",
    );
    let err = stderr(&site.run(&["check"]));
    assert!(
        err.contains("5 | See [it](article:godo) now.\n  |     ^^^^^^^^^^^^^^^^^^"),
        "{err}"
    );
}

#[test]
fn warnings_do_not_fail_check_unless_denied() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/articles/basics/w.md",
        "---\ntitle: W\ndescription: x\nupdated: 2999-01-01\nreview_by: 2000-01-01\n---\n## Two\n\n#### Four\n\n![](x.png)\n",
    );
    site.write(
        "content/trees/t.yaml",
        "title: T\ndescription: D\nnodes:\n  q:\n    question: Q?\n    answers:\n      - label: A\n        next: done\n  done:\n    title: Done\n    outcome: fix\n    body: Nothing more to read.\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    for needle in [
        "warning[W-UPDATED-FUTURE]: `updated` is in the future: 2999-01-01\n  --> content/articles/basics/w.md:4:10",
        "warning[W-REVIEW-DUE]: this article was due for review on 2000-01-01\n  --> content/articles/basics/w.md:5:12",
        "warning[W-HEADING-SKIP]: heading level skipped: h4 where h3 comes next\n  --> content/articles/basics/w.md:9:1",
        "warning[W-IMAGE-ALT]: image without alt text\n  --> content/articles/basics/w.md:11:1",
        "warning[W-OUTCOME-NO-NEXT]: outcome `done` links nowhere\n  --> content/trees/t.yaml:9:3",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert_eq!(
        site.run(&["check", "--deny-warnings"]).status.code(),
        Some(1)
    );
    // Warnings never stop a build.
    assert!(site.run(&["build"]).status.success());
}

#[test]
fn check_json_prints_one_object_per_diagnostic() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/articles/basics/a.md",
        "---\ntitle: A\ndescription: x\n---\nSee [it](article:godo) now.\n\n![](x.png)\n",
    );
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = crate::harness::stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let error = &lines[0];
    assert_eq!(error["severity"], "error");
    assert_eq!(error["code"], "E-LINK-BROKEN");
    assert_eq!(error["file"], "content/articles/basics/a.md");
    assert_eq!(
        (
            error["line"].as_u64(),
            error["column"].as_u64(),
            error["end_column"].as_u64()
        ),
        (Some(5), Some(5), Some(23))
    );
    assert_eq!(error["help"], "did you mean `good`?");
    assert_eq!(lines[1]["severity"], "warning");
    assert_eq!(lines[1]["code"], "W-IMAGE-ALT");
}
