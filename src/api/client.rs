//! The HTTP client and the calls the rest of the tool makes: each one request (the create
//! aside, see `request.rs`), sent through `Client::send`, and its answer decoded.
//!
//! Invariants: redirects are never followed (the key must not reach another host); the
//! `Authorization` header is built once, marked sensitive, and sent with each request; the key
//! is otherwise only registered with `redact`, which scrubs it from anything the portal echoes;
//! `Debug` shows neither.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, redirect};
use secrecy::{ExposeSecret, SecretString};

use super::error::{ApiError, Endpoint};
use super::limits::Limits;
use super::request::Sent;
use super::wire::{self, EnableRequest, WebhookRequest};
use super::{ClientOptions, LiveWebhook, PortalUrl, WebhookBody};
use crate::redact::{self, Redactor};

const WEBHOOK_PATH: &str = "/api/2.0/settings/webhook";
const USER_AGENT: &str = concat!("docspace-webhooks/", env!("CARGO_PKG_VERSION"));

/// The HTTP clients of this process, by what tells them apart: the two timeouts, and whether
/// the portal is loopback (no proxy). Building one loads the system's root certificates, a few
/// milliseconds of CPU each time; a `portals:` file with a hundred portals builds one, not a
/// hundred. Sharing is safe: connections are pooled per host, and the key goes with each
/// request, never into the shared client.
type HttpKey = (Duration, Duration, bool);
static HTTP: Mutex<Vec<(HttpKey, reqwest::Client)>> = Mutex::new(Vec::new());

fn http_for(options: &ClientOptions, loopback: bool) -> Result<reqwest::Client, ApiError> {
    let key = (options.connect_timeout, options.request_timeout, loopback);
    let mut clients = HTTP.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, http)) = clients.iter().find(|(k, _)| *k == key) {
        return Ok(http.clone());
    }
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let mut builder = reqwest::Client::builder()
        .tls_backend_rustls()
        .redirect(redirect::Policy::none())
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .user_agent(USER_AGENT)
        .default_headers(headers);
    if loopback {
        // A proxy for a loopback portal would see the key in clear text (plain http).
        builder = builder.no_proxy();
    }
    let http = builder.build().map_err(|e| ApiError::ClientSetup {
        detail: redact::cut(&redact::clean(&e.to_string()), 300),
    })?;
    clients.push((key, http.clone()));
    Ok(http)
}

/// A DocSpace client for one portal and one API key. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
    /// Set on the handle `follow_up` returns: the stop switch does not end its retries.
    follow_up: bool,
}

pub(super) struct Inner {
    /// Shared with every client of the run that has the same timeouts (`http_for`).
    pub(super) http: reqwest::Client,
    /// `Bearer <key>`, marked sensitive; sent with each request, since `http` is shared by
    /// portals with different keys.
    pub(super) auth: HeaderValue,
    pub(super) portal: PortalUrl,
    pub(super) options: ClientOptions,
    /// Shared by every request of the client, so the whole run keeps to the portal's limits.
    pub(super) limits: Limits,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("portal", &self.inner.portal.as_str())
            .field("api_key", &"[redacted]")
            .field("options", &self.inner.options)
            .finish()
    }
}

