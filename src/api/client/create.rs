//! The create (POST): the one call that is not safe to send twice, so it has its own retry
//! loop, which looks before it posts again.
//!
//! Invariant: a POST that may have reached the portal is sent again only after a fresh list
//! shows no webhook with its exact (name, uri), and a repeat refused as a duplicate after an
//! attempt that may have landed is looked up, not reported as a failure.

use reqwest::Method;

use super::request::Payload;
use super::{Client, WEBHOOK_PATH, endpoint};
use crate::api::error::{ApiError, Endpoint};
use crate::api::event::ClientEvent;
use crate::api::retry::may_have_landed;
use crate::api::wire::{self, WebhookRequest};
use crate::api::{LiveWebhook, WebhookBody};

impl Client {
    /// Never creates the webhook twice: a POST whose answer may have been lost is sent again
    /// only after a fresh list shows no webhook with this exact (name, uri).
    pub async fn create(&self, body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        let endpoint = endpoint(Method::POST, WEBHOOK_PATH.into());
        let request = WebhookRequest::create(body);
        let payload = self.webhook_payload(&endpoint, &request, body)?;
        self.create_retrying(&endpoint, &payload, body).await
    }

    /// The POST, retried so that it creates at most one webhook. When an attempt fails in a
    /// way that may have reached the portal (a timeout, a 502/503/504), the answer was perhaps
    /// only lost: after the wait, the list is read and a webhook with exactly this (name, uri)
    /// is taken as the one created. Only when it is absent is the POST sent again, within the
    /// same budget. The attempt may still land after that list was read (the portal probes
    /// the target before it stores anything, docs/docspace-api.md §9): the repeat is then
    /// refused as a duplicate (§15), and the list is read once more to find the webhook the
    /// earlier attempt created.
    async fn create_retrying(
        &self,
        endpoint: &Endpoint,
        payload: &Payload<'_>,
        body: &WebhookBody,
    ) -> Result<LiveWebhook, ApiError> {
        let mut place = self.limits().place();
        let mut attempt = 1;
        // Whether an earlier attempt of this call may have been carried out.
        let mut may_exist = false;
        let mut failed = None;
        loop {
            let result = self.send_once(endpoint, Some(payload), &mut place).await;
            place.retrying(false);
            let error = match result {
                Ok(v) => return wire::decode_one(endpoint, &v),
                // Refused before it was handled: posted again after the pause, uncounted.
                Err(e) if self.wait_out(&e) => {
                    failed = Some(e);
                    continue;
                }
                Err(e @ ApiError::RateLimited { .. }) if self.interrupted() => {
                    return Err(self.not_retried(e));
                }
                Err(e @ ApiError::NotSent { .. }) => return Err(self.held_back(e, failed)),
                Err(e) => e,
            };
            if may_exist && error.is_duplicate() {
                return match self.find_created(body).await {
                    Some(found) => {
                        self.emit(ClientEvent::CreateLanded {
                            id: found.id,
                            name: found.name.clone(),
                        });
                        Ok(found)
                    }
                    None => Err(error),
                };
            }
            if !error.is_retryable() || attempt >= self.policy().attempts {
                return Err(error);
            }
            attempt += 1;
            place.retrying(true);
            let check = may_have_landed(&error);
            may_exist |= check;
            let go_on = self.pause(endpoint, &error, attempt, check).await;
            if check {
                // If the list cannot be read either, whether the POST landed is unknown: the
                // POST's own error says what went wrong, and a rerun's plan shows the state.
                let Ok(live) = self.list().await else {
                    return Err(error);
                };
                if let Some(found) = find(live, body) {
                    self.emit(ClientEvent::CreateFound {
                        id: found.id,
                        name: found.name.clone(),
                    });
                    return Ok(found);
                }
            }
            if !go_on {
                return Err(self.not_retried(error));
            }
            failed = Some(error);
        }
    }

    /// The webhook with exactly `body`'s (name, uri) in a fresh list, if the list can be read.
    async fn find_created(&self, body: &WebhookBody) -> Option<LiveWebhook> {
        find(self.list().await.ok()?, body)
    }
}

fn find(live: Vec<LiveWebhook>, body: &WebhookBody) -> Option<LiveWebhook> {
    live.into_iter()
        .find(|w| w.name == body.name && w.uri == body.uri)
}
