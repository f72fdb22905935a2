//! Ranking: every weight the relevance order uses, in one place, and the
//! page of hits in the order asked for.
//!
//! Text scores are BM25 normalised to 0..1 (the best match scores 1); the
//! lifts below are added to them. Each was measured on the judged queries
//! (docs/relevance.md) before it was kept.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use fixedbitset::FixedBitSet;

use super::filters::{Extra, age_filter};
use super::intent::Intent;
use super::{SearchRequest, Sort};
use crate::content::Kind;
use crate::facet::Facet;
use crate::index::LiveIndex;

/// How much a named concept lifts the entries tagged with it.
pub(super) fn concept_weight(facet: Facet) -> f32 {
    match facet {
        Facet::Topic => 0.3,
        Facet::Ability => 1.0,
        Facet::Kind => 0.3,
        Facet::Format => 0.2,
        Facet::Audience => 0.15,
        _ => 0.0,
    }
}

/// Weight of a concept's other names next to the words typed (a tantivy
/// query boost).
pub(super) const SYNONYM_BOOST: f32 = 0.5;
/// Weight of prefix matches of the last word (as-you-type; a query boost).
pub(super) const PREFIX_BOOST: f32 = 0.3;

/// Lift for the entry made for exactly the ages asked (scaled by the share
/// of its age range inside them).
const AGE_FIT: f32 = 0.3;
/// Lift for teaching resources when the search names a year, key stage or age
/// and no kind or format.
const CLASS_FIT: f32 = 0.3;

/// Lift for an entry tagged with exactly the area asked (scaled down for
/// wider areas above it; national services get none).
const AREA_FIT: f32 = 0.3;
/// Lift for services with a way in (a phone line or a referral route) when
/// a question asks for someone to turn to ("who can help", "how do I
/// refer"): as much as naming the kind ("service") would give.
const SERVICE_ROUTE_FIT: f32 = 0.3;
/// Lift for guidance when a question asks what to do ("what do I do",
/// "how should I respond"): as much as naming the kind would give.
const PROCEDURE_FIT: f32 = 0.3;

/// Oldest age counted when measuring an open-ended range ("16+").
const OPEN_AGE_END: u8 = 25;

