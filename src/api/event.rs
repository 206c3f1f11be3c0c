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
use std::time::Duration;

use super::error::Endpoint;

/// Receives every `ClientEvent`. Called from the task that sent the request; keep it quick.
pub type EventSink = Arc<dyn Fn(&ClientEvent) + Send + Sync>;

/// Requests are kept apart (shown with `-v` only); every other event is its line, worded where
/// it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// One request went out; `status` is `None` when no answer came (timeout, connection).
    Request {
        endpoint: Endpoint,
        status: Option<u16>,
        elapsed: Duration,
    },
    /// A 429: every request of the run pauses. Said once per pause, however many requests
    /// were refused together.
    Paused(String),
    /// A retry, the start of pacing, or a create found after its answer was lost or after it
    /// landed late.
    Said(String),
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
            ClientEvent::Paused(said) | ClientEvent::Said(said) => f.write_str(said),
        }
    }
}

/// A wait as a person reads it: `30 s`, `1.2 s`, `250 ms`.
pub(super) struct Secs(pub Duration);

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
