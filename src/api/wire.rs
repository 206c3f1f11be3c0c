//! The JSON shapes of the webhook endpoints (docs/docspace-api.md §3 to §8) and nothing else.
//!
//! Invariants: request bodies carry only properties the OpenAPI declares (a test checks them
//! against the published file); a `secretKey` is exposed only by `WebhookRequest`'s `Serialize`,
//! inside `Client::payload`. Answers are read field by field so a wrong shape is reported with
//! its place in the JSON (`response[2].configs.triggers`).

use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::error::{ApiError, Endpoint};
use super::{LiveWebhook, WebhookBody};
use crate::field::Field;
use crate::redact::Redactor;
use crate::triggers::TriggerSet;

/// `CreateWebhooksConfigRequestsDto` / `UpdateWebhooksConfigRequestsDto`: an update's `id`, then
/// every field in `Field::ALL` order.
pub(crate) struct WebhookRequest<'a> {
    pub id: Option<i32>,
    pub body: &'a WebhookBody,
}

impl Serialize for WebhookRequest<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let body = self.body;
        let mut map = s.serialize_map(None)?;
        if let Some(id) = self.id {
            map.serialize_entry("id", &id)?;
        }
        for &field in Field::ALL {
            let key = field.key();
            match field {
                Field::Name => map.serialize_entry(key, &body.name)?,
                Field::Uri => map.serialize_entry(key, &body.uri)?,
                // Omitted when `None`: on an update the server then keeps the stored secret.
                Field::SecretKey => {
                    if let Some(secret) = &body.secret_key {
                        map.serialize_entry(key, secret.expose_secret())?;
                    }
                }
                Field::Enabled => map.serialize_entry(key, &body.enabled)?,
                Field::Ssl => map.serialize_entry(key, &body.ssl)?,
                // The server's flags are a signed 64-bit enum: the same bits, in two's
                // complement, so a value read back (also as `i64`) round-trips.
                Field::Triggers => map.serialize_entry(key, &body.triggers.bits().cast_signed())?,
                // `""` and null both mean "no target" to the server; null is the canonical one.
                Field::TargetId => map.serialize_entry(key, &body.target())?,
            }
        }
        map.end()
    }
}

/// The body of `PUT .../webhook/enable`: the server validates it as an update DTO, so `name`
/// and `uri` must be there though only `id` and `enabled` are read (docs/docspace-api.md §11).
#[derive(Serialize)]
pub(crate) struct EnableRequest<'a> {
    pub id: i32,
    pub name: &'a str,
    pub uri: &'a str,
    pub enabled: bool,
}

/// `WebhookRetryRequestsDto`, the body of `PUT .../webhook/retry` (docs/docspace-api.md §21).
#[derive(Serialize)]
pub(crate) struct RetryRequest<'a> {
    pub ids: &'a [i32],
}

const EXPECTED_WEBHOOK: &str = "a webhook object with id, name, uri, enabled, ssl and triggers";

/// `GET /api/2.0/settings/webhook`: `response` is a list of `{configs, status}` (`count` says 1
/// whatever the length, docs/docspace-api.md §4). Sorted by id: the server does not order it.
pub(crate) fn decode_list(endpoint: &Endpoint, v: &Value) -> Result<Vec<LiveWebhook>, ApiError> {
    let items = list(endpoint, v, "a list of webhooks")?;
    // The server sends no `total` here; one that differs from the rows (a paging proxy, a
    // cache) says the list is partial or inconsistent, and a plan from it would create or
    // delete what the rows left out.
    // A `total` that is no count (`"300"`, `300.0`) is refused too; a null one is none.
    let total = v.get("total").filter(|t| !t.is_null());
    if let Some(total) = total
        && total.as_u64() != Some(items.len() as u64)
    {
        let total = match total {
            Value::Number(n) if n.is_u64() => n.to_string(),
            Value::Number(_) => "a number that is no count".into(),
            Value::String(_) => "a string".into(),
            _ => "a value that is no count".into(),
        };
        return Err(ApiError::ListTotal {
            endpoint: endpoint.clone(),
            rows: items.len(),
            total,
        });
    }
    let mut out = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("response[{i}]");
            let expected = "an object with `configs`";
            let configs = member(endpoint, &at, item, "configs", expected, "")?;
            decode_webhook(endpoint, &format!("{at}.configs"), configs)
        })
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|w| w.id);
    // Checked where every command reads the list, so all refuse it before planning from it.
    if let Some(twice) = out.windows(2).find(|pair| pair[0].id == pair[1].id) {
        let id = twice[0].id;
        return Err(ApiError::RepeatedId {
            endpoint: endpoint.clone(),
            id,
            times: out.iter().filter(|w| w.id == id).count(),
        });
    }
    Ok(out)
}

/// Create, update, enable and delete: `response` is one `WebhooksConfigDto`.
pub(crate) fn decode_one(endpoint: &Endpoint, v: &Value) -> Result<LiveWebhook, ApiError> {
    let response = unwrap_envelope(endpoint, v, EXPECTED_WEBHOOK)?;
    decode_webhook(endpoint, "response", response)
}

