//! The HTML error pages: a 400 that says what is wrong with a search and
//! offers the way out (the value meant, or the search without the bad
//! parameter), a 404, and a 500 for a fault of ours. The API renders the
//! same [`WebError`] as JSON.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Layout, Link, render, search_href};
use crate::facet::Facet;
use crate::search::RequestError;
use crate::web::WebError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
    links: Vec<Link>,
}

/// A [`WebError`] for people: rendered as a page in the site's style, with
/// the query string it came from so the links can rebuild the search.
#[derive(Debug)]
pub(in crate::web) struct PageError {
    error: WebError,
    raw: String,
}

impl PageError {
    pub(in crate::web) fn new(error: WebError, raw: &str) -> PageError {
        PageError {
            error,
            raw: raw.to_string(),
        }
    }

    pub(super) fn not_found(what: String) -> PageError {
        PageError::new(WebError::NotFound(what), "")
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.error.log();
        match &self.error {
            WebError::BadRequest(error) => bad_request_page(error, &self.raw),
            WebError::NotFound(what) => not_found_response(what),
            WebError::Internal(_) => internal_error_page(),
        }
    }
}

fn bad_request_page(error: &RequestError, raw: &str) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let rebuild = |f: &dyn Fn(&str, &str) -> Option<String>| {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            if let Some(v) = f(k, v) {
                out.append_pair(k, &v);
            }
        }
        search_href(&out.finish())
    };
    let mut links = Vec::new();
    if let Some(suggestion) = &error.did_you_mean {
        let param = error.param.as_str();
        let is_value = pairs.iter().any(|(k, _)| k == param);
        let href = if is_value && Facet::from_param(param).is_some() || param == "sort" {
            // Replace the refused value only; other values of the facet stay.
            rebuild(&|k, v| {
                Some(
                    if k == param && error.value.as_deref().is_none_or(|bad| bad == v.trim()) {
                        suggestion.clone()
                    } else {
                        v.to_string()
                    },
                )
            })
        } else {
            // A mistyped parameter name: keep its value under the right name.
            let mut out = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                out.append_pair(if k == param { suggestion } else { k }, v);
            }
            search_href(&out.finish())
        };
        links.push(Link {
            href,
            label: format!("Search for “{suggestion}” instead"),
        });
    }
    let param = error.param.clone();
    links.push(Link {
        href: rebuild(&|k, v| (k != param && k != "page").then(|| v.to_string())),
        label: format!("Search again without “{}”", error.param.replace('_', " ")),
    });
    links.push(Link {
        href: "/search".into(),
        label: "Start a new search".into(),
    });
    let page = ErrorPage {
        layout: Layout::new("There is a problem with this search", ""),
        heading: "There is a problem with this search".into(),
        message: capitalise(&quote(&error.message)),
        links,
    };
    render(&page, StatusCode::BAD_REQUEST)
}

/// Turns the API's `code` quoting into typographic quotes for people.
fn quote(text: &str) -> String {
    let mut open = true;
    text.chars()
        .map(|c| {
            if c == '`' {
                open = !open;
                if open { '”' } else { '“' }
            } else {
                c
            }
        })
        .collect()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn not_found_response(what: &str) -> Response {
    let page = ErrorPage {
        layout: Layout::new("Page not found", ""),
        heading: "Page not found".into(),
        message: format!(
            "We could not find {what}. If you typed the web address, check it is correct. \
             If you followed a link, the entry may have been removed or renamed."
        ),
        links: home_links(),
    };
    render(&page, StatusCode::NOT_FOUND)
}

fn internal_error_page() -> Response {
    let page = ErrorPage {
        layout: Layout::new("Sorry, there is a problem with the service", ""),
        heading: "Sorry, there is a problem with the service".into(),
        message: "Try again later. If a child is in immediate danger, call 999.".into(),
        links: home_links(),
    };
    render(&page, StatusCode::INTERNAL_SERVER_ERROR)
}

fn home_links() -> Vec<Link> {
    vec![
        Link {
            href: "/search".into(),
            label: "Search the resource bank".into(),
        },
        Link {
            href: "/".into(),
            label: "Go to the home page".into(),
        },
    ]
}

/// The 404 page for any path no route serves.
pub(in crate::web) fn not_found_page() -> Response {
    not_found_response("that page")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_quotes_become_typographic() {
        assert_eq!(
            capitalise(&quote("unknown topic `consnet`")),
            "Unknown topic “consnet”"
        );
    }
}
