//! Live preview over real HTTP: edits are rebuilt and announced, broken
//! edits keep the last good site and report the error, and the output of
//! a series of edits equals a fresh build.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::harness::files;
use crate::serve::{Server, request, start};

/// Collects server-sent events (`event` name, `data`) on a thread.
fn subscribe(port: u16) -> mpsc::Receiver<(String, String)> {
    let (sender, receiver) = mpsc::channel();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .write_all(b"GET /__waymark/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("send");
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(data) = line.strip_prefix("data: ")
                && sender.send((event.clone(), data.to_string())).is_err()
            {
                return;
            }
        }
    });
    receiver
}

/// Waits for an event named `name`, skipping others.
fn wait_for(events: &mpsc::Receiver<(String, String)>, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match events.recv_timeout(left) {
            Ok((event, data)) if event == name => return data,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no `{name}` event within 10 s");
}

/// The served page at a site path (`/articles/x/`, under the base path).
fn body(server: &Server, path: &str) -> String {
    String::from_utf8_lossy(&request(server.port, "GET", &server.at(path), &[]).body).into_owned()
}

#[test]
fn pages_get_the_live_reload_script_but_built_files_do_not() {
    let server = start("basic");
    assert!(
        body(&server, "/articles/second/")
            .contains("<script src=\"/__waymark/livereload.js\" defer></script>")
    );
    let js = request(server.port, "GET", "/__waymark/livereload.js", &[]);
    assert_eq!(js.status, 200);
    assert!(
        js.header("Content-Type")
            .is_some_and(|t| t.starts_with("text/javascript"))
    );
    assert!(server.site.build().status.success());
    let built = server.site.read("public/articles/second/index.html");
    assert!(!built.contains("livereload"));
}

#[test]
fn an_edit_is_rebuilt_served_and_announced() {
    let server = start("basic");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(300));
    server.site.write(
        "content/articles/getting-started/second.md",
        "---\ntitle: Second article\ndescription: Comes after the welcome.\norder: 20\n---\nFreshly edited text.\n",
    );
    let data = wait_for(&events, "reload");
    assert!(data.contains("\"/help/articles/second/\""), "{data}");
    assert!(body(&server, "/articles/second/").contains("Freshly edited text."));
}

#[test]
fn a_text_edit_reloads_its_page_before_the_search_index() {
    let server = start("basic");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(300));
    let path = "content/articles/getting-started/welcome.md";
    server.site.write(
        path,
        &server
            .site
            .read(path)
            .replace("Be careful.", "Be very careful."),
    );
    let first = wait_for(&events, "reload");
    assert_eq!(
        first, r#"{"css_only":false,"paths":["/help/articles/welcome/"]}"#,
        "only the page, first"
    );
    let second = wait_for(&events, "reload");
    assert!(
        second.contains("search/"),
        "then the search index: {second}"
    );
    assert!(
        !second.contains("/help/articles/welcome/"),
        "the page was already up to date: {second}"
    );
    wait_for(&events, "synced");
    assert!(body(&server, "/articles/welcome/").contains("Be very careful."));
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_reports_the_error() {
    let server = start("basic");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(300));
    let before = body(&server, "/articles/second/");
    server.site.write(
        "content/articles/getting-started/second.md",
        "---\ntitle: [oops\ndescription: x\n---\nBroken.\n",
    );
    let data = wait_for(&events, "build-error");
    let error: serde_json::Value = serde_json::from_str(&data).expect("json");
    let first = &error["diagnostics"][0];
    assert_eq!(first["file"], "content/articles/getting-started/second.md");
    assert_eq!(first["pos"]["line"], 2);
    assert!(
        error["text"]
            .as_str()
            .is_some_and(|t| t.contains("second.md:2:8")),
        "{data}"
    );
    assert_eq!(
        body(&server, "/articles/second/"),
        before,
        "the last good page is still served"
    );
    // A page opened now learns about the error at once.
    let late = subscribe(server.port);
    wait_for(&late, "build-error");
    server.site.write(
        "content/articles/getting-started/second.md",
        "---\ntitle: Second article\ndescription: Fixed.\n---\nRecovered.\n",
    );
    wait_for(&events, "build-ok");
    assert!(body(&server, "/articles/second/").contains("Recovered."));
}

