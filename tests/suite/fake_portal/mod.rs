//! Self-test of the fake DocSpace portal, over real HTTP with reqwest: the fake is the oracle
//! the integration tests trust, so its REFERENCE behaviours (envelopes, both error shapes,
//! full-replace PUT, the create quirk, the probe, enable rules) and its test hooks (faults,
//! latency, concurrency count) are pinned here.

use std::time::{Duration, Instant};

use crate::support::fake_portal::{
    DEFAULT_API_KEY, ENABLE_PATH, FakePortal, Fault, FaultBody, FaultKind, Options, Seed,
    TRIGGERS_PATH, Target, WEBHOOK_PATH, delete_path,
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

#[tokio::test(flavor = "multi_thread")]
async fn success_envelope_omits_nulls_and_never_shows_a_secret() {
    let api = Api::new();
    api.portal
        .seed(Seed::new("plain", "https://a.example.com/h"));
    api.portal.seed(
        Seed::new("busy", "https://b.example.com/h")
            .target("42")
            .failure("2026-06-01T10:00:00.0000000+00:00", "HTTP 500")
            .triggers(384),
    );
    let call = api.get(WEBHOOK_PATH).await;
    assert_eq!(call.status, 200);
    assert!(
        call.header("content-type")
            .unwrap_or("")
            .starts_with("application/json")
    );
    let body = call.json();
    assert_eq!(
        body["count"], 1,
        "the real server says 1 for any list length"
    );
    assert_eq!(body["status"], 0);
    assert_eq!(body["statusCode"], 200);
    assert_eq!(
        body["links"],
        json!([{"href": format!("{}{WEBHOOK_PATH}", api.portal.url()), "action": "GET"}])
    );
    let items = body["response"].as_array().expect("array");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["status"], 0);
    let plain = items[0]["configs"].as_object().expect("configs object");
    assert_eq!(plain["id"], 1);
    assert_eq!(plain["enabled"], true);
    assert_eq!(plain["triggers"], 0);
    for absent in [
        "targetId",
        "lastFailureOn",
        "lastFailureContent",
        "lastSuccessOn",
        "modifiedOn",
        "createdBy",
    ] {
        assert!(
            !plain.contains_key(absent),
            "{absent} should be omitted: {plain:?}"
        );
    }
    assert!(plain["createdOn"].is_string());
    let busy = &items[1]["configs"];
    assert_eq!(busy["targetId"], "42");
    assert_eq!(busy["lastFailureContent"], "HTTP 500");
    assert_eq!(busy["triggers"], 384);
    assert!(!call.text.contains("secretKey") && !call.text.contains("seeded-secret-1"));
    assert!(api.portal.requests().iter().all(|r| r.status == 200));
}

