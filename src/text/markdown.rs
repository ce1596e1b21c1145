//! Markdown to HTML: heading ids, table of contents, GFM alerts as
//! callouts, footnotes as an end list with back-links, table alignment as
//! classes (never `style=`, which a strict CSP blocks), and links and
//! images rewritten to final URLs (and recorded, so the validate stage can
//! check them).

use std::collections::HashSet;
use std::path::Path;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use crate::base::diagnostic::Pos;
use crate::text::link::{self, Dest, Target};
use crate::text::source::line_col;

/// An entry of an article's table of contents (h2 and h3).
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link or image found in Markdown that points into the site, kept for
/// validation.
#[derive(Debug, Clone)]
pub struct FoundLink {
    pub dest: Dest,
    pub pos: Pos,
    /// An image (`![alt](src)`) rather than a link.
    pub image: bool,
}

/// The result of rendering one Markdown text.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Ids of headings and footnotes: what `#id` links may name.
    pub heading_ids: Vec<String>,
    pub links: Vec<FoundLink>,
    pub images_without_alt: Vec<Pos>,
    /// Headings that skip a level (an h4 right after an h2), with the
    /// level expected and found; the page title is the h1.
    pub skipped_headings: Vec<(Pos, u8, u8)>,
    /// Plain text split at h2/h3 headings, for search; the first section
    /// is the text before the first such heading.
    pub sections: Vec<Section>,
    /// Whether the text has a code block (its page then loads the code
    /// stylesheet and copy button).
    pub has_code: bool,
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
    /// Where the site's files are: root-relative URLs (`/img/x.png`) get it.
    pub base_path: String,
    /// Where this language's pages are (`/help/es/`): links to articles
    /// and troubleshooters get it. The base path in a one-language site.
    pub page_base: String,
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

/// Renders `source` to HTML, with everything [`facts`] finds.
pub fn render(source: &str, origin: Origin, settings: &Settings) -> Rendered {
    run(source, origin, settings, Want::Both)
}

/// Only the HTML of `source` (its `html`; the rest is left empty): an
/// article's page, whose facts were gathered and checked at loading.
pub fn html(source: &str, origin: Origin, settings: &Settings) -> String {
    run(source, origin, settings, Want::Html).html
}

/// What checks and search need of `source` (headings, links, sections,
/// problems), without making its HTML: loading keeps only these, and the
/// page renders the HTML when it is written.
pub fn facts(source: &str, origin: Origin, settings: &Settings) -> Rendered {
    run(source, origin, settings, Want::Facts)
}

/// What a pass over Markdown makes: the facts checks and search need
/// (plain text by section, links, problems), the HTML, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Facts,
    Html,
    Both,
}

