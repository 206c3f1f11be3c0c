//! Self-test of the fake DocSpace portal, over real HTTP with reqwest: the fake is the oracle
//! the integration tests trust, so its docs/docspace-api.md behaviours (envelopes, error shapes,
//! full-replace PUT, the create quirk, the probe, enable rules) and its test hooks (faults,
//! latency, concurrency count, rate limits) are pinned here.

/// DELETE returns the removed config, then 404.
mod deletes;
/// The echo fault: every spelling, wrapper and cut of the request.
mod echo;
/// Success envelope, auth failures (401/403), unknown routes, forbidden mode.
mod envelopes;
/// Injected faults, latency, the concurrent-write counter, hidden and repeated list rows.
mod faults;
/// The rate limiter (token bucket, concurrent writes, daily writes) and periodic faults.
mod limits;
/// The delivery log and both retry endpoints: order, total, filters, signatures, skips,
/// the delete cascade and the retry limit.
mod log;
/// Model-binding errors, URL rules and the blacklist, the HEAD probe.
mod validation;
/// POST, full-replacement PUT, the create quirk, uniqueness, and the enable endpoint.
mod writes;

use crate::support::fake_portal::{
    DEFAULT_API_KEY, FakePortal, Options, WEBHOOK_PATH, delete_path,
};
use reqwest::{Client, Method};
use serde_json::{Value, json};

const SECRET: &str = "s3cret-value-1";

struct Call {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Call {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {:?}", self.status, self.text))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// `error.message` of the exception envelope, checking the envelope on the way.
    fn error_message(&self) -> String {
        let body = self.json();
        assert_eq!(body["status"], 1, "{body}");
        assert_eq!(body["statusCode"], self.status, "{body}");
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
    /// `response.errors` of the wrapped ValidationProblemDetails, checking the shape.
    fn validation_errors(&self) -> Value {
        assert_eq!(self.status, 400, "{}", self.text);
        let body = self.json();
        assert_eq!(body["status"], 1, "{body}");
        assert_eq!(body["statusCode"], 400, "{body}");
        assert_eq!(body["response"]["status"], 400, "{body}");
        assert_eq!(
            body["response"]["title"],
            "One or more validation errors occurred."
        );
        body["response"]["errors"].clone()
    }
}

struct Api {
    portal: FakePortal,
    http: Client,
}

impl Api {
    fn new() -> Api {
        Api::with(Options::default())
    }
    fn with(options: Options) -> Api {
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client");
        Api {
            portal: FakePortal::start_with(options),
            http,
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&str>,
    ) -> Call {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.portal.url()));
        if let Some(key) = key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.expect("the fake answers");
        Call {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            text: response.text().await.expect("a body"),
        }
    }

    async fn get(&self, path: &str) -> Call {
        self.send(Method::GET, path, Some(DEFAULT_API_KEY), None)
            .await
    }
    async fn post(&self, body: Value) -> Call {
        self.send(
            Method::POST,
            WEBHOOK_PATH,
            Some(DEFAULT_API_KEY),
            Some(&body.to_string()),
        )
        .await
    }
    async fn put(&self, path: &str, body: Value) -> Call {
        self.send(
            Method::PUT,
            path,
            Some(DEFAULT_API_KEY),
            Some(&body.to_string()),
        )
        .await
    }
    async fn delete(&self, id: i32) -> Call {
        self.send(
            Method::DELETE,
            &delete_path(id),
            Some(DEFAULT_API_KEY),
            None,
        )
        .await
    }
    /// The `configs` of every list item.
    async fn list(&self) -> Vec<Value> {
        let call = self.get(WEBHOOK_PATH).await;
        assert_eq!(call.status, 200, "{}", call.text);
        let body = call.json();
        let items = body["response"].as_array().expect("a list").clone();
        items
            .into_iter()
            .map(|item| item["configs"].clone())
            .collect()
    }
}

fn create_body(name: &str, uri: &str) -> Value {
    json!({"name": name, "uri": uri, "secretKey": SECRET, "enabled": true, "ssl": true, "triggers": 384})
}
