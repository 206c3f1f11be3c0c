//! The client's error type: one variant per thing a user would fix differently. Modelled on
//! cargo's `HttpNotSuccessful`: an HTTP failure carries the request, the status and the portal's
//! own message, or a short excerpt of an answer that was not the DocSpace API. Invariant: no
//! variant holds the API key or a `secretKey`; texts from the portal pass `redact::Redactor`.

use std::fmt;
use std::time::Duration;

use reqwest::Method;

use super::retry_after::{RetryAfter, http_date};

/// What was asked of the portal, shown in errors as `PUT /api/2.0/settings/webhook`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub method: Method,
    pub path: String,
}

impl Endpoint {
    pub(super) fn new(method: Method, path: impl Into<String>) -> Endpoint {
        Endpoint {
            method,
            path: path.into(),
        }
    }

    /// A redelivery: each one that lands queues a delivery, and its rate limit is its own
    /// (docs/docspace-api.md §21).
    pub(super) fn is_redelivery(&self) -> bool {
        self.path.ends_with("/retry")
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Which of the two configured timeouts ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    Connect,
    Request,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Request => "request",
        })
    }
}

const KEY_HELP: &str = "set DOCSPACE_API_KEY to a valid API key (`sk-...`) of a DocSpace admin; \
                        the key may have expired or been revoked";
