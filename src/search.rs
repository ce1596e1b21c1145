//! The search stage: a static, sharded index of articles, their sections
//! and troubleshooter steps, in the format of `docs/search-index.md`.
//!
//! Scores are precomputed at build time (BM25F per term and doc, scaled to
//! one byte), so the client only adds numbers; typo tolerance comes from
//! 1-deletion variants stored next to the words, so the client needs no
//! stemmer and no full vocabulary.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation as _;

use crate::output::OutputFile;
use crate::render::{Fingerprint, Renderer, fingerprint};
use crate::tree::NodeKind;

const FIELD_WEIGHTS: [f32; 4] = [4.0, 2.5, 1.5, 1.0];
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Very common terms keep only their best postings: they barely change
/// rankings, and a query for them must stay small to download.
const MAX_POSTINGS: usize = 5_000;
const CHUNK_SIZE: usize = 40;
/// A 2-letter shard bigger than this is split by 3-letter prefixes.
const MAX_SHARD_BYTES: usize = 128 * 1024;
const EXCERPT_CHARS: usize = 200;
/// Troubleshooters suggested when nothing matches.
const SUGGESTED_TREES: usize = 12;
/// Words this long or longer get typo variants.
const TYPO_MIN_CHARS: usize = 5;

const ENGLISH_STOPWORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "down", "each", "few", "for", "from", "further", "had", "has", "have",
    "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of",
    "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
    "versus", "very", "vs", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yours",
];

/// Folds diacritics, lowercases and splits into words (UAX #29).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let folded = fold(text);
    split_words(&folded, text.is_ascii(), |w| out.push(w.to_string()));
    out
}

/// Lowercases and folds diacritics: the text that words are cut from.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Splits folded text into words; `ascii` says the original text was
/// ASCII (most help text is), which a byte scanner handles alike.
fn split_words<'t>(folded: &'t str, ascii: bool, mut f: impl FnMut(&'t str)) {
    if ascii {
        ascii_words(folded, f);
    } else {
        for word in folded.unicode_words() {
            f(word);
        }
    }
}

/// UAX #29 word boundaries restricted to ASCII: letters and digits join,
/// `_` joins anything, `'`, `.` and `:` join two letters, `,`, `;`, `.`
/// and `'` join two digits. Words without a letter or digit are dropped.
fn ascii_words<'t>(text: &'t str, mut f: impl FnMut(&'t str)) {
    let b = text.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if !is_word(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() {
            if is_word(b[i]) {
                i += 1;
            } else if i + 1 < b.len() && i > start {
                let (prev, mid, next) = (b[i - 1], b[i], b[i + 1]);
                let letters = prev.is_ascii_alphabetic()
                    && next.is_ascii_alphabetic()
                    && matches!(mid, b'\'' | b'.' | b':');
                let digits = prev.is_ascii_digit()
                    && next.is_ascii_digit()
                    && matches!(mid, b',' | b';' | b'.' | b'\'');
                if letters || digits {
                    i += 2;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        let word = &text[start..i];
        if word.bytes().any(|c| c.is_ascii_alphanumeric()) {
            f(word);
        }
    }
}

/// Language-specific parts: stemmer and stop words.
struct Language {
    stemmer: Option<rust_stemmers::Stemmer>,
    stopwords: &'static [&'static str],
    /// The same words, for a check per token that does not compare strings.
    stopword_set: std::collections::HashSet<&'static str, std::hash::BuildHasherDefault<FxHasher>>,
}

impl Language {
    fn new(code: &str) -> Language {
        use rust_stemmers::Algorithm as A;
        let primary = code.split(['-', '_']).next().unwrap_or("").to_lowercase();
        let algorithm = match primary.as_str() {
            "en" => Some(A::English),
            "de" => Some(A::German),
            "fr" => Some(A::French),
            "es" => Some(A::Spanish),
            "it" => Some(A::Italian),
            "pt" => Some(A::Portuguese),
            "nl" => Some(A::Dutch),
            "sv" => Some(A::Swedish),
            "no" | "nb" => Some(A::Norwegian),
            "da" => Some(A::Danish),
            "fi" => Some(A::Finnish),
            "ru" => Some(A::Russian),
            "ro" => Some(A::Romanian),
            "hu" => Some(A::Hungarian),
            "tr" => Some(A::Turkish),
            _ => None,
        };
        let stopwords: &'static [&'static str] = if primary == "en" {
            ENGLISH_STOPWORDS
        } else {
            &[]
        };
        Language {
            stemmer: algorithm.map(rust_stemmers::Stemmer::create),
            stopwords,
            stopword_set: stopwords.iter().copied().collect(),
        }
    }

    fn stem(&self, word: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(word).into_owned(),
            None => word.to_string(),
        }
    }

    fn is_stopword(&self, word: &str) -> bool {
        // No English stop word is longer than 8 bytes.
        word.len() <= 8 && self.stopword_set.contains(word)
    }
}

