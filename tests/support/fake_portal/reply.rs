//! An answer in the making: status, headers and body bytes, turned into an axum response only
//! at the very end, so the status can be recorded and faults can replace it.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// No answer at all: the server closes the connection instead (`FaultKind::Close`).
    pub close: bool,
}

impl Reply {
    /// No body at all: the 401, 403-from-scope, 404-no-route, 405 and 429 answers.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            close: false,
        }
    }

    /// The connection closed without an answer; status 0 in the record.
    pub fn closed() -> Reply {
        Reply {
            close: true,
            ..Reply::empty(0)
        }
    }

    pub fn text(status: u16, content_type: &str, text: String) -> Reply {
        Reply::empty(status)
            .header("Content-Type", content_type.to_owned())
            .with_body(text.into_bytes())
    }

    pub fn json<T: serde::Serialize>(status: u16, content_type: &str, value: &T) -> Reply {
        // Serializing our own derive types cannot fail; an empty body would still be visible.
        let body = serde_json::to_vec(value).unwrap_or_default();
        Reply::empty(status)
            .header("Content-Type", content_type.to_owned())
            .with_body(body)
    }

    pub fn json_value(status: u16, value: &serde_json::Value) -> Reply {
        Reply::json(status, "application/json; charset=utf-8", value)
    }

    pub fn header(mut self, name: &str, value: String) -> Reply {
        self.headers.push((name.to_owned(), value));
        self
    }

    fn with_body(mut self, body: Vec<u8>) -> Reply {
        self.body = body;
        self
    }

    pub fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.append(name, value);
            }
        }
        response
    }
}
