//! The retry policy, pure: which failures are tried again, how long to wait before each
//! attempt, and how a failure is named on the retry line. The loops that apply it live in the
//! client (`client/send.rs`, `client/create.rs`), which uses this module and nothing here uses
//! the client.
//!
//! Hand-rolled (a loop and `tokio::time::sleep`) rather than a backoff crate: the POST rule
//! needs a list request between attempts, and every wait must be announced before it starts.
//!
//! Invariants: at most `retries + 1` attempts per call, not counting 429s; only
//! `ApiError::is_retryable` failures (connection, timeout, 502, 503, 504) are retried, so a
//! redirect, a 4xx or a bad answer fails at once; a wait is exponential backoff with full
//! jitter.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use super::ClientOptions;
use super::error::ApiError;

/// The retry settings of one client, fixed when it is built.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub attempts: u32,
    base: Duration,
    max_delay: Duration,
}

impl Policy {
    pub(super) fn new(options: &ClientOptions) -> Policy {
        Policy {
            attempts: options.retries.saturating_add(1),
            base: options.retry_base,
            max_delay: options.retry_max_delay,
        }
    }

    /// The wait before attempt `attempt` (2 is the first retry).
    pub(super) fn backoff(&self, attempt: u32) -> Duration {
        full_jitter(self.ceiling(attempt.saturating_sub(1)))
    }

    /// The backoff ceiling of the `step`th wait (1 is the first): `base`, doubling per step
    /// up to `max_delay`.
    pub(super) fn ceiling(&self, step: u32) -> Duration {
        let doublings = step.saturating_sub(1).min(30);
        self.base.saturating_mul(1 << doublings).min(self.max_delay)
    }
}

/// Uniform in `[0, ceiling]`, so clients that failed together do not retry together. The
/// randomness comes from std's per-instance hasher keys: plenty for spreading retries.
fn full_jitter(ceiling: Duration) -> Duration {
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    let random = RandomState::new().hash_one(Instant::now());
    Duration::from_nanos(random % nanos.saturating_add(1))
}

/// Whether a failed POST may still have been carried out. A refused connection sent nothing,
/// and a 429 comes from the rate limiter before the request is handled.
pub(crate) fn may_have_landed(error: &ApiError) -> bool {
    !matches!(
        error,
        ApiError::Connect { .. } | ApiError::RateLimited { .. }
    )
}

/// Why an attempt failed, in a few words for the retry line (the endpoint is already on it).
pub(crate) fn reason(error: &ApiError) -> String {
    match error {
        ApiError::Timeout { kind, after, .. } => format!(
            "no answer within {} s (the {kind} timeout)",
            after.as_secs_f64()
        ),
        ApiError::Connect { detail, .. } => format!("could not connect: {detail}"),
        ApiError::RateLimited { .. } => "HTTP 429 (rate limited)".into(),
        ApiError::HttpStatus {
            status, excerpt, ..
        } => format!("HTTP {status}: {excerpt}"),
        ApiError::Rejected {
            status, message, ..
        } => format!("HTTP {status}: {message}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
