//! Disjunctive facet counts: each facet counted over the results of every
//! *other* facet's selection, so a count is what selecting that value alone
//! in its facet would give.

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

/// Counts a facet over the results of every *other* facet's selection.
pub(super) fn count_facet<'a>(
    index: &'a LiveIndex,
    facet: Facet,
    request: &SearchRequest,
    base: &FixedBitSet,
    selections: &[Option<FixedBitSet>],
    own: usize,
) -> FacetCounts<'a> {
    let mut mask = base.clone();
    for (i, bits) in selections.iter().enumerate() {
        if let (true, Some(bits)) = (i != own, bits) {
            mask.intersect_with(bits);
        }
    }
    let postings = index.facet(facet);
    let selected = request.filter(facet);
    let values = postings
        .values
        .iter()
        .zip(&postings.matches)
        .map(|(value, bits)| ValueCount {
            value: &value.id,
            label: &value.label,
            depth: value.depth,
            count: mask.intersection_count(bits),
            selected: selected.contains(&value.id),
        })
        .collect();
    FacetCounts { facet, values }
}
