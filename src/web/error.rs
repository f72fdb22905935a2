//! One error type for every handler, and its one conversion into a
//! response: JSON `{"error": {code, message, param, did_you_mean}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::search::RequestError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A parameter that cannot be served (unknown value, bad age, …).
    #[error("{0}")]
    BadRequest(#[from] RequestError),
    /// No such entry or page.
    #[error("{0} was not found")]
    NotFound(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::NotFound(_) => "not_found",
        }
    }

    pub fn param(&self) -> Option<&str> {
        match self {
            ApiError::BadRequest(e) => Some(&e.param),
            ApiError::NotFound(_) => None,
        }
    }

    pub fn did_you_mean(&self) -> Option<&str> {
        match self {
            ApiError::BadRequest(e) => e.did_you_mean.as_deref(),
            ApiError::NotFound(_) => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
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
