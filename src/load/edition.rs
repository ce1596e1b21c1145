//! The other languages' sites: for each language under `languages:`, every
//! article and tree of the default language, as its translation where one
//! exists and as the source's text (a fallback) where none does, so links
//! resolve within the language and every page exists in every language.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diagnostic::{Diagnostic, Pos};
use crate::load::article::{Article, Role};
use crate::load::config::{LanguageConfig, SiteConfig};
use crate::load::site::{
    Availability, BuildOptions, Files, Known, Lang, LangInfo, SearchInput, Site, read_and,
    read_article, sort_articles, tree_key,
};
use crate::load::translation::{self, Status, TranslationState};
use crate::load::tree;
use crate::text::markdown::Settings;
use crate::text::words::Analyser;

/// One more language's site, ready to check and render like the default.
#[derive(Debug)]
pub struct Edition {
    pub site: Site,
    pub search: SearchInput,
}

/// Translation files found beside the sources, by language segment, then
/// slug.
#[derive(Debug, Default)]
pub struct Found {
    pub articles: HashMap<String, HashMap<String, PathBuf>>,
    pub trees: HashMap<String, HashMap<String, PathBuf>>,
}

/// Sorts `files` into sources and translations; a translation in a
/// language the site does not list, or of a source that does not exist,
/// is an error with a did-you-mean.
pub fn sort_files(
    config: &SiteConfig,
    files: Vec<PathBuf>,
    found: &mut HashMap<String, HashMap<String, PathBuf>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let (sources, translations): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|f| translation::split(f).is_none());
    let slugs: Vec<&str> = sources
        .iter()
        .map(|f| crate::text::link::slug_of(f))
        .collect();
    let codes: Vec<String> = config
        .languages
        .iter()
        .map(LanguageConfig::segment)
        .collect();
    for file in translations {
        let Some((slug, code)) = translation::split(&file) else {
            continue;
        };
        if !codes.contains(&code) {
            let d = Diagnostic::error(
                "E-TRANSLATION-LANGUAGE",
                &file,
                Pos::default(),
                format!("`{code}` is not a language of this site"),
            );
            let d = match crate::base::diagnostic::suggest(&code, codes.iter().map(String::as_str)) {
                Some(near) => d.with_help(format!("did you mean `{near}`? (rename the file)")),
                None if codes.is_empty() => d.with_help(format!(
                    "list it in site.yaml under `languages:` (`- {{code: {code}, name: …}}`), or rename the file without `.{code}`"
                )),
                None => d.with_help(format!(
                    "the site's languages are {}; add `{code}` under `languages:` in site.yaml",
                    codes.join(", ")
                )),
            };
            diagnostics.push(d);
            continue;
        }
        if !slugs.contains(&slug) {
            let d = Diagnostic::error(
                "E-TRANSLATION-SOURCE",
                &file,
                Pos::default(),
                format!("`{slug}` has no source file to translate"),
            );
            let d = match crate::base::diagnostic::suggest(slug, slugs.iter().copied()) {
                Some(near) => d.with_help(format!("did you mean `{near}`? (rename the file)")),
                None => d.with_help(
                    "name a translation after its source: `<slug>.<code>.md` beside `<slug>.md`",
                ),
            };
            diagnostics.push(d);
            continue;
        }
        let slug = slug.to_string();
        found.entry(code).or_default().insert(slug, file);
    }
    sources
}

/// Every language of the site, the default first.
fn languages(config: &SiteConfig, default_name: &str) -> Vec<LangInfo> {
    let mut all = vec![LangInfo {
        tag: config.language.clone(),
        prefix: String::new(),
        name: default_name.to_string(),
    }];
    all.extend(config.languages.iter().map(|l| LangInfo {
        tag: l.code.clone(),
        prefix: format!("{}/", l.segment()),
        name: l.name.clone(),
    }));
    all
}

/// What loading the editions produced besides the editions themselves.
#[derive(Debug, Default)]
pub struct Outcome {
    pub editions: Vec<Edition>,
    pub diagnostics: Vec<Diagnostic>,
    /// Texts of translation files with diagnostics, for snippets.
    pub sources: HashMap<PathBuf, String>,
    pub states: Vec<TranslationState>,
}

