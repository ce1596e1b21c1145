//! The search stage: a static, sharded index of articles, their sections
//! and troubleshooter steps, in the format of `docs/search-index.md`.
//!
//! Scores are precomputed at build time (BM25F per term and doc, scaled to
//! one byte), so the client only adds numbers; typo tolerance comes from
//! 1-deletion variants stored next to the words, so the client needs no
//! stemmer and no full vocabulary.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

mod postings;
use postings::Postings;

use crate::base::escape::to_json_for_html;
use crate::base::hash::{Fingerprint, fingerprint};
use crate::load::site::{SearchInput, Site};
use crate::load::tree::NodeKind;
use crate::output::{OutputFile, Sink};
use crate::text::link;
use crate::text::words::{
    Analyser, DocTerms, FastMap, Language, Vocabulary, excerpt_source, words,
};

const CHUNK_SIZE: usize = 40;
/// A term with this many docs or more gets a top list; a term of one doc
/// needs one docs chunk anyway.
const TOP_MIN_DOCS: usize = 2;
/// Docs in a top list: a page of 10 results, with room for the sections
/// of one article that group under one result.
const TOP_DOCS: usize = 20;
/// A shard bigger than this is split by longer prefixes (64 KB keeps a
/// rare word's first query under 60 kB at 10,000 articles).
const MAX_SHARD_BYTES: usize = 64 * 1024;
/// Troubleshooters suggested when nothing matches.
const SUGGESTED_TREES: usize = 12;
/// Words this long or longer get typo variants.
const TYPO_MIN_CHARS: usize = 5;

/// One search result target. Kept small (a large site has hundreds of
/// thousands): what a result shows of it is looked up in the site when
/// its files are written, by [`Shown`].
struct Doc {
    place: Place,
    /// The start of the doc's text.
    excerpt: Box<str>,
    terms: DocTerms,
}

/// Where a doc is in the site, by index.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// Section `section` of an article: 0 is its top, and section `n`
    /// is under entry `n - 1` of its table of contents.
    Article { article: u32, section: u32 },
    /// A step of a troubleshooter (its start: the tree's own page).
    Step { tree: u32, node: u32 },
}

impl Doc {
    /// Whether the doc starts a page (rather than being an article's
    /// section under a heading).
    fn starts_page(&self) -> bool {
        !matches!(self.place, Place::Article { section, .. } if section > 0)
    }
}

/// What results show of docs, read from the site.
struct Shown<'a> {
    site: &'a Site,
    base_path: String,
    /// "Troubleshooter › <title>" of each tree, by index.
    tree_crumbs: Vec<String>,
}

impl<'a> Shown<'a> {
    fn new(site: &'a Site, tree_label: &str) -> Shown<'a> {
        Shown {
            site,
            base_path: site.config.base_path(),
            tree_crumbs: site
                .trees
                .iter()
                .map(|t| format!("{tree_label} › {}", t.title))
                .collect(),
        }
    }

    /// What the results page filters a doc by.
    fn group(&self, d: &Doc) -> Group<'a> {
        match d.place {
            Place::Article { article, .. } => Group {
                category: &self.site.articles[article as usize].category.value,
                tree: false,
            },
            Place::Step { tree, .. } => Group {
                category: &self.site.trees[tree as usize].category.value,
                tree: true,
            },
        }
    }

    /// What a result shows of the doc.
    fn meta<'d>(&'d self, d: &'d Doc) -> DocMeta<'d> {
        let site = self.site;
        match d.place {
            Place::Article { article, section } => {
                let a = &site.articles[article as usize];
                let heading = (section as usize)
                    .checked_sub(1)
                    .and_then(|n| a.body.toc.get(n));
                DocMeta {
                    title: &a.title,
                    url: link::with_anchor(
                        link::article_url(&self.base_path, &a.slug),
                        heading.map(|h| h.id.as_str()),
                    ),
                    crumb: site
                        .config
                        .category(&a.category.value)
                        .map_or("", |c| c.title.as_str()),
                    section: heading.map(|h| h.title.as_str()),
                    text: &d.excerpt,
                }
            }
            Place::Step { tree, node } => {
                let t = &site.trees[tree as usize];
                let node = &t.nodes[node as usize];
                let (title, url) = if node.id == t.start {
                    (t.title.as_str(), link::tree_url(&self.base_path, &t.slug))
                } else {
                    let title = match &node.kind {
                        NodeKind::Question { question, .. } => question.as_str(),
                        NodeKind::Outcome { title, .. } => title.as_str(),
                    };
                    (title, link::node_url(&self.base_path, &t.slug, &node.id))
                };
                DocMeta {
                    title,
                    url,
                    crumb: &self.tree_crumbs[tree as usize],
                    section: None,
                    text: &d.excerpt,
                }
            }
        }
    }

