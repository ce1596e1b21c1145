//! Postings: for each stem, the docs it occurs in with their BM25F
//! impact, scored straight from the docs' terms and held packed (a large
//! site has millions of them).

use rayon::prelude::*;

use crate::base::varint;
use crate::text::words::DocTerms;

const FIELD_WEIGHTS: [f32; 4] = [4.0, 2.5, 1.5, 1.0];
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Very common terms keep only their best postings: they barely change
/// rankings, and a query for them must stay small to download.
pub(crate) const MAX_POSTINGS: usize = 5_000;

/// One stem's postings in doc id order: each doc's distance from the
/// previous one (LEB128), then its impact (1-255) as a byte. About 2.5
/// bytes a posting rather than 8.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Postings {
    bytes: Vec<u8>,
    len: u32,
    last: u32,
}

impl Postings {
    /// Adds `doc`, which must come after every doc already added.
    pub fn push(&mut self, doc: u32, impact: u8) {
        varint::push(&mut self.bytes, doc - self.last);
        self.last = doc;
        self.bytes.push(impact);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// (doc id delta, impact) pairs: what the index files hold.
    pub fn deltas(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut bytes = self.bytes.iter().copied();
        std::iter::from_fn(move || Some((varint::read(&mut bytes)?, bytes.next()?)))
    }

    /// (doc id, impact) pairs.
    pub fn docs(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut doc = 0;
        self.deltas().map(move |(delta, impact)| {
            doc += delta;
            (doc, impact)
        })
    }

    /// Keeps the `max` highest-impact docs (the lower doc id first among
    /// equals), still in doc order.
    fn keep_best(&mut self, max: usize) {
        let docs: Vec<(u32, u8)> = self.docs().collect();
        // Ids are unique, so this order is total: the `max`-th best is a
        // threshold, and the docs at or above it are kept, in the doc
        // order they already have (no sort).
        let order = |a: &(u32, u8), b: &(u32, u8)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if docs.len() <= max {
            return;
        }
        *self = Postings::default();
        let Some(nth) = max.checked_sub(1) else {
            return;
        };
        let mut best = docs.clone();
        let (_, &mut last, _) = best.select_nth_unstable_by(nth, order);
        drop(best);
        for doc in docs {
            if order(&doc, &last).is_le() {
                self.push(doc.0, doc.1);
            }
        }
        self.bytes.shrink_to_fit();
    }
}

/// The postings of each of `stems` stem ids, from every doc's terms (by
/// stem id, in doc id order). Impacts are BM25F scores scaled so the
/// site's best is 255; the terms are dropped as their doc is indexed.
pub(crate) fn build(docs: Vec<DocTerms>, stems: usize) -> Vec<Postings> {
    let n = docs.len().max(1) as f32;
    let mut df = vec![0u32; stems];
    let mut average = [0f32; 4];
    for d in &docs {
        for (stem, _) in d.iter() {
            df[stem as usize] += 1;
        }
        for (sum, length) in average.iter_mut().zip(d.lengths) {
            *sum += length as f32;
        }
    }
    for value in &mut average {
        *value = (*value / n).max(1.0);
    }
    let idf: Vec<f32> = df
        .iter()
        .map(|&df| {
            let df = df as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    // Each doc's field lengths against the average, computed once per doc
    // rather than once per term (the same values, so the same scores).
    let norms = |d: &DocTerms| {
        let mut norm = [0f32; 4];
        for f in 0..4 {
            norm[f] = (1.0 - B + B * d.lengths[f] as f32 / average[f]).max(0.1);
        }
        norm
    };
    let bm25 = |norm: &[f32; 4], stem: u32, tf: &[u8; 4]| {
        // Fields the term is not in add nothing (most terms are in the
        // body alone): skipping them leaves the sum as it was.
        let weighted: f32 = (0..4)
            .filter(|f| tf[*f] > 0)
            .map(|f| FIELD_WEIGHTS[f] * f32::from(tf[f]) / norm[f])
            .sum();
        idf[stem as usize] * weighted * (K1 + 1.0) / (weighted + K1)
    };
    // Scores are computed twice rather than held: once for the best,
    // which scales them all, then to be stored as impacts.
    let max = docs
        .par_iter()
        .map(|d| {
            let norm = norms(d);
            d.iter()
                .map(|(stem, tf)| bm25(&norm, stem, &tf))
                .fold(f32::MIN_POSITIVE, f32::max)
        })
        .reduce(|| f32::MIN_POSITIVE, f32::max);
    let mut postings = vec![Postings::default(); stems];
    for (doc, d) in docs.into_iter().enumerate() {
        let norm = norms(&d);
        for (stem, tf) in d.iter() {
            let impact = round_positive(bm25(&norm, stem, &tf) / max * 255.0);
            postings[stem as usize].push(doc as u32, impact.clamp(1, 255) as u8);
        }
    }
    postings.par_iter_mut().for_each(|p| {
        if p.len() > MAX_POSTINGS {
            p.keep_best(MAX_POSTINGS);
        }
    });
    postings
}

/// `x.round() as u32` for `0 <= x < 2^23`, without a call to libm's
/// `roundf` (which Rust's `round` is, here, once per posting).
fn round_positive(x: f32) -> u32 {
    let whole = x as u32;
    // Exact: `whole <= x < whole + 1`, so the difference is representable.
    if x - whole as f32 >= 0.5 {
        whole + 1
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounding_matches_the_standard_library() {
        // Every half and whole number up to 300, and its neighbours.
        for k in 0..600u16 {
            let half = f32::from(k) * 0.5;
            for x in [half.next_down().max(0.0), half, half.next_up()] {
                assert_eq!(super::round_positive(x), x.round() as u32, "{x}");
            }
        }
    }

    use super::*;

    #[test]
    fn postings_read_back_as_deltas_and_docs() {
        let mut p = Postings::default();
        for (doc, impact) in [(3, 9), (200, 255), (70_000, 1)] {
            p.push(doc, impact);
        }
        assert_eq!(p.len(), 3);
        let deltas: Vec<_> = p.deltas().collect();
        assert_eq!(deltas, [(3, 9), (197, 255), (69_800, 1)]);
        let docs: Vec<_> = p.docs().collect();
        assert_eq!(docs, [(3, 9), (200, 255), (70_000, 1)]);
    }

    #[test]
    fn common_stems_keep_their_best_docs_in_doc_order() {
        let mut p = Postings::default();
        for (doc, impact) in [(1, 5), (2, 9), (3, 5), (4, 7)] {
            p.push(doc, impact);
        }
        p.keep_best(3);
        let docs: Vec<_> = p.docs().collect();
        assert_eq!(docs, [(1, 5), (2, 9), (4, 7)], "the lower id among equals");
    }

    #[test]
    fn a_title_match_outranks_a_body_match_and_the_best_is_255() {
        let docs = vec![
            DocTerms::new(&[(0, [1, 0, 0, 0])], [2, 0, 0, 1]),
            DocTerms::new(&[(1, [0, 0, 0, 1])], [1, 0, 0, 1]),
            DocTerms::new(&[(0, [0, 0, 0, 1]), (1, [0, 0, 0, 2])], [1, 0, 0, 5]),
        ];
        let postings = build(docs, 2);
        let zero: Vec<_> = postings[0].docs().collect();
        assert_eq!(zero.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 2]);
        assert!(zero[0].1 > zero[1].1, "{zero:?}");
        let best = postings.iter().flat_map(Postings::docs).map(|p| p.1).max();
        assert_eq!(best, Some(255));
    }
}
