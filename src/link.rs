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

/// Site-relative URLs (`base_path` is `/` or `/help/`).
pub fn article_url(base_path: &str, slug: &str) -> String {
    format!("{base_path}articles/{slug}/")
}

pub fn category_url(base_path: &str, id: &str) -> String {
    format!("{base_path}categories/{id}/")
}

pub fn tree_url(base_path: &str, slug: &str) -> String {
    format!("{base_path}troubleshoot/{slug}/")
}

pub fn node_url(base_path: &str, slug: &str, node: &str) -> String {
    format!("{base_path}troubleshoot/{slug}/{node}/")
}

pub fn with_anchor(url: String, anchor: Option<&str>) -> String {
    match anchor {
        Some(a) if !a.is_empty() => format!("{url}#{a}"),
        _ => url,
    }
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
}
