//! Ways out of an empty result, each with the number of results it gives:
//! drop one filter (given or read from the text), drop the words, or try a
//! spelling. Counted from the bitsets the search already built, so a long
//! query that matches nothing costs a few more intersections, not a search
//! per word: at most [`MAX_TEXT_SEARCHES`] text searches run per request.

use fixedbitset::FixedBitSet;
use serde::Serialize;

use super::filters::{Extra, Filters, effective, full};
use super::interpret::{Interpretation, interpret};
use super::spelling::correct;
use super::text::{TextMatches, text_matches};
use super::{Engine, Lexicon, SearchError, SearchRequest};
use crate::facet::Facet;
use crate::index::LiveIndex;

/// The text searches one request may run: the words typed, their spelling
/// correction, and one re-read text (when dropping a filter's words leaves
/// a different text to search, which is rare).
pub const MAX_TEXT_SEARCHES: usize = 3;

/// What a suggestion changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// Drop one filter value, given or read from the text.
    RemoveFilter,
    /// Try the words the bank knows instead of the ones typed.
    Spelling,
    /// Keep the filters, drop the words.
    RemoveText,
}

/// A change to a search that would give results, with how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    /// For `remove_filter`: the parameter and value to drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What to show: the filter's label, the query text to try, or the
    /// words dropped.
    pub label: String,
    /// The query string (as `SearchRequest::to_query`) of the suggested search.
    pub query: String,
    pub count: usize,
}

/// What the search found, for counting the ways out.
pub(super) struct Found<'a> {
    pub interpretation: &'a Interpretation,
    pub text_bits: &'a FixedBitSet,
    pub extra: &'a Extra,
}

/// The one spelling correction of a search: computed without searching,
/// searched at most once (when the text finds almost nothing, or for the
/// suggestion when nothing is found).
pub(super) struct Spelling {
    /// The whole query with its unknown words corrected (what the link and
    /// "showing results for" show).
    query: String,
    /// The interpreted text corrected: what is searched.
    text: String,
    searched: Option<Option<TextMatches>>,
    used: bool,
}

impl Spelling {
    pub fn new(
        request: &SearchRequest,
        interpretation: &Interpretation,
        lexicon: &Lexicon,
    ) -> Option<Spelling> {
        let text = correct(&interpretation.text, lexicon)?;
        // The query as typed is most often the text searched (no filter
        // read from it): corrected once.
        let query = if request.q == interpretation.text {
            None
        } else {
            correct(&request.q, lexicon)
        };
        Some(Spelling {
            query: query.unwrap_or_else(|| text.clone()),
            text,
            searched: None,
            used: false,
        })
    }

    /// How many entries the corrected text matches (searched once).
    pub fn search(&mut self, engine: &Engine) -> tantivy::Result<usize> {
        if self.searched.is_none() {
            self.searched = Some(text_matches(engine, &self.text)?);
        }
        Ok(self
            .searched
            .as_ref()
            .and_then(Option::as_ref)
            .map_or(0, |m| m.bits.count_ones(..)))
    }

    /// Takes the corrected matches to serve them instead of the typed ones.
    pub fn take_matches(&mut self) -> Option<TextMatches> {
        self.used = true;
        self.searched.take().flatten()
    }

    pub fn used(&self) -> bool {
        self.used
    }

    pub fn query_text(&self) -> &str {
        &self.query
    }
}