/// Term counts of one search doc: (stem id, frequency per field) and
/// field lengths. Fields: title, heading, description and tags, body.
#[derive(Debug, Default, Clone)]
pub struct DocTerms {
    terms: Vec<(u32, [u8; 4])>,
    lengths: [u32; 4],
}

/// A section of an article as search needs it: no full text, only its
/// terms and the start of its text for excerpts.
#[derive(Debug)]
pub struct SearchSection {
    /// Heading id and text; `None` for the article's top.
    pub heading: Option<(String, String)>,
    pub excerpt: String,
    /// Taken (left empty) by the index stage, which turns them into
    /// postings without holding two copies.
    pub terms: std::sync::Mutex<DocTerms>,
}

/// Stems and surface words with ids, shared by the parallel loaders.
#[derive(Default)]
struct Dictionary {
    stem_ids: FastMap<String, u32>,
    stems: Vec<String>,
    /// Surface word → stem id.
    surfaces: FastMap<String, u32>,
}

impl Dictionary {
    /// The stem id of surface `word`, adding both if new.
    fn intern(&mut self, word: &str, stem: String) -> u32 {
        if let Some(id) = self.surfaces.get(word) {
            return *id; // another loader added it meanwhile
        }
        let next = self.stems.len() as u32;
        let id = *self.stem_ids.entry(stem.clone()).or_insert(next);
        if id == next {
            self.stems.push(stem);
        }
        self.surfaces.insert(word.to_string(), id);
        id
    }
}

/// Analyses text into [`DocTerms`] while content loads, so the build never
/// holds the plain text of the whole site at once.
pub struct Indexer {
    language: Language,
    dictionary: std::sync::RwLock<Dictionary>,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Indexer")
    }
}

impl Indexer {
    pub fn new(language: &str) -> Indexer {
        Indexer {
            language: Language::new(language),
            dictionary: Default::default(),
        }
    }

    /// Counts the words of each field; `fields` are title, heading,
    /// description and tags, body.
    pub fn analyse(&self, fields: [&str; 4]) -> DocTerms {
        let folded = fields.map(|text| (fold(text), text.is_ascii()));
        // Words borrow from the folded text: no allocation per word.
        let mut counts: FastMap<&str, [u32; 4]> =
            FastMap::with_capacity_and_hasher(128, Default::default());
        let mut lengths = [0u32; 4];
        for (field, (text, ascii)) in folded.iter().enumerate() {
            split_words(text, *ascii, |word| {
                counts.entry(word).or_default()[field] += 1;
                lengths[field] += 1;
            });
        }
        // Stop words are dropped once per distinct word, not per word.
        counts.retain(|word, tf| {
            let stop = self.language.is_stopword(word);
            if stop {
                for f in 0..4 {
                    lengths[f] -= tf[f];
                }
            }
            !stop
        });
        // Frequencies saturate at 255: BM25 flattens long before.
        let saturate = |tf: [u32; 4]| tf.map(|n| n.min(255) as u8);
        let mut terms: Vec<(u32, [u8; 4])> = Vec::with_capacity(counts.len());
        let mut unknown: Vec<(&str, [u8; 4])> = Vec::new();
        // Known words need only a shared lock, so loaders rarely wait:
        // new words are rare once a few docs are in.
        {
            let Ok(dict) = self.dictionary.read() else {
                return DocTerms::default();
            };
            for (word, tf) in counts {
                match dict.surfaces.get(word) {
                    Some(id) => terms.push((*id, saturate(tf))),
                    None => unknown.push((word, saturate(tf))),
                }
            }
        }
        if !unknown.is_empty() {
            let stems: Vec<String> = unknown.iter().map(|(w, _)| self.language.stem(w)).collect();
            let Ok(mut dict) = self.dictionary.write() else {
                return DocTerms::default();
            };
            for ((word, tf), stem) in unknown.into_iter().zip(stems) {
                terms.push((dict.intern(word, stem), tf));
            }
        }
        // Surface words of one stem ("connect", "connected") add up.
        terms.sort_unstable_by_key(|(id, _)| *id);
        terms.dedup_by(|next, kept| {
            if next.0 != kept.0 {
                return false;
            }
            for f in 0..4 {
                kept.1[f] = kept.1[f].saturating_add(next.1[f]);
            }
            true
        });
        DocTerms { terms, lengths }
    }

