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
        "---\ntitle: W\ndescription: x\nupdated: 2999-01-01\nreview_by: 2000-01-01\n---\n## Two\n\n#### Four\n\n![](/x.png)\n",
    );
    site.write("static/x.png", "not really a PNG");
    site.write(
        "content/trees/t.yaml",
        "title: T\ndescription: D\nnodes:\n  q:\n    question: Q?\n    answers:\n      - label: A\n        next: done\n  done:\n    title: Done\n    outcome: fix\n    body: Nothing more to read.\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The gutter's width depends on the line numbers shown.
    let err: String = err
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    for needle in [
        "warning[W-UPDATED-FUTURE]: `updated` is in the future: 2999-01-01\n--> content/articles/basics/w.md:4:10",
        "warning[W-REVIEW-DUE]: this article was due for review on 2000-01-01\n--> content/articles/basics/w.md:5:12",
        "warning[W-HEADING-SKIP]: heading level skipped: h4 where h3 comes next\n--> content/articles/basics/w.md:9:1",
        "warning[W-IMAGE-ALT]: image without alt text\n--> content/articles/basics/w.md:11:1",
        "warning[W-OUTCOME-NO-NEXT]: outcome `done` links nowhere\n--> content/trees/t.yaml:9:3",
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
        "---\ntitle: A\ndescription: x\n---\nSee [it](article:godo) now.\n\n![](/x.png)\n",
    );
    site.write("static/x.png", "not really a PNG");
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = crate::harness::json_lines(&out);
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

#[test]
fn author_text_is_inert_everywhere() {
    let site = TestSite::new("invalid/_base");
    let evil =
        "Evil </script><script>alert(1)</script> \\\"><img src=x onerror=alert(1)> \u{202E}gnp.exe";
    site.write(
        "content/articles/basics/evil.md",
        &format!(
            "---\ntitle: \"{evil}\"\ndescription: \"{evil}\"\ntags: [\"<b>bold</b>\"]\n---\n[click](javascript:alert(1)) and [ok](article:good)\n"
        ),
    );
    site.write(
        "content/trees/evil.yaml",
        &format!(
            "title: \"{evil}\"\ndescription: D\nnodes:\n  q:\n    question: \"{evil}\"\n    answers:\n      - label: \"{evil}\"\n        next: done\n  done:\n    title: \"{evil}\"\n    outcome: fix\n    body: ok\n    related: [evil]\n"
        ),
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path("public");
    for file in crate::harness::files(&public) {
        let text = std::fs::read_to_string(public.join(&file)).unwrap_or_default();
        assert!(!text.contains("<script>alert"), "{file}: script injected");
        assert!(!text.contains("<img src=x"), "{file}: element injected");
        assert!(!text.contains("<b>bold"), "{file}: tag injected");
        assert!(!text.contains('\u{202E}'), "{file}: bidi override kept");
        assert!(
            !text.contains("javascript:"),
            "{file}: javascript: URL kept"
        );
    }
    let html = site.html("public/articles/evil/index.html");
    let ld = crate::harness::texts(&html, "script[type='application/ld+json']");
    let value: serde_json::Value = serde_json::from_str(&ld[0]).expect("JSON-LD stays valid");
    assert!(
        value["headline"]
            .as_str()
            .is_some_and(|h| h.contains("<img src=x")),
        "the text itself survives, escaped"
    );
    assert!(
        crate::harness::texts(&html, "main h1")[0].contains("onerror"),
        "shown as text"
    );
}

#[test]
fn a_build_killed_midway_leaves_the_previous_site_and_no_leftovers() {
    let site = TestSite::new("invalid/_base");
    assert!(site.build().status.success());
    let before = site.read("public/articles/good/index.html");
    // Enough pages that the build is still running when it is killed.
    for i in 0..3000 {
        site.write(
            &format!("content/articles/basics/page-{i}.md"),
            &format!(
                "---\ntitle: Page {i}\ndescription: x\n---\n## Heading\n\n{}\n",
                "Some words. ".repeat(200)
            ),
        );
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("build")
        .current_dir(site.root())
        .spawn()
        .expect("start build");
    // Wait until the build has started writing, then kill -9.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let temp_exists = || {
        std::fs::read_dir(site.root())
            .map(|d| {
                d.filter_map(Result::ok)
                    .any(|e| e.file_name().to_string_lossy().contains("waymark-tmp"))
            })
            .unwrap_or(false)
    };
    while !temp_exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        site.read("public/articles/good/index.html"),
        before,
        "previous output intact"
    );
    assert!(
        !site.path("public/articles/page-1").exists() || temp_exists(),
        "no half-new output swapped in"
    );
    assert!(site.build().status.success());
    assert!(!temp_exists(), "the next build removes leftovers");
    assert!(site.path("public/articles/page-2999/index.html").exists());
}

#[test]
fn very_large_and_deep_content_builds_in_bounded_time() {
    let site = TestSite::new("invalid/_base");
    let mut tree = String::from("title: Deep\ndescription: D\nnodes:\n");
    for i in 0..10_000 {
        let next = if i + 1 < 10_000 {
            format!("n{}", i + 1)
        } else {
            "done".into()
        };
        tree.push_str(&format!("  n{i}:\n    question: Q{i}?\n    answers:\n      - label: Next\n        next: {next}\n"));
    }
    tree.push_str(
        "  done:\n    title: Done\n    outcome: fix\n    body: See [good](article:good).\n",
    );
    site.write("content/trees/deep.yaml", &tree);
    let nested: String = (0..300)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    site.write(
        "content/articles/basics/nested.md",
        &format!(
            "---\ntitle: N\ndescription: x\n---\n{} deep\n\n{nested}",
            ">".repeat(2000)
        ),
    );
    site.write(
        "content/articles/basics/big.md",
        &format!(
            "---\ntitle: Big\ndescription: x\n---\n{}",
            "word ".repeat(1_000_000)
        ),
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.path("public/troubleshoot/deep/n9999/index.html")
            .exists()
    );
    let check = site.run(&["check"]);
    assert!(
        crate::harness::stdout(&check).contains(
            "tree deep: 10001 nodes, 1 outcome, 1 distinct path, longest path 10000 steps"
        )
    );
}

#[test]
fn colour_on_a_terminal_only_and_never_with_no_color() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/articles/basics/a.md",
        "---\ntitle: A\ndescription: x\n---\n[x](article:nope)\n",
    );
    // `script` runs the command on a pseudo-terminal, as a person would.
    let on_terminal = |no_color: bool| {
        let command = format!(
            "{} check --root {}",
            env!("CARGO_BIN_EXE_waymark"),
            site.root().display()
        );
        let mut script = std::process::Command::new("script");
        script.args(["-qec", &command, "/dev/null"]);
        script.env_remove("NO_COLOR");
        if no_color {
            script.env("NO_COLOR", "1");
        }
        let out = script.output().expect("script(1) from util-linux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_terminal(false);
    assert!(
        coloured.contains("E-LINK-BROKEN") && coloured.contains("\x1b["),
        "{coloured:?}"
    );
    let plain = on_terminal(true);
    assert!(
        plain.contains("E-LINK-BROKEN") && !plain.contains("\x1b["),
        "{plain:?}"
    );
    // Piped output (what the harness captures) is plain too.
    let piped = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["check", "--root"])
        .arg(site.root())
        .env_remove("NO_COLOR")
        .output()
        .expect("run");
    assert!(!stderr(&piped).contains('\x1b'));
}