fn run(source: &str, origin: Origin, settings: &Settings, want: Want) -> Rendered {
    let want_html = want != Want::Facts;
    let want_facts = want != Want::Html;
    let mut out = Rendered::default();
    let mut events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(source, options())
        .into_offset_iter()
        .collect();
    let mut used_ids = HashSet::new();
    let mut footnotes = Footnotes::default();
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
        let is_image = matches!(events[i].0, Event::Start(Tag::Image { .. }));
        match &mut events[i].0 {
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(text) | Event::Code(text) if !in_heading && want_facts => {
                let section = out.sections.last_mut().expect("starts with one section");
                section.text.push_str(text);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell)
                if want_facts =>
            {
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
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                // Markdown links never run script, even with raw HTML allowed.
                if is_script_url(dest_url) {
                    *dest_url = CowStr::from("#");
                }
                if let Some(dest) = link::parse_dest(dest_url, origin.file) {
                    *dest_url = CowStr::from(final_url(&dest, dest_url, settings));
                    if !want_facts {
                        i += 1;
                        continue;
                    }
                    let len = range.len().min(source.len() - range.start);
                    let chars = source[range.start..range.start + len].chars().count();
                    out.links.push(FoundLink {
                        dest,
                        pos: pos_of(range.start, chars),
                        image: is_image,
                    });
                }
                if !is_image || !want_facts {
                    i += 1;
                    continue;
                }
                let alt = inner_text(&events[i + 1..], |e| matches!(e, Event::End(TagEnd::Image)));
                if alt.trim().is_empty() {
                    out.images_without_alt
                        .push(pos_of(range.start, range.len()));
                }
            }
            Event::TaskListMarker(done) => {
                // A checkbox needs an accessible name (WCAG 4.1.2).
                let html = if *done {
                    r#"<input type="checkbox" disabled checked aria-label="Done"> "#
                } else {
                    r#"<input type="checkbox" disabled aria-label="Not done"> "#
                };
                events[i].0 = Event::InlineHtml(html.into());
            }
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                events[i].0 = Event::Html(footnotes.reference(&label).into());
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // The definition moves to the end of the text.
                let label = label.to_string();
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::FootnoteDefinition)))
                    .map_or(events.len(), |n| i + n + 1);
                let body: Vec<(Event, std::ops::Range<usize>)> =
                    events.drain(i..end).skip(1).collect();
                let body = body
                    .into_iter()
                    .filter(|(e, _)| !matches!(e, Event::End(TagEnd::FootnoteDefinition)));
                footnotes.define(label, body.map(|(e, _)| e).collect());
                continue;
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let kind = *kind;
                events[i].0 = Event::Html(callout_open(kind).into());
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events[i].0 = Event::Html("</div>\n".into());
            }
            Event::Start(Tag::Table(_)) if want_html => {
                // A scrollable box needs a name for keyboard and screen
                // reader users: the table's column headings.
                let mut cells: Vec<String> = vec![String::new()];
                for (e, _) in &events[i + 1..] {
                    match e {
                        Event::End(TagEnd::TableHead) => break,
                        Event::End(TagEnd::TableCell) => cells.push(String::new()),
                        Event::Text(t) | Event::Code(t) => {
                            cells.last_mut().expect("one cell at least").push_str(t)
                        }
                        _ => {}
                    }
                }
                cells.retain(|c| !c.trim().is_empty());
                let head: String = cells.join(", ").chars().take(80).collect();
                let label = crate::base::escape::escape_html(&format!("Table: {}", head.trim()));
                let open = format!(
                    r#"<div class="table-wrap" tabindex="0" role="region" aria-label="{label}">"#
                );
                events.insert(i, (Event::Html(open.into()), range));
                i += 1;
            }
            Event::End(TagEnd::Table) if want_html => {
                events.insert(i + 1, (Event::Html("</div>\n".into()), range));
                i += 1;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                // The whole block becomes one piece of HTML: highlighted
                // when its fence names a language syntect knows.
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::CodeBlock)))
                    .map_or(events.len(), |n| i + n + 1);
                let code: String = events[i..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                if want_facts {
                    let section = out.sections.last_mut().expect("starts with one section");
                    section.text.push_str(&code);
                    section.text.push(' ');
                }
                out.has_code = true;
                let html = if want_html {
                    code_block(&code, &language)
                } else {
                    String::new()
                };
                events.splice(i..end, [(Event::Html(html.into()), range)]);
            }
            Event::Html(html) | Event::InlineHtml(html) if !settings.raw_html => {
                let text = html.clone();
                events[i].0 = Event::Text(text);
            }
            _ => {}
        }
        i += 1;
    }
    if !want_html {
        // The footnotes' ids are still what `#fn-…` links may name.
        footnotes.finish(&mut String::new(), &mut used_ids, &mut out.heading_ids);
        return out;
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    let has_table = events
        .iter()
        .any(|(e, _)| matches!(e, Event::Start(Tag::Table(_))));
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
    if has_table {
        html = align_with_classes(html);
    }
    footnotes.finish(&mut html, &mut used_ids, &mut out.heading_ids);
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

/// The URL a destination is written as: content links and root-relative
/// URLs get the base path; anchors and other relative URLs stay as written.
fn final_url(dest: &Dest, written: &str, settings: &Settings) -> String {
    match dest {
        Dest::Content(target) => url_of(target, &settings.page_base),
        Dest::SitePath { path, suffix } => format!("{}{path}{suffix}", settings.base_path),
        Dest::Anchor(_) | Dest::Relative(_) => written.to_string(),
    }
}

/// A code block as `<pre class="code">`, scrollable by keyboard
/// (tabindex), its language named for readers and the copy button.
fn code_block(code: &str, language: &str) -> String {
    let language: String = language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '-' | '_'))
        .collect();
    let highlighted = (!language.is_empty())
        .then(|| crate::text::highlight::highlight(code, &language))
        .flatten();
    match highlighted {
        Some(html) => format!(
            "<pre class=\"code\" data-lang=\"{language}\" tabindex=\"0\"><code class=\"language-{language}\">{html}</code></pre>\n"
        ),
        None => {
            let escaped = crate::base::escape::escape_html(code);
            let class = if language.is_empty() {
                String::new()
            } else {
                format!(" class=\"language-{language}\"")
            };
            format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{escaped}</code></pre>\n")
        }
    }
}

