//! Articles: one Markdown file with YAML front matter each.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::base::diagnostic::{Diagnostic, Pos};
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
}

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
    /// Position in its category; articles without one come last, by title.
    pub order: i64,
    pub draft: bool,
    pub aliases: Vec<Located<String>>,
    pub related: Vec<Located<String>>,
    /// Rendered body; its plain-text sections are analysed for search
    /// and dropped.
    pub body: Rendered,
}

/// An article and the words search needs of it (empty for a draft left
/// out of the site: its words must not reach the public index).
pub type Loaded = (Article, Vec<SectionTerms>);

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
    let fm: FrontMatter = match yaml::from_str(split.yaml, file, split.yaml_line) {
        Ok(fm) => fm,
        Err(d) => return (None, vec![*d]),
    };
    let index = YamlIndex::new(split.yaml, split.yaml_line);
    let slug = crate::text::link::slug_of(file).to_string();
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
    let category = match fm.category {
        Some(c) => Located {
            value: c,
            pos: index.value("category"),
        },
        None => Located {
            value: folder_name(file),
            pos: Pos::default(),
        },
    };
    let mut body = markdown::render(split.body, Origin::file(file, split.body_line), settings);
    // Keep only what search needs of the text, not the text itself.
    let sections = std::mem::take(&mut body.sections);
    let search = if fm.draft && !drafts {
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
        order: fm.order.unwrap_or(i64::MAX),
        draft: fm.draft,
        aliases: locate_list("aliases", fm.aliases),
        related: locate_list("related", fm.related),
        body,
    };
    (Some((article, search)), diagnostics)
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
        assert!(article.body.html.contains("<h2 id=\"hi\">"));
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
}
