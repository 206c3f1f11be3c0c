//! Pacing: one gate that every request of a client passes, so a run keeps to the portal's rate
//! limit instead of running into it, and a 429 means "later", never "failed".
//!
//! DocSpace limits each user to 1,500 requests a minute, 15 concurrent writes and 10,000
//! POST/PUT a day, says what is left in `X-RateLimit-*` headers, and answers 429 with
//! `Retry-After` at the limit (docs/docspace-api.md §17). The gate sits in the client, not in
//! `apply`, because every request counts against the same per-user limit (the list checks of a
//! create and the corrective calls too), and only the client sees the headers. It keeps:
//! - a pause: a 429 holds every request until the portal's time, said once however many
//!   requests were refused together;
//! - a window of concurrent writes (AIMD, `window.rs`), bounding both the write calls under way
//!   and their requests on the wire: a write holds its place for its whole call, retries
//!   included. While a failed write waits for its retry's answer, no new write starts, so a
//!   retried write goes before fresh ones instead of queueing behind them;
//! - the budget model (`budget.rs`): while it expects nothing left, requests are spaced to the
//!   rate the portal refills at, so a large apply runs at the limit without a storm of 429s;
//! - the wait budget: throttled pauses (pacing is progress, not waiting) add up to at most
//!   `max_wait` for the run. A pause beyond what is left of it throws the run's stop switch,
//!   with a message naming the limit and the time the portal accepts requests again.
//!
//! This model never waits: it says whether a request may go now (`Gate`), and the client
//! waits (`client/gate.rs`). Invariants: no request passes the gate once the run is stopped
//! (it fails as `ApiError::NotSent`); the state lock is never held across an `.await`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use tokio::sync::Notify;

use super::ClientOptions;
use super::budget::{Budget, Sent};
use super::error::{ApiError, Endpoint};
use super::event::{ClientEvent, Stop};
use super::retry::Policy;
use super::retry_after::RateHeaders;
use super::window::Window;
use crate::halt::{Halt, StopReason};

pub(super) struct Pacer {
    state: Mutex<State>,
    /// Woken whenever something a waiting request may be waiting for changes.
    pub(super) changed: Notify,
    pub(super) halt: Arc<Halt>,
    /// In the portal's seconds.
    max_wait: Duration,
    unit: Duration,
    /// For a 429 without `Retry-After`: the client's own backoff.
    policy: Policy,
}

#[derive(Default)]
struct State {
    /// Requests let out so far; also the number of the last one.
    sent: u64,
    last_sent: Option<Instant>,
    answered: u64,
    /// Answered, and not with a 429.
    accepted: u64,
    refused_in_a_row: u32,
    writes_in_flight: usize,
    /// Of those, waiting to be retried or for the retry's answer.
    writes_retrying: usize,
    /// Write requests sent and not yet answered: the window bounds these too, so calls that
    /// hold a place do not all send at once after a pause.
    writes_sending: usize,
    window: Window,
    paused_until: Option<Instant>,
    /// Throttled waiting so far, in real time.
    used: Duration,
    /// Whether pacing was said: once a run, as it comes and goes with every burst.
    pacing: bool,
    budget: Budget,
}

/// A write's place in the window, held for its whole call (a read's holds nothing).
pub(super) struct Slot<'a> {
    pacer: &'a Pacer,
    write: bool,
    retrying: bool,
}

impl<'a> Slot<'a> {
    /// A read's: it holds nothing.
    pub(super) fn read(pacer: &'a Pacer) -> Slot<'a> {
        Slot {
            pacer,
            write: false,
            retrying: false,
        }
    }

    /// Marks the write as failed and to be retried (new writes wait), or no longer.
    pub(super) fn retrying(&mut self, on: bool) {
        if !self.write || self.retrying == on {
            return;
        }
        self.retrying = on;
        let mut s = self.pacer.lock();
        if on {
            s.writes_retrying += 1;
        } else {
            s.writes_retrying = s.writes_retrying.saturating_sub(1);
            drop(s);
            self.pacer.changed.notify_waiters();
        }
    }
}

/// A request the gate let out, as the pacer reads its answer against.
pub(super) struct Permit<'a> {
    pacer: &'a Pacer,
    seq: u64,
    write: bool,
    answered_before: u64,
    accepted_before: u64,
    alone: bool,
}

pub(super) enum Gate<T> {
    Go(T),
    /// Until this moment, or until something changes.
    Wait(Option<Instant>, Option<ClientEvent>),
    Stopped(String),
}