/// pulldown-cmark aligns table cells with `style="text-align: …"`, which
/// `Content-Security-Policy: default-src 'self'` blocks: classes instead.
/// One pass over the page's HTML (this runs for every table); a page
/// whose tables align nothing is returned as it is, not copied.
fn align_with_classes(html: String) -> String {
    const STYLE: &str = " style=\"text-align: ";
    if !html.contains(STYLE) {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find(STYLE) {
        let after = &rest[at + STYLE.len()..];
        let side = ["left", "center", "right"]
            .into_iter()
            .find(|side| after.starts_with(side) && after[side.len()..].starts_with('"'));
        // Only the attribute pulldown-cmark writes on <th> and <td>.
        let in_cell = rest[..at].ends_with("<th") || rest[..at].ends_with("<td");
        match side.filter(|_| in_cell) {
            Some(side) => {
                out.push_str(&rest[..at]);
                out.push_str(" class=\"align-");
                out.push_str(side);
                out.push('"');
                rest = &after[side.len() + 1..];
            }
            None => {
                out.push_str(&rest[..at + STYLE.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Footnotes, numbered in the order they are first referred to, listed
/// at the end of the text with a link back to each reference. Their ids
/// (`fn-…`, `fnref-…`) are made unique against the headings' ids.
#[derive(Default)]
struct Footnotes {
    /// Labels in order of first reference, with how often each was cited.
    cited: Vec<(String, usize)>,
    definitions: std::collections::HashMap<String, Vec<Event<'static>>>,
}

impl Footnotes {
    /// The superscript for a reference to `label`; ids are placeholders
    /// until the headings' ids are all known.
    fn reference(&mut self, label: &str) -> String {
        let n = match self.cited.iter().position(|(l, _)| l == label) {
            Some(n) => n,
            None => {
                self.cited.push((label.to_string(), 0));
                self.cited.len() - 1
            }
        };
        self.cited[n].1 += 1;
        let k = self.cited[n].1;
        format!(
            "<sup class=\"footnote-ref\"><a href=\"#\u{1}fn{n}\u{1}\" id=\"\u{1}ref{n}-{k}\u{1}\" aria-describedby=\"\u{1}label\u{1}\">{}</a></sup>",
            n + 1
        )
    }

    fn define(&mut self, label: String, body: Vec<Event>) {
        let body = body.into_iter().map(Event::into_static).collect();
        self.definitions.entry(label).or_insert(body);
    }

    /// Appends the footnote list and fills in the ids.
    fn finish(self, html: &mut String, used: &mut HashSet<String>, ids: &mut Vec<String>) {
        if self.cited.is_empty() {
            return;
        }
        let label_id = dedupe("footnotes", used);
        let mut list = format!(
            "<section class=\"footnotes\" aria-labelledby=\"{label_id}\">\n<h2 class=\"visually-hidden\" id=\"{label_id}\">Footnotes</h2>\n<ol>\n",
        );
        let mut names = Vec::new();
        for (n, (label, refs)) in self.cited.iter().enumerate() {
            let slug = slugify(label);
            let note = dedupe(&format!("fn-{slug}"), used);
            let back = dedupe(&format!("fnref-{slug}"), used);
            ids.push(note.clone());
            list.push_str(&format!("<li id=\"{note}\">"));
            let body = self.definitions.get(label).cloned().unwrap_or_default();
            let mut text = String::new();
            pulldown_cmark::html::push_html(&mut text, body.into_iter());
            let backs: String = (1..=*refs)
                .map(|k| {
                    let mark = if k == 1 { "↩".to_string() } else { format!("↩{k}") };
                    format!(
                        " <a href=\"#{back}-{k}\" class=\"footnote-back\" aria-label=\"Back to reference {}{}\">{mark}</a>",
                        n + 1,
                        if *refs > 1 { format!(" ({k})") } else { String::new() }
                    )
                })
                .collect();
            // The back-links go inside the last paragraph, as GitHub does.
            match text.rfind("</p>") {
                Some(at) => text.insert_str(at, &backs),
                None => text.push_str(&backs),
            }
            list.push_str(&text);
            list.push_str("</li>\n");
            names.push((note, back));
        }
        list.push_str("</ol>\n</section>\n");
        html.push_str(&list);
        for (n, (note, back)) in names.iter().enumerate() {
            *html = html
                .replace(&format!("\u{1}fn{n}\u{1}"), note)
                .replace(&format!("\u{1}ref{n}-"), &format!("{back}-"));
        }
        *html = html
            .replace("\u{1}label\u{1}", &label_id)
            .replace('\u{1}', "");
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
    link::slug(text, "section")
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
            page_base: "/help/".into(),
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
            page_base: "/".into(),
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

    #[test]
    fn table_alignment_uses_classes_not_styles() {
        let r = render_str("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n");
        assert!(!r.html.contains("style="), "{}", r.html);
        assert!(r.html.contains(r#"<th class="align-left">"#));
        assert!(r.html.contains(r#"<td class="align-center">"#));
        assert!(r.html.contains(r#"<td class="align-right">"#));
    }

    #[test]
    fn footnotes_are_listed_at_the_end_with_back_links_and_unique_ids() {
        let r = render_str(
            "## fn-note\n\nOne[^note] and two[^2] and one again[^note].\n\n[^note]: The note.\n[^2]: Second.\n\n## After\n",
        );
        let html = &r.html;
        let list = html
            .find("<section class=\"footnotes\"")
            .expect("a footnote list");
        assert!(
            list > html.find("id=\"after\"").expect("the last heading"),
            "at the end"
        );
        // The heading took `fn-note` first: the footnote gets another id.
        assert!(html.contains(r#"<h2 id="fn-note">"#));
        assert!(html.contains(r#"<li id="fn-note-1">"#), "{html}");
        assert!(html.contains(r##"href="#fn-note-1""##));
        assert!(html.contains(r#"id="fnref-note-1""#) && html.contains(r#"id="fnref-note-2""#));
        assert!(
            html.contains(r##"href="#fnref-note-1""##),
            "back-link to the first reference"
        );
        assert!(
            html.contains(r##"href="#fnref-note-2""##),
            "and to the second"
        );
        let ids: Vec<&str> = html
            .match_indices(" id=\"")
            .map(|(i, _)| &html[i + 5..i + 5 + html[i + 5..].find('"').unwrap_or(0)])
            .collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "ids are unique: {ids:?}");
        assert!(!html.contains('\u{1}'));
        assert!(
            r.heading_ids.iter().any(|id| id == "fn-note-1"),
            "links may name it"
        );
    }

    #[test]
    fn root_relative_urls_get_the_base_path() {
        let r = render_str("![Router](/img/router.png) [x](/articles/x/#y) [z](../img/z.png)\n");
        assert!(
            r.html.contains(r#"src="/help/img/router.png""#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r##"href="/help/articles/x/#y""##));
        assert!(
            r.html.contains(r#"href="../img/z.png""#),
            "relative URLs stay"
        );
        assert_eq!(r.links.len(), 3);
        assert!(r.links[0].image);
    }

    #[test]
    fn task_list_checkboxes_have_accessible_names() {
        let r = render_str("- [x] Updated the app\n- [ ] Scanned the QR code\n");
        assert!(
            r.html
                .contains(r#"<input type="checkbox" disabled checked aria-label="Done">"#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r#"<input type="checkbox" disabled aria-label="Not done">"#)
        );
        let off = render(
            "- [x] a\n",
            Origin::file(Path::new("a.md"), 1),
            &Settings {
                base_path: "/".into(),
                page_base: "/".into(),
                raw_html: false,
            },
        );
        assert!(
            off.html.contains("<input"),
            "kept with raw HTML off: {}",
            off.html
        );
    }

    #[test]
    fn code_blocks_are_highlighted_as_classes_and_scroll_by_keyboard() {
        let r = render_str(
            "Run:\n\n```sh\ncurl -X POST https://x.example/v1 # send\n```\n\n```\nplain <b>\n```\n\n```nosuchlang\nkept\n```\n",
        );
        assert!(r.has_code);
        assert!(
            r.html.contains(
                r#"<pre class="code" data-lang="sh" tabindex="0"><code class="language-sh">"#
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("hl-comment"));
        assert!(
            r.html
                .contains(r#"<pre class="code" tabindex="0"><code>plain &lt;b&gt;"#)
        );
        assert!(r.html.contains(r#"<code class="language-nosuchlang">kept"#));
        assert!(!r.html.contains("style="));
        assert!(r.sections[0].text.contains("curl"), "code stays searchable");
        assert!(!render_str("No code here.\n").has_code);
    }

    #[test]
    fn a_table_scrolls_in_a_labelled_box() {
        let r = render_str("| Problem | When |\n|---|---|\n| a | b |\n");
        assert!(r.html.contains(r#"<div class="table-wrap" tabindex="0" role="region" aria-label="Table: Problem, When">"#), "{}", r.html);
    }
}
