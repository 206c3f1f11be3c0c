//! Stage 2: the DocSpace client, the only code that knows URLs and JSON shapes.
//!
//! The client is `client` (the calls, and how one request is sent and sent again; the delivery
//! log's calls in `deliveries`) and `limits` (the portal's limits, kept by every request); the
//! other files are what they use, each said at its top.
//!
//! Invariants kept across the module: the API key and every `secretKey` stay in
//! `SecretString`s (and are registered with `redact`, which scrubs every text from the portal
//! of them in any spelling) and never reach an error, an event, a log or a `Debug` print; URL
//! credentials are masked wherever a URL is shown; redirects are never followed; a create is
//! never posted twice blindly; nothing here panics on what the portal sends.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;

use crate::field::Webhook;
use crate::halt::Halt;
use crate::triggers::TriggerSet;

mod classify;
mod client;
mod deliveries;
mod error;
mod event;
mod limits;
mod retry_after;
mod url;
mod wire;

pub use crate::redact::mask_credentials;
pub use client::Client;
pub use deliveries::{
    Delivery, LOG_PAGE, LogPage, LogQuery, Redelivered, StatusClass, portal_time,
};
pub use error::{ApiError, Endpoint, TimeoutKind};
pub use event::{ClientEvent, EventSink};
pub use url::PortalUrl;

/// A webhook as the portal reports it. Only what the tool compares or shows is kept. `T` is
/// how the triggers are held: a saved plan keeps their names, and its serde form is this one
/// (`Live` in its messages; `lastSuccessOn` and `createdOn` are not what a plan is computed from,
/// so they are not saved).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, rename = "Live", rename_all = "camelCase")]
pub struct LiveWebhook<T = TriggerSet> {
    pub id: i32,
    pub name: String,
    pub uri: String,
    pub enabled: bool,
    pub ssl: bool,
    pub triggers: T,
    /// Absent, null and `""` all arrive as `None`.
    pub target_id: Option<String>,
    pub last_failure_on: Option<String>,
    pub last_failure_content: Option<String>,
    #[serde(skip)]
    pub last_success_on: Option<String>,
    /// Never compared: it tells one webhook listed by two portals of a run (one portal under
    /// two host names) from two look-alikes.
    #[serde(skip)]
    pub created_on: Option<String>,
    /// The id of whoever created it (`createdBy.id`), for the same purpose: two portals'
    /// owners have ids of their own, so two portals whose webhooks were created alike in the
    /// same second are not taken for one.
    #[serde(skip)]
    pub created_by: Option<String>,
}

impl<T> LiveWebhook<T> {
    /// Its settings, the secret excepted: the portal never returns it.
    pub fn settings(&self) -> Webhook<(), T>
    where
        T: Clone,
    {
        Webhook {
            name: self.name.clone(),
            uri: self.uri.clone(),
            secret_key: (),
            enabled: self.enabled,
            ssl: self.ssl,
            triggers: self.triggers.clone(),
            target_id: self.target_id.clone(),
        }
    }

    /// The same webhook with its triggers held another way.
    pub fn map_triggers<T2>(self, triggers: impl FnOnce(T) -> T2) -> LiveWebhook<T2> {
        LiveWebhook {
            id: self.id,
            name: self.name,
            uri: self.uri,
            enabled: self.enabled,
            ssl: self.ssl,
            triggers: triggers(self.triggers),
            target_id: self.target_id,
            last_failure_on: self.last_failure_on,
            last_failure_content: self.last_failure_content,
            last_success_on: self.last_success_on,
            created_on: self.created_on,
            created_by: self.created_by,
        }
    }
}

/// The full body of a create (POST) or update (PUT): the server resets what a PUT omits, so
/// every field is always sent. A `None` secret keeps the stored one on an update.
pub type WebhookBody = Webhook<Option<SecretString>>;

/// How the client reaches the portal. `Default` is what the command line defaults to.
#[derive(Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// The whole request, answer included. The default 30 s leaves room for the portal's own
    /// HEAD probe of a webhook's target (10 s) on create and update.
    pub request_timeout: Duration,
    /// Retries after a failure that may pass (connection, timeout, 502, 503, 504); 0 turns
    /// retrying off. `retries + 1` attempts in all. A 429 is not a failure and never counts:
    /// throttled waits are bounded by `max_wait` instead.
    pub retries: u32,
    /// The first backoff ceiling; it doubles per retry up to `retry_max_delay`, and the wait
    /// is drawn uniformly below it (full jitter).
    pub retry_base: Duration,
    pub retry_max_delay: Duration,
    /// The throttled waiting (429 pauses, not pacing) the run may do in all, every client
    /// that shares `waited` together. A pause that would go past it stops the client's run
    /// (`halt`) instead.
    pub max_wait: Duration,
    /// The throttled waiting done so far, in real time, by every client cloned from these
    /// options: the portals of a run share one `max_wait`, so a fleet waits no longer than
    /// one portal may.
    pub waited: Arc<Mutex<Duration>>,
    /// How long one second of a throttled pause lasts: a second, except in tests, which
    /// cannot wait whole seconds per `Retry-After`. Budgets and messages stay in the portal's
    /// seconds.
    pub throttle_unit: Duration,
    /// Told of every request, retry and wait. `None`: the client is silent.
    pub events: Option<EventSink>,
    /// The run's stop switch: once thrown, waits end early and nothing new is sent.
    pub halt: Arc<Halt>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retries: 4,
            retry_base: Duration::from_millis(500),
            retry_max_delay: Duration::from_secs(8),
            max_wait: Duration::from_secs(300),
            waited: Arc::default(),
            throttle_unit: Duration::from_secs(1),
            events: None,
            halt: Halt::new(),
        }
    }
}

impl ClientOptions {
    pub(super) fn emit(&self, event: ClientEvent) {
        if let Some(sink) = &self.events {
            sink(&event);
        }
    }

    /// The backoff ceiling of the `step`th wait (1 is the first): `retry_base`, doubling per
    /// step up to `retry_max_delay`. Also the pause of a 429 that names no time.
    fn backoff_ceiling(&self, step: u32) -> Duration {
        let doublings = step.saturating_sub(1).min(30);
        self.retry_base
            .saturating_mul(1 << doublings)
            .min(self.retry_max_delay)
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retries", &self.retries)
            .field("retry_base", &self.retry_base)
            .field("retry_max_delay", &self.retry_max_delay)
            .field("max_wait", &self.max_wait)
            .field("waited", &"<shared by the run>")
            .field("throttle_unit", &self.throttle_unit)
            .field("events", &self.events.as_ref().map(|_| "<sink>"))
            .field("halt", &self.halt.reason())
            .finish()
    }
}

#[cfg(test)]
mod test_support {
    use super::*;

    impl LiveWebhook {
        /// A webhook as a portal lists it by default: enabled, ssl, every event, no target, no
        /// delivery history. The planner and renderer tests build their live lists from it.
        pub(crate) fn listed(id: i32, name: &str, uri: &str) -> LiveWebhook {
            LiveWebhook {
                id,
                name: name.into(),
                uri: uri.into(),
                enabled: true,
                ssl: true,
                triggers: TriggerSet::ALL,
                target_id: None,
                last_failure_on: None,
                last_failure_content: None,
                last_success_on: None,
                created_on: None,
                created_by: None,
            }
        }
    }
}
