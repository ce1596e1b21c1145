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

/// Mistakes in templates, located in their files: what a theme author
/// needs, rather than Tera's message alone.
#[derive(Debug)]
pub struct TemplateError {
    pub diagnostics: Vec<Diagnostic>,
    /// The templates' texts, to quote the offending lines.
    pub texts: Vec<(PathBuf, String)>,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.diagnostics.first() {
            Some(d) => f.write_str(&d.message),
            None => f.write_str("template error"),
        }
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
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaper leaves bidi controls in author text.
        tera.set_escape_fn(crate::base::escape::write_escaped_html);
        // Tera 1's `json_encode`, which themes use to hand data to
        // scripts; escaped for HTML as every JSON in our pages is.
        tera.register_filter(
            "json_encode",
            |value: tera::Value, kwargs: tera::Kwargs, _: &tera::State| {
                let json = if kwargs.get::<bool>("pretty")?.unwrap_or(false) {
                    serde_json::to_string_pretty(&value)
                } else {
                    serde_json::to_string(&value)
                };
                json.map(|j| crate::base::escape::escape_json_for_html(&j))
                    .map_err(tera::Error::message)
            },
        );
        let sources = templates.iter().map(|(k, t)| (k.as_str(), t.text.as_str()));
        if let Err(e) = tera.add_raw_templates(sources) {
            return Err(template_errors(&templates, &e, None).into());
        }
        Ok(Theme {
            tera,
            assets,
            templates,
            bundles,
        })
    }

    /// Turns a failure to render the page at `page` into diagnostics on
    /// the template lines Tera names.
    pub fn render_error(&self, page: &str, error: &tera::Error) -> TemplateError {
        template_errors(&self.templates, error, Some(page))
    }
}

/// Tera's complaints about templates as diagnostics, each at the line and
/// column Tera gives; `page` is the page being rendered, if any.
fn template_errors(
    templates: &BTreeMap<String, Template>,
    error: &tera::Error,
    page: Option<&str>,
) -> TemplateError {
    const VARIABLE_HELP: &str = "templates see `site`, `page` and the page's own values; check the name, or guard it with `{% if … %}`";
    const NAME_HELP: &str = "check the name against Tera's built-in filters, functions and tests";
    let mut out = TemplateError {
        diagnostics: Vec::new(),
        texts: Vec::new(),
    };
    for complaint in complaints(error) {
        let template = templates.get(&complaint.template);
        let file = template.map_or_else(|| PathBuf::from(&complaint.template), |t| t.file.clone());
        let (code, message, help) = if let Some(page) = page {
            (
                "E-TEMPLATE",
                format!(
                    "template failed while rendering `{page}`: {}",
                    complaint.message
                ),
                if complaint.message.contains("not defined")
                    || complaint.message.contains("undefined")
                {
                    VARIABLE_HELP
                } else {
                    "fix the template; Tera's message above says what went wrong"
                },
            )
        } else if complaint.message.starts_with("Unknown ") {
            let help = if complaint.message.starts_with("Unknown template") {
                "templates are found in the site's `templates/` and then the theme's; check the name"
            } else {
                NAME_HELP
            };
            (
                "E-TEMPLATE",
                format!("template uses an {}", lowercase_first(&complaint.message)),
                help,
            )
        } else {
            (
                "E-TEMPLATE-SYNTAX",
                format!("template does not parse: {}", complaint.message),
                "see https://keats.github.io/tera/docs/ for the template syntax",
            )
        };
        out.diagnostics
            .push(Diagnostic::error(code, &file, complaint.pos, message).with_help(help));
        if let Some(t) = template {
            out.texts.push((t.file.clone(), t.text.clone()));
        }
    }
    out
}

/// One thing Tera found wrong: in which template, where, and what.
#[derive(Debug, PartialEq)]
struct Complaint {
    template: String,
    pos: Pos,
    message: String,
}

/// Every complaint in a Tera error: a parse or render error carries its
/// span; checks of names after parsing come as reports in one message
/// (`error: …` then ` --> name:line:column`), all of them at once.
fn complaints(error: &tera::Error) -> Vec<Complaint> {
    match error.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col).max(1)
            } else {
                1
            };
            vec![Complaint {
                template: r.filename().to_string(),
                pos: Pos::new(span.start_line, span.start_col + 1, len),
                message: r.message().to_string(),
            }]
        }
        tera::ErrorKind::Msg(text) if text.starts_with("error: ") => {
            text.split("\n\nerror: ").map(parse_report).collect()
        }
        _ => vec![Complaint {
            template: String::new(),
            pos: Pos::default(),
            message: error.to_string(),
        }],
    }
}

/// One of Tera's reports: `error: <message>` then ` --> <template>:<line>:<column>`.
fn parse_report(report: &str) -> Complaint {
    let mut lines = report.lines();
    let message = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    // The underline covers the name in backquotes, if there is one.
    let len = message
        .split('`')
        .nth(1)
        .map_or(1, |name| name.chars().count());
    let at = lines
        .find_map(|l| l.trim().strip_prefix("--> "))
        .and_then(|at| {
            let mut parts = at.rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            Some((parts.next()?.to_string(), Pos::new(line, column, len)))
        });
    let (template, pos) = at.unwrap_or_default();
    Complaint {
        template,
        pos,
        message,
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_report_of_a_name_check() {
        let text = "error: Unknown filter `shout`\n --> article.html:3:20\n  |\n3 | x\n  |   ^\n\nerror: Unknown test `odd2`\n --> base.html:10:4\n  |";
        let found: Vec<Complaint> = text.split("\n\nerror: ").map(parse_report).collect();
        assert_eq!(
            found,
            [
                Complaint {
                    template: "article.html".into(),
                    pos: Pos::new(3, 20, 5),
                    message: "Unknown filter `shout`".into(),
                },
                Complaint {
                    template: "base.html".into(),
                    pos: Pos::new(10, 4, 4),
                    message: "Unknown test `odd2`".into(),
                },
            ]
        );
    }
}
