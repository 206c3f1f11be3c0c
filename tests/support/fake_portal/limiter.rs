//! The rate limiter in front of the controller (docs/docspace-api.md §17), off unless a
//! test turns it on: a token bucket of requests (`RateLimit`: so many a second, bursts up to a
//! size) or a sliding window like DocSpace's (`SlidingWindow`: at most so many requests in any
//! window), a cap on concurrent writes, and a daily count of POST/PUT.
//!
//! Like DocSpace's, a refusal is a 429 with an empty body, `Retry-After` in whole seconds and
//! the `X-RateLimit-*` headers, and it costs nothing: a refused request takes no token, no
//! place in the window, and does not count as a write. By default passing requests carry the
//! same headers, so a client can see the budget run low before it runs out; DocSpace sends
//! them only on the 429 (§17), which `set_rate_headers_on_refusal_only` imitates. The bucket's
//! `X-RateLimit-Limit` is its burst size and `X-RateLimit-Reset` the second by which it is full
//! again; the window's are its size and the second its oldest request leaves it. A write
//! refused by the sliding window's cap on concurrent writes carries no header at all, as
//! DocSpace's concurrency limiter sets none. The daily count resets at midnight UTC and answers
//! with `Retry-After` up to 86,400 s, as the real daily limit does.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::reply::Reply;
use super::state::{Shared, WriteGuard};

/// `per_second` requests a second with bursts of up to `burst` (a token bucket that starts
/// full), and at most `max_concurrent_writes` POST, PUT or DELETE at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
    pub max_concurrent_writes: usize,
}

/// The `SensitiveApi` policy of the two retry endpoints (docs/docspace-api.md §17, §21):
/// `requests` per `window` for each path, counted apart from the bucket. `second` is how long
/// one second of `Retry-After` lasts, so a test can shrink the window and keep the answer's
/// arithmetic (as the client's `throttle_unit` does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryLimit {
    pub requests: usize,
    pub window: Duration,
    pub second: Duration,
}

impl RetryLimit {
    /// The server's: 5 requests per 15 minutes per path.
    pub const SERVER: RetryLimit = RetryLimit {
        requests: 5,
        window: Duration::from_secs(900),
        second: Duration::from_secs(1),
    };
}

/// At most `limit` requests in any `window` (the arrival of each is remembered for a window),
/// and at most `max_concurrent_writes` POST, PUT or DELETE at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlidingWindow {
    pub limit: u32,
    pub window: Duration,
    pub max_concurrent_writes: usize,
}

#[derive(Debug, Default)]
pub(super) struct Limiter {
    bucket: Option<Bucket>,
    sliding: Option<(SlidingWindow, VecDeque<Instant>)>,
    /// Whether passing answers go without the `X-RateLimit-*` headers, as DocSpace's do.
    refusal_only: bool,
    /// POST/PUT allowed a day, and how many were accepted.
    daily_writes: Option<(u64, u64)>,
    /// The retry policy, and when each path's admitted retries were let in.
    retries: Option<(RetryLimit, HashMap<String, VecDeque<Instant>>)>,
}

#[derive(Debug)]
struct Bucket {
    limit: RateLimit,
    tokens: f64,
    at: Instant,
}

impl Limiter {
    pub fn set_rate_limit(&mut self, limit: Option<RateLimit>) {
        self.bucket = limit.map(|limit| Bucket {
            limit,
            tokens: f64::from(limit.burst),
            at: Instant::now(),
        });
    }

    pub fn set_sliding_window(&mut self, window: Option<SlidingWindow>) {
        self.sliding = window.map(|w| (w, VecDeque::new()));
    }

    pub fn set_refusal_only(&mut self, on: bool) {
        self.refusal_only = on;
    }

    pub fn set_daily_writes(&mut self, limit: Option<u64>) {
        self.daily_writes = limit.map(|l| (l, 0));
    }

    pub fn set_retry_limit(&mut self, limit: Option<RetryLimit>) {
        self.retries = limit.map(|l| (l, HashMap::new()));
    }
}

/// Decides on a retry request (`PUT .../webhook/retry` or `.../webhook/{id}/retry`, `path`
/// lowercased): each path has its own budget. A refusal costs nothing.
pub(super) fn admit_retry(shared: &Shared, method: &str, path: &str) -> Result<(), Reply> {
    if !method.eq_ignore_ascii_case("PUT") || !path.ends_with("/retry") {
        return Ok(());
    }
    let mut inner = shared.lock();
    let Some((limit, paths)) = &mut inner.limiter.retries else {
        return Ok(());
    };
    let now = Instant::now();
    let admitted = paths.entry(path.to_owned()).or_default();
    while admitted
        .front()
        .is_some_and(|at| now.duration_since(*at) >= limit.window)
    {
        admitted.pop_front();
    }
    if admitted.len() < limit.requests {
        admitted.push_back(now);
        return Ok(());
    }
    let oldest = admitted.front().copied().unwrap_or(now);
    let left = limit.window.saturating_sub(now.duration_since(oldest));
    let seconds = (left.as_secs_f64() / limit.second.as_secs_f64().max(1e-9))
        .ceil()
        .max(1.0) as u64;
    Err(refusal(
        seconds.to_string(),
        limit.requests as u64,
        unix_now().ceil() as u64 + seconds,
    ))
}

