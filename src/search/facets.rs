//! Disjunctive facet counts: each facet counted over the results of every
//! *other* facet's selection, so a count is what selecting that value alone
//! in its facet would give.

use std::borrow::Cow;

use fixedbitset::FixedBitSet;

use super::SearchRequest;
use crate::facet::Facet;
use crate::index::LiveIndex;

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
    pub(super) base: &'s FixedBitSet,
    pub(super) selections: &'s [Option<FixedBitSet>],
    pub(super) results: &'s FixedBitSet,
    /// Whether `results` holds every entry.
    pub(super) everything: bool,
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
    let mask = match counted.selections.get(own) {
        Some(Some(_)) => Cow::Owned(without_own(counted, own)),
        // A facet with nothing selected in it is counted over the results.
        _ => Cow::Borrowed(counted.results),
    };
    let postings = index.facet(facet);
    let selected = request.filter(facet);
    // Browsing the whole bank (no text, no filter) needs no counting: every
    // value's count is its total, known since the version opened.
    let everything = counted.everything && matches!(mask, Cow::Borrowed(_));
    let values = (postings.values.iter().zip(&postings.matches))
        .zip(&postings.totals)
        .map(|((value, bits), &total)| ValueCount {
            value: &value.id,
            label: &value.label,
            depth: value.depth,
            count: if everything {
                total
            } else {
                intersection_count(mask.as_slice(), bits.as_slice())
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
}
