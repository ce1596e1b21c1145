//! Search text analysis: folding, word splitting, stemming and stop
//! words, and the per-doc term counts loading hands to the search stage.
//! Writes nothing; the index builder in `search/` consumes its output.

use std::collections::HashMap;

use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation as _;

use crate::text::markdown::Section;

/// Characters of a doc's text kept for its result excerpt.
const EXCERPT_CHARS: usize = 200;

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
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let folded = fold(text);
    split_words(&folded, text.is_ascii(), |w| out.push(w.to_string()));
    out
}

/// Lowercases and folds diacritics: the text that words are cut from.
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    // Character by character: NFD's reordering only moves combining marks,
    // which are dropped, so decomposing each character alone gives the
    // same text at a fraction of the cost (ASCII needs no lookup at all).
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            });
        }
    }
    out.to_lowercase()
}

/// Splits folded text into words; `ascii` says the original text was
/// ASCII (most help text is), which a byte scanner handles alike.
pub(crate) fn split_words<'t>(folded: &'t str, ascii: bool, mut f: impl FnMut(&'t str)) {
    // Identifiers are found by their parts too: `err_dhcp_timeout` by
    // `dhcp`, `api.v2.send` by `send`, `2.3.1` by `3`.
    let mut word_and_parts = |word: &'t str, joined: bool| {
        f(word);
        if joined {
            for part in word.split(IDENTIFIER_JOINERS) {
                if part.chars().any(char::is_alphanumeric) {
                    f(part);
                }
            }
        }
    };
    if ascii {
        ascii_words(folded, word_and_parts);
        return;
    }
    // (Joiners are ASCII: a byte scan finds them without decoding.)
    let has_joiner = |word: &str| word.bytes().any(|b| matches!(b, b'_' | b'.' | b':'));
    let mut word_and_parts = |word: &'t str| word_and_parts(word, has_joiner(word));
    // Chinese and Japanese are written without spaces between words: a run
    // of their characters is indexed as overlapping pairs (the search
    // client splits queries the same way).
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: &mut Option<(usize, usize)>, f: &mut dyn FnMut(&'t str)| {
        if let Some((start, end)) = run.take() {
            cjk_bigrams(&folded[start..end], f);
        }
    };
    for (at, word) in folded.unicode_word_indices() {
        if word.chars().all(is_cjk) {
            match &mut run {
                Some((_, end)) if *end == at => *end = at + word.len(),
                _ => {
                    flush(&mut run, &mut word_and_parts);
                    run = Some((at, at + word.len()));
                }
            }
            continue;
        }
        flush(&mut run, &mut word_and_parts);
        word_and_parts(word);
    }
    flush(&mut run, &mut word_and_parts);
}

/// Han, Hiragana and Katakana: scripts written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Overlapping pairs of characters of a run (`路由器` → `路由`, `由器`); a
/// single character stands alone.
fn cjk_bigrams<'t>(run: &'t str, f: &mut dyn FnMut(&'t str)) {
    let starts: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain([run.len()])
        .collect();
    if starts.len() <= 2 {
        f(run);
        return;
    }
    for w in starts.windows(3) {
        f(&run[w[0]..w[2]]);
    }
}

/// What joins the parts of identifiers and versions inside one word.
const IDENTIFIER_JOINERS: [char; 3] = ['_', '.', ':'];

/// Bits of one 64-byte block of text, bit `i` for byte `i`.
#[derive(Default, Clone, Copy)]
struct BlockBits {
    /// Letters and digits, and `_`: bytes always inside a word.
    word: u64,
    letter: u64,
    digit: u64,
    /// `'`, `.` and `:`: inside a word between two letters.
    mid_letter: u64,
    /// `,`, `;`, `.` and `'`: inside a word between two digits.
    mid_digit: u64,
    /// [`IDENTIFIER_JOINERS`].
    joiner: u64,
}

