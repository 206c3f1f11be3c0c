//! The portal's limits (docs/docspace-api.md §17), kept by every request of a client: the gate a
//! request passes before it goes out, and what its answer's headers say back. The rules, as a
//! user sees them: docs/faults-and-security.md ("Throttling", "Pacing", "--max-wait").
//!
//! The gate sits in the client, not in `apply`, because every request counts against the same
//! per-user limit (a create's list checks and follow-up calls too), and only the client sees the
//! headers. A write holds its place through its retries. Refusals of requests sent before a pause
//! began join it: one pause, said once.
//!
//! Invariants: once the run is stopped no request passes the gate (`ApiError::NotSent`) but those
//! a signal still lets out (reads, and a create's follow-up call); every wait ends when the run
//! stops; the state lock is never held across an `.await`.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use reqwest::Method;
use serde_json::Value;
use tokio::sync::Notify;

use super::ClientOptions;
use super::error::{ApiError, Endpoint};
use super::event::{ClientEvent, Secs};
use super::retry_after::{RateHeaders, http_date};
use crate::halt::StopReason;

/// The portal's documented limits (docs/docspace-api.md §17).
const MAX_WRITES: usize = 15;
const PER_MINUTE: usize = 1500;
const MINUTE: Duration = Duration::from_secs(60);
/// What a window the tool keeps to is longer than the portal's, by a twentieth of it: the
/// portal counts a request when it arrives, which may be later than it was let out here (a new
/// connection) for one window's requests and earlier (a pooled one) for the next's.
const MARGIN: u32 = 20;
/// The window the 1,500 are kept to: a minute and its margin, 63 s.
const WINDOW: Duration = Duration::from_millis(60_000 + 60_000 / MARGIN as u64);
/// 1,500 a minute, spaced evenly.
const SPACING: Duration = Duration::from_millis(40);
/// A hold for the window longer than this is said: a pipeline's log would look hung.
const SAID_HOLD: Duration = Duration::from_secs(5);

pub(super) struct Limits {
    state: Mutex<State>,
    /// Woken when a pause begins, a write ends, or a write no longer waits for its retry.
    changed: Notify,
    options: ClientOptions,
}

#[derive(Default)]
struct State {
    /// When the requests of the last minute went out, oldest first.
    recent: VecDeque<Instant>,
    /// Requests let out so far (also the number of the last one), and answered so far.
    sent: u64,
    answered: u64,
    latest: Option<Reading>,
    limit: Option<u64>,
    paused_until: Option<Instant>,
    /// `sent` when the last pause began: a refusal of a request sent before joins that pause.
    paused_after: u64,
    refused_in_a_row: u32,
    /// Whether a pause or the pacing was said: pacing is said once a run, not with each burst.
    said: bool,
    /// The end of the last hold for the 1,500 a window that was said: said once a hold.
    window_said: Option<Instant>,
    /// The spacing a refusal taught (`learned_spacing`), in the portal's time; never shortened.
    learned: Option<Duration>,
    /// How many writes may be under way (15, halved by refused writes), and how many are.
    write_cap: usize,
    writing: usize,
    /// Writes waiting for their retry, or for its answer.
    retrying: usize,
}

/// The latest `X-RateLimit-Remaining`, and when it was read.
#[derive(Clone, Copy)]
struct Reading {
    remaining: u64,
    /// Requests answered before its request went out: every other request sent may have been
    /// counted after it.
    answered_before: u64,
    reset: Option<Instant>,
}

/// A request the gate let out: its answer goes back through `Limits::answered`.
pub(super) struct Permit<'a> {
    limits: &'a Limits,
    seq: u64,
    answered_before: u64,
}

/// A write call's place among the writes under way (`Limits::place`), held through its
/// retries; a read's holds nothing.
pub(super) struct Place<'a> {
    limits: &'a Limits,
    held: bool,
    retrying: bool,
}

impl Place<'_> {
    /// While a write waits for its retry, no new write starts.
    pub(super) fn retrying(&mut self, on: bool) {
        if self.retrying != on {
            self.retrying = on;
            let mut s = self.limits.lock();
            s.retrying = if on { s.retrying + 1 } else { s.retrying - 1 };
            drop(s);
            self.limits.changed.notify_waiters();
        }
    }

    fn give_back(&mut self, when: impl FnOnce(&State) -> bool) {
        let mut s = self.limits.lock();
        if self.held && when(&s) {
            self.held = false;
            s.writing -= 1;
            drop(s);
            self.limits.changed.notify_waiters();
        }
    }
}

