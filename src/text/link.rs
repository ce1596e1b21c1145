//! Internal link forms of the content model, and the URLs they become.
//!
//! `article:<slug>[#id]`, `tree:<slug>[#node]`, relative article paths
//! (`../setup/led-colors.md`, or without `.md`) and root-relative URLs
//! (`/img/router.png`, `/articles/x/`, resolved against the site's base
//! path) are rewritten to final URLs; in-page anchors and other relative
//! URLs are kept as written. All of them are checked; external URLs are
//! left alone.

use std::path::{Component, Path, PathBuf};

/// A link target inside the site, as an author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Article {
        slug: String,
        anchor: Option<String>,
    },
    /// A relative link to an article file, resolved against the linking file.
    ArticleFile {
        path: PathBuf,
        anchor: Option<String>,
    },
    Tree {
        slug: String,
        node: Option<String>,
    },
}

/// Where a Markdown link or image points, as far as the site knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    /// A page of the content model: an article or a troubleshooter.
    Content(Target),
    /// `#id`: a heading (or footnote) of the same page.
    Anchor(String),
    /// A root-relative URL, as a site path under the base path: `img/x.png`
    /// for `/img/x.png`, `articles/x/` for `/articles/x/`. `suffix` is the
    /// query and fragment, kept as written.
    SitePath { path: String, suffix: String },
    /// Any other relative URL (`../img/x.png`): the browser resolves it
    /// against the page's URL.
    Relative(String),
}

/// Parses a Markdown link or image destination; `None` for external URLs
/// (with a scheme or a host) and empty ones.
pub fn parse_dest(dest: &str, from_file: &Path) -> Option<Dest> {
    let has_scheme = dest
        .find(':')
        .is_some_and(|i| !dest[..i].contains(['/', '?', '#']));
    if dest.starts_with("article:") || dest.starts_with("tree:") {
        return parse(dest, from_file).map(Dest::Content);
    }
    if dest.is_empty() || has_scheme || dest.starts_with("//") {
        return None;
    }
    if let Some(id) = dest.strip_prefix('#') {
        return Some(Dest::Anchor(id.to_string()));
    }
    if let Some(rest) = dest.strip_prefix('/') {
        let cut = rest.find(['?', '#']).unwrap_or(rest.len());
        return Some(Dest::SitePath {
            path: rest[..cut].to_string(),
            suffix: rest[cut..].to_string(),
        });
    }
    match parse(dest, from_file) {
        Some(target) => Some(Dest::Content(target)),
        None => Some(Dest::Relative(dest.to_string())),
    }
}

/// Parses a link to an article or tree; `None` for any other link.
pub fn parse(dest: &str, from_file: &Path) -> Option<Target> {
    if let Some(rest) = dest.strip_prefix("article:") {
        let (slug, anchor) = split_anchor(rest);
        return Some(Target::Article { slug, anchor });
    }
    if let Some(rest) = dest.strip_prefix("tree:") {
        let (slug, node) = split_anchor(rest);
        return Some(Target::Tree { slug, node });
    }
    let (path, anchor) = split_anchor(dest);
    let has_scheme = path.find(':').is_some_and(|i| !path[..i].contains('/'));
    if has_scheme || path.starts_with('/') || path.is_empty() || path.contains('?') {
        return None;
    }
    // `../setup/led-colors` (no extension, no trailing slash) names an
    // article file as surely as `../setup/led-colors.md` does.
    let last = path.rsplit('/').next().unwrap_or_default();
    let file = if path.ends_with(".md") {
        path.clone()
    } else if !last.is_empty() && !last.contains('.') {
        format!("{path}.md")
    } else {
        return None;
    };
    let dir = from_file.parent().unwrap_or(Path::new(""));
    Some(Target::ArticleFile {
        path: normalize(&dir.join(file)),
        anchor,
    })
}

/// The site path a relative URL reaches from the page at `page` (a site
/// path like `articles/x/`), as the browser resolves it; `None` when it
/// climbs above the site.
pub fn resolve_relative(page: &str, url: &str) -> Option<String> {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    let mut segments: Vec<&str> = page.split('/').collect();
    segments.pop(); // the page's own last segment (empty for `x/`)
    let parts: Vec<&str> = url[..cut].split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        match *part {
            ".." => {
                segments.pop()?;
            }
            "." => {}
            _ if i + 1 == parts.len() => segments.push(part),
            "" => {}
            _ => segments.push(part),
        }
    }
    let mut path = segments.join("/");
    if url[..cut].ends_with('/') && !path.is_empty() && !path.ends_with('/') {
        path.push('/');
    }
    Some(path)
}

/// Parses a `next:`/`related:` value of a tree or front matter.
///
/// Bare names are articles in `related` and nodes in `next`; the caller
/// decides, so this only recognises the prefixed forms.
pub fn parse_prefixed(value: &str) -> Option<Target> {
    if value.starts_with("article:") || value.starts_with("tree:") {
        parse(value, Path::new(""))
    } else {
        None
    }
}

