//! Markdown to HTML: heading ids, table of contents, GFM alerts as
//! callouts, and internal links rewritten to final URLs (and recorded, so
//! the validate stage can check them).

use std::collections::HashSet;
use std::path::Path;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::base::diagnostic::Pos;
use crate::text::link::{self, Target};
use crate::text::source::line_col;

/// An entry of an article's table of contents (h2 and h3).
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// An internal link found in Markdown, kept for validation.
#[derive(Debug, Clone)]
pub struct FoundLink {
    pub target: Target,
    pub pos: Pos,
}

/// The result of rendering one Markdown text.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub heading_ids: Vec<String>,
    pub links: Vec<FoundLink>,
    pub images_without_alt: Vec<Pos>,
    /// Headings that skip a level (an h4 right after an h2), with the
    /// level expected and found; the page title is the h1.
    pub skipped_headings: Vec<(Pos, u8, u8)>,
    /// Plain text split at h2/h3 headings, for search; the first section
    /// is the text before the first such heading.
    pub sections: Vec<Section>,
}

/// Plain text under one heading.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Heading id; `None` for the text before the first h2/h3.
    pub id: Option<String>,
    pub heading: String,
    pub text: String,
}

/// Where a Markdown text sits, so positions are lines of the whole file.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub file: &'a Path,
    pub first_line: usize,
    /// Column of the text's first character (for indented YAML blocks).
    pub indent: usize,
    /// The file's text from the text's first character on, when the
    /// text's lines are not the file's (folded or quoted YAML strings):
    /// positions are then found by looking for the same words there.
    pub raw: Option<&'a str>,
}

impl<'a> Origin<'a> {
    /// Text that is the rest of `file` from line `first_line` on.
    pub fn file(file: &'a Path, first_line: usize) -> Self {
        Origin {
            file,
            first_line,
            indent: 0,
            raw: None,
        }
    }
}

/// Settings shared by every Markdown render of a build.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_path: String,
    pub raw_html: bool,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

pub fn render(source: &str, origin: Origin, settings: &Settings) -> Rendered {
    let mut out = Rendered::default();
    let mut events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(source, options())
        .into_offset_iter()
        .collect();
    let mut used_ids = HashSet::new();
    let pos_of = |offset: usize, len: usize| match origin.raw {
        None => {
            let (line, col) = line_col(source, offset);
            let col = if line == 1 { col } else { col + origin.indent };
            Pos::new(origin.first_line + line - 1, col, len)
        }
        Some(raw) => raw_pos(source, offset, len, raw, &origin),
    };
    out.sections.push(Section::default());
    let mut in_heading = false;
    let mut last_level = 1u8;
    let mut i = 0;
    while i < events.len() {
        let range = events[i].1.clone();
        match &mut events[i].0 {
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(text) | Event::Code(text) if !in_heading => {
                let section = out.sections.last_mut().expect("starts with one section");
                section.text.push_str(text);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                let section = out.sections.last_mut().expect("starts with one section");
                section.text.push(' ');
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                in_heading = true;
                let level = *level;
                if level as u8 > last_level + 1 {
                    let pos = pos_of(range.start, 1);
                    out.skipped_headings
                        .push((pos, last_level + 1, level as u8));
                }
                last_level = level as u8;
                let explicit = id.as_ref().map(|s| s.to_string());
                let title = inner_text(&events[i + 1..], |e| {
                    matches!(e, Event::End(TagEnd::Heading(_)))
                });
                let wanted = explicit.unwrap_or_else(|| slugify(&title));
                let unique = dedupe(&wanted, &mut used_ids);
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                    *id = Some(CowStr::from(unique.clone()));
                }
                if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                    out.sections.push(Section {
                        id: Some(unique.clone()),
                        heading: title.clone(),
                        text: String::new(),
                    });
                    out.toc.push(TocEntry {
                        level: level as u8,
                        id: unique.clone(),
                        title,
                    });
                }
                out.heading_ids.push(unique);
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                // Markdown links never run script, even with raw HTML allowed.
                if is_script_url(dest_url) {
                    *dest_url = CowStr::from("#");
                }
                if let Some(target) = link::parse(dest_url, origin.file) {
                    *dest_url = CowStr::from(url_of(&target, &settings.base_path));
                    let len = range.len().min(source.len() - range.start);
                    out.links.push(FoundLink {
                        target,
                        pos: pos_of(
                            range.start,
                            source[range.start..range.start + len].chars().count(),
                        ),
                    });
                }
            }
            Event::Start(Tag::Image { .. }) => {
                let alt = inner_text(&events[i + 1..], |e| matches!(e, Event::End(TagEnd::Image)));
                if alt.trim().is_empty() {
                    out.images_without_alt
                        .push(pos_of(range.start, range.len()));
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let kind = *kind;
                events[i].0 = Event::Html(callout_open(kind).into());
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events[i].0 = Event::Html("</div>\n".into());
            }
            Event::Start(Tag::Table(_)) => {
                events.insert(
                    i,
                    (
                        Event::Html(r#"<div class="table-wrap" tabindex="0">"#.into()),
                        range,
                    ),
                );
                i += 1;
            }
            Event::End(TagEnd::Table) => {
                events.insert(i + 1, (Event::Html("</div>\n".into()), range));
                i += 1;
            }
            Event::Html(html) | Event::InlineHtml(html) if !settings.raw_html => {
                let text = html.clone();
                events[i].0 = Event::Text(text);
            }
            _ => {}
        }
        i += 1;
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
    // Kept until pages render: do not hold the spare capacity too.
    html.shrink_to_fit();
    out.html = html;
    out
}

/// The final URL of an internal link target.
/// Where the `len` characters at `offset` of `source` are in `raw`: the
/// same occurrence of the same text. Falls back to the start of the text.
fn raw_pos(source: &str, offset: usize, len: usize, raw: &str, origin: &Origin) -> Pos {
    let rest = source.get(offset..).unwrap_or_default();
    let end = rest.char_indices().nth(len).map_or(rest.len(), |(i, _)| i);
    let token = &rest[..end];
    let nth = source[..offset.min(source.len())].matches(token).count();
    match raw
        .match_indices(token)
        .nth(nth)
        .filter(|_| !token.is_empty())
    {
        Some((at, _)) => {
            let (line, col) = line_col(raw, at);
            let col = if line == 1 { col + origin.indent } else { col };
            Pos::new(origin.first_line + line - 1, col, len)
        }
        None => Pos::new(origin.first_line, origin.indent + 1, 1),
    }
}

pub fn url_of(target: &Target, base_path: &str) -> String {
    match target {
        Target::Article { slug, anchor } => {
            link::with_anchor(link::article_url(base_path, slug), anchor.as_deref())
        }
        Target::ArticleFile { path, anchor } => {
            let slug = link::slug_of(path);
            link::with_anchor(link::article_url(base_path, slug), anchor.as_deref())
        }
        Target::Tree { slug, node } => match node {
            Some(node) => link::node_url(base_path, slug, node),
            None => link::tree_url(base_path, slug),
        },
    }
}

fn callout_open(kind: BlockQuoteKind) -> String {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\" aria-label=\"{title}\">\n<p class=\"callout-title\">{title}</p>\n"
    )
}