impl Limits {
    pub(super) fn new(options: &ClientOptions) -> Limits {
        Limits {
            state: Mutex::new(State {
                write_cap: MAX_WRITES,
                ..State::default()
            }),
            changed: Notify::new(),
            options: options.clone(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Why a request may not go out, once the run is stopped. A signal still lets out the
    /// `exempt` ones; a throttle stop lets nothing out, since the portal would refuse it.
    fn held_back(&self, exempt: bool) -> Option<String> {
        let reason = self.options.halt.reason()?;
        let signal = matches!(reason, StopReason::Signal { .. });
        (!(exempt && signal)).then(|| reason.to_string())
    }

    /// Resolves when the run stops; never, once it has (watching a thrown switch would spin).
    async fn stopping(&self) {
        if self.options.halt.is_stopped() {
            std::future::pending().await
        } else {
            self.options.halt.stopped().await
        }
    }

    pub(super) fn place(&self) -> Place<'_> {
        Place {
            limits: self,
            held: false,
            retrying: false,
        }
    }

    /// Waits for a place among the writes under way (a write's, kept from an earlier attempt of
    /// the call), then for the end of any pause and the pacing. `exempt`: a signal lets it out.
    pub(super) async fn admit<'a>(
        &'a self,
        endpoint: &Endpoint,
        exempt: bool,
        place: &mut Place<'a>,
    ) -> Result<Permit<'a>, ApiError> {
        let write = endpoint.method != Method::GET;
        // Fewer writes at a time since a pause: a place kept through it may be given back.
        place.give_back(|s| s.writing > s.write_cap);
        loop {
            let changed = self.changed.notified();
            if let Some(reason) = self.held_back(exempt) {
                let endpoint = endpoint.clone();
                return Err(ApiError::NotSent { endpoint, reason });
            }
            let now = Instant::now();
            // `None`: a write waits for a place among the writes under way.
            let (until, say) = {
                let mut s = self.lock();
                if write && !place.held {
                    // A retry does not wait for others': two of them would wait for each other.
                    place.held = s.writing < s.write_cap && (place.retrying || s.retrying == 0);
                    s.writing += usize::from(place.held);
                }
                if write && !place.held {
                    (None, Say::Nothing)
                } else if let Some((until, say)) = s.hold(now, self.options.throttle_unit) {
                    (Some(until), say)
                } else {
                    s.recent.push_back(now);
                    s.sent += 1;
                    return Ok(Permit {
                        limits: self,
                        seq: s.sent,
                        answered_before: s.answered,
                    });
                }
            };
            let limit = named(self.lock().limit);
            let said = match (say, until) {
                (Say::Spacing, _) => format!(
                    "the portal's rate limit{limit} is nearly used up: spacing requests to the \
                     rate it refills at"
                ),
                (Say::Window, Some(until)) => format!(
                    "{PER_MINUTE} requests went out in the last {} s, as many as the portal \
                     takes in a minute: holding requests for {}",
                    WINDOW.as_secs(),
                    Secs(Duration::from_secs(until.duration_since(now).as_secs()))
                ),
                _ => String::new(),
            };
            if !said.is_empty() {
                self.options.emit(ClientEvent::Said(said));
            }
            tokio::select! {
                () = changed => {}
                () = self.stopping() => {}
                () = tokio::time::sleep_until(until.unwrap_or(now).into()), if until.is_some() => {}
            }
        }
    }

    /// Takes in an answer's headers and, for a 429, the pause.
    pub(super) fn answered(
        &self,
        permit: Permit<'_>,
        endpoint: &Endpoint,
        headers: &RateHeaders,
        result: &Result<Value, ApiError>,
    ) {
        let event = {
            let mut s = self.lock();
            let now = Instant::now();
            s.limit = headers.limit.or(s.limit);
            // An answer without the headers shows no room: a reading holds until its reset (in
            // the portal's seconds), else until an answer without them.
            let unit = self.options.throttle_unit;
            s.latest = match headers.remaining {
                Some(remaining) => Some(Reading {
                    remaining,
                    answered_before: permit.answered_before,
                    reset: (headers.reset)
                        .and_then(|wait| now.checked_add(unit.mul_f64(wait.as_secs_f64()))),
                }),
                None => s
                    .latest
                    .filter(|r| r.reset.is_some_and(|reset| now < reset)),
            };
            if result.is_ok() {
                s.refused_in_a_row = 0;
            }
            if matches!(result, Err(ApiError::RateLimited { .. })) {
                self.throttled(&mut s, &permit, endpoint, headers)
            } else {
                None
            }
        };
        if let Some(event) = event {
            self.options.emit(event);
        }
    }

