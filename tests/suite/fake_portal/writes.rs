//! Create, update and enable semantics: ids from `first_id`, full-replacement PUT with a blank
//! secret keeping the stored one, the create quirk, name+uri uniqueness on POST only, and the
//! enable endpoint that checks the stored record rather than the body.

use serde_json::{Value, json};

use super::{Api, SECRET, create_body};
use crate::support::fake_portal::{ENABLE_PATH, Options, Seed, Target, WEBHOOK_PATH};

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