/// Loads every language's edition of `default`; sets `default.lang`.
pub fn load(
    default: &mut Site,
    found: &Found,
    read: &Files,
    options: &BuildOptions,
    default_name: &str,
) -> Outcome {
    let mut out = Outcome::default();
    let config = default.config.clone();
    let all = Arc::new(languages(&config, default_name));
    let root_base_url = config.base_url.clone();
    let mut loaded = Vec::new();
    for lang in &config.languages {
        let segment = lang.segment();
        let none = HashMap::new();
        let article_files = found.articles.get(&segment).unwrap_or(&none);
        let tree_files = found.trees.get(&segment).unwrap_or(&none);
        let edition = load_one(
            default,
            lang,
            article_files,
            tree_files,
            read,
            options,
            &mut out,
        );
        loaded.push(edition);
    }
    // Which languages have a real page of each article and tree.
    let mut available = Availability::default();
    for a in &default.articles {
        available
            .articles
            .insert(a.slug.clone(), vec![String::new()]);
    }
    for t in &default.trees {
        available.trees.insert(t.slug.clone(), vec![String::new()]);
    }
    for (site, _) in &loaded {
        for a in site.articles.iter().filter(|a| !a.fallback) {
            if let Some(list) = available.articles.get_mut(&a.slug) {
                list.push(site.lang.prefix.clone());
            }
        }
        for t in site.trees.iter().filter(|t| !t.fallback) {
            if let Some(list) = available.trees.get_mut(&t.slug) {
                list.push(site.lang.prefix.clone());
            }
        }
    }
    let available = Arc::new(available);
    default.lang = Lang {
        tag: config.language.clone(),
        prefix: String::new(),
        root_base_url: root_base_url.clone(),
        all: all.clone(),
        available: available.clone(),
    };
    for (mut site, search) in loaded {
        site.lang.all = all.clone();
        site.lang.available = available.clone();
        out.editions.push(Edition { site, search });
    }
    out
}