    fn throttled(
        &self,
        s: &mut State,
        permit: &Permit<'_>,
        endpoint: &Endpoint,
        headers: &RateHeaders,
    ) -> Option<ClientEvent> {
        if permit.seq <= s.paused_after {
            return None;
        }
        s.refused_in_a_row += 1;
        let options = &self.options;
        let retry_after = headers.retry_after;
        let asked = retry_after.map(|r| r.wait).filter(|d| !d.is_zero());
        let pause = asked
            .or(headers.reset.filter(|d| !d.is_zero()))
            .unwrap_or_else(|| options.backoff_ceiling(s.refused_in_a_row));
        let now = Instant::now();
        let current = s.paused_until.filter(|until| *until > now);
        let end = now + options.throttle_unit.mul_f64(pause.as_secs_f64());
        let cost = end.saturating_duration_since(current.unwrap_or(now));
        // The run's budget, locked after the state (never the other way round).
        let mut waited = options
            .waited
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *waited + cost
            > options
                .throttle_unit
                .mul_f64(options.max_wait.as_secs_f64())
        {
            // A Retry-After of no wait names a time the pause (from the reset) is not.
            let at = retry_after
                .filter(|_| asked.is_some())
                .map_or_else(|| SystemTime::now() + pause, |r| r.at);
            let used = self.portal(*waited);
            let message = stop_message(endpoint, pause, at, s.limit, used, options.max_wait);
            options.halt.stop(StopReason::Throttled { message });
            return None;
        }
        *waited += cost;
        let used = self.portal(*waited);
        drop(waited);
        s.paused_until = Some(current.map_or(end, |c| c.max(end)));
        // The retry endpoints' limit is their own, per path (docs/docspace-api.md §17): it
        // says nothing of the rate every other request may go at.
        if let Some(spacing) = learned_spacing(headers.limit, asked.or(headers.reset))
            .filter(|_| !endpoint.is_redelivery())
        {
            s.learned = Some(s.learned.map_or(spacing, |old| old.max(spacing)));
        }
        s.paused_after = s.sent;
        s.said = true;
        if endpoint.method != Method::GET {
            // Half of the writes under way (or of the cap, when fewer), at least one. Places held
            // now are given back as their writes come back to the gate or end.
            s.write_cap = (s.write_cap.min(s.writing) / 2).max(1);
        }
        self.changed.notify_waiters();
        // The cap only a refused write lowers: a refused read leaves it, and `--parallelism`
        // may hold the writes below it anyway, so it is said only when it changed.
        let writes = (endpoint.method != Method::GET)
            .then(|| format!("at most {} write(s) at a time", s.write_cap));
        let rate = s.learned.map(|l| match l {
            l if l <= Duration::from_secs(1) => format!(
                "{} request(s) a second",
                Duration::from_secs(1).as_nanos() / l.as_nanos().max(1)
            ),
            l => format!("one request every {:.1} s", l.as_secs_f64()),
        });
        let then: Vec<String> = writes.into_iter().chain(rate).collect();
        let then = if then.is_empty() {
            String::new()
        } else {
            format!(", then {}", then.join(" and "))
        };
        let why = match (asked, retry_after) {
            (Some(_), _) => "as it asks (Retry-After)",
            (None, Some(_)) => "(its Retry-After asks for no wait: 0 s, or a time already past)",
            // Its value is outside text, and no use to the reader: not shown.
            (None, None) if headers.retry_after_unread => {
                "(it gave a Retry-After the tool could not read)"
            }
            (None, None) => "(it gave no Retry-After)",
        };
        // `used` includes this pause.
        Some(ClientEvent::Paused(format!(
            "the portal is limiting the request rate (HTTP 429 on {endpoint}): pausing all \
             requests for {} {why}{then}; {} of --max-wait {} used",
            Secs(pause),
            Secs(used),
            Secs(options.max_wait)
        )))
    }