impl Client {
    pub fn new(
        portal: &PortalUrl,
        api_key: SecretString,
        options: ClientOptions,
    ) -> Result<Client, ApiError> {
        // Keys pasted from a file or a password manager often carry a trailing newline.
        let api_key = SecretString::from(api_key.expose_secret().trim());
        let key = api_key.expose_secret();
        if key.is_empty() {
            return Err(ApiError::ApiKey {
                reason: "it is empty",
            });
        }
        if key.chars().any(char::is_whitespace) {
            return Err(ApiError::ApiKey {
                reason: "it contains a space or line break",
            });
        }
        let bearer = SecretString::from(format!("Bearer {key}"));
        let mut auth =
            HeaderValue::from_str(bearer.expose_secret()).map_err(|_| ApiError::ApiKey {
                reason: "it contains characters that cannot be sent in an HTTP header",
            })?;
        auth.set_sensitive(true);
        let http = http_for(&options, portal.is_loopback())?;
        // From here on, anything the portal echoes is scrubbed of the key wherever it is shown.
        redact::register(key);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                auth,
                portal: portal.clone(),
                limits: Limits::new(&options),
                options,
            }),
            follow_up: false,
        })
    }

    /// The run's stop switch (from `ClientOptions::halt`), shared with whoever stops the run.
    pub fn halt(&self) -> &Arc<crate::halt::Halt> {
        &self.inner.options.halt
    }

    /// The same client, for the call that completes a create the portal already has (setting
    /// `enabled`/`ssl`, docs/docspace-api.md §9): once the run's stop switch is thrown no other
    /// write is retried, but this one is, so a webhook the file says is disabled does not stay
    /// enabled.
    pub fn follow_up(&self) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            follow_up: true,
        }
    }

    /// The portal this client talks to.
    pub fn portal(&self) -> &PortalUrl {
        &self.inner.portal
    }

    /// Whether a stopped run holds this request back: every write but a create's follow-up.
    pub(super) fn may_stop(&self, endpoint: &Endpoint) -> bool {
        endpoint.method != Method::GET && !self.follow_up
    }

    /// Every webhook the key's user can see, sorted by id. A webhook's last failure is what
    /// its target answered, shown in plans: it is scrubbed of every secret like an error body.
    pub async fn list(&self) -> Result<Vec<LiveWebhook>, ApiError> {
        let endpoint = endpoint(Method::GET, WEBHOOK_PATH.into());
        let v = self.send(&endpoint, None).await?;
        let mut live = wire::decode_list(&endpoint, &v)?;
        for w in &mut live {
            if let Some(content) = &w.last_failure_content {
                // Its own uri too: a target's error page may name its address, and a uri the
                // file reads from a variable is secret (its old value is only known as such
                // once the list is planned).
                let redactor = Redactor::new([w.uri.as_str()]);
                w.last_failure_content = Some(redactor.scrub(content));
            }
        }
        Ok(live)
    }

    /// Never creates the webhook twice: a POST whose answer may have been lost is sent again
    /// only after a fresh list shows no webhook with this exact (name, uri).
    pub async fn create(&self, body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        let endpoint = endpoint(Method::POST, WEBHOOK_PATH.into());
        let request = WebhookRequest { id: None, body };
        let payload = self.payload(&endpoint, &request, body.secret_key.as_ref())?;
        match self
            .send_looking(&endpoint, Some(&payload), Some(body))
            .await?
        {
            Sent::Answer(v) => wire::decode_one(&endpoint, &v),
            Sent::Found(found) => Ok(found),
        }
    }

    pub async fn update(&self, id: i32, body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        let endpoint = endpoint(Method::PUT, WEBHOOK_PATH.into());
        let request = WebhookRequest { id: Some(id), body };
        let payload = self.payload(&endpoint, &request, body.secret_key.as_ref())?;
        let v = self.send(&endpoint, Some(&payload)).await?;
        wire::decode_one(&endpoint, &v)
    }

    pub async fn set_enabled(
        &self,
        id: i32,
        name: &str,
        uri: &str,
        enabled: bool,
    ) -> Result<LiveWebhook, ApiError> {
        let endpoint = endpoint(Method::PUT, format!("{WEBHOOK_PATH}/enable"));
        let request = EnableRequest {
            id,
            name,
            uri,
            enabled,
        };
        let payload = self.payload(&endpoint, &request, None)?;
        let v = self.send(&endpoint, Some(&payload)).await?;
        wire::decode_one(&endpoint, &v)
    }

    /// `Ok(None)` when the portal answers 404: the webhook is already gone.
    pub async fn delete(&self, id: i32) -> Result<Option<LiveWebhook>, ApiError> {
        let endpoint = endpoint(Method::DELETE, format!("{WEBHOOK_PATH}/{id}"));
        match self.send(&endpoint, None).await {
            Ok(v) => wire::decode_one(&endpoint, &v).map(Some),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn endpoint(method: Method, path: String) -> Endpoint {
    Endpoint { method, path }
}