#[tokio::test(flavor = "multi_thread")]
async fn authentication_failures_have_empty_bodies_and_unknown_routes_are_plain_404() {
    let api = Api::with(Options {
        read_only_key: Some("sk-read-only-key".to_owned()),
        ..Options::default()
    });
    for key in [None, Some("sk-wrong")] {
        let call = api.send(Method::GET, WEBHOOK_PATH, key, None).await;
        assert_eq!((call.status, call.text.as_str()), (401, ""));
    }
    let basic = api
        .http
        .get(format!("{}{WEBHOOK_PATH}", api.portal.url()))
        .header("Authorization", format!("Basic {DEFAULT_API_KEY}"))
        .send()
        .await
        .expect("answer");
    assert_eq!(basic.status().as_u16(), 401);

    let read = api
        .send(Method::GET, WEBHOOK_PATH, Some("sk-read-only-key"), None)
        .await;
    assert_eq!(read.status, 200);
    let body = create_body("x", "https://x.example.com").to_string();
    let write = api
        .send(
            Method::POST,
            WEBHOOK_PATH,
            Some("sk-read-only-key"),
            Some(&body),
        )
        .await;
    assert_eq!((write.status, write.text.as_str()), (403, ""));
    assert!(api.portal.webhooks().is_empty());

    for (method, path) in [
        (Method::GET, "/api/2.0/settings/nothing"),
        (Method::DELETE, "/api/2.0/settings/webhook/abc"),
        (Method::DELETE, "/api/2.0/settings/webhook/99999999999"),
    ] {
        let call = api.send(method, path, None, None).await;
        assert_eq!((call.status, call.text.as_str()), (404, ""), "{path}");
    }
    let wrong_method = api
        .send(Method::PATCH, WEBHOOK_PATH, Some(DEFAULT_API_KEY), None)
        .await;
    assert_eq!(wrong_method.status, 405);
    let recorded = api.portal.requests();
    assert!(!recorded[0].has_authorization && recorded[2].has_authorization);
    assert_eq!(
        recorded[4].content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(recorded[4].body.as_deref(), Some(body.as_str()));
    assert_eq!(api.portal.writes().len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_answers_access_denied_except_for_the_trigger_list() {
    let api = Api::new();
    let triggers = api.get(TRIGGERS_PATH).await.json();
    assert_eq!(triggers["count"], 37);
    assert_eq!(
        triggers["response"][0],
        json!({"name": "*", "id": 0, "available": true})
    );
    assert_eq!(triggers["response"][16]["name"], "file.downloaded");
    assert_eq!(triggers["response"][16]["id"], 1u64 << 34);

    api.portal.set_forbidden(true);
    let list = api.get(WEBHOOK_PATH).await;
    assert_eq!(list.status, 403);
    assert_eq!(list.error_message(), "Access denied");
    let create = api.post(create_body("x", "https://x.example.com")).await;
    assert_eq!(create.status, 403);
    let guest = api.get(TRIGGERS_PATH).await.json();
    assert_eq!(guest["response"][0]["available"], false);
    api.portal.set_forbidden(false);
    assert_eq!(api.get(WEBHOOK_PATH).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn post_then_get_shows_it_with_ids_from_first_id() {
    let api = Api::with(Options {
        first_id: 100,
        ..Options::default()
    });
    let call = api
        .post(create_body("ci", "https://hooks.example.com/ci"))
        .await;
    assert_eq!(call.status, 200, "{}", call.text);
    let created = call.json();
    assert_eq!(created["response"]["id"], 100);
    assert_eq!(created["response"]["triggers"], 384);
    assert!(created["response"].get("modifiedOn").is_none());
    // The server's shape: `2026-06-30T13:05:11.0000000+00:00`.
    let created_on = created["response"]["createdOn"].as_str().unwrap_or("");
    let shape: String = created_on
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(shape, "9999-99-99T99:99:99.9999999+99:99", "{created_on}");
    assert!(!call.text.contains(SECRET));
    let second = api
        .post(json!({"name": "bare", "uri": "https://b.example.com", "secretKey": SECRET}))
        .await;
    assert_eq!(second.json()["response"]["id"], 101);
    assert_eq!(
        second.json()["response"]["enabled"],
        false,
        "omitted enabled is false"
    );

    let list = api.list().await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "ci");
    assert_eq!(list[0]["createdBy"]["displayName"], "Administrator");
    let stored = api.portal.get(100).expect("stored");
    assert_eq!(stored.secret_key, SECRET);
    assert!(stored.enabled && stored.ssl);
}

#[tokio::test(flavor = "multi_thread")]
async fn put_is_a_full_replacement_and_a_blank_secret_keeps_the_stored_one() {
    let api = Api::new();
    let id = api.portal.seed(
        Seed::new("full", "https://a.example.com")
            .triggers(384)
            .target("7"),
    );
    let call = api
        .put(
            WEBHOOK_PATH,
            json!({"id": id, "name": "full", "uri": "https://a.example.com"}),
        )
        .await;
    assert_eq!(call.status, 200, "{}", call.text);
    let dto = call.json()["response"].clone();
    assert_eq!(
        (
            dto["enabled"].clone(),
            dto["ssl"].clone(),
            dto["triggers"].clone()
        ),
        (json!(false), json!(false), json!(0))
    );
    assert!(dto.get("targetId").is_none());
    assert!(dto["modifiedOn"].is_string());
    let stored = api.portal.get(id).expect("stored");
    assert_eq!(stored.secret_key, "seeded-secret-1");
    assert_eq!(stored.target_id, None);

    let blank = json!({"id": id, "name": "full", "uri": "https://a.example.com", "secretKey": ""});
    assert_eq!(api.put(WEBHOOK_PATH, blank).await.status, 200);
    assert_eq!(
        api.portal.get(id).map(|s| s.secret_key).as_deref(),
        Some("seeded-secret-1")
    );
    let rotate = json!({"id": id, "name": "full", "uri": "https://a.example.com", "secretKey": "rotated-secret-2"});
    assert_eq!(api.put(WEBHOOK_PATH, rotate).await.status, 200);
    assert_eq!(
        api.portal.get(id).map(|s| s.secret_key).as_deref(),
        Some("rotated-secret-2")
    );
    let weak =
        json!({"id": id, "name": "full", "uri": "https://a.example.com", "secretKey": "has space"});
    let call = api.put(WEBHOOK_PATH, weak).await;
    assert_eq!(call.status, 400);
    assert!(
        call.error_message()
            .starts_with("Password must contain from 8 to 30 characters")
    );
    assert!(!call.text.contains("has space"));

    // The checks run before the lookup: a bad payload is 400 even for an unknown id.
    let bad = api
        .put(
            WEBHOOK_PATH,
            json!({"id": 999, "name": "n", "uri": "https://10.0.0.1", "ssl": true}),
        )
        .await;
    assert_eq!(bad.status, 400);
    let missing = api
        .put(
            WEBHOOK_PATH,
            json!({"id": 999, "name": "n", "uri": "https://ok.example.com"}),
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_message(), "The record could not be found");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_quirk_stores_true_for_false() {
    let api = Api::new();
    let off = json!({"name": "off", "uri": "http://o.example.com", "secretKey": SECRET, "enabled": false, "ssl": false});
    let plain = api.post(off.clone()).await.json();
    assert_eq!(
        (
            plain["response"]["enabled"].clone(),
            plain["response"]["ssl"].clone()
        ),
        (json!(false), json!(false))
    );

    api.portal.set_create_quirk(true);
    let mut body = off;
    body["name"] = json!("quirky");
    let quirky = api.post(body).await.json();
    assert_eq!(
        (
            quirky["response"]["enabled"].clone(),
            quirky["response"]["ssl"].clone()
        ),
        (json!(true), json!(true))
    );
    let id = quirky["response"]["id"].as_i64().expect("id") as i32;
    let stored = api.portal.get(id).expect("stored");
    assert!(stored.enabled && stored.ssl);
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_name_and_uri_is_refused_on_post_but_not_on_put() {
    let api = Api::new();
    assert_eq!(
        api.post(create_body("dup", "https://d.example.com"))
            .await
            .status,
        200
    );
    let again = api.post(create_body("dup", "https://d.example.com")).await;
    assert_eq!(again.status, 400);
    assert_eq!(
        again.error_message(),
        "Webhook with the same name and payload URL already exists"
    );
    assert_eq!(
        api.post(create_body("DUP", "https://d.example.com"))
            .await
            .status,
        200,
        "case-sensitive"
    );
    let other = api
        .post(create_body("other", "https://o.example.com"))
        .await
        .json();
    let id = other["response"]["id"].clone();
    let same = api
        .put(
            WEBHOOK_PATH,
            json!({"id": id, "name": "dup", "uri": "https://d.example.com"}),
        )
        .await;
    assert_eq!(same.status, 200);
    let names: Vec<Value> = api.list().await.iter().map(|c| c["name"].clone()).collect();
    assert_eq!(names, [json!("dup"), json!("DUP"), json!("dup")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn model_binding_failures_use_the_validation_shape() {
    let api = Api::new();
    let mut as_string = create_body("s", "https://s.example.com");
    as_string["triggers"] = json!("FileUploaded");
    let call = api.post(as_string).await;
    assert!(
        call.header("content-type")
            .unwrap_or("")
            .starts_with("application/problem+json")
    );
    let errors = call.validation_errors();
    assert!(
        errors["$.triggers"][0]
            .as_str()
            .unwrap_or("")
            .contains("WebhookTrigger"),
        "{errors}"
    );
    assert!(errors.get("inDto").is_some());

    let unknown =
        json!({"name": "u", "uri": "https://u.example.com", "secretKey": SECRET, "bogus": 1});
    assert!(
        api.post(unknown)
            .await
            .validation_errors()
            .get("$.bogus")
            .is_some()
    );
    let id_on_post =
        json!({"id": 1, "name": "u", "uri": "https://u.example.com", "secretKey": SECRET});
    assert!(
        api.post(id_on_post)
            .await
            .validation_errors()
            .get("$.id")
            .is_some()
    );

    let errors = api
        .post(json!({"name": " ", "secretKey": "x".repeat(51), "targetId": "t".repeat(256)}))
        .await
        .validation_errors();
    for key in ["Name", "Uri", "SecretKey", "TargetId"] {
        assert!(errors.get(key).is_some(), "{key} missing in {errors}");
    }
    let long_name = api
        .post(create_body(&"n".repeat(51), "https://l.example.com"))
        .await
        .validation_errors();
    assert_eq!(
        long_name["Name"][0],
        "The field Name must be a string with a maximum length of 50."
    );

    let not_json = api
        .send(
            Method::POST,
            WEBHOOK_PATH,
            Some(DEFAULT_API_KEY),
            Some("{name: "),
        )
        .await;
    assert!(not_json.validation_errors().get("$").is_some());
    let empty = api
        .send(Method::POST, WEBHOOK_PATH, Some(DEFAULT_API_KEY), Some(""))
        .await;
    assert!(empty.validation_errors().get("").is_some());
    let no_id = api
        .put(
            WEBHOOK_PATH,
            json!({"name": "n", "uri": "https://n.example.com"}),
        )
        .await;
    assert!(
        no_id.validation_errors()["$"][0]
            .as_str()
            .unwrap_or("")
            .contains("'id'")
    );
    let wrong_bool = api
        .put(
            WEBHOOK_PATH,
            json!({"id": 1, "name": "n", "uri": "https://n.example.com", "ssl": "true"}),
        )
        .await;
    assert!(wrong_bool.validation_errors().get("$.ssl").is_some());

    let untyped = api
        .http
        .post(format!("{}{WEBHOOK_PATH}", api.portal.url()))
        .header("Authorization", format!("Bearer {DEFAULT_API_KEY}"))
        .body(create_body("t", "https://t.example.com").to_string())
        .send()
        .await
        .expect("answer");
    assert_eq!(untyped.status().as_u16(), 415);
    assert!(api.portal.webhooks().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn url_rules_https_if_ssl_and_the_blacklist() {
    let api = Api::new();
    let cases = [
        ("http://plain.example.com/h", true, "HTTPS is required"),
        ("https://127.0.0.1/h", false, "URL host is in the blacklist"),
        ("https://10.1.2.3/h", false, "URL host is in the blacklist"),
        (
            "https://192.168.1.5:8443/h",
            false,
            "URL host is in the blacklist",
        ),
        (
            "https://172.20.0.1/h",
            false,
            "URL host is in the blacklist",
        ),
        ("https://[::1]/h", false, "URL host is in the blacklist"),
        (
            "https://localhost/h",
            false,
            "URL resolves to a blacklisted IP address",
        ),
        ("hooks.example.com/h", false, "Invalid URL format"),
        (
            "ftp://hooks.example.com/h",
            false,
            "Invalid URL scheme: ftp. Only http and https are allowed",
        ),
    ];
    for (uri, ssl, message) in cases {
        let call = api
            .post(json!({"name": "u", "uri": uri, "secretKey": SECRET, "ssl": ssl}))
            .await;
        assert_eq!(call.status, 400, "{uri}: {}", call.text);
        assert_eq!(call.error_message(), message, "{uri}");
    }
    let allowed = json!({"name": "u", "uri": "http://plain.example.com/h", "secretKey": SECRET, "ssl": false});
    assert_eq!(api.post(allowed).await.status, 200);
    let no_secret = api
        .post(json!({"name": "n", "uri": "https://n.example.com"}))
        .await;
    assert_eq!(no_secret.status, 400);
    assert_eq!(
        no_secret.error_message(),
        "Value cannot be null. (Parameter 'secretKey')"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_head_probe_follows_the_target_table() {
    let api = Api::new();
    api.portal
        .set_target("https://down.example.com/h", Target::Status(405));
    api.portal
        .set_target("https://gone.example.com/h", Target::Unreachable);
    api.portal
        .set_target("https://nocontent.example.com/h", Target::Status(204));

    let refused = api
        .post(create_body("a", "https://down.example.com/h"))
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.error_message(),
        "Webhook URL is not available. HEAD request is not response 200 http status."
    );
    let unreachable = api
        .post(create_body("b", "https://gone.example.com/h"))
        .await;
    assert_eq!(unreachable.status, 500);
    assert!(
        unreachable.error_message().contains("Connection refused"),
        "{}",
        unreachable.text
    );
    assert_eq!(
        api.post(create_body("c", "https://nocontent.example.com/h"))
            .await
            .status,
        200
    );

    let id = api.portal.seed(Seed::new("d", "https://ok.example.com/h"));
    let moved = api
        .put(
            WEBHOOK_PATH,
            json!({"id": id, "name": "d", "uri": "https://gone.example.com/h"}),
        )
        .await;
    assert_eq!(moved.status, 500, "PUT probes the new uri");
    assert_eq!(
        api.portal.probes(),
        [
            "https://down.example.com/h",
            "https://gone.example.com/h",
            "https://nocontent.example.com/h",
            "https://gone.example.com/h"
        ]
    );
    assert_eq!(api.portal.webhooks().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn enable_validates_the_body_but_checks_only_the_stored_record_when_enabling() {
    let api = Api::new();
    let id = api.portal.seed(Seed::new("e", "https://e.example.com/h"));
    api.portal
        .set_target("https://e.example.com/h", Target::Unreachable);

    let no_name = api
        .put(ENABLE_PATH, json!({"id": id, "uri": "x", "enabled": false}))
        .await;
    assert!(no_name.validation_errors().get("Name").is_some());
    let unknown = api
        .put(
            ENABLE_PATH,
            json!({"id": 999, "name": "x", "uri": "x", "enabled": false}),
        )
        .await;
    assert_eq!(unknown.status, 404);

    // name/uri are required but ignored: disabling needs no probe.
    let off = api
        .put(
            ENABLE_PATH,
            json!({"id": id, "name": "ignored", "uri": "ignored", "enabled": false}),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(off.json()["response"]["name"], "e");
    assert!(api.portal.probes().is_empty());
    let on = api
        .put(
            ENABLE_PATH,
            json!({"id": id, "name": "e", "uri": "https://e.example.com/h", "enabled": true}),
        )
        .await;
    assert_eq!(on.status, 500);
    assert!(!api.portal.get(id).expect("stored").enabled);

    api.portal.set_target("https://e.example.com/h", Target::Ok);
    let on = api
        .put(
            ENABLE_PATH,
            json!({"id": id, "name": "e", "uri": "https://e.example.com/h", "enabled": true}),
        )
        .await;
    assert_eq!(on.status, 200);
    assert!(api.portal.get(id).expect("stored").enabled);

    // A stored secret that fails today's policy blocks re-enabling.
    let legacy = api.portal.seed(
        Seed::new("old", "https://old.example.com")
            .secret("short")
            .enabled(false),
    );
    let call = api
        .put(
            ENABLE_PATH,
            json!({"id": legacy, "name": "old", "uri": "https://old.example.com", "enabled": true}),
        )
        .await;
    assert_eq!(call.status, 400);
    assert!(call.error_message().starts_with("Password must contain"));
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_returns_the_removed_config_then_404() {
    let api = Api::new();
    let id = api
        .portal
        .seed(Seed::new("gone", "https://g.example.com").triggers(128));
    let first = api.delete(id).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["response"]["name"], "gone");
    assert_eq!(first.json()["response"]["triggers"], 128);
    let again = api.delete(id).await;
    assert_eq!(again.status, 404);
    assert_eq!(again.error_message(), "The record could not be found");
    assert!(api.list().await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn replacing_faults_are_consumed_in_order_and_recorded() {
    let api = Api::new();
    api.portal
        .inject(Fault::new("GET", WEBHOOK_PATH, FaultKind::html(502)));
    api.portal.inject(Fault::new(
        "GET",
        WEBHOOK_PATH,
        FaultKind::RetryAfter { seconds: 7 },
    ));
    api.portal.inject(Fault::any_method(
        WEBHOOK_PATH,
        FaultKind::Redirect {
            status: 307,
            location: "https://elsewhere.example.com/".to_owned(),
        },
    ));
    api.portal.inject(
        Fault::any_method(
            WEBHOOK_PATH,
            FaultKind::Status {
                status: 503,
                body: FaultBody::Json(json!({"oops": true})),
            },
        )
        .times(2),
    );
    api.portal.inject(Fault::new(
        "DELETE",
        "/api/2.0/settings/webhook/1",
        FaultKind::Status {
            status: 500,
            body: FaultBody::Text("boom".to_owned()),
        },
    ));

    let html = api.get(WEBHOOK_PATH).await;
    assert_eq!(html.status, 502);
    assert!(
        html.header("content-type")
            .unwrap_or("")
            .starts_with("text/html")
    );
    assert!(html.text.contains("<html>"));
    let limited = api.get(WEBHOOK_PATH).await;
    assert_eq!((limited.status, limited.text.as_str()), (429, ""));
    assert_eq!(limited.header("retry-after"), Some("7"));
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    let redirect = api.post(create_body("r", "https://r.example.com")).await;
    assert_eq!(redirect.status, 307);
    assert_eq!(
        redirect.header("location"),
        Some("https://elsewhere.example.com/")
    );
    assert_eq!(api.get(WEBHOOK_PATH).await.json(), json!({"oops": true}));
    assert_eq!(
        api.send(Method::GET, WEBHOOK_PATH, None, None).await.status,
        503,
        "faults precede auth"
    );
    assert_eq!(api.get(WEBHOOK_PATH).await.status, 200, "all used up");
    assert_eq!(api.delete(1).await.text, "boom");
    assert!(
        api.portal.webhooks().is_empty(),
        "a replacing fault does not handle the request"
    );
    let statuses: Vec<u16> = api.portal.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [502, 429, 307, 503, 503, 200, 500]);
}

#[tokio::test(flavor = "multi_thread")]
async fn after_handling_lands_the_write_and_loses_the_answer() {
    let api = Api::new();
    api.portal.inject(Fault::new(
        "POST",
        WEBHOOK_PATH,
        FaultKind::AfterHandling {
            status: 502,
            body: FaultBody::Html("<html>Bad Gateway</html>".to_owned()),
        },
    ));
    let lost = api
        .post(create_body("landed", "https://l.example.com"))
        .await;
    assert_eq!(lost.status, 502);
    assert_eq!(api.list().await.len(), 1, "the write landed");
    assert_eq!(
        api.post(create_body("landed", "https://l.example.com"))
            .await
            .status,
        400,
        "a retry is a duplicate"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delay_outlasts_a_client_timeout_but_the_write_still_lands() {
    let api = Api::new();
    api.portal.inject(Fault::new(
        "POST",
        WEBHOOK_PATH,
        FaultKind::Delay(Duration::from_millis(800)),
    ));
    let outcome = api
        .http
        .post(format!("{}{WEBHOOK_PATH}", api.portal.url()))
        .header("Authorization", format!("Bearer {DEFAULT_API_KEY}"))
        .json(&create_body("slow", "https://s.example.com"))
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(outcome.is_err_and(|e| e.is_timeout()));
    assert_eq!(api.portal.writes()[0].status, 0, "still being handled");
    // The client gave up; the server still finishes the request (poll, the machine is busy).
    let deadline = Instant::now() + Duration::from_secs(3);
    while api.portal.writes()[0].status == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(api.portal.writes()[0].status, 200);
    assert_eq!(api.portal.webhooks().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn max_concurrent_writes_counts_overlap() {
    let api = Api::new();
    api.portal.set_latency(Duration::from_millis(150));
    let bodies: Vec<Value> = (0..4)
        .map(|i| create_body(&format!("c{i}"), "https://c.example.com"))
        .collect();
    let (a, b, c, d) = tokio::join!(
        api.post(bodies[0].clone()),
        api.post(bodies[1].clone()),
        api.post(bodies[2].clone()),
        api.post(bodies[3].clone()),
    );
    assert!([a, b, c, d].iter().all(|call| call.status == 200));
    assert_eq!(api.portal.max_concurrent_writes(), 4);

    api.portal.clear_requests();
    assert_eq!(api.portal.max_concurrent_writes(), 0);
    api.get(WEBHOOK_PATH).await;
    api.delete(1).await;
    api.delete(2).await;
    assert_eq!(
        api.portal.max_concurrent_writes(),
        1,
        "GETs do not count; sequential writes do not overlap"
    );
    assert_eq!(api.portal.requests().len(), 3);
}
