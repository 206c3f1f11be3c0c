//! The calls the rest of the tool makes, but for `create` (`create.rs`): each one request,
//! sent through `send`, and its answer decoded.

use reqwest::Method;

use super::{Client, WEBHOOK_PATH, endpoint};
use crate::api::error::ApiError;
use crate::api::wire::{self, EnableRequest, WebhookRequest};
use crate::api::{LiveWebhook, WebhookBody};
use crate::redact::Redactor;

impl Client {
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

    pub async fn update(&self, id: i32, body: &WebhookBody) -> Result<LiveWebhook, ApiError> {
        let endpoint = endpoint(Method::PUT, WEBHOOK_PATH.into());
        let request = WebhookRequest::update(id, body);
        let payload = self.webhook_payload(&endpoint, &request, body)?;
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
        let payload = self.payload(&endpoint, &request)?;
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