    /// Feeds the shown fields to a hash that names the files holding them.
    fn hash_meta(&self, d: &Doc, hasher: &mut Fingerprint) {
        let meta = self.meta(d);
        let section = meta.section.unwrap_or("\0");
        for field in [meta.title, &meta.url, meta.crumb, section, meta.text] {
            hasher.write(field.as_bytes());
        }
    }
}

#[derive(Serialize)]
struct DocMeta<'a> {
    title: &'a str,
    url: String,
    crumb: &'a str,
    section: Option<&'a str>,
    text: &'a str,
}

impl DocMeta<'_> {
    /// Appends the doc as JSON: what serializing it gives, written
    /// directly (there is one per doc and section of the site).
    fn push_json(&self, out: &mut String) {
        use crate::base::escape::push_json_string as string;
        out.push_str("{\"title\":");
        string(out, self.title);
        out.push_str(",\"url\":");
        string(out, &self.url);
        out.push_str(",\"crumb\":");
        string(out, self.crumb);
        out.push_str(",\"section\":");
        match self.section {
            Some(section) => string(out, section),
            None => out.push_str("null"),
        }
        out.push_str(",\"text\":");
        string(out, self.text);
        out.push('}');
    }
}

/// The docs of the site, in id order: article tops and sections, then
/// troubleshooter steps (analysed here: trees are small).
fn collect_docs(
    site: &Site,
    articles: Vec<Vec<crate::text::words::SectionTerms>>,
    analyser: &Analyser,
) -> Vec<Doc> {
    // Sized once: growing a list this long would briefly hold it twice.
    let steps = site.trees.iter().filter(|t| !t.fallback);
    let count =
        articles.iter().map(Vec::len).sum::<usize>() + steps.map(|t| t.nodes.len()).sum::<usize>();
    let mut docs = Vec::with_capacity(count);
    for (article, sections) in articles.into_iter().enumerate() {
        for (section, terms) in sections.into_iter().enumerate() {
            docs.push(Doc {
                place: Place::Article {
                    article: article as u32,
                    section: section as u32,
                },
                excerpt: terms.excerpt,
                terms: terms.terms,
            });
        }
    }
    // A language's index holds its own text only, not fallbacks.
    for (i, tree) in site.trees.iter().enumerate().filter(|(_, t)| !t.fallback) {
        let meta = format!("{} {}", tree.title, tree.tags.join(" "));
        for (n, node) in tree.nodes.iter().enumerate() {
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
                place: Place::Step {
                    tree: i as u32,
                    node: n as u32,
                },
                excerpt: excerpt_source(&body).into_boxed_str(),
                // Only the tree's own page carries its title and tags: on
                // every step they would make all steps match alike.
                terms: analyser.analyse([
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
#[cfg(test)]
fn flat_pairs<S: serde::Serializer>(
    terms: &BTreeMap<&str, &Postings>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    struct Flat<'a>(&'a Postings);
    impl Serialize for Flat<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.deltas().flat_map(|(d, i)| [d, u32::from(i)]))
        }
    }
    let mut map = s.serialize_map(Some(terms.len()))?;
    for (k, v) in terms {
        map.serialize_entry(k, &Flat(v))?;
    }
    map.end()
}

/// Everything in one shard, by key, borrowed from the dictionary: what
/// [`shard_json`] writes, as serde would (the tests compare the two).
#[cfg(test)]
#[derive(Default, Serialize)]
struct Shard<'a> {
    words: BTreeMap<&'a str, &'a str>,
    #[serde(serialize_with = "flat_pairs")]
    terms: BTreeMap<&'a str, &'a Postings>,
    typos: BTreeMap<&'a str, Vec<&'a str>>,
}

#[cfg(test)]
impl<'a> Shard<'a> {
    fn add(&mut self, key: &'a str, item: &Item, names: &Names<'a>) {
        match *item {
            Item::Stem(stem) => {
                self.words.insert(key, names.stem(stem));
            }
            Item::Postings(id) => {
                self.terms.insert(key, &names.postings[id as usize]);
            }
            // Items come sorted, so each list is sorted and deduplicated.
            Item::Typo(word) => self
                .typos
                .entry(key)
                .or_default()
                .push(names.vocabulary.word(word)),
        }
    }
}