fn split_anchor(s: &str) -> (String, Option<String>) {
    match s.split_once('#') {
        Some((a, b)) => (a.to_string(), Some(b.to_string())),
        None => (s.to_string(), None),
    }
}

/// Resolves `.` and `..` without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

// The one URL and output-path scheme. Every page lives at a site path
// (`articles/x/`, relative to the base path): its URL is the base path
// plus that, its output file that plus `index.html`.

/// The slug of a content file: its name without the extension.
pub fn slug_of(file: &Path) -> &str {
    file.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
}

/// The pieces joined into one string, allocated once: URLs are made for
/// every link of every page, and `format!` was a few percent of a build.
pub fn concat(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for piece in pieces {
        out.push_str(piece);
    }
    out
}

/// Site paths of the page kinds.
pub fn article_path(slug: &str) -> String {
    concat(&["articles/", slug, "/"])
}

pub fn category_path(id: &str) -> String {
    concat(&["categories/", id, "/"])
}

pub fn tree_path(slug: &str) -> String {
    concat(&["troubleshoot/", slug, "/"])
}

pub fn node_path(slug: &str, node: &str) -> String {
    concat(&["troubleshoot/", slug, "/", node, "/"])
}

/// The page listing every path through a tree.
pub fn paths_path(slug: &str) -> String {
    format!("troubleshoot/{slug}/paths/")
}

/// The page listing every tag, and each tag's page.
pub const TAGS_PATH: &str = "tags/";

pub fn tag_path(tag: &str) -> String {
    format!("{TAGS_PATH}{}/", tag_slug(tag))
}

/// A tag as it appears in URLs (`App version` → `app-version`).
pub fn tag_slug(tag: &str) -> String {
    slug(tag, "tag")
}