impl BlockBits {
    /// The bits of `block`, 16 bytes at a time with SSE2 (part of every
    /// x86-64 processor): a comparison of 16 bytes and its bit mask.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse2")]
    fn of_sse2(block: &[u8; 64]) -> BlockBits {
        use std::arch::x86_64::*;
        #[target_feature(enable = "sse2")]
        fn within(x: __m128i, lo: u8, hi: u8) -> __m128i {
            _mm_and_si128(
                _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(lo as i8)), x),
                _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(hi as i8)), x),
            )
        }
        #[target_feature(enable = "sse2")]
        fn is(x: __m128i, c: u8) -> __m128i {
            _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8))
        }
        #[target_feature(enable = "sse2")]
        fn any3(a: __m128i, b: __m128i, c: __m128i) -> __m128i {
            _mm_or_si128(_mm_or_si128(a, b), c)
        }
        let mut bits = BlockBits::default();
        for (q, quarter) in block.chunks_exact(16).enumerate() {
            let mut lo = [0u8; 8];
            let mut hi = [0u8; 8];
            lo.copy_from_slice(&quarter[..8]);
            hi.copy_from_slice(&quarter[8..]);
            let v = _mm_set_epi64x(i64::from_le_bytes(hi), i64::from_le_bytes(lo));
            let letter = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', b'z');
            let digit = within(v, b'0', b'9');
            let (underscore, apostrophe, dot, colon) =
                (is(v, b'_'), is(v, b'\''), is(v, b'.'), is(v, b':'));
            let comma_semicolon = _mm_or_si128(is(v, b','), is(v, b';'));
            let shift = 16 * q;
            let add = |to: &mut u64, m: __m128i| {
                *to |= u64::from(_mm_movemask_epi8(m) as u16) << shift;
            };
            add(&mut bits.letter, letter);
            add(&mut bits.digit, digit);
            add(&mut bits.word, any3(letter, digit, underscore));
            add(&mut bits.mid_letter, any3(apostrophe, dot, colon));
            add(&mut bits.mid_digit, any3(comma_semicolon, dot, apostrophe));
            add(&mut bits.joiner, any3(underscore, dot, colon));
        }
        bits
    }

    /// The bits of `block`.
    fn of(block: &[u8; 64]) -> BlockBits {
        // SAFETY: SSE2 is part of the x86-64 baseline: every processor
        // this code is compiled for has it.
        #[cfg(target_arch = "x86_64")]
        return unsafe { BlockBits::of_sse2(block) };
        #[cfg(not(target_arch = "x86_64"))]
        BlockBits::of_bytes(block)
    }

    /// The bits of `block`, a byte at a time.
    #[cfg_attr(target_arch = "x86_64", cfg(test))]
    fn of_bytes(block: &[u8; 64]) -> BlockBits {
        let mut bits = BlockBits::default();
        for (i, &c) in block.iter().enumerate() {
            let bit = |yes: bool| u64::from(yes) << i;
            bits.word |= bit(c.is_ascii_alphanumeric() || c == b'_');
            bits.letter |= bit(c.is_ascii_alphabetic());
            bits.digit |= bit(c.is_ascii_digit());
            bits.mid_letter |= bit(matches!(c, b'\'' | b'.' | b':'));
            bits.mid_digit |= bit(matches!(c, b',' | b';' | b'.' | b'\''));
            bits.joiner |= bit(matches!(c, b'_' | b'.' | b':'));
        }
        bits
    }
}