/// Every way out of an empty result that gives some, most specific first
/// (a filter dropped or a spelling keeps the words typed), then by count.
pub(super) fn suggest(
    engine: &Engine,
    request: &SearchRequest,
    found: &Found<'_>,
    spelling: Option<Spelling>,
) -> Result<Vec<Suggestion>, SearchError> {
    let index = &engine.index;
    let mut rereads_left = MAX_TEXT_SEARCHES - 2;
    let mut out = Vec::new();
    for filter in &found.interpretation.filters {
        let mut without = request.clone();
        without.q = filter.without.clone();
        without.page = 1;
        let Some(count) = count_reread(engine, &without, found, None, &mut rereads_left)? else {
            continue;
        };
        out.push(Suggestion {
            kind: SuggestionKind::RemoveFilter,
            param: Some(filter.param.clone()),
            value: Some(filter.value.clone()),
            label: filter.label.clone(),
            query: without.to_query(),
            count,
        });
    }
    explicit_filters(index, request, found, &mut out);
    if let Some(mut spelling) = spelling.filter(|s| !s.used) {
        let mut link = request.clone();
        link.q = spelling.query.clone();
        link.page = 1;
        let count = count_reread(engine, &link, found, Some(&mut spelling), &mut rereads_left)?;
        if let Some(count) = count {
            out.push(Suggestion {
                kind: SuggestionKind::Spelling,
                param: None,
                value: None,
                label: spelling.query,
                query: link.to_query(),
                count,
            });
        }
    }
    if !request.q.trim().is_empty() {
        let mut link = request.clone();
        link.q.clear();
        link.page = 1;
        let count = Filters::new(index, &link, &Extra::default()).count(&full(index.len()));
        out.push(Suggestion {
            kind: SuggestionKind::RemoveText,
            param: None,
            value: None,
            label: request.q.clone(),
            query: link.to_query(),
            count,
        });
    }
    out.retain(|s| s.count > 0);
    out.sort_by_key(|s| {
        (
            s.kind == SuggestionKind::RemoveText,
            std::cmp::Reverse(s.count),
        )
    });
    Ok(out)
}

/// The count of a changed query (`link`), re-read without searching when
/// its text to search is one already searched: the search's own, or the
/// spelling's. Otherwise one more search while the budget lasts; `None`
/// when it is spent.
fn count_reread(
    engine: &Engine,
    link: &SearchRequest,
    found: &Found<'_>,
    spelling: Option<&mut Spelling>,
    rereads_left: &mut usize,
) -> Result<Option<usize>, SearchError> {
    let index = &engine.index;
    let reread = interpret(&link.q, link, &engine.lexicon);
    let (effective, extra) = effective(link, &reread.applies);
    let filters = Filters::new(index, &effective, &extra);
    if reread.text == found.interpretation.text {
        return Ok(Some(filters.count(found.text_bits)));
    }
    if let Some(spelling) = spelling.filter(|s| s.text == reread.text) {
        spelling.search(engine)?;
        let bits = match spelling.searched.as_ref().and_then(Option::as_ref) {
            Some(matches) => matches.bits.clone(),
            None => full(index.len()),
        };
        return Ok(Some(filters.count(&bits)));
    }
    if *rereads_left == 0 {
        return Ok(None);
    }
    *rereads_left -= 1;
    let bits = text_matches(engine, &reread.text)?.map_or_else(|| full(index.len()), |m| m.bits);
    Ok(Some(filters.count(&bits)))
}

/// Each explicit filter value dropped alone (read-from-text filters stay).
fn explicit_filters(
    index: &LiveIndex,
    request: &SearchRequest,
    found: &Found<'_>,
    out: &mut Vec<Suggestion>,
) {
    let (effective_request, _) = effective(request, &found.interpretation.applies);
    let mut push = |param: &str, value: String, label: String, link: SearchRequest, without| {
        let count = Filters::new(index, &without, found.extra).count(found.text_bits);
        out.push(Suggestion {
            kind: SuggestionKind::RemoveFilter,
            param: Some(param.to_string()),
            value: Some(value),
            label,
            query: link.to_query(),
            count,
        });
    };
    let mut base = request.clone();
    base.page = 1;
    for facet in Facet::ALL {
        let postings = index.facet(facet);
        for value in request.filter(facet) {
            let mut link = base.clone();
            link.filter_mut(facet).retain(|v| v != value);
            let mut without = effective_request.clone();
            without.filter_mut(facet).retain(|v| v != value);
            let label = postings
                .position(value)
                .map_or(value.as_str(), |p| postings.values[p].label.as_str());
            push(
                facet.param(),
                value.clone(),
                label.to_string(),
                link,
                without,
            );
        }
    }
    if let Some(age) = request.age {
        let (mut link, mut without) = (base.clone(), effective_request.clone());
        (link.age, without.age) = (None, None);
        push("age", age.to_string(), format!("Age {age}"), link, without);
    }
    if let Some(year) = request.year {
        let (mut link, mut without) = (base.clone(), effective_request.clone());
        (link.year, without.year) = (None, None);
        let label = if year == 0 {
            "Reception".to_string()
        } else {
            format!("Year {year}")
        };
        push("year", year.to_string(), label, link, without);
    }
}
