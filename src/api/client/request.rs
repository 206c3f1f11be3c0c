//! One request to the portal, once the pacer lets it out: `send_once` is the only code that
//! touches the network. Whether a failed request is sent again is decided above it (`send`,
//! `create`).
//!
//! Invariants: an answer is read whole but bounded (`MAX_BODY_BYTES`); every text taken from
//! it is scrubbed of the key, of every registered secret and of this request's own secret
//! before it can reach an error; the pacer sees every answer's rate-limit headers.

use std::time::{Instant, SystemTime};

use reqwest::header::{self, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use super::Client;
use crate::api::WebhookBody;
use crate::api::classify::{Answer, classify, transport_error};
use crate::api::error::{ApiError, Endpoint};
use crate::api::event::ClientEvent;
use crate::api::limits::Place;
use crate::api::retry_after::{self, RateHeaders};
use crate::api::wire;
use crate::redact::{self, Redactor};

/// Answers beyond this are not read: a webhook list is a few KiB, anything this big is not it.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A request body plus the secret in it, so that secret can be redacted from the answer (it is
/// also registered with `redact`, for text shown outside this request's error).
pub(super) struct Payload<'a> {
    bytes: Vec<u8>,
    secret: Option<&'a SecretString>,
}

impl Client {
    /// The body of a create or an update of `body`, its secret registered with `redact`.
    pub(super) fn webhook_payload<'a>(
        &self,
        endpoint: &Endpoint,
        request: &impl Serialize,
        body: &'a WebhookBody,
    ) -> Result<Payload<'a>, ApiError> {
        if let Some(secret) = &body.secret_key {
            redact::register(secret.expose_secret());
        }
        let mut payload = self.payload(endpoint, request)?;
        payload.secret = body.secret_key.as_ref();
        Ok(payload)
    }

    /// A body that holds no secret.
    pub(super) fn payload(
        &self,
        endpoint: &Endpoint,
        request: &impl Serialize,
    ) -> Result<Payload<'static>, ApiError> {
        let bytes = wire::to_body(request).map_err(|e| ApiError::Transport {
            endpoint: endpoint.clone(),
            portal: self.portal().as_str().to_string(),
            detail: format!("could not encode the request body: {e}"),
        })?;
        Ok(Payload {
            bytes,
            secret: None,
        })
    }

    /// One request, once the pacer lets it out, reported to the event sink with its status
    /// and duration; its answer's rate-limit headers go back to the pacer.
    pub(super) async fn send_once<'a>(
        &'a self,
        endpoint: &Endpoint,
        payload: Option<&Payload<'_>>,
        place: &mut Place<'a>,
    ) -> Result<Value, ApiError> {
        let exempt = !self.may_stop(endpoint);
        let permit = self.limits().admit(endpoint, exempt, place).await?;
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
        self.limits().answered(permit, endpoint, &rate, &result);
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
        let portal = self.portal();
        // Every registered secret (the key among them), and this payload's secret by name.
        let redactor = Redactor::new(payload.and_then(|p| p.secret).map(|s| s.expose_secret()));
        let failed =
            |e: reqwest::Error| transport_error(&e, endpoint, portal, self.options(), &redactor);

        let url = portal.join(&endpoint.path);
        let mut request = self
            .http()
            .request(endpoint.method.clone(), url)
            .header(header::AUTHORIZATION, self.auth().clone());
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
                    portal: portal.as_str().to_string(),
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
        classify(endpoint, portal, &answer, &redactor)
    }
}
