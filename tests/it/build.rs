//! A clean build of the basic fixture: pages, links, head, output safety.

use crate::harness::{TestSite, attrs, files, stderr, texts};

#[test]
fn builds_every_page_type_with_pretty_urls() {
    let site = TestSite::new("basic");
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let all = files(&site.path("public"));
    for expected in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "style.css",
        "categories/getting-started/index.html",
        "categories/fixes/index.html",
        "articles/welcome/index.html",
        "articles/second/index.html",
        "articles/fix-errors/index.html",
        "old/welcome/index.html",
        "troubleshoot/connect/index.html",
        "troubleshoot/connect/start/index.html",
        "troubleshoot/connect/payment/index.html",
        "troubleshoot/connect/paths/index.html",
        "troubleshoot/connect/tree.json",
    ] {
        assert!(
            all.contains(&expected.to_string()),
            "missing {expected} in {all:?}"
        );
    }
    assert!(
        !all.iter().any(|f| f.contains("draft-page")),
        "drafts are not built"
    );
}

#[test]
fn drafts_are_built_with_the_flag() {
    let site = TestSite::new("basic");
    let out = site.run(&["build", "--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.path("public/articles/draft-page/index.html").exists());
}

#[test]
fn nothing_from_a_draft_reaches_any_output_file() {
    // Regression: the words of a draft reached the public search index
    // (its typo lists) when building without `--drafts`.
    let site = TestSite::new("basic");
    site.write(
        "content/articles/fixes/secret-plan.md",
        "---\ntitle: Zanzibarquux Plan\ndescription: Not ready.\ndraft: true\ntags: [Quokkaroo]\n---\n## Wobblefrotz\n\nThe Zanzibarquux launch is secret.\n",
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let secrets = ["zanzibarquux", "quokkaroo", "wobblefrotz", "secret-plan"];
    // The index keeps 1-deletion variants of words for typo matching.
    let mut needles: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
    for word in &secrets[..3] {
        for i in 1..word.len() - 1 {
            needles.push(format!("{}{}", &word[..i], &word[i + 1..]));
        }
    }
    for file in files(&site.path("public")) {
        let text = String::from_utf8_lossy(
            &std::fs::read(site.path(&format!("public/{file}"))).expect("read"),
        )
        .to_lowercase();
        for needle in &needles {
            assert!(!text.contains(needle.as_str()), "`{needle}` is in {file}");
        }
    }
    let out = site.run(&["build", "--drafts", "--output", "with-drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let index: String = files(&site.path("with-drafts/search"))
        .iter()
        .map(|f| site.read(&format!("with-drafts/search/{f}")))
        .collect();
    assert!(
        index.contains("zanzibarquux"),
        "with --drafts, drafts are found"
    );
}

#[test]
fn article_page_has_head_toc_body_and_navigation() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let html = site.html("public/articles/welcome/index.html");
    assert_eq!(
        texts(&html, "title"),
        ["Welcome <to> \"the\" help · Fixture Help"]
    );
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        ["https://example.com/help/articles/welcome/"]
    );
    assert_eq!(
        attrs(&html, "meta[name=description]", "content"),
        ["Start here & learn the basics."]
    );
    assert_eq!(
        attrs(&html, "meta[property='og:type']", "content"),
        ["article"]
    );
    assert_eq!(texts(&html, "main h1"), ["Welcome <to> \"the\" help"]);
    // Headings: stable, deduplicated ids, and a toc of h2/h3.
    assert_eq!(
        attrs(&html, ".prose h2:not(.visually-hidden)", "id"),
        ["what-is-it", "what-is-it-1"]
    );
    assert_eq!(
        attrs(&html, ".toc a", "href"),
        ["#what-is-it", "#details", "#what-is-it-1"]
    );
    // Internal links rewritten under the base path.
    let hrefs = attrs(&html, ".prose a", "href");
    for href in [
        "/help/articles/fix-errors/#second-step",
        "/help/articles/fix-errors/",
        "/help/troubleshoot/connect/",
        "/help/troubleshoot/connect/payment/",
    ] {
        assert!(hrefs.contains(&href.to_string()), "{href} not in {hrefs:?}");
    }
    // GFM features.
    assert_eq!(texts(&html, ".callout-warning .callout-title"), ["Warning"]);
    assert_eq!(texts(&html, ".prose del"), ["old"]);
    assert_eq!(attrs(&html, ".prose input[type=checkbox]", "type").len(), 2);
    assert_eq!(texts(&html, ".prose .footnotes li").len(), 1);
    // Metadata, related, trees pointing here, category neighbours.
    assert_eq!(attrs(&html, "time", "datetime"), ["2026-11-20"]);
    assert_eq!(texts(&html, ".tag"), ["intro", "basics"]);
    // The troubleshooter is listed under the steps that lead here, once.
    assert_eq!(texts(&html, ".related a"), ["Fix errors"]);
    assert_eq!(
        texts(&html, ".pointers a"),
        [
            "Connection fails › Remove it and retry",
            "Connection fails › Contact support"
        ]
    );
    assert_eq!(texts(&html, ".pager a"), ["Next Second article"]);
    assert_eq!(texts(&html, ".breadcrumbs a"), ["Home", "Getting started"]);
    assert_eq!(
        texts(&html, ".sidebar a[aria-current]"),
        ["Welcome <to> \"the\" help"]
    );
}

#[test]
fn json_ld_is_valid_and_cannot_break_out() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let html = site.html("public/articles/welcome/index.html");
    let blocks = texts(&html, "script[type='application/ld+json']");
    assert_eq!(blocks.len(), 1);
    let value: serde_json::Value = serde_json::from_str(&blocks[0]).expect("valid JSON-LD");
    assert_eq!(value["@type"], "Article");
    assert_eq!(value["headline"], "Welcome <to> \"the\" help");
    assert!(
        !blocks[0].contains('<'),
        "angle brackets are escaped in JSON-LD"
    );
}

#[test]
fn no_inline_scripts_or_styles_and_no_other_origins() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    for file in files(&site.path("public"))
        .iter()
        .filter(|f| f.ends_with(".html"))
    {
        let html = site.html(&format!("public/{file}"));
        let inline_scripts = scraper::Selector::parse("script:not([src])").expect("selector");
        for script in html.select(&inline_scripts) {
            assert_eq!(
                script.value().attr("type"),
                Some("application/ld+json"),
                "{file}: inline script"
            );
        }
        assert!(
            attrs(&html, "[style]", "style").is_empty(),
            "{file}: style attribute"
        );
        assert!(texts(&html, "style").is_empty(), "{file}: style element");
        for src in attrs(&html, "script[src]", "src").into_iter().chain(attrs(
            &html,
            "link[rel=stylesheet]",
            "href",
        )) {
            assert!(
                src.starts_with("/help/"),
                "{file}: asset from elsewhere: {src}"
            );
        }
    }
}

#[test]
fn search_boxes_have_the_sites_placeholder_and_distinct_landmark_names() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let home = site.html("public/index.html");
    // Nothing from the CoEx site baked into the theme: a neutral default...
    assert_eq!(
        attrs(&home, "#home-search", "placeholder"),
        ["Search the help center"]
    );
    // ...and two search landmarks on one page are told apart.
    assert_eq!(
        attrs(&home, "[role=search][aria-label]", "aria-label"),
        ["Site search"]
    );
    assert_eq!(
        attrs(&home, "[role=search][aria-labelledby]", "aria-labelledby"),
        ["home-search-label"]
    );
    assert_eq!(
        texts(&home, "#home-search-label"),
        ["Describe your problem"]
    );
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{config}search:\n  placeholder: e.g. payment error\n"),
    );
    assert!(site.build().status.success());
    let home = site.html("public/index.html");
    assert_eq!(
        attrs(&home, "#home-search", "placeholder"),
        ["e.g. payment error"]
    );
}

