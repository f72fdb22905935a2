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

/// BM25 weight of each searched field: title above summary and topic
/// names above body and provider.
pub(super) const FIELD_BOOSTS: [(TextField, f32); 3] = [
    (TextField::Title, 3.0),
    (TextField::Summary, 2.0),
    (TextField::Topics, 2.0),
];

/// The text fields a weight can be given to.
#[derive(Debug, Clone, Copy)]
pub(super) enum TextField {
    Title,
    Summary,
    Topics,
}

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

/// When a search names ages or places, the entries made for them rank above
/// those that merely include them: a Year 8 lesson before guidance for ages
/// 4-18, a district's service before the county's before the national one.
pub(super) fn fit_boosts(
    index: &LiveIndex,
    request: &SearchRequest,
    extra: &Extra,
    for_class: bool,
    results: &FixedBitSet,
    scores: &mut [f32],
) {
    if for_class {
        let postings = index.facet(Facet::Kind);
        if let Some(pos) = postings.position(crate::content::Kind::Resource.id()) {
            for ord in postings.matches[pos].intersection(results) {
                scores[ord] += CLASS_FIT;
            }
        }
    }
    let mut asked: Option<(u8, u8)> = [age_filter(request), extra.asked_ages()]
        .into_iter()
        .flatten()
        .reduce(|a, b| (a.0.max(b.0), a.1.min(b.1)));
    for id in request.filter(Facet::KeyStage) {
        if let Some(ks) = crate::taxonomy::key_stage(id) {
            let (min, end) = ks.ages;
            asked = Some(asked.map_or((min, end), |(a, b)| (a.min(min), b.max(end))));
        }
    }
    let areas = &index.library.taxonomy.areas;
    let asked_areas: Vec<usize> = request
        .filter(Facet::Area)
        .iter()
        .filter_map(|id| areas.position(id))
        .collect();
    if asked.is_none() && asked_areas.is_empty() {
        return;
    }
    // How well each area fits the areas asked, worked out once per search
    // rather than for every matching entry.
    let area_fit: Vec<f32> = (0..areas.terms().len())
        .map(|area| {
            asked_areas
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
        .collect();
    for ord in results.ones() {
        if let Some((min, end)) = asked {
            let (entry_min, entry_end) = index.ages[ord];
            let entry_end = entry_end.min(OPEN_AGE_END).max(entry_min + 1);
            let overlap = end.min(entry_end).saturating_sub(min.max(entry_min));
            scores[ord] += AGE_FIT * f32::from(overlap) / f32::from(entry_end - entry_min);
        }
        if asked_areas.is_empty() {
            continue;
        }
        let fit = (index.areas_of(ord).iter())
            .map(|&area| area_fit[area as usize])
            .fold(0.0, f32::max);
        scores[ord] += AREA_FIT * fit;
    }
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

    /// Lifts the entries that answer what the question asks for.
    pub(super) fn lift(&self, intents: &[Intent], results: &FixedBitSet, scores: &mut [f32]) {
        for intent in intents {
            let (targets, weight) = match intent {
                Intent::Service => (&self.services_with_route, SERVICE_ROUTE_FIT),
                Intent::Procedure => (&self.guidance, PROCEDURE_FIT),
            };
            for ord in targets.intersection(results) {
                scores[ord] += weight;
            }
        }
    }
}

/// The ords of the requested page, in the requested order.
pub(super) fn page_of(
    index: &LiveIndex,
    results: &FixedBitSet,
    scores: Option<&[f32]>,
    request: &SearchRequest,
) -> Vec<usize> {
    let start = (request.page - 1) * request.per_page;
    let presorted = match (request.sort, scores) {
        (Sort::Relevance, Some(scores)) => return page_by_score(index, results, scores, request),
        (Sort::Reviewed, _) => &index.by_reviewed,
        _ => &index.by_title,
    };
    presorted
        .iter()
        .map(|&ord| ord as usize)
        .filter(|&ord| results.contains(ord))
        .skip(start)
        .take(request.per_page)
        .collect()
}

/// A page by text score, ties by title.
fn page_by_score(
    index: &LiveIndex,
    results: &FixedBitSet,
    scores: &[f32],
    request: &SearchRequest,
) -> Vec<usize> {
    let start = (request.page - 1) * request.per_page;
    let end = start + request.per_page;
    // Only the best `end` need ordering. The heap's top is the weakest kept,
    // so most matches are turned away by one comparison.
    let mut best = BinaryHeap::with_capacity(end + 1);
    for ord in results.ones() {
        let hit = Ranked {
            score: scores[ord],
            title_rank: index.title_rank[ord],
            ord,
        };
        if best.len() < end {
            best.push(hit);
        } else if let Some(mut weakest) = best.peek_mut()
            && hit < *weakest
        {
            *weakest = hit;
        }
    }
    best.into_sorted_vec()
        .into_iter()
        .skip(start)
        .map(|hit| hit.ord)
        .collect()
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