/// Text as a URL part or id: lowercase letters and digits, other runs of
/// characters as one `-`; `empty` when nothing is left.
pub fn slug(text: &str, empty: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    let mut push = |c: char, alphanumeric: bool| {
        if alphanumeric {
            slug.push(c);
            dash = false;
        } else if !dash {
            slug.push('-');
            dash = true;
        }
    };
    // Headings and tags are mostly ASCII: no case tables for those.
    if text.is_ascii() {
        for b in text.bytes() {
            push(
                char::from(b.to_ascii_lowercase()),
                b.is_ascii_alphanumeric(),
            );
        }
    } else {
        for c in text.chars().flat_map(char::to_lowercase) {
            push(c, c.is_alphanumeric());
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        empty.into()
    } else {
        slug.into()
    }
}

/// The output file of the page at a site path (`""` is the home page).
pub fn page_file(site_path: &str) -> String {
    format!("{site_path}index.html")
}

/// The URL of an output file: `articles/x/index.html` → `/articles/x/`.
pub fn url_of_file(base_path: &str, output_path: &str) -> String {
    let trimmed = output_path
        .strip_suffix("index.html")
        .unwrap_or(output_path);
    format!("{base_path}{trimmed}")
}

/// Site-relative URLs (`base_path` is `/` or `/help/`).
pub fn article_url(base_path: &str, slug: &str) -> String {
    concat(&[base_path, "articles/", slug, "/"])
}

pub fn category_url(base_path: &str, id: &str) -> String {
    concat(&[base_path, "categories/", id, "/"])
}

pub fn tree_url(base_path: &str, slug: &str) -> String {
    concat(&[base_path, "troubleshoot/", slug, "/"])
}

pub fn node_url(base_path: &str, slug: &str, node: &str) -> String {
    concat(&[base_path, "troubleshoot/", slug, "/", node, "/"])
}

pub fn with_anchor(mut url: String, anchor: Option<&str>) -> String {
    if let Some(a) = anchor.filter(|a| !a.is_empty()) {
        url.reserve(a.len() + 1);
        url.push('#');
        url.push_str(a);
    }
    url
}

/// `/old/path/` → `old/path/`, the site path an alias redirects from;
/// `None` for URLs, traversal, or the home page.
pub fn alias_path(alias: &str) -> Option<String> {
    let trimmed = alias.trim_end_matches("index.html").trim_matches('/');
    let ok = alias.starts_with('/')
        && !trimmed.is_empty()
        && trimmed.split('/').all(|seg| {
            !seg.is_empty() && seg != "." && seg != ".." && !seg.contains(['\\', '?', '#', '%'])
        });
    ok.then(|| format!("{trimmed}/"))
}

/// The folder of the search page and its index files.
pub const SEARCH_DIR: &str = "search/";

/// Whether an output path is a file of the search index (not the search
/// page beside it).
pub fn is_search_index_file(path: &str) -> bool {
    path.strip_prefix(SEARCH_DIR).is_some_and(|name| {
        name == "manifest.json"
            || (name.ends_with(".json")
                && (name.starts_with("shard-")
                    || name.starts_with("docs-")
                    || name.starts_with("pages-")
                    || name.starts_with("top-")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_text_slugs_as_any_text_does() {
        let reference = |text: &str| {
            let mut out = String::new();
            for c in text.chars().flat_map(char::to_lowercase) {
                if c.is_alphanumeric() {
                    out.push(c);
                } else if !out.ends_with('-') {
                    out.push('-');
                }
            }
            out.trim_matches('-').to_string()
        };
        for text in [
            "Hello, World! 2FA",
            "  --Sync_problems (v2.3)--  ",
            "API: send / receive",
            "a",
            "!!!",
            "Ação rápida: São Paulo",
        ] {
            let want = reference(text);
            let want = if want.is_empty() {
                "x".to_string()
            } else {
                want
            };
            assert_eq!(slug(text, "x"), want, "{text}");
        }
    }

    #[test]
    fn parses_internal_forms() {
        let from = Path::new("content/articles/basics/a.md");
        assert_eq!(
            parse("article:b#why", from),
            Some(Target::Article {
                slug: "b".into(),
                anchor: Some("why".into())
            })
        );
        assert_eq!(
            parse("tree:coex#credit", from),
            Some(Target::Tree {
                slug: "coex".into(),
                node: Some("credit".into())
            })
        );
        assert_eq!(
            parse("../sync/chats.md#top", from),
            Some(Target::ArticleFile {
                path: PathBuf::from("content/articles/sync/chats.md"),
                anchor: Some("top".into())
            })
        );
    }

    #[test]
    fn leaves_other_links_to_parse_dest() {
        let from = Path::new("content/articles/a.md");
        for dest in [
            "https://x.org/a.md",
            "mailto:a@b.c",
            "#local",
            "/abs.md",
            "img.png",
            "dir/",
        ] {
            assert_eq!(parse(dest, from), None, "{dest}");
        }
    }

    #[test]
    fn every_destination_kind_is_told_apart() {
        let from = Path::new("content/articles/basics/a.md");
        assert_eq!(parse_dest("https://x.org/", from), None);
        assert_eq!(parse_dest("//cdn.example/x.png", from), None);
        assert_eq!(parse_dest("mailto:a@b.c", from), None);
        assert_eq!(parse_dest("#why", from), Some(Dest::Anchor("why".into())));
        assert_eq!(
            parse_dest("/img/router.png", from),
            Some(Dest::SitePath {
                path: "img/router.png".into(),
                suffix: String::new()
            })
        );
        assert_eq!(
            parse_dest("/articles/x/?a=1#top", from),
            Some(Dest::SitePath {
                path: "articles/x/".into(),
                suffix: "?a=1#top".into()
            })
        );
        assert_eq!(
            parse_dest("../setup/led-colors", from),
            Some(Dest::Content(Target::ArticleFile {
                path: PathBuf::from("content/articles/setup/led-colors.md"),
                anchor: None
            }))
        );
        assert_eq!(
            parse_dest("../img/x.png", from),
            Some(Dest::Relative("../img/x.png".into()))
        );
    }

    #[test]
    fn relative_urls_resolve_like_a_browser() {
        assert_eq!(
            resolve_relative("articles/x/", "../../img/a.png"),
            Some("img/a.png".into())
        );
        assert_eq!(
            resolve_relative("articles/x/", "../y/"),
            Some("articles/y/".into())
        );
        assert_eq!(
            resolve_relative("articles/x/", "pic.png"),
            Some("articles/x/pic.png".into())
        );
        assert_eq!(resolve_relative("articles/x/", "../../../a.png"), None);
    }

    #[test]
    fn alias_paths() {
        assert_eq!(alias_path("/old/path/"), Some("old/path/".into()));
        assert_eq!(alias_path("/old/index.html"), Some("old/".into()));
        assert_eq!(alias_path("/../etc/"), None);
        assert_eq!(alias_path("https://x.org/"), None);
        assert_eq!(alias_path("/"), None);
    }

    #[test]
    fn urls_and_output_files_agree() {
        let path = article_path("x");
        assert_eq!(page_file(&path), "articles/x/index.html");
        assert_eq!(
            url_of_file("/help/", &page_file(&path)),
            article_url("/help/", "x")
        );
        assert_eq!(url_of_file("/", "index.html"), "/");
        assert_eq!(
            url_of_file("/", "search/manifest.json"),
            "/search/manifest.json"
        );
        assert!(is_search_index_file("search/manifest.json"));
        assert!(is_search_index_file("search/top-0a1b2c3d/sync.json"));
        assert!(!is_search_index_file("search/index.html"));
        assert_eq!(slug_of(Path::new("content/trees/t.yaml")), "t");
        assert_eq!(tag_path("App version"), "tags/app-version/");
        assert_eq!(tag_slug("2FA / PIN"), "2fa-pin");
    }
}
