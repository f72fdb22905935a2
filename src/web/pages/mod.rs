//! The server-rendered pages, one module per page: `/` (home), `/search`,
//! `/entries/{id}` (entry), `/coverage`, `/updates` and `/feed.xml` (feed),
//! plus the HTML 400 and 404 pages (errors). This module holds what they
//! share: the layout, result cards and small formatting helpers.
//!
//! Templates are askama: compiled into the binary and type-checked against
//! these view structs, so a template can never name a field that does not
//! exist, and every value is HTML-escaped unless it is one of the two kinds
//! of HTML made safe upstream (a [`SafeHtml`] body and a search snippet).
//! Handlers build plain view structs; the templates only loop and print.

mod coverage;
mod entry;
mod errors;
mod feed;
mod home;
mod search;
mod updates;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;

use super::AppState;
use super::assets::{self, Assets};
use crate::content::{Entry, Kind, Library, Site};
use crate::facet::Facet;
use crate::search::{Engine, SearchRequest, SearchResults};
use crate::taxonomy::VocabularyName;
pub(super) use errors::{PageError, not_found_page};

/// Entries shown on `/updates` and in the feed.
pub(super) const UPDATES_LIMIT: usize = 100;
pub(super) const FEED_LIMIT: usize = 50;
pub(super) const RELATED_LIMIT: usize = 6;
/// Display order of the facet panel: the ones teachers reach for first.
pub(super) const PANEL_ORDER: [Facet; Facet::COUNT] = [
    Facet::Kind,
    Facet::KeyStage,
    Facet::Topic,
    Facet::Sector,
    Facet::Response,
    Facet::Audience,
    Facet::Ability,
    Facet::Area,
    Facet::Format,
    Facet::Cost,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/search", get(search::search_page))
        .route("/entries/{id}", get(entry::entry_page))
        .route("/coverage", get(coverage::coverage))
        .route("/updates", get(updates::updates))
        .route("/feed.xml", get(feed::feed))
}

// ---------------------------------------------------------------- layout

tokio::task_local! {
    /// The request being answered, for the page frame: set around every
    /// request by the router's middleware ([`request_context`]), so error
    /// pages rendered far from any handler state still carry the site's
    /// name, numbers and path.
    pub(in crate::web) static REQUEST: Arc<RequestContext>;
}

pub(in crate::web) struct RequestContext {
    site: Arc<Site>,
    /// The path (without the site's prefix) and query, for the canonical link.
    path_and_query: String,
}

/// The serving bank's [`Site`] and the request's path, for the pages
/// rendered for this request.
pub(in crate::web) fn request_context(library: &Library, uri: &Uri) -> Arc<RequestContext> {
    let site = library.site.clone();
    let path = uri
        .path()
        .strip_prefix(site.base_path())
        .unwrap_or(uri.path());
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    };
    Arc::new(RequestContext {
        site,
        path_and_query,
    })
}

pub(super) struct NavItem {
    pub(super) href: &'static str,
    pub(super) label: &'static str,
    pub(super) current: bool,
}

/// A local number under the 999 line.
pub(super) struct EmergencyLine {
    pub(super) label: String,
    pub(super) phone: String,
    pub(super) phone_href: String,
    pub(super) hours: Option<String>,
}

/// What every page's frame needs. Every root-relative link a page prints
/// (`/search?…`, `/entries/x`) is written after `base`, the path of the
/// site's `base_url`.
pub(super) struct Layout {
    pub(super) title: String,
    pub(super) nav: Vec<NavItem>,
    /// Show "Exit this page" and the 999 line at the top.
    pub(super) exit: bool,
    pub(super) site: Arc<Site>,
    /// `""` at the root of a host, else the path prefix (`/signpost`).
    pub(super) base: String,
    pub(super) assets: &'static Assets,
    pub(super) emergency: Vec<EmergencyLine>,
    /// Absolute, from `base_url`, when it is set.
    pub(super) canonical: Option<String>,
    /// "Suggest a change to this entry", from `edit_url`.
    pub(super) edit_href: Option<String>,
    /// A `mailto:` for `feedback_email`, about this page.
    pub(super) feedback_href: Option<String>,
}

impl Layout {
    fn new(title: impl Into<String>, current: &str) -> Layout {
        let nav = [
            ("/", "Home"),
            ("/search", "Search"),
            ("/coverage", "Coverage"),
            ("/updates", "Updates"),
        ]
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: href == current,
        })
        .collect();
        let (site, canonical) = REQUEST
            .try_with(|r| {
                let canonical = r
                    .site
                    .base_url
                    .as_ref()
                    .map(|_| r.site.absolute(&r.path_and_query));
                (r.site.clone(), canonical)
            })
            .unwrap_or_default();
        let emergency = site
            .emergency
            .iter()
            .map(|c| EmergencyLine {
                label: c.label.clone(),
                phone: c.phone.clone(),
                phone_href: tel_href(&c.phone),
                hours: c.hours.clone(),
            })
            .collect();
        Layout {
            title: title.into(),
            nav,
            exit: false,
            base: site.base_path().to_string(),
            assets: assets::assets(),
            emergency,
            canonical,
            edit_href: None,
            feedback_href: None,
            site,
        }
    }

    fn with_exit(mut self, exit: bool) -> Layout {
        self.exit = exit;
        self
    }

    /// On an entry's page: where to suggest a change to its file, and an
    /// email about it.
    fn with_entry(mut self, entry: &Entry) -> Layout {
        self.edit_href = self
            .site
            .edit_href(&crate::content::relative_path(entry.kind, &entry.id));
        if let Some(email) = &self.site.feedback_email {
            let subject = form_urlencoded::Serializer::new(String::new())
                .append_pair("subject", &format!("{}: {}", self.site.name, entry.title))
                .finish()
                .replace('+', "%20");
            self.feedback_href = Some(format!("mailto:{email}?{subject}"));
        }
        self
    }
}