#[test]
fn sitemap_robots_and_redirects_use_base_url() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://example.com/help/articles/welcome/</loc><lastmod>2026-11-20</lastmod>"
    ));
    assert!(sitemap.contains("<loc>https://example.com/help/troubleshoot/connect/</loc>"));
    assert!(!sitemap.contains("draft-page"));
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://example.com/help/sitemap.xml")
    );
    let redirect = site.html("public/old/welcome/index.html");
    assert_eq!(
        attrs(&redirect, "meta[http-equiv=refresh]", "content"),
        ["0; url=/help/articles/welcome/"]
    );
    assert_eq!(
        attrs(&redirect, "link[rel=canonical]", "href"),
        ["https://example.com/help/articles/welcome/"]
    );
}

#[test]
fn every_internal_link_resolves_to_a_built_file() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let public = site.path("public");
    for file in files(&public).iter().filter(|f| f.ends_with(".html")) {
        let html = site.html(&format!("public/{file}"));
        for href in attrs(&html, "a[href]", "href").into_iter().chain(attrs(
            &html,
            "link[href], script[src]",
            "href",
        )) {
            let Some(path) = href.strip_prefix("/help/") else {
                assert!(
                    href.starts_with("http") || href.starts_with('#'),
                    "{file}: unexpected link {href}"
                );
                continue;
            };
            let path = path.split(['#', '?']).next().unwrap_or_default();
            let target = if path.is_empty() || path.ends_with('/') {
                public.join(path).join("index.html")
            } else {
                public.join(path)
            };
            assert!(target.exists(), "{file}: broken link {href}");
        }
    }
}