#[test]
fn after_a_series_of_edits_the_output_equals_a_fresh_build() {
    let server = start("basic");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(300));
    let site = &server.site;
    let edits: Vec<Box<dyn Fn()>> = vec![
        // Text only: the quick path renders the page, the full rebuild follows.
        Box::new(|| {
            let path = "content/articles/getting-started/welcome.md";
            site.write(
                path,
                &site.read(path).replace("Be careful.", "Be very careful."),
            )
        }),
        Box::new(|| {
            site.write(
                "content/articles/fixes/added.md",
                "---\ntitle: Added\ndescription: New.\n---\nHello.\n",
            )
        }),
        Box::new(|| {
            site.write("content/articles/fixes/fix-errors.md", "---\ntitle: Fix errors now\ndescription: Changed.\n---\n## First step\n\n## Second step\n")
        }),
        Box::new(|| {
            std::fs::rename(
                site.path("content/articles/fixes/added.md"),
                site.path("content/articles/fixes/renamed.md"),
            )
            .expect("rename")
        }),
        Box::new(|| {
            std::fs::remove_file(site.path("content/articles/getting-started/second.md"))
                .expect("delete")
        }),
        Box::new(|| {
            site.write("content/trees/extra.yaml", "title: Extra\ndescription: D\ncategory: fixes\nnodes:\n  q:\n    question: Q?\n    answers:\n      - label: A\n        next: done\n  done:\n    title: Done\n    outcome: fix\n    body: ok\n")
        }),
        Box::new(|| {
            std::fs::rename(
                site.path("content/trees/extra.yaml"),
                site.path("content/trees/extra-renamed.yaml"),
            )
            .expect("rename")
        }),
        Box::new(|| {
            std::fs::remove_file(site.path("content/trees/extra-renamed.yaml")).expect("delete")
        }),
    ];
    for edit in &edits {
        edit();
        wait_for(&events, "synced");
    }
    assert_same_as_fresh_build(&server);
}

/// The served site equals, byte for byte, what `waymark build` writes
/// for the preview's URL (pages but for the live-reload script).
fn assert_same_as_fresh_build(server: &Server) {
    let site = &server.site;
    let fresh = tempfile::tempdir().expect("temp dir");
    let url = format!("http://127.0.0.1:{}{}", server.port, server.base);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["build", "--base-url", &url, "--output"])
        .arg(fresh.path().join("site"))
        .current_dir(site.root())
        .output()
        .expect("build");
    assert!(out.status.success());
    let expected = fresh.path().join("site");
    let listed = request(server.port, "GET", "/__waymark/files", &[]);
    let served: Vec<String> = String::from_utf8_lossy(&listed.body)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(served, files(&expected));
    const TAG: &str = "<script src=\"/__waymark/livereload.js\" defer></script>";
    for f in files(&expected) {
        let body = request(server.port, "GET", &server.at(&f), &[]).body;
        let body = String::from_utf8_lossy(&body).replacen(TAG, "", 1);
        assert_eq!(
            body,
            String::from_utf8_lossy(&std::fs::read(expected.join(&f)).expect("read")),
            "{f} differs"
        );
    }
}

#[test]
fn a_title_edit_rerenders_exactly_the_pages_that_show_it() {
    let server = start("basic");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(300));
    let site = &server.site;
    let edit = |path: &str, from: &str, to: &str| {
        let text = site.read(path);
        assert!(text.contains(from), "{path}");
        site.write(path, &text.replace(from, to));
    };
    // Listed by its category, home and its neighbour `welcome`; no tree.
    edit(
        "content/articles/getting-started/second.md",
        "title: Second article",
        "title: Second steps",
    );
    let pages = wait_for(&events, "reload");
    assert_eq!(
        pages,
        r#"{"css_only":false,"paths":["/help/articles/second/","/help/articles/welcome/","/help/categories/getting-started/","/help/"]}"#
    );
    let index = wait_for(&events, "reload");
    assert!(
        index.contains("/help/search/") && !index.contains("/articles/"),
        "{index}"
    );
    wait_for(&events, "synced");
    assert_same_as_fresh_build(&server);

    // Named by `welcome`'s related list and by the tree's exits and outcomes.
    edit(
        "content/articles/fixes/fix-errors.md",
        "title: Fix errors",
        "title: Fixing errors",
    );
    let pages = wait_for(&events, "reload");
    for page in [
        "\"/help/articles/fix-errors/\"",
        "\"/help/articles/welcome/\"",
        "\"/help/categories/fixes/\"",
        "\"/help/troubleshoot/connect/paths/\"",
        "\"/help/troubleshoot/connect/removed/\"",
    ] {
        assert!(pages.contains(page), "{page} missing from {pages}");
    }
    assert!(!pages.contains("/articles/second/"), "{pages}");
    wait_for(&events, "synced");
    assert_same_as_fresh_build(&server);
}

