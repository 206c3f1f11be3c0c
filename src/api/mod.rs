//! Stage 2: the DocSpace client, the only code that knows URLs and JSON shapes: `client` (the
//! calls and the retry rules), `limits` (the portal's limits), `deliveries` (the delivery log).
//!
//! Invariants: the API key and every `secretKey` stay in `SecretString`s, are registered with
//! `redact` (which scrubs every text from the portal of them) and never reach an error, event,
//! log or `Debug`; URL credentials are masked wherever a URL is shown; redirects are never
//! followed; a create is never posted twice blindly; nothing here panics on what the portal sends.

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
pub use client::{Client, echoed, refuse_echoes, shown_fields};

/// Where the API key of a `portal:` file's portal is read from (docs/using.md): the variable a
/// client names when the options name no other (`ClientOptions::portal_key`).
pub const KEY_VAR: &str = "DOCSPACE_API_KEY";
pub use deliveries::{
    Delivery, LOG_PAGE, LogPage, LogQuery, LogRead, Redelivered, StatusClass, UNREADABLE_DATE,
    portal_time,
};
pub use error::{ApiError, Endpoint, TimeoutKind};
pub use event::{ClientEvent, EventSink, on_the_wire};
pub use url::PortalUrl;

/// A webhook as the portal reports it, as far as the tool compares or shows it. `T` holds the
/// triggers: a saved plan keeps their names, in this serde form (`Live` in its messages). Its
/// `Debug` hides the uri (`field::HiddenUri`).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// Never compared: with `created_by` (`createdBy.id`), it tells one webhook listed by two
    /// portals of a run (one portal under two host names) from two look-alikes.
    #[serde(skip)]
    pub created_on: Option<String>,
    #[serde(skip)]
    pub created_by: Option<String>,
}

impl<T> LiveWebhook<T> {
    /// Its settings but the secret, which the portal never returns.
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

    /// Whether the portal takes `body` for this webhook's (name, uri): compared without case,
    /// as DocSpace on MySQL does (docs/docspace-api.md §15) and as a portal that rewrites a
    /// stored uri (its host in lower case) lists it. The one rule for a create looked for after
    /// its answer was lost, a refused one's duplicate, and a delete that frees a create's pair.
    pub fn same_pair<S, U>(&self, body: &Webhook<S, U>) -> bool {
        self.name.to_lowercase() == body.name.to_lowercase()
            && self.uri.to_lowercase() == body.uri.to_lowercase()
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

crate::field::debug_hiding_uri!(LiveWebhook<T> { id, name; uri; enabled, ssl, triggers,
    target_id, last_failure_on, last_failure_content, last_success_on, created_on, created_by });

/// The full body of a create (POST) or update (PUT): the server resets what a PUT omits, so
/// every field is always sent. A `None` secret keeps the stored one on an update.
pub type WebhookBody = Webhook<Option<SecretString>>;

/// How the client reaches the portal; `Default` is the command line's defaults.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// The whole request, answer included: room for the portal's 10 s probe of the target.
    pub request_timeout: Duration,
    /// Retries after a failure that may pass (connection, timeout, 502, 503, 504), never after
    /// a 429: throttled waits are bounded by `max_wait` instead. 0 turns retrying off: a request
    /// gets `retries + 1` attempts.
    pub retries: u32,
    /// The first backoff ceiling, doubling per retry up to `retry_max_delay` (full jitter).
    pub retry_base: Duration,
    pub retry_max_delay: Duration,
    /// The 429 pauses (not pacing) the run may wait in all; one past it stops the run (`halt`).
    pub max_wait: Duration,
    /// The pauses so far, in real time, of every client cloned from these options: a fleet
    /// waits no longer than one portal may.
    pub waited: Arc<Mutex<Duration>>,
    /// How long one second of a pause lasts: a second, except in tests. Budgets and messages
    /// stay in the portal's seconds.
    pub throttle_unit: Duration,
    /// Told of every request, retry and wait. `None`: the client is silent.
    pub events: Option<EventSink>,
    /// The run's stop switch: once thrown, waits end early and nothing new is sent.
    pub halt: Arc<Halt>,
    /// A named portal's key variable, which the help of a refused or unusable key names:
    /// DOCSPACE_API_KEY (`None`) is not read with `portals:`.
    pub portal_key: Option<String>,
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
            portal_key: None,
        }
    }
}

impl ClientOptions {
    pub(super) fn emit(&self, event: ClientEvent) {
        if let Some(sink) = &self.events {
            (sink.0)(&event);
        }
    }

    /// The backoff ceiling of the `step`th wait (from 1), and the pause of a 429 without a time.
    fn backoff_ceiling(&self, step: u32) -> Duration {
        let doublings = step.saturating_sub(1).min(30);
        self.retry_base
            .saturating_mul(1 << doublings)
            .min(self.retry_max_delay)
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
