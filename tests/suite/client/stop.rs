//! The run's stop switch and the client: once it is thrown no write is sent again (its wait
//! ends at once), reads still are, and so is the follow-up call of a create. The switch is
//! thrown while the portal handles a request: its answer comes a second late, and the test
//! throws the switch as soon as the request has arrived.

use std::time::Duration;

use docspace_webhooks::api::{ApiError, Client, ClientOptions, LiveWebhook};
use docspace_webhooks::halt::StopReason;
use docspace_webhooks::triggers::TriggerSet;

use super::{Events, URI, arrived, body, client, client_with, portal, seeded, sent};
use crate::support::fake_portal::{
    ENABLE_PATH, FakePortal, Fault, FaultBody, FaultKind, WEBHOOK_PATH,
};

fn sigint() -> StopReason {
    StopReason::Signal {
        name: "SIGINT",
        exit_code: 130,
    }
}

/// Webhook #5 as the portal lists it: the enable call repeats its name and uri.
fn hook() -> LiveWebhook {
    LiveWebhook {
        id: 5,
        name: "n".into(),
        uri: URI.into(),
        enabled: true,
        ssl: true,
        triggers: TriggerSet::from_bits(0),
        target_id: None,
        last_failure_on: None,
        last_failure_content: None,
        last_success_on: None,
        created_on: None,
        created_by: None,
    }
}

/// A client like `client`'s, waiting long enough for a slow answer.
fn patient(portal: &FakePortal) -> (Client, Events) {
    client_with(
        portal,
        ClientOptions {
            retries: 4,
            retry_base: Duration::from_millis(2),
            throttle_unit: Duration::from_millis(20),
            ..ClientOptions::default()
        },
    )
}

/// Webhook #5, whose enable call fails once with 503, each answer late enough (300 ms) for the
/// switch to be thrown while the portal handles the request.
fn flaky_enable() -> FakePortal {
    let portal = seeded();
    portal.set_latency(Duration::from_millis(300));
    portal.inject(Fault::new(
        "PUT",
        ENABLE_PATH,
        FaultKind::Status {
            status: 503,
            body: FaultBody::Empty,
        },
    ));
    portal
}

/// Disables #5, the switch thrown while the first request is handled.
async fn disable_stopping(client: &Client, portal: &FakePortal) -> Result<(), ApiError> {
    let hook = hook();
    let call = client.set_enabled(&hook, false);
    let stop = async {
        arrived(portal, "PUT").await;
        client.halt().stop(sigint());
    };
    let (result, ()) = tokio::join!(call, stop);
    result.map(|_| ())
}

#[tokio::test]
async fn a_stopped_run_retries_no_write_but_the_follow_up_of_a_create() {
    let portal = flaky_enable();
    let (stopping, _) = patient(&portal);
    let e = disable_stopping(&stopping, &portal).await.unwrap_err();
    assert!(matches!(e, ApiError::NotRetried { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "PUT /api/2.0/settings/webhook/enable failed (HTTP 503); the answer is not from the \
         DocSpace API: (empty body); not retried: the run is stopping (SIGINT received)"
    );
    assert_eq!(portal.writes().len(), 1);

    let portal = flaky_enable();
    let (finishing, _) = patient(&portal);
    disable_stopping(&finishing.follow_up(), &portal)
        .await
        .unwrap();
    assert_eq!(portal.writes().len(), 2, "the follow-up was retried");
    assert!(!portal.get(5).unwrap().enabled);
}

#[tokio::test]
async fn a_stopped_run_sends_no_new_write_but_a_follow_up() {
    let portal = seeded();
    portal.inject(Fault::new(
        "PUT",
        ENABLE_PATH,
        FaultKind::Status {
            status: 503,
            body: FaultBody::Empty,
        },
    ));
    let (stopped, _) = client(&portal, 4);
    stopped.halt().stop(sigint());
    let e = stopped.set_enabled(&hook(), false).await.unwrap_err();
    assert!(matches!(e, ApiError::NotSent { .. }), "{e:?}");
    assert_eq!(portal.writes().len(), 0);
    stopped
        .follow_up()
        .set_enabled(&hook(), false)
        .await
        .unwrap();
    assert_eq!(
        portal.writes().len(),
        2,
        "the follow-up went out, and again"
    );
}

#[tokio::test]
async fn a_stopped_run_still_retries_a_read() {
    let portal = portal();
    portal.inject(Fault::new("GET", WEBHOOK_PATH, FaultKind::html(502)));
    let (reading, _) = client(&portal, 4);
    reading.halt().stop(sigint());
    assert_eq!(reading.list().await.unwrap(), []);
    assert_eq!(portal.requests().len(), 2);
}

#[tokio::test]
async fn a_retry_wait_ends_when_the_switch_is_thrown() {
    let portal = seeded();
    portal
        .inject(Fault::new("PUT", ENABLE_PATH, FaultKind::RetryAfter { seconds: 600 }).times(100));
    // Within the wait budget, so the 429 is waited out rather than stopping the run.
    let (client, _) = client_with(
        &portal,
        ClientOptions {
            max_wait: Duration::from_secs(3600),
            ..ClientOptions::default()
        },
    );
    let hook = hook();
    let call = client.set_enabled(&hook, false);
    let stop = async {
        while !portal.writes().iter().any(|w| w.status == 429) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        client.halt().stop(sigint());
    };
    let (result, ()) =
        tokio::time::timeout(Duration::from_secs(10), async { tokio::join!(call, stop) })
            .await
            .expect("the 600 s wait ended when the switch was thrown");
    let e = result.unwrap_err();
    // Not sent again: the call ends with the portal's own refusal, said to be not retried.
    assert!(matches!(e, ApiError::NotRetried { .. }), "{e:?}");
    assert_eq!(e.status(), Some(429));
    assert_eq!(portal.writes().len(), 1);
}

#[tokio::test]
async fn a_stopped_run_looks_for_a_create_that_may_have_landed_but_posts_no_other() {
    let portal = portal();
    portal.set_latency(Duration::from_millis(300));
    portal.inject(Fault::new("POST", WEBHOOK_PATH, FaultKind::html(502)).times(10));
    let (stopping, _) = patient(&portal);
    let body = body();
    let stop = async {
        arrived(&portal, "POST").await;
        stopping.halt().stop(sigint());
    };
    let (result, ()) = tokio::join!(stopping.create(&body, &[]), stop);
    let e = result.unwrap_err();
    assert!(matches!(e, ApiError::NotRetried { .. }), "{e:?}");
    assert_eq!(sent(&portal, "POST").len(), 1);
    assert_eq!(sent(&portal, "GET").len(), 1, "looked for it once");
}
