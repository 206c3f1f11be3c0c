//! The portal's limits as the client keeps them: refusals that come together make one pause
//! and half the writes, pauses add up to `--max-wait`, and one beyond it stops the run.

use std::time::{Duration, Instant, SystemTime};

use docspace_webhooks::api::{ApiError, Client, ClientEvent, ClientOptions};
use docspace_webhooks::halt::StopReason;

use super::{Events, body, client_with, seeded};
use crate::support::fake_portal::{FakePortal, Fault, FaultKind, WEBHOOK_PATH};

/// A client whose throttle seconds last `unit`, with `max_wait` seconds to wait.
fn client(portal: &FakePortal, unit: Duration, max_wait: u64) -> (Client, Events) {
    client_with(
        portal,
        ClientOptions {
            retry_base: Duration::from_millis(1),
            throttle_unit: unit,
            max_wait: Duration::from_secs(max_wait),
            ..ClientOptions::default()
        },
    )
}

/// What the client said, its requests left out.
fn said(events: &Events) -> Vec<String> {
    let events = events.lock().unwrap();
    let said = events.iter().map(|(_, e)| e);
    let said = said.filter(|e| !matches!(e, ClientEvent::Request { .. }));
    said.map(ToString::to_string).collect()
}

/// The PUTs the portal refuses `times` times with `kind`, then carries out.
fn refusing(kind: FaultKind, times: usize) -> FakePortal {
    let portal = seeded();
    portal.inject(Fault::new("PUT", WEBHOOK_PATH, kind).times(times));
    portal
}

/// The most of the client's PUTs answered `status` that were on the wire at once, from the
/// end and the duration of each (`Request` events, when `at` each was reported).
fn peak(timed: &[(Instant, ClientEvent)], status: u16) -> usize {
    let spans: Vec<(Instant, Instant)> = timed
        .iter()
        .filter_map(|(at, e)| match e {
            ClientEvent::Request {
                endpoint,
                status: Some(s),
                elapsed,
            } if *s == status && endpoint.method == "PUT" => Some((*at - *elapsed, *at)),
            _ => None,
        })
        .collect();
    spans
        .iter()
        .map(|(start, _)| {
            spans
                .iter()
                .filter(|(s, e)| s <= start && start < e)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn writes_refused_together_make_one_pause_and_half_the_writes() {
    let portal = refusing(FaultKind::RetryAfter { seconds: 1 }, 8);
    portal.set_latency(Duration::from_millis(20));
    let (client, events) = client(&portal, Duration::from_millis(30), 300);
    let body = body();
    let results = futures::future::join_all((0..8).map(|_| client.update(5, &body))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(portal.writes().len(), 16);
    let said = said(&events);
    assert_eq!(said.len(), 1, "one line for the pause: {said:#?}");
    assert!(
        said[0].contains("pausing all requests for 1 s as it asks (Retry-After), then at most 4"),
        "{said:#?}"
    );
    // Halved: never all eight again at once.
    let peak = peak(&events.lock().unwrap(), 200);
    assert!((1..=5).contains(&peak), "{peak}");
}

#[tokio::test]
async fn a_retry_after_beyond_max_wait_stops_the_run_and_names_the_time() {
    let portal = refusing(
        FaultKind::RetryAt {
            retry_after: "86400".into(),
            limit: 10_000,
        },
        100,
    );
    let (client, events) = client(&portal, Duration::from_secs(1), 300);
    let asked_at = SystemTime::now();
    let error = client.update(5, &body()).await.unwrap_err();
    assert_eq!(error.status(), Some(429), "{error}");
    let reason = client.halt().reason().expect("stopped").to_string();
    let expected = (0..3)
        .map(|s| httpdate::fmt_http_date(asked_at + Duration::from_secs(86_400 + s)))
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
    assert!(said(&events).is_empty(), "no pause was taken");

    // Nothing more goes out.
    let next = client.update(5, &body()).await.unwrap_err();
    assert!(matches!(next, ApiError::NotSent { .. }), "{next}");
    assert_eq!(portal.writes().len(), 1);
}

/// The daily limit counts POST and PUT to the webhook endpoints: a long wait asked for a read
/// or a resend (whose endpoint keeps its own limit, 5 per 15 minutes) is not put down to it.
#[tokio::test]
async fn a_long_wait_is_put_down_to_the_daily_limit_for_a_write_only() {
    let refused = |method: &'static str, path: &'static str, retry_after: &str| {
        let portal = seeded();
        let kind = FaultKind::RetryAt {
            retry_after: retry_after.into(),
            limit: 5,
        };
        portal.inject(Fault::new(method, path, kind).times(1));
        portal
    };
    let reason = |client: &Client| {
        let reason = client.halt().reason().expect("stopped").to_string();
        // The date and the seconds to it vary with the clock.
        let tail = reason.split_once(" s: ").map(|(_, tail)| tail.to_string());
        tail.unwrap_or(reason)
    };

    let portal = refused("GET", WEBHOOK_PATH, "120");
    let (read, _) = client(&portal, Duration::from_secs(1), 5);
    assert!(read.list().await.is_err());
    let portal = refused("PUT", "/api/2.0/settings/webhook/retry", "900");
    let (resend, _) = client(&portal, Duration::from_secs(1), 5);
    assert!(resend.redeliver(&[1]).await.error.is_some());
    let portal = refused("PUT", WEBHOOK_PATH, "120");
    let (write, _) = client(&portal, Duration::from_secs(1), 5);
    assert!(write.update(5, &body()).await.is_err());

    let mine = "more waiting than the run's --max-wait 5 s allows";
    assert_eq!(reason(&read), mine);
    assert_eq!(reason(&resend), mine);
    assert_eq!(
        reason(&write),
        format!(
            "{mine}; DocSpace asks for a wait this long when its daily limit of 10,000 POST/PUT \
             requests is used up"
        )
    );
}

#[tokio::test]
async fn pauses_add_up_to_max_wait_then_the_run_stops() {
    let portal = refusing(FaultKind::RetryAfter { seconds: 1 }, 100);
    let (client, events) = client(&portal, Duration::from_millis(10), 2);
    let error = client.update(5, &body()).await.unwrap_err();
    assert_eq!(error.status(), Some(429), "{error}");
    assert_eq!(portal.writes().len(), 3, "two pauses of 1 s fit in 2 s");
    assert_eq!(said(&events).len(), 2);
    let reason = client.halt().reason().expect("stopped").to_string();
    assert!(
        reason.contains(
            "more waiting than the run's --max-wait 2 s allows (2 s already spent waiting)"
        ),
        "{reason}"
    );
    assert!(!reason.contains("daily"), "{reason}");
}

#[tokio::test]
async fn a_stopped_run_ends_waits_at_the_gate_and_sends_nothing() {
    let portal = refusing(FaultKind::RetryAfter { seconds: 60 }, 1);
    let (client, _) = client(&portal, Duration::from_secs(1), 300);
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
    assert_eq!(portal.writes().len(), 1);
}
