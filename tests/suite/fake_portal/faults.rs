//! Test hooks: injected faults (replacing, after-handling, delay, late landing) consumed in
//! order and recorded, latency, the concurrent-write counter the load tests rely on, and the
//! list's hidden and repeated rows.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use super::{Api, create_body};
use crate::support::fake_portal::{
    DEFAULT_API_KEY, Fault, FaultBody, FaultKind, Seed, WEBHOOK_PATH,
};

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

#[tokio::test(flavor = "multi_thread")]
async fn a_late_landing_create_answers_at_once_and_lands_after() {
    let api = Api::new();
    api.portal.inject(Fault::new(
        "POST",
        WEBHOOK_PATH,
        FaultKind::LandsLate {
            status: 504,
            after: Duration::from_millis(300),
        },
    ));
    let gateway = api
        .post(create_body("late", "https://late.example.com"))
        .await;
    assert_eq!(gateway.status, 504);
    assert!(gateway.text.contains("504"), "{}", gateway.text);
    assert!(api.list().await.is_empty(), "not landed yet");
    let started = Instant::now();
    while api.portal.webhooks().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "never landed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let again = api
        .post(create_body("late", "https://late.example.com"))
        .await;
    assert_eq!(again.status, 400, "the repeat is a duplicate");
    assert_eq!(
        again.error_message(),
        "Webhook with the same name and payload URL already exists"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_can_hide_or_repeat_a_row() {
    let api = Api::new();
    let hidden = api.portal.seed(Seed::new("h", "https://h.example.com"));
    let shown = api.portal.seed(Seed::new("s", "https://s.example.com"));
    api.portal.hide_from_list(hidden, true);
    api.portal.repeat_in_list(shown);
    let ids: Vec<i64> = api
        .list()
        .await
        .iter()
        .map(|config| config["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [i64::from(shown), i64::from(shown)]);
    // The create check still sees the hidden one, as on a portal listing for a non-admin.
    let clash = api.post(create_body("h", "https://h.example.com")).await;
    assert_eq!(clash.status, 400);
}