#[test]
fn ten_thousand_files_in_one_folder_build() {
    let site = TestSite::new("invalid/_base");
    let dir = site.path("content/articles/basics");
    for i in 0..10_000 {
        std::fs::write(
            dir.join(format!("a{i}.md")),
            format!("---\ntitle: Article {i}\ndescription: Number {i}\n---\nSee [the next](article:a{}).\n", (i + 1) % 10_000),
        )
        .expect("write");
    }
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.path("public/articles/a9999/index.html").exists());
    let category = site.read("public/categories/basics/index.html");
    assert!(category.contains("Article 9999"));
}

#[test]
fn symlinks_are_not_followed_out_of_the_site_or_round_a_loop() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/articles/basics/good.md",
        "---\ntitle: Good\ndescription: x\n---\nText.\n",
    );
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: SECRET OUTSIDE\ndescription: x\n---\nSECRET\n",
    )
    .expect("write");
    let articles = site.path("content/articles");
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        articles.join("basics/secret.md"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), articles.join("elsewhere")).expect("symlink");
    std::os::unix::fs::symlink(&articles, articles.join("basics/loop")).expect("symlink");
    std::os::unix::fs::symlink("self", articles.join("self")).expect("symlink");
    let out = site.build();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for link in ["basics/secret.md", "elsewhere", "basics/loop", "self"] {
        assert!(
            err.contains(&format!(
                "warning[W-FILE-SYMLINK]: symbolic link not followed\n --> content/articles/{link}"
            )),
            "{link}: {err}"
        );
    }
    let built: Vec<String> = walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(built.iter().all(|text| !text.contains("SECRET")));
}