fn inner_text(
    events: &[(Event, std::ops::Range<usize>)],
    is_end: impl Fn(&Event) -> bool,
) -> String {
    let mut text = String::new();
    for (event, _) in events {
        if is_end(event) {
            break;
        }
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    text
}

/// `javascript:` and friends, as browsers read them (case, spaces and
/// control characters inside the scheme are ignored).
pub fn is_script_url(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text/html"]
        .iter()
        .any(|s| scheme.starts_with(&s[..s.len().min(12)]))
}

/// Heading text → id: lowercase letters and digits, other runs → `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "section".into()
    } else {
        slug.into()
    }
}

fn dedupe(wanted: &str, used: &mut HashSet<String>) -> String {
    let mut id = wanted.to_string();
    let mut n = 1;
    while !used.insert(id.clone()) {
        id = format!("{wanted}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_str(md: &str) -> Rendered {
        let origin = Origin::file(Path::new("content/articles/a/x.md"), 5);
        let settings = Settings {
            base_path: "/help/".into(),
            raw_html: true,
        };
        render(md, origin, &settings)
    }

    #[test]
    fn headings_get_stable_unique_ids_and_toc() {
        let r = render_str("## What is it?\n\n### Details\n\n## What is it?\n");
        assert!(r.html.contains(r#"<h2 id="what-is-it">"#));
        assert!(r.html.contains(r#"<h2 id="what-is-it-1">"#));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[1].level, 3);
    }

    #[test]
    fn internal_links_are_rewritten_and_located() {
        let r = render_str("Intro\n\nSee [this](article:b#why) and [that](../c/d.md).\n");
        assert!(r.html.contains(r#"href="/help/articles/b/#why""#));
        assert!(r.html.contains(r#"href="/help/articles/d/""#));
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].pos.line, 7);
        assert_eq!(r.links[0].pos.column, 5);
    }

    #[test]
    fn alerts_become_callouts() {
        let r = render_str("> [!WARNING]\n> Careful.\n");
        assert!(r.html.contains(r#"class="callout callout-warning""#));
        assert!(r.html.contains("Careful."));
        assert!(!r.html.contains("blockquote"));
    }

    #[test]
    fn raw_html_can_be_escaped() {
        let origin = Origin::file(Path::new("a.md"), 1);
        let settings = Settings {
            base_path: "/".into(),
            raw_html: false,
        };
        let r = render("<script>alert(1)</script>\n", origin, &settings);
        assert!(!r.html.contains("<script>"));
    }

    #[test]
    fn script_links_are_neutralised() {
        let r = render_str("[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](https://ok.example/)\n");
        assert_eq!(r.html.matches("href=\"#\"").count(), 2, "{}", r.html);
        assert!(r.html.contains("https://ok.example/"));
        assert!(is_script_url("vbscript:msgbox"));
        assert!(!is_script_url("/javascript-guide/"));
    }

    #[test]
    fn slugify_folds_punctuation() {
        assert_eq!(slugify("Why does CoEx fail?"), "why-does-coex-fail");
        assert_eq!(slugify("Ünïcode  ok"), "ünïcode-ok");
        assert_eq!(slugify("!!!"), "section");
    }
}
