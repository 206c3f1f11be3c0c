//! The checks a write passes before it lands: model binding in the ValidationProblemDetails
//! shape, URL rules (HTTPS when `ssl`, the blacklist, a missing secret) in the exception shape,
//! and the HEAD probe driven by the target table.

use reqwest::Method;
use serde_json::json;

use super::{Api, SECRET, create_body};
use crate::support::fake_portal::{DEFAULT_API_KEY, Seed, Target, WEBHOOK_PATH};

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