#[test]
fn unreadable_files_are_named_in_an_error() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/articles/basics/locked.md",
        "---\ntitle: L\ndescription: x\n---\nText.\n",
    );
    use std::os::unix::fs::PermissionsExt as _;
    let locked = site.path("content/articles/basics/locked.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads any file: run as `nobody` then, over a site it may read.
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let out = if root {
        for entry in walkdir::WalkDir::new(site.root())
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path() != locked {
                let mode = if entry.file_type().is_dir() {
                    0o777
                } else {
                    0o644
                };
                std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode))
                    .expect("chmod");
            }
        }
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_waymark"))
            .args(["build", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("setpriv from util-linux")
    } else {
        site.build()
    };
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E-FILE-READ]: cannot read file: Permission denied"),
        "{err}"
    );
    assert!(
        err.contains("--> content/articles/basics/locked.md"),
        "{err}"
    );
    assert!(!site.path("public").exists());
}

#[test]
fn raw_html_can_be_turned_off() {
    let site = TestSite::new("invalid/_base");
    let article = "---\ntitle: Raw\ndescription: x\n---\n<div class=\"box\">Boxed</div>\n\nInline <script>alert(1)</script> and <b>bold</b>.\n";
    site.write("content/articles/basics/raw.md", article);
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.read("public/articles/raw/index.html");
    assert!(
        page.contains("<div class=\"box\">Boxed</div>"),
        "authors are trusted by default"
    );
    let config = site.read("site.yaml") + "markdown:\n  raw_html: false\n";
    site.write("site.yaml", &config);
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.read("public/articles/raw/index.html");
    assert!(
        page.contains("&lt;div class=&quot;box&quot;&gt;Boxed&lt;/div&gt;")
            || page.contains("&lt;div class=\"box\"&gt;Boxed&lt;/div&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<b>bold</b>"), "{page}");
    let html = site.html("public/articles/raw/index.html");
    assert!(
        crate::harness::texts(&html, ".prose")
            .concat()
            .contains("<script>alert(1)</script>")
    );
}