    /// The search sections of an article, from its rendered sections.
    pub fn article_sections(
        &self,
        title: &str,
        description: &str,
        tags: &[String],
        sections: &[crate::markdown::Section],
    ) -> Vec<SearchSection> {
        sections
            .iter()
            .map(|section| match &section.id {
                None => {
                    let meta = format!("{description} {}", tags.join(" "));
                    let text = if section.text.trim().is_empty() {
                        description
                    } else {
                        section.text.as_str()
                    };
                    SearchSection {
                        heading: None,
                        excerpt: excerpt_source(text),
                        terms: self.analyse([title, "", &meta, &section.text]).into(),
                    }
                }
                Some(id) => SearchSection {
                    heading: Some((id.clone(), section.heading.clone())),
                    excerpt: excerpt_source(&section.text),
                    terms: self
                        .analyse(["", &section.heading, "", &section.text])
                        .into(),
                },
            })
            .collect()
    }
}

/// One search result target.
struct Doc<'a> {
    title: &'a str,
    url: String,
    crumb: String,
    section: Option<&'a str>,
    excerpt: std::borrow::Cow<'a, str>,
    terms: DocTerms,
}

#[derive(Serialize)]
struct DocMeta<'a> {
    title: &'a str,
    url: &'a str,
    crumb: &'a str,
    section: Option<&'a str>,
    text: &'a str,
}

/// The docs of the site, in id order: article tops and sections, then
/// troubleshooter steps (analysed here: trees are small).
fn collect_docs<'a>(r: &'a Renderer) -> Vec<Doc<'a>> {
    use std::borrow::Cow;
    let site = r.site;
    let mut docs = Vec::new();
    for article in &site.articles {
        let url = crate::link::article_url(&r.base_path, &article.slug);
        let crumb = r
            .category_crumb(&article.category.value)
            .map(|c| c.title)
            .unwrap_or_default();
        for section in &article.search {
            docs.push(Doc {
                title: &article.title,
                url: crate::link::with_anchor(
                    url.clone(),
                    section.heading.as_ref().map(|(id, _)| id.as_str()),
                ),
                crumb: crumb.clone(),
                section: section.heading.as_ref().map(|(_, h)| h.as_str()),
                excerpt: Cow::Borrowed(&section.excerpt),
                terms: section
                    .terms
                    .lock()
                    .map(|mut t| std::mem::take(&mut *t))
                    .unwrap_or_default(),
            });
        }
    }
    for tree in &site.trees {
        let crumb = format!("Troubleshooter › {}", tree.title);
        let meta = format!("{} {}", tree.title, tree.tags.join(" "));
        for node in &tree.nodes {
            let url = if node.id == tree.start {
                crate::link::tree_url(&r.base_path, &tree.slug)
            } else {
                crate::link::node_url(&r.base_path, &tree.slug, &node.id)
            };
            let (step_title, rendered) = match &node.kind {
                NodeKind::Question {
                    question, details, ..
                } => (question.as_str(), details.as_ref()),
                NodeKind::Outcome { title, body, .. } => (title.as_str(), Some(body)),
            };
            let mut body = rendered
                .iter()
                .flat_map(|d| &d.sections)
                .map(|s| format!("{} {}", s.heading, s.text))
                .collect::<Vec<_>>()
                .join(" ");
            // The tree's own page is titled by the tree (its h1), with the
            // first question and the description under it.
            let title = if node.id == tree.start {
                body = format!("{step_title} {} {body}", tree.description);
                tree.title.as_str()
            } else {
                step_title
            };
            docs.push(Doc {
                title,
                url,
                crumb: crumb.clone(),
                section: None,
                excerpt: Cow::Owned(excerpt_source(&body)),
                // Only the tree's own page carries its title and tags: on
                // every step they would make all steps match alike.
                terms: site.indexer.analyse([
                    title,
                    "",
                    if node.id == tree.start { &meta } else { "" },
                    &body,
                ]),
            });
        }
    }
    docs
}