pub(super) fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "rendering a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><html lang=\"en-GB\"><title>Error</title><h1>Something went wrong</h1>"),
            )
                .into_response()
        }
    }
}

pub(super) struct Link {
    pub(super) href: String,
    pub(super) label: String,
}

pub(super) fn search_href(query: &str) -> String {
    if query.is_empty() {
        "/search".to_string()
    } else {
        format!("/search?{query}")
    }
}

pub(super) fn format_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

pub(super) fn key_stage_short(label: &str) -> &str {
    label.split(" (").next().unwrap_or(label)
}

pub(super) fn labels(library: &Library, vocabulary: VocabularyName, ids: &[String]) -> Vec<String> {
    let vocabulary = library.taxonomy.vocabulary(vocabulary);
    ids.iter()
        .map(|id| vocabulary.label(id).to_string())
        .collect()
}

/// What the school did, in words.
pub(super) fn response_labels(entry: &Entry) -> Vec<&'static str> {
    entry
        .response
        .iter()
        .filter_map(|id| crate::taxonomy::response(id))
        .map(|t| t.label)
        .collect()
}

/// How an illustrative case study is labelled wherever it is shown.
pub(super) const ILLUSTRATIVE: &str = "Illustrative example";

pub(super) fn illustrative_label(entry: &Entry) -> Option<&'static str> {
    entry.illustrative.then_some(ILLUSTRATIVE)
}

pub(super) fn key_stage_labels(entry: &Entry) -> Vec<String> {
    entry
        .ages
        .key_stages()
        .map(|k| key_stage_short(k.label).to_string())
        .collect()
}

/// A result card: what a person needs to act without opening the entry.
pub(super) struct Card {
    pub(super) title: String,
    pub(super) href: String,
    pub(super) kind: &'static str,
    pub(super) kind_id: &'static str,
    pub(super) summary: String,
    /// The label of a case study written from guidance.
    pub(super) illustrative: Option<&'static str>,
    /// What the school did, for a case study.
    pub(super) response: String,
    /// Escaped HTML with `<mark>`s, from search; rendered raw.
    pub(super) snippet: String,
    pub(super) ages: String,
    pub(super) key_stages: String,
    pub(super) sectors: String,
    pub(super) areas: String,
    pub(super) provider: Option<Link>,
    pub(super) phone: Option<String>,
    pub(super) phone_href: Option<String>,
    pub(super) email: Option<String>,
    pub(super) hours: Option<String>,
    pub(super) referral: Option<String>,
    pub(super) reviewed: String,
    pub(super) due: bool,
}

impl Card {
    fn new(library: &Library, entry: &Entry, snippet: String, today: NaiveDate) -> Card {
        let contact = entry.contact.clone().unwrap_or_default();
        let organisation = entry.kind == Kind::Organisation;
        let phone = contact.phone.filter(|_| organisation);
        Card {
            title: entry.title.clone(),
            href: format!("/entries/{}", entry.id),
            kind: entry.kind.label(),
            kind_id: entry.kind.id(),
            summary: entry.summary.clone(),
            illustrative: illustrative_label(entry),
            response: response_labels(entry).join(", "),
            snippet,
            ages: entry.ages.describe(),
            key_stages: key_stage_labels(entry).join(", "),
            sectors: labels(library, VocabularyName::Sectors, &entry.sectors).join(", "),
            areas: labels(library, VocabularyName::Areas, &entry.areas).join(", "),
            provider: provider_link(library, entry),
            phone_href: phone.as_deref().map(tel_href),
            phone,
            email: contact.email.filter(|_| organisation),
            hours: contact.hours.filter(|_| organisation),
            referral: contact.referral.filter(|_| organisation),
            reviewed: format_date(entry.reviewed),
            due: entry.is_due_for_review(today),
        }
    }
}

pub(super) fn provider_link(library: &Library, entry: &Entry) -> Option<Link> {
    let id = entry.provider.as_ref()?;
    let provider = library.get(id.as_str())?;
    Some(Link {
        href: format!("/entries/{id}"),
        label: provider.title.clone(),
    })
}

pub(super) fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// A link with a count, for browsing.
pub(super) struct CountLink {
    pub(super) href: String,
    pub(super) label: String,
    pub(super) count: usize,
}

/// Runs a search for a page; a bad request becomes the HTML 400 page.
pub(super) fn run<'a>(
    live: &'a Engine,
    request: &SearchRequest,
    raw: &str,
) -> Result<SearchResults<'a>, PageError> {
    live.run(request)
        .map_err(|error| PageError::new(error.into(), raw))
}

pub(super) fn pair(key: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(key, value)
        .finish()
}
