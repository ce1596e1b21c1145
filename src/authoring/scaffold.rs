//! `waymark init` and `waymark new`: files an author starts from.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::base::diagnostic::suggest;
use crate::base::embedded::EMBEDDED;
use crate::load::site::{ARTICLE_PLACEHOLDER, ARTICLES_DIR, TREE_PLACEHOLDER, TREES_DIR};

/// Writes a working site (starter content and the default theme) to `dir`.
pub fn init(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if dir.join("site.yaml").exists() {
        bail!(
            "`{}` already holds a site (site.yaml exists)",
            dir.display()
        );
    }
    let mut written = Vec::new();
    for (path, bytes) in EMBEDDED {
        let rel = if let Some(rel) = path.strip_prefix("scaffold/") {
            PathBuf::from(rel)
        } else if let Some(rel) = path.strip_prefix("theme/") {
            Path::new("themes/default").join(rel)
        } else {
            continue;
        };
        let target = dir.join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .with_context(|| format!("failed to write `{}`", target.display()))?;
        written.push(rel);
    }
    Ok(written)
}

/// What `waymark new` writes and the author fills in.
pub struct NewPage<'a> {
    pub slug: &'a str,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// Creates `content/articles/<category>/<slug>.md` from a template. The
/// category must be one of site.yaml's, and no article may have the slug.
pub fn new_article(
    root: &Path,
    page: &NewPage,
    category: &str,
    today: &str,
) -> anyhow::Result<PathBuf> {
    check_slug(page.slug)?;
    let config = site_config(root)?;
    if config.category(category).is_none() {
        let ids: Vec<&str> = config.categories.iter().map(|c| c.id.as_str()).collect();
        let hint = match suggest(category, ids.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? "),
            None => String::new(),
        };
        bail!(
            "site.yaml lists no category `{category}`\n  = help: {hint}categories: {}; add new ones under `categories:` in site.yaml",
            if ids.is_empty() {
                "(none yet)".to_string()
            } else {
                ids.join(", ")
            }
        );
    }
    let articles = root.join(ARTICLES_DIR);
    if let Some(existing) = walkdir::WalkDir::new(&articles)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_str() == Some(&format!("{}.md", page.slug)))
    {
        let rel = existing
            .path()
            .strip_prefix(root)
            .unwrap_or(existing.path());
        bail!(
            "an article with the slug `{}` exists already: `{}`\n  = help: slugs are unique across the site; pick another",
            page.slug,
            rel.display()
        );
    }
    let rel = PathBuf::from(format!("{ARTICLES_DIR}/{category}/{}.md", page.slug));
    let title = yaml_string(
        &page
            .title
            .map_or_else(|| title_from_slug(page.slug), str::to_string),
    );
    let description = yaml_string(page.description.unwrap_or(ARTICLE_PLACEHOLDER));
    let text = format!(
        "---\ntitle: {title}\ndescription: {description}\ncategory: {category}\ntags: []\nupdated: {today}\n---\n\nStart with the answer, then the details.\n\n## What to do\n\n1. First step.\n2. Second step.\n"
    );
    create(root, &rel, &text)?;
    Ok(rel)
}

/// The site's configuration, or why `root` is not a usable site.
fn site_config(root: &Path) -> anyhow::Result<crate::load::config::SiteConfig> {
    let (config, _, diagnostics) = crate::load::config::load(root)?;
    config.ok_or_else(|| {
        let why = diagnostics
            .first()
            .map_or_else(String::new, |d| format!(": {}", d.message));
        anyhow::anyhow!("site.yaml has errors{why}; run `waymark check` for details")
    })
}

/// A value written as a YAML string, quoted when plain would not do.
fn yaml_string(text: &str) -> String {
    serde_yaml::to_string(text)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| format!("{text:?}"))
}

/// Creates `content/trees/<slug>.yaml` with a question and two outcomes.
pub fn new_tree(root: &Path, page: &NewPage, today: &str) -> anyhow::Result<PathBuf> {
    let slug = page.slug;
    check_slug(slug)?;
    site_config(root)?;
    let rel = PathBuf::from(format!("{TREES_DIR}/{slug}.yaml"));
    if root.join(&rel).exists() {
        bail!(
            "a troubleshooter `{slug}` exists already: `{}`",
            rel.display()
        );
    }
    let title = yaml_string(
        &page
            .title
            .map_or_else(|| title_from_slug(slug), str::to_string),
    );
    let description = yaml_string(page.description.unwrap_or(TREE_PLACEHOLDER));
    let text = format!(
        r#"title: {title}
description: {description}
updated: {today}
nodes:
  first-question:
    question: What do you see?
    answers:
      - label: "An error message"
        next: fix-it
      - label: "Something else"
        next: contact-support
  fix-it:
    title: Fix the error
    outcome: fix
    body: |
      1. Do this first.
      2. Then this.

      Still stuck? [Start again](tree:{slug}) and pick another answer.
  contact-support:
    title: Contact support
    outcome: escalate
    body: |
      Tell support what you tried and what you see.

      Or [start again](tree:{slug}) and pick another answer.
tests:
  - answers: ["An error message"]
    reaches: fix-it
"#
    );
    create(root, &rel, &text)?;
    Ok(rel)
}

fn create(root: &Path, rel: &Path, text: &str) -> anyhow::Result<()> {
    let path = root.join(rel);
    if path.exists() {
        bail!("`{}` already exists", rel.display());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("failed to write `{}`", path.display()))
}

fn check_slug(slug: &str) -> anyhow::Result<()> {
    if !crate::load::config::is_slug(slug) {
        bail!(
            "`{slug}` is not a slug: use lowercase letters, digits and hyphens, like `chats-not-syncing`"
        );
    }
    Ok(())
}

fn title_from_slug(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
