//! Articles: one Markdown file with YAML front matter each.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::base::diagnostic::{Diagnostic, Pos};
use crate::base::spill::{Spill, Spilled};
use crate::text::markdown::{self, Origin, Rendered, Settings};
use crate::text::source::{FrontMatterError, Located, YamlIndex, split_front_matter};
use crate::text::words::{Analyser, SectionTerms};
use crate::text::yaml;

/// Front matter as authors write it; see the content model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    description: String,
    /// Default: the name of the folder holding the file.
    category: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    updated: Option<String>,
    review_by: Option<String>,
    order: Option<i64>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    /// Custom fields for templates, as `page.article.extra.<name>`.
    extra: Option<serde_yaml::Value>,
    /// A translation's stamp: the hash of the source it was made from.
    source: Option<String>,
}

/// The front-matter fields, for listing unknown ones all at once.
pub(crate) const FIELDS: [&str; 12] = [
    "source",
    "title",
    "description",
    "category",
    "tags",
    "updated",
    "review_by",
    "order",
    "draft",
    "aliases",
    "related",
    "extra",
];

/// A loaded article, its Markdown already rendered.
#[derive(Debug)]
pub struct Article {
    pub slug: String,
    /// Path relative to the site root.
    pub file: PathBuf,
    pub title: String,
    pub description: String,
    pub category: Located<String>,
    pub tags: Vec<String>,
    pub updated: Option<String>,
    pub review_by: Option<String>,
    /// Where `updated` and `review_by` are written, for warnings.
    pub date_pos: [Pos; 2],
    /// Where `description` is written, for warnings.
    pub description_pos: Pos,
    /// Position in its category; articles without one come last, by title.
    pub order: i64,
    pub draft: bool,
    pub aliases: Vec<Located<String>>,
    pub related: Vec<Located<String>>,
    /// What the body holds (headings, links, code) but not its HTML,
    /// which waits in the spill (`spilled`) or is rendered again from the
    /// file: holding every article's HTML from loading to rendering
    /// doubled a build's memory.
    /// Its plain-text sections are analysed for search and dropped.
    pub body: Rendered,
    /// The hash of the body's Markdown, to notice the file changing
    /// between loading and rendering.
    pub body_hash: u64,
    /// Where loading kept the body's HTML, when it did (see `base::spill`).
    pub spilled: Option<Spilled>,
    /// The front matter's `extra:` map, for custom templates (`null`
    /// when absent).
    pub extra: serde_json::Value,
    /// A translation's `source:` stamp.
    pub source_stamp: Option<Located<String>>,
    /// The hash of the translatable text, for sources of a site with
    /// more languages (see `load::translation`).
    pub text_hash: Option<String>,
    /// The page shows the source's text: no translation exists.
    pub fallback: bool,
}

/// What a file is loaded as.
#[derive(Debug, Clone, Copy)]
pub enum Role<'a> {
    /// An article of the default language; `hash`: note the hash of its
    /// text, because translations are checked against it.
    Source { hash: bool },
    /// A translation of this source: fields that are not language-specific
    /// come from it.
    Translation(&'a Article),
    /// The source's text shown in another language's site, where it has
    /// no translation: not analysed for search.
    Fallback,
}

/// An article and the words search needs of it (empty for a draft left
/// out of the site: its words must not reach the public index).
pub type Loaded = (Box<Article>, Vec<SectionTerms>);

/// Reads one article; `None` when it has errors that stop further checks.
/// Its text is analysed for search unless it is a draft and `drafts` is
/// off.
pub fn load(
    file: &Path,
    text: &str,
    settings: &Settings,
    analyser: &Analyser,
    drafts: bool,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    load_as(
        file,
        text,
        settings,
        analyser,
        drafts,
        Role::Source { hash: false },
        None,
    )
}

