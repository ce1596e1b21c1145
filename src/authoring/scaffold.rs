//! `waymark init` and `waymark new`: files an author starts from.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::base::embedded::EMBEDDED;

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

/// Creates `content/articles/<category>/<slug>.md` from a template.
pub fn new_article(
    root: &Path,
    slug: &str,
    category: &str,
    today: &str,
) -> anyhow::Result<PathBuf> {
    check_slug(slug)?;
    check_slug(category)?;
    let rel = PathBuf::from(format!("content/articles/{category}/{slug}.md"));
    let title = title_from_slug(slug);
    let text = format!(
        "---\ntitle: {title}\ndescription: One sentence that says what this article answers.\ncategory: {category}\ntags: []\nupdated: {today}\n---\n\nStart with the answer, then the details.\n\n## What to do\n\n1. First step.\n2. Second step.\n"
    );
    create(root, &rel, &text)?;
    Ok(rel)
}

/// Creates `content/trees/<slug>.yaml` with a question and two outcomes.
pub fn new_tree(root: &Path, slug: &str, today: &str) -> anyhow::Result<PathBuf> {
    check_slug(slug)?;
    let rel = PathBuf::from(format!("content/trees/{slug}.yaml"));
    let title = title_from_slug(slug);
    let text = format!(
        r#"title: {title}
description: Answer a few questions to find what to do next.
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
  contact-support:
    title: Contact support
    outcome: escalate
    body: |
      Tell support what you tried and what you see.
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