fn unwrap_envelope<'v>(
    endpoint: &Endpoint,
    v: &'v Value,
    expected: &'static str,
) -> Result<&'v Value, ApiError> {
    let envelope = "the DocSpace envelope {\"response\": ...}";
    let reading = format!(" (while reading {expected})");
    member(endpoint, "(top level)", v, "response", envelope, &reading)
}

/// The member `key` of `v`, or the error that `v` (at `at`) is not `expected`.
fn member<'v>(
    endpoint: &Endpoint,
    at: &str,
    v: &'v Value,
    key: &str,
    expected: &'static str,
    reading: &str,
) -> Result<&'v Value, ApiError> {
    v.get(key).ok_or_else(|| {
        let what = match v {
            Value::Object(_) => format!("an object without `{key}`{reading}"),
            other => found(other),
        };
        shape(endpoint, at, expected, what)
    })
}

/// The list an answer's `response` holds.
pub(super) fn list<'v>(
    endpoint: &Endpoint,
    v: &'v Value,
    expected: &'static str,
) -> Result<&'v Vec<Value>, ApiError> {
    let response = unwrap_envelope(endpoint, v, expected)?;
    let items = response.as_array();
    items.ok_or_else(|| shape(endpoint, "response", expected, found(response)))
}

fn decode_webhook(endpoint: &Endpoint, at: &str, v: &Value) -> Result<LiveWebhook, ApiError> {
    let Value::Object(map) = v else {
        return Err(shape(endpoint, at, EXPECTED_WEBHOOK, found(v)));
    };
    let f = Fields { endpoint, at, map };
    Ok(LiveWebhook {
        id: f.required("id", "an int32 id")?,
        // Never null in practice (DB NOT NULL); absent is read as empty rather than failing.
        name: f.optional("name", "a string")?.unwrap_or_default(),
        uri: f.optional("uri", "a string")?.unwrap_or_default(),
        enabled: f.required("enabled", "true or false")?,
        ssl: f.required("ssl", "true or false")?,
        triggers: f.bitmask("triggers")?,
        target_id: f
            .optional::<String>("targetId", "a string or null")?
            .filter(|t| !t.is_empty()),
        last_failure_on: f.optional("lastFailureOn", "a date string")?,
        last_failure_content: f.optional("lastFailureContent", "a string")?,
        last_success_on: f.optional("lastSuccessOn", "a date string")?,
        created_on: f.optional("createdOn", "a date string")?,
        // Read leniently: nothing but the check for one portal listed twice uses it.
        created_by: map
            .get("createdBy")
            .and_then(|by| by.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// Reads members of one JSON object, reporting failures with their path; others are ignored.
pub(super) struct Fields<'a> {
    pub(super) endpoint: &'a Endpoint,
    pub(super) at: &'a str,
    pub(super) map: &'a Map<String, Value>,
}

impl Fields<'_> {
    /// Absent and null both give `None`: the server omits null members (docs/docspace-api.md §4).
    pub(super) fn optional<T: DeserializeOwned>(
        &self,
        key: &str,
        expected: &'static str,
    ) -> Result<Option<T>, ApiError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::deserialize(v)
                .map(Some)
                .map_err(|_| self.error(key, expected, found(v))),
        }
    }

    pub(super) fn required<T: DeserializeOwned>(
        &self,
        key: &str,
        expected: &'static str,
    ) -> Result<T, ApiError> {
        self.optional(key, expected)?
            .ok_or_else(|| self.error(key, expected, "nothing (the member is missing)".into()))
    }

    /// A `WebhookTrigger` member (an int64 bitmask), or a number in a string as the server accepts.
    pub(super) fn bitmask(&self, key: &str) -> Result<TriggerSet, ApiError> {
        const EXPECTED: &str = "an integer bitmask";
        let v: Value = self.required(key, EXPECTED)?;
        let bits = match &v {
            Value::Number(n) => n.as_u64().or_else(|| n.as_i64().map(i64::cast_unsigned)),
            Value::String(s) => {
                let s = s.trim();
                s.parse::<u64>()
                    .ok()
                    .or_else(|| s.parse::<i64>().ok().map(i64::cast_unsigned))
            }
            _ => None,
        };
        bits.map(TriggerSet::from_bits)
            .ok_or_else(|| self.error(key, EXPECTED, found(&v)))
    }

    fn error(&self, key: &str, expected: &'static str, found: String) -> ApiError {
        let at = format!("{}.{key}", self.at);
        shape(self.endpoint, &at, expected, found)
    }
}

pub(super) fn shape(
    endpoint: &Endpoint,
    at: &str,
    expected: &'static str,
    found: String,
) -> ApiError {
    ApiError::UnexpectedJson {
        endpoint: endpoint.clone(),
        at: at.to_string(),
        expected,
        detail: format!("found {found}"),
    }
}

/// A JSON value for "found ..." messages; a string is cut after every registered secret is
/// redacted (a proxy or a broken portal may echo a request where a webhook was expected).
pub(super) fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{}\"", Redactor::registered().shown(s, 60)),
        Value::Array(a) => format!("a list of {} item(s)", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