/// Reads one article in a `role`; see [`load`]. With a `spill`, the
/// body's HTML is rendered in the same pass and kept there for the page.
pub fn load_as(
    file: &Path,
    text: &str,
    settings: &Settings,
    analyser: &Analyser,
    drafts: bool,
    role: Role,
    spill: Option<&Spill>,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let split = match split_front_matter(text) {
        Ok(split) => split,
        Err(e) => {
            let (message, help) = match e {
                FrontMatterError::Missing => (
                    "article has no front matter",
                    "start the file with `---`, then `title:` and `description:`, then `---`",
                ),
                FrontMatterError::Unterminated => (
                    "front matter is not closed",
                    "add a line with only `---` after the front matter",
                ),
            };
            let d = Diagnostic::error("E-FRONT-MATTER", file, Pos::new(1, 1, 3), message);
            return (None, vec![d.with_help(help)]);
        }
    };
    let index = YamlIndex::new(split.yaml, split.yaml_line);
    // The typed parse refuses unknown fields; only when it fails is the
    // front matter read again to list every unknown field at once (the
    // second parse cost every article a fifth of its load time).
    let mut fm: FrontMatter = match yaml::from_str(split.yaml, file, split.yaml_line) {
        Ok(fm) => fm,
        Err(d) => {
            let unknown = unknown_fields(split.yaml, file, &index);
            return (
                None,
                if unknown.is_empty() {
                    vec![*d]
                } else {
                    unknown
                },
            );
        }
    };
    match role {
        Role::Translation(source) => {
            let set = [
                ("category", fm.category.is_some()),
                ("order", fm.order.is_some()),
                ("related", !fm.related.is_empty()),
                ("aliases", !fm.aliases.is_empty()),
                ("extra", fm.extra.is_some()),
            ];
            for (key, _) in set.iter().filter(|(_, set)| *set) {
                diagnostics.push(
                    Diagnostic::error(
                        "E-TRANSLATION-FIELD",
                        file,
                        index.key(key),
                        format!("`{key}` comes from the source, not a translation"),
                    )
                    .with_related(&source.file, Pos::default(), "the source")
                    .with_help(format!(
                        "remove `{key}` here; set it in `{}`",
                        source.file.display()
                    )),
                );
            }
            fm.category = Some(source.category.value.clone());
            fm.order = Some(source.order);
            if fm.tags.is_empty() {
                fm.tags = source.tags.clone();
            }
            if fm.updated.is_none() {
                fm.updated = source.updated.clone();
            }
        }
        Role::Source { .. } | Role::Fallback => {
            if fm.source.is_some() {
                diagnostics.push(
                    Diagnostic::error(
                        "E-ARTICLE-SOURCE",
                        file,
                        index.key("source"),
                        "only a translation (`slug.<code>.md`) has `source:`",
                    )
                    .with_help("remove `source:`, or name the file after its source and language, like `known-limitations.es.md`"),
                );
            }
        }
    }
    let slug = crate::load::translation::split(file)
        .map_or(crate::text::link::slug_of(file), |(slug, _)| slug)
        .to_string();
    if !crate::load::config::is_slug(&slug) {
        diagnostics.push(
            Diagnostic::error("E-ARTICLE-SLUG", file, Pos::default(), format!("file name `{slug}` is not a valid slug"))
                .with_help("rename the file to lowercase letters, digits and hyphens, like `chats-not-syncing.md`"),
        );
    }
    for (key, value) in [("updated", &fm.updated), ("review_by", &fm.review_by)] {
        if let Some(date) = value
            .as_deref()
            .filter(|d| !crate::base::date::is_iso_date(d))
        {
            diagnostics.push(
                Diagnostic::error(
                    "E-ARTICLE-DATE",
                    file,
                    index.value(key),
                    format!("`{key}` is not a date: `{date}`"),
                )
                .with_help("write it as YYYY-MM-DD, like `2026-11-20`"),
            );
        }
    }
    for (key, value) in [("title", &fm.title), ("description", &fm.description)] {
        if value.trim().is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    "E-ARTICLE-EMPTY",
                    file,
                    index.key(key),
                    format!("`{key}` is empty"),
                )
                .with_help(format!(
                    "write a {key} for lists, search results and the page head"
                )),
            );
        }
    }
    let category = match (fm.category, role) {
        (Some(_), Role::Translation(source)) => source.category.clone(),
        (Some(c), _) => Located {
            value: c,
            pos: index.value("category"),
        },
        (None, _) => Located {
            value: folder_name(file),
            pos: Pos::default(),
        },
    };
    let text_hash = matches!(role, Role::Source { hash: true })
        .then(|| crate::load::translation::article_hash(&fm.title, &fm.description, split.body));
    let origin = Origin::file(file, split.body_line);
    // A draft left out of the site is never rendered.
    let spill = spill.filter(|_| !fm.draft || drafts);
    let mut body = match spill {
        Some(_) => markdown::render(split.body, origin, settings),
        None => markdown::facts(split.body, origin, settings),
    };
    // If the spill cannot be written to, the page renders from the file.
    let spilled = spill.and_then(|spill| spill.put(&std::mem::take(&mut body.html)).ok());
    // Keep only what search needs of the text, not the text itself.
    let sections = std::mem::take(&mut body.sections);
    let search = if (fm.draft && !drafts) || matches!(role, Role::Fallback) {
        Vec::new()
    } else {
        analyser.article_sections(&fm.title, &fm.description, &fm.tags, &sections)
    };
    drop(sections);
    let locate_list = |key: &str, values: Vec<String>| -> Vec<Located<String>> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, value)| Located {
                pos: index.value(&format!("{key}.{i}")),
                value,
            })
            .collect()
    };
    let (related, aliases) = match role {
        Role::Translation(source) => (source.related.clone(), Vec::new()),
        // Old URLs redirect once, from the default language.
        Role::Fallback => (locate_list("related", fm.related), Vec::new()),
        Role::Source { .. } => (
            locate_list("related", fm.related),
            locate_list("aliases", fm.aliases),
        ),
    };
    let extra = match role {
        Role::Translation(source) => source.extra.clone(),
        _ => fm
            .extra
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or_default(),
    };
    let source_stamp = fm.source.map(|value| Located {
        value,
        pos: index.value("source"),
    });
    let article = Article {
        slug,
        file: file.to_path_buf(),
        title: fm.title,
        description: fm.description,
        category,
        tags: fm.tags,
        updated: fm.updated,
        review_by: fm.review_by,
        date_pos: [index.value("updated"), index.value("review_by")],
        description_pos: index.value("description"),
        order: fm.order.unwrap_or(i64::MAX),
        draft: fm.draft,
        aliases,
        related,
        body_hash: body_hash(split.body),
        body,
        spilled,
        extra,
        source_stamp,
        text_hash,
        fallback: matches!(role, Role::Fallback),
    };
    (Some((Box::new(article), search)), diagnostics)
}