/// UAX #29 word boundaries restricted to ASCII: letters and digits join,
/// `_` joins anything, `'`, `.` and `:` join two letters, `,`, `;`, `.`
/// and `'` join two digits. Words without a letter or digit are dropped.
/// `f` is told whether the word holds an identifier joiner.
///
/// A byte-at-a-time scanner pays a mispredicted branch at the end of
/// nearly every word; here each 64-byte block is classified at once into
/// bit masks (the bytes inside words are a formula of their neighbours),
/// and words are read off the mask's edges.
fn ascii_words<'t>(text: &'t str, mut f: impl FnMut(&'t str, bool)) {
    let b = text.as_bytes();
    // The last block is padded with zeros: bytes outside every word.
    let block_at = |k: usize| -> BlockBits {
        let rest = b.get(k * 64..).unwrap_or_default();
        match rest.first_chunk::<64>() {
            Some(full) => BlockBits::of(full),
            None => {
                let mut padded = [0u8; 64];
                padded[..rest.len()].copy_from_slice(rest);
                BlockBits::of(&padded)
            }
        }
    };
    let blocks = b.len().div_ceil(64);
    let mut next = if blocks > 0 {
        block_at(0)
    } else {
        BlockBits::default()
    };
    let mut prev = BlockBits::default();
    let mut prev_in = 0u64;
    // The word being read: where it starts, and whether it has a letter
    // or digit, and a joiner, in the blocks before this one.
    let mut start = 0usize;
    let mut open_alnum = false;
    let mut open_joiner = false;
    for k in 0..blocks {
        let cur = next;
        next = if k + 1 < blocks {
            block_at(k + 1)
        } else {
            BlockBits::default()
        };
        let before = |bits: u64, prev_bits: u64| bits << 1 | prev_bits >> 63;
        let after = |bits: u64, next_bits: u64| bits >> 1 | next_bits << 63;
        let inside = cur.word
            | cur.mid_letter & before(cur.letter, prev.letter) & after(cur.letter, next.letter)
            | cur.mid_digit & before(cur.digit, prev.digit) & after(cur.digit, next.digit);
        let alnum = cur.letter | cur.digit;
        let mut edges = inside ^ (inside << 1 | prev_in);
        let base = k * 64;
        while edges != 0 {
            let at = edges.trailing_zeros();
            edges &= edges - 1;
            if inside >> at & 1 == 1 {
                start = base + at as usize;
                open_alnum = false;
                open_joiner = false;
            } else {
                // The word's bits in this block (from 0 if it began before).
                let from = start.saturating_sub(base) as u32;
                let span = (u64::MAX << from) & !(u64::MAX << at);
                if open_alnum || alnum & span != 0 {
                    f(
                        &text[start..base + at as usize],
                        open_joiner || cur.joiner & span != 0,
                    );
                }
            }
        }
        if inside >> 63 == 1 {
            let from = start.saturating_sub(base) as u32;
            let span = u64::MAX << from;
            open_alnum |= alnum & span != 0;
            open_joiner |= cur.joiner & span != 0;
        }
        prev_in = inside >> 63;
        prev = cur;
    }
    if prev_in == 1 && open_alnum {
        f(&text[start..], open_joiner);
    }
}

/// Language-specific parts: stemmer and stop words.
pub(crate) struct Language {
    pub code: String,
    stemmer: Option<rust_stemmers::Stemmer>,
    pub stopwords: &'static [&'static str],
    /// The same words, for a check per token that does not compare strings.
    stopword_set: std::collections::HashSet<&'static str, std::hash::BuildHasherDefault<FxHasher>>,
}

impl Language {
    pub fn new(code: &str) -> Language {
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
            "ar" => Some(A::Arabic),
            "el" => Some(A::Greek),
            "ta" => Some(A::Tamil),
            _ => None,
        };
        let stopwords: &'static [&'static str] = if primary == "en" {
            ENGLISH_STOPWORDS
        } else {
            &[]
        };
        Language {
            code: code.to_string(),
            stemmer: algorithm.map(rust_stemmers::Stemmer::create),
            stopwords,
            stopword_set: stopwords.iter().copied().collect(),
        }
    }

    pub fn stem(&self, word: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(word).into_owned(),
            None => word.to_string(),
        }
    }

    pub fn is_stopword(&self, word: &str) -> bool {
        // No English stop word is longer than 8 bytes.
        word.len() <= 8 && self.stopword_set.contains(word)
    }
}

/// Term counts of one search doc: (surface word id, frequency per field)
/// by id, and field lengths. Fields: title, heading, description and
/// tags, body.
///
/// Every section of the site holds these from loading to indexing, so
/// they are packed: per term, its id's distance from the previous one
/// (LEB128), then a byte of which fields count it and those counts. A
/// word met once in the body (most terms) takes that byte alone, its
/// count in the high bits: about 2.5 bytes a term rather than 8.
#[derive(Debug, Default, Clone)]
pub(crate) struct DocTerms {
    packed: Box<[u8]>,
    pub lengths: [u32; 4],
}

/// The field a doc's text is in, last of the four.
const BODY: u8 = 0b1000;

impl DocTerms {
    /// Packs `terms`, which must be sorted by id, each id once.
    pub fn new(terms: &[(u32, [u8; 4])], lengths: [u32; 4]) -> DocTerms {
        let mut packed = Vec::with_capacity(terms.len() * 3);
        let mut last = 0;
        for &(id, tf) in terms {
            crate::base::varint::push(&mut packed, id - last);
            last = id;
            let fields = (0..4).filter(|f| tf[*f] > 0).fold(0, |m, f| m | 1 << f);
            if fields == BODY && tf[3] < 16 {
                packed.push(BODY | tf[3] << 4);
            } else {
                packed.push(fields);
                packed.extend(tf.iter().filter(|n| **n > 0));
            }
        }
        DocTerms {
            packed: packed.into_boxed_slice(),
            lengths,
        }
    }

