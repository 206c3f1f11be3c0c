//! What the client tells its caller while it works (requests, retries, pauses, pacing, a create
//! found after all); it never prints: the commands decide what reaches the terminal. Invariant:
//! an event holds only the method, the path, statuses, durations and texts that already passed
//! the error sanitizer, never a header, a body, the API key or a secret.

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::error::Endpoint;

/// Receives every `ClientEvent`. Called from the task that sent the request; keep it quick.
/// Its Debug names no closure, so `ClientOptions` can derive its own.
#[derive(Clone)]
pub struct EventSink(pub Arc<dyn Fn(&ClientEvent) + Send + Sync>);

impl fmt::Debug for EventSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<sink>")
    }
}

/// Requests are shown with `-v` only; every other event is its line, worded where it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// One request went out; `status` is `None` when no answer came (timeout, connection).
    Request {
        endpoint: Endpoint,
        status: Option<u16>,
        elapsed: Duration,
    },
    /// A 429: every request of the run pauses. Said once per pause.
    Paused(String),
    /// A retry, the start of pacing, or a create found after all.
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

tokio::task_local! {
    static ON_THE_WIRE: Cell<Duration>;
}

/// `call`'s output, and how long its requests took from going out to their answer's end: what a
/// slow portal or target costs, without the client's own waits (a 429's pause, the pacing, the
/// backoff before a retry), which would put a run's crowding down to the write it held.
pub async fn on_the_wire<T>(call: impl Future<Output = T>) -> (T, Duration) {
    let timed = async { (call.await, ON_THE_WIRE.with(Cell::get)) };
    ON_THE_WIRE.scope(Cell::new(Duration::ZERO), timed).await
}

/// Adds a request's time to the call `on_the_wire` times, if any.
pub(super) fn on_the_wire_for(elapsed: Duration) {
    let _ = ON_THE_WIRE.try_with(|wire| wire.set(wire.get() + elapsed));
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