/// The JSON of one shard, its `members` (indices of `items`, in key
/// order): `{"words":{…},"terms":{…},"typos":{…}}`, each map in key order
/// and a key's later item winning within a map, as a serialized map of
/// them would be. Written directly: the index has tens of megabytes.
fn shard_json(members: &[usize], items: &[(&str, Item)], names: &Names) -> String {
    use crate::base::escape::push_json_string as string;
    let mut out = String::with_capacity(MAX_SHARD_BYTES / 2);
    let of_kind = |kind: u8| {
        members
            .iter()
            .map(|&i| &items[i])
            .filter(move |(_, item)| item.kind() == kind)
            .peekable()
    };
    // One map: each key once, with its run of items (one, or a typo's
    // list of words).
    let map = |name: &str, kind: u8, out: &mut String| {
        out.push('"');
        out.push_str(name);
        out.push_str("\":{");
        let mut entries = of_kind(kind);
        let mut first = true;
        while let Some((key, item)) = entries.next() {
            if kind != Item::TYPO && entries.peek().is_some_and(|(next, _)| next == key) {
                continue; // the later value of this key wins
            }
            if !first {
                out.push(',');
            }
            first = false;
            string(out, key);
            out.push(':');
            match *item {
                Item::Stem(stem) => string(out, names.stem(stem)),
                Item::Postings(id) => {
                    out.push('[');
                    for (n, (delta, impact)) in names.postings[id as usize].deltas().enumerate() {
                        if n > 0 {
                            out.push(',');
                        }
                        push_number(out, delta);
                        out.push(',');
                        push_number(out, u32::from(impact));
                    }
                    out.push(']');
                }
                Item::Typo(word) => {
                    out.push('[');
                    string(out, names.vocabulary.word(word));
                    while let Some((_, Item::Typo(word))) = entries.next_if(|(next, _)| next == key)
                    {
                        out.push(',');
                        string(out, names.vocabulary.word(*word));
                    }
                    out.push(']');
                }
            }
        }
        out.push('}');
    };
    out.push('{');
    map("words", Item::STEM, &mut out);
    out.push(',');
    map("terms", Item::POSTINGS, &mut out);
    out.push(',');
    map("typos", Item::TYPO, &mut out);
    out.push('}');
    out
}

