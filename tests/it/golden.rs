//! Golden output: every site that builds (the fixtures, a fresh `init`
//! site and the CoEx help center) has one fingerprint per output file in
//! `tests/golden/<name>.txt`. A refactor must leave them all equal; a
//! change meant to alter output rewrites them on purpose:
//!
//! ```sh
//! WAYMARK_GOLDEN=rewrite cargo test golden
//! ```
//! and the commit that does so says why.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::harness::{TestSite, files, stderr};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// FNV-1a, 64 bits: stable across platforms and Rust versions, which is
/// all a fingerprint of a file needs.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `<hash> <path>` per output file, sorted by path.
fn fingerprints(output: &Path) -> String {
    let mut text = String::new();
    for rel in files(output) {
        let bytes = std::fs::read(output.join(&rel)).expect("read output file");
        let _ = writeln!(text, "{:016x} {rel}", fnv(&bytes));
    }
    text
}

/// Builds `site` with `args` and compares (or rewrites) `<name>.txt`.
fn assert_golden(name: &str, site: &TestSite, args: &[&str]) {
    let mut all = vec!["build", "--output", "out"];
    all.extend_from_slice(args);
    let out = site.run(&all);
    assert!(out.status.success(), "{name} must build: {}", stderr(&out));
    let actual = fingerprints(&site.path("out"));
    let file = golden_dir().join(format!("{name}.txt"));
    if std::env::var_os("WAYMARK_GOLDEN").is_some_and(|v| v == "rewrite") {
        std::fs::create_dir_all(golden_dir()).expect("create tests/golden");
        std::fs::write(&file, &actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_default();
    if expected != actual {
        let diff: Vec<String> = diff_lines(&expected, &actual);
        panic!(
            "output of `{name}` differs from {} ({} lines differ):\n{}\n\
             if the change is meant, rewrite with WAYMARK_GOLDEN=rewrite cargo test golden",
            file.display(),
            diff.len(),
            diff.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
        );
    }
}

/// Lines only in `expected` (`-`) or only in `actual` (`+`).
fn diff_lines(expected: &str, actual: &str) -> Vec<String> {
    let old: std::collections::BTreeSet<&str> = expected.lines().collect();
    let new: std::collections::BTreeSet<&str> = actual.lines().collect();
    let mut out: Vec<String> = old.difference(&new).map(|l| format!("- {l}")).collect();
    out.extend(new.difference(&old).map(|l| format!("+ {l}")));
    out
}

#[test]
fn golden_basic_fixture() {
    let site = TestSite::new("basic");
    assert_golden("basic", &site, &[]);
    assert_golden("basic-drafts", &site, &["--drafts"]);
}

#[test]
fn golden_basic_fixture_under_a_sub_path() {
    let site = TestSite::new("basic");
    assert_golden(
        "basic-sub-path",
        &site,
        &["--base-url", "https://example.com/help/"],
    );
}

#[test]
fn golden_every_feature_fixture() {
    let site = TestSite::new("every-feature");
    assert_golden("every-feature", &site, &[]);
}

#[test]
fn golden_init_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["init", "site"])
        .current_dir(dir.path())
        .output()
        .expect("run waymark init");
    assert!(out.status.success(), "{}", stderr(&out));
    let site = TestSite::new_empty();
    crate::harness::copy_dir(&dir.path().join("site"), site.root());
    assert_golden("init", &site, &[]);
}

#[test]
fn golden_coex_help_center() {
    let site = TestSite::new_empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["site.yaml", "content", "static", "themes"] {
        let from = repo.join(part);
        if from.is_dir() {
            crate::harness::copy_dir(&from, &site.path(part));
        } else if from.is_file() {
            std::fs::copy(&from, site.path(part)).expect("copy site.yaml");
        }
    }
    assert_golden("coex", &site, &[]);
}
