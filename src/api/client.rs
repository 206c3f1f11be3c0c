//! The HTTP client: one private `send` path that every endpoint goes through.
//!
//! Invariants: redirects are never followed (the key must not reach another host); the
//! `Authorization` header is built once, marked sensitive, and set as a default header; the key
//! is otherwise only registered with `redact`, which scrubs it from anything the portal echoes;
//! `Debug` shows neither. `send_once` is the only code that touches the network; the retry
//! layer around it (`retry.rs`: `send`, and `create_once` for POST) decides what is sent again.

use std::fmt;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, redirect};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::classify::{Answer, classify, transport_error};
use super::error::{ApiError, Endpoint};
use super::event::ClientEvent;
use super::pace::Pacer;
use super::retry::Policy;
use super::retry_after::{self, RateHeaders};
use super::wire::{self, EnableRequest, WebhookRequest};
use super::{ClientOptions, LiveWebhook, PortalUrl, WebhookBody};
use crate::redact::{self, Redactor};

const WEBHOOK_PATH: &str = "/api/2.0/settings/webhook";
/// Answers beyond this are not read: a webhook list is a few KiB, anything this big is not it.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
const USER_AGENT: &str = concat!("docspace-webhooks/", env!("CARGO_PKG_VERSION"));

/// A DocSpace client for one portal and one API key. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Set on the handle `follow_up` returns: the stop switch does not end its retries.
    follow_up: bool,
}