/// Writes postings as the flat `[delta, impact, delta, impact, …]` list.
fn flat_pairs<S: serde::Serializer>(
    terms: &BTreeMap<&str, &[(u32, u32)]>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    struct Flat<'a>(&'a [(u32, u32)]);
    impl Serialize for Flat<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().flat_map(|(d, i)| [*d, *i]))
        }
    }
    let mut map = s.serialize_map(Some(terms.len()))?;
    for (k, v) in terms {
        map.serialize_entry(k, &Flat(v))?;
    }
    map.end()
}

/// Everything in one shard, by key, borrowed from the dictionary.
#[derive(Default, Serialize)]
struct Shard<'a> {
    words: BTreeMap<&'a str, &'a str>,
    #[serde(serialize_with = "flat_pairs")]
    terms: BTreeMap<&'a str, &'a [(u32, u32)]>,
    typos: BTreeMap<&'a str, Vec<&'a str>>,
}

impl<'a> Shard<'a> {
    fn add(&mut self, key: &'a str, item: &Item<'a>, postings: &'a [Vec<(u32, u32)>]) {
        match item {
            Item::Stem(stem) => {
                self.words.insert(key, stem);
            }
            Item::Postings(id) => {
                self.terms.insert(key, &postings[*id as usize]);
            }
            // Items come sorted, so each list is sorted and deduplicated.
            Item::Typo(surface) => self.typos.entry(key).or_default().push(surface),
        }
    }
}

/// Whether an output path is a file of the search index (not the
/// search page beside it).
pub fn is_index_file(path: &str) -> bool {
    path.strip_prefix("search/").is_some_and(|name| {
        name == "manifest.json"
            || (name.ends_with(".json")
                && (name.starts_with("shard-") || name.starts_with("docs-")))
    })
}

/// Builds every file of the search index and hands each to `sink`.
pub fn index(r: &Renderer, sink: &crate::render::Sink) -> anyhow::Result<usize> {
    let docs = collect_docs(r);
    let mut count = 0;
    let chunk_hash = write_chunks(&docs, sink, &mut count)?;
    let doc_count = docs.len();
    let dictionary = r
        .site
        .indexer
        .dictionary
        .read()
        .map_err(|_| anyhow::anyhow!("a loader thread panicked"))?;
    let mut postings: Vec<Vec<(u32, [u8; 4])>> = vec![Vec::new(); dictionary.stems.len()];
    let mut lengths = Vec::with_capacity(doc_count);
    for (doc, d) in docs.into_iter().enumerate() {
        for (stem, tf) in d.terms.terms {
            postings[stem as usize].push((doc as u32, tf));
        }
        lengths.push(d.terms.lengths);
    }
    let postings = score(postings, &lengths);

    // Every key once per thing it holds, sorted: typo variants, surface
    // words, stems. Keys borrow from the dictionary where they can.
    use std::borrow::Cow;
    let mut items: Vec<(Cow<str>, Item)> = Vec::new();
    for (surface, stem_id) in &dictionary.surfaces {
        let stem = &dictionary.stems[*stem_id as usize];
        if surface.chars().count() >= TYPO_MIN_CHARS {
            items.extend(
                deletions(surface)
                    .into_iter()
                    .map(|variant| (Cow::Owned(variant), Item::Typo(surface))),
            );
            items.push((Cow::Borrowed(surface), Item::Typo(surface)));
        }
        if surface != stem {
            items.push((Cow::Borrowed(surface), Item::Stem(stem)));
        }
    }
    for (id, stem) in dictionary.stems.iter().enumerate() {
        if !postings[id].is_empty() {
            items.push((Cow::Borrowed(stem), Item::Postings(id as u32)));
        }
    }
    items.par_sort_unstable();
    items.dedup();
    let language = &r.site.indexer.language;
    let shard_names = std::sync::Mutex::new(BTreeMap::new());
    let keys: Vec<&str> = items.iter().map(|(k, _)| k.as_ref()).collect();
    let sizes: Vec<usize> = items
        .par_iter()
        .map(|(k, item)| item.size(k, &postings))
        .collect();
    shard(&keys, &sizes)
        .into_par_iter()
        .try_for_each(|(key, members)| {
            let mut shard = Shard::default();
            for i in members {
                let (k, item) = &items[i];
                shard.add(k, item, &postings);
            }
            let json = crate::render::escape_json_for_html(&serde_json::to_string(&shard)?);
            let name = format!(
                "shard-{}.{}.json",
                file_key(&key),
                fingerprint(json.as_bytes())
            );
            sink(OutputFile::new(format!("search/{name}"), json))?;
            shard_names
                .lock()
                .map_err(|_| anyhow::anyhow!("a search thread panicked"))?
                .insert(key, name);
            anyhow::Ok(())
        })?;
    let shard_names = shard_names
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a search thread panicked"))?;
    count += shard_names.len();
    let synonyms: Vec<Vec<Vec<String>>> = r
        .site
        .config
        .search
        .synonyms
        .iter()
        .map(|group| group.iter().map(|alt| words(alt)).collect())
        .collect();
    let manifest = serde_json::json!({
        "version": 1,
        "language": r.site.config.language,
        "docs": doc_count,
        "shards": shard_names,
        "chunk_size": CHUNK_SIZE,
        "chunks": { "count": doc_count.div_ceil(CHUNK_SIZE), "hash": chunk_hash },
        "stopwords": language.stopwords,
        "synonyms": synonyms,
        "trees": r.site.trees.iter().take(SUGGESTED_TREES).map(|t| serde_json::json!({
            "title": t.title,
            "url": crate::link::tree_url(&r.base_path, &t.slug),
        })).collect::<Vec<_>>(),
    });
    let manifest = crate::render::escape_json_for_html(&manifest.to_string());
    sink(OutputFile::new("search/manifest.json", manifest))?;
    Ok(count + 1)
}