impl Pacer {
    pub(super) fn new(options: &ClientOptions) -> Pacer {
        Pacer {
            state: Mutex::default(),
            changed: Notify::new(),
            halt: options.halt.clone(),
            max_wait: options.max_wait,
            unit: options.throttle_unit,
            policy: Policy::new(options),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Why a request may not go out, once the run is stopped. A signal still lets out the
    /// `exempt` ones (reads, and the follow-up call of a create the portal already has, so a
    /// webhook the file says is disabled does not stay enabled); a throttle stop lets nothing
    /// out, since the portal would refuse it anyway.
    fn held_back(&self, exempt: bool) -> Option<String> {
        let reason = self.halt.reason()?;
        let signal = matches!(reason, StopReason::Signal { .. });
        (!(exempt && signal)).then(|| reason.to_string())
    }

    pub(super) fn try_slot(&self, exempt: bool) -> Gate<Slot<'_>> {
        if let Some(reason) = self.held_back(exempt) {
            return Gate::Stopped(reason);
        }
        let mut s = self.lock();
        if s.writes_in_flight >= s.window.size() || s.writes_retrying > 0 {
            return Gate::Wait(None, None);
        }
        s.writes_in_flight += 1;
        Gate::Go(Slot {
            pacer: self,
            write: true,
            retrying: false,
        })
    }

    pub(super) fn try_pass(&self, write: bool, exempt: bool, now: Instant) -> Gate<Permit<'_>> {
        if let Some(reason) = self.held_back(exempt) {
            return Gate::Stopped(reason);
        }
        let mut s = self.lock();
        if let Some(until) = s.paused_until.filter(|until| *until > now) {
            return Gate::Wait(Some(until), None);
        }
        if write && s.writes_sending >= s.window.size() {
            return Gate::Wait(None, None);
        }
        // The portal named the time itself: the first request after a pause goes then, and
        // its answer is the fresh reading the others wait for.
        let pause_over = s.paused_until.take().is_some();
        if let Some(wait) = s
            .budget
            .wait(now, s.sent, s.last_sent)
            .filter(|_| !pause_over)
        {
            let said = std::mem::replace(&mut s.pacing, true);
            let event = (!said).then(|| ClientEvent::Pacing {
                limit: s.budget.limit(),
            });
            return Gate::Wait(Some(now + wait), event);
        }
        let alone = s.sent == s.answered;
        s.sent += 1;
        s.last_sent = Some(now);
        s.writes_sending += usize::from(write);
        Gate::Go(Permit {
            pacer: self,
            seq: s.sent,
            write,
            answered_before: s.answered,
            accepted_before: s.accepted,
            alone,
        })
    }

    /// Takes in the answer to `permit`'s request: its headers and, for a 429, the pause.
    pub(super) fn observe(
        &self,
        permit: &Permit<'_>,
        endpoint: &Endpoint,
        headers: &RateHeaders,
        result: &Result<Value, ApiError>,
    ) -> Option<ClientEvent> {
        let mut s = self.lock();
        let counted = !matches!(result, Err(ApiError::RateLimited { .. }));
        s.answered += 1;
        s.accepted += u64::from(counted);
        let sent = Sent {
            answered_before: permit.answered_before,
            accepted_before: permit.accepted_before,
            alone: permit.alone,
            counted,
        };
        s.budget.read(Instant::now(), sent, headers);
        let event = match result {
            Err(error @ ApiError::RateLimited { .. }) => {
                self.throttled(&mut s, permit, endpoint, error, headers)
            }
            Ok(_) => {
                s.refused_in_a_row = 0;
                if permit.write {
                    s.window.widen();
                }
                None
            }
            Err(error) => {
                if error.is_retryable() {
                    s.cut(permit);
                }
                None
            }
        };
        drop(s);
        self.changed.notify_waiters();
        event
    }

    fn throttled(
        &self,
        s: &mut State,
        permit: &Permit<'_>,
        endpoint: &Endpoint,
        error: &ApiError,
        headers: &RateHeaders,
    ) -> Option<ClientEvent> {
        s.refused_in_a_row += 1;
        s.cut(permit);
        let asked = error.retry_after().filter(|d| !d.is_zero());
        let pause = asked
            .or(headers.reset.filter(|d| !d.is_zero()))
            .unwrap_or_else(|| self.policy.ceiling(s.refused_in_a_row));
        let now = Instant::now();
        let current = s.paused_until.filter(|until| *until > now);
        let end = now + self.unit.mul_f64(pause.as_secs_f64());
        let cost = end.saturating_duration_since(current.unwrap_or(now));
        if s.used + cost > self.unit.mul_f64(self.max_wait.as_secs_f64()) {
            let at = match error {
                ApiError::RateLimited {
                    retry_at: Some(at), ..
                } => *at,
                _ => SystemTime::now() + pause,
            };
            let stop = Stop {
                pause,
                at,
                limit: headers.limit.or(s.budget.limit()),
                used: self.portal(s.used),
                max_wait: self.max_wait,
            };
            self.halt.stop(StopReason::Throttled {
                message: stop.to_string(),
            });
            return None;
        }
        s.used += cost;
        s.paused_until = Some(current.map_or(end, |c| c.max(end)));
        // The pause line says it all: no separate line when requests are spaced after it.
        s.pacing = true;
        // Refused with the requests of a pause already said: it only joins it.
        current.is_none().then(|| ClientEvent::Paused {
            endpoint: endpoint.clone(),
            asked: asked.is_some(),
            pause,
            writes: s.window.size(),
            used: self.portal(s.used),
            max_wait: self.max_wait,
        })
    }

    /// A real duration in the portal's seconds (they differ only under a test's unit), to
    /// the nearest millisecond.
    fn portal(&self, real: Duration) -> Duration {
        let unit = self.unit.as_nanos().max(1);
        let millis = (real.as_nanos() * 1000 + unit / 2) / unit;
        Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
    }
}

impl State {
    /// Cuts the write window for a refused or failed write.
    fn cut(&mut self, permit: &Permit<'_>) {
        if permit.write {
            self.window
                .cut(permit.seq, self.writes_in_flight, self.sent);
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if self.write {
            let mut s = self.pacer.lock();
            s.writes_sending = s.writes_sending.saturating_sub(1);
            drop(s);
            self.pacer.changed.notify_waiters();
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if !self.write {
            return;
        }
        let mut s = self.pacer.lock();
        s.writes_in_flight = s.writes_in_flight.saturating_sub(1);
        if self.retrying {
            s.writes_retrying = s.writes_retrying.saturating_sub(1);
        }
        drop(s);
        self.pacer.changed.notify_waiters();
    }
}

#[cfg(test)]
#[path = "pace_tests.rs"]
mod tests;
