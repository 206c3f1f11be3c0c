//! Stage 2: the DocSpace client, the only code that knows URLs and JSON shapes.
//!
//! `url` checks the portal address (HTTPS, or HTTP to loopback only), `client` sends every
//! request through one path, `wire` holds the JSON shapes, `classify` turns answers and
//! transport failures into `ApiError`s (`error`). Invariants kept across the module: the API key
//! and every `secretKey` stay in `SecretString`s and never reach an error, a log or a `Debug`
//! print; redirects are never followed; nothing here panics on what the portal sends.

use std::time::Duration;

use secrecy::SecretString;

use crate::triggers::TriggerSet;

mod classify;
mod client;
mod error;
mod sanitize;
mod url;
mod wire;

pub use client::Client;
pub use error::{ApiError, Endpoint, TimeoutKind};
pub use url::PortalUrl;

/// A webhook as the portal reports it. Only what the tool compares or shows is kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LiveWebhook {
    pub id: i32,
    pub name: String,
    pub uri: String,
    pub enabled: bool,
    pub ssl: bool,
    pub triggers: TriggerSet,
    /// Absent, null and `""` all arrive as `None`.
    pub target_id: Option<String>,
    pub last_failure_on: Option<String>,
    pub last_failure_content: Option<String>,
    pub last_success_on: Option<String>,
}

/// The full body of a create (POST) or update (PUT): the server resets what a PUT omits, so
/// every field is always sent.
#[derive(Debug, Clone)]
pub struct WebhookBody {
    pub name: String,
    pub uri: String,
    /// `None` on an update keeps the stored secret.
    pub secret_key: Option<SecretString>,
    pub enabled: bool,
    pub ssl: bool,
    pub triggers: TriggerSet,
    /// `None` and `Some("")` both mean "no target" and are sent as null.
    pub target_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}