    /// A real duration in the portal's seconds (they differ under a test's unit), to the ms.
    fn portal(&self, real: Duration) -> Duration {
        let unit = self.options.throttle_unit.as_nanos().max(1);
        let millis = (real.as_nanos() * 1000 + unit / 2) / unit;
        Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
    }
}

/// What a hold says, once: the spacing once a run, a long hold for the window once a hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Say {
    Nothing,
    Spacing,
    Window,
}

impl State {
    /// Until when a request that would go out `now` waits, and what of it is said now; `None`:
    /// it may go.
    fn hold(&mut self, now: Instant, unit: Duration) -> Option<(Instant, Say)> {
        if let Some(until) = self.paused_until.filter(|until| *until > now) {
            return Some((until, Say::Nothing));
        }
        while self
            .recent
            .front()
            .is_some_and(|sent| now.duration_since(*sent) >= WINDOW)
        {
            self.recent.pop_front();
        }
        if let Some(oldest) = self
            .recent
            .front()
            .filter(|_| self.recent.len() >= PER_MINUTE)
        {
            let until = *oldest + WINDOW;
            let new = until > now + SAID_HOLD && self.window_said.is_none_or(|end| end <= now);
            if new {
                self.window_said = Some(until);
            }
            return Some((until, if new { Say::Window } else { Say::Nothing }));
        }
        let used_up = self.latest.is_some_and(|r| {
            r.reset.is_none_or(|reset| now < reset)
                && r.remaining.saturating_add(r.answered_before) < self.sent
        });
        let learned = self.learned.map(|l| unit.mul_f64(l.as_secs_f64()));
        let spacing = if used_up {
            learned.map_or(SPACING, |l| l.max(SPACING))
        } else {
            learned?
        };
        let next = self.recent.back().map(|last| *last + spacing)?;
        (next > now).then(|| {
            let said = used_up && !std::mem::replace(&mut self.said, true);
            (next, if said { Say::Spacing } else { Say::Nothing })
        })
    }
}

/// Why a run stops for a 429 (`StopReason::Throttled`); `used`: every portal's waiting so far.
/// Both waits are rounded up (the pause to seconds, beside a date in seconds; what was spent to
/// tenths), so the two said always add up to more than --max-wait.
fn stop_message(
    endpoint: &Endpoint,
    pause: Duration,
    at: SystemTime,
    limit: Option<u64>,
    used: Duration,
    max_wait: Duration,
) -> String {
    let limit = named(limit);
    let mut message = format!(
        "the portal's rate limit{limit} is reached and it accepts requests again at {}, in {} \
         s: more waiting than the run's --max-wait {} allows",
        http_date(at),
        pause.as_secs() + u64::from(pause.subsec_nanos() > 0),
        Secs(max_wait)
    );
    if !used.is_zero() {
        let tenths = u64::try_from(used.as_millis().div_ceil(100)).unwrap_or(u64::MAX);
        let used = Secs(Duration::from_millis(tenths.saturating_mul(100)));
        message.push_str(&format!(" ({used} already spent waiting)"));
    }
    // The per-minute window never asks for more: a longer wait for a write is the daily limit,
    // which counts POST and PUT only; the retry endpoints' own limit asks for up to 15 minutes.
    let daily = matches!(endpoint.method, Method::POST | Method::PUT) && !endpoint.is_redelivery();
    if pause > MINUTE && daily {
        message.push_str(
            "; DocSpace asks for a wait this long when its daily limit of 10,000 POST/PUT \
             requests is used up",
        );
    }
    message
}

fn named(limit: Option<u64>) -> String {
    limit
        .map(|l| format!(" (X-RateLimit-Limit: {l})"))
        .unwrap_or_default()
}

