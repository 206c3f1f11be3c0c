//! The limits against throwaway axum servers. The integration
//! tests (tests/suite/throttle.rs) cover the same through the real binary and the fake portal.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use secrecy::SecretString;

use super::*;
use crate::api::retry_after::http_date;
use crate::api::{Client, PortalUrl, WebhookBody};
use crate::triggers::TriggerSet;

const PATH: &str = "/api/2.0/settings/webhook";
const ONE: &str = r#"{"response":{"id":5,"name":"n","uri":"https://h.example.com","enabled":true,
    "ssl":true,"triggers":0},"count":1,"status":0,"statusCode":200}"#;

async fn serve(router: Router) -> PortalUrl {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    PortalUrl::parse(&format!("http://{addr}")).unwrap()
}

/// A client whose throttle seconds last `unit`, recording what it says.
fn client(portal: &PortalUrl, unit: Duration, max_wait: u64) -> (Client, Arc<Mutex<Vec<String>>>) {
    let said: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = said.clone();
    let options = ClientOptions {
        retry_base: Duration::from_millis(1),
        throttle_unit: unit,
        max_wait: Duration::from_secs(max_wait),
        events: Some(Arc::new(move |e: &ClientEvent| {
            if !matches!(e, ClientEvent::Request { .. }) {
                store.lock().unwrap().push(e.to_string());
            }
        })),
        ..ClientOptions::default()
    };
    let client = Client::new(portal, SecretString::from("sk-0123456789abcdef"), options).unwrap();
    (client, said)
}

fn body() -> WebhookBody {
    WebhookBody {
        name: "n".into(),
        uri: "https://h.example.com".into(),
        secret_key: None,
        enabled: true,
        ssl: true,
        triggers: TriggerSet::from_bits(0),
        target_id: None,
    }
}

fn limited(retry_after: &'static str, limit: &'static str) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            ("Retry-After", retry_after),
            ("X-RateLimit-Limit", limit),
            ("X-RateLimit-Remaining", "0"),
        ],
    )
        .into_response()
}

/// PUTs answer `first()` for the first `refused` hits, then succeed (after `delay`); the most
/// PUTs in flight at once after the refusals is kept.
fn portal(
    hits: &Arc<AtomicUsize>,
    peak_after: &Arc<AtomicUsize>,
    refused: usize,
    first: fn() -> Response,
) -> Router {
    let (hits, peak_after) = (hits.clone(), peak_after.clone());
    let in_flight = Arc::new(AtomicUsize::new(0));
    Router::new().route(
        PATH,
        put(move || async move {
            if hits.fetch_add(1, Ordering::SeqCst) < refused {
                return first();
            }
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak_after.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            in_flight.fetch_sub(1, Ordering::SeqCst);
            ONE.into_response()
        }),
    )
}

#[tokio::test]
async fn writes_refused_together_make_one_pause_and_half_the_writes() {
    let (hits, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let url = serve(portal(&hits, &peak, 8, || limited("1", "1500"))).await;
    let (client, said) = client(&url, Duration::from_millis(30), 300);
    let body = body();
    let results = futures::future::join_all((0..8).map(|_| client.update(5, &body))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 16);
    let said = said.lock().unwrap();
    assert_eq!(said.len(), 1, "one line for the pause: {said:#?}");
    assert!(
        said[0].contains("pausing all requests for 1 s as it asks (Retry-After), then at most 4"),
        "{said:#?}"
    );
    // Halved: never all eight again at once.
    let peak = peak.load(Ordering::SeqCst);
    assert!((1..=5).contains(&peak), "{peak}");
}

#[tokio::test]
async fn a_retry_after_beyond_max_wait_stops_the_run_and_names_the_time() {
    let (hits, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let url = serve(portal(&hits, &peak, 100, || limited("86400", "10000"))).await;
    let (client, said) = client(&url, Duration::from_secs(1), 300);
    let asked_at = SystemTime::now();
    let error = client.update(5, &body()).await.unwrap_err();
    assert_eq!(error.status(), Some(429), "{error}");
    let reason = client.halt().reason().expect("stopped").to_string();
    let expected = (0..3)
        .map(|s| http_date(asked_at + Duration::from_secs(86_400 + s)))
        .any(|date| reason.contains(&format!("accepts requests again at {date}, in 86400 s")));
    assert!(expected, "{reason}");
    assert!(
        reason.contains("rate limit (X-RateLimit-Limit: 10000)"),
        "{reason}"
    );
    assert!(reason.contains("--max-wait 300 s"), "{reason}");
    assert!(
        reason.contains("daily limit of 10,000 POST/PUT"),
        "{reason}"
    );
    assert!(said.lock().unwrap().is_empty(), "no pause was taken");

    // Nothing more goes out.
    let next = client.update(5, &body()).await.unwrap_err();
    assert!(matches!(next, ApiError::NotSent { .. }), "{next}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn pauses_add_up_to_max_wait_then_the_run_stops() {
    let (hits, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let url = serve(portal(&hits, &peak, 100, || limited("1", "1500"))).await;
    let (client, said) = client(&url, Duration::from_millis(10), 2);
    let error = client.update(5, &body()).await.unwrap_err();
    assert_eq!(error.status(), Some(429), "{error}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        3,
        "two pauses of 1 s fit in 2 s"
    );
    assert_eq!(said.lock().unwrap().len(), 2);
    let reason = client.halt().reason().expect("stopped").to_string();
    assert!(
        reason.contains("more waiting than --max-wait 2 s allows (2 s already spent waiting)"),
        "{reason}"
    );
    assert!(!reason.contains("daily"), "{reason}");
}

#[tokio::test]
async fn a_stopped_run_ends_waits_at_the_gate_and_sends_nothing() {
    let (hits, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let url = serve(portal(&hits, &peak, 1, || limited("60", "1500"))).await;
    let (client, _) = client(&url, Duration::from_secs(1), 300);
    let halt = client.halt().clone();
    let body = body();
    let stop = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        halt.stop(StopReason::Signal {
            name: "SIGINT",
            exit_code: 130,
        });
    };
    let started = Instant::now();
    let (result, ()) = tokio::join!(client.update(5, &body), stop);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the 60 s pause ended"
    );
    assert_eq!(
        result.unwrap_err().status(),
        Some(429),
        "the refusal is what happened"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}
