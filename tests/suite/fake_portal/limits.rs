//! The rate limiter and periodic faults: what the throttling tests and the benchmark rely on.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::{Api, create_body};
use crate::support::fake_portal::{FaultKind, RateLimit, Scope, SlidingWindow, WEBHOOK_PATH};

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bucket_says_what_is_left_then_refuses_without_spending() {
    let api = Api::new();
    api.portal.set_rate_limit(Some(RateLimit {
        per_second: 2,
        burst: 3,
        max_concurrent_writes: 15,
    }));
    let mut left = Vec::new();
    for _ in 0..3 {
        let call = api.get(WEBHOOK_PATH).await;
        assert_eq!(call.status, 200);
        assert_eq!(call.header("x-ratelimit-limit"), Some("3"));
        let reset: u64 = call.header("x-ratelimit-reset").unwrap().parse().unwrap();
        assert!((unix_now()..=unix_now() + 3).contains(&reset), "{reset}");
        left.push(call.header("x-ratelimit-remaining").unwrap().to_owned());
    }
    assert_eq!(left, ["2", "1", "0"]);
    let refused = api
        .post(create_body("late", "https://late.example.com"))
        .await;
    assert_eq!((refused.status, refused.text.as_str()), (429, ""));
    assert_eq!(
        refused.header("retry-after"),
        Some("1"),
        "whole seconds, rounded up"
    );
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    assert!(
        api.portal.webhooks().is_empty(),
        "refused before the controller"
    );

    // Two a second: half a second later one request passes again.
    tokio::time::sleep(Duration::from_millis(550)).await;
    let call = api
        .post(create_body("later", "https://later.example.com"))
        .await;
    assert_eq!(call.status, 200, "{}", call.text);
    assert_eq!(call.header("x-ratelimit-remaining"), Some("0"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sliding_window_sends_its_headers_only_on_the_429_like_docspace() {
    let api = Api::new();
    api.portal.set_rate_headers_on_refusal_only(true);
    api.portal.set_sliding_window(Some(SlidingWindow {
        limit: 3,
        window: Duration::from_secs(2),
        max_concurrent_writes: 15,
    }));
    for _ in 0..3 {
        let call = api.get(WEBHOOK_PATH).await;
        assert_eq!(call.status, 200);
        let named: Vec<&str> = ["x-ratelimit-limit", "x-ratelimit-remaining", "retry-after"]
            .into_iter()
            .filter(|h| call.header(h).is_some())
            .collect();
        assert_eq!(
            named,
            Vec::<&str>::new(),
            "no rate header on a passing answer"
        );
    }
    let refused = api
        .post(create_body("late", "https://late.example.com"))
        .await;
    assert_eq!((refused.status, refused.text.as_str()), (429, ""));
    assert_eq!(refused.header("x-ratelimit-limit"), Some("3"));
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(
        refused.header("retry-after"),
        Some("2"),
        "the oldest leaves in 2 s"
    );
    let reset: u64 = refused
        .header("x-ratelimit-reset")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (unix_now() + 1..=unix_now() + 3).contains(&reset),
        "{reset}"
    );
    assert!(
        api.portal.webhooks().is_empty(),
        "refused before the controller"
    );

    // Still full a second later (a window, not a bucket), free once the first three leave it.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(api.get(WEBHOOK_PATH).await.status, 429);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(api.get(WEBHOOK_PATH).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_beyond_the_cap_are_refused_while_the_others_run() {
    let api = Api::new();
    api.portal.set_latency(Duration::from_millis(300));
    api.portal.set_rate_limit(Some(RateLimit {
        per_second: 100,
        burst: 100,
        max_concurrent_writes: 2,
    }));
    let calls = futures::future::join_all(
        (0..4).map(|i| api.post(create_body(&format!("c{i}"), "https://c.example.com"))),
    )
    .await;
    let mut statuses: Vec<u16> = calls.iter().map(|c| c.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 429, 429]);
    assert_eq!(api.portal.max_concurrent_writes(), 2);
    assert_eq!(api.portal.webhooks().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daily_write_limit_refuses_until_midnight_utc() {
    let api = Api::new();
    api.portal.set_daily_write_limit(Some(1));
    assert_eq!(api.get(WEBHOOK_PATH).await.status, 200, "GETs do not count");
    let first = api
        .post(create_body("one", "https://one.example.com"))
        .await;
    assert_eq!(first.status, 200);
    let id = first.json()["response"]["id"].as_i64().unwrap();
    let second = api
        .post(create_body("two", "https://two.example.com"))
        .await;
    assert_eq!(second.status, 429);
    let midnight = (unix_now() / 86_400 + 1) * 86_400;
    assert_eq!(
        second.header("x-ratelimit-reset"),
        Some(midnight.to_string().as_str())
    );
    let wait: u64 = second.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait) && wait + unix_now() >= midnight - 2);
    assert_eq!(second.header("x-ratelimit-limit"), Some("1"));
    assert_eq!(
        api.delete(id as i32).await.status,
        200,
        "DELETE does not count"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn periodic_faults_take_their_turns_in_order() {
    let api = Api::new();
    api.portal
        .inject_every(3, Scope::Requests, FaultKind::RetryAfter { seconds: 1 });
    api.portal
        .inject_every(2, Scope::Writes, FaultKind::html(503));
    for i in 0..4 {
        api.get(WEBHOOK_PATH).await;
        api.put(WEBHOOK_PATH, json!({"id": 999, "name": format!("n{i}")}))
            .await;
    }
    let seen: Vec<(String, u16)> = api
        .portal
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.status))
        .collect();
    let statuses: Vec<u16> = seen.iter().map(|(_, s)| *s).collect();
    // Requests 3 and 6 are the 429s; of the writes the first fault leaves to the second
    // (requests 2, 4 and 8), every second one gets the 503.
    assert_eq!(
        statuses,
        [200, 400, 429, 503, 200, 429, 200, 400],
        "{seen:?}"
    );
}