/// `n` in decimal.
fn push_number(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// Builds every file of the search index and hands each to `sink`.
///
/// A pure function of its inputs: the same site and terms give the same
/// files, byte for byte, and only words of the docs indexed here (never
/// of drafts left out of the site) reach the index.
pub(crate) fn index(site: &Site, input: SearchInput, sink: &Sink) -> anyhow::Result<usize> {
    let SearchInput {
        analyser,
        articles,
        tree_label,
    } = input;
    crate::timing("search: index started");
    let mut docs = collect_docs(site, articles, &analyser);
    let shown = Shown::new(site, &tree_label);
    crate::timing("search: docs listed");
    let vocabulary = analyser.into_vocabulary();
    let doc_count = docs.len();
    let stems = Stems::of(&docs, &vocabulary, &Language::new(&site.config.language));
    crate::timing("search: stemmed");
    // The terms go into postings; the metadata stays for docs chunks.
    let terms: Vec<DocTerms> = docs
        .par_iter_mut()
        .map(|d| stems.merge(&std::mem::take(&mut d.terms)))
        .collect();
    crate::timing("search: terms by stem");
    let postings = postings::build(terms, stems.stems.len());
    crate::timing("search: postings scored");
    let tops = top_lists(&postings, &stems.stems);
    let mut in_tops = vec![false; docs.len()];
    for (_, ids) in &tops {
        for id in ids {
            in_tops[*id as usize] = true;
        }
    }
    let mut count = 0;
    let (chunk_hash, shown_json) = write_chunks(&docs, &shown, &in_tops, sink, &mut count)?;
    crate::timing("search: docs written");
    let top_hash = write_top_lists(&tops, &shown_json, &stems.stems, sink, &mut count)?;
    drop(shown_json);
    let groups = group_runs(&docs, &shown);
    let pages = write_page_starts(&docs, sink)?;
    count += 1;
    drop(docs);
    crate::timing("search: docs and top lists written");

    // Every key once per thing it holds, sorted: typo variants, surface
    // words, stems. Keys borrow from the vocabulary, and typo variants
    // (millions on a large site) from one string holding them all,
    // written first and sliced in the same order after.
    let used: Vec<(u32, &str, u32)> = stems.used_words(&vocabulary).collect();
    let typo_words = || {
        used.iter()
            .filter(|(_, word, _)| word.chars().count() >= TYPO_MIN_CHARS)
    };
    let mut variants = String::new();
    // Where each variant ends in `variants`, and its word.
    let mut ends: Vec<(u32, u32)> = Vec::new();
    for &(id, word, _) in typo_words() {
        for_each_deletion(word, |variant| {
            variants.push_str(variant);
            ends.push((variants.len() as u32, id));
        });
    }
    // Sized once: growing a list of millions would briefly hold it twice.
    let mut items: Vec<(&str, Item)> =
        Vec::with_capacity(ends.len() + 2 * used.len() + stems.stems.len());
    let mut at = 0;
    for (end, id) in ends {
        items.push((&variants[at..end as usize], Item::Typo(id)));
        at = end as usize;
    }
    for &(id, word, stem_id) in &used {
        if word.chars().count() >= TYPO_MIN_CHARS {
            items.push((word, Item::Typo(id)));
        }
        if word != stems.stems[stem_id as usize] {
            items.push((word, Item::Stem(stem_id)));
        }
    }
    for (id, stem) in stems.stems.iter().enumerate() {
        if !postings[id].is_empty() {
            items.push((stem.as_str(), Item::Postings(id as u32)));
        }
    }
    crate::timing("search: keys listed");
    let names = Names {
        stems: &stems.stems,
        vocabulary: &vocabulary,
        postings: &postings,
    };
    items.par_sort_unstable_by(|a, b| a.0.cmp(b.0).then_with(|| names.cmp(&a.1, &b.1)));
    items.dedup();
    let language = Language::new(&site.config.language);
    let shard_names = std::sync::Mutex::new(BTreeMap::new());
    let key = |i: usize| items[i].0;
    let size = |i: usize| names.size(items[i].0, &items[i].1);
    shard(&key, &size, items.len())
        .into_par_iter()
        .try_for_each(|(key, members)| {
            let json = shard_json(&members, &items, &names);
            let name = format!(
                "shard-{}.{}.json",
                file_key(&key),
                fingerprint(json.as_bytes())
            );
            sink(OutputFile::new(format!("{}{name}", link::SEARCH_DIR), json))?;
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
    let synonyms: Vec<Vec<Vec<String>>> = site
        .config
        .search
        .synonyms
        .iter()
        .map(|group| group.iter().map(|alt| words(alt)).collect())
        .collect();
    let manifest = serde_json::json!({
        "version": 1,
        "language": site.config.language,
        "docs": doc_count,
        "shards": shard_names,
        "chunk_size": CHUNK_SIZE,
        "chunks": { "count": doc_count.div_ceil(CHUNK_SIZE), "hash": chunk_hash },
        "top": { "hash": top_hash, "min": TOP_MIN_DOCS, "size": TOP_DOCS },
        "groups": groups,
        "pages": pages,
        "stopwords": language.stopwords,
        "synonyms": synonyms,
        "trees": site.trees.iter().take(SUGGESTED_TREES).map(|t| serde_json::json!({
            "title": t.title,
            "url": link::tree_url(&shown.base_path, &t.slug),
        })).collect::<Vec<_>>(),
    });
    let manifest = to_json_for_html(&manifest)?;
    sink(OutputFile::new(
        format!("{}manifest.json", link::SEARCH_DIR),
        manifest,
    ))?;
    Ok(count + 1)
}

/// The stems of the words the docs use, numbered in order of first use.
struct Stems {
    /// Word id → stem id; `u32::MAX` for words no doc uses.
    of_word: Vec<u32>,
    stems: Vec<String>,
}

impl Stems {
    fn of(docs: &[Doc], vocabulary: &Vocabulary, language: &Language) -> Stems {
        let mut used = vec![false; vocabulary.len()];
        for d in docs {
            for (word, _) in d.terms.iter() {
                used[word as usize] = true;
            }
        }
        // Stemming is the costly part: once per word, in parallel.
        let stemmed: Vec<Option<String>> = used
            .par_iter()
            .enumerate()
            .map(|(id, used)| used.then(|| language.stem(vocabulary.word(id as u32))))
            .collect();
        let mut ids: FastMap<&str, u32> = FastMap::default();
        let mut stems = Vec::new();
        let of_word = stemmed
            .iter()
            .map(|stem| match stem {
                None => u32::MAX,
                Some(stem) => *ids.entry(stem.as_str()).or_insert_with(|| {
                    stems.push(stem.clone());
                    stems.len() as u32 - 1
                }),
            })
            .collect();
        Stems { of_word, stems }
    }

    /// A doc's terms by stem rather than by surface word: the words of
    /// one stem ("connect", "connected") add up.
    fn merge(&self, terms: &DocTerms) -> DocTerms {
        let mut merged: Vec<(u32, [u8; 4])> = terms
            .iter()
            .map(|(word, tf)| (self.of_word[word as usize], tf))
            .collect();
        merged.sort_unstable_by_key(|(stem, _)| *stem);
        merged.dedup_by(|next, kept| {
            if next.0 != kept.0 {
                return false;
            }
            for f in 0..4 {
                kept.1[f] = kept.1[f].saturating_add(next.1[f]);
            }
            true
        });
        DocTerms::new(&merged, terms.lengths)
    }

    /// Every word some doc uses: its id, itself, its stem id.
    fn used_words<'v>(
        &'v self,
        vocabulary: &'v Vocabulary,
    ) -> impl Iterator<Item = (u32, &'v str, u32)> {
        self.of_word
            .iter()
            .enumerate()
            .filter(|(_, stem)| **stem != u32::MAX)
            .map(|(word, stem)| (word as u32, vocabulary.word(word as u32), *stem))
    }
}

/// Writes the doc metadata chunks, named `docs-<n>.<hash>.json` with one
/// hash of all of them (the manifest then needs no list); returns it, and
/// the JSON of each doc that `in_tops` marks, for top lists to reuse.
/// The hash is of the fields, not the JSON, so each chunk is serialized
/// once, when written, rather than held or serialized twice.
fn write_chunks(
    docs: &[Doc],
    shown: &Shown,
    in_tops: &[bool],
    sink: &Sink,
    count: &mut usize,
) -> anyhow::Result<(String, Vec<Option<Box<str>>>)> {
    let hashes: Vec<u64> = docs
        .par_chunks(CHUNK_SIZE)
        .map(|chunk| {
            let mut hasher = Fingerprint::default();
            for d in chunk {
                shown.hash_meta(d, &mut hasher);
            }
            hasher.finish()
        })
        .collect();
    let hash = combined_hash(b"docs v2", &hashes);
    let kept: Vec<Vec<Option<Box<str>>>> = docs
        .par_chunks(CHUNK_SIZE)
        .zip(in_tops.par_chunks(CHUNK_SIZE))
        .enumerate()
        .map(|(n, (chunk, in_tops))| {
            let mut json = String::with_capacity(chunk.len() * 512);
            json.push('[');
            let mut kept = Vec::with_capacity(chunk.len());
            for (i, (d, in_top)) in chunk.iter().zip(in_tops).enumerate() {
                if i > 0 {
                    json.push(',');
                }
                // Same escaping as tree.json: no bidi controls reach the results.
                let start = json.len();
                shown.meta(d).push_json(&mut json);
                kept.push(in_top.then(|| json[start..].into()));
            }
            json.push(']');
            sink(OutputFile::new(
                format!("{}docs-{n}.{hash}.json", link::SEARCH_DIR),
                json,
            ))?;
            Ok(kept)
        })
        .collect::<anyhow::Result<_>>()?;
    *count += docs.len().div_ceil(CHUNK_SIZE);
    Ok((hash, kept.into_iter().flatten().collect()))
}

/// One hash of parts hashed apart (in parallel), in their order.
fn combined_hash(label: &[u8], parts: &[u64]) -> String {
    let mut hasher = Fingerprint::default();
    hasher.write(label);
    for part in parts {
        hasher.write(&part.to_le_bytes());
    }
    hasher.finish_hex()
}

/// The kind and category of a doc: what the results page filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group<'a> {
    category: &'a str,
    /// A troubleshooter step rather than an article section.
    tree: bool,
}

/// The groups of all docs, run-length coded (docs of one kind and
/// category are consecutive, so a site has a few dozen runs): each run is
/// `[first doc id, category index or -1, "article" | "tree"]`, with the
/// categories listed once.
fn group_runs(docs: &[Doc], shown: &Shown) -> serde_json::Value {
    let site = shown.site;
    let categories = &site.config.categories;
    let mut runs = Vec::new();
    let mut last: Option<Group> = None;
    for (id, d) in docs.iter().enumerate() {
        let group = shown.group(d);
        if last != Some(group) {
            let index = categories
                .iter()
                .position(|c| c.id == group.category)
                .map_or(-1, |i| i as i64);
            let kind = if group.tree { "tree" } else { "article" };
            runs.push(serde_json::json!([id, index, kind]));
            last = Some(group);
        }
    }
    serde_json::json!({
        "categories": categories
            .iter()
            .map(|c| serde_json::json!({ "id": c.id, "title": c.title }))
            .collect::<Vec<_>>(),
        "runs": runs,
    })
}

/// Writes `pages-<hash>.json`: which docs start a page (an article's top
/// or a troubleshooter step; the docs after it, up to the next start, are
/// the article's sections), as a base64 bitset, doc `d` at bit `d % 8` of
/// byte `d / 8`. The results page counts results by page with it, without
/// fetching their metadata. Returns the file name.
fn write_page_starts(docs: &[Doc], sink: &Sink) -> anyhow::Result<String> {
    let mut bits = vec![0u8; docs.len().div_ceil(8)];
    for (d, doc) in docs.iter().enumerate() {
        if doc.starts_page() {
            bits[d / 8] |= 1 << (d % 8);
        }
    }
    let json = serde_json::json!({ "starts": base64(&bits) }).to_string();
    let name = format!("pages-{}.json", fingerprint(json.as_bytes()));
    sink(OutputFile::new(format!("{}{name}", link::SEARCH_DIR), json))?;
    Ok(name)
}

/// Standard base64 with padding (RFC 4648), what browsers' `atob` reads.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The [`TOP_DOCS`] highest-impact docs, best first, of every stem with
/// at least [`TOP_MIN_DOCS`] postings; by stem.
fn top_lists(postings: &[Postings], stems: &[String]) -> Vec<(usize, Vec<u32>)> {
    let mut tops: Vec<(usize, Vec<u32>)> = postings
        .par_iter()
        .enumerate()
        .filter(|(_, list)| list.len() >= TOP_MIN_DOCS)
        .map(|(stem, list)| {
            let mut scored: Vec<(u8, u32)> =
                list.docs().map(|(doc, impact)| (impact, doc)).collect();
            // Best first; equal impacts by doc id, so output is stable.
            // Only the first few are kept: pick them, then sort those.
            let order = |a: &(u8, u32), b: &(u8, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
            if scored.len() > TOP_DOCS {
                scored.select_nth_unstable_by(TOP_DOCS, order);
                scored.truncate(TOP_DOCS);
            }
            scored.sort_unstable_by(order);
            (stem, scored.iter().map(|(_, d)| *d).collect())
        })
        .collect();
    // Stem ids follow the order words were first met while loading in
    // parallel: list in the order of the stems themselves.
    tops.sort_unstable_by(|a, b| stems[a.0].cmp(&stems[b.0]));
    tops
}

/// Writes `top-<hash>/<stem>.json` for each of `tops`: a term's best docs,
/// with their metadata, in one small file (a results page for a common
/// word needs it instead of one docs chunk per result). Each entry is the
/// doc's JSON from the docs chunks with its `id` first. Returns the hash
/// that names the folder.
fn write_top_lists(
    tops: &[(usize, Vec<u32>)],
    shown_json: &[Option<Box<str>>],
    stems: &[String],
    sink: &Sink,
    count: &mut usize,
) -> anyhow::Result<String> {
    let json_of = |id: u32| {
        shown_json[id as usize]
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("search: doc {id} of a top list was not kept"))
    };
    let hashes: Vec<u64> = tops
        .par_iter()
        .map(|(stem, ids)| {
            let mut hasher = Fingerprint::default();
            hasher.write(stems[*stem].as_bytes());
            for id in ids {
                hasher.write(&id.to_le_bytes());
                hasher.write(json_of(*id)?.as_bytes());
            }
            Ok(hasher.finish())
        })
        .collect::<anyhow::Result<_>>()?;
    let hash = combined_hash(b"top v2", &hashes);
    tops.par_iter().try_for_each(|(stem, ids)| {
        let mut list = String::with_capacity(ids.len() * 512);
        list.push('[');
        for (i, id) in ids.iter().enumerate() {
            // `{"id":N,` then the doc's fields, as in its chunk.
            let doc = json_of(*id)?;
            if i > 0 {
                list.push(',');
            }
            list.push_str("{\"id\":");
            list.push_str(&id.to_string());
            list.push(',');
            list.push_str(doc.strip_prefix('{').unwrap_or(doc));
        }
        list.push(']');
        sink(OutputFile::new(
            format!(
                "{}top-{hash}/{}.json",
                link::SEARCH_DIR,
                file_key(&stems[*stem])
            ),
            list,
        ))
    })?;
    *count += tops.len();
    Ok(hash)
}

/// One thing a key of the index holds; a key may hold several. By id (a
/// large site has millions): [`Names`] gives the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// The key is a surface word of this stem (stem id).
    Stem(u32),
    /// The key is a stem; its postings (stem id).
    Postings(u32),
    /// The key is one deletion away from (or is) this surface word (word id).
    Typo(u32),
}

