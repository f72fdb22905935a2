//! A search as typed parameters, shared by the API, the pages and the CLI.
//! Parsing checks every value against the bank, so a bad request becomes a
//! 400 naming the parameter and, where one is close, the value meant.

use crate::facet::Facet;
use crate::index::LiveIndex;
use crate::taxonomy::suggest;

/// Longest query text served; longer is refused rather than served slowly.
pub const MAX_QUERY_CHARS: usize = 500;
pub const MAX_PER_PAGE: usize = 100;
pub const DEFAULT_PER_PAGE: usize = 20;
/// Deepest page anyone could mean; beyond it a request is refused.
pub const MAX_PAGE: usize = 1000;
/// Most values one facet parameter may carry.
pub const MAX_VALUES_PER_FACET: usize = 50;
/// Oldest age a filter may ask for.
pub const MAX_FILTER_AGE: u8 = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Reviewed,
    Title,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Reviewed, Sort::Title];

    pub fn id(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Reviewed => "reviewed",
            Sort::Title => "title",
        }
    }
}

/// A checked search. Facet values exist in the bank's taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub q: String,
    /// Selected values per facet, in [`Facet::ALL`] order.
    pub filters: [Vec<String>; Facet::COUNT],
    pub age: Option<u8>,
    /// School year; Reception is 0.
    pub year: Option<u8>,
    pub sort: Sort,
    pub page: usize,
    pub per_page: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: Default::default(),
            age: None,
            year: None,
            sort: Sort::default(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// A parameter that cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RequestError {
    pub param: String,
    /// The value refused, as given (absent when the parameter itself is
    /// the problem, or the whole query string is).
    pub value: Option<String>,
    pub message: String,
    pub did_you_mean: Option<String>,
}

impl RequestError {
    pub fn new(param: &str, message: impl Into<String>) -> Self {
        RequestError {
            param: param.to_string(),
            value: None,
            message: message.into(),
            did_you_mean: None,
        }
    }

    pub fn with_value(param: &str, value: impl Into<String>, message: impl Into<String>) -> Self {
        RequestError {
            value: Some(value.into()),
            ..RequestError::new(param, message)
        }
    }

    fn suggesting(mut self, suggestion: Option<&str>) -> Self {
        self.did_you_mean = suggestion.map(str::to_string);
        self
    }
}

const OTHER_PARAMS: [&str; 6] = ["q", "age", "year", "sort", "page", "per_page"];

impl SearchRequest {
    pub fn filter(&self, facet: Facet) -> &[String] {
        &self.filters[facet_index(facet)]
    }

    pub fn filter_mut(&mut self, facet: Facet) -> &mut Vec<String> {
        &mut self.filters[facet_index(facet)]
    }

    /// Any facet, age or year filter is set.
    pub fn has_filters(&self) -> bool {
        self.filters.iter().any(|f| !f.is_empty()) || self.age.is_some() || self.year.is_some()
    }

    /// Parses a raw query string (`topic=a&topic=b&q=…`).
    pub fn from_query(raw: &str, index: &LiveIndex) -> Result<SearchRequest, RequestError> {
        Self::from_pairs(
            form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())),
            index,
        )
    }

    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (String, String)>,
        index: &LiveIndex,
    ) -> Result<SearchRequest, RequestError> {
        let mut request = SearchRequest::default();
        for (key, value) in pairs {
            let value = value.trim();
            if let Some(facet) = Facet::from_param(&key) {
                if value.is_empty() {
                    continue;
                }
                let id = facet_value(index, facet, value)?;
                let values = request.filter_mut(facet);
                if !values.contains(&id) {
                    values.push(id);
                }
                if values.len() > MAX_VALUES_PER_FACET {
                    return Err(RequestError::new(
                        &key,
                        format!("at most {MAX_VALUES_PER_FACET} values of `{key}`"),
                    ));
                }
                continue;
            }
            match key.as_str() {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        return Err(RequestError::new(
                            "q",
                            format!("the search text is longer than {MAX_QUERY_CHARS} characters"),
                        ));
                    }
                    request.q = value.to_string();
                }
                "age" if !value.is_empty() => request.age = Some(parse_age(value)?),
                "year" if !value.is_empty() => request.year = Some(parse_year(value)?),
                "sort" if !value.is_empty() => {
                    request.sort =
                        Sort::ALL
                            .into_iter()
                            .find(|s| s.id() == value)
                            .ok_or_else(|| {
                                RequestError::with_value(
                                    "sort",
                                    value,
                                    format!(
                                        "unknown sort `{value}`: use relevance, reviewed or title"
                                    ),
                                )
                                .suggesting(suggest(
                                    value,
                                    Sort::ALL.iter().map(|s| (s.id(), s.id())),
                                ))
                            })?;
                }
                "page" if !value.is_empty() => {
                    request.page = parse_number("page", value, 1, MAX_PAGE)?
                }
                "per_page" if !value.is_empty() => {
                    request.per_page = parse_number("per_page", value, 1, MAX_PER_PAGE)?;
                }
                "age" | "year" | "sort" | "page" | "per_page" => {}
                _ => {
                    let known = Facet::ALL.iter().map(|f| f.param()).chain(OTHER_PARAMS);
                    return Err(
                        RequestError::new(&key, format!("unknown parameter `{key}`"))
                            .suggesting(suggest(&key, known.map(|k| (k, k)))),
                    );
                }
            }
        }
        Ok(request)
    }

    /// The query string that reproduces this search, for links.
    pub fn to_query(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            out.append_pair("q", &self.q);
        }
        for facet in Facet::ALL {
            for value in self.filter(facet) {
                out.append_pair(facet.param(), value);
            }
        }
        if let Some(age) = self.age {
            out.append_pair("age", &age.to_string());
        }
        if let Some(year) = self.year {
            out.append_pair("year", &year.to_string());
        }
        if self.sort != Sort::Relevance {
            out.append_pair("sort", self.sort.id());
        }
        if self.per_page != DEFAULT_PER_PAGE {
            out.append_pair("per_page", &self.per_page.to_string());
        }
        if self.page != 1 {
            out.append_pair("page", &self.page.to_string());
        }
        out.finish()
    }
}

