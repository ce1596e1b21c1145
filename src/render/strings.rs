//! Interface strings: every word the theme and its scripts show, in the
//! page's language. The default theme ships bundles in `i18n/<code>.yaml`;
//! a theme and then the site (`i18n/<code>.yaml` at its root) override or
//! add keys; a key missing in a language falls back to English.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::diagnostic::{Diagnostic, Pos};
use crate::text::source::YamlIndex;

/// One language's strings, every key of the English bundle filled.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    map: BTreeMap<String, String>,
    /// What the scripts need of them: see [`Strings::script_overrides`].
    pub scripts: Option<String>,
}

/// The language every bundle falls back to.
pub const FALLBACK: &str = "en";

/// Keys the scripts read (prefixed `js_`).
const SCRIPT_PREFIX: &str = "js_";

/// A bundle file as read: where it came from and its text.
#[derive(Debug, Clone)]
pub struct BundleFile {
    pub file: PathBuf,
    pub text: String,
}

/// Every bundle a site can draw on, by lowercased language code, in the
/// order they override each other: default theme, theme, site.
#[derive(Debug, Clone, Default)]
pub struct Bundles {
    pub layers: Vec<BTreeMap<String, BundleFile>>,
}

impl Strings {
    /// The string of `key`; the key itself when unknown (a custom template
    /// asking for a key no bundle has shows that plainly).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// The string of `key` with each `{name}` replaced by its value, in
    /// one pass (a value is never read for placeholders itself).
    pub fn format(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut rest = self.get(key);
        let mut out = String::with_capacity(rest.len() + 32);
        while let Some(open) = rest.find('{') {
            let (before, from) = rest.split_at(open);
            out.push_str(before);
            let value = from[1..].find('}').and_then(|close| {
                let name = &from[1..1 + close];
                let value = values.iter().find(|(n, _)| *n == name)?.1;
                Some((value, close + 2))
            });
            match value {
                Some((value, len)) => {
                    out.push_str(value);
                    rest = &from[len..];
                }
                None => {
                    out.push('{');
                    rest = &from[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// "20 November 2026" for `2026-11-20`, in this language (one for
    /// every article page).
    pub fn date(&self, iso: &str) -> Option<String> {
        const MONTHS: [&str; 12] = [
            "month_1", "month_2", "month_3", "month_4", "month_5", "month_6", "month_7", "month_8",
            "month_9", "month_10", "month_11", "month_12",
        ];
        let (year, month, day) = crate::base::date::parts(iso)?;
        let month = MONTHS.get((month as usize).checked_sub(1)?)?;
        Some(self.format(
            "date_format",
            &[
                ("day", &day.to_string()),
                ("month", self.get(month)),
                ("year", &year),
            ],
        ))
    }

    /// Every key and its text, for templates (`site.t.<key>`).
    pub fn map(&self) -> &BTreeMap<String, String> {
        &self.map
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(&self) -> bool {
        self.get("direction") == "rtl"
    }

    /// The strings the scripts use that differ from English, as JSON for
    /// the page; `None` when the scripts' built-in English will do.
    pub fn script_overrides(&self, english: &Strings) -> Option<String> {
        let changed: BTreeMap<&str, &str> = self
            .map
            .iter()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix(SCRIPT_PREFIX)?;
                (english.map.get(k) != Some(v)).then_some((key, v.as_str()))
            })
            .collect();
        if changed.is_empty() {
            return None;
        }
        serde_json::to_string(&changed)
            .ok()
            .map(|json| crate::base::escape::escape_json_for_html(&json))
    }
}

impl Bundles {
    /// Whether any layer has a bundle for `code`.
    fn has(&self, code: &str) -> bool {
        self.layers.iter().any(|l| l.contains_key(code))
    }

    /// The strings of `code` (a lowercased BCP 47 tag; `pt-br` falls back
    /// to `pt` when only that exists), with English filling any gap.
    /// Diagnostics: an error when no bundle knows the language, a warning
    /// per bundle that lacks keys.
    pub fn strings(&self, code: &str, named_at: (&Path, Pos)) -> (Strings, Vec<Diagnostic>) {
        let (mut strings, diagnostics) = self.resolve(code, named_at);
        strings.scripts = strings.script_overrides(&self.builtin_english());
        (strings, diagnostics)
    }

    fn resolve(&self, code: &str, named_at: (&Path, Pos)) -> (Strings, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let english = self.merged(FALLBACK, &mut diagnostics);
        let primary = code.split('-').next().unwrap_or(code);
        let chosen = [code, primary].into_iter().find(|c| self.has(c));
        let Some(chosen) = chosen else {
            let known: Vec<String> = self
                .layers
                .iter()
                .flat_map(|l| l.keys().cloned())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            diagnostics.push(
                Diagnostic::error(
                    "E-LANGUAGE-UNKNOWN",
                    named_at.0,
                    named_at.1,
                    format!("no interface strings for language `{code}`"),
                )
                .with_help(format!(
                    "add `i18n/{code}.yaml` at the site's root with the keys of the theme's `i18n/en.yaml`, or use a language the theme has: {}",
                    known.join(", ")
                )),
            );
            return (english, diagnostics);
        };
        if chosen == FALLBACK {
            return (english, diagnostics);
        }
        let mut strings = self.merged(chosen, &mut diagnostics);
        let missing: Vec<&String> = english
            .map
            .keys()
            .filter(|k| !strings.map.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            let file = self
                .layers
                .iter()
                .rev()
                .find_map(|l| l.get(chosen))
                .map_or_else(
                    || PathBuf::from(format!("i18n/{chosen}.yaml")),
                    |b| b.file.clone(),
                );
            let shown: Vec<&str> = missing.iter().take(8).map(|k| k.as_str()).collect();
            let more = missing.len().saturating_sub(shown.len());
            diagnostics.push(
                Diagnostic::warning(
                    "W-I18N-MISSING",
                    &file,
                    Pos::default(),
                    format!(
                        "{} interface string{} missing in `{chosen}`, shown in English: {}{}",
                        missing.len(),
                        if missing.len() == 1 { " is" } else { "s are" },
                        shown.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    ),
                )
                .with_help(format!(
                    "add the keys to `i18n/{chosen}.yaml` at the site's root"
                )),
            );
            for key in missing {
                strings.map.insert(key.clone(), english.map[key].clone());
            }
        }
        (strings, diagnostics)
    }

    /// The default theme's English, which the scripts carry built in.
    pub fn builtin_english(&self) -> Strings {
        let mut ignored = Vec::new();
        let layer = self.layers.first().and_then(|l| l.get(FALLBACK));
        Strings {
            map: layer.map(|b| parse(b, &mut ignored)).unwrap_or_default(),
            scripts: None,
        }
    }

    /// The keys of `code` from every layer, later layers winning.
    fn merged(&self, code: &str, diagnostics: &mut Vec<Diagnostic>) -> Strings {
        let mut out = BTreeMap::new();
        for bundle in self.layers.iter().filter_map(|l| l.get(code)) {
            out.extend(parse(bundle, diagnostics));
        }
        Strings {
            map: out,
            scripts: None,
        }
    }
}

/// A bundle's keys; mistakes become diagnostics on the bundle's file.
fn parse(bundle: &BundleFile, diagnostics: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let value: serde_yaml::Value = match crate::text::yaml::from_str(&bundle.text, &bundle.file, 1)
    {
        Ok(v) => v,
        Err(d) => {
            diagnostics.push(*d);
            return BTreeMap::new();
        }
    };
    let index = YamlIndex::new(&bundle.text, 1);
    let mut out = BTreeMap::new();
    let serde_yaml::Value::Mapping(map) = value else {
        if !value.is_null() {
            diagnostics.push(
                Diagnostic::error(
                    "E-I18N",
                    &bundle.file,
                    Pos::new(1, 1, 1),
                    "interface strings must be a map of `key: text`",
                )
                .with_help("write one `key: text` per line, like `last_updated: Last updated`"),
            );
        }
        return out;
    };
    for (k, v) in map {
        let (Some(key), Some(text)) = (k.as_str(), v.as_str()) else {
            let key = k.as_str().unwrap_or("?").to_string();
            diagnostics.push(
                Diagnostic::error(
                    "E-I18N",
                    &bundle.file,
                    index.value(&key),
                    format!("`{key}` must be a text"),
                )
                .with_help("quote the value, like `yes: \"Sí\"`"),
            );
            continue;
        };
        out.insert(key.to_string(), text.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundles(files: &[(&str, &str)]) -> Bundles {
        let layer = files
            .iter()
            .map(|(code, text)| {
                let file = PathBuf::from(format!("i18n/{code}.yaml"));
                (
                    code.to_string(),
                    BundleFile {
                        file,
                        text: text.to_string(),
                    },
                )
            })
            .collect();
        Bundles {
            layers: vec![layer],
        }
    }

    fn at() -> (&'static Path, Pos) {
        (Path::new("site.yaml"), Pos::new(3, 11, 2))
    }

    #[test]
    fn missing_keys_fall_back_to_english_with_a_warning() {
        let b = bundles(&[("en", "a: A\nb: B {n}\n"), ("es", "a: Á\n")]);
        let (s, d) = b.strings("es", at());
        assert_eq!(s.get("a"), "Á");
        assert_eq!(s.format("b", &[("n", "2")]), "B 2");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "W-I18N-MISSING");
        assert!(d[0].message.contains('b'), "{}", d[0].message);
    }

    #[test]
    fn an_unknown_language_is_an_error_and_a_region_uses_its_language() {
        let b = bundles(&[("en", "a: A\n"), ("pt", "a: Á\n")]);
        let (_, d) = b.strings("xx", at());
        assert_eq!(d[0].code, "E-LANGUAGE-UNKNOWN");
        let (s, d) = b.strings("pt-br", at());
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.get("a"), "Á");
    }

    #[test]
    fn placeholders_are_filled_in_one_pass() {
        let b = bundles(&[("en", "t: \"{a} and {b}, {unknown} {a}{ {b\"\n")]);
        let (en, _) = b.strings("en", at());
        assert_eq!(
            en.format("t", &[("a", "{b}"), ("b", "B")]),
            "{b} and B, {unknown} {b}{ {b"
        );
    }

    #[test]
    fn dates_and_script_strings_follow_the_language() {
        let en = "date_format: \"{day} {month} {year}\"\nmonth_11: November\njs_copy: Copy\njs_all: All\n";
        let es = "date_format: \"{day} de {month} de {year}\"\nmonth_11: noviembre\njs_copy: Copiar\njs_all: All\n";
        let b = bundles(&[("en", en), ("es", es)]);
        let (english, _) = b.strings("en", at());
        let (spanish, _) = b.strings("es", at());
        assert_eq!(
            spanish.date("2026-11-20").as_deref(),
            Some("20 de noviembre de 2026")
        );
        assert_eq!(
            english.date("2026-11-05").as_deref(),
            Some("5 November 2026")
        );
        assert_eq!(english.script_overrides(&english), None);
        assert_eq!(
            spanish.script_overrides(&english).as_deref(),
            Some(r#"{"copy":"Copiar"}"#)
        );
    }
}

#[cfg(test)]
mod bundle_tests {
    use super::*;
    use crate::base::embedded::EMBEDDED;

    fn embedded(path: &str) -> String {
        EMBEDDED
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }

    /// The scripts carry their English beside each key; it must be the
    /// bundle's, or a site in English would show two wordings.
    #[test]
    fn the_scripts_english_is_the_bundles() {
        let mut ignored = Vec::new();
        let file = BundleFile {
            file: PathBuf::from("en.yaml"),
            text: embedded("theme/i18n/en.yaml"),
        };
        let english = parse(&file, &mut ignored);
        let scripts: String = ["code.js", "search.js", "tree.js"]
            .iter()
            .map(|f| embedded(&format!("theme/static/{f}")))
            .collect();
        let mut checked = 0;
        for (key, text) in english.iter().filter(|(k, _)| k.starts_with(SCRIPT_PREFIX)) {
            let json = serde_json::to_string(text).unwrap_or_default();
            let call = format!("t(\"{}\", {json}", &key[SCRIPT_PREFIX.len()..]);
            assert!(scripts.contains(&call), "no `{call}` in the scripts");
            checked += 1;
        }
        assert!(checked > 30, "{checked}");
        // And every string the scripts ask for is in the bundle.
        for call in scripts.split("t(\"").skip(1) {
            let Some((key, rest)) = call.split_once('"') else {
                continue;
            };
            if rest.starts_with(", \"") && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            {
                let full = format!("{SCRIPT_PREFIX}{key}");
                assert!(
                    english.contains_key(&full),
                    "the scripts ask for `{full}`, which en.yaml lacks"
                );
            }
        }
    }

    /// Every bundle the default theme ships has exactly English's keys.
    #[test]
    fn every_bundle_has_every_key() {
        let b = Bundles {
            layers: vec![crate::render::theme::embedded_bundles()],
        };
        let codes: Vec<String> = b.layers[0].keys().cloned().collect();
        assert!(codes.len() >= 6, "{codes:?}");
        for code in codes {
            let (_, d) = b.strings(&code, (Path::new("site.yaml"), Pos::default()));
            assert!(d.is_empty(), "{code}: {d:?}");
        }
    }
}