const API_KEY_HELP: &str = "set DOCSPACE_API_KEY to the `sk-...` key of a DocSpace admin, without \
                            quotes or line breaks around it";

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ApiError {
    #[error("invalid portal URL `{input}`: {reason}")]
    #[diagnostic(
        code(api::portal_url),
        help(
            "give the portal's address, e.g. https://portal.example.com; plain http:// is \
             accepted only for a loopback host (localhost, 127.0.0.1, [::1])"
        )
    )]
    PortalUrl { input: String, reason: String },

    #[error("the API key cannot be used: {reason}")]
    #[diagnostic(code(api::api_key), help("{}", key_help(.portal_key.as_deref(), API_KEY_HELP)))]
    ApiKey {
        reason: &'static str,
        /// `ClientOptions::portal_key`, which the help names.
        portal_key: Option<String>,
    },

    #[error("could not set up the HTTP client: {detail}")]
    #[diagnostic(code(api::client_setup))]
    ClientSetup { detail: String },

    #[error("could not resolve the host name of {portal}: {detail}")]
    #[diagnostic(
        code(api::dns),
        help("check the portal URL for typos, and this machine's network and DNS settings")
    )]
    Dns { portal: String, detail: String },

    #[error("could not connect to {portal}: {detail}")]
    #[diagnostic(
        code(api::connect),
        help("check that the portal URL is right and the portal is up and reachable from here")
    )]
    Connect { portal: String, detail: String },

    #[error("secure connection (TLS) to {portal} failed: {detail}")]
    #[diagnostic(
        code(api::tls),
        help(
            "the portal's certificate could not be verified (expired, self-signed, or issued \
             for another host name); certificates are always verified"
        )
    )]
    Tls { portal: String, detail: String },

    #[error(
        "{endpoint} on {portal}: no answer within {} s (the {kind} timeout)",
        after.as_secs_f64()
    )]
    #[diagnostic(
        code(api::timeout),
        help(
            "the portal or the network is slow or down; try again later, or allow more time \
             with --timeout (--connect-timeout for connecting). A timed-out write may still \
             have been carried out: run plan again before retrying"
        )
    )]
    Timeout {
        endpoint: Endpoint,
        portal: String,
        kind: TimeoutKind,
        after: Duration,
    },

    #[error("{endpoint} on {portal} failed: {detail}")]
    #[diagnostic(code(api::transport))]
    Transport {
        endpoint: Endpoint,
        portal: String,
        detail: String,
    },

    /// A log page this large is read again in smaller pages.
    #[error(
        "{endpoint} on {portal} failed: the answer (HTTP {status}) is larger than {mib} MiB, \
         more than this tool reads of one answer"
    )]
    #[diagnostic(code(api::too_large))]
    TooLarge {
        endpoint: Endpoint,
        portal: String,
        status: u16,
        mib: usize,
    },

    #[error(
        "{endpoint}: the portal redirected (HTTP {status}) to {location}; not followed so the \
         API key is not sent elsewhere"
    )]
    #[diagnostic(
        code(api::redirect),
        help(
            "check the portal URL: give the address the portal really serves (the final host \
             name, with https://)"
        )
    )]
    Redirect {
        endpoint: Endpoint,
        status: u16,
        location: String,
    },

    #[error("the portal refused the API key (HTTP 401) on {endpoint}")]
    #[diagnostic(code(api::unauthorized), help("{}", key_help(.portal_key.as_deref(), KEY_HELP)))]
    Unauthorized {
        endpoint: Endpoint,
        /// As `ApiKey`'s.
        portal_key: Option<String>,
    },

    #[error("{endpoint}: the portal denied access (HTTP 403): {message}")]
    #[diagnostic(
        code(api::forbidden),
        help(
            "the API key's user lacks the rights: managing all of a portal's webhooks needs the \
             key of a DocSpace admin (other users see only their own webhooks, guests none, and \
             the portal may limit developer tools to admins)"
        )
    )]
    Forbidden { endpoint: Endpoint, message: String },

    #[error("{endpoint}: the portal refused the API key's permissions (HTTP 403, no details)")]
    #[diagnostic(
        code(api::forbidden_scope),
        help(
            "the key lacks the scope this request needs: reading webhooks needs read access and \
             changing them write access to the whole API (`*:write`); create a key with all \
             permissions for a DocSpace admin"
        )
    )]
    ForbiddenScope { endpoint: Endpoint },

    #[error("{endpoint}: the portal is limiting the request rate (HTTP 429){}", retry_hint(*retry_after))]
    #[diagnostic(
        code(api::rate_limited),
        help(
            "run again once the portal accepts requests; --max-wait lets a run wait longer for it"
        )
    )]
    RateLimited {
        endpoint: Endpoint,
        /// `Retry-After`, in seconds or as a date.
        retry_after: Option<RetryAfter>,
    },

    /// The run was stopped (`Halt`) before this request went out: nothing was sent.
    #[error("{endpoint} was not sent: {reason}")]
    #[diagnostic(code(api::not_sent))]
    NotSent { endpoint: Endpoint, reason: String },

    /// The portal answered with its own error message (either error shape).
    #[error("{endpoint} failed (HTTP {status}): {message}")]
    #[diagnostic(code(api::rejected))]
    Rejected {
        endpoint: Endpoint,
        status: u16,
        message: String,
        #[help]
        help: Option<&'static str>,
    },

    /// A non-2xx answer without a DocSpace message: empty, HTML from a proxy, other JSON.
    #[error(
        "{endpoint} failed (HTTP {status}); the answer is not from the DocSpace API: {excerpt}"
    )]
    #[diagnostic(
        code(api::http_status),
        help(
            "something in front of the portal (a proxy or gateway) answered; if it persists, \
             check the portal's status and the portal URL"
        )
    )]
    HttpStatus {
        endpoint: Endpoint,
        status: u16,
        excerpt: String,
    },

    /// A 2xx answer that is not JSON: the URL points at something other than DocSpace.
    #[error(
        "{endpoint} answered HTTP {status} with something that is not the DocSpace API: {excerpt}"
    )]
    #[diagnostic(
        code(api::not_docspace),
        help(
            "check the portal URL: it must be the DocSpace portal's own address (e.g. \
             https://yourportal.onlyoffice.com), not a login page or another site"
        )
    )]
    NotDocSpace {
        endpoint: Endpoint,
        status: u16,
        excerpt: String,
    },

    /// `at`: where in the answer (e.g. `response[2].configs`).
    #[error("{endpoint}: unexpected answer at `{at}`: {detail} (expected {expected})")]
    #[diagnostic(
        code(api::unexpected_json),
        help(
            "the portal may run a DocSpace version this tool does not support (it needs 3.1 or \
             newer), or the URL points at another service"
        )
    )]
    UnexpectedJson {
        endpoint: Endpoint,
        at: String,
        expected: &'static str,
        detail: String,
    },

    /// Which record of a repeated webhook is true is unknown: a plan made from the list could
    /// delete or duplicate what the file manages.
    #[error(
        "{endpoint}: the portal listed webhook #{id} {times} times; a list that repeats a webhook \
         cannot be trusted, so none of it is used"
    )]
    #[diagnostic(
        code(api::repeated_id),
        help(
            "the portal (or a proxy or cache in front of it) sent an inconsistent list; run \
             again, and if it persists, report it to the portal's administrator"
        )
    )]
    RepeatedId {
        endpoint: Endpoint,
        id: i32,
        times: usize,
    },

    /// A list whose `total` is not its length: the rows left out (or the total) are unknown.
    #[error(
        "{endpoint}: the portal's list holds {rows} {webhooks} but its `total` says {total}; \
         nothing is done with a list that may be partial, so none of it is used",
        webhooks = if *rows == 1 { "webhook" } else { "webhooks" }
    )]
    #[diagnostic(
        code(api::list_total),
        help(
            "the portal (or a proxy or cache in front of it) pages or cuts the list, which \
             the portal itself does not; run again, and if it persists, report it to the \
             portal's administrator"
        )
    )]
    ListTotal {
        endpoint: Endpoint,
        rows: usize,
        /// The number, or what stands there instead (`a string`): never the portal's text.
        total: String,
    },

    /// A webhook list that holds the key or a secret the run knows (`redact::Registered`): it
    /// is shown and saved as it is, so it is refused whole. `matched` names the secret by where
    /// it came from, never by its value: an ordinary word as a secret matches ordinary text.
    #[error(
        "{endpoint}: webhook #{id}'s {field} in the portal's list holds {matched}, so nothing of \
         the list is shown, planned or saved"
    )]
    #[diagnostic(
        code(api::echoed_secret),
        help("{}", echo_help(.field, .matched))
    )]
    EchoedSecret {
        endpoint: Endpoint,
        id: i32,
        field: &'static str,
        matched: String,
    },

    /// A log whose pages do not add up: what was read may not be all the query matches.
    #[error(
        "{endpoint}: the portal's log answered {detail}, so not every delivery asked for could \
         be read"
    )]
    #[diagnostic(
        code(api::log_paging),
        help(
            "the portal (or a proxy or cache in front of it) pages or orders the delivery log \
             inconsistently; run again, and if it persists, report it to the portal's \
             administrator"
        )
    )]
    LogPaging { endpoint: Endpoint, detail: String },

    /// A retryable failure that was not retried because the run is stopping.
    #[error("{last}; not retried: the run is stopping ({reason})")]
    #[diagnostic(code(api::not_retried), help("a rerun reads the portal afresh"))]
    NotRetried { reason: String, last: Box<ApiError> },
}

