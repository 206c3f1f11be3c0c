//! The stop switch and retries: once it is thrown no write is sent again (its wait ends at
//! once), reads still are, and so is the follow-up call of a create.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, put};
use secrecy::SecretString;

use super::{EMPTY_LIST, KEY, LIST_PATH, ONE, bad_gateway, body, client, flaky_get, serve};
use crate::api::{ApiError, Client, ClientOptions};
use crate::halt::{Halt, StopReason};

const ENABLE_PATH: &str = "/api/2.0/settings/webhook/enable";

fn sigint() -> StopReason {
    StopReason::Signal {
        name: "SIGINT",
        exit_code: 130,
    }
}

/// The stop switch of a client made after its portal: the portal throws it while it answers,
/// so a request goes out and the run stops before any retry of it.
type Switch = Arc<OnceLock<Arc<Halt>>>;

fn throw(switch: &Switch) {
    if let Some(halt) = switch.get() {
        halt.stop(sigint());
    }
}

/// `PUT .../enable` that throws `switch` and fails once with 503, then succeeds; counts hits.
fn flaky_enable(hits: &Arc<AtomicUsize>, switch: &Switch) -> Router {
    let (hits, switch) = (hits.clone(), switch.clone());
    Router::new().route(
        ENABLE_PATH,
        put(move || async move {
            throw(&switch);
            if hits.fetch_add(1, Ordering::SeqCst) == 0 {
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            } else {
                ONE.into_response()
            }
        }),
    )
}

#[tokio::test]
async fn a_stopped_run_retries_no_write_but_the_follow_up_of_a_create() {
    let hits = Arc::new(AtomicUsize::new(0));
    let switch = Switch::default();
    let (stopping, _) = client(&serve(flaky_enable(&hits, &switch)).await, 4);
    switch.set(stopping.halt().clone()).unwrap();
    let e = stopping.set_enabled(5, "n", "u", false).await.unwrap_err();
    assert!(matches!(e, ApiError::NotRetried { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "PUT /api/2.0/settings/webhook/enable failed (HTTP 503); the answer is not from the \
         DocSpace API: (empty body); not retried: the run is stopping (SIGINT received)"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    let hits = Arc::new(AtomicUsize::new(0));
    let switch = Switch::default();
    let (finishing, _) = client(&serve(flaky_enable(&hits, &switch)).await, 4);
    switch.set(finishing.halt().clone()).unwrap();
    finishing
        .follow_up()
        .set_enabled(5, "n", "u", false)
        .await
        .unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2, "the follow-up was retried");
}

#[tokio::test]
async fn a_stopped_run_sends_no_new_write_but_a_follow_up() {
    let hits = Arc::new(AtomicUsize::new(0));
    let (stopped, _) = client(&serve(flaky_enable(&hits, &Switch::default())).await, 4);
    stopped.halt().stop(sigint());
    let e = stopped.set_enabled(5, "n", "u", false).await.unwrap_err();
    assert!(matches!(e, ApiError::NotSent { .. }), "{e:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    stopped
        .follow_up()
        .set_enabled(5, "n", "u", false)
        .await
        .unwrap();
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "the follow-up went out, and again"
    );
}

#[tokio::test]
async fn a_stopped_run_still_retries_a_read() {
    let hits = Arc::new(AtomicUsize::new(0));
    let (reading, _) = client(
        &serve(flaky_get(&hits, 1, bad_gateway, EMPTY_LIST)).await,
        4,
    );
    reading.halt().stop(sigint());
    assert_eq!(reading.list().await.unwrap(), []);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_retry_wait_ends_when_the_switch_is_thrown() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let router = Router::new().route(
        ENABLE_PATH,
        put(move || async move {
            counted.fetch_add(1, Ordering::SeqCst);
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "600")],
            )
                .into_response()
        }),
    );
    // Within the wait budget, so the 429 is waited out rather than stopping the run.
    let options = ClientOptions {
        max_wait: Duration::from_secs(3600),
        ..ClientOptions::default()
    };
    let portal = serve(router).await;
    let client = Client::new(&portal, SecretString::from(KEY), options).unwrap();
    let call = {
        let client = client.clone();
        tokio::spawn(async move { client.set_enabled(5, "n", "u", false).await })
    };
    while hits.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    client.halt().stop(sigint());
    let e = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the 600 s wait ended when the switch was thrown")
        .unwrap()
        .unwrap_err();
    // Not sent again: the call ends with the portal's own refusal, said to be not retried.
    assert!(matches!(e, ApiError::NotRetried { .. }), "{e:?}");
    assert_eq!(e.status(), Some(429));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_stopped_run_looks_for_a_create_that_may_have_landed_but_posts_no_other() {
    let (posts, lists) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (p, l) = (posts.clone(), lists.clone());
    let switch = Switch::default();
    let thrower = switch.clone();
    let router = Router::new().route(
        LIST_PATH,
        get(move || async move {
            l.fetch_add(1, Ordering::SeqCst);
            EMPTY_LIST
        })
        .post(move || async move {
            throw(&thrower);
            p.fetch_add(1, Ordering::SeqCst);
            bad_gateway()
        }),
    );
    let (stopping, _) = client(&serve(router).await, 4);
    switch.set(stopping.halt().clone()).unwrap();
    let e = stopping.create(&body()).await.unwrap_err();
    assert!(matches!(e, ApiError::NotRetried { .. }), "{e:?}");
    assert_eq!(posts.load(Ordering::SeqCst), 1);
    assert_eq!(lists.load(Ordering::SeqCst), 1, "looked for it once");
}
