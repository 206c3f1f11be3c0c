//! Sending again what failed in a way that may pass, as the retry policy (`api/retry.rs`)
//! allows: `send` for GET, PUT and DELETE, which the portal can safely receive twice, and the
//! waits and stop rules that `create` shares.
//!
//! Invariants: every wait is reported through the event sink before it starts; a 429 is sent
//! again, without counting, once the pause is over (`api/limits.rs`: the wait there is
//! bounded by `max_wait`, not by attempts); a call stopped before its next attempt (`NotSent`)
//! ends with the failure of the attempt before, if there was one. Once the run's stop switch
//! is thrown, no write is retried (the follow-up of a create excepted) and the waits of those
//! that would be end at once.

use std::time::Duration;

use serde_json::Value;

use super::Client;
use super::request::Payload;
use crate::api::error::{ApiError, Endpoint};
use crate::api::event::ClientEvent;
use crate::api::retry;
use crate::halt::StopReason;

impl Client {
    /// `send_once`, repeated while the failure is retryable and attempts remain. POST goes
    /// through `create_retrying` instead.
    pub(super) async fn send(
        &self,
        endpoint: &Endpoint,
        payload: Option<&Payload<'_>>,
    ) -> Result<Value, ApiError> {
        let mut place = self.limits().place();
        let mut attempt = 1;
        let mut failed = None;
        loop {
            let result = self.send_once(endpoint, payload, &mut place).await;
            place.retrying(false);
            match result {
                Err(e) if self.wait_out(&e) => failed = Some(e),
                Err(e @ ApiError::RateLimited { .. }) if self.interrupted() => {
                    return Err(self.not_retried(e));
                }
                Err(e) if e.is_retryable() && attempt < self.policy().attempts => {
                    attempt += 1;
                    place.retrying(true);
                    if !self.pause(endpoint, &e, attempt, false).await {
                        return Err(self.not_retried(e));
                    }
                    failed = Some(e);
                }
                Err(e @ ApiError::NotSent { .. }) => return Err(self.held_back(e, failed)),
                result => return result,
            }
        }
    }

    /// Whether a signal stopped the run: a write it keeps from being sent again is reported as
    /// not retried (interrupted), whatever its last answer was.
    pub(super) fn interrupted(&self) -> bool {
        matches!(self.halt().reason(), Some(StopReason::Signal { .. }))
    }

    /// The error of a call the stopped run kept from its next attempt: after a signal, the last
    /// failure marked as not retried; after a throttle stop, the portal's own last refusal.
    pub(super) fn held_back(&self, not_sent: ApiError, failed: Option<ApiError>) -> ApiError {
        match failed {
            Some(last) if self.interrupted() => self.not_retried(last),
            Some(last) => last,
            None => not_sent,
        }
    }

    /// Whether `error` is a 429 to wait out: the gate holds the next attempt until the
    /// portal's time, and it does not count as a retry. Not once the run is stopped.
    pub(super) fn wait_out(&self, error: &ApiError) -> bool {
        matches!(error, ApiError::RateLimited { .. }) && !self.halt().is_stopped()
    }

    /// Whether the stop switch ends this request's retrying. A retry is a new request, and once
    /// the run stops no new write is sent; reads go on, and so does the follow-up call of a
    /// create the portal already has (`Client::follow_up`).
    fn stopping(&self, endpoint: &Endpoint) -> bool {
        self.halt().is_stopped() && self.may_stop(endpoint)
    }

    /// The failure of the last attempt, as the reason a stopped run did not send it again.
    pub(super) fn not_retried(&self, last: ApiError) -> ApiError {
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
    pub(super) async fn pause(
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
                reason: retry::reason(error),
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

    /// Sleeps `delay`, or less when the run is stopped meanwhile.
    async fn nap(&self, delay: Duration) {
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = self.halt().stopped() => {}
        }
    }
}