/// Writes the doc metadata chunks, named `docs-<n>.<hash>.json` with one
/// hash of all of them (the manifest then needs no list); returns it.
/// The hash is of the fields, not the JSON, so each chunk is serialized
/// once, when written, rather than held or serialized twice.
fn write_chunks(
    docs: &[Doc],
    sink: &crate::render::Sink,
    count: &mut usize,
) -> anyhow::Result<String> {
    let mut hasher = Fingerprint::default();
    hasher.write(b"docs v1");
    for d in docs {
        for field in [
            d.title,
            &d.url,
            &d.crumb,
            d.section.unwrap_or("\0"),
            &d.excerpt,
        ] {
            hasher.write(field.as_bytes());
        }
    }
    let hash = hasher.finish_hex();
    docs.par_chunks(CHUNK_SIZE)
        .enumerate()
        .try_for_each(|(n, chunk)| {
            let metas: Vec<DocMeta> = chunk
                .iter()
                .map(|d| DocMeta {
                    title: d.title,
                    url: &d.url,
                    crumb: &d.crumb,
                    section: d.section,
                    text: &d.excerpt,
                })
                .collect();
            // Same escaping as tree.json: no bidi controls reach the results.
            let json = crate::render::escape_json_for_html(&serde_json::to_string(&metas)?);
            sink(OutputFile::new(
                format!("search/docs-{n}.{hash}.json"),
                json,
            ))
        })?;
    *count += docs.len().div_ceil(CHUNK_SIZE);
    Ok(hash)
}

/// One thing a key of the index holds; a key may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Item<'a> {
    /// The key is a surface word of this stem.
    Stem(&'a str),
    /// The key is a stem; its postings, by stem id.
    Postings(u32),
    /// The key is one deletion away from (or is) this surface word.
    Typo(&'a str),
}

impl Item<'_> {
    /// Roughly the bytes this item adds to its shard's JSON.
    fn size(&self, key: &str, postings: &[Vec<(u32, u32)>]) -> usize {
        // Generous on keys: a key may appear in all three maps.
        key.len() * 3
            + match self {
                Item::Stem(stem) => stem.len(),
                Item::Postings(id) => postings[*id as usize].len() * 8,
                Item::Typo(surface) => surface.len() + 3,
            }
    }
}