struct Inner {
    http: reqwest::Client,
    portal: PortalUrl,
    options: ClientOptions,
    policy: Policy,
    /// Shared by every request of the client, so the whole run keeps to the portal's limit.
    pacer: Pacer,
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

/// A request body plus the secret in it, so that secret can be redacted from the answer (it is
/// also registered with `redact`, for text shown outside this request's error).
pub(super) struct Payload<'a> {
    bytes: Vec<u8>,
    secret: Option<&'a SecretString>,
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
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, auth);
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));

        let mut builder = reqwest::Client::builder()
            .tls_backend_rustls()
            .redirect(redirect::Policy::none())
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(USER_AGENT)
            .default_headers(headers);
        if portal.is_loopback() {
            // A proxy for a loopback portal would see the key in clear text (plain http).
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| ApiError::ClientSetup {
            detail: redact::cut(&redact::clean(&e.to_string()), 300),
        })?;
        // From here on, anything the portal echoes is scrubbed of the key wherever it is shown.
        redact::register(key);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                portal: portal.clone(),
                policy: Policy::new(&options),
                pacer: Pacer::new(&options),
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

    pub(super) fn is_follow_up(&self) -> bool {
        self.follow_up
    }

    /// Every webhook the key's user can see, sorted by id. A webhook's last failure is what
    /// its target answered, shown in plans: it is scrubbed of every secret like an error body.
    pub async fn list(&self) -> Result<Vec<LiveWebhook>, ApiError> {
        let endpoint = endpoint(Method::GET, WEBHOOK_PATH.into());
        let v = self.send(&endpoint, None).await?;
        let mut live = wire::decode_list(&endpoint, &v)?;
        let redactor = Redactor::registered();
        for w in &mut live {
            if let Some(content) = &w.last_failure_content {
                w.last_failure_content = Some(redactor.scrub(content));
            }
        }
        Ok(live)
    }

    /// Never creates the webhook twice: a POST whose answer may have been lost is sent again
    /// only after a fresh list shows no webhook with this exact (name, uri).
    pub async fn create(&self, body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        let endpoint = endpoint(Method::POST, WEBHOOK_PATH.into());
        let payload = self.payload(&endpoint, &WebhookRequest::create(body), body)?;
        self.create_once(&endpoint, &payload, body).await
    }

    pub async fn update(&self, id: i32, body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        let endpoint = endpoint(Method::PUT, WEBHOOK_PATH.into());
        let payload = self.payload(&endpoint, &WebhookRequest::update(id, body), body)?;
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
        let bytes = wire::to_body(&request).map_err(|e| self.encode_error(&endpoint, &e))?;
        let payload = Payload {
            bytes,
            secret: None,
        };
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

    fn payload<'a>(
        &self,
        endpoint: &Endpoint,
        request: &WebhookRequest<'_>,
        body: &'a WebhookBody,
    ) -> Result<Payload<'a>, ApiError> {
        if let Some(secret) = &body.secret_key {
            redact::register(secret.expose_secret());
        }
        Ok(Payload {
            bytes: wire::to_body(request).map_err(|e| self.encode_error(endpoint, &e))?,
            secret: body.secret_key.as_ref(),
        })
    }

    fn encode_error(&self, endpoint: &Endpoint, e: &serde_json::Error) -> ApiError {
        ApiError::Transport {
            endpoint: endpoint.clone(),
            portal: self.inner.portal.as_str().to_string(),
            detail: format!("could not encode the request body: {e}"),
        }
    }

    pub(super) fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    pub(super) fn pacer(&self) -> &Pacer {
        &self.inner.pacer
    }

    pub(super) fn emit(&self, event: ClientEvent) {
        if let Some(sink) = &self.inner.options.events {
            sink(&event);
        }
    }

    /// One request, once the pacer lets it out, reported to the event sink with its status
    /// and duration; its answer's rate-limit headers go back to the pacer.
    pub(super) async fn send_once(
        &self,
        endpoint: &Endpoint,
        payload: Option<&Payload<'_>>,
    ) -> Result<Value, ApiError> {
        let permit = self.admit(endpoint).await?;
        let started = Instant::now();
        let mut status = None;
        let mut rate = RateHeaders::default();
        let result = self
            .exchange(endpoint, payload, &mut status, &mut rate)
            .await;
        self.emit(ClientEvent::Request {
            endpoint: endpoint.clone(),
            status,
            elapsed: started.elapsed(),
        });
        self.observe(&permit, endpoint, &rate, &result);
        result
    }

    /// The one way to the portal: sends, reads the whole answer (bounded), classifies it.
    /// `status` and the rate-limit headers are set as soon as the answer's head arrives.
    async fn exchange(
        &self,
        endpoint: &Endpoint,
        payload: Option<&Payload<'_>>,
        status_seen: &mut Option<u16>,
        rate_seen: &mut RateHeaders,
    ) -> Result<Value, ApiError> {
        let inner = &*self.inner;
        // Every registered secret (the key among them), and this payload's secret by name.
        let redactor = Redactor::new(payload.and_then(|p| p.secret).map(|s| s.expose_secret()));
        let failed = |e: reqwest::Error| {
            transport_error(&e, endpoint, &inner.portal, &inner.options, &redactor)
        };

        let url = inner.portal.join(&endpoint.path);
        let mut request = inner.http.request(endpoint.method.clone(), url);
        if let Some(payload) = payload {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(payload.bytes.clone());
        }
        let mut response = request.send().await.map_err(failed)?;

        let status = response.status().as_u16();
        *status_seen = Some(status);
        let text_header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = text_header(header::CONTENT_TYPE);
        let location = text_header(header::LOCATION);
        let now = SystemTime::now();
        *rate_seen = RateHeaders::read(response.headers(), now);
        let retry_after = retry_after::retry_after(response.headers(), now);

        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(ApiError::Transport {
                    endpoint: endpoint.clone(),
                    portal: inner.portal.as_str().to_string(),
                    detail: format!(
                        "the answer (HTTP {status}) is larger than {} MiB; this is not a \
                         DocSpace webhook list",
                        MAX_BODY_BYTES / 1024 / 1024
                    ),
                });
            }
            body.extend_from_slice(&chunk);
        }

        let answer = Answer {
            status,
            content_type: content_type.as_deref(),
            location: location.as_deref(),
            retry_after,
            body: &body,
        };
        classify(endpoint, &inner.portal, &answer, &redactor)
    }
}

fn endpoint(method: Method, path: String) -> Endpoint {
    Endpoint { method, path }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