    /// The terms, by id.
    pub fn iter(&self) -> impl Iterator<Item = (u32, [u8; 4])> + '_ {
        let mut bytes = self.packed.iter().copied();
        let mut id = 0u32;
        std::iter::from_fn(move || {
            id += crate::base::varint::read(&mut bytes)?;
            let head = bytes.next()?;
            let mut tf = [0u8; 4];
            if head >> 4 > 0 {
                tf[3] = head >> 4;
            } else {
                for (f, n) in tf.iter_mut().enumerate() {
                    if head & 1 << f != 0 {
                        *n = bytes.next()?;
                    }
                }
            }
            Some((id, tf))
        })
    }
}

/// A section of an article as search needs it: no full text, only its
/// terms and the start of its text for excerpts. The first is the
/// article's top; each after it is under the article's next h2 or h3
/// (its heading is that entry of the table of contents).
#[derive(Debug, Clone)]
pub(crate) struct SectionTerms {
    pub excerpt: Box<str>,
    pub terms: DocTerms,
}

/// Surface words with ids, shared by the parallel loaders. Only grows: a
/// word no doc uses any more is simply never looked up by the index.
#[derive(Default, Clone)]
pub(crate) struct Vocabulary {
    ids: FastMap<String, u32>,
    words: Vec<String>,
}

impl Vocabulary {
    /// The word with this id.
    pub fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Every word, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }

    fn intern(&mut self, word: &str) -> u32 {
        if let Some(id) = self.ids.get(word) {
            return *id; // another loader added it meanwhile
        }
        let id = self.words.len() as u32;
        self.words.push(word.to_string());
        self.ids.insert(word.to_string(), id);
        id
    }
}

/// Analyses text into [`DocTerms`] while content loads, so the build never
/// holds the plain text of the whole site at once.
pub(crate) struct Analyser {
    pub language: Language,
    vocabulary: std::sync::RwLock<Vocabulary>,
    /// Tells this analyser's per-thread word memory from another's.
    id: u64,
}

impl Clone for Analyser {
    fn clone(&self) -> Analyser {
        Analyser {
            language: Language::new(&self.language.code),
            vocabulary: std::sync::RwLock::new(self.vocabulary()),
            id: next_analyser_id(),
        }
    }
}

impl std::fmt::Debug for Analyser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyser")
    }
}

fn next_analyser_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// What a thread remembers of the words one analyser has met: each word's
/// id (or that it is a stop word), so a word is hashed once per use, and
/// the counts of the doc being analysed, by id.
#[derive(Default)]
struct Seen {
    analyser: u64,
    /// Ids of words up to 16 bytes (nearly all), then of the longer ones.
    short: ShortWords,
    long: FastMap<Box<str>, u32>,
    /// The lowercased text being counted, kept for the next.
    buffer: String,
    /// The doc's counts of each word, by id + 1 (slot 0: stop words).
    counts: Vec<[u8; 4]>,
    /// The ids counted in this doc (the first of them: as many as it
    /// has), to read and clear `counts` by; as long as `counts`.
    touched: Vec<u32>,
}

/// What follows the text being counted, so any word's 16 bytes can be
/// read where it lies.
const PADDING: &str = "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// In `Seen`'s tables: a stop word (ids are far below it).
const STOP: u32 = u32::MAX;

/// Word → id for words of up to 16 bytes, each held in its table slot as
/// two zero-padded 8-byte numbers (words hold no zero byte): a lookup
/// hashes two numbers and compares two, where a string map hashes bytes
/// and calls `memcmp`. This lookup runs once per word of the site.
#[derive(Default)]
struct ShortWords {
    /// Open addressing, a power of two long; `[0, 0]` is a free slot.
    keys: Vec<[u64; 2]>,
    ids: Vec<u32>,
    len: usize,
}

impl ShortWords {
    /// The key of a word of up to 16 bytes.
    #[cfg(test)]
    fn key(word: &str) -> Option<[u64; 2]> {
        let mut padded = [0u8; 32];
        padded
            .get_mut(..word.len())?
            .copy_from_slice(word.as_bytes());
        ShortWords::key_in(&padded, 0, word.len())
    }

    /// [`ShortWords::key`] of the `len` bytes at `start` of `bytes`, read
    /// in place: `bytes` must hold 16 bytes from `start` on.
    fn key_in(bytes: &[u8], start: usize, len: usize) -> Option<[u64; 2]> {
        if len > 16 {
            return None;
        }
        let read = |at: usize| -> Option<u64> {
            Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
        };
        // Keep the word's own bytes: `n` of the 8 at a place.
        let mask = |n: usize| match n {
            0 => 0,
            1..=7 => (1u64 << (8 * n)) - 1,
            _ => u64::MAX,
        };
        Some([
            read(start)? & mask(len),
            read(start + 8)? & mask(len.saturating_sub(8)),
        ])
    }