/// BM25F impacts per stem id: (doc-id delta, impact) pairs. Raw scores
/// are kept in place of the term frequencies (same size, no new buffer)
/// until the maximum that scales them to 1-255 is known.
fn score(postings: Vec<Vec<(u32, [u8; 4])>>, lengths: &[[u32; 4]]) -> Vec<Vec<(u32, u32)>> {
    let n = lengths.len().max(1) as f32;
    let mut average = [0f32; 4];
    for l in lengths {
        for f in 0..4 {
            average[f] += l[f] as f32;
        }
    }
    for value in &mut average {
        *value = (*value / n).max(1.0);
    }
    let bm25 = |idf: f32, doc: u32, tf: &[u8; 4]| {
        let l = lengths[doc as usize];
        let weighted: f32 = (0..4)
            .map(|f| {
                FIELD_WEIGHTS[f] * f32::from(tf[f])
                    / (1.0 - B + B * l[f] as f32 / average[f]).max(0.1)
            })
            .sum();
        idf * weighted * (K1 + 1.0) / (weighted + K1)
    };
    let (raw, maxima): (Vec<Vec<(u32, u32)>>, Vec<f32>) = postings
        .into_par_iter()
        .map(|list| {
            let df = list.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut best = f32::MIN_POSITIVE;
            let raw = list
                .into_iter()
                .map(|(d, tf)| {
                    let score = bm25(idf, d, &tf);
                    best = best.max(score);
                    (d, score.to_bits())
                })
                .collect();
            (raw, best)
        })
        .unzip();
    let max = maxima.into_iter().fold(f32::MIN_POSITIVE, f32::max);
    raw.into_par_iter()
        .map(|mut scored| {
            for pair in &mut scored {
                let impact = f32::from_bits(pair.1) / max * 255.0;
                pair.1 = (impact.round() as u32).clamp(1, 255);
            }
            if scored.len() > MAX_POSTINGS {
                scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                scored.truncate(MAX_POSTINGS);
                scored.sort_by_key(|(d, _)| *d);
                scored.shrink_to_fit();
            }
            let mut last = 0;
            for pair in &mut scored {
                let doc = pair.0;
                pair.0 = doc - last;
                last = doc;
            }
            scored
        })
        .collect()
}

/// Every way to delete one character from `word`.
fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out: Vec<String> = (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn prefix(key: &str, len: usize) -> String {
    key.chars().take(len).collect()
}

/// Groups keys into shards by prefix: 1 letter, and where a group is too
/// big, its big sub-groups (one letter longer) become shards of their own,
/// recursively, so small groups share a file and no file grows too big. A key belongs to the shard of its longest shard-key prefix.
/// Returns each shard's key and the indices of its members in `keys`,
/// which must be sorted; `sizes` are the members' estimated bytes.
fn shard(keys: &[&str], sizes: &[usize]) -> Vec<(String, Vec<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < keys.len() {
        let p = prefix(keys[start], 1);
        let end = start
            + keys[start..]
                .iter()
                .take_while(|k| prefix(k, 1) == p)
                .count();
        split(keys, sizes, (start..end).collect(), p, 1, &mut out);
        start = end;
    }
    out
}

/// Splits the group `members` (all starting with `key`) into shards.
fn split(
    keys: &[&str],
    sizes: &[usize],
    members: Vec<usize>,
    key: String,
    len: usize,
    out: &mut Vec<(String, Vec<usize>)>,
) {
    let size: usize = members.iter().map(|i| sizes[*i]).sum();
    if size <= MAX_SHARD_BYTES || len >= 12 {
        out.push((key, members));
        return;
    }
    let mut stay = Vec::new();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in members {
        let k = keys[i];
        if k.chars().count() > len {
            groups.entry(prefix(k, len + 1)).or_default().push(i);
        } else {
            stay.push(i);
        }
    }
    for (sub, group) in groups {
        let sub_size: usize = group.iter().map(|i| sizes[*i]).sum();
        if sub_size > MAX_SHARD_BYTES / 4 {
            split(keys, sizes, group, sub, len + 1, out);
        } else {
            stay.extend(group);
        }
    }
    // Members stay in key order, so shard maps are built from sorted input.
    stay.sort_unstable();
    out.push((key, stay));
}

/// A file-name-safe form of a shard key (keys may hold any letter).
fn file_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("_{:x}", c as u32)
            }
        })
        .collect()
}

/// The start of a doc's text, cut at a word boundary.
fn excerpt_source(text: &str) -> String {
    // Only the start is kept: stop reading once it is long enough.
    let mut out = String::with_capacity(EXCERPT_CHARS + 8);
    let mut chars = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if chars + len + 1 > EXCERPT_CHARS {
            if out.is_empty() {
                out.extend(word.chars().take(EXCERPT_CHARS));
            }
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += len;
    }
    out
}