/// The hash an article keeps of its body's Markdown.
pub fn body_hash(body: &str) -> u64 {
    let mut hasher = crate::base::hash::Fingerprint::default();
    hasher.write(body.as_bytes());
    hasher.finish()
}

/// The HTML of an article's body, rendered from the text of its file
/// (what loading read, checked by its hash); `None` when the text is
/// no longer what was loaded.
pub fn body_html(article: &Article, text: &str, settings: &Settings) -> Option<String> {
    let split = split_front_matter(text).ok()?;
    (body_hash(split.body) == article.body_hash).then(|| {
        let origin = Origin::file(&article.file, split.body_line);
        markdown::html(split.body, origin, settings)
    })
}

/// Every top-level field that is not one of [`FIELDS`], each with a
/// did-you-mean: authors see all their typos in one run.
fn unknown_fields(yaml_text: &str, file: &Path, index: &YamlIndex) -> Vec<Diagnostic> {
    let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(yaml_text)
    else {
        return Vec::new(); // the typed parse reports what is wrong
    };
    map.keys()
        .filter_map(|k| k.as_str())
        .filter(|k| !FIELDS.contains(k))
        .map(|key| {
            let d = Diagnostic::error(
                "E-YAML-UNKNOWN-FIELD",
                file,
                index.key(key),
                format!("unknown field `{key}`"),
            );
            match crate::base::diagnostic::suggest(key, FIELDS.iter().copied()) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d.with_help(format!(
                    "known fields: {}; put custom fields under `extra:`",
                    FIELDS.join(", ")
                )),
            }
        })
        .collect()
}