    /// The slot holding `key`, or the free slot it would take.
    fn slot(&self, key: [u64; 2]) -> usize {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let hash = (key[0].wrapping_mul(K) ^ key[1]).wrapping_mul(K);
        let mask = self.keys.len() - 1;
        let mut at = (hash >> 32) as usize & mask;
        while self.keys[at] != key && self.keys[at] != [0, 0] {
            at = (at + 1) & mask;
        }
        at
    }

    fn get(&self, key: [u64; 2]) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let at = self.slot(key);
        (self.keys[at] == key).then(|| self.ids[at])
    }

    fn insert(&mut self, key: [u64; 2], id: u32) {
        // At most half full, so probes stay short.
        if (self.len + 1) * 2 > self.keys.len() {
            let old = std::mem::take(self);
            let size = (old.keys.len() * 2).max(1024);
            *self = ShortWords {
                keys: vec![[0, 0]; size],
                ids: vec![0; size],
                len: 0,
            };
            for (k, id) in old.keys.into_iter().zip(old.ids) {
                if k != [0, 0] {
                    self.insert(k, id);
                }
            }
        }
        let at = self.slot(key);
        if self.keys[at] == [0, 0] {
            self.len += 1;
        }
        self.keys[at] = key;
        self.ids[at] = id;
    }
}

thread_local! {
    static SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::default();
}

impl Analyser {
    pub fn new(language: &str) -> Analyser {
        Analyser {
            language: Language::new(language),
            vocabulary: Default::default(),
            id: next_analyser_id(),
        }
    }

    /// A copy of the words seen so far.
    pub fn vocabulary(&self) -> Vocabulary {
        self.vocabulary
            .read()
            .map(|v| v.clone())
            .unwrap_or_default()
    }

    /// Gives up the words seen so far.
    pub fn into_vocabulary(self) -> Vocabulary {
        self.vocabulary.into_inner().unwrap_or_default()
    }

    /// Counts the words of each field; `fields` are title, heading,
    /// description and tags, body.
    pub fn analyse(&self, fields: [&str; 4]) -> DocTerms {
        SEEN.with_borrow_mut(|seen| {
            if seen.analyser != self.id {
                *seen = Seen {
                    analyser: self.id,
                    ..Seen::default()
                };
            }
            self.count(seen, fields)
        })
    }

    fn count(&self, seen: &mut Seen, fields: [&str; 4]) -> DocTerms {
        let mut lengths = [0u32; 4];
        let mut touched = 0;
        let mut buffer = std::mem::take(&mut seen.buffer);
        for (field, text) in fields.iter().enumerate() {
            buffer.clear();
            if text.is_ascii() {
                buffer.push_str(text);
                buffer.make_ascii_lowercase();
            } else {
                buffer.push_str(&fold(text));
            }
            let end = buffer.len();
            buffer.push_str(PADDING);
            let ascii = text.is_ascii();
            // Titles keep their stop words: a copy of the loop of its own,
            // so the others' have no test for it.
            lengths[field] = if field == 0 {
                self.count_field::<true>(seen, &buffer, end, ascii, field, &mut touched)
            } else {
                self.count_field::<false>(seen, &buffer, end, ascii, field, &mut touched)
            };
        }
        seen.buffer = buffer;
        let ids = &mut seen.touched[..touched];
        ids.sort_unstable();
        let terms: Vec<(u32, [u8; 4])> = ids
            .iter()
            .map(|&id| (id, std::mem::take(&mut seen.counts[id as usize + 1])))
            .collect();
        DocTerms::new(&terms, lengths)
    }