/// A fast hasher for the index's word maps (FxHash's multiply-rotate):
/// SipHash's protection against crafted keys is not needed for a build's
/// own content, and hashing every word of a site shows up in profiles.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u32(&mut self, i: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_diacritics_and_case() {
        assert_eq!(
            words("Coëxistence: WABA's sync, déjà-vu!"),
            ["coexistence", "waba's", "sync", "deja", "vu"]
        );
    }

    #[test]
    fn ascii_fast_path_matches_unicode_segmentation() {
        let samples = [
            "Don't re-enable it: e.g. the WABA's 1,000.5 msgs; a:b _x_ co-ex... (see example.com) 3.14 x'",
            "it's 2026-11-20, okay? v1.2 a_b __ '' -- x.y.z",
        ];
        for text in samples {
            let mut fast = Vec::new();
            ascii_words(&text.to_ascii_lowercase(), |w| fast.push(w.to_string()));
            let slow: Vec<String> = text
                .to_lowercase()
                .unicode_words()
                .map(str::to_string)
                .collect();
            assert_eq!(fast, slow, "{text}");
        }
    }

    #[test]
    fn stems_and_stopwords() {
        let en = Language::new("en-GB");
        assert_eq!(en.stem("syncing"), "sync");
        assert!(en.is_stopword("the"));
        assert!(!Language::new("xx").is_stopword("the"));
        assert!(
            ENGLISH_STOPWORDS.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
    }

    #[test]
    fn deletion_variants() {
        assert_eq!(deletions("sync"), ["snc", "syc", "syn", "ync"]);
        assert_eq!(deletions("aab"), ["aa", "ab"]);
    }

    #[test]
    fn postings_are_delta_encoded_with_title_weighted_higher() {
        let indexer = Indexer::new("en");
        let docs = [
            indexer.analyse(["Other", "", "", "nothing here"]),
            indexer.analyse(["Sync problems", "", "", "text"]),
            indexer.analyse(["Other", "", "", "sync problems in the body"]),
        ];
        let dict = indexer.dictionary.read().expect("not poisoned");
        let id = dict.stem_ids["sync"];
        assert_eq!(dict.stems[dict.surfaces["problems"] as usize], "problem");
        let mut postings = vec![Vec::new(); dict.stems.len()];
        for (doc, d) in docs.iter().enumerate() {
            for (stem, tf) in &d.terms {
                postings[*stem as usize].push((doc as u32, *tf));
            }
        }
        let lengths: Vec<[u32; 4]> = docs.iter().map(|d| d.lengths).collect();
        let sync = &score(postings, &lengths)[id as usize];
        assert_eq!(sync.len(), 2);
        assert_eq!((sync[0].0, sync[1].0), (1, 1), "doc ids 1 and 2 as deltas");
        assert!(sync[0].1 > sync[1].1, "a title match outranks a body match");
    }

    #[test]
    fn big_groups_split_into_longer_prefixes() {
        let postings = vec![vec![(1, 200), (1, 100)], vec![(1, 1)]];
        let mut keys: Vec<String> = (0..8000)
            .map(|i| format!("co{}{i}", if i % 2 == 0 { "n" } else { "x" }))
            .collect();
        keys.push("co".to_string());
        keys.sort();
        let items: Vec<(&str, Item)> = keys
            .iter()
            .map(|k| (k.as_str(), Item::Postings(u32::from(k == "co"))))
            .collect();
        let key_list: Vec<&str> = items.iter().map(|(k, _)| *k).collect();
        let sizes: Vec<usize> = items.iter().map(|(k, i)| i.size(k, &postings)).collect();
        let shards: BTreeMap<String, Shard> = shard(&key_list, &sizes)
            .into_iter()
            .map(|(key, members)| {
                let mut s = Shard::default();
                for i in members {
                    s.add(items[i].0, &items[i].1, &postings);
                }
                (key, s)
            })
            .collect();
        assert!(
            shards.contains_key("co") && shards.contains_key("con") && shards.contains_key("cox")
        );
        assert!(shards["co"].terms.contains_key("co"));
        for (key, s) in &shards {
            assert!(s.terms.keys().all(|k| k.starts_with(key.as_str())));
            assert!(
                serde_json::to_string(s).map_or(0, |j| j.len()) < MAX_SHARD_BYTES * 2,
                "{key}"
            );
        }
    }

    #[test]
    fn shard_keys_are_file_safe() {
        assert_eq!(file_key("co"), "co");
        assert_eq!(file_key("ça"), "_e7a");
    }
}