impl Item {
    const STEM: u8 = 0;
    const POSTINGS: u8 = 1;
    const TYPO: u8 = 2;

    /// Which shard map the item goes in, and the rank of its kind among a
    /// key's items.
    fn kind(&self) -> u8 {
        match self {
            Item::Stem(_) => Item::STEM,
            Item::Postings(_) => Item::POSTINGS,
            Item::Typo(_) => Item::TYPO,
        }
    }
}

/// The words and postings behind items.
struct Names<'a> {
    stems: &'a [String],
    vocabulary: &'a Vocabulary,
    postings: &'a [Postings],
}

impl<'a> Names<'a> {
    fn stem(&self, id: u32) -> &'a str {
        &self.stems[id as usize]
    }

    /// The order of a key's items: stems, postings, typos; each by word.
    fn cmp(&self, a: &Item, b: &Item) -> std::cmp::Ordering {
        match (*a, *b) {
            (Item::Stem(x), Item::Stem(y)) => self.stem(x).cmp(self.stem(y)),
            (Item::Postings(x), Item::Postings(y)) => x.cmp(&y),
            (Item::Typo(x), Item::Typo(y)) => self.vocabulary.word(x).cmp(self.vocabulary.word(y)),
            _ => a.kind().cmp(&b.kind()),
        }
    }

    /// Roughly the bytes an item adds to its shard's JSON.
    fn size(&self, key: &str, item: &Item) -> usize {
        // Generous on keys: a key may appear in all three maps.
        key.len() * 3
            + match *item {
                Item::Stem(stem) => self.stem(stem).len(),
                Item::Postings(id) => self.postings[id as usize].len() * 8,
                Item::Typo(word) => self.vocabulary.word(word).len() + 3,
            }
    }
}

