//! Disjunctive facet counts: each facet counted over the results of every
//! *other* facet's selection, so a count is what selecting that value alone
//! in its facet would give.

use std::borrow::Cow;
use std::ops::Range;

use fixedbitset::FixedBitSet;

use super::SearchRequest;
use crate::facet::Facet;
use crate::index::{LiveIndex, occupied_words};

#[derive(Debug)]
pub struct FacetCounts<'a> {
    pub facet: Facet,
    pub values: Vec<ValueCount<'a>>,
}

#[derive(Debug, serde::Serialize)]
pub struct ValueCount<'a> {
    pub value: &'a str,
    pub label: &'a str,
    pub depth: usize,
    pub count: usize,
    pub selected: bool,
}

/// What the facets are counted over: `base` (the text matches in the
/// ages asked), each facet's selection, if any, and `results` (`base`
/// narrowed by every selection).
pub(super) struct Counted<'s> {
    base: &'s FixedBitSet,
    selections: &'s [Option<FixedBitSet>],
    results: Mask<'s>,
    /// Whether `results` holds every entry.
    everything: bool,
}

impl<'s> Counted<'s> {
    pub(super) fn new(
        base: &'s FixedBitSet,
        selections: &'s [Option<FixedBitSet>],
        results: &'s FixedBitSet,
        everything: bool,
    ) -> Self {
        Counted {
            base,
            selections,
            results: Mask::new(Cow::Borrowed(results)),
            everything,
        }
    }
}

/// The entries a facet is counted over, and the words that hold them.
struct Mask<'m> {
    bits: Cow<'m, FixedBitSet>,
    words: Range<usize>,
}

impl<'m> Mask<'m> {
    fn new(bits: Cow<'m, FixedBitSet>) -> Self {
        let words = occupied_words(bits.as_slice());
        Mask { bits, words }
    }

    /// How many of the mask's entries a value's bitset holds, reading only
    /// the words where both have entries.
    fn count(&self, bits: &FixedBitSet, occupied: &Range<usize>) -> usize {
        let words = occupied.start.max(self.words.start)..occupied.end.min(self.words.end);
        if words.is_empty() {
            return 0;
        }
        intersection_count(
            &self.bits.as_slice()[words.clone()],
            &bits.as_slice()[words],
        )
    }
}

/// Counts a facet (the `own`th) over the results of every *other* facet's
/// selection.
pub(super) fn count_facet<'a>(
    index: &'a LiveIndex,
    facet: Facet,
    request: &SearchRequest,
    counted: &Counted<'_>,
    own: usize,
) -> FacetCounts<'a> {
    let own_mask = (counted.selections.get(own))
        .and_then(Option::as_ref)
        .map(|_| Mask::new(Cow::Owned(without_own(counted, own))));
    // A facet with nothing selected in it is counted over the results.
    let mask = own_mask.as_ref().unwrap_or(&counted.results);
    let postings = index.facet(facet);
    let selected = request.filter(facet);
    // Browsing the whole bank (no text, no filter) needs no counting: every
    // value's count is its total, known since the version opened.
    let everything = counted.everything && own_mask.is_none();
    let values = (postings.values.iter().zip(&postings.matches))
        .zip(postings.totals.iter().zip(&postings.occupied))
        .map(|((value, bits), (&total, occupied))| ValueCount {
            value: &value.id,
            label: &value.label,
            depth: value.depth,
            count: if everything {
                total
            } else {
                mask.count(bits, occupied)
            },
            selected: selected.contains(&value.id),
        })
        .collect();
    FacetCounts { facet, values }
}

/// `base` narrowed by every selection but the `own`th.
fn without_own(counted: &Counted<'_>, own: usize) -> FixedBitSet {
    let mut mask = counted.base.clone();
    for (i, bits) in counted.selections.iter().enumerate() {
        if let (true, Some(bits)) = (i != own, bits) {
            mask.intersect_with(bits);
        }
    }
    mask
}

/// How many entries both bitsets hold. Counting is most of a filter-only
/// search's time on a large bank, so the widest popcount the CPU has is
/// picked at run time (AVX-512 counts eight words at once): at 100,000
/// entries (docs/benchmarks.md).
#[multiversion::multiversion(targets("x86_64+avx512f+avx512vpopcntdq", "x86_64+avx2"))]
fn intersection_count(a: &[usize], b: &[usize]) -> usize {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x & y).count_ones() as usize)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_fixedbitset_does() {
        // Lengths around the vector widths, and words both full and sparse.
        for len in [0, 1, 63, 64, 65, 511, 512, 513, 4_099, 100_000] {
            let (mut a, mut b) = (
                FixedBitSet::with_capacity(len),
                FixedBitSet::with_capacity(len),
            );
            a.extend((0..len).filter(|i| i % 3 == 0 || i % 1_000 < 70));
            b.extend((0..len).filter(|i| i % 7 != 0));
            let counted = intersection_count(a.as_slice(), b.as_slice());
            assert_eq!(counted, a.intersection_count(&b), "{len} bits");
        }
    }

    /// A bitset of `len` bits holding every `step`th bit of `from..to`.
    fn stretch(len: usize, from: usize, to: usize, step: usize) -> FixedBitSet {
        let mut bits = FixedBitSet::with_capacity(len);
        bits.extend((from..to.min(len)).step_by(step));
        bits
    }

    #[test]
    fn a_mask_counts_only_where_both_have_entries_and_misses_nothing() {
        let len = 100_000;
        // Stretches that overlap, touch, nest, are disjoint or empty, with
        // ends inside words and on word and chunk edges.
        let stretches = [
            (0, 0, 1),
            (0, len, 1),
            (0, len, 37),
            (5, 70, 1),
            (64, 128, 3),
            (511, 513, 1),
            (30_000, 45_000, 2),
            (44_999, 60_001, 5),
            (60_001, 99_999, 11),
            (99_999, len, 1),
        ];
        for &(from, to, step) in &stretches {
            let mask = Mask::new(Cow::Owned(stretch(len, from, to, step)));
            for &(v_from, v_to, v_step) in &stretches {
                let value = stretch(len, v_from, v_to, v_step);
                let occupied = occupied_words(value.as_slice());
                assert_eq!(
                    mask.count(&value, &occupied),
                    mask.bits.intersection_count(&value),
                    "mask {from}..{to} by {step}, value {v_from}..{v_to} by {v_step}"
                );
            }
        }
    }
}
