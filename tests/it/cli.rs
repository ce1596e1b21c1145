//! The command line: help examples, init, new, exit codes.

use crate::harness::{TestSite, stderr, stdout};

#[test]
fn help_shows_an_example_for_each_command() {
    let site = TestSite::new("basic");
    for command in [
        &["build"][..],
        &["check"],
        &["serve"],
        &["init"],
        &["new", "article"],
        &["new", "tree"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let out = site.run(&args);
        assert!(out.status.success());
        assert!(
            stdout(&out).contains("Example:"),
            "{command:?}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let site = TestSite::new("basic");
    assert_eq!(
        site.run(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(
        site.run(&["check", "--root", "missing-folder"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn init_scaffolds_a_site_that_builds_outside_the_repository() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["init", "my-help"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let root = dir.path().join("my-help");
    assert!(root.join("site.yaml").exists());
    assert!(root.join("themes/default/templates/base.html").exists());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["build"])
        .current_dir(&root)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join("public/index.html").exists());
    assert!(
        std::fs::read_dir(root.join("public/troubleshoot")).is_ok_and(|mut d| d.next().is_some())
    );
    // A second init into the same folder refuses to overwrite.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["init", "my-help"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn new_article_and_tree_pass_check() {
    let site = TestSite::new("basic");
    let out = site.run(&["new", "article", "lost-messages", "--category", "fixes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.path("content/articles/fixes/lost-messages.md")
            .exists()
    );
    let out = site.run(&["new", "tree", "lost-messages-helper"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        site.run(&["new", "article", "Bad Slug", "--category", "fixes"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        site.run(&["new", "article", "lost-messages", "--category", "fixes"])
            .status
            .code(),
        Some(2),
        "no overwrite"
    );
}

#[test]
fn outside_a_site_the_error_names_root_and_init() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [&["check"][..], &["build"], &["new", "tree", "x"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run waymark");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("no site.yaml") && err.contains("--root") && err.contains("waymark init"),
            "{args:?}: {err}"
        );
    }
    assert!(!dir.path().join("content").exists(), "nothing was created");
}

#[test]
fn new_refuses_unknown_categories_and_taken_slugs_and_its_pages_check_clean() {
    let site = TestSite::new("basic");
    let out = site.run(&["new", "article", "led", "--category", "fixs"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("did you mean `fixes`?") && err.contains("getting-started"),
        "{err}"
    );
    // Taken in another category: slugs are unique across the site.
    let out = site.run(&["new", "article", "welcome", "--category", "fixes"]);
    assert!(
        stderr(&out).contains("content/articles/getting-started/welcome.md"),
        "{}",
        stderr(&out)
    );
    let out = site.run(&["new", "tree", "connect"]);
    assert_eq!(out.status.code(), Some(2));

    let made = [
        site.run(&[
            "new",
            "article",
            "led",
            "--category",
            "fixes",
            "--title",
            "LED: what it means",
            "--description",
            "What each light means.",
        ]),
        site.run(&[
            "new",
            "tree",
            "lights",
            "--description",
            "Find out why the light is red.",
        ]),
    ];
    for out in &made {
        assert!(out.status.success(), "{}", stderr(out));
    }
    let check = site.run(&["check", "--deny-warnings"]);
    assert!(
        check.status.success(),
        "scaffolds check clean: {}",
        stderr(&check)
    );
    // Left as written, the placeholder description is a warning.
    assert!(
        site.run(&["new", "article", "later", "--category", "fixes"])
            .status
            .success()
    );
    let check = site.run(&["check"]);
    let err = stderr(&check);
    assert!(
        err.contains("warning[W-PLACEHOLDER]") && err.contains("later.md:3:14"),
        "{err}"
    );
}
