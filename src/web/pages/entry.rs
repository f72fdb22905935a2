//! `/entries/{id}`: the whole entry, its contact details, review dates and
//! related entries.

use std::cmp::Reverse;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use fixedbitset::FixedBitSet;

use super::*;
use crate::content::SafeHtml;
use crate::facet::Facet;
use crate::index::LiveIndex;

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    layout: Layout,
    kind: &'static str,
    illustrative: Option<&'static str>,
    title: String,
    summary: String,
    due: bool,
    review_due: String,
    reviewed: String,
    body: SafeHtml,
    facts: Vec<(&'static str, String)>,
    topics: Vec<Link>,
    provider: Option<Link>,
    url: Option<String>,
    contact: Vec<ContactLine>,
    quality: Option<String>,
    sources: Vec<Link>,
    related: Vec<Card>,
}

struct ContactLine {
    label: &'static str,
    text: String,
    href: Option<String>,
}

pub(super) async fn entry_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let live = state.live();
    let library = live.library();
    let today = state.today();
    let ord = library.ord(&id).ok_or_else(|| {
        PageError::not_found(format!(
            "an entry called “{}”",
            id.chars().take(100).collect::<String>()
        ))
    })?;
    let entry = &library.entries()[ord];
    let body = library.body_html(ord).map_err(|e| {
        PageError::new(
            crate::web::WebError::Internal(format!("reading a body: {e}")),
            "",
        )
    })?;
    let topics_vocabulary = library.taxonomy.vocabulary(VocabularyName::Topics);
    // Topics flagged `sensitive` in the taxonomy (or below one) could put
    // a reader at risk if seen, as could every service and case study.
    let sensitive = entry.kind == Kind::Organisation
        || entry.kind == Kind::CaseStudy
        || entry
            .topics
            .iter()
            .any(|t| topics_vocabulary.is_sensitive(t));

    let mut facts: Vec<(&'static str, String)> = vec![("Ages", entry.ages.describe())];
    let ks = key_stage_labels(entry);
    if !ks.is_empty() {
        facts.push(("Key stages", ks.join(", ")));
    }
    let mut push = |label: &'static str, vocabulary: VocabularyName, ids: &[String]| {
        if !ids.is_empty() {
            facts.push((label, labels(library, vocabulary, ids).join(", ")));
        }
    };
    push("Sectors", VocabularyName::Sectors, &entry.sectors);
    push("For", VocabularyName::Audiences, &entry.audiences);
    push("SEND", VocabularyName::Abilities, &entry.abilities);
    push("Available in", VocabularyName::Areas, &entry.areas);
    push("Formats", VocabularyName::Formats, &entry.formats);
    let routes = response_labels(entry);
    if !routes.is_empty() {
        facts.push((Facet::Response.label(), routes.join(", ")));
    }
    if let Some(cost) = &entry.cost {
        let label = crate::taxonomy::COSTS
            .iter()
            .find(|(id, _)| id == cost)
            .map_or(cost.as_str(), |(_, l)| l);
        facts.push(("Cost", label.to_string()));
    }

    let mut contact = Vec::new();
    if let Some(c) = &entry.contact {
        if let Some(phone) = &c.phone {
            contact.push(ContactLine {
                label: "Phone",
                text: phone.clone(),
                href: Some(tel_href(phone)),
            });
        }
        if let Some(email) = &c.email {
            contact.push(ContactLine {
                label: "Email",
                text: email.clone(),
                href: Some(format!("mailto:{email}")),
            });
        }
        if let Some(hours) = &c.hours {
            contact.push(ContactLine {
                label: "Opening hours",
                text: hours.clone(),
                href: None,
            });
        }
        if let Some(address) = &c.address {
            contact.push(ContactLine {
                label: "Address",
                text: address.clone(),
                href: None,
            });
        }
        if let Some(referral) = &c.referral {
            contact.push(ContactLine {
                label: "How to refer or get help",
                text: referral.clone(),
                href: None,
            });
        }
    }

    let quality = entry.quality_assured.as_ref().map(|q| match q.date {
        Some(date) => format!("{} ({})", q.by, format_date(date)),
        None => q.by.clone(),
    });
    let url = entry
        .url
        .clone()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let page = EntryPage {
        layout: Layout::new(entry.title.clone(), "")
            .with_exit(sensitive)
            .with_entry(entry),
        kind: entry.kind.label(),
        illustrative: illustrative_label(entry),
        title: entry.title.clone(),
        summary: entry.summary.clone(),
        due: entry.is_due_for_review(today),
        review_due: format_date(entry.review_due),
        reviewed: format_date(entry.reviewed),
        body,
        facts,
        topics: entry
            .topics
            .iter()
            .map(|t| Link {
                href: search_href(&pair("topic", t)),
                label: topics_vocabulary.label(t).to_string(),
            })
            .collect(),
        provider: provider_link(library, entry),
        url,
        contact,
        quality,
        sources: entry
            .sources
            .iter()
            .map(|s| Link {
                href: s.url.clone(),
                label: s.title.clone(),
            })
            .collect(),
        related: related(live.index(), entry)
            .into_iter()
            .map(|e| Card::new(library, e, String::new(), today))
            .collect(),
    };
    Ok(render(&page, StatusCode::OK))
}

/// Entries sharing a topic and an age with this one: same kind first, then
/// the most shared topics, then title (as the search's title order). Only
/// the entries tagged with one of its topics, or below one, are looked at:
/// a scan of every entry was 17 ms a page at 100,000 entries.
fn related<'a>(index: &'a LiveIndex, entry: &Entry) -> Vec<&'a Entry> {
    let postings = index.facet(Facet::Topic);
    let mut tagged = FixedBitSet::with_capacity(index.len());
    for position in (entry.topics.iter()).filter_map(|topic| postings.position(topic)) {
        tagged.union_with(&postings.matches[position]);
    }
    let entries = index.library.entries();
    let (min, end) = (entry.ages.min, entry.ages.end());
    let mut scored: Vec<(bool, Reverse<usize>, u32, usize)> = (tagged.ones())
        .filter_map(|ord| {
            let e = &entries[ord];
            if e.id == entry.id || !e.ages.overlaps(min, end) {
                return None;
            }
            let shared = (e.topics.iter())
                .filter(|t| entry.topics.contains(t))
                .count();
            let key = (
                e.kind != entry.kind,
                Reverse(shared),
                index.title_rank[ord],
                ord,
            );
            (shared > 0).then_some(key)
        })
        .collect();
    if scored.len() > RELATED_LIMIT {
        scored.select_nth_unstable(RELATED_LIMIT);
        scored.truncate(RELATED_LIMIT);
    }
    scored.sort_unstable();
    scored.into_iter().map(|(.., ord)| &entries[ord]).collect()
}
