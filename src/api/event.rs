//! What the client tells its caller while it works: each request (for `-v`), each retry, each
//! throttled pause and the start of pacing, and a create found after its answer was lost or
//! after it landed late.
//!
//! The client never prints; it hands these to the `EventSink` in `ClientOptions`, and the
//! commands decide what reaches the terminal. Invariant: an event holds only the method, the
//! path, statuses, durations and texts that already passed the error sanitizer, never a header,
//! a body, the API key or a secret, so any event may be shown.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::error::Endpoint;

/// Receives every `ClientEvent`. Called from the task that sent the request; keep it quick.
pub type EventSink = Arc<dyn Fn(&ClientEvent) + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// One request went out; `status` is `None` when no answer came (timeout, connection).
    Request {
        endpoint: Endpoint,
        status: Option<u16>,
        elapsed: Duration,
    },
    /// A retryable failure; attempt `attempt` of `attempts` follows after `delay`.
    Retry {
        endpoint: Endpoint,
        attempt: u32,
        attempts: u32,
        delay: Duration,
        /// Why, in a few words (e.g. `HTTP 503: Service Unavailable`).
        reason: String,
        /// A create that may have landed: the list is checked before posting again.
        check_first: bool,
    },
    /// A 429: every request of the run waits `pause`. Said once per pause, however many
    /// requests were refused together; `used` is the throttled waiting so far, this pause
    /// included, of the `max_wait` a run may spend.
    Paused {
        endpoint: Endpoint,
        /// Whether `pause` is the portal's `Retry-After` (else the client's own backoff).
        asked: bool,
        pause: Duration,
        /// How many writes may run at once after the pause.
        writes: usize,
        /// The time between requests after it, when a refusal taught the portal's rate.
        spacing: Option<Duration>,
        used: Duration,
        max_wait: Duration,
    },
    /// The `X-RateLimit-*` headers say the portal's budget is nearly used up: requests are
    /// spaced to the rate it refills at whenever it is. Said once.
    Pacing { limit: Option<u64> },
    /// A create found in the list: its answer was lost, or (`landed`) its repeat was refused
    /// as a duplicate because an earlier attempt landed late. It is not posted again.
    CreateFound { id: i32, name: String, landed: bool },
}

impl fmt::Display for ClientEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientEvent::Request {
                endpoint,
                status,
                elapsed,
            } => {
                let ms = elapsed.as_millis();
                match status {
                    Some(status) => write!(f, "{endpoint} -> HTTP {status} in {ms} ms"),
                    None => write!(f, "{endpoint} -> no answer after {ms} ms"),
                }
            }
            ClientEvent::Retry {
                endpoint,
                attempt,
                attempts,
                delay,
                reason,
                check_first,
            } => {
                let check = if *check_first {
                    ", unless the webhook list shows it was created after all"
                } else {
                    ""
                };
                write!(
                    f,
                    "retrying {endpoint} in {} (attempt {attempt} of {attempts}){check}: {reason}",
                    Secs(*delay)
                )
            }
            ClientEvent::Paused {
                endpoint,
                asked,
                pause,
                writes,
                spacing,
                used,
                max_wait,
            } => {
                let rate = match spacing {
                    None => String::new(),
                    Some(l) if *l <= Duration::from_secs(1) => format!(
                        " and {} request(s) a second",
                        Duration::from_secs(1).as_nanos() / l.as_nanos().max(1)
                    ),
                    Some(l) => format!(" and one request every {:.1} s", l.as_secs_f64()),
                };
                let why = if *asked {
                    "as it asks (Retry-After)"
                } else {
                    "(it gave no Retry-After)"
                };
                write!(
                    f,
                    "the portal is limiting the request rate (HTTP 429 on {endpoint}): pausing \
                     all requests for {} {why}, then at most {writes} write(s) at a time{rate}; \
                     {} of --max-wait {} used",
                    Secs(*pause),
                    Secs(*used),
                    Secs(*max_wait)
                )
            }
            ClientEvent::Pacing { limit } => {
                let limit = limit
                    .map(|l| format!(" (X-RateLimit-Limit: {l})"))
                    .unwrap_or_default();
                write!(
                    f,
                    "the portal's rate limit{limit} is nearly used up: spacing requests to the \
                     rate it refills at"
                )
            }
            ClientEvent::CreateFound { id, name, landed } => {
                let how = if *landed {
                    "by an earlier attempt that landed late; the portal refused the repeat as a \
                     duplicate"
                } else {
                    "although the answer to its POST was lost; not posting it again"
                };
                write!(f, "webhook {name:?} was created (#{id}) {how}")
            }
        }
    }
}

/// The portal's per-minute window never asks for more; a longer wait is the daily limit.
const LONGEST_MINUTE_WAIT: Duration = Duration::from_secs(60);

/// Why a run stops for a 429 (the stop switch's message, `StopReason::Throttled`): the limit,
/// when (`at`) the portal takes requests again after `pause` (in its seconds), and how this is
/// more than `--max-wait` allows, `used` being the throttled waiting of every portal so far.
pub(crate) fn stop_message(
    pause: Duration,
    at: SystemTime,
    limit: Option<u64>,
    used: Duration,
    max_wait: Duration,
) -> String {
    let limit = limit
        .map(|l| format!(" (X-RateLimit-Limit: {l})"))
        .unwrap_or_default();
    let mut message = format!(
        "the portal's rate limit{limit} is reached and it accepts requests again at {}, in {} \
         s: more waiting than the run's --max-wait {} s allows",
        super::retry_after::http_date(at),
        pause.as_secs(),
        max_wait.as_secs()
    );
    if !used.is_zero() {
        message.push_str(&format!(" ({} s already spent waiting)", used.as_secs()));
    }
    if pause > LONGEST_MINUTE_WAIT {
        message.push_str(
            "; DocSpace asks for a wait this long when its daily limit of 10,000 POST/PUT \
             requests is used up",
        );
    }
    message
}

/// A wait as a person reads it: `30 s`, `1.2 s`, `250 ms`.
struct Secs(Duration);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_nanos() == 0 {
            write!(f, "{} s", d.as_secs())
        } else if d < Duration::from_secs(1) {
            write!(f, "{} ms", d.as_millis())
        } else {
            write!(f, "{:.1} s", d.as_secs_f64())
        }
    }
}
