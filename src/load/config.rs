//! `site.yaml`: the site's settings, read once and checked.

use std::path::Path;

use serde::Deserialize;

use crate::base::diagnostic::{Diagnostic, Pos};
use crate::text::source::{YamlIndex, strip_bom};
use crate::text::yaml;

/// The settings of a site, as written in `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute URL the site is published at; may end in a sub-path.
    pub base_url: String,
    /// Language of the content, used for `<html lang>` and search. Default `en`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme folder under `themes/`. Default `default` (also built in).
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub feedback: FeedbackConfig,
    /// What customers searched for, where they left a troubleshooter,
    /// which pages did not help: events in the host's access log.
    #[serde(default)]
    pub insights: InsightsConfig,
    /// An image in `static/` shown before the site title (`img/logo.svg`).
    #[serde(default)]
    pub logo: Option<String>,
    /// An image in `static/` used as the favicon; default: the theme's.
    #[serde(default)]
    pub favicon: Option<String>,
    /// Where `logo` and `favicon` are written, for diagnostics.
    #[serde(skip)]
    pub image_pos: [Pos; 2],
    /// Where `language` and each `languages[].code` are written.
    #[serde(skip)]
    pub language_pos: Vec<Pos>,
    /// Where customers reach a person: pages with no answer link there.
    #[serde(default)]
    pub support: Option<SupportConfig>,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Display order is list order.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// More languages, each published under `/<code>/`; see the
    /// languages contract.
    #[serde(default)]
    pub languages: Vec<LanguageConfig>,
}

/// One entry of `languages:` in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// A BCP 47 tag (`es`, `pt-BR`); its URL segment is the lowercased tag.
    pub code: String,
    /// Shown in the language switcher, in its own language.
    pub name: String,
    /// The site title in this language; default: the site's.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// This language's search synonyms.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
    /// The home page's search placeholder in this language; default: the
    /// theme's neutral text.
    #[serde(default)]
    pub placeholder: Option<String>,
    /// Category titles and descriptions in this language, by id.
    #[serde(default)]
    pub categories: std::collections::BTreeMap<String, CategoryText>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryText {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl LanguageConfig {
    /// The URL segment and file suffix: the lowercased tag.
    pub fn segment(&self) -> String {
        self.code.to_ascii_lowercase()
    }
}

/// A language's name in its own words, for the default language in the
/// language switcher (the others name themselves in site.yaml).
pub fn language_name(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    let primary = lower.split('-').next().unwrap_or_default();
    let name = match (lower.as_str(), primary) {
        ("pt-br", _) => "Português (Brasil)",
        (_, "en") => "English",
        (_, "es") => "Español",
        (_, "pt") => "Português",
        (_, "fr") => "Français",
        (_, "de") => "Deutsch",
        (_, "it") => "Italiano",
        (_, "nl") => "Nederlands",
        (_, "ar") => "العربية",
        (_, "he") => "עברית",
        (_, "ja") => "日本語",
        (_, "zh") => "中文",
        (_, "ru") => "Русский",
        (_, "tr") => "Türkçe",
        (_, "pl") => "Polski",
        (_, "sv") => "Svenska",
        _ => tag,
    };
    name.to_string()
}

/// Whether `code` looks like a BCP 47 language tag: a 2–3 letter primary
/// subtag, then subtags of 2–8 letters or digits (`es`, `pt-br`, `zh-hant`).
pub fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    primary_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Groups of words that find each other.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
    /// Example text in the home page's search box; a neutral default.
    #[serde(default)]
    pub placeholder: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackConfig {
    /// Where "was this helpful?" beacons go; none leave the browser without it.
    #[serde(default)]
    pub endpoint: Option<String>,
}

/// `insights:` in site.yaml: off unless `enabled`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsightsConfig {
    #[serde(default)]
    pub enabled: bool,
    /// Also POST each event (JSON) here with `navigator.sendBeacon`.
    #[serde(default)]
    pub endpoint: Option<String>,
}

/// Where events are requested, under the site's base path: the access
/// log of the host records them.
pub const INSIGHTS_FILE: &str = "_insights/e.gif";

/// `support:` in site.yaml: a URL and/or an email address, and the link text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportConfig {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Default "Contact support".
    #[serde(default)]
    pub label: Option<String>,
}