#[test]
fn site_templates_override_theme_templates() {
    let site = TestSite::new("basic");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Custom lost page</h1>{% endblock main %}",
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        texts(&site.html("public/404.html"), "h1"),
        ["Custom lost page"]
    );
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    assert!(site.build().status.success());
    assert!(
        site.path("public/logo.svg").exists(),
        "site static files are copied"
    );
}

#[test]
fn builds_are_deterministic() {
    // Articles load in parallel, so words meet the index in a different
    // order each run (regression: the top lists' folder name followed it).
    // A site with a few hundred docs shows it within a few builds.
    let site = TestSite::new_empty();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    crate::harness::copy_dir(&repo.join("content"), &site.path("content"));
    std::fs::copy(repo.join("site.yaml"), site.path("site.yaml")).expect("copy site.yaml");
    assert!(site.run(&["build", "--output", "a"]).status.success());
    let a = files(&site.path("a"));
    for run in ["b", "c", "d"] {
        assert!(site.run(&["build", "--output", run]).status.success());
        assert_eq!(a, files(&site.path(run)));
        for f in &a {
            assert_eq!(
                std::fs::read(site.path("a").join(f)).ok(),
                std::fs::read(site.path(run).join(f)).ok(),
                "{f} differs between two builds"
            );
        }
    }
}

#[test]
fn failed_build_leaves_previous_output_intact() {
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let before = site.read("public/articles/welcome/index.html");
    site.write(
        "content/articles/fixes/broken.md",
        "---\ntitle: Broken\ndescription: x\n---\n[bad](article:nowhere)\n",
    );
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(site.read("public/articles/welcome/index.html"), before);
    assert!(!site.path("public/articles/broken").exists());
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .expect("read root")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("waymark-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary folders left: {leftovers:?}"
    );
}

