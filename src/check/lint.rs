//! Warnings: things that build but that readers would trip over. Unlike
//! errors they never stop a build (unless `--deny-warnings`).

use std::path::Path;

use crate::base::diagnostic::{Diagnostic, Pos};
use crate::load::site::{ARTICLE_PLACEHOLDER, Site, TREE_PLACEHOLDER};
use crate::load::translation::{Status, TranslationState};
use crate::load::tree::NodeKind;
use crate::text::markdown::Rendered;

/// `W-TRANSLATION-OUTDATED` for each translation whose source changed
/// since it was stamped (missing ones are a summary line, not warnings).
pub fn translation_warnings(states: &[TranslationState]) -> Vec<Diagnostic> {
    states
        .iter()
        .filter(|t| t.status == Status::Outdated)
        .filter_map(|t| {
            let file = t.file.as_ref()?;
            Some(
                Diagnostic::warning(
                    "W-TRANSLATION-OUTDATED",
                    file,
                    t.stamp_pos,
                    format!(
                        "the source changed since this translation was made: `{}`",
                        t.source.display()
                    ),
                )
                .with_help(format!(
                    "bring the translation up to date, then run `waymark translations --stamp {}`",
                    file.display()
                )),
            )
        })
        .collect()
}

/// Every warning of the site; `today` is `YYYY-MM-DD`.
pub fn warnings(site: &Site, today: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for article in &site.articles {
        out.extend(article_warnings(article, today));
    }
    for tree in &site.trees {
        if tree.description.trim() == TREE_PLACEHOLDER {
            out.push(placeholder(&tree.file, tree.description_pos));
        }
        for node in &tree.nodes {
            match &node.kind {
                NodeKind::Question { details, .. } => {
                    if let Some(details) = details {
                        markdown_warnings(&tree.file, details, &mut out);
                    }
                }
                NodeKind::Outcome { body, related, .. } => {
                    markdown_warnings(&tree.file, body, &mut out);
                    if related.is_empty() && body.links.is_empty() {
                        out.push(
                            Diagnostic::warning("W-OUTCOME-NO-NEXT", &tree.file, node.pos, format!("outcome `{}` links nowhere", node.id))
                                .with_help("add `related:` articles or a link in `body`, so a reader who is still stuck has somewhere to go"),
                        );
                    }
                }
            }
        }
    }
    out
}

/// Warnings of one article: its Markdown and its dates.
pub fn article_warnings(article: &crate::load::article::Article, today: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if article.description.trim() == ARTICLE_PLACEHOLDER {
        out.push(placeholder(&article.file, article.description_pos));
    }
    markdown_warnings(&article.file, &article.body, &mut out);
    let [updated_pos, review_pos] = article.date_pos;
    if let Some(updated) = article.updated.as_deref().filter(|d| *d > today) {
        out.push(
            Diagnostic::warning(
                "W-UPDATED-FUTURE",
                &article.file,
                updated_pos,
                format!("`updated` is in the future: {updated}"),
            )
            .with_help(format!(
                "today is {today}; readers see this date as \"Last updated\""
            )),
        );
    }
    if let Some(review) = article.review_by.as_deref().filter(|d| *d <= today) {
        out.push(
            Diagnostic::warning(
                "W-REVIEW-DUE",
                &article.file,
                review_pos,
                format!("this article was due for review on {review}"),
            )
            .with_help("check it is still accurate, then move `review_by` forward"),
        );
    }
    out
}

fn placeholder(file: &Path, pos: Pos) -> Diagnostic {
    Diagnostic::warning(
        "W-PLACEHOLDER",
        file,
        pos,
        "`description` is still the placeholder `waymark new` wrote",
    )
    .with_help("write the one sentence that lists and search results show for this page")
}

fn markdown_warnings(file: &Path, rendered: &Rendered, out: &mut Vec<Diagnostic>) {
    for pos in &rendered.images_without_alt {
        out.push(
            Diagnostic::warning("W-IMAGE-ALT", file, *pos, "image without alt text").with_help(
                "describe the image in the brackets: `![Meta's error dialog](error.png)`",
            ),
        );
    }
    for (pos, expected, found) in &rendered.skipped_headings {
        let marks = |n: u8| "#".repeat(n as usize);
        out.push(
            Diagnostic::warning("W-HEADING-SKIP", file, Pos { len: *found as usize, ..*pos }, format!("heading level skipped: h{found} where h{expected} comes next"))
                .with_help(format!("use `{}` here, or add the missing level (screen readers navigate by heading level; `{}` is the article's h1)", marks(*expected), marks(1))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::markdown::{Origin, Settings, render};

    #[test]
    fn images_and_skipped_headings() {
        let origin = Origin::file(Path::new("a.md"), 1);
        let settings = Settings {
            base_path: "/".into(),
            page_base: "/".into(),
            raw_html: true,
        };
        let rendered = render(
            "## Two\n\n#### Four\n\n![](x.png) ![ok](y.png)\n",
            origin,
            &settings,
        );
        let mut out = Vec::new();
        markdown_warnings(Path::new("a.md"), &rendered, &mut out);
        let codes: Vec<_> = out.iter().map(|d| (d.code, d.pos.line)).collect();
        assert_eq!(codes, [("W-IMAGE-ALT", 5), ("W-HEADING-SKIP", 3)]);
    }
}
