//! Retries around the one network path (`Client::send_once`): which failures are tried again,
//! how long to wait, and the rule that keeps a create from being posted twice.
//!
//! Hand-rolled (a loop and `tokio::time::sleep`) rather than a backoff crate: the POST rule
//! needs a list request between attempts, and every wait must be announced before it starts.
//!
//! Invariants: at most `retries + 1` attempts per call, not counting 429s; only
//! `ApiError::is_retryable` failures (connection, timeout, 502, 503, 504) are retried, so a
//! redirect, a 4xx or a bad answer fails at once; a wait is exponential backoff with full
//! jitter, reported through the event sink before it starts; a 429 is sent again, without
//! counting, once the pacer's pause is over (`pace.rs`: the wait there is bounded by
//! `max_wait`, not by attempts); a POST that may have reached the portal is sent again only
//! after a fresh list shows no webhook with its exact (name, uri); a call stopped before its
//! next attempt (`NotSent`) ends with the failure of the attempt before, if there was one.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::client::{Client, Payload};
use super::error::{ApiError, Endpoint};
use super::event::ClientEvent;
use super::{ClientOptions, LiveWebhook, WebhookBody, wire};

/// The retry settings of one client, fixed when it is built.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub attempts: u32,
    base: Duration,
    max_delay: Duration,
}

impl Policy {
    pub fn new(options: &ClientOptions) -> Policy {
        Policy {
            attempts: options.retries.saturating_add(1),
            base: options.retry_base,
            max_delay: options.retry_max_delay,
        }
    }

    /// The wait before attempt `attempt` (2 is the first retry).
    pub fn backoff(&self, attempt: u32) -> Duration {
        full_jitter(self.ceiling(attempt.saturating_sub(1)))
    }

    /// The backoff ceiling of the `step`th wait (1 is the first): `base`, doubling per step
    /// up to `max_delay`.
    pub fn ceiling(&self, step: u32) -> Duration {
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
fn may_have_landed(error: &ApiError) -> bool {
    !matches!(
        error,
        ApiError::Connect { .. } | ApiError::RateLimited { .. }
    )
}

/// Why an attempt failed, in a few words for the retry line (the endpoint is already on it).
fn reason(error: &ApiError) -> String {
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

impl Client {
    /// `send_once`, repeated while the failure is retryable and attempts remain. For GET, PUT
    /// and DELETE, which the portal can safely receive twice; POST goes through `create_once`.
    pub(super) async fn send(
        &self,
        endpoint: &Endpoint,
        payload: Option<&Payload<'_>>,
    ) -> Result<Value, ApiError> {
        let mut slot = self.slot(endpoint).await?;
        let mut attempt = 1;
        let mut failed = None;
        loop {
            let result = self.send_once(endpoint, payload).await;
            slot.retrying(false);
            match result {
                Err(e) if self.wait_out(&e) => failed = Some(e),
                Err(e) if e.is_retryable() && attempt < self.policy().attempts => {
                    attempt += 1;
                    slot.retrying(true);
                    self.pause(endpoint, &e, attempt, false).await;
                    failed = Some(e);
                }
                Err(e @ ApiError::NotSent { .. }) => return Err(failed.unwrap_or(e)),
                result => return result,
            }
        }
    }

    /// A POST that creates at most one webhook. When an attempt fails in a way that may have
    /// reached the portal (a timeout, a 502/503/504), the answer was perhaps only lost: after
    /// the wait, the list is read and a webhook with exactly this (name, uri) is taken as the
    /// one created. Only when it is absent is the POST sent again, within the same budget.
    pub(super) async fn create_once(
        &self,
        endpoint: &Endpoint,
        payload: &Payload<'_>,
        body: &WebhookBody,
    ) -> Result<LiveWebhook, ApiError> {
        let mut slot = self.slot(endpoint).await?;
        let mut attempt = 1;
        let mut failed = None;
        loop {
            let result = self.send_once(endpoint, Some(payload)).await;
            slot.retrying(false);
            let error = match result {
                Ok(v) => return wire::decode_one(endpoint, &v),
                // Refused before it was handled: posted again after the pause, uncounted.
                Err(e) if self.wait_out(&e) => {
                    failed = Some(e);
                    continue;
                }
                Err(e @ ApiError::NotSent { .. }) => return Err(failed.unwrap_or(e)),
                Err(e) => e,
            };
            if !error.is_retryable() || attempt >= self.policy().attempts {
                return Err(error);
            }
            attempt += 1;
            slot.retrying(true);
            let check = may_have_landed(&error);
            self.pause(endpoint, &error, attempt, check).await;
            if check {
                // If the list cannot be read either, whether the POST landed is unknown: the
                // POST's own error says what went wrong, and a rerun's plan shows the state.
                let Ok(live) = self.list().await else {
                    return Err(error);
                };
                if let Some(found) = live
                    .into_iter()
                    .find(|w| w.name == body.name && w.uri == body.uri)
                {
                    self.emit(ClientEvent::CreateFound {
                        id: found.id,
                        name: found.name.clone(),
                    });
                    return Ok(found);
                }
            }
            failed = Some(error);
        }
    }

    /// Announces the wait before `attempt`, then waits (less when the run is stopped).
    async fn pause(&self, endpoint: &Endpoint, error: &ApiError, attempt: u32, check_first: bool) {
        let delay = self.policy().backoff(attempt);
        self.emit(ClientEvent::Retry {
            endpoint: endpoint.clone(),
            attempt,
            attempts: self.policy().attempts,
            delay,
            reason: reason(error),
            check_first,
        });
        self.nap(delay).await;
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
