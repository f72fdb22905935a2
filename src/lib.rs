//! Signpost: a checked, faceted resource bank for tackling peer-on-peer
//! sexual harassment and abuse in schools.
//!
//! Data flows one way: content files → [`content::Library`] (validated
//! entries) → [`index`] (tantivy, swapped atomically) → [`search`] (query →
//! hits and facets) → [`web`] (JSON API and pages) and [`cli`].

pub mod cli;
pub mod clock;
pub mod content;
pub mod diagnostic;
pub mod export;
pub mod facet;
pub mod index;
pub mod insights;
pub mod links;
pub mod review_queue;
pub mod schema;
pub mod search;
pub mod taxonomy;
pub mod watch;
pub mod web;
