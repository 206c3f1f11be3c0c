//! The retry rules against throwaway axum servers that script their answers per hit. The
//! integration tests (tests/suite/faults.rs) cover the same through the real binary.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use secrecy::SecretString;

use crate::api::{Client, ClientEvent, ClientOptions, PortalUrl, WebhookBody};
use crate::triggers::TriggerSet;

#[path = "retry_create_tests.rs"]
mod create;
#[path = "retry_halt_tests.rs"]
mod halt;

pub(super) const KEY: &str = "sk-0123456789abcdef";
pub(super) const LIST_PATH: &str = "/api/2.0/settings/webhook";

pub(super) async fn serve(router: Router) -> PortalUrl {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    PortalUrl::parse(&format!("http://{addr}")).unwrap()
}

/// A client with tiny waits that records every event it reports.
pub(super) fn client(portal: &PortalUrl, retries: u32) -> (Client, Arc<Mutex<Vec<ClientEvent>>>) {
    let events: Arc<Mutex<Vec<ClientEvent>>> = Arc::default();
    let store = events.clone();
    let options = ClientOptions {
        request_timeout: Duration::from_millis(300),
        retries,
        retry_base: Duration::from_millis(2),
        // A second of `Retry-After` lasts 20 ms here.
        throttle_unit: Duration::from_millis(20),
        events: Some(Arc::new(move |e: &ClientEvent| {
            store.lock().unwrap().push(e.clone())
        })),
        ..ClientOptions::default()
    };
    let client = Client::new(portal, SecretString::from(KEY), options).unwrap();
    (client, events)
}

pub(super) fn lines(events: &Mutex<Vec<ClientEvent>>) -> Vec<String> {
    events
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.to_string())
        .collect()
}

pub(super) const EMPTY_LIST: &str = r#"{"response":[],"count":1,"status":0,"statusCode":200}"#;
pub(super) const ONE: &str = r#"{"response":{"id":5,"name":"n","uri":"https://h.example.com","enabled":true,
    "ssl":true,"triggers":0},"count":1,"status":0,"statusCode":200}"#;

pub(super) fn bad_gateway() -> Response {
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html")],
        "<h1>502 Bad Gateway</h1>",
    )
        .into_response()
}

/// Answers `failures` hits with `fail()`, then `ok`; counts the hits.
pub(super) fn flaky_get(
    hits: &Arc<AtomicUsize>,
    failures: usize,
    fail: fn() -> Response,
    ok: &'static str,
) -> Router {
    let hits = hits.clone();
    Router::new().route(
        LIST_PATH,
        get(move || async move {
            if hits.fetch_add(1, Ordering::SeqCst) < failures {
                fail()
            } else {
                ok.into_response()
            }
        }),
    )
}

#[tokio::test]
async fn a_502_then_success_is_one_logical_list() {
    let hits = Arc::new(AtomicUsize::new(0));
    let portal = serve(flaky_get(&hits, 2, bad_gateway, EMPTY_LIST)).await;
    let (client, events) = client(&portal, 4);
    assert_eq!(client.list().await.unwrap(), []);
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    let lines = lines(&events);
    let retries: Vec<&String> = lines.iter().filter(|l| l.starts_with("retrying")).collect();
    assert_eq!(retries.len(), 2, "{lines:#?}");
    assert!(
        retries[0].starts_with("retrying GET /api/2.0/settings/webhook in "),
        "{lines:#?}"
    );
    assert!(
        retries[0].ends_with("(attempt 2 of 5): HTTP 502: 502 Bad Gateway"),
        "{lines:#?}"
    );
    assert!(retries[1].contains("(attempt 3 of 5)"), "{lines:#?}");
    let requests = lines.iter().filter(|l| l.contains(" -> HTTP ")).count();
    assert_eq!(requests, 3, "one request event per attempt: {lines:#?}");
}

