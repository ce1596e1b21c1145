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
use crate::render::{Renderer, fingerprint};
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
    for_each_word(text, |w| out.push(w.to_string()));
    out
}

fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    if text.is_ascii() {
        // Most help text is ASCII: a byte scanner with the same word rules.
        let lower = text.to_ascii_lowercase();
        ascii_words(&lower, f);
        return;
    }
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase();
    for word in folded.unicode_words() {
        f(word);
    }
}

/// UAX #29 word boundaries restricted to ASCII: letters and digits join,
/// `_` joins anything, `'`, `.` and `:` join two letters, `,`, `;`, `.`
/// and `'` join two digits. Words without a letter or digit are dropped.
fn ascii_words(text: &str, mut f: impl FnMut(&str)) {
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

/// Analyses text into [`DocTerms`] while content loads, so the build never
/// holds the plain text of the whole site at once.
pub struct Indexer {
    language: Language,
    dictionary: std::sync::Mutex<Dictionary>,
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
        let mut counts: FastMap<String, [u8; 4]> =
            FastMap::with_capacity_and_hasher(128, Default::default());
        let mut lengths = [0u32; 4];
        for (field, text) in fields.iter().enumerate() {
            for_each_word(text, |word| {
                if self.language.is_stopword(word) {
                    return;
                }
                lengths[field] += 1;
                let tf = match counts.get_mut(word) {
                    Some(tf) => tf,
                    None => counts.entry(word.to_string()).or_default(),
                };
                // Frequencies saturate at 255: BM25 flattens long before.
                tf[field] = tf[field].saturating_add(1);
            });
        }
        // One lock per doc: new words are rare once a few docs are in.
        let Ok(mut dict) = self.dictionary.lock() else {
            return DocTerms::default();
        };
        let mut by_stem: FastMap<u32, [u8; 4]> = FastMap::default();
        for (word, tf) in counts {
            let id = match dict.surfaces.get(&word) {
                Some(id) => *id,
                None => {
                    let stem = self.language.stem(&word);
                    let next = dict.stems.len() as u32;
                    let id = *dict.stem_ids.entry(stem.clone()).or_insert(next);
                    if id == next {
                        dict.stems.push(stem);
                    }
                    dict.surfaces.insert(word, id);
                    id
                }
            };
            let total = by_stem.entry(id).or_default();
            for f in 0..4 {
                total[f] = total[f].saturating_add(tf[f]);
            }
        }
        let mut terms: Vec<(u32, [u8; 4])> = by_stem.into_iter().collect();
        terms.sort_unstable_by_key(|(id, _)| *id);
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
    terms: &BTreeMap<String, Vec<(u32, u32)>>,
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

/// Everything in one shard, by key.
#[derive(Default, Serialize)]
struct Shard {
    words: BTreeMap<String, String>,
    #[serde(serialize_with = "flat_pairs")]
    terms: BTreeMap<String, Vec<(u32, u32)>>,
    typos: BTreeMap<String, Vec<String>>,
}

/// Builds every file of the search index and hands each to `sink`.
pub fn index(
    r: &Renderer,
    sink: &(dyn Fn(OutputFile) -> anyhow::Result<()> + Sync),
) -> anyhow::Result<usize> {
    let docs = collect_docs(r);
    let mut count = 0;
    let chunk_hash = write_chunks(&docs, sink, &mut count)?;
    let doc_count = docs.len();
    let dictionary = r
        .site
        .indexer
        .dictionary
        .lock()
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

    // Every key goes to the shard of its own prefix.
    // Every key once, sorted: typo variants, surface words, stems.
    let mut items: Vec<(String, Entry)> = Vec::new();
    for (surface, stem_id) in &dictionary.surfaces {
        let stem = &dictionary.stems[*stem_id as usize];
        if surface.chars().count() >= TYPO_MIN_CHARS {
            for variant in deletions(surface).into_iter().chain([surface.clone()]) {
                items.push((
                    variant,
                    Entry {
                        typos: vec![surface.clone()],
                        ..Entry::default()
                    },
                ));
            }
        }
        if surface != stem {
            items.push((
                surface.clone(),
                Entry {
                    stem: Some(stem.clone()),
                    ..Entry::default()
                },
            ));
        }
    }
    for (stem, list) in dictionary.stems.iter().zip(postings) {
        if !list.is_empty() {
            items.push((
                stem.clone(),
                Entry {
                    postings: Some(list),
                    ..Entry::default()
                },
            ));
        }
    }
    let language = &r.site.indexer.language;
    drop(dictionary);
    items.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut entries: Vec<(String, Entry)> = Vec::with_capacity(items.len());
    for (key, entry) in items {
        match entries.last_mut() {
            Some((last, merged)) if *last == key => merged.absorb(entry),
            _ => entries.push((key, entry)),
        }
    }
    for (_, entry) in &mut entries {
        entry.typos.sort();
        entry.typos.dedup();
    }
    let shard_names = std::sync::Mutex::new(BTreeMap::new());
    shard(entries)
        .into_par_iter()
        .try_for_each(|(key, shard)| {
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
/// Chunks are serialized twice, to hash then to write, rather than held.
fn write_chunks(
    docs: &[Doc],
    sink: &(dyn Fn(OutputFile) -> anyhow::Result<()> + Sync),
    count: &mut usize,
) -> anyhow::Result<String> {
    let chunk_json = |chunk: &[Doc]| {
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
        serde_json::to_string(&metas).map(|j| crate::render::escape_json_for_html(&j))
    };
    let mut hasher = Fingerprint::default();
    for chunk in docs.chunks(CHUNK_SIZE) {
        hasher.write(chunk_json(chunk)?.as_bytes());
    }
    let hash = hasher.finish_hex();
    for (n, chunk) in docs.chunks(CHUNK_SIZE).enumerate() {
        sink(OutputFile::new(
            format!("search/docs-{n}.{hash}.json"),
            chunk_json(chunk)?,
        ))?;
        *count += 1;
    }
    Ok(hash)
}

/// FNV-1a over several writes, like `render::fingerprint` over one.
struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn finish_hex(&self) -> String {
        format!("{:08x}", self.0 as u32)
    }
}

/// What one key of the index holds.
#[derive(Default)]
struct Entry {
    stem: Option<String>,
    postings: Option<Vec<(u32, u32)>>,
    typos: Vec<String>,
}

impl Entry {
    /// Merges another entry of the same key into this one.
    fn absorb(&mut self, other: Entry) {
        self.stem = self.stem.take().or(other.stem);
        self.postings = self.postings.take().or(other.postings);
        self.typos.extend(other.typos);
    }

    fn size(&self, key: &str) -> usize {
        key.len() * 3
            + self.stem.as_ref().map_or(0, String::len)
            + self.postings.as_ref().map_or(0, |p| p.len() * 8)
            + self.typos.iter().map(|t| t.len() + 3).sum::<usize>()
    }
}

/// BM25F impacts per stem id: (doc-id delta, impact) pairs.
/// Scores are computed twice (for the maximum, then to scale) rather
/// than stored: arithmetic is cheaper than another copy of all postings.
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
    let bm25 = |df: usize, doc: u32, tf: &[u8; 4]| {
        let idf = (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
        let l = lengths[doc as usize];
        let weighted: f32 = (0..4)
            .map(|f| {
                FIELD_WEIGHTS[f] * f32::from(tf[f])
                    / (1.0 - B + B * l[f] as f32 / average[f]).max(0.1)
            })
            .sum();
        idf * weighted * (K1 + 1.0) / (weighted + K1)
    };
    let max = postings
        .par_iter()
        .map(|list| {
            list.iter()
                .map(|(d, tf)| bm25(list.len(), *d, tf))
                .fold(f32::MIN_POSITIVE, f32::max)
        })
        .reduce(|| f32::MIN_POSITIVE, f32::max);
    postings
        .into_par_iter()
        .map(|list| {
            let df = list.len();
            // Same size as the input pairs: collects in place, no new buffer.
            let mut scored: Vec<(u32, u32)> = list
                .into_iter()
                .map(|(d, tf)| {
                    (
                        d,
                        ((bm25(df, d, &tf) / max * 255.0).round() as u32).clamp(1, 255),
                    )
                })
                .collect();
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
fn shard(entries: Vec<(String, Entry)>) -> Vec<(String, Shard)> {
    let mut keys: Vec<(String, Vec<usize>)> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let p = prefix(&entries[start].0, 1);
        let end = start
            + entries[start..]
                .iter()
                .take_while(|(k, _)| prefix(k, 1) == p)
                .count();
        split(&entries, (start..end).collect(), p, 1, &mut keys);
        start = end;
    }
    let mut out: BTreeMap<String, Shard> = BTreeMap::new();
    let mut entries: Vec<Option<(String, Entry)>> = entries.into_iter().map(Some).collect();
    for (shard_key, members) in keys {
        let shard: &mut Shard = out.entry(shard_key).or_default();
        for i in members {
            let Some((key, entry)) = entries[i].take() else {
                continue;
            };
            if let Some(stem) = entry.stem {
                shard.words.insert(key.clone(), stem);
            }
            if let Some(p) = entry.postings {
                shard.terms.insert(key.clone(), p);
            }
            if !entry.typos.is_empty() {
                shard.typos.insert(key, entry.typos);
            }
        }
    }
    out.into_iter().collect()
}

/// Splits the group `members` (all starting with `key`) into shards.
fn split(
    entries: &[(String, Entry)],
    members: Vec<usize>,
    key: String,
    len: usize,
    out: &mut Vec<(String, Vec<usize>)>,
) {
    let size: usize = members
        .iter()
        .map(|i| entries[*i].1.size(&entries[*i].0))
        .sum();
    if size <= MAX_SHARD_BYTES || len >= 12 {
        out.push((key, members));
        return;
    }
    let mut stay = Vec::new();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in members {
        let k = &entries[i].0;
        if k.chars().count() > len {
            groups.entry(prefix(k, len + 1)).or_default().push(i);
        } else {
            stay.push(i);
        }
    }
    for (sub, group) in groups {
        let sub_size: usize = group
            .iter()
            .map(|i| entries[*i].1.size(&entries[*i].0))
            .sum();
        if sub_size > MAX_SHARD_BYTES / 4 {
            split(entries, group, sub, len + 1, out);
        } else {
            stay.extend(group);
        }
    }
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
        let dict = indexer.dictionary.lock().expect("not poisoned");
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
        let mut by_key = BTreeMap::new();
        for i in 0..8000 {
            let entry = Entry {
                postings: Some(vec![(1, 200), (1, 100)]),
                ..Entry::default()
            };
            by_key.insert(
                format!("co{}{i}", if i % 2 == 0 { "n" } else { "x" }),
                entry,
            );
        }
        by_key.insert(
            "co".to_string(),
            Entry {
                postings: Some(vec![(1, 1)]),
                ..Entry::default()
            },
        );
        let shards: BTreeMap<String, Shard> =
            shard(by_key.into_iter().collect()).into_iter().collect();
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