#[test]
fn template_mistakes_name_the_template_line_and_page() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/articles/basics/a.md",
        "---\ntitle: A\ndescription: x\n---\nText.\n",
    );
    assert!(site.build().status.success());
    let before = site.read("public/articles/a/index.html");
    let cases = [
        (
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n<p>{{ article.subtitle }}</p>\n{% endblock main %}\n",
            "error[E-TEMPLATE]: template failed while rendering `https://example.com/articles/a/`: Field `subtitle` is not defined. Available fields: category,",
            "--> templates/article.html:4:15",
        ),
        (
            "{% extends \"base.html\" %}\n{% block main %}\n{{ article.title | shout }}\n{% endblock main %}\n",
            "error[E-TEMPLATE]: template uses an unknown filter `shout`",
            "--> templates/article.html:3:20",
        ),
        (
            "{% extends \"base.html\" %}\n{% block main %}\n{{ article.title \n{% endblock main %}\n",
            "error[E-TEMPLATE-SYNTAX]: template does not parse",
            "--> templates/article.html:4:1",
        ),
    ];
    for (template, message, location) in cases {
        site.write("templates/article.html", template);
        for command in ["check", "build"] {
            let out = site.run(&[command]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{command}: {err}");
            assert!(err.contains(message), "{command}: {err}");
            assert!(err.contains(location), "{command}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    assert_eq!(site.read("public/articles/a/index.html"), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .expect("read root")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("waymark"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn every_template_mistake_is_reported_at_once() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ article.title | shout }}{% endblock main %}\n",
    );
    site.write(
        "templates/node.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ node.title | upper | whisper }}{% endblock main %}\n",
    );
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}\n{% block main %}{% include \"partials/missing.html\" %}{% endblock main %}\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for expected in [
        "error[E-TEMPLATE]: template uses an unknown template `partials/missing.html`",
        "--> templates/tag.html:2:28",
        "help: templates are found in the site's `templates/` and then the theme's",
        "error[E-TEMPLATE]: template uses an unknown filter `shout`",
        "--> templates/article.html:2:36",
        "error[E-TEMPLATE]: template uses an unknown filter `whisper`",
        "--> templates/node.html:2:41",
        "3 error(s)",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[test]
fn odd_but_valid_files_build_and_broken_ones_are_explained() {
    let site = TestSite::new("invalid/_base");
    // Valid: a BOM, CRLF line endings, only front matter.
    site.write(
        "content/articles/basics/bom.md",
        "\u{feff}---\ntitle: Bom\ndescription: x\n---\nText.\n",
    );
    site.write(
        "content/articles/basics/crlf.md",
        "---\r\ntitle: Crlf\r\ndescription: x\r\n---\r\n## Part\r\n\r\nSee [good](article:good).\r\n",
    );
    site.write(
        "content/articles/basics/only.md",
        "---\ntitle: Only\ndescription: x\n---\n",
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.read("public/articles/bom/index.html")
            .contains("<h1>Bom</h1>")
    );
    assert!(
        site.read("public/articles/crlf/index.html")
            .contains("id=\"part\"")
    );
    assert!(site.path("public/articles/only/index.html").exists());

    // Broken: an empty article, an empty tree, a CRLF file with a broken
    // link, and a 1 MB line with a mistake at its end.
    site.write("content/articles/basics/empty.md", "");
    site.write("content/trees/empty.yaml", "");
    site.write(
        "content/articles/basics/crlf.md",
        "---\r\ntitle: Crlf\r\ndescription: x\r\n---\r\n\r\nSee [it](article:nope).\r\n",
    );
    let long = format!(
        "---\ntitle: Long\ndescription: x\n---\n{} [end](article:gone)\n",
        "word ".repeat(200_000)
    );
    site.write("content/articles/basics/long.md", &long);
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for needle in [
        "error[E-FRONT-MATTER]: article has no front matter\n --> content/articles/basics/empty.md",
        "--> content/trees/empty.yaml",
        "error[E-LINK-BROKEN]: link to unknown article `nope`\n --> content/articles/basics/crlf.md:6:5",
        "error[E-LINK-BROKEN]: link to unknown article `gone`\n --> content/articles/basics/long.md:5:1000002",
    ] {
        assert!(
            err.contains(needle),
            "missing {needle:?} in:\n{}",
            &err[..err.len().min(4000)]
        );
    }
    // The long line is cut around the mistake, not printed whole.
    assert!(err.len() < 20_000, "{} bytes of diagnostics", err.len());
}

#[test]
fn every_broken_link_kind_is_reported_once_with_a_suggestion() {
    let site = TestSite::new("invalid/_base");
    copy_dir(
        &fixtures().join("invalid/every-broken-link-kind"),
        site.root(),
    );
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = crate::harness::json_lines(&out);
    let links: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|d| d["file"] == "content/articles/basics/links.md")
        .collect();
    // One per broken line of the article (lines 7 to 23), each with a fix;
    // the working links on line 25 and the link to the tree that failed to
    // parse (its own error says why) are not reported.
    let reported: Vec<u64> = links.iter().filter_map(|d| d["line"].as_u64()).collect();
    assert_eq!(reported, [7, 9, 11, 13, 15, 17, 19, 23], "{links:#?}");
    for d in &links {
        assert!(d["help"].is_string(), "no help: {d}");
        assert!(d["column"].as_u64() == Some(1), "{d}");
    }
    let all = crate::harness::stdout(&out);
    assert!(!all.contains("unknown tree `broken`"), "{all}");
    assert!(
        all.contains("content/trees/broken.yaml"),
        "the tree's own error"
    );
}

#[test]
fn root_relative_links_to_troubleshooter_steps_are_checked() {
    let site = TestSite::new("invalid/_base");
    site.write(
        "content/trees/net.yaml",
        "title: Net\ndescription: Find the fault.\ncategory: basics\nnodes:\n  start:\n    question: Lights on?\n    answers:\n      - label: \"Yes\"\n        next: lit\n      - label: \"No\"\n        next: article:good\n  lit:\n    title: Restart it\n    outcome: fix\n    body: Restart the router.\n    related: [good]\n",
    );
    site.write(
        "content/articles/basics/good.md",
        "---\ntitle: Good\ndescription: x\n---\n[step](/troubleshoot/net/lit/) and [tree](/troubleshoot/net/)\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    site.write(
        "content/articles/basics/bad.md",
        "---\ntitle: Bad\ndescription: x\n---\n[step](/troubleshoot/net/lot/)\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("did you mean `/troubleshoot/net/lit/`?"),
        "{err}"
    );
}
