//! The envelopes and the gate in front of every route: the success shape (nulls omitted, no
//! secret, `count` always 1), empty-bodied 401/403, plain 404/405 for unknown routes, and the
//! forbidden mode that still serves the trigger list.

use reqwest::Method;
use serde_json::json;

use super::{Api, create_body};
use crate::support::fake_portal::{DEFAULT_API_KEY, Options, Seed, TRIGGERS_PATH, WEBHOOK_PATH};

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
