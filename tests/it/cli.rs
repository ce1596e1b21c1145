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