/// Every way to delete one character from `word`.
#[cfg(test)]
fn deletions(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_deletion(word, |v| out.push(v.to_string()));
    out
}

/// Calls `f` with every way to delete one character from `word`, each
/// once, in sorted order.
fn for_each_deletion(word: &str, mut f: impl FnMut(&str)) {
    let mut variants: Vec<String> = word
        .char_indices()
        .map(|(at, c)| {
            let mut variant = String::with_capacity(word.len());
            variant.push_str(&word[..at]);
            variant.push_str(&word[at + c.len_utf8()..]);
            variant
        })
        .collect();
    variants.sort_unstable();
    variants.dedup();
    for variant in &variants {
        f(variant);
    }
}

/// The first `len` characters of `key` (all of it if shorter).
fn prefix(key: &str, len: usize) -> &str {
    key.char_indices()
        .nth(len)
        .map_or(key, |(at, _)| &key[..at])
}

/// Groups keys into shards by prefix: 1 letter, and where a group is too
/// big, its big sub-groups (one letter longer) become shards of their own,
/// recursively, so small groups share a file and no file grows too big. A key belongs to the shard of its longest shard-key prefix.
/// Returns each shard's key and the indices of its members among the
/// `count` keys, which `key` gives in sorted order; `size` gives a
/// member's estimated bytes. (Functions rather than lists: a large site
/// has millions of keys.)
fn shard<'k>(
    key: &dyn Fn(usize) -> &'k str,
    size: &dyn Fn(usize) -> usize,
    count: usize,
) -> Vec<(String, Vec<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < count {
        let first = key(start).chars().next();
        let end = (start..count)
            .find(|i| key(*i).chars().next() != first)
            .unwrap_or(count);
        let p = prefix(key(start), 1);
        split(key, size, (start..end).collect(), p, 1, &mut out);
        start = end;
    }
    out
}

