//! Themes: Tera templates compiled once per build, and static assets.
//!
//! A site's `templates/NAME.html` overrides the theme's template of that
//! name. The default theme is embedded, so sites need not carry a copy.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, bail};

/// Files embedded at compile time: `theme/...` and `scaffold/...`.
pub static EMBEDDED: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// A loaded theme: compiled templates and the static files to copy.
pub struct Theme {
    pub tera: tera::Tera,
    /// Output path → bytes, theme files first, then the site's `static/`.
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    pub fn load(root: &Path, name: &str) -> anyhow::Result<Theme> {
        let mut templates: BTreeMap<String, String> = BTreeMap::new();
        let mut assets = BTreeMap::new();
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            read_tree(&dir.join("templates"), &mut |rel, bytes| {
                templates.insert(rel.to_string(), to_text(rel, bytes)?);
                Ok(())
            })?;
            read_tree(&dir.join("static"), &mut |rel, bytes| {
                assets.insert(rel.to_string(), bytes);
                Ok(())
            })?;
        } else if name == "default" {
            add_embedded(&mut templates, &mut assets)?;
        } else {
            bail!(
                "theme `{name}` not found: expected a folder `{}`",
                dir.display()
            );
        }
        read_tree(&root.join("templates"), &mut |rel, bytes| {
            templates.insert(rel.to_string(), to_text(rel, bytes)?);
            Ok(())
        })?;
        read_tree(&root.join("static"), &mut |rel, bytes| {
            assets.insert(rel.to_string(), bytes);
            Ok(())
        })?;
        Theme::compile(&templates, assets)
    }

    /// The default theme built into the binary, compiled once per process
    /// without reading any file.
    pub fn embedded() -> anyhow::Result<&'static Theme> {
        static THEME: std::sync::OnceLock<Theme> = std::sync::OnceLock::new();
        if let Some(theme) = THEME.get() {
            return Ok(theme);
        }
        let mut templates = BTreeMap::new();
        let mut assets = BTreeMap::new();
        add_embedded(&mut templates, &mut assets)?;
        let theme = Theme::compile(&templates, assets)?;
        Ok(THEME.get_or_init(|| theme))
    }

    fn compile(
        templates: &BTreeMap<String, String>,
        assets: BTreeMap<String, Vec<u8>>,
    ) -> anyhow::Result<Theme> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which bloats every URL.
        tera.set_escape_fn(crate::render::escape_html);
        tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| anyhow::anyhow!("{}", tera_error_chain(&e)))
            .context("failed to compile templates")?;
        Ok(Theme { tera, assets })
    }
}

fn add_embedded(
    templates: &mut BTreeMap<String, String>,
    assets: &mut BTreeMap<String, Vec<u8>>,
) -> anyhow::Result<()> {
    for (path, bytes) in EMBEDDED {
        if let Some(rel) = path.strip_prefix("theme/templates/") {
            templates.insert(rel.to_string(), to_text(rel, bytes.to_vec())?);
        } else if let Some(rel) = path.strip_prefix("theme/static/") {
            assets.insert(rel.to_string(), bytes.to_vec());
        }
    }
    Ok(())
}

fn to_text(rel: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
    String::from_utf8(bytes).with_context(|| format!("template `{rel}` is not valid UTF-8"))
}

/// Calls `f` with each file under `dir` (path relative to `dir`, bytes).
fn read_tree(
    dir: &Path,
    f: &mut dyn FnMut(&str, Vec<u8>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.with_context(|| format!("failed to list `{}`", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("failed to read `{}`", entry.path().display()))?;
        f(&rel, bytes)?;
    }
    Ok(())
}

/// Tera hides the useful part of its errors in `source()`.
pub fn tera_error_chain(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