impl SupportConfig {
    /// The link to support: the URL, else a `mailto:` to the address.
    pub fn href(&self) -> Option<String> {
        self.url
            .clone()
            .or_else(|| self.email.as_ref().map(|e| format!("mailto:{e}")))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Whether raw HTML in Markdown is passed through. Default `true`.
    #[serde(default = "yes")]
    pub raw_html: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig { raw_html: true }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

fn default_language() -> String {
    "en".into()
}

fn default_theme() -> String {
    "default".into()
}

fn yes() -> bool {
    true
}

impl SiteConfig {
    /// Path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        url_path(&self.base_url)
    }

    /// `base_url` without its path: `https://example.com`.
    pub fn origin(&self) -> &str {
        let Some((scheme, rest)) = self.base_url.split_once("://") else {
            return "";
        };
        let host_len = rest.find('/').unwrap_or(rest.len());
        &self.base_url[..scheme.len() + 3 + host_len]
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// Path part of an absolute URL, always starting and ending with `/`.
pub fn url_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

pub const FILE: &str = "site.yaml";

/// Reads and checks `site.yaml`; mistakes become diagnostics.
pub fn load(root: &Path) -> anyhow::Result<(Option<SiteConfig>, String, Vec<Diagnostic>)> {
    let path = root.join(FILE);
    if !path.exists() {
        anyhow::bail!(
            "`{}` is not a waymark site: it has no site.yaml\n  \
             = help: run waymark in a site's folder, point at one with `--root DIR`, \
             or create one with `waymark init DIR`",
            root.display()
        );
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("failed to read `{}`: {e}", path.display()))?;
    let (config, diagnostics) = parse(&text);
    Ok((config, text, diagnostics))
}

/// Checks the text of `site.yaml`; `None` when it cannot be used at all.
pub fn parse(text: &str) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    match yaml::from_str::<SiteConfig>(strip_bom(text), Path::new(FILE), 1) {
        Ok(mut config) => {
            let index = YamlIndex::new(text, 1);
            config.image_pos = [index.value("logo"), index.value("favicon")];
            config.language_pos = std::iter::once(index.value("language"))
                .chain(
                    (0..config.languages.len())
                        .map(|i| index.value(&format!("languages.{i}.code"))),
                )
                .collect();
            let diagnostics = check(&config, text);
            (Some(config), diagnostics)
        }
        Err(d) => (None, vec![*d]),
    }
}

fn check(config: &SiteConfig, text: &str) -> Vec<Diagnostic> {
    let file = Path::new(FILE);
    let index = YamlIndex::new(text, 1);
    let mut out = Vec::new();
    if let Some(support) = &config.support {
        let url_ok = support
            .url
            .as_deref()
            .is_none_or(|u| u.starts_with("https://") || u.starts_with("http://"));
        let email_ok = support.email.as_deref().is_none_or(|e| {
            e.split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        });
        if !url_ok || !email_ok || (support.url.is_none() && support.email.is_none()) {
            out.push(
                Diagnostic::error(
                    "E-CONFIG-SUPPORT",
                    file,
                    index.key("support"),
                    "`support` needs an absolute `url` (https://…) or an `email` address",
                )
                .with_help("like `support: {url: https://example.com/contact, label: Contact us}`"),
            );
        }
    }
    let url_ok = (config.base_url.starts_with("https://")
        || config.base_url.starts_with("http://"))
        && !config.origin().ends_with("://");
    if !url_ok {
        out.push(
            Diagnostic::error(
                "E-CONFIG-BASE-URL",
                file,
                index.value("base_url"),
                format!(
                    "`base_url` must be an absolute URL, found `{}`",
                    config.base_url
                ),
            )
            .with_help("write it like `https://help.example.com/` or `https://example.com/help/`"),
        );
    }
    check_languages(config, &index, &mut out);
    let mut seen = std::collections::HashMap::new();
    for (i, category) in config.categories.iter().enumerate() {
        let path = format!("categories.{i}.id");
        if !is_slug(&category.id) {
            out.push(
                Diagnostic::error(
                    "E-CONFIG-CATEGORY",
                    file,
                    index.value(&path),
                    format!("category id `{}` is not a slug", category.id),
                )
                .with_help("use lowercase letters, digits and hyphens, like `sync-problems`"),
            );
        }
        if let Some(first) = seen.insert(category.id.as_str(), index.value(&path)) {
            out.push(
                Diagnostic::error(
                    "E-CONFIG-CATEGORY",
                    file,
                    index.value(&path),
                    format!("category `{}` is listed twice", category.id),
                )
                .with_related(file, first, "first listed here")
                .with_help("remove one of them, or give it another id"),
            );
        }
    }
    out
}

/// `language` and `languages`: well-formed tags, each listed once, and
/// category texts only for categories that exist.
fn check_languages(config: &SiteConfig, index: &YamlIndex, out: &mut Vec<Diagnostic>) {
    let file = Path::new(FILE);
    if !is_language_tag(&config.language) {
        out.push(
            Diagnostic::error(
                "E-CONFIG-LANGUAGE",
                file,
                index.value("language"),
                format!("`language: {}` is not a language tag", config.language),
            )
            .with_help("write a BCP 47 tag such as `en`, `es` or `pt-BR`"),
        );
    }
    let mut seen = std::collections::HashMap::new();
    seen.insert(
        config.language.to_ascii_lowercase(),
        index.value("language"),
    );
    for (i, lang) in config.languages.iter().enumerate() {
        let at = index.value(&format!("languages.{i}.code"));
        if !is_language_tag(&lang.code) {
            out.push(
                Diagnostic::error(
                    "E-CONFIG-LANGUAGE",
                    file,
                    at,
                    format!("`{}` is not a language tag", lang.code),
                )
                .with_help("write a BCP 47 tag such as `es`, `fr` or `pt-BR`"),
            );
        } else if let Some(first) = seen.insert(lang.segment(), at) {
            let message = if lang.segment() == config.language.to_ascii_lowercase() {
                format!("`{}` is the site's default `language`", lang.code)
            } else {
                format!("language `{}` is listed twice", lang.code)
            };
            out.push(
                Diagnostic::error("E-CONFIG-LANGUAGE", file, at, message)
                    .with_related(file, first, "first named here")
                    .with_help("list each language once; the default language is not repeated under `languages`"),
            );
        }
        for id in lang.categories.keys() {
            if config.category(id).is_none() {
                let known: Vec<&str> = config.categories.iter().map(|c| c.id.as_str()).collect();
                let mut d = Diagnostic::error(
                    "E-CONFIG-LANGUAGE",
                    file,
                    index.key(&format!("languages.{i}.categories.{id}")),
                    format!("`{id}` is not a category of this site"),
                );
                d = match crate::base::diagnostic::suggest(id, known.iter().copied()) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help("use an `id` listed under `categories`"),
                };
                out.push(d);
            }
        }
    }
}

/// Slugs and ids: `[a-z0-9-]+`, not starting or ending with a hyphen.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base_url: &str) -> SiteConfig {
        serde_yaml::from_str(&format!("title: T\nbase_url: {base_url}\n")).expect("valid")
    }

    #[test]
    fn base_path_and_origin() {
        let c = config("https://example.com/help");
        assert_eq!(c.base_path(), "/help/");
        assert_eq!(c.origin(), "https://example.com");
        assert_eq!(config("https://example.com").base_path(), "/");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("sync-problems"));
        assert!(!is_slug("Sync"));
        assert!(!is_slug("-x"));
        assert!(!is_slug(""));
    }

    #[test]
    fn support_takes_a_url_or_an_email() {
        let (config, diagnostics) =
            parse("title: T\nbase_url: https://e.com/\nsupport:\n  email: help@e.com\n");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let support = config.and_then(|c| c.support).expect("support");
        assert_eq!(support.href().as_deref(), Some("mailto:help@e.com"));
        for bad in [
            "support:\n  url: /contact\n",
            "support:\n  email: nobody\n",
            "support:\n  label: Help\n",
        ] {
            let (_, diagnostics) = parse(&format!("title: T\nbase_url: https://e.com/\n{bad}"));
            assert_eq!(
                diagnostics.first().map(|d| d.code),
                Some("E-CONFIG-SUPPORT"),
                "{bad}"
            );
        }
    }
}