#[test]
fn ctrl_c_stops_cleanly_even_mid_rebuild() {
    let mut server = start("basic");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(300));
    let path = "content/articles/fixes/fix-errors.md";
    server.site.write(
        path,
        &server
            .site
            .read(path)
            .replace("Try again.", "Try again later."),
    );
    wait_for(&events, "reload");
    // Interrupt while the deferred search refresh may be running.
    std::thread::sleep(Duration::from_millis(650));
    let pid = server.child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // The preview lives in memory: nothing is left on disk.
    let leftovers: Vec<String> = walkdir::WalkDir::new(server.site.root())
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        .filter(|p| p.contains("public") || p.contains("waymark"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_edit_saved_through_a_temporary_file_takes_the_quick_path() {
    let server = start("basic");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(300));
    let site = &server.site;
    // As `sed -i` and many editors save: write a temporary file beside the
    // article, then rename it over the article.
    let path = "content/articles/getting-started/welcome.md";
    let temp = "content/articles/getting-started/sedX1b2c3";
    site.write(
        temp,
        &site.read(path).replace("Be careful.", "Be quite careful."),
    );
    std::fs::rename(site.path(temp), site.path(path)).expect("rename");
    let first = wait_for(&events, "reload");
    assert_eq!(
        first, r#"{"css_only":false,"paths":["/help/articles/welcome/"]}"#,
        "only the page, first"
    );
    wait_for(&events, "synced");
    assert!(body(&server, "/articles/welcome/").contains("Be quite careful."));
    assert_same_as_fresh_build(&server);
    // The status line names the article, not the scratch file.
    let printed = server.printed.lock().map(|p| p.clone()).unwrap_or_default();
    assert!(
        printed.contains("updated content/articles/getting-started/welcome.md:"),
        "{printed}"
    );
    assert!(!printed.contains("sedX1b2c3"), "{printed}");
}

#[test]
fn editing_a_translation_or_its_source_updates_each_language_s_pages() {
    let server = start("languages");
    let events = subscribe(server.port);
    std::thread::sleep(Duration::from_millis(300));
    let file = "content/articles/basics/intro.es.md";
    let text = server
        .site
        .read(file)
        .replace("Primeros pasos", "Los primeros pasos");
    server.site.write(file, &text);
    let data = wait_for(&events, "reload");
    assert!(data.contains("\"/help/es/articles/intro/\""), "{data}");
    assert!(
        !data.contains("\"/help/articles/intro/\""),
        "the English page did not change: {data}"
    );
    assert!(
        body(&server, "/es/articles/intro/").contains("<h1>Los primeros pasos con tu router</h1>")
    );

    // The source of a page Arabic shows as a fallback: both pages follow.
    let file = "content/articles/basics/reset.md";
    let text = server
        .site
        .read(file)
        .replace("ten seconds", "fifteen seconds");
    server.site.write(file, &text);
    let data = wait_for(&events, "reload");
    assert!(
        data.contains("\"/help/articles/reset/\"") && data.contains("\"/help/ar/articles/reset/\""),
        "{data}"
    );
    assert!(body(&server, "/ar/articles/reset/").contains("fifteen seconds"));
    assert!(
        !body(&server, "/es/articles/reset/").contains("fifteen"),
        "the Spanish text is its own"
    );
}