/// One language's site: translations where they exist, fallbacks else.
fn load_one(
    default: &Site,
    lang: &LanguageConfig,
    article_files: &HashMap<String, PathBuf>,
    tree_files: &HashMap<String, PathBuf>,
    read: &Files,
    options: &BuildOptions,
    out: &mut Outcome,
) -> (Site, SearchInput) {
    let config = edition_config(&default.config, lang);
    let root_base = default.config.base_path();
    let settings = Settings {
        base_path: root_base.clone(),
        page_base: config.base_path(),
        raw_html: config.markdown.raw_html,
    };
    let analyser = Analyser::new(&lang.code);
    let articles: Vec<_> = default
        .articles
        .par_iter()
        .map(|source| {
            let translated = article_files.get(&source.slug).map(|file| {
                let role = Role::Translation(source);
                let result = read_article(read, file, &settings, &analyser, options.drafts, role);
                (file, result)
            });
            let fallback = || {
                let (_, (loaded, _)) = read_article(
                    read,
                    &source.file,
                    &settings,
                    &analyser,
                    false,
                    Role::Fallback,
                );
                loaded
            };
            // The source's text only where no translation will be shown.
            let shown = translated.as_ref().is_some_and(|(_, (_, (loaded, _)))| {
                loaded
                    .as_ref()
                    .is_some_and(|(a, _)| !a.draft || options.drafts)
            });
            (source, translated, if shown { None } else { fallback() })
        })
        .collect();
    let mut list = Vec::new();
    for (source, translated, fallback) in articles {
        let mut state =
            TranslationState::new(&lang.code, "article", source.slug.clone(), &source.file);
        let mut chosen = None;
        if let Some((file, (text, (loaded, diagnostics)))) = translated {
            if let Some(text) = text {
                out.sources.insert(file.clone(), text);
            }
            out.diagnostics.extend(diagnostics);
            state.file = Some(file.clone());
            if let Some((a, terms)) = loaded {
                state.status = status(
                    a.source_stamp.as_ref().map(|s| s.value.as_str()),
                    source.text_hash.as_deref(),
                );
                state.stamp_pos = a.source_stamp.as_ref().map(|s| s.pos).unwrap_or_default();
                if !a.draft || options.drafts {
                    chosen = Some((a, terms));
                }
            }
        }
        out.states.push(state);
        match (chosen, fallback) {
            (Some(pair), _) => list.push(pair),
            (None, Some((a, _))) => list.push((a, Vec::new())),
            (None, None) => {}
        }
    }

    let trees: Vec<_> = default
        .trees
        .par_iter()
        .map(|source| {
            let translated = tree_files.get(&source.slug).map(|file| {
                let result = read_and(read, file, |text| tree::load(file, text, &settings));
                (file, result)
            });
            let (_, (fallback, _)) = read_and(read, &source.file, |text| {
                tree::load(&source.file, text, &settings)
            });
            (source, translated, fallback)
        })
        .collect();
    let mut tree_list = Vec::new();
    for (source, translated, fallback) in trees {
        let mut state =
            TranslationState::new(&lang.code, "tree", source.slug.clone(), &source.file);
        let mut chosen = None;
        if let Some((file, (_, (loaded, mut diagnostics)))) = translated {
            state.file = Some(file.clone());
            if let Some(mut t) = loaded {
                diagnostics.extend(translation::check_tree(source, &t));
                t.category = source.category.clone();
                t.order = source.order;
                if t.tags.is_empty() {
                    t.tags = source.tags.clone();
                }
                if t.updated.is_none() {
                    t.updated = source.updated.clone();
                }
                if t.scenarios.is_empty() {
                    t.scenarios = translation::scenarios_for(source, &t);
                    for s in &t.scenarios {
                        if let Err(message) = tree::run_scenario(&t, s) {
                            diagnostics.push(
                                Diagnostic::error("E-TREE-SCENARIO", file, Pos::default(), message)
                                    .with_related(
                                        &source.file,
                                        s.pos,
                                        "the source's scenario, walked with this file's labels",
                                    ),
                            );
                        }
                    }
                }
                state.status = status(
                    t.source_stamp.as_ref().map(|s| s.value.as_str()),
                    Some(&source.text_hash),
                );
                state.stamp_pos = t.source_stamp.as_ref().map(|s| s.pos).unwrap_or_default();
                if !t.draft || options.drafts {
                    chosen = Some(t);
                }
            }
            if !diagnostics.is_empty()
                && let Ok(bytes) = read.read(file)
            {
                out.sources
                    .insert(file.clone(), String::from_utf8_lossy(&bytes).into_owned());
            }
            out.diagnostics.extend(diagnostics);
        }
        out.states.push(state);
        match (chosen, fallback) {
            (Some(t), _) => tree_list.push(t),
            (None, Some(mut t)) => {
                t.fallback = true;
                tree_list.push(t);
            }
            (None, None) => {}
        }
    }

    sort_articles(&config, &mut list);
    tree_list.sort_by(|a, b| tree_key(&config, a).cmp(&tree_key(&config, b)));
    let (articles, terms): (Vec<Box<Article>>, Vec<_>) = list.into_iter().unzip();
    let mut site = Site::new(config, articles, tree_list, read.clone(), settings);
    site.known = Known {
        static_files: default.known.static_files.clone(),
        draft_articles: default.known.draft_articles.clone(),
        draft_trees: default.known.draft_trees.clone(),
        failed_articles: default.known.failed_articles.clone(),
        failed_trees: default.known.failed_trees.clone(),
    };
    site.lang.prefix = format!("{}/", lang.segment());
    site.lang.root_base_url = default.config.base_url.clone();
    let search = SearchInput {
        analyser,
        articles: terms,
        tree_label: "Troubleshooter".into(),
    };
    (site, search)
}

/// A translation's freshness from its stamp and its source's hash.
fn status(stamp: Option<&str>, hash: Option<&str>) -> Status {
    match (stamp, hash) {
        (None, _) => Status::Untracked,
        (Some(s), Some(h)) if s == h => Status::Current,
        _ => Status::Outdated,
    }
}

/// The site's settings as seen from one language: its title, texts,
/// synonyms and category names, and its base URL under `/<code>/`.
fn edition_config(config: &SiteConfig, lang: &LanguageConfig) -> SiteConfig {
    let mut c = config.clone();
    c.base_url = format!("{}{}/", config.base_url, lang.segment());
    c.language = lang.code.clone();
    if let Some(title) = &lang.title {
        c.title = title.clone();
    }
    if let Some(description) = &lang.description {
        c.description = description.clone();
    }
    c.search.synonyms = lang.synonyms.clone();
    c.search.placeholder = lang.placeholder.clone();
    for category in &mut c.categories {
        if let Some(text) = lang.categories.get(&category.id) {
            category.title = text.title.clone();
            if let Some(d) = &text.description {
                category.description = d.clone();
            }
        }
    }
    c
}
