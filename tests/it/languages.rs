//! Many languages from one site: the `languages` fixture (English, Spanish,
//! Arabic) built by the real binary; translation freshness; the browser
//! suite `tests/browser/languages.mjs`.

use crate::harness::{TestSite, attrs, json_lines, stderr, stdout};

#[test]
fn translations_json_reports_exactly_the_outdated_missing_and_untracked() {
    let site = TestSite::new("languages");
    let out = site.run(&["translations", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(
        doc["totals"],
        serde_json::json!({"current": 3, "outdated": 1, "missing": 1, "untracked": 1})
    );
    let pick = |status: &str| -> Vec<String> {
        doc["pages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["status"] == status)
            .map(|p| format!("{} {} {}", p["language"], p["kind"], p["slug"]).replace('"', ""))
            .collect()
    };
    assert_eq!(pick("outdated"), ["es article reset"]);
    assert_eq!(pick("missing"), ["ar article reset"]);
    assert_eq!(pick("untracked"), ["ar article intro"]);
    assert_eq!(doc["languages"]["es"]["outdated"], 1);

    // `check` warns about the outdated one; stamping it makes it current.
    let check = site.run(&["check", "--format", "json"]);
    let warnings: Vec<_> = json_lines(&check)
        .into_iter()
        .filter(|d| d["code"] == "W-TRANSLATION-OUTDATED")
        .collect();
    assert_eq!(warnings.len(), 1, "{}", stdout(&check));
    assert!(
        warnings[0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("reset.es.md"))
    );
    let stamp = site.run(&[
        "translations",
        "--stamp",
        "content/articles/basics/reset.es.md",
    ]);
    assert!(stamp.status.success(), "{}", stderr(&stamp));
    let out = site.run(&["translations", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(doc["totals"]["outdated"], 0);
    assert_eq!(doc["totals"]["current"], 4);
}

#[test]
fn every_language_gets_every_page_with_alternates_and_direction() {
    let site = TestSite::new("languages");
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    for page in [
        "",
        "categories/basics/",
        "articles/intro/",
        "articles/reset/",
        "troubleshoot/router/",
        "troubleshoot/router/works/",
        "troubleshoot/router/paths/",
        "troubleshoot/router/tree.json",
        "search/",
        "tags/",
        "404.html",
    ] {
        for prefix in ["", "es/", "ar/"] {
            let file = if page.ends_with('/') || page.is_empty() {
                format!("public/{prefix}{page}index.html")
            } else {
                format!("public/{prefix}{page}")
            };
            assert!(site.path(&file).is_file(), "{file}");
        }
    }
    let ar = site.html("public/ar/articles/intro/index.html");
    assert_eq!(attrs(&ar, "html", "dir"), ["rtl"]);
    assert_eq!(attrs(&ar, "html", "lang"), ["ar"]);
    assert_eq!(
        attrs(&ar, "link[rel=alternate]", "hreflang"),
        ["en", "es", "ar", "x-default"]
    );
    // The reset article has no Arabic text: no alternate says it has.
    let en = site.html("public/articles/reset/index.html");
    assert_eq!(
        attrs(&en, "link[rel=alternate]", "hreflang"),
        ["en", "es", "x-default"]
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/es/troubleshoot/router/tree.json")).expect("json");
    assert_eq!(json["language"], "es");
    assert_eq!(json["nodes"][0]["question"], "¿De qué color es la luz?");
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(r#"<xhtml:link rel="alternate" hreflang="es" href="https://example.com/help/es/articles/intro/"/>"#));
    assert!(
        !sitemap.contains("help/ar/articles/reset/"),
        "fallbacks are not listed"
    );
    // Assets are shared at the root, not copied per language.
    assert!(!site.path("public/es/style.css").exists());
    assert!(!site.path("public/es/sitemap.xml").exists());
    // Dates in the page's language.
    assert!(
        site.read("public/es/articles/intro/index.html")
            .contains(">20 de noviembre de 2026</time>")
    );
}

#[test]
fn a_tree_translation_must_mirror_its_source() {
    let site = TestSite::new("languages");
    let file = "content/trees/router.es.yaml";
    let text = site
        .read(file)
        .replace("next: article:reset", "next: works");
    site.write(file, &text);
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let errors: Vec<_> = json_lines(&out)
        .into_iter()
        .filter(|d| d["code"] == "E-TRANSLATION-STRUCTURE")
        .collect();
    assert_eq!(errors.len(), 1, "{}", stdout(&out));
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("leads to `works`, the source's to `article:reset`"))
    );
    assert_eq!(errors[0]["related"][0]["file"], "content/trees/router.yaml");
}

#[test]
fn translations_of_unknown_languages_or_sources_and_source_only_fields_are_errors() {
    let site = TestSite::new("languages");
    site.write(
        "content/articles/basics/intro.fr.md",
        "---\ntitle: T\ndescription: D\n---\n",
    );
    site.write(
        "content/articles/basics/intrp.es.md",
        "---\ntitle: T\ndescription: D\n---\n",
    );
    site.write(
        "content/articles/basics/reset.ar.md",
        "---\ntitle: T\ndescription: D\norder: 3\n---\n",
    );
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<(String, String)> = json_lines(&out)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes.len(), 3, "{found:?}");
    assert!(codes.contains(&"E-TRANSLATION-LANGUAGE"));
    assert!(
        found
            .iter()
            .any(|(c, h)| c == "E-TRANSLATION-SOURCE" && h.contains("did you mean `intro`?"))
    );
    assert!(
        found
            .iter()
            .any(|(c, h)| c == "E-TRANSLATION-FIELD" && h.contains("remove `order` here"))
    );
}

#[test]
fn new_translation_starts_from_the_source_and_is_current() {
    let site = TestSite::new("languages");
    std::fs::remove_file(site.path("content/articles/basics/intro.ar.md")).expect("rm");
    let out = site.run(&[
        "new",
        "translation",
        "content/articles/basics/intro.md",
        "--lang",
        "ar",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = site.read("content/articles/basics/intro.ar.md");
    assert!(text.starts_with("---\nsource: "), "{text}");
    assert!(
        !text.contains("related:") && !text.contains("order:"),
        "{text}"
    );
    let out = site.run(&["translations", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(doc["languages"]["ar"]["untracked"], 0);
    assert_eq!(doc["languages"]["ar"]["current"], 2);
}

#[test]
fn a_site_overrides_interface_strings_and_missing_ones_fall_back_with_a_warning() {
    let site = TestSite::new("languages");
    site.write("i18n/es.yaml", "last_updated: Revisado\n");
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{config}  - code: it\n    name: Italiano\n"),
    );
    site.write("i18n/it.yaml", "home: Pagina iniziale\n");
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("W-I18N-MISSING") && text.contains("i18n/it.yaml"),
        "{text}"
    );
    assert!(
        site.read("public/es/articles/intro/index.html")
            .contains("<span>Revisado <time")
    );
    let it = site.read("public/it/articles/intro/index.html");
    assert!(it.contains(">Pagina iniziale</a>"), "the site's word");
    assert!(
        it.contains("<span>Last updated <time"),
        "English where it has none"
    );

    site.write(
        "site.yaml",
        &format!("{config}  - code: tlh\n    name: tlhIngan\n"),
    );
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let unknown: Vec<_> = json_lines(&out)
        .into_iter()
        .filter(|d| d["code"] == "E-LANGUAGE-UNKNOWN")
        .collect();
    assert_eq!(unknown.len(), 1, "{}", stdout(&out));
    assert_eq!(unknown[0]["file"], "site.yaml");
}

#[test]
fn a_translation_without_a_linked_heading_id_is_reported_for_its_language() {
    let site = TestSite::new("languages");
    // Arabic shows the reset article as a fallback, whose link to
    // `intro.md#red-light` now breaks in Arabic only.
    let file = "content/articles/basics/intro.ar.md";
    let text = site.read(file).replace(" {#red-light}", "");
    site.write(file, &text);
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let errors: Vec<_> = json_lines(&out)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "the fallback's link, once: {errors:#?}");
    assert!(errors.iter().any(|d| {
        d["file"] == "content/articles/basics/reset.md"
            && d["message"]
                .as_str()
                .is_some_and(|m| m.ends_with("(in the `ar` pages)"))
    }));
}
