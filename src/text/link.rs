//! Internal link forms of the content model, and the URLs they become.
//!
//! `article:<slug>[#id]`, `tree:<slug>[#node]` and relative `.md` paths
//! are rewritten to final URLs; everything else passes through untouched.

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

/// Parses a link destination; `None` for external links and plain anchors.
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
    if has_scheme || path.starts_with('/') || !path.ends_with(".md") {
        return None;
    }
    let dir = from_file.parent().unwrap_or(Path::new(""));
    Some(Target::ArticleFile {
        path: normalize(&dir.join(path)),
        anchor,
    })
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

/// Site paths of the page kinds.
pub fn article_path(slug: &str) -> String {
    format!("articles/{slug}/")
}

pub fn category_path(id: &str) -> String {
    format!("categories/{id}/")
}

pub fn tree_path(slug: &str) -> String {
    format!("troubleshoot/{slug}/")
}

pub fn node_path(slug: &str, node: &str) -> String {
    format!("troubleshoot/{slug}/{node}/")
}

/// The page listing every path through a tree.
pub fn paths_path(slug: &str) -> String {
    format!("troubleshoot/{slug}/paths/")
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
    format!("{base_path}{}", article_path(slug))
}

pub fn category_url(base_path: &str, id: &str) -> String {
    format!("{base_path}{}", category_path(id))
}

pub fn tree_url(base_path: &str, slug: &str) -> String {
    format!("{base_path}{}", tree_path(slug))
}

pub fn node_url(base_path: &str, slug: &str, node: &str) -> String {
    format!("{base_path}{}", node_path(slug, node))
}

pub fn with_anchor(url: String, anchor: Option<&str>) -> String {
    match anchor {
        Some(a) if !a.is_empty() => format!("{url}#{a}"),
        _ => url,
    }
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
                && (name.starts_with("shard-") || name.starts_with("docs-")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn leaves_external_links_alone() {
        let from = Path::new("content/articles/a.md");
        for dest in [
            "https://x.org/a.md",
            "mailto:a@b.c",
            "#local",
            "/abs.md",
            "img.png",
        ] {
            assert_eq!(parse(dest, from), None, "{dest}");
        }
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
        assert!(!is_search_index_file("search/index.html"));
        assert_eq!(slug_of(Path::new("content/trees/t.yaml")), "t");
    }
}