#[test]
fn refuses_dangerous_output_folders() {
    let site = TestSite::new("basic");
    for output in [".", "content/out", "/", ".."] {
        let out = site.run(&["build", "--output", output]);
        assert_eq!(out.status.code(), Some(2), "{output}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("refusing"),
            "{output}: {}",
            stderr(&out)
        );
    }
    assert!(site.path("site.yaml").exists());
    std::fs::create_dir(site.path("notes")).expect("mkdir");
    site.write("notes/keep.txt", "mine");
    let out = site.run(&["build", "--output", "notes"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(site.read("notes/keep.txt"), "mine");
}

#[test]
fn base_url_flag_overrides_site_yaml() {
    let site = TestSite::new("basic");
    let out = site.run(&["build", "--base-url", "https://docs.example.org/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = site.html("public/articles/welcome/index.html");
    assert_eq!(
        attrs(&html, "link[rel=canonical]", "href"),
        ["https://docs.example.org/articles/welcome/"]
    );
    assert!(attrs(&html, "link[rel=stylesheet]", "href")[0].starts_with("/style.css"));
}

#[test]
fn the_coex_help_center_builds_cleanly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().expect("temp dir");
    let output = out_dir.path().join("site");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let articles = files(&output.join("articles"));
    assert!(articles.len() >= 8, "at least 8 articles: {articles:?}");
    assert!(files(&output.join("categories")).len() >= 3);
    let trees: Vec<_> = files(&output.join("troubleshoot"))
        .into_iter()
        .filter(|f| f.ends_with("tree.json"))
        .collect();
    assert!(trees.len() >= 4, "at least 4 trees: {trees:?}");
}

/// Backticked names in `text` outside parentheses: the top-level names of
/// a row of the README's template tables.
fn top_level_names(text: &str) -> Vec<String> {
    let mut depth = 0;
    let mut outside = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    outside
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn readme_lists_values_templates_really_get() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README");
    let section = readme
        .split("### What templates see")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a `What templates see` section");
    let rows: Vec<Vec<&str>> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.trim_matches('|').split(" | ").collect())
        .collect();
    // Every page: `site.*` and `page.*` names.
    let common: Vec<String> = rows
        .iter()
        .filter(|r| r[0].contains("`site.") || r[0].contains("`page."))
        .flat_map(|r| top_level_names(r[0]))
        .collect();
    assert!(common.len() > 15, "site and page values found: {common:?}");
    let print = |names: &[String]| -> String {
        names
            .iter()
            .map(|n| format!("{n}={{{{ {n} | json_encode() | safe }}}}\n"))
            .collect()
    };
    let site = TestSite::new("basic");
    let mut checked = Vec::new();
    for row in rows.iter().filter(|r| r[0].contains(".html`")) {
        let mut names = top_level_names(row[1]);
        names.extend(common.iter().cloned());
        for template in top_level_names(row[0]) {
            site.write(&format!("templates/{template}"), &print(&names));
            checked.push(template);
        }
    }
    assert!(checked.len() >= 8, "templates documented: {checked:?}");
    // A name a template does not get fails the build (E-TEMPLATE).
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = site.read("public/index.html");
    assert!(home.contains("categories=[{"), "{home}");
    assert!(home.contains("page.canonical=\""), "{home}");
}

#[test]
fn every_tag_has_a_page_linked_from_what_carries_it() {
    let site = TestSite::new("basic");
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let index = site.html("public/tags/index.html");
    let tags = attrs(&index, "main a.tag", "href");
    assert!(tags.contains(&"/help/tags/intro/".to_string()), "{tags:?}");
    let intro = site.html("public/tags/intro/index.html");
    assert_eq!(texts(&intro, "main h1"), ["Tagged “intro”"]);
    assert!(attrs(&intro, "main a", "href").contains(&"/help/articles/welcome/".to_string()));
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains("https://example.com/help/tags/intro/"),
        "{sitemap}"
    );
    // A link to a tag page is a link to a page of the site.
    site.write(
        "content/articles/fixes/see-tags.md",
        "---\ntitle: See tags\ndescription: Links to a tag.\n---\nSee [intro pages](/tags/intro/) and [nothing](/tags/intra/).\n",
    );
    let check = site.run(&["check"]);
    let err = stderr(&check);
    assert!(
        err.contains("`/tags/intra/`") && err.contains("did you mean `/tags/intro/`?"),
        "{err}"
    );
    assert!(!err.contains("`/tags/intro/`:"), "{err}");
}

#[test]
fn a_troubleshooter_is_listed_once_per_article() {
    // `welcome` names tree:connect under related, and a step of connect
    // links to welcome: it is listed under the steps that lead here only.
    let site = TestSite::new("basic");
    assert!(site.build().status.success());
    let welcome = site.html("public/articles/welcome/index.html");
    let pointers = attrs(&welcome, ".pointers a", "href");
    assert!(
        pointers
            .iter()
            .any(|h| h.starts_with("/help/troubleshoot/connect/")),
        "listed under the steps that lead here: {pointers:?}"
    );
    let related = attrs(&welcome, ".related a", "href");
    assert!(
        !related
            .iter()
            .any(|h| h.starts_with("/help/troubleshoot/connect/")),
        "not again under Related: {related:?}"
    );
    assert!(
        related.contains(&"/help/articles/fix-errors/".to_string()),
        "{related:?}"
    );
}

#[test]
fn logo_and_favicon_must_be_files_in_static() {
    let site = TestSite::new("basic");
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{config}logo: img/logo.svg\nfavicon: img/icon.png\n"),
    );
    site.write(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E-CONFIG-IMAGE]: `favicon` names `img/icon.png`, which is not a file in `static/`"), "{err}");
    assert!(!err.contains("`logo` names"), "{err}");
}