#[tokio::test]
async fn exhausted_retries_give_the_last_error() {
    let hits = Arc::new(AtomicUsize::new(0));
    let portal = serve(flaky_get(&hits, 100, bad_gateway, EMPTY_LIST)).await;
    let (client, _) = client(&portal, 2);
    let e = client.list().await.unwrap_err();
    assert_eq!(e.status(), Some(502), "{e}");
    assert_eq!(hits.load(Ordering::SeqCst), 3, "retries + 1 attempts");
}

#[tokio::test]
async fn zero_retries_sends_once() {
    let hits = Arc::new(AtomicUsize::new(0));
    let portal = serve(flaky_get(&hits, 100, bad_gateway, EMPTY_LIST)).await;
    let (client, events) = client(&portal, 0);
    client.list().await.unwrap_err();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert!(!lines(&events).iter().any(|l| l.starts_with("retrying")));
}

#[tokio::test]
async fn what_cannot_get_better_is_not_retried() {
    fn refused() -> Response {
        (
            StatusCode::BAD_REQUEST,
            r#"{"error":{"message":"nope"},"status":1,"statusCode":400}"#,
        )
            .into_response()
    }
    fn redirect() -> Response {
        (StatusCode::FOUND, [(header::LOCATION, "/login")], "").into_response()
    }
    fn unauthorized() -> Response {
        StatusCode::UNAUTHORIZED.into_response()
    }
    for fail in [refused, redirect, unauthorized] {
        let hits = Arc::new(AtomicUsize::new(0));
        let portal = serve(flaky_get(&hits, 100, fail, EMPTY_LIST)).await;
        let (client, _) = client(&portal, 4);
        client.list().await.unwrap_err();
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn a_429_is_waited_out_without_using_a_retry() {
    fn limited() -> Response {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "2")],
            "",
        )
            .into_response()
    }
    let hits = Arc::new(AtomicUsize::new(0));
    let portal = serve(flaky_get(&hits, 3, limited, EMPTY_LIST)).await;
    let (client, events) = client(&portal, 0);
    let started = std::time::Instant::now();
    client.list().await.unwrap();
    assert_eq!(
        hits.load(Ordering::SeqCst),
        4,
        "three 429s with --retries 0"
    );
    // Three pauses of 2 s, at 20 ms a second here.
    assert!(started.elapsed() >= Duration::from_millis(120));
    let lines = lines(&events);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("pausing all requests"))
            .count(),
        3,
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"the portal is limiting the request rate (HTTP 429 on GET \
              /api/2.0/settings/webhook): pausing all requests for 2 s as it asks \
              (Retry-After), then at most 15 write(s) at a time; 6 s of --max-wait 300 s used"
                .to_string()
        ),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("retrying")),
        "{lines:#?}"
    );
}

#[tokio::test]
async fn a_put_is_retried_with_the_same_body() {
    let bodies: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = bodies.clone();
    let router = Router::new().route(
        LIST_PATH,
        put(move |body: String| async move {
            let mut seen = store.lock().unwrap();
            seen.push(body);
            if seen.len() == 1 {
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            } else {
                ONE.into_response()
            }
        }),
    );
    let (client, _) = client(&serve(router).await, 4);
    let updated = client.update(5, &body()).await.unwrap();
    assert_eq!(updated.id, 5);
    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1]);
}

pub(super) fn body() -> WebhookBody {
    WebhookBody {
        name: "n".into(),
        uri: "https://h.example.com".into(),
        secret_key: Some(SecretString::from("Secret-123")),
        enabled: true,
        ssl: true,
        triggers: TriggerSet::from_bits(0),
        target_id: None,
    }
}

#[tokio::test]
async fn a_timeout_is_retried_and_reported_as_such() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let router = Router::new().route(
        LIST_PATH,
        get(move || async move {
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            EMPTY_LIST
        }),
    );
    let (client, events) = client(&serve(router).await, 1);
    client.list().await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    let lines = lines(&events);
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("(attempt 2 of 2): no answer within 0.3 s (the request timeout)")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("GET /api/2.0/settings/webhook -> no answer after ")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains(KEY)));
}
