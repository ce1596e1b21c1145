//! Themes: Tera templates compiled once per build, and static assets.
//!
//! A site's `templates/NAME.html` overrides the theme's template of that
//! name. The default theme is embedded, so sites need not carry a copy.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::base::diagnostic::{Diagnostic, Pos};
use crate::base::embedded::EMBEDDED;
use crate::render::strings::{BundleFile, Bundles};
use crate::text::yaml::between;

/// A loaded theme: compiled templates and the static files to copy.
pub struct Theme {
    pub tera: tera::Tera,
    /// Output path → bytes, theme files first, then the site's `static/`.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Template name → where it came from, to point diagnostics at it.
    pub templates: BTreeMap<String, Template>,
    /// Interface strings by language: the default theme's, the theme's,
    /// then the site's `i18n/`.
    pub bundles: Bundles,
}

/// The source of one template.
pub struct Template {
    /// Relative to the site root, as the author knows it.
    pub file: PathBuf,
    pub text: String,
}

/// A mistake in a template, located in its file: what a theme author
/// needs, rather than Tera's message alone.
#[derive(Debug)]
pub struct TemplateError {
    pub diagnostic: Diagnostic,
    /// The template's text, to quote the offending line.
    pub text: Option<String>,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for TemplateError {}

impl Theme {
    pub fn load(root: &Path, name: &str) -> anyhow::Result<Theme> {
        let mut templates: BTreeMap<String, Template> = BTreeMap::new();
        let mut assets = BTreeMap::new();
        let mut bundles = Bundles {
            layers: vec![embedded_bundles()],
        };
        let dir = root.join("themes").join(name);
        let theme_templates = Path::new("themes").join(name).join("templates");
        if dir.is_dir() {
            read_tree(&dir.join("templates"), &mut |rel, bytes| {
                let text = to_text(rel, bytes)?;
                let file = theme_templates.join(rel);
                templates.insert(rel.to_string(), Template { file, text });
                Ok(())
            })?;
            read_tree(&dir.join("static"), &mut |rel, bytes| {
                assets.insert(rel.to_string(), bytes);
                Ok(())
            })?;
            let theme_i18n = Path::new("themes").join(name).join("i18n");
            bundles
                .layers
                .push(read_bundles(&root.join(&theme_i18n), &theme_i18n)?);
        } else if name == "default" {
            add_embedded(&mut templates, &mut assets)?;
        } else {
            bail!(
                "theme `{name}` not found: expected a folder `{}`",
                dir.display()
            );
        }
        read_tree(&root.join("templates"), &mut |rel, bytes| {
            let text = to_text(rel, bytes)?;
            let file = Path::new("templates").join(rel);
            templates.insert(rel.to_string(), Template { file, text });
            Ok(())
        })?;
        read_tree(&root.join("static"), &mut |rel, bytes| {
            assets.insert(rel.to_string(), bytes);
            Ok(())
        })?;
        bundles
            .layers
            .push(read_bundles(&root.join("i18n"), Path::new("i18n"))?);
        Theme::compile(templates, assets, bundles)
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
        let bundles = Bundles {
            layers: vec![embedded_bundles()],
        };
        let theme = Theme::compile(templates, assets, bundles)?;
        Ok(THEME.get_or_init(|| theme))
    }

    fn compile(
        templates: BTreeMap<String, Template>,
        assets: BTreeMap<String, Vec<u8>>,
        bundles: Bundles,
    ) -> anyhow::Result<Theme> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which bloats every URL.
        tera.set_escape_fn(crate::base::escape::escape_html);
        let sources = templates.iter().map(|(k, t)| (k.as_str(), t.text.as_str()));
        if let Err(e) = tera.add_raw_templates(sources) {
            return Err(syntax_error(&templates, &e).into());
        }
        Ok(Theme {
            tera,
            assets,
            templates,
            bundles,
        })
    }

    /// Turns a failure to render `template` for the page at `page` into a
    /// diagnostic on the template line that most likely caused it.
    pub fn render_error(&self, template: &str, page: &str, error: &tera::Error) -> TemplateError {
        let chain = tera_error_chain(error);
        // Tera names what it could not find, but not where: look for it.
        const VARIABLE_HELP: &str = "templates see `site`, `page` and the page's own values; check the name, or guard it with `{% if … %}`";
        const NAME_HELP: &str =
            "check the name against Tera's built-in filters, functions and tests";
        let found = [
            ("Variable `", "`", VARIABLE_HELP),
            ("Filter '", "'", NAME_HELP),
            ("Function '", "'", NAME_HELP),
            ("Test '", "'", NAME_HELP),
        ]
        .into_iter()
        .find_map(|(start, end, help)| Some((between(&chain, start, end)?, help)));
        let culprit = found.and_then(|(needle, _)| {
            // The page's own template first, then those it extends or includes.
            let mut order: Vec<&String> = self.templates.keys().collect();
            order.sort_by_key(|name| name.as_str() != template);
            order.into_iter().find_map(|name| {
                let t = &self.templates[name];
                find(&t.text, needle).map(|pos| (t, pos))
            })
        });
        let reason = chain
            .rsplit(": ")
            .next()
            .unwrap_or(&chain)
            .trim()
            .to_string();
        let message = format!("template failed while rendering `{page}`: {reason}");
        let (file, pos, text) = match culprit {
            Some((t, pos)) => (t.file.clone(), pos, Some(t.text.clone())),
            None => match self.templates.get(template) {
                Some(t) => (t.file.clone(), Pos::default(), Some(t.text.clone())),
                None => (PathBuf::from(template), Pos::default(), None),
            },
        };
        let help = found.map_or(
            "fix the template; Tera's message above says what went wrong",
            |(_, help)| help,
        );
        TemplateError {
            diagnostic: Diagnostic::error("E-TEMPLATE", &file, pos, message).with_help(help),
            text,
        }
    }
}