/// The spacing a 429 teaches (DocSpace sends its headers only on the refusal): its limit per its
/// wait in whole seconds, a twentieth slower (docs/faults-and-security.md, "Throttling"). A
/// sliding window's wait is at most its length, so this errs fast; a further refusal teaches
/// again. Nothing is learned from a wait past a minute (the daily limit, whole after the pause),
/// nor from a 429 that names no limit (a refused concurrent write: the halved writes answer it).
fn learned_spacing(limit: Option<u64>, wait: Option<Duration>) -> Option<Duration> {
    let (limit, wait) = (limit.filter(|l| *l > 0)?, wait?);
    if wait > MINUTE {
        return None;
    }
    let whole = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let window = Duration::from_secs(whole.max(1));
    Some((window + window / MARGIN) / u32::try_from(limit).unwrap_or(u32::MAX))
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.limits.lock().answered += 1;
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.retrying(false);
        self.give_back(|_| true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_teaches_its_limit_per_its_wait_in_whole_seconds() {
        let secs = Duration::from_secs_f64;
        let taught = |limit, wait| learned_spacing(limit, wait).map(|d| d.as_secs_f64());
        let close = |got: Option<f64>, want: f64| got.is_some_and(|g| (g - want).abs() < 1e-9);
        // 40 per second, a twentieth slower.
        assert!(close(taught(Some(40), Some(secs(1.0))), 1.05 / 40.0));
        // A wait of 1.2 s is a window of 2 s; a wait of 0 (a place just freed) one of 1 s.
        assert!(close(taught(Some(10), Some(secs(1.2))), 2.1 / 10.0));
        assert!(close(taught(Some(10), Some(Duration::ZERO)), 1.05 / 10.0));
        assert!(close(taught(Some(1500), Some(secs(60.0))), 63.0 / 1500.0));
        // The daily limit, a refusal that names no limit or no wait: nothing to learn.
        assert_eq!(taught(Some(10_000), Some(secs(61.0))), None);
        assert_eq!(taught(None, Some(secs(1.0))), None);
        assert_eq!(taught(Some(0), Some(secs(1.0))), None);
        assert_eq!(taught(Some(40), None), None);
    }

    /// The pause rounded down (1.4 s as 1 s, beside 3 s spent of 4 s) contradicted the stop.
    #[test]
    fn a_stop_says_waits_that_add_up_to_more_than_max_wait() {
        let put = Endpoint::new(Method::PUT, "/api/2.0/settings/webhook");
        let at = SystemTime::UNIX_EPOCH;
        let ms = Duration::from_millis;
        let said = |pause, used| stop_message(&put, pause, at, None, used, ms(4_000));
        assert_eq!(
            said(ms(1_400), ms(3_000)),
            "the portal's rate limit is reached and it accepts requests again at Thu, 01 Jan \
             1970 00:00:00 GMT, in 2 s: more waiting than the run's --max-wait 4 s allows (3 s \
             already spent waiting)"
        );
        assert!(said(ms(200), ms(3_810)).ends_with("in 1 s: more waiting than the run's --max-wait 4 s allows (3.9 s already spent waiting)"));
        assert!(said(ms(3_000), ms(1_001)).ends_with("in 3 s: more waiting than the run's --max-wait 4 s allows (1.1 s already spent waiting)"));
    }

    /// The portal counts 1,500 in any minute by arrival: the next minute's first request waits
    /// for a margin past the first one's minute, not just the minute.
    #[test]
    fn the_1501st_request_waits_past_the_minute_of_the_first() {
        let start = Instant::now();
        let mut state = State::default();
        state.recent.extend((0..PER_MINUTE).map(|_| start));
        let unit = Duration::from_secs(1);
        let held = state.hold(start + MINUTE, unit).map(|(until, _)| until);
        assert_eq!(held, Some(start + Duration::from_secs(63)));
        assert_eq!(state.hold(start + Duration::from_secs(63), unit), None);
    }

    /// A burst of 1,500 is held for the rest of its window without a word: said once a hold,
    /// and not at all when the hold is short.
    #[test]
    fn a_long_hold_for_the_window_is_said_once() {
        let start = Instant::now();
        let unit = Duration::from_secs(1);
        let secs = Duration::from_secs;
        let mut state = State::default();
        state.recent.extend((0..PER_MINUTE).map(|_| start));
        let said = |state: &mut State, at| state.hold(start + secs(at), unit).map(|(_, say)| say);
        assert_eq!(said(&mut state, 10), Some(Say::Window));
        assert_eq!(said(&mut state, 11), Some(Say::Nothing));
        assert_eq!(said(&mut state, 60), Some(Say::Nothing));
        // The next burst, a hold of its own.
        state.recent.clear();
        state
            .recent
            .extend((0..PER_MINUTE).map(|_| start + secs(63)));
        assert_eq!(said(&mut state, 70), Some(Say::Window));
        // Three seconds left of the window: not said.
        state.window_said = None;
        assert_eq!(said(&mut state, 123), Some(Say::Nothing));
    }
}
