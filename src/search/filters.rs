//! Filters as bitsets over entry ords: the facet values selected (given or
//! read from the text), ages by overlap, and phases (a sector, or no sector
//! and ages inside the phase's).

use fixedbitset::FixedBitSet;

use super::SearchRequest;
use super::interpret::Apply;
use crate::facet::Facet;
use crate::index::LiveIndex;

/// What interpreted filters add beyond facet values.
#[derive(Debug, Clone, Default)]
pub(super) struct Extra {
    /// Ages read (ORed over the ages read, ANDed with `age` and `year`).
    pub(super) ages: Option<(u8, u8)>,
    /// Phases read, ORed: (sector id, half-open ages).
    pub(super) phases: Vec<(String, (u8, u8))>,
}

impl Extra {
    /// Every age the search asks for, from ages or phases read.
    pub(super) fn asked_ages(&self) -> Option<(u8, u8)> {
        self.phases
            .iter()
            .map(|(_, ages)| *ages)
            .chain(self.ages)
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
    }
}

/// The request with its interpreted filters applied, and what they add.
pub(super) fn effective(request: &SearchRequest, applies: &[Apply]) -> (SearchRequest, Extra) {
    let mut request = request.clone();
    let mut extra = Extra::default();
    for apply in applies {
        match apply {
            Apply::Ages(min, end) => {
                extra.ages = Some(
                    extra
                        .ages
                        .map_or((*min, *end), |(a, b)| (a.min(*min), b.max(*end))),
                );
            }
            Apply::Phase(id, min, end) => extra.phases.push((id.clone(), (*min, *end))),
            Apply::Facet(facet, value) => {
                let values = request.filter_mut(*facet);
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
        }
    }
    (request, extra)
}

/// The filters of a search as bitsets: one per selected facet, one for ages.
pub(super) struct Filters {
    /// Per facet in [`Facet::ALL`] order; `None` when not filtered.
    pub(super) selections: Vec<Option<FixedBitSet>>,
    /// Ages and phases, which narrow every facet's counts.
    pub(super) ages: Option<FixedBitSet>,
}

impl Filters {
    pub(super) fn new(index: &LiveIndex, request: &SearchRequest, extra: &Extra) -> Filters {
        let mut ages = [age_filter(request), extra.ages]
            .into_iter()
            .flatten()
            .reduce(|a, b| (a.0.max(b.0), a.1.min(b.1)))
            .map(|range| index.age_groups.overlapping(range));
        if !extra.phases.is_empty() {
            let phases = phase_bits(index, &extra.phases);
            match &mut ages {
                Some(bits) => bits.intersect_with(&phases),
                None => ages = Some(phases),
            }
        }
        Filters {
            selections: Facet::ALL
                .iter()
                .map(|&facet| selection(index, facet, request.filter(facet)))
                .collect(),
            ages,
        }
    }

    /// How many of `text` pass every filter.
    pub(super) fn count(&self, text: &FixedBitSet) -> usize {
        self.apply(text).1.count_ones(..)
    }

    /// `text` narrowed by the ages asked (what every facet is counted
    /// over), and by every filter (the results).
    pub(super) fn apply(&self, text: &FixedBitSet) -> (FixedBitSet, FixedBitSet) {
        let mut base = text.clone();
        if let Some(ages) = &self.ages {
            base.intersect_with(ages);
        }
        let mut results = base.clone();
        for bits in self.selections.iter().flatten() {
            results.intersect_with(bits);
        }
        (base, results)
    }
}

pub(super) fn full(n: usize) -> FixedBitSet {
    let mut bits = FixedBitSet::with_capacity(n);
    bits.insert_range(..);
    bits
}

/// The half-open age range asked for by `age` and `year`, both if given.
pub(super) fn age_filter(request: &SearchRequest) -> Option<(u8, u8)> {
    let ranges = [
        request.age.map(|a| (a, a + 1)),
        request.year.map(|y| (y + 4, y + 5)),
    ];
    ranges
        .into_iter()
        .flatten()
        .reduce(|a, b| (a.0.max(b.0), a.1.min(b.1)))
}

/// Entries tagged with one of the phases' sectors, or tagged with no sector
/// and serving ages in one of the phases.
fn phase_bits(index: &LiveIndex, phases: &[(String, (u8, u8))]) -> FixedBitSet {
    let postings = index.facet(Facet::Sector);
    let mut sectored = FixedBitSet::with_capacity(index.len());
    postings
        .matches
        .iter()
        .for_each(|bits| sectored.union_with(bits));
    let mut bits = FixedBitSet::with_capacity(index.len());
    for (_, ages) in phases {
        bits.union_with(&index.age_groups.overlapping(*ages));
    }
    bits.difference_with(&sectored);
    for (id, _) in phases {
        if let Some(pos) = postings.position(id) {
            bits.union_with(&postings.matches[pos]);
        }
    }
    bits
}

/// The OR of the selected values' matches; `None` when nothing is selected.
fn selection(index: &LiveIndex, facet: Facet, values: &[String]) -> Option<FixedBitSet> {
    let postings = index.facet(facet);
    values
        .iter()
        .filter_map(|v| postings.position(v).map(|p| &postings.matches[p]))
        .fold(None, |acc: Option<FixedBitSet>, bits| {
            Some(match acc {
                Some(mut acc) => {
                    acc.union_with(bits);
                    acc
                }
                None => bits.clone(),
            })
        })
}