/// Splits the group `members` (all starting with `key`) into shards.
fn split<'k>(
    keys: &dyn Fn(usize) -> &'k str,
    sizes: &dyn Fn(usize) -> usize,
    members: Vec<usize>,
    key: &'k str,
    len: usize,
    out: &mut Vec<(String, Vec<usize>)>,
) {
    let size: usize = members.iter().map(|i| sizes(*i)).sum();
    if size <= MAX_SHARD_BYTES || len >= 12 {
        out.push((key.to_string(), members));
        return;
    }
    // Members come in key order, so each sub-group (the keys one letter
    // longer than `key` that share a prefix) is a run of them.
    let mut stay = Vec::new();
    let mut at = 0;
    while let Some(&first) = members.get(at) {
        let k = keys(first);
        // Only keys longer than `len` characters go one letter deeper.
        if k.char_indices().nth(len).is_none() {
            stay.push(first);
            at += 1;
            continue;
        }
        let sub = prefix(k, len + 1);
        let run = members[at..]
            .iter()
            .take_while(|i| keys(**i).starts_with(sub))
            .count();
        let group = &members[at..at + run];
        at += run;
        let sub_size: usize = group.iter().map(|i| sizes(*i)).sum();
        if sub_size > MAX_SHARD_BYTES / 4 {
            split(keys, sizes, group.to_vec(), sub, len + 1, out);
        } else {
            stay.extend_from_slice(group);
        }
    }
    // What stays is still in key order, so shard maps are built from
    // sorted input.
    out.push((key.to_string(), stay));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_written_by_hand_are_their_serialization() {
        for section in [None, Some("Step <2> & \"more\"")] {
            let meta = DocMeta {
                title: "Reset \u{202E}it\u{2028}",
                url: "/a/b/#c".into(),
                crumb: "Troubleshooter › Wi-Fi",
                section,
                text: "line\nbreak\ttab \u{1} é…",
            };
            let mut hand = String::new();
            meta.push_json(&mut hand);
            assert_eq!(hand, to_json_for_html(&meta).expect("serializes"));
        }
    }

    #[test]
    fn deletion_variants() {
        assert_eq!(deletions("sync"), ["snc", "syc", "syn", "ync"]);
        assert_eq!(deletions("aab"), ["aa", "ab"]);
    }

    #[test]
    fn surface_words_of_a_stem_add_up_in_its_postings() {
        let analyser = Analyser::new("en");
        let docs = [
            analyser.analyse(["Other", "", "", "nothing here"]),
            analyser.analyse(["Sync problems", "", "", "text"]),
            analyser.analyse(["Other", "", "", "syncing problems, sync in the body"]),
        ];
        let vocabulary = analyser.into_vocabulary();
        let en = Language::new("en");
        let docs: Vec<Doc> = docs
            .into_iter()
            .map(|terms| Doc {
                place: Place::Article {
                    article: 0,
                    section: 0,
                },
                excerpt: "".into(),
                terms,
            })
            .collect();
        let stems = Stems::of(&docs, &vocabulary, &en);
        let sync = stems
            .stems
            .iter()
            .position(|s| s == "sync")
            .expect("a stem") as u32;
        let merged: Vec<DocTerms> = docs.iter().map(|d| stems.merge(&d.terms)).collect();
        let of_sync = |d: &DocTerms| d.iter().find(|(s, _)| *s == sync).map(|t| t.1);
        assert_eq!(of_sync(&merged[2]), Some([0, 0, 0, 2]), "syncing + sync");
        let postings = postings::build(merged, stems.stems.len());
        let sync: Vec<(u32, u8)> = postings[sync as usize].deltas().collect();
        assert_eq!((sync[0].0, sync[1].0), (1, 1), "doc ids 1 and 2 as deltas");
        assert!(sync[0].1 > sync[1].1, "a title match outranks a body match");
    }

    #[test]
    fn shards_written_by_hand_are_their_serialization() {
        let mut postings = vec![Postings::default(); 3];
        postings[0].push(1, 200);
        postings[0].push(70_000, 9);
        postings[2].push(4_294_000_000, 255);
        let analyser = Analyser::new("en");
        analyser.analyse(["", "", "", "connect connecting <b>&\"odd\"</b> café"]);
        let vocabulary = analyser.into_vocabulary();
        let stems = ["connect".to_string(), "b\u{2028}".to_string()];
        let names = Names {
            stems: &stems,
            vocabulary: &vocabulary,
            postings: &postings,
        };
        // Sorted as the index sorts them, with a key in all three maps,
        // a typo key with several words, and one key twice in a map.
        let mut items = vec![
            ("conect", Item::Typo(0)),
            ("conect", Item::Typo(1)),
            ("connect", Item::Stem(0)),
            ("connect", Item::Postings(0)),
            ("connect", Item::Typo(0)),
            ("connecting", Item::Stem(0)),
            ("connecting", Item::Stem(1)),
            ("odd\"<", Item::Postings(2)),
            ("zero", Item::Postings(1)),
            ("é", Item::Typo(2)),
        ];
        items.sort_by(|a, b| a.0.cmp(b.0).then_with(|| names.cmp(&a.1, &b.1)));
        for members in [(0..items.len()).collect::<Vec<_>>(), vec![2, 3], vec![]] {
            let mut shard = Shard::default();
            for &i in &members {
                shard.add(items[i].0, &items[i].1, &names);
            }
            let expected = to_json_for_html(&shard).expect("serializes");
            assert_eq!(shard_json(&members, &items, &names), expected);
        }
        let mut number = String::new();
        for n in [0, 7, 10, 255, 4_294_967_295] {
            number.clear();
            push_number(&mut number, n);
            assert_eq!(number, n.to_string());
        }
    }

    #[test]
    fn big_groups_split_into_longer_prefixes() {
        let mut postings = vec![Postings::default(); 2];
        postings[0].push(1, 200);
        postings[0].push(2, 100);
        postings[1].push(1, 1);
        let mut keys: Vec<String> = (0..8000)
            .map(|i| format!("co{}{i}", if i % 2 == 0 { "n" } else { "x" }))
            .collect();
        keys.push("co".to_string());
        keys.sort();
        let items: Vec<(&str, Item)> = keys
            .iter()
            .map(|k| (k.as_str(), Item::Postings(u32::from(k == "co"))))
            .collect();
        let vocabulary = Vocabulary::default();
        let names = Names {
            stems: &[],
            vocabulary: &vocabulary,
            postings: &postings,
        };
        let key = |i: usize| items[i].0;
        let size = |i: usize| names.size(items[i].0, &items[i].1);
        let shards: BTreeMap<String, Shard> = shard(&key, &size, items.len())
            .into_iter()
            .map(|(key, members)| {
                let mut s = Shard::default();
                for i in members {
                    s.add(items[i].0, &items[i].1, &names);
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

    /// A small site loaded from memory, with what loading hands search.
    fn loaded() -> (Site, SearchInput) {
        let files: std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> = [
            ("site.yaml", "title: T\nbase_url: https://example.com/\ncategories:\n  - id: a\n    title: A\n    description: D\n"),
            ("content/articles/a/one.md", "---\ntitle: Syncing chats\ndescription: When chats stop.\n---\n## Connected devices\n\nReconnect the phone.\n"),
            ("content/articles/a/two.md", "---\ntitle: Billing\ndescription: Credit lines.\n---\nPayment methods and invoices.\n"),
            ("content/trees/t.yaml", "title: Fix it\ndescription: Steps.\ncategory: a\nnodes:\n  q:\n    question: Is the phone connected?\n    answers:\n      - label: Yes\n        next: done\n  done:\n    title: Done\n    outcome: fix\n    body: Reconnected.\n"),
        ]
        .into_iter()
        .map(|(p, t)| (p.into(), t.as_bytes().to_vec()))
        .collect();
        let loaded = crate::load::site::load_in_memory(&files, &Default::default());
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        (
            loaded.site.expect("a site"),
            loaded.search.expect("search input"),
        )
    }

    #[test]
    fn the_index_is_a_pure_function_of_its_inputs() {
        // Regression: the index took the terms out of the loaded site, so
        // a second index of the same site came out empty.
        let (site, input) = loaded();
        let first =
            crate::output::collect(|sink| index(&site, input.clone(), sink)).expect("first index");
        let second =
            crate::output::collect(|sink| index(&site, input, sink)).expect("second index");
        assert!(first.len() > 2);
        assert_eq!(first, second);
        let all: String = first
            .iter()
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .collect();
        assert!(
            all.contains("\"reconnect\""),
            "tree and article words are in it"
        );
    }

    #[test]
    fn base64_is_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0x00, 0x81]), "/wCB");
    }
}