fn folder_name(file: &Path) -> String {
    file.parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            base_path: "/".into(),
            page_base: "/".into(),
            raw_html: true,
        }
    }

    #[test]
    fn loads_front_matter_and_body() {
        let text = "---\ntitle: T\ndescription: D\ntags: [a]\nrelated:\n  - other\n---\n## Hi\n";
        let analyser = Analyser::new("en");
        let path = Path::new("content/articles/basics/my-page.md");
        let (article, diags) = load(path, text, &settings(), &analyser, false);
        let (article, search) = article.expect("loads");
        assert_eq!(search.len(), 2, "the top and one section");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(article.slug, "my-page");
        assert_eq!(article.category.value, "basics");
        assert_eq!(article.related[0].pos.line, 6);
        let html = body_html(&article, text, &settings()).expect("same text");
        assert!(html.contains("<h2 id=\"hi\">"));
        assert!(article.body.html.is_empty(), "loading keeps no HTML");
        let edited = text.replace("## Hi", "## Hello");
        assert_eq!(body_html(&article, &edited, &settings()), None);
    }

    #[test]
    fn reports_bad_dates_with_position() {
        let text = "---\ntitle: T\ndescription: D\nupdated: 20-11-2026\n---\n";
        let analyser = Analyser::new("en");
        let (_, diags) = load(
            Path::new("content/articles/a/x.md"),
            text,
            &settings(),
            &analyser,
            false,
        );
        assert_eq!(diags[0].code, "E-ARTICLE-DATE");
        assert_eq!(diags[0].pos, Pos::new(4, 10, 10));
    }

    #[test]
    fn a_draft_is_not_analysed_unless_drafts_are_built() {
        let text = "---\ntitle: T\ndescription: D\ndraft: true\n---\nsecretword\n";
        let path = Path::new("content/articles/a/x.md");
        let analyser = Analyser::new("en");
        let (loaded, _) = load(path, text, &settings(), &analyser, false);
        assert!(loaded.expect("loads").1.is_empty());
        assert_eq!(
            analyser.vocabulary().len(),
            0,
            "no word of the draft is kept"
        );
        let (loaded, _) = load(path, text, &settings(), &analyser, true);
        assert!(!loaded.expect("loads").1.is_empty());
    }

    #[test]
    fn every_unknown_field_is_reported_and_extra_is_kept() {
        let text = "---\ntitle: T\ndescriptoin: D\ntagz: [a]\nteam_lead: me\n---\nBody\n";
        let analyser = Analyser::new("en");
        let path = Path::new("content/articles/a/x.md");
        let (article, diags) = load(path, text, &settings(), &analyser, false);
        assert!(article.is_none());
        let found: Vec<(&str, usize, Option<&str>)> = diags
            .iter()
            .map(|d| (d.message.as_str(), d.pos.line, d.help.as_deref()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[0],
            (
                "unknown field `descriptoin`",
                3,
                Some("did you mean `description`?")
            )
        );
        assert_eq!(found[1].2, Some("did you mean `tags`?"));
        assert!(found[2].2.is_some_and(|h| h.contains("under `extra:`")));

        let text = "---\ntitle: T\ndescription: D\nextra:\n  owner: Ana\n  sla_hours: 4\n---\n";
        let (article, diags) = load(path, text, &settings(), &analyser, false);
        assert!(diags.is_empty(), "{diags:?}");
        let (article, _) = article.expect("loads");
        assert_eq!(article.extra["owner"], "Ana");
        assert_eq!(article.extra["sla_hours"], 4);
    }
}
