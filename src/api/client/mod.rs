//! The HTTP client: one private path to the portal that every endpoint goes through.
//!
//! The files of this directory are layered, each using only those above it, never the other
//! way: this one holds the `Client` and what it is built from; `request` sends one request (`send_once`, the only code that touches the
//! network); `send` repeats it as the retry policy (`api/retry.rs`) allows; `endpoints` are
//! the public calls on top; `create` is the POST, which retries only after checking that the
//! webhook did not land. The models (`retry`, `limits`, `retry_after`) never use the client.
//!
//! Invariants: redirects are never followed (the key must not reach another host); the
//! `Authorization` header is built once, marked sensitive, and set as a default header; the key
//! is otherwise only registered with `redact`, which scrubs it from anything the portal echoes;
//! `Debug` shows neither.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, redirect};
use secrecy::{ExposeSecret, SecretString};

use super::error::{ApiError, Endpoint};
use super::event::ClientEvent;
use super::limits::Limits;
use super::retry::Policy;
use super::{ClientOptions, PortalUrl};
use crate::redact;

mod create;
mod endpoints;
mod request;
mod send;

const WEBHOOK_PATH: &str = "/api/2.0/settings/webhook";
const USER_AGENT: &str = concat!("docspace-webhooks/", env!("CARGO_PKG_VERSION"));

/// The HTTP clients of this process, by what tells them apart: the two timeouts, and whether
/// the portal is loopback (no proxy). Building one loads the system's root certificates, a few
/// milliseconds of CPU each time; a `portals:` file with a hundred portals builds one, not a
/// hundred. Sharing is safe: connections are pooled per host, and the key goes with each
/// request, never into the shared client.
type HttpKey = (std::time::Duration, std::time::Duration, bool);
static HTTP: std::sync::Mutex<Vec<(HttpKey, reqwest::Client)>> = std::sync::Mutex::new(Vec::new());

fn http_for(options: &ClientOptions, loopback: bool) -> Result<reqwest::Client, ApiError> {
    let key = (options.connect_timeout, options.request_timeout, loopback);
    let mut clients = HTTP
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
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
    inner: Arc<Inner>,
    /// Set on the handle `follow_up` returns: the stop switch does not end its retries.
    follow_up: bool,
}

struct Inner {
    /// Shared with every client of the run that has the same timeouts (`http_for`).
    http: reqwest::Client,
    /// `Bearer <key>`, marked sensitive; sent with each request, since `http` is shared by
    /// portals with different keys.
    auth: HeaderValue,
    portal: PortalUrl,
    options: ClientOptions,
    policy: Policy,
    /// Shared by every request of the client, so the whole run keeps to the portal's limits.
    limits: Limits,
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
                policy: Policy::new(&options),
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
    /// `enabled`/`ssl`, docs/docspace-api.md §9): once the run's stop switch is thrown no other write is
    /// retried, but this one is, so a webhook the file says is disabled does not stay enabled.
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

    fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    fn auth(&self) -> &HeaderValue {
        &self.inner.auth
    }

    fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    fn emit(&self, event: ClientEvent) {
        if let Some(sink) = &self.inner.options.events {
            sink(&event);
        }
    }

    /// Whether a stopped run holds this request back: every write but a create's follow-up.
    fn may_stop(&self, endpoint: &Endpoint) -> bool {
        endpoint.method != Method::GET && !self.follow_up
    }
}

fn endpoint(method: Method, path: String) -> Endpoint {
    Endpoint { method, path }
}

#[cfg(test)]
mod tests;
