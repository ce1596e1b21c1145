//! Browser tests: the CoEx help center served by `waymark serve` on
//! 127.0.0.1, driven in Debian's headless Chromium by
//! `tests/browser/run.mjs` (playwright-core + axe-core, installed by
//! `bash .ci/setup`).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// One browser at a time: two Chromium instances on a 2-core machine
/// make timing-sensitive steps flaky.
pub(crate) static BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn coex_help_center_in_headless_chromium() {
    let _one_at_a_time = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite = repo.join("tests/browser");
    assert!(
        suite.join("node_modules/playwright-core").is_dir()
            && Path::new("/usr/bin/chromium").exists(),
        "browser tests need Chromium and tests/browser/node_modules: run `bash .ci/setup` first"
    );
    let mut server = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("serve")
        .arg("--root")
        .arg(repo)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start waymark serve");
    let mut line = String::new();
    let stdout = server.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("serve output");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in serve output: {line}"))
        .to_string();
    // No retry: a failure is a bug to find (page loads that once stalled
    // were the old hand-written server's; serve.rs pins the fix).
    let result = Command::new("node")
        .arg(suite.join("run.mjs"))
        .arg(&url)
        .current_dir(&suite)
        .output()
        .expect("run node");
    let _ = server.kill();
    let _ = server.wait();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    println!("{report}");
    assert!(result.status.success(), "browser tests failed:\n{report}");
}

#[test]
fn live_reload_in_headless_chromium() {
    let _one_at_a_time = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let server = crate::serve::start("basic");
    let url = format!("http://127.0.0.1:{}{}", server.port, server.base);
    node("live.mjs", &[url.as_ref(), server.site.root().as_os_str()]);
}

/// Runs a node script from `tests/browser/` and fails with its output.
fn node(script: &str, args: &[&std::ffi::OsStr]) {
    node_with(script, args, &[]);
}

/// [`node`] with environment variables (`TEST_GREP` picks tests).
pub(crate) fn node_with(script: &str, args: &[&std::ffi::OsStr], env: &[(&str, &str)]) {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        suite.join("node_modules/playwright-core").is_dir(),
        "browser tests need tests/browser/node_modules: run `bash .ci/setup` first"
    );
    let result = Command::new("node")
        .arg(suite.join(script))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(&suite)
        .output()
        .expect("run node");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    println!("{report}");
    assert!(result.status.success(), "{script} failed:\n{report}");
}

#[test]
fn search_client_core() {
    node("search-core.mjs", &[]);
}

#[test]
fn search_relevance_on_the_coex_help_center() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_out, site) = build_site(repo);
    node("search-relevance.mjs", &[site.as_os_str()]);
}

/// Builds the site at `root` with the real binary into a temp folder;
/// fails on errors or warnings. Returns the folder (kept while it lives)
/// and the built site in it.
fn build_site(root: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    build_site_with(root, false)
}

/// [`build_site`], accepting warnings when `warnings_ok` (a fixture that
/// has an outdated translation on purpose).
fn build_site_with(root: &Path, warnings_ok: bool) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let build = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(&site)
        .env("NO_COLOR", "1")
        .output()
        .expect("build");
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{stderr}");
    assert!(
        warnings_ok || !stderr.contains("warning"),
        "the site builds without warnings:\n{stderr}"
    );
    (out, site)
}

/// A site under a sub-path, as customers get it: the `every-feature`
/// fixture (every Markdown feature, both link forms, two troubleshooters)
/// built with the real binary and served by a plain static server at
/// `/help/` with `Content-Security-Policy: default-src 'self'`
/// (`tests/browser/subpath.mjs`): no CSP violations or console errors,
/// axe-clean on every page type in light and dark, every image loads.
#[test]
fn sub_path_site_with_every_markdown_feature_under_a_strict_csp() {
    let _one_at_a_time = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_out, site) = build_site(&repo.join("tests/fixtures/every-feature"));
    node("subpath.mjs", &[site.as_os_str()]);
}

/// Three languages, one right to left (`tests/fixtures/languages`), built
/// and served at `/help/` under the strict CSP (`tests/browser/languages.mjs`):
/// switcher round trips, reciprocal hreflang, the fallback notice, a tree
/// walked in place and search in each language, axe in each language.
#[test]
fn three_languages_one_right_to_left_under_a_strict_csp() {
    let _one_at_a_time = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_out, site) = build_site_with(&repo.join("tests/fixtures/languages"), true);
    node("languages.mjs", &[site.as_os_str()]);
}
