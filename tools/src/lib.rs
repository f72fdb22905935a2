//! Signpost's developer tools, kept out of the `signpost` package so that
//! `cargo install` puts one binary, `signpost`, on a content repository's CI:
//!
//! - [`corpus`] and `signpost-corpus`: a deterministic synthetic bank of any
//!   size (benchmarks, load tests, tests);
//! - [`eval`] and `signpost-eval`: relevance on judged queries, gated
//!   against a recorded score per query ([`record`]);
//! - `benches/search.rs`: the criterion benchmarks.

pub mod corpus;
pub mod eval;
pub mod record;
