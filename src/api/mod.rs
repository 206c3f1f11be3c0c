//! Stage 2: the DocSpace client, the only code that knows URLs and JSON shapes.
//!
//! STUB: signatures fixed, bodies to be written (see the API helper's task).

use std::time::Duration;

use secrecy::SecretString;

use crate::triggers::TriggerSet;

/// A portal address that passed the transport rule: HTTPS, or plain HTTP to a loopback host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUrl(reqwest::Url);

impl PortalUrl {
    pub fn parse(_s: &str) -> Result<PortalUrl, ApiError> {
        todo!()
    }
    /// The portal's origin, e.g. `https://portal.example.com`, without a trailing slash.
    pub fn as_str(&self) -> &str {
        todo!()
    }
}

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

#[derive(Debug, Clone)]
pub struct Client {}

impl Client {
    pub fn new(
        _portal: &PortalUrl,
        _api_key: SecretString,
        _options: ClientOptions,
    ) -> Result<Client, ApiError> {
        todo!()
    }
    pub async fn list(&self) -> Result<Vec<LiveWebhook>, ApiError> {
        todo!()
    }
    pub async fn create(&self, _body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        todo!()
    }
    pub async fn update(&self, _id: i32, _body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        todo!()
    }
    pub async fn set_enabled(
        &self,
        _id: i32,
        _name: &str,
        _uri: &str,
        _enabled: bool,
    ) -> Result<LiveWebhook, ApiError> {
        todo!()
    }
    /// `Ok(None)` when the portal answers 404: the webhook is already gone.
    pub async fn delete(&self, _id: i32) -> Result<Option<LiveWebhook>, ApiError> {
        todo!()
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ApiError {
    #[error("stub")]
    Stub,
}
