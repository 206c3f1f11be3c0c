//! Injected faults: answers the real portal (or the proxy and rate limiter in front of it) can
//! give that a well-behaved fake never would.
//!
//! Faults queue in the order they were injected; each request consumes one use of the first
//! fault that matches its method and exact path, so a test can script "429, then 502, then
//! normal" for one route. A fault stands in front of authentication, like a proxy would.

use std::time::Duration;

use super::echo::Echo;
use super::limiter::{refusal, unix_now};
use super::reply::Reply;

/// One scripted misbehaviour.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// `None` matches every method.
    pub method: Option<&'static str>,
    /// Exact path, without the query string, e.g. `/api/2.0/settings/webhook`.
    pub path: String,
    /// How many matching requests it affects.
    pub times: usize,
    pub kind: FaultKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Answer this instead of handling the request.
    Status { status: u16, body: FaultBody },
    /// 429 with an empty body, `Retry-After` and the `X-RateLimit-*` headers.
    RetryAfter { seconds: u64 },
    /// The same, with `Retry-After` exactly as given (an HTTP date, or anything else).
    RetryAt { retry_after: String, limit: u64 },
    /// 429 without `Retry-After`: only `X-RateLimit-Reset` (unix seconds) says when.
    ResetAt { reset: u64 },
    /// `Retry-After: 0` (no wait), yet `X-RateLimit-Reset` (unix seconds) later.
    NoWaitResetAt { reset: u64 },
    /// A redirect with an empty body.
    Redirect { status: u16, location: String },
    /// Sleep, then handle normally (for client timeouts; the request still lands).
    Delay(Duration),
    /// Handle the request for real, then answer this instead (a write whose answer was lost).
    AfterHandling { status: u16, body: FaultBody },
    /// Answer `status` (a proxy's HTML page) at once, and carry the request out `after` later:
    /// a gateway that gave up while the portal was still probing the target (docs/docspace-api.md §9,
    /// §7), and the write landed anyway.
    LandsLate { status: u16, after: Duration },
    /// Answer with the request itself, spelled, cut and wrapped (see `echo`).
    Echo(Echo),
    /// Close the connection without a byte of answer, after carrying the request out
    /// (`handled`) or not: a portal or proxy that dropped it (hyper's "connection closed
    /// before message completed"). Recorded with status 0.
    Close { handled: bool },
    /// Handle the request, and add these headers to its answer (`X-RateLimit-*` on one answer).
    Headers(Vec<(&'static str, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum FaultBody {
    Empty,
    Json(serde_json::Value),
    Html(String),
    Text(String),
}

impl Fault {
    /// A fault for one request with this method and path.
    pub fn new(method: &'static str, path: &str, kind: FaultKind) -> Fault {
        Fault {
            method: Some(method),
            path: path.to_owned(),
            times: 1,
            kind,
        }
    }

    /// The request with this method and path is handled for real, then a proxy answers it
    /// with its own 502 page: a write that landed but whose answer was lost.
    pub fn answer_lost(method: &'static str, path: &str) -> Fault {
        let body = FaultBody::Html("<h1>502 Bad Gateway</h1>".into());
        Fault::new(method, path, FaultKind::AfterHandling { status: 502, body })
    }

    /// A fault for one request to this path, whatever its method.
    pub fn any_method(path: &str, kind: FaultKind) -> Fault {
        Fault {
            method: None,
            path: path.to_owned(),
            times: 1,
            kind,
        }
    }

    /// Affect this many matching requests instead of one.
    pub fn times(mut self, times: usize) -> Fault {
        self.times = times;
        self
    }

    pub(super) fn matches(&self, method: &str, path: &str) -> bool {
        self.times > 0
            && self.path == path
            && self.method.is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// Which requests a periodic fault counts (see `FakePortal::inject_every`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Requests,
    /// Everything but GET.
    Writes,
}

/// A fault for every `every`th request in `scope` that no earlier fault took.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Periodic {
    pub every: usize,
    pub scope: Scope,
    pub kind: FaultKind,
    pub seen: usize,
}

impl Periodic {
    /// Counts the request when it is in scope; the fault when it is its turn.
    pub fn take(&mut self, method: &str) -> Option<FaultKind> {
        if self.scope == Scope::Writes && method.eq_ignore_ascii_case("GET") {
            return None;
        }
        self.seen += 1;
        self.seen
            .is_multiple_of(self.every.max(1))
            .then(|| self.kind.clone())
    }
}

impl FaultKind {
    /// `Status` with an HTML page, the way a reverse proxy answers 502/503.
    pub fn html(status: u16) -> FaultKind {
        let page = format!(
            "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n\
             <center><h1>{status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
             </body>\r\n</html>\r\n"
        );
        FaultKind::Status {
            status,
            body: FaultBody::Html(page),
        }
    }
}

impl FaultBody {
    pub(super) fn into_reply(self, status: u16) -> Reply {
        match self {
            FaultBody::Empty => Reply::empty(status),
            FaultBody::Json(value) => Reply::json_value(status, &value),
            FaultBody::Html(text) => Reply::text(status, "text/html; charset=utf-8", text),
            FaultBody::Text(text) => Reply::text(status, "text/plain; charset=utf-8", text),
        }
    }
}

/// The answer for a fault that replaces handling (`Status`, `RetryAfter`, `RetryAt`,
/// `ResetAt`, `NoWaitResetAt`, `Redirect`, `Close`), or the one a late-landing request gets at
/// once. `Delay`, `AfterHandling`, `Echo` (which needs the request), the late handling of
/// `LandsLate` and the handling before a `Close` are carried out by the server loop.
pub(super) fn answer(kind: FaultKind) -> Reply {
    match kind {
        FaultKind::Status { status, body } | FaultKind::AfterHandling { status, body } => {
            body.into_reply(status)
        }
        FaultKind::RetryAfter { seconds } => refusal(
            seconds.to_string(),
            1500,
            (unix_now() as u64).saturating_add(seconds),
        ),
        FaultKind::RetryAt { retry_after, limit } => refusal(retry_after, limit, unix_now() as u64),
        FaultKind::ResetAt { reset } => Reply::empty(429)
            .header("X-RateLimit-Limit", "1500".to_owned())
            .header("X-RateLimit-Remaining", "0".to_owned())
            .header("X-RateLimit-Reset", reset.to_string()),
        FaultKind::NoWaitResetAt { reset } => refusal("0".into(), 10_000, reset),
        FaultKind::Redirect { status, location } => {
            Reply::empty(status).header("Location", location)
        }
        FaultKind::LandsLate { status, .. } => answer(FaultKind::html(status)),
        FaultKind::Close { .. } => Reply::closed(),
        FaultKind::Delay(_) | FaultKind::Echo(_) | FaultKind::Headers(_) => Reply::empty(500),
    }
}