    /// Counts the words of one field, the first `end` bytes of `padded`
    /// ([`PADDING`] follows them; `ascii` if the original text was), into
    /// `seen.counts`, noting each id first counted in the doc after the
    /// `touched` noted before. Returns the field's length.
    #[inline(always)]
    fn count_field<const TITLE: bool>(
        &self,
        seen: &mut Seen,
        padded: &str,
        end: usize,
        ascii: bool,
        field: usize,
        touched: &mut usize,
    ) -> u32 {
        let bytes = padded.as_bytes();
        let mut length = 0;
        let mut noted = *touched;
        split_words(&padded[..end], ascii, |word| {
            let start = word.as_ptr() as usize - bytes.as_ptr() as usize;
            let key = ShortWords::key_in(bytes, start, word.len());
            let known = match key {
                Some(key) => seen.short.get(key),
                None => seen.long.get(word).copied(),
            };
            let mut id = match known {
                Some(id) => id,
                None => self.learn(seen, word, key),
            };
            // Stop words do not count in a field's length...
            length += u32::from(id != STOP);
            if TITLE && id == STOP {
                // ...but those in a title stay there: a query of stop
                // words only ("how to") still finds the pages titled
                // with them.
                id = self.intern(word);
            }
            // A third of words are stop words, in no pattern a branch
            // predictor could learn: they are counted too, into slot 0,
            // which nothing reads, and a word's first count in the doc is
            // noted without a branch either.
            let counted = id != STOP;
            let slot = if counted { id as usize + 1 } else { 0 };
            if slot >= seen.counts.len() {
                seen.counts.resize(slot + 1, [0; 4]);
                seen.touched.resize(slot + 1, 0);
            }
            let tf = &mut seen.counts[slot];
            let first = counted && *tf == [0; 4];
            // In bounds: each id is noted once, and `counts` has a slot
            // for each id besides slot 0.
            seen.touched[noted] = id;
            noted += usize::from(first);
            // Frequencies saturate at 255: BM25 flattens long before.
            tf[field] = tf[field].saturating_add(1);
        });
        *touched = noted;
        length
    }

    /// Remembers a word this thread meets for the first time (`key`: its
    /// short-word key, if it is one).
    fn learn(&self, seen: &mut Seen, word: &str, key: Option<[u64; 2]>) -> u32 {
        let id = if self.language.is_stopword(word) {
            STOP
        } else {
            self.intern(word)
        };
        match key {
            Some(key) => seen.short.insert(key, id),
            None => {
                seen.long.insert(word.into(), id);
            }
        }
        id
    }

    /// The word's id, shared by all loaders.
    fn intern(&self, word: &str) -> u32 {
        // Known words need only a shared lock, so loaders rarely wait.
        let known = match self.vocabulary.read() {
            Ok(vocabulary) => vocabulary.ids.get(word).copied(),
            Err(poisoned) => poisoned.into_inner().ids.get(word).copied(),
        };
        known.unwrap_or_else(|| match self.vocabulary.write() {
            Ok(mut vocabulary) => vocabulary.intern(word),
            Err(poisoned) => poisoned.into_inner().intern(word),
        })
    }

    /// The search sections of an article, from its rendered sections.
    pub fn article_sections(
        &self,
        title: &str,
        description: &str,
        tags: &[String],
        sections: &[Section],
    ) -> Vec<SectionTerms> {
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
                    SectionTerms {
                        excerpt: excerpt_source(text).into_boxed_str(),
                        terms: self.analyse([title, "", &meta, &section.text]),
                    }
                }
                Some(_) => SectionTerms {
                    excerpt: excerpt_source(&section.text).into_boxed_str(),
                    terms: self.analyse(["", &section.heading, "", &section.text]),
                },
            })
            .collect()
    }
}