/// A 429 as DocSpace's limiter sends it: no body, `Retry-After` as given (seconds, or a date).
pub(super) fn refusal(retry_after: String, limit: u64, reset: u64) -> Reply {
    Reply::empty(429)
        .header("Retry-After", retry_after)
        .header("X-RateLimit-Limit", limit.to_string())
        .header("X-RateLimit-Remaining", "0".to_owned())
        .header("X-RateLimit-Reset", reset.to_string())
}

pub(super) fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A request's place among the concurrent writes (held until its answer is sent), and the
/// headers for its answer.
pub(super) type Admitted<'a> = (Option<WriteGuard<'a>>, Vec<(&'static str, String)>);

/// Decides on a request that reaches the application.
pub(super) fn admit<'a>(shared: &'a Shared, method: &str) -> Result<Admitted<'a>, Reply> {
    let write = !method.eq_ignore_ascii_case("GET");
    let counted = method.eq_ignore_ascii_case("POST") || method.eq_ignore_ascii_case("PUT");
    let mut inner = shared.lock();
    let limiter = &mut inner.limiter;
    let now = unix_now();
    let cap = limiter
        .bucket
        .as_ref()
        .map(|b| b.limit.max_concurrent_writes)
        .or(limiter
            .sliding
            .as_ref()
            .map(|(w, _)| w.max_concurrent_writes));
    let guard = match (write, cap) {
        (false, _) => None,
        (true, None) => Some(shared.write_guard()),
        (true, Some(cap)) => Some(shared.try_write_guard(cap).ok_or_else(
            || match &limiter.bucket {
                Some(b) => refusal(
                    "1".to_owned(),
                    u64::from(b.limit.burst),
                    now.ceil() as u64 + 1,
                ),
                None => Reply::empty(429),
            },
        )?),
    };
    if let Some((limit, used)) = limiter.daily_writes.filter(|_| counted)
        && used >= limit
    {
        let midnight = (now as u64 / 86_400 + 1) * 86_400;
        let wait = midnight - now as u64;
        return Err(refusal(wait.to_string(), limit, midnight));
    }
    let mut headers = Vec::new();
    if let Some(bucket) = &mut limiter.bucket {
        let rate = f64::from(bucket.limit.per_second);
        let burst = f64::from(bucket.limit.burst);
        let elapsed = bucket.at.elapsed().as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = Instant::now();
        if bucket.tokens < 1.0 {
            let wait = Duration::from_secs_f64((1.0 - bucket.tokens) / rate);
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            let full = (now + (burst - bucket.tokens) / rate).ceil() as u64;
            return Err(refusal(seconds.to_string(), burst as u64, full));
        }
        bucket.tokens -= 1.0;
        let full = (now + (burst - bucket.tokens) / rate).ceil() as u64;
        headers = vec![
            ("X-RateLimit-Limit", (burst as u64).to_string()),
            ("X-RateLimit-Remaining", (bucket.tokens as u64).to_string()),
            ("X-RateLimit-Reset", full.to_string()),
        ];
    }
    if let Some((window, arrivals)) = &mut limiter.sliding {
        let at = Instant::now();
        while arrivals
            .front()
            .is_some_and(|t| at.duration_since(*t) >= window.window)
        {
            arrivals.pop_front();
        }
        let limit = u64::from(window.limit);
        // When the oldest request in the window leaves it: the next place frees then.
        let frees = |arrivals: &VecDeque<Instant>| {
            arrivals.front().map_or(Duration::ZERO, |oldest| {
                (*oldest + window.window).saturating_duration_since(at)
            })
        };
        if arrivals.len() as u64 >= limit {
            let wait = frees(arrivals).as_secs_f64();
            let seconds = wait.ceil().max(1.0) as u64;
            return Err(refusal(
                seconds.to_string(),
                limit,
                (now + wait).ceil() as u64,
            ));
        }
        arrivals.push_back(at);
        headers = vec![
            ("X-RateLimit-Limit", limit.to_string()),
            (
                "X-RateLimit-Remaining",
                (limit - arrivals.len() as u64).to_string(),
            ),
            (
                "X-RateLimit-Reset",
                ((now + frees(arrivals).as_secs_f64()).ceil() as u64).to_string(),
            ),
        ];
    }
    if limiter.refusal_only {
        headers.clear();
    }
    if let Some((_, used)) = limiter.daily_writes.as_mut().filter(|_| counted) {
        *used += 1;
    }
    Ok((guard, headers))
}