/// Everything a search adds to an entry's text score: the lifts for the
/// concepts the text names, for the ages and places asked, for classroom
/// material and for what a question asks for. Worked out once per search,
/// then asked of one entry at a time, so that ranking can score only the
/// entries that can still reach the page.
pub(super) struct Lifts<'a> {
    index: &'a LiveIndex,
    /// Entries tagged with a concept the text names, with its weight.
    concepts: Vec<(&'a FixedBitSet, f32)>,
    /// Teaching resources, when the search asks for classroom material.
    class: Option<&'a FixedBitSet>,
    /// The ages asked, as `[min, end)`.
    ages: Option<(u8, u8)>,
    /// How well each area fits the areas asked (empty when none is asked),
    /// worked out once per search rather than for every entry.
    area_fit: Vec<f32>,
    /// The entries that answer what a question asks for, with the weight.
    intents: Vec<(&'a FixedBitSet, f32)>,
}

impl<'a> Lifts<'a> {
    /// The lifts of a search. `for_class`: the search names a year, key
    /// stage or age and no kind, so teaching resources are lifted.
    pub(super) fn new(
        index: &'a LiveIndex,
        request: &SearchRequest,
        extra: &Extra,
        for_class: bool,
    ) -> Lifts<'a> {
        let class = for_class
            .then(|| {
                let postings = index.facet(Facet::Kind);
                let pos = postings.position(crate::content::Kind::Resource.id())?;
                Some(&postings.matches[pos])
            })
            .flatten();
        let mut ages: Option<(u8, u8)> = [age_filter(request), extra.asked_ages()]
            .into_iter()
            .flatten()
            .reduce(|a, b| (a.0.max(b.0), a.1.min(b.1)));
        for id in request.filter(Facet::KeyStage) {
            if let Some(ks) = crate::taxonomy::key_stage(id) {
                let (min, end) = ks.ages;
                ages = Some(ages.map_or((min, end), |(a, b)| (a.min(min), b.max(end))));
            }
        }
        Lifts {
            index,
            concepts: Vec::new(),
            class,
            ages,
            area_fit: area_fit(index, request),
            intents: Vec::new(),
        }
    }

    /// Adds the lift for the concepts the text names.
    pub(super) fn with_concepts(mut self, concepts: Vec<(&'a FixedBitSet, f32)>) -> Self {
        self.concepts = concepts;
        self
    }

    /// Adds the lift for what a question asks for.
    pub(super) fn with_intents(mut self, intents: Vec<(&'a FixedBitSet, f32)>) -> Self {
        self.intents = intents;
        self
    }

    /// The entry's score: `base` (its normalised text score) with every
    /// lift it earns, added in a fixed order so that a score is the same
    /// however the entry was reached.
    pub(super) fn score(&self, ord: usize, base: f32) -> f32 {
        let mut score = base;
        for (tagged, weight) in &self.concepts {
            if tagged.contains(ord) {
                score += weight;
            }
        }
        if self.class.is_some_and(|resources| resources.contains(ord)) {
            score += CLASS_FIT;
        }
        if let Some((min, end)) = self.ages {
            let (entry_min, entry_end) = self.index.ages[ord];
            let entry_end = entry_end.min(OPEN_AGE_END).max(entry_min + 1);
            let overlap = end.min(entry_end).saturating_sub(min.max(entry_min));
            score += AGE_FIT * f32::from(overlap) / f32::from(entry_end - entry_min);
        }
        if !self.area_fit.is_empty() {
            let fit = (self.index.areas_of(ord).iter())
                .map(|&area| self.area_fit[area as usize])
                .fold(0.0, f32::max);
            score += AREA_FIT * fit;
        }
        for (targets, weight) in &self.intents {
            if targets.contains(ord) {
                score += weight;
            }
        }
        score
    }

    /// The best `k` of `results` when the areas asked are the only lift
    /// (browsing without text or ages); `None` when any other lift applies.
    /// The same entries and scores as offering every result its
    /// [`Lifts::score`], found a level of nearness at a time, nearest
    /// first: every entry of a level scores the same, so once the page is
    /// full the farther levels are not looked at.
    pub(super) fn best_by_area(
        &self,
        results: &FixedBitSet,
        k: usize,
    ) -> Option<Vec<(usize, f32)>> {
        let only_areas = self.concepts.is_empty()
            && self.intents.is_empty()
            && self.class.is_none()
            && self.ages.is_none();
        if !only_areas {
            return None;
        }
        let mut levels: Vec<f32> = self.area_fit.iter().copied().filter(|&f| f > 0.0).collect();
        levels.sort_by(|a, b| b.total_cmp(a));
        levels.dedup();
        let mut top = TopK::new(self.index, k);
        let mut rest = results.clone();
        for level in levels {
            if top.bar().is_some() {
                break;
            }
            // Entries with an area of this fit and none nearer.
            let mut nearest = FixedBitSet::with_capacity(rest.len());
            for (area, _) in (self.area_fit.iter().enumerate()).filter(|(_, fit)| **fit == level) {
                nearest.union_with(self.index.area_entries(area));
            }
            nearest.intersect_with(&rest);
            rest.difference_with(&nearest);
            self.offer_alike(&mut top, &nearest);
        }
        if top.bar().is_none() {
            self.offer_alike(&mut top, &rest);
        }
        Some(top.into_sorted())
    }

    /// Offers entries that all score the same, scoring only the first.
    fn offer_alike(&self, top: &mut TopK<'_>, alike: &FixedBitSet) {
        let Some(first) = alike.ones().next() else {
            return;
        };
        let score = self.score(first, 0.0);
        for ord in alike.ones() {
            top.offer(ord, score);
        }
    }

    /// The lifts an entry earns by being in a set (a concept named, the
    /// classroom, what a question asks for), each with its weight: with
    /// [`Lifts::max_besides_sets`], a bound on one entry's lift for a few
    /// bit tests, and (all the weights) on any entry's.
    pub(super) fn by_set(&self) -> Vec<(&'a FixedBitSet, f32)> {
        let class = self.class.map(|resources| (resources, CLASS_FIT));
        (self.concepts.iter().copied())
            .chain(class)
            .chain(self.intents.iter().copied())
            .collect()
    }

    /// The most the other lifts (the ages and areas asked) can add.
    pub(super) fn max_besides_sets(&self) -> f32 {
        self.ages.map_or(0.0, |_| AGE_FIT)
            + if self.area_fit.is_empty() {
                0.0
            } else {
                AREA_FIT
            }
    }
}

/// How well each area fits the areas asked: 1 within one of them, less for
/// the wider areas above it, 0 elsewhere; empty when no area is asked.
fn area_fit(index: &LiveIndex, request: &SearchRequest) -> Vec<f32> {
    let areas = &index.library.taxonomy.areas;
    let asked: Vec<usize> = request
        .filter(Facet::Area)
        .iter()
        .filter_map(|id| areas.position(id))
        .collect();
    if asked.is_empty() {
        return Vec::new();
    }
    (0..areas.terms().len())
        .map(|area| {
            asked
                .iter()
                .map(|&asked| {
                    if areas.is_within(area, asked) {
                        1.0
                    } else if areas.is_within(asked, area) {
                        areas.terms()[area].depth as f32 / areas.terms()[asked].depth.max(1) as f32
                    } else {
                        0.0
                    }
                })
                .fold(0.0, f32::max)
        })
        .collect()
}

/// The entries each [`Intent`] lifts, found once per index version.
pub(super) struct IntentTargets {
    /// Organisations with a phone number or a referral route.
    services_with_route: FixedBitSet,
    /// Guidance.
    guidance: FixedBitSet,
}

impl IntentTargets {
    pub(super) fn new(index: &LiveIndex) -> IntentTargets {
        let entries = index.library.entries();
        let mut services_with_route = FixedBitSet::with_capacity(entries.len());
        let mut guidance = FixedBitSet::with_capacity(entries.len());
        for (ord, entry) in entries.iter().enumerate() {
            let route = entry
                .contact
                .as_ref()
                .is_some_and(|c| c.phone.is_some() || c.referral.is_some());
            if entry.kind == Kind::Organisation && route {
                services_with_route.insert(ord);
            }
            if entry.kind == Kind::Guidance {
                guidance.insert(ord);
            }
        }
        IntentTargets {
            services_with_route,
            guidance,
        }
    }

    /// The entries that answer what the question asks for, with their lift.
    pub(super) fn lifted(&self, intents: &[Intent]) -> Vec<(&FixedBitSet, f32)> {
        intents
            .iter()
            .map(|intent| match intent {
                Intent::Service => (&self.services_with_route, SERVICE_ROUTE_FIT),
                Intent::Procedure => (&self.guidance, PROCEDURE_FIT),
            })
            .collect()
    }
}

/// The ords of the requested page in title or review order.
pub(super) fn page_presorted(
    index: &LiveIndex,
    results: &FixedBitSet,
    request: &SearchRequest,
) -> Vec<usize> {
    let presorted = match request.sort {
        Sort::Reviewed => &index.by_reviewed,
        _ => &index.by_title,
    };
    presorted
        .iter()
        .map(|&ord| ord as usize)
        .filter(|&ord| results.contains(ord))
        .skip((request.page - 1) * request.per_page)
        .take(request.per_page)
        .collect()
}

/// The best `k` entries offered, by score then title.
pub(super) struct TopK<'a> {
    title_rank: &'a [u32],
    k: usize,
    /// The heap's top is the weakest kept, so most entries offered are
    /// turned away by one comparison.
    best: BinaryHeap<Ranked>,
}

impl<'a> TopK<'a> {
    pub(super) fn new(index: &'a LiveIndex, k: usize) -> TopK<'a> {
        TopK {
            title_rank: &index.title_rank,
            k,
            best: BinaryHeap::with_capacity(k + 1),
        }
    }

    pub(super) fn offer(&mut self, ord: usize, score: f32) {
        let hit = Ranked {
            score,
            title_rank: self.title_rank[ord],
            ord,
        };
        if self.best.len() < self.k {
            self.best.push(hit);
        } else if let Some(mut weakest) = self.best.peek_mut()
            && hit < *weakest
        {
            *weakest = hit;
        }
    }

    /// The score an entry must beat to be kept, once `k` are kept.
    pub(super) fn bar(&self) -> Option<f32> {
        (self.best.len() == self.k && self.k > 0)
            .then(|| self.best.peek().map(|weakest| weakest.score))
            .flatten()
    }

    /// The entries kept, best first, with their scores.
    pub(super) fn into_sorted(self) -> Vec<(usize, f32)> {
        (self.best.into_sorted_vec().into_iter())
            .map(|hit| (hit.ord, hit.score))
            .collect()
    }
}

/// A match as the relevance order sees it: `Less` is better (a higher
/// score, then earlier by title).
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: f32,
    title_rank: u32,
    ord: usize,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.title_rank.cmp(&other.title_rank))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}
