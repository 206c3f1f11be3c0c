//! Turns what came back from the portal (an answer or a transport failure) into JSON or an
//! `ApiError`; pure, so every error shape is unit-tested without a network.
//!
//! Invariants: text taken from an answer (the body, the `Location` header) is decoded, redacted,
//! then cut and sanitized before it enters an error, bounded whatever was sent; reqwest's own
//! Display/Debug (which embed URLs and internals) never reach the user.

use std::error::Error as _;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, LOCATION};
use serde_json::Value;

use super::error::{ApiError, Endpoint, TimeoutKind};
use super::retry_after::RetryAfter;
use super::wire::shape;
use super::{ClientOptions, PortalUrl};
use crate::redact::{Redactor, is_withheld, markup_len};

/// The longest excerpt of a body that is not the DocSpace API, and message from the portal.
const EXCERPT_CHARS: usize = 200;
const MESSAGE_CHARS: usize = 500;
/// What the `status` of a 2xx answer is (docs/docspace-api.md §4, §5.2).
const ENVELOPE_STATUS: &str = "0, or 1 with the portal's error message";
/// A proxy page with a large script or style block still has its text well within this.
const EXCERPT_SOURCE_BYTES: usize = 256 * 1024;

fn excerpt(body: &[u8], content_type: Option<&str>, redactor: &Redactor) -> String {
    let head = &body[..body.len().min(EXCERPT_SOURCE_BYTES)];
    let text = String::from_utf8_lossy(head);
    if text.trim().is_empty() {
        return "(empty body)".into();
    }
    let html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"))
        || text.trim_start().starts_with('<');
    // Tags are taken out of a page redacted as it came: a secret echoed raw with `<...>` in
    // it would otherwise lose its middle to the tag stripper and no longer match. The redactor
    // reads markup as `strip_html` does, so it withholds a page whose markup splits a secret.
    let text = if html {
        strip_html(&redactor.scrub(&text))
    } else {
        text.into_owned()
    };
    let shown = redactor.shown(&text, EXCERPT_CHARS);
    if shown.is_empty() {
        "(no readable text)".into()
    } else {
        shown
    }
}

/// Drops tags, comments and the contents of `<script>`/`<style>` (`redact::markup_len`, which
/// finds a secret split by them), leaving a space for each. Entities are left for the redactor,
/// which decodes them with every other escape. Not an HTML parser: enough to show what a
/// proxy's error page says.
fn strip_html(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        let markup = markup_len(rest);
        if markup > 0 {
            i += markup;
            out.push(' ');
        } else {
            // A `<` that starts no markup (`a < b`, a secret's own `<`) is text.
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let next = rest[first..].find('<').map_or(rest.len(), |at| first + at);
            out.push_str(&html[i..i + next]);
            i += next;
        }
    }
    out
}

/// One request as its errors name it: what was asked of which portal, how the client was set
/// up, and the secrets scrubbed from whatever came back.
pub(crate) struct Asked<'a> {
    pub endpoint: &'a Endpoint,
    pub portal: &'a PortalUrl,
    pub options: &'a ClientOptions,
    pub redactor: &'a Redactor,
}

/// The JSON of a successful answer, or the error it amounts to.
pub(crate) fn classify(
    asked: &Asked<'_>,
    status: u16,
    headers: &HeaderMap,
    retry_after: Option<RetryAfter>,
    body: &[u8],
) -> Result<Value, ApiError> {
    let (endpoint, redactor) = (asked.endpoint.clone(), asked.redactor);
    let header = |name: HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let json = serde_json::from_slice::<Value>(body).ok();
    // Redacted whole, then cut: a secret straddling the cut would otherwise show in part.
    let message = json
        .as_ref()
        .and_then(portal_message)
        .map(|m| redactor.shown(&m, MESSAGE_CHARS));
    let excerpt = || excerpt(body, header(CONTENT_TYPE), redactor);
    let rejected = |status, message| ApiError::Rejected {
        endpoint: endpoint.clone(),
        status,
        message,
        help: help_for(&endpoint, status),
    };
    match status {
        200..=299 => match json {
            None => Err(ApiError::NotDocSpace {
                endpoint,
                status,
                excerpt: excerpt(),
            }),
            // Defensive: the validation envelope is a "success" object with status 1. One
            // without the portal's message is no answer of the API's (docs/docspace-api.md §4):
            // a write answered so may have been carried out.
            Some(v) if is_error_envelope(&v) => Err(match message {
                Some(message) => rejected(enveloped_status(&v).unwrap_or(status), message),
                None => shape(
                    &endpoint,
                    "status",
                    ENVELOPE_STATUS,
                    "an error without a message".into(),
                ),
            }),
            Some(v) => Ok(v),
        },
        // Redirects only: a 304 or 300 points nowhere, and is answered as anything unexpected.
        301..=303 | 307 | 308 => Err(ApiError::Redirect {
            endpoint,
            status,
            // Scrubbed before it is resolved, which turns `\` into `/`: an escaped secret
            // (`\u0073k-...`) would no longer be decoded, and one holding `\` not found.
            location: header(LOCATION)
                .map(|l| match redactor.scrub(l) {
                    withheld if is_withheld(&withheld) => withheld,
                    l => redactor.shown(&asked.portal.resolve(&l), EXCERPT_CHARS),
                })
                .unwrap_or_else(|| "an address it did not give (no Location header)".into()),
        }),
        401 => Err(ApiError::Unauthorized {
            endpoint,
            portal_key: asked.options.portal_key.clone(),
        }),
        403 if body.iter().all(u8::is_ascii_whitespace) => {
            Err(ApiError::ForbiddenScope { endpoint })
        }
        403 => Err(ApiError::Forbidden {
            endpoint,
            message: message.unwrap_or_else(excerpt),
        }),
        429 => Err(ApiError::RateLimited {
            endpoint,
            retry_after,
        }),
        // Only the portal's own says a record is missing (docs/docspace-api.md §12): any other
        // 404, JSON that looks like it included, is a proxy's or no route's, an answer not read.
        404 if !json.as_ref().is_some_and(is_not_found) => Err(ApiError::HttpStatus {
            endpoint,
            status,
            excerpt: excerpt(),
        }),
        _ => match message {
            Some(message) => Err(rejected(status, message)),
            None => Err(ApiError::HttpStatus {
                endpoint,
                status,
                excerpt: excerpt(),
            }),
        },
    }
}

