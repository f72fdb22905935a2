//! One error type for every handler, rendered two ways: as JSON
//! `{"error": {code, message, param, did_you_mean}}` for the API (here) and
//! as a page for people (`pages::PageError`). Bad input is a 4xx; only a
//! real fault (an index that cannot be read) is a 500, and it is logged.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::search::{RequestError, SearchError};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A parameter that cannot be served (unknown value, bad age, …).
    #[error("{0}")]
    BadRequest(#[from] RequestError),
    /// No such entry or page.
    #[error("{0} was not found")]
    NotFound(String),
    /// A fault of the server's own; the message is for the log only.
    #[error("something went wrong on our side")]
    Internal(String),
}

impl From<SearchError> for WebError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::Request(error) => WebError::BadRequest(error),
            SearchError::Index(error) => WebError::Internal(error.to_string()),
        }
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            WebError::BadRequest(_) => "bad_request",
            WebError::NotFound(_) => "not_found",
            WebError::Internal(_) => "internal",
        }
    }

    pub fn param(&self) -> Option<&str> {
        match self {
            WebError::BadRequest(e) => Some(&e.param),
            _ => None,
        }
    }

    pub fn did_you_mean(&self) -> Option<&str> {
        match self {
            WebError::BadRequest(e) => e.did_you_mean.as_deref(),
            _ => None,
        }
    }

    /// Logs a fault; bad input is the client's and is not logged.
    pub(super) fn log(&self) {
        if let WebError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        let body = json!({
            "error": {
                "code": self.code(),
                "message": self.to_string(),
                "param": self.param(),
                "did_you_mean": self.did_you_mean(),
            }
        });
        (self.status(), Json(body)).into_response()
    }
}