pub(crate) fn facet_index(facet: Facet) -> usize {
    Facet::ALL
        .iter()
        .position(|f| *f == facet)
        .expect("facet is in ALL")
}

/// A facet value's id; labels and aliases are accepted for people typing URLs.
fn facet_value(index: &LiveIndex, facet: Facet, value: &str) -> Result<String, RequestError> {
    let postings = index.facet(facet);
    if postings.position(value).is_some() {
        return Ok(value.to_string());
    }
    let lower = value.to_lowercase();
    if let Some(v) = postings
        .values
        .iter()
        .find(|v| v.id == lower || v.label.to_lowercase() == lower)
    {
        return Ok(v.id.clone());
    }
    let suggestion = match facet.vocabulary() {
        Some(name) => index
            .library
            .taxonomy
            .vocabulary(name)
            .suggest(value)
            .map(str::to_string),
        None => suggest(
            value,
            postings
                .values
                .iter()
                .map(|v| (v.id.as_str(), v.id.as_str())),
        )
        .map(str::to_string),
    };
    Err(RequestError::with_value(
        facet.param(),
        value,
        format!("unknown {} `{value}`", facet.param().replace('_', " ")),
    )
    .suggesting(suggestion.as_deref()))
}

fn parse_number(param: &str, value: &str, min: usize, max: usize) -> Result<usize, RequestError> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            RequestError::with_value(
                param,
                value,
                format!("`{param}` must be a whole number from {min} to {max}"),
            )
        })
}

fn parse_age(value: &str) -> Result<u8, RequestError> {
    parse_number("age", value, 0, MAX_FILTER_AGE.into()).map(|n| n as u8)
}

/// "8", "Y8", "R" or "reception".
fn parse_year(value: &str) -> Result<u8, RequestError> {
    let lower = value.to_lowercase();
    if lower == "r" || lower == "reception" {
        return Ok(0);
    }
    let digits = lower.trim_start_matches('y');
    parse_number("year", digits, 0, 13)
        .map(|n| n as u8)
        .map_err(|_| {
            RequestError::with_value(
                "year",
                value,
                "`year` must be R (Reception) or a school year from 1 to 13",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_accept_common_spellings() {
        assert_eq!(parse_year("8"), Ok(8));
        assert_eq!(parse_year("Y8"), Ok(8));
        assert_eq!(parse_year("reception"), Ok(0));
        assert!(parse_year("14").is_err());
        assert!(parse_year("x").is_err());
    }

    #[test]
    fn numbers_are_bounded() {
        assert_eq!(parse_number("page", "3", 1, MAX_PAGE), Ok(3));
        assert!(parse_number("page", "0", 1, MAX_PAGE).is_err());
        assert!(parse_number("page", "99999999999999999999999", 1, MAX_PAGE).is_err());
        assert!(parse_number("per_page", "101", 1, MAX_PER_PAGE).is_err());
        assert!(parse_age("26").is_err());
    }
}