/// The start of a doc's text, cut at a word boundary.
pub(crate) fn excerpt_source(text: &str) -> String {
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
pub(crate) struct FxHasher(u64);

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

pub(crate) type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;
pub(crate) type FastSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_by_character_equals_nfd_without_marks() {
        use unicode_normalization::UnicodeNormalization as _;
        for text in [
            "Coëxistência Ação São Paulo naïve",
            "Ελληνικά ΟΔΟΣ",
            "한국어 텍스트",
            "ｆｕｌｌ ﬁle Ⅻ",
            "e\u{301}\u{323}x q\u{323}\u{301}",
            "ガイド データ ﾃﾞｰﾀ",
            "İstanbul",
        ] {
            let reference: String = text
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .collect::<String>()
                .to_lowercase();
            assert_eq!(fold(text), reference, "{text}");
        }
    }

    #[test]
    fn chinese_and_japanese_runs_are_split_into_pairs() {
        let mut words = Vec::new();
        split_words("重启路由器。wifi 设置 ルーター", false, |w| {
            words.push(w)
        });
        assert_eq!(
            words,
            [
                "重启", "启路", "路由", "由器", "wifi", "设置", "ルー", "ータ", "ター"
            ]
        );
    }

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
            ascii_words(&text.to_ascii_lowercase(), |w, joined| {
                let joiner = w.bytes().any(|b| matches!(b, b'_' | b'.' | b':'));
                assert_eq!(joined, joiner, "{w}");
                fast.push(w.to_string());
            });
            let slow: Vec<String> = text
                .to_lowercase()
                .unicode_words()
                .map(str::to_string)
                .collect();
            assert_eq!(fast, slow, "{text}");
        }
    }

    /// Texts of the bytes that decide word edges, in every length from
    /// nothing to a few blocks (words cross block edges), from a fixed seed.
    fn edge_texts() -> impl Iterator<Item = String> {
        let alphabet = b"ab9_.:',; -\n0";
        let mut seed = 12345u64;
        (0..200).flat_map(move |len| {
            (0..50)
                .map(|_| {
                    (0..len)
                        .map(|_| {
                            seed = seed
                                .wrapping_mul(6364136223846793005)
                                .wrapping_add(1442695040888963407);
                            alphabet[(seed >> 33) as usize % alphabet.len()] as char
                        })
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
        })
    }

    #[test]
    fn ascii_words_match_unicode_segmentation_at_every_edge() {
        for text in edge_texts() {
            let mut fast = Vec::new();
            ascii_words(&text, |w, joined| {
                let joiner = w.bytes().any(|b| matches!(b, b'_' | b'.' | b':'));
                assert_eq!(joined, joiner, "{w:?} in {text:?}");
                fast.push(w);
            });
            let slow: Vec<&str> = text.unicode_words().collect();
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn block_bits_are_the_same_by_vector_and_by_byte() {
        // Every byte value, and the texts' mixes of the bytes that matter.
        let every_byte: Vec<u8> = (0..=255).collect();
        let texts = edge_texts()
            .filter(|t| t.len() >= 64)
            .map(String::into_bytes);
        for bytes in texts.chain(every_byte.chunks(64).map(<[u8]>::to_vec)) {
            let block: &[u8; 64] = bytes[..64].try_into().expect("64 bytes");
            let (a, b) = (BlockBits::of(block), BlockBits::of_bytes(block));
            assert_eq!(
                [
                    a.word,
                    a.letter,
                    a.digit,
                    a.mid_letter,
                    a.mid_digit,
                    a.joiner
                ],
                [
                    b.word,
                    b.letter,
                    b.digit,
                    b.mid_letter,
                    b.mid_digit,
                    b.joiner
                ],
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn every_snowball_language_is_stemmed() {
        // Snowball's Arabic strips the article and attached prepositions.
        let ar = Language::new("ar");
        assert_eq!(ar.stem(&fold("بالراوتر")), ar.stem(&fold("الراوتر")));
        assert_ne!(Language::new("el").stem("δρομολογητές"), "δρομολογητές");
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
    fn identifiers_are_words_and_so_are_their_parts() {
        let words = |text: &str| {
            let mut out = Vec::new();
            let folded = fold(text);
            split_words(&folded, text.is_ascii(), |w| out.push(w.to_string()));
            out
        };
        assert_eq!(
            words("ERR_DHCP_TIMEOUT and api.v2.send"),
            // UAX #29 (and so the browser) ends a word at `.` after a digit.
            [
                "err_dhcp_timeout",
                "err",
                "dhcp",
                "timeout",
                "and",
                "api.v2",
                "api",
                "v2",
                "send"
            ]
        );
        assert_eq!(
            words("E-1042 in 2.3.1"),
            ["e", "1042", "in", "2.3.1", "2", "3", "1"]
        );
        assert_eq!(
            words("invalid_token: ERR_42"),
            ["invalid_token", "invalid", "token", "err_42", "err", "42"]
        );
        // Non-ASCII text takes the Unicode path, with the same parts.
        assert_eq!(words("Código ERR_42"), ["codigo", "err_42", "err", "42"]);
        assert_eq!(words("waba's"), ["waba's"], "apostrophes do not split");
    }

    #[test]
    fn stop_words_are_kept_in_titles_only() {
        let analyser = Analyser::new("en");
        let doc = analyser.analyse(["How to connect", "", "", "the phone and the app"]);
        let vocabulary = analyser.into_vocabulary();
        let mut terms: Vec<(&str, [u8; 4])> = doc
            .iter()
            .map(|(id, tf)| (vocabulary.word(id), tf))
            .collect();
        terms.sort();
        assert_eq!(
            terms,
            [
                ("app", [0, 0, 0, 1]),
                ("connect", [1, 0, 0, 0]),
                ("how", [1, 0, 0, 0]),
                ("phone", [0, 0, 0, 1]),
                ("to", [1, 0, 0, 0]),
            ]
        );
        assert_eq!(doc.lengths, [1, 0, 0, 2], "stop words do not count");
    }

    #[test]
    fn each_analyser_keeps_its_own_word_ids_on_a_thread() {
        let first = Analyser::new("en");
        first.analyse(["", "", "", "alpha beta"]);
        let second = Analyser::new("en");
        let doc = second.analyse(["", "", "", "beta beta"]);
        let vocabulary = second.into_vocabulary();
        let terms: Vec<(&str, [u8; 4])> = doc
            .iter()
            .map(|(id, tf)| (vocabulary.word(id), tf))
            .collect();
        assert_eq!(terms, [("beta", [0, 0, 0, 2])]);
        assert_eq!(vocabulary.len(), 1);
    }

    #[test]
    fn short_word_table_finds_every_word_it_was_given() {
        let mut table = ShortWords::default();
        let words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        for (id, w) in words.iter().enumerate() {
            let key = ShortWords::key(w).expect("short");
            assert_eq!(table.get(key), None);
            table.insert(key, id as u32);
        }
        for (id, w) in words.iter().enumerate() {
            assert_eq!(
                table.get(ShortWords::key(w).expect("short")),
                Some(id as u32)
            );
        }
        assert_eq!(table.get(ShortWords::key("w").expect("short")), None);
        assert!(ShortWords::key("sixteen-bytes-ok").is_some());
        let text = b"say hello-world sixteen-bytes-ok\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
        for (start, len) in [(0, 3), (4, 5), (10, 5), (16, 16), (4, 11)] {
            let word = std::str::from_utf8(&text[start..start + len]).expect("ascii");
            assert_eq!(
                ShortWords::key_in(text, start, len),
                ShortWords::key(word),
                "{word}"
            );
        }
        assert!(ShortWords::key("seventeen-bytes-x").is_none());
    }

    #[test]
    fn words_longer_than_sixteen_bytes_are_counted_too() {
        let analyser = Analyser::new("en");
        let long = "internationalisation";
        analyser.analyse(["", "", "", long]);
        let doc = analyser.analyse(["", "", "", &format!("{long} {long}")]);
        let vocabulary = analyser.into_vocabulary();
        let terms: Vec<(&str, [u8; 4])> = doc
            .iter()
            .map(|(id, tf)| (vocabulary.word(id), tf))
            .collect();
        assert_eq!(terms, [(long, [0, 0, 0, 2])]);
    }

    #[test]
    fn counts_start_afresh_for_each_doc() {
        let analyser = Analyser::new("en");
        analyser.analyse(["", "", "", "sync sync sync"]);
        let doc = analyser.analyse(["Sync", "", "", "sync"]);
        assert_eq!(
            doc.iter().map(|(_, tf)| tf).collect::<Vec<_>>(),
            [[1, 0, 0, 1]]
        );
        assert_eq!(doc.lengths, [1, 0, 0, 1]);
    }

    #[test]
    fn vocabulary_ids_are_surface_words() {
        let analyser = Analyser::new("en");
        let a = analyser.analyse(["Sync problems", "", "", "syncing"]);
        let b = analyser.analyse(["", "", "", "sync"]);
        let vocabulary = analyser.into_vocabulary();
        let mut words: Vec<&str> = a.iter().map(|(id, _)| vocabulary.word(id)).collect();
        words.sort();
        assert_eq!(words, ["problems", "sync", "syncing"]);
        assert_eq!(a.lengths, [2, 0, 0, 1]);
        assert_eq!(vocabulary.word(b.iter().next().expect("a term").0), "sync");
        assert_eq!(vocabulary.len(), 3);
    }

    proptest::proptest! {
        #[test]
        fn packed_terms_read_back_as_written(
            raw in proptest::collection::btree_map(0u32..5_000_000, proptest::array::uniform4(0u8..=255), 0..60)
        ) {
            let terms: Vec<(u32, [u8; 4])> = raw.into_iter().filter(|(_, tf)| tf.iter().any(|n| *n > 0)).collect();
            let packed = DocTerms::new(&terms, [1, 2, 3, 4]);
            proptest::prop_assert_eq!(packed.iter().collect::<Vec<_>>(), terms);
        }
    }
}