/// A refused or unusable key's help: DOCSPACE_API_KEY is not read with `portals:`, so a named
/// portal's names the variable its `apiKey` reads instead.
fn key_help(portal_key: Option<&str>, default: &str) -> String {
    match portal_key {
        None => default.to_string(),
        Some(var) => format!(
            "the portal's `apiKey` reads its key from {var}: set it to a valid API key (`sk-...`) \
             of a DocSpace admin of this portal, without quotes or line breaks; the key may have \
             expired or been revoked"
        ),
    }
}

/// The help of a refused list, by what `matched` names (`redact::Registered::in_text`): only a
/// secret can be an ordinary word that names and uris hold.
fn echo_help(field: &str, matched: &str) -> String {
    if matched == crate::redact::TOO_DEEP {
        return format!(
            "that webhook's {field} is escaped in more layers (`%25` for `%`, ...) than the tool \
             decodes (8), so it cannot be searched for the run's secrets: change it on the portal \
             to text escaped in fewer"
        );
    }
    let echo = "something between you and the portal may echo what it is sent (a proxy, a cache)";
    if crate::redact::is_uri_source(matched) {
        return format!(
            "{echo}; a uri read from `uri: ${{VAR}}` is a secret, and only its own webhook's uri \
             may hold it: if that webhook's {field} really holds the value, change it on the portal"
        );
    }
    format!(
        "{echo}; if that webhook's {field} really holds the value, change the secret or the key \
         it matches;\nan ordinary word as a secret makes this likely, as names and uris hold such \
         words: a longer random secret avoids it"
    )
}

/// Not a Retry-After of no wait: the pause then came from elsewhere (the reset, a backoff).
fn retry_hint(retry_after: Option<RetryAfter>) -> String {
    let asked = retry_after.filter(|r| !r.wait.is_zero());
    asked.map_or_else(String::new, |r| {
        format!(
            "; it asks to retry after {} s ({})",
            r.wait.as_secs(),
            http_date(r.at)
        )
    })
}

impl ApiError {
    /// The HTTP status the portal answered, when the error comes from an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Redirect { status, .. }
            | ApiError::Rejected { status, .. }
            | ApiError::HttpStatus { status, .. }
            | ApiError::NotDocSpace { status, .. } => Some(*status),
            ApiError::Unauthorized { .. } => Some(401),
            ApiError::Forbidden { .. } | ApiError::ForbiddenScope { .. } => Some(403),
            ApiError::RateLimited { .. } => Some(429),
            ApiError::NotRetried { last, .. } => last.status(),
            _ => None,
        }
    }

    /// Whether trying the same request again may succeed, at the cost of a retry (a 429 is no
    /// failure but a "later", waited out by the limits without counting).
    pub fn is_retryable(&self) -> bool {
        match self {
            // `Transport`: the connection closed or broke before the whole answer came.
            ApiError::Connect { .. } | ApiError::Timeout { .. } | ApiError::Transport { .. } => {
                true
            }
            _ => matches!(self.status(), Some(502..=504)),
        }
    }

    /// Whether the request may have been carried out although it failed: no answer in time, a
    /// gateway's 502/503/504, or an answer that is not the API's (a proxy's page of any status,
    /// a connection closed before the answer, JSON of another shape) may follow a write the
    /// portal stored. Everything else is the portal's (or the network's) refusal.
    pub fn may_have_landed(&self) -> bool {
        match self {
            ApiError::Timeout { .. }
            | ApiError::Transport { .. }
            | ApiError::TooLarge { .. }
            | ApiError::HttpStatus { .. }
            | ApiError::NotDocSpace { .. }
            | ApiError::UnexpectedJson { .. } => true,
            ApiError::NotRetried { last, .. } => last.may_have_landed(),
            _ => matches!(self.status(), Some(502..=504)),
        }
    }

    /// A create refused: a webhook with the same (name, uri) exists (docs/docspace-api.md §15).
    pub fn is_duplicate(&self) -> bool {
        let duplicate = "same name and payload URL already exists";
        matches!(
            self,
            ApiError::Rejected { status: 400, message, .. } if message.contains(duplicate)
        )
    }
}
