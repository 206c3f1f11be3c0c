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
//! after a fresh list shows no webhook with its exact (name, uri), and a repeat refused as a
//! duplicate after an attempt that may have landed is looked up, not reported as a failure; a
//! call stopped before its next attempt (`NotSent`) ends with the failure of the attempt
//! before, if there was one. Once the run's stop switch is thrown, no write is retried (the
//! follow-up of a create excepted) and the waits of those that would be end at once.

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use reqwest::Method;
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
                    if !self.pause(endpoint, &e, attempt, false).await {
                        return Err(self.not_retried(e));
                    }
                    failed = Some(e);
                }
                Err(e @ ApiError::NotSent { .. }) => {
                    return Err(failed.map_or(e, |last| self.not_retried(last)));
                }
                result => return result,
            }
        }
    }

    /// A POST that creates at most one webhook. When an attempt fails in a way that may have
    /// reached the portal (a timeout, a 502/503/504), the answer was perhaps only lost: after
    /// the wait, the list is read and a webhook with exactly this (name, uri) is taken as the
    /// one created. Only when it is absent is the POST sent again, within the same budget.
    /// The attempt may still land after that list was read (the portal probes the target
    /// before it stores anything, docs/docspace-api.md §9): the repeat is then refused as a
    /// duplicate (§15), and the list is read once more to find the webhook the earlier attempt
    /// created.
    pub(super) async fn create_once(
        &self,
        endpoint: &Endpoint,
        payload: &Payload<'_>,
        body: &WebhookBody,
    ) -> Result<LiveWebhook, ApiError> {
        let mut slot = self.slot(endpoint).await?;
        let mut attempt = 1;
        // Whether an earlier attempt of this call may have been carried out.
        let mut may_exist = false;
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
                Err(e @ ApiError::NotSent { .. }) => {
                    return Err(failed.map_or(e, |last| self.not_retried(last)));
                }
                Err(e) => e,
            };
            if may_exist && error.is_duplicate() {
                return match self.find_created(body).await {
                    Some(found) => {
                        self.emit(ClientEvent::CreateLanded {
                            id: found.id,
                            name: found.name.clone(),
                        });
                        Ok(found)
                    }
                    None => Err(error),
                };
            }
            if !error.is_retryable() || attempt >= self.policy().attempts {
                return Err(error);
            }
            attempt += 1;
            slot.retrying(true);
            let check = may_have_landed(&error);
            may_exist |= check;
            let go_on = self.pause(endpoint, &error, attempt, check).await;
            if check {
                // If the list cannot be read either, whether the POST landed is unknown: the
                // POST's own error says what went wrong, and a rerun's plan shows the state.
                let Ok(live) = self.list().await else {
                    return Err(error);
                };
                if let Some(found) = find(live, body) {
                    self.emit(ClientEvent::CreateFound {
                        id: found.id,
                        name: found.name.clone(),
                    });
                    return Ok(found);
                }
            }
            if !go_on {
                return Err(self.not_retried(error));
            }
            failed = Some(error);
        }
    }

    /// The webhook with exactly `body`'s (name, uri) in a fresh list, if the list can be read.
    async fn find_created(&self, body: &WebhookBody) -> Option<LiveWebhook> {
        find(self.list().await.ok()?, body)
    }

    /// Whether the stop switch ends this request's retrying. A retry is a new request, and once
    /// the run stops no new write is sent; reads go on, and so does the follow-up call of a
    /// create the portal already has (`Client::follow_up`).
    fn stopping(&self, endpoint: &Endpoint) -> bool {
        self.halt().is_stopped() && self.may_stop(endpoint)
    }

    /// Whether a stopped run holds this request back: every write but a create's follow-up.
    pub(super) fn may_stop(&self, endpoint: &Endpoint) -> bool {
        endpoint.method != Method::GET && !self.is_follow_up()
    }

    fn not_retried(&self, last: ApiError) -> ApiError {
        ApiError::NotRetried {
            reason: self
                .halt()
                .reason()
                .map_or_else(|| "stopped".into(), ToString::to_string),
            last: Box::new(last),
        }
    }

    /// Announces the wait before `attempt`, then waits. Returns false when the stop switch
    /// forbids sending the request again: at once when it is already thrown, or as soon as it
    /// is. A `check_first` wait is never cut short: the list read after it tells whether the
    /// create landed, and so whether its follow-up call is needed.
    async fn pause(
        &self,
        endpoint: &Endpoint,
        error: &ApiError,
        attempt: u32,
        check_first: bool,
    ) -> bool {
        let stopping = self.stopping(endpoint);
        if stopping && !check_first {
            return false;
        }
        let delay = self.policy().backoff(attempt);
        // A stopping run waits only to look for the create, then sends nothing: there is no
        // retry to announce.
        if !stopping {
            self.emit(ClientEvent::Retry {
                endpoint: endpoint.clone(),
                attempt,
                attempts: self.policy().attempts,
                delay,
                reason: reason(error),
                check_first,
            });
        }
        if check_first || !self.may_stop(endpoint) {
            tokio::time::sleep(delay).await;
        } else {
            self.nap(delay).await;
        }
        !self.stopping(endpoint)
    }
}

fn find(live: Vec<LiveWebhook>, body: &WebhookBody) -> Option<LiveWebhook> {
    live.into_iter()
        .find(|w| w.name == body.name && w.uri == body.uri)
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