/// The portal's own message from either error shape (docs/docspace-api.md §5.1 and §5.2).
pub(crate) fn portal_message(v: &Value) -> Option<String> {
    if let Some(m) = v.pointer("/error/message").and_then(Value::as_str)
        && !m.trim().is_empty()
    {
        return Some(m.to_string());
    }
    // The ValidationProblemDetails, wrapped in `response` or (defensively) bare.
    let problem = v.get("response").filter(|r| r.is_object()).unwrap_or(v);
    let errors = problem.get("errors").and_then(Value::as_object);
    // Sorted by field, so the message does not depend on the map's ordering feature.
    let mut fields: Vec<(&String, &Value)> = errors.into_iter().flatten().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let flat: Vec<String> = fields
        .into_iter()
        .flat_map(|(field, msgs)| {
            let msgs: Vec<&str> = match msgs {
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                Value::String(s) => vec![s.as_str()],
                _ => Vec::new(),
            };
            msgs.into_iter().map(move |m| format!("{field}: {m}"))
        })
        .collect();
    if !flat.is_empty() {
        return Some(flat.join("; "));
    }
    if errors.is_some() || v.get("status").and_then(Value::as_i64) == Some(1) {
        return problem
            .get("title")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .map(str::to_string);
    }
    None
}

/// The exception envelope of `ItemNotFoundException`, as the portal sends it (§5.1).
fn is_not_found(v: &Value) -> bool {
    v.get("status").and_then(Value::as_i64) == Some(1)
        && v.get("statusCode").and_then(Value::as_u64) == Some(404)
        && v.pointer("/error/message").and_then(Value::as_str)
            == Some("The record could not be found")
}

fn is_error_envelope(v: &Value) -> bool {
    v.get("status").and_then(Value::as_i64) == Some(1)
        || v.get("error").is_some_and(Value::is_object)
}

fn enveloped_status(v: &Value) -> Option<u16> {
    v.get("statusCode")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (400..600).contains(s))
}

fn help_for(endpoint: &Endpoint, status: u16) -> Option<&'static str> {
    let write = endpoint.method != reqwest::Method::GET;
    match status {
        402 => Some("the portal's subscription is unpaid or the portal is suspended"),
        404 => Some("the webhook is no longer on the portal (deleted meanwhile?); run plan again"),
        500 if write => Some(
            "on create, update and enable DocSpace sends a HEAD request to the webhook's uri and \
             answers 500 when it cannot connect, times out or fails TLS; make sure the uri is \
             reachable from the portal and answers HEAD with 2xx",
        ),
        500..=599 => Some("the portal failed; try again later"),
        _ => None,
    }
}

/// A reqwest failure (no answer at all) as an `ApiError` of its kind.
pub(crate) fn transport_error(err: &reqwest::Error, asked: &Asked<'_>) -> ApiError {
    let (endpoint, options) = (asked.endpoint, asked.options);
    let portal = asked.portal.as_str().to_string();
    if err.is_timeout() {
        let (kind, after) = if err.is_connect() {
            (TimeoutKind::Connect, options.connect_timeout)
        } else {
            (TimeoutKind::Request, options.request_timeout)
        };
        return ApiError::Timeout {
            endpoint: endpoint.clone(),
            portal,
            kind,
            after,
        };
    }
    let detail = asked.redactor.shown(&root_cause(err), MESSAGE_CHARS);
    let lower = detail.to_ascii_lowercase();
    let tls = ["certificate", "tls", "handshake", "x509"];
    match () {
        () if err.is_dns() => ApiError::Dns { portal, detail },
        () if err.is_connect() && tls.iter().any(|w| lower.contains(w)) => {
            ApiError::Tls { portal, detail }
        }
        () if err.is_connect() => ApiError::Connect { portal, detail },
        () => ApiError::Transport {
            endpoint: endpoint.clone(),
            portal,
            detail,
        },
    }
}

/// The innermost cause's message: the outer layers of a reqwest error only repeat the URL and
/// "error sending request".
fn root_cause(err: &reqwest::Error) -> String {
    match std::iter::successors(err.source(), |e| (*e).source()).last() {
        Some(e) => e.to_string(),
        None if err.is_body() || err.is_decode() => {
            "the connection broke while reading the answer".into()
        }
        None => "the request could not be sent".into(),
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
