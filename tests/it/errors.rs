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
