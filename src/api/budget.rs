//! A model of the portal's request budget, fed by the `X-RateLimit-*` headers of every answer:
//! how much is left, and how fast it comes back.
//!
//! The portal's limiter is seen only through those headers, so it is modelled as a token
//! bucket whose refill rate is measured: between two readings, what is left plus what the
//! portal accepted in between grows only by refill. That fits a token bucket exactly, a
//! sliding window (DocSpace's 1,500 a minute) as requests age out of it, and a fixed window
//! through `X-RateLimit-Reset`. Readings lag behind the requests (answers come back while later
//! requests are already out), so whatever was sent after the latest reading counts as spent.
//!
//! Invariant: the model errs on the slow side. `Remaining` is rounded down by the portal, a
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
    /// The request the answer was for, numbered in the order requests were let out.
    seq: u64,
    /// When that request was let out: the closest known moment to the portal counting it.
    at: Instant,
    remaining: f64,
    /// `remaining` plus every request the portal accepted up to this one: it grows only as
    /// the budget refills.
    level: f64,
}

#[derive(Debug, Default)]
pub(super) struct Budget {
    latest: Option<Reading>,
    /// The first reading since the budget was last seen full: refill is measured from it, over
    /// the longest stretch available.
    base: Option<Reading>,
    /// Requests a second, once measured.
    refill: Option<f64>,
    limit: Option<f64>,
    reset: Option<Instant>,
}

impl Budget {
    /// Takes in the headers of the answer to request `seq`, let out at `at`, when `accepted`
    /// requests up to it (itself included) were not refused.
    pub fn read(&mut self, seq: u64, at: Instant, accepted: u64, headers: &RateHeaders) {
        // An answer that overtook an earlier one's says more: keep the newest request's.
        if self.latest.is_some_and(|l| l.seq >= seq) {
            return;
        }
        let Some(remaining) = headers.remaining else {
            // Answers without the headers: what the last one said is no longer known to hold.
            (self.latest, self.base) = (None, None);
            return;
        };
        let remaining = remaining as f64;
        let reading = Reading {
            seq,
            at,
            remaining,
            level: remaining + accepted as f64,
        };
        if let Some(limit) = headers.limit {
            self.limit = Some(limit as f64);
        }
        // A reset already passed says nothing about the budget after this reading.
        self.reset = headers
            .reset
            .filter(|d| !d.is_zero())
            .map(|d| Instant::now() + d);
        // A full budget wastes its refill, so a stretch across one would measure too little.
        let full = self.limit.is_some_and(|l| remaining >= l - 1.0);
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
        self.latest = Some(reading);
    }

    /// How long to hold the next request back, `None` when it may go now. `sent` requests
    /// were let out so far, the last at `last_sent`.
    pub fn wait(&self, now: Instant, sent: u64, last_sent: Option<Instant>) -> Option<Duration> {
        let latest = self.latest?;
        let mut tokens = latest.remaining;
        if let Some(rate) = self.refill {
            tokens += rate * now.saturating_duration_since(latest.at).as_secs_f64();
        }
        if let Some(limit) = self.limit {
            tokens = tokens.min(limit);
            if self.reset.is_some_and(|reset| now >= reset) {
                tokens = limit;
            }
        }
        tokens -= sent.saturating_sub(latest.seq) as f64;
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

    /// What the latest reading says is left, and of how much.
    pub fn left(&self) -> (u64, Option<u64>) {
        let remaining = self.latest.map_or(0.0, |l| l.remaining);
        (remaining as u64, self.limit.map(|l| l as u64))
    }

    /// Whether at least half the budget is left: pacing is over until it runs low again.
    pub fn plentiful(&self) -> bool {
        match (self.latest, self.limit) {
            (Some(latest), Some(limit)) => latest.remaining >= limit / 2.0,
            _ => false,
        }
    }

    pub fn limit(&self) -> Option<u64> {
        self.limit.map(|l| l as u64)
    }

    #[cfg(test)]
    pub fn refill(&self) -> Option<f64> {
        self.refill
    }
}
