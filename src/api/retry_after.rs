//! What an answer says about the portal's rate limit: `Retry-After` (seconds or an HTTP date) and
//! the `X-RateLimit-*` headers of DocSpace's limiter (docs/docspace-api.md §17). A header that
//! cannot be read is absent, never an error: these only steer how fast the client goes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`, as a wait from now.
    pub reset: Option<Duration>,
    pub retry_after: Option<RetryAfter>,
    /// A `Retry-After` came that could not be read: no wait, but not "none given" either.
    pub retry_after_unread: bool,
}

impl RateHeaders {
    pub(super) fn read(headers: &HeaderMap, now: SystemTime) -> RateHeaders {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let number = |name| text(name).and_then(|v| v.trim().parse::<u64>().ok());
        let retry_after = text(RETRY_AFTER.as_str()).and_then(|v| parse_retry_after(v, now));
        RateHeaders {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset").map(|at| until(after(UNIX_EPOCH, at), now)),
            retry_after,
            retry_after_unread: retry_after.is_none() && headers.contains_key(RETRY_AFTER),
        }
    }
}

/// `Retry-After` as a wait from `now`, and the moment it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter {
    pub wait: Duration,
    pub at: SystemTime,
}

/// `Retry-After` in any form RFC 9110 allows: seconds or an HTTP date (a past one is no wait).
/// A wait past `LAST_HTTP_DATE` (too many digits for any integer included) ends there: it stops
/// a run just the same, and every moment and sum computed from it stays in range.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<RetryAfter> {
    let value = value.trim();
    let at = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value
            .parse()
            .map_or(last_http_date(), |seconds| after(now, seconds))
    } else {
        httpdate::parse_http_date(value).ok()?
    };
    Some(RetryAfter {
        wait: until(at, now),
        at,
    })
}

/// The last moment an HTTP date can show: 9999-12-31 23:59:59 UTC (`httpdate` panics after).
const LAST_HTTP_DATE: u64 = 253_402_300_799;

fn last_http_date() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(LAST_HTTP_DATE)
}

/// `seconds` after `from`, at most `LAST_HTTP_DATE`.
fn after(from: SystemTime, seconds: u64) -> SystemTime {
    let at = from.checked_add(Duration::from_secs(seconds));
    at.map_or(last_http_date(), |at| at.min(last_http_date()))
}

/// A moment as an HTTP date (`Sat, 28 Nov 2026 00:00:00 GMT`), unambiguous in any time zone; one
/// past the last HTTP date is that date "or later".
pub(crate) fn http_date(at: SystemTime) -> String {
    if at >= last_http_date() {
        format!("{} or later", httpdate::fmt_http_date(last_http_date()))
    } else {
        httpdate::fmt_http_date(at)
    }
}

fn until(at: SystemTime, now: SystemTime) -> Duration {
    at.duration_since(now).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    /// 2015-10-21 07:28:00 UTC.
    const THEN: u64 = 1_445_412_480;

    fn at(seconds: u64) -> SystemTime {
        after(UNIX_EPOCH, seconds)
    }

    #[test]
    fn seconds_and_every_date_form_are_read() {
        let now = at(THEN - 30);
        for value in [
            "30",
            " 30 ",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
        ] {
            let parsed = parse_retry_after(value, now).unwrap_or_else(|| panic!("{value}"));
            assert_eq!(parsed.wait, Duration::from_secs(30), "{value}");
            assert_eq!(parsed.at, at(THEN), "{value}");
        }
    }

    #[test]
    fn a_date_in_the_past_is_no_wait_and_garbage_is_nothing() {
        let late = parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at(THEN + 5)).unwrap();
        assert_eq!(late.wait, Duration::ZERO);
        for bad in ["", "soon", "-5", "1.5", "Wed, 32 Oct 2015 07:28:00 GMT"] {
            assert_eq!(parse_retry_after(bad, at(THEN)), None, "{bad:?}");
        }
    }

    #[test]
    fn the_date_is_shown_as_an_http_date() {
        assert_eq!(http_date(at(THEN)), "Wed, 21 Oct 2015 07:28:00 GMT");
        let last = "Fri, 31 Dec 9999 23:59:59 GMT or later";
        assert_eq!(http_date(at(LAST_HTTP_DATE)), last);
        assert_eq!(http_date(at(LAST_HTTP_DATE) + Duration::from_secs(1)), last);
    }

    #[test]
    fn waits_past_the_last_http_date_end_there() {
        let now = at(THEN);
        let last = at(LAST_HTTP_DATE);
        for value in [
            "300000000000",
            "18446744073709551615",
            "99999999999999999999999",
        ] {
            let parsed = parse_retry_after(value, now).unwrap_or_else(|| panic!("{value}"));
            assert_eq!(parsed.at, last, "{value}");
            assert_eq!(parsed.wait, last.duration_since(now).unwrap(), "{value}");
        }
        let mut headers = HeaderMap::new();
        for reset in [u64::MAX, THEN + 300_000_000_000] {
            headers.insert(
                "x-ratelimit-reset",
                HeaderValue::from_str(&reset.to_string()).unwrap(),
            );
            let reset = RateHeaders::read(&headers, now).reset;
            assert_eq!(reset, Some(last.duration_since(now).unwrap()));
        }
    }

    #[test]
    fn rate_headers_are_read_and_bad_ones_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert("X-RateLimit-Limit", HeaderValue::from_static("1500"));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("12"));
        headers.insert(
            "X-RateLimit-Reset",
            HeaderValue::from_str(&(THEN + 42).to_string()).unwrap(),
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let now = at(THEN);
        assert_eq!(
            RateHeaders::read(&headers, now),
            RateHeaders {
                limit: Some(1500),
                remaining: Some(12),
                reset: Some(Duration::from_secs(42)),
                retry_after: Some(RetryAfter {
                    wait: Duration::from_secs(7),
                    at: at(THEN + 7),
                }),
                retry_after_unread: false,
            }
        );

        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("lots"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1"));
        let read = RateHeaders::read(&headers, now);
        assert_eq!(read.remaining, None);
        assert_eq!(
            read.reset,
            Some(Duration::ZERO),
            "a reset in the past is now"
        );
        assert_eq!(
            RateHeaders::read(&HeaderMap::new(), now),
            RateHeaders::default()
        );
    }
}
