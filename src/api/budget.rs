//! A model of the portal's request budget, fed by the `X-RateLimit-*` headers of every answer:
//! how much is left, and how fast it comes back.
//!
//! The portal's limiter is seen only through those headers, so it is modelled as a token
//! bucket whose refill rate is measured: between two readings, what is left plus what the
//! portal accepted in between grows only by refill. That fits a token bucket exactly, a
//! sliding window (DocSpace's 1,500 a minute) as requests age out of it, and a fixed window
//! through `X-RateLimit-Reset`.
//!
//! Concurrent requests are counted by the portal in an order the client cannot see, so a
//! reading is taken to hold only its own request and those answered before it was sent; every
//! other request sent so far counts as spent on top of it. Refill is measured only between
//! requests that went out alone, where that count is exact.
//!
//! Invariant: the model errs on the slow side. `Remaining` is rounded down by the portal,
//! refill is counted from when an answer came (not from when the portal counted it), a
//! measured refill leaves one request out, and while nothing is measured only one request now
//! and then goes out to read the headers afresh. The pacer relies on this: a 429 costs a whole
//! second of `Retry-After`, far more than a little caution does.

use std::time::{Duration, Instant};

use super::retry_after::RateHeaders;

/// The shortest stretch a refill is measured over: `Remaining` moves in whole requests, so a
/// shorter one would be mostly rounding.
const MIN_SPAN: Duration = Duration::from_millis(100);
/// With nothing measured yet, how often one request may go out to take a reading.
const PROBE: Duration = Duration::from_millis(100);
/// The longest the model alone holds requests back: then one goes out, and the portal's own
/// answer (a fresh reading, or a 429 with `Retry-After`) says more.
const PROBE_MAX: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy)]
struct Reading {
    /// When the answer came.
    at: Instant,
    remaining: f64,
    /// Requests answered before this one was sent: every other request sent is unaccounted.
    answered_before: u64,
    /// `remaining` plus the requests the portal accepted up to this one: it grows only by
    /// refill. Exact only for a request that went out alone.
    level: f64,
}

/// The request an answer was for, as the pacer let it out.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sent {
    pub answered_before: u64,
    pub accepted_before: u64,
    /// No other request was in flight when it went out.
    pub alone: bool,
    /// Not refused: the portal counted it.
    pub counted: bool,
}

#[derive(Debug, Default)]
pub(super) struct Budget {
    latest: Option<Reading>,
    /// The first lone reading since the budget was last seen full: refill is measured from
    /// it, over the longest stretch available.
    base: Option<Reading>,
    /// Requests a second, once measured.
    refill: Option<f64>,
    limit: Option<u64>,
    reset: Option<Instant>,
}

impl Budget {
    /// Takes in the headers of the answer to `sent`, come at `at`.
    pub(super) fn read(&mut self, at: Instant, sent: Sent, headers: &RateHeaders) {
        let Some(remaining) = headers.remaining else {
            // Answers without the headers: what earlier ones said is no longer known to hold.
            (self.latest, self.base) = (None, None);
            return;
        };
        let remaining = remaining as f64;
        let reading = Reading {
            at,
            remaining,
            answered_before: sent.answered_before,
            level: remaining + (sent.accepted_before + u64::from(sent.counted)) as f64,
        };
        if let Some(limit) = headers.limit {
            self.limit = Some(limit);
        }
        // A reset already passed says nothing about the budget after this reading.
        self.reset = headers.reset.filter(|d| !d.is_zero()).map(|d| at + d);
        self.latest = Some(reading);
        if !sent.alone {
            return;
        }
        // A full budget wastes its refill, so a stretch across one would measure too little.
        let full = self.limit.is_some_and(|l| remaining >= l as f64 - 1.0);
        match self.base {
            Some(base) if !full => {
                let span = at.saturating_duration_since(base.at);
                if span >= MIN_SPAN {
                    let rate = (reading.level - base.level - 1.0) / span.as_secs_f64();
                    self.refill = (rate > 0.0).then_some(rate);
                }
            }
            _ => self.base = Some(reading),
        }
    }

    /// What is left now, `sent` requests having gone out in all.
    fn tokens(&self, now: Instant, sent: u64) -> Option<f64> {
        let latest = self.latest?;
        // Its own request is in `remaining` already.
        let unaccounted = sent.saturating_sub(latest.answered_before + 1) as f64;
        let mut tokens = latest.remaining
            + self.refill.unwrap_or(0.0) * now.saturating_duration_since(latest.at).as_secs_f64();
        if let Some(limit) = self.limit.map(|l| l as f64) {
            tokens = tokens.min(limit);
            if self.reset.is_some_and(|reset| now >= reset) {
                tokens = limit;
            }
        }
        Some(tokens - unaccounted)
    }

    /// How long to hold the next request back, `None` when it may go now. `sent` requests
    /// were let out so far, the last at `last_sent`.
    pub(super) fn wait(
        &self,
        now: Instant,
        sent: u64,
        last_sent: Option<Instant>,
    ) -> Option<Duration> {
        let tokens = self.tokens(now, sent)?;
        if tokens >= 1.0 {
            return None;
        }
        let refilled = self
            .refill
            .map(|rate| now + Duration::from_secs_f64((1.0 - tokens) / rate));
        let probe = last_sent.map_or(now, |last| {
            last + if self.refill.is_some() {
                PROBE_MAX
            } else {
                PROBE
            }
        });
        let reset = self.reset.filter(|_| self.limit.is_some());
        let until = [refilled, Some(probe), reset]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(now);
        let wait = until.saturating_duration_since(now);
        (!wait.is_zero()).then_some(wait)
    }

    pub(super) fn limit(&self) -> Option<u64> {
        self.limit
    }

    #[cfg(test)]
    pub(super) fn refill(&self) -> Option<f64> {
        self.refill
    }
}