/// A template that does not parse, located from Tera's ` --> line:col`.
fn syntax_error(templates: &BTreeMap<String, Template>, error: &tera::Error) -> TemplateError {
    let chain = tera_error_chain(error);
    let name = between(&chain, "Failed to parse '", "'").unwrap_or_default();
    let template = templates.get(name);
    let pos = between(&chain, " --> ", "\n")
        .and_then(|at| at.trim().split_once(':'))
        .and_then(|(l, c)| Some(Pos::new(l.parse().ok()?, c.parse().ok()?, 1)))
        .unwrap_or_default();
    let reason = chain
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or(&chain)
        .to_string();
    let file = template.map_or_else(|| PathBuf::from(name), |t| t.file.clone());
    TemplateError {
        diagnostic: Diagnostic::error(
            "E-TEMPLATE-SYNTAX",
            &file,
            pos,
            format!("template does not parse: {reason}"),
        )
        .with_help("see https://keats.github.io/tera/docs/ for the template syntax"),
        text: template.map(|t| t.text.clone()),
    }
}

/// Where `needle` first appears in a template tag (`{{ … }}` or `{% … %}`).
fn find(text: &str, needle: &str) -> Option<Pos> {
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(at) = line[from..].find(needle) {
            let start = from + at;
            let before = &line[..start];
            // Only inside a tag, and as a whole name (`title`, not `subtitle`).
            let in_tag = before.rfind("{{").max(before.rfind("{%"))
                > before.rfind("}}").max(before.rfind("%}"));
            let whole = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.')
                && !line[start + needle.len()..]
                    .starts_with(|c: char| c.is_alphanumeric() || c == '_');
            if in_tag && whole {
                let column = before.chars().count() + 1;
                return Some(Pos::new(i + 1, column, needle.chars().count()));
            }
            from = start + needle.len();
        }
    }
    None
}

fn add_embedded(
    templates: &mut BTreeMap<String, Template>,
    assets: &mut BTreeMap<String, Vec<u8>>,
) -> anyhow::Result<()> {
    for (path, bytes) in EMBEDDED {
        if let Some(rel) = path.strip_prefix("theme/templates/") {
            let text = to_text(rel, bytes.to_vec())?;
            let file = Path::new("themes/default/templates").join(rel);
            templates.insert(rel.to_string(), Template { file, text });
        } else if let Some(rel) = path.strip_prefix("theme/static/") {
            assets.insert(rel.to_string(), bytes.to_vec());
        }
    }
    Ok(())
}

/// The default theme's string bundles, built into the binary.
pub(crate) fn embedded_bundles() -> BTreeMap<String, BundleFile> {
    EMBEDDED
        .iter()
        .filter_map(|(path, bytes)| {
            let code = path.strip_prefix("theme/i18n/")?.strip_suffix(".yaml")?;
            let file = Path::new("themes/default/i18n").join(format!("{code}.yaml"));
            let text = String::from_utf8_lossy(bytes).into_owned();
            Some((code.to_ascii_lowercase(), BundleFile { file, text }))
        })
        .collect()
}

/// The `<code>.yaml` bundles in `dir` (shown to authors as `shown`).
fn read_bundles(dir: &Path, shown: &Path) -> anyhow::Result<BTreeMap<String, BundleFile>> {
    let mut out = BTreeMap::new();
    read_tree(dir, &mut |rel, bytes| {
        if let Some(code) = rel.strip_suffix(".yaml").filter(|c| !c.contains('/')) {
            let text = String::from_utf8(bytes)
                .with_context(|| format!("`{}` is not valid UTF-8", shown.join(rel).display()))?;
            let file = shown.join(rel);
            out.insert(code.to_ascii_lowercase(), BundleFile { file, text });
        }
        Ok(())
    })?;
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_only_inside_tags_and_whole() {
        let text = "<p>subtitle title</p>\n{{ page.subtitle }} {{ page.title | upper }}\n";
        assert_eq!(find(text, "page.title"), Some(Pos::new(2, 24, 10)));
        assert_eq!(find(text, "upper"), Some(Pos::new(2, 37, 5)));
        assert_eq!(find(text, "title"), None);
    }
}
