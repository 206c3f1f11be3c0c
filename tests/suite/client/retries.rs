//! What is sent again, after how long, and what is not: a retryable failure within
//! `--retries`, a 429 without using one, and a create only after a list shows it did not land.

use std::time::{Duration, Instant};

use super::{body, client, lines, portal, seeded, sent};
use crate::support::fake_portal::{Fault, FaultBody, FaultKind, WEBHOOK_PATH};

fn bad_gateway() -> FaultKind {
    FaultKind::Status {
        status: 502,
        body: FaultBody::Html("<h1>502 Bad Gateway</h1>".into()),
    }
}

fn on_get(kind: FaultKind, times: usize) -> Fault {
    Fault::new("GET", WEBHOOK_PATH, kind).times(times)
}

#[tokio::test]
async fn a_502_then_success_is_one_logical_list() {
    let portal = portal();
    portal.inject(on_get(bad_gateway(), 2));
    let (client, events) = client(&portal, 4);
    assert_eq!(client.list().await.unwrap(), []);
    assert_eq!(portal.requests().len(), 3);
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
    let portal = portal();
    portal.inject(on_get(bad_gateway(), 100));
    let (client, _) = client(&portal, 2);
    let e = client.list().await.unwrap_err();
    assert_eq!(e.status(), Some(502), "{e}");
    assert_eq!(portal.requests().len(), 3, "retries + 1 attempts");
}

#[tokio::test]
async fn zero_retries_sends_once() {
    let portal = portal();
    portal.inject(on_get(bad_gateway(), 100));
    let (client, events) = client(&portal, 0);
    client.list().await.unwrap_err();
    assert_eq!(portal.requests().len(), 1);
    assert!(!lines(&events).iter().any(|l| l.starts_with("retrying")));
}

#[tokio::test]
async fn what_cannot_get_better_is_not_retried() {
    let refused = FaultKind::Status {
        status: 400,
        body: FaultBody::Json(
            serde_json::json!({"error": {"message": "nope"}, "status": 1, "statusCode": 400}),
        ),
    };
    let redirect = FaultKind::Redirect {
        status: 302,
        location: "/login".into(),
    };
    let unauthorized = FaultKind::Status {
        status: 401,
        body: FaultBody::Empty,
    };
    for fail in [refused, redirect, unauthorized] {
        let portal = portal();
        portal.inject(on_get(fail.clone(), 100));
        let (client, _) = client(&portal, 4);
        client.list().await.unwrap_err();
        assert_eq!(portal.requests().len(), 1, "{fail:?}");
    }
}

#[tokio::test]
async fn a_429_is_waited_out_without_using_a_retry() {
    let portal = portal();
    portal.inject(on_get(FaultKind::RetryAfter { seconds: 2 }, 3));
    let (client, events) = client(&portal, 0);
    let started = Instant::now();
    client.list().await.unwrap();
    assert_eq!(portal.requests().len(), 4, "three 429s with --retries 0");
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
              (Retry-After), then 714 request(s) a second; 6 s of --max-wait 300 s used"
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
    let portal = seeded();
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 503,
            body: FaultBody::Empty,
        },
    ));
    let (client, _) = client(&portal, 4);
    let updated = client.update(5, &body()).await.unwrap();
    assert_eq!(updated.id, 5);
    let puts = portal.writes();
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].body, puts[1].body);
    assert_eq!((puts[0].status, puts[1].status), (503, 200));
}

#[tokio::test]
async fn a_timeout_is_retried_and_reported_as_such() {
    let portal = portal();
    portal.inject(on_get(FaultKind::Delay(Duration::from_secs(5)), 1));
    let (client, events) = client(&portal, 1);
    client.list().await.unwrap();
    assert_eq!(portal.requests().len(), 2);
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
    assert!(!lines.iter().any(|l| l.contains(&portal.api_key())));
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_found_not_posted_again() {
    let portal = portal();
    portal.inject(Fault::answer_lost("POST", WEBHOOK_PATH));
    let (client, events) = client(&portal, 4);
    let created = client.create(&body(), &[]).await.unwrap();
    assert_eq!(created.id, 5);
    assert_eq!(sent(&portal, "POST").len(), 1, "posted once");
    assert_eq!(portal.webhooks().len(), 1);
    let lines = lines(&events);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("retrying POST /api/2.0/settings/webhook in")
                && l.contains("unless the webhook list shows it was created after all")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"webhook \"n\" was created (#5) although the answer to its POST was lost; not \
              posting it again"
                .to_string()
        ),
        "{lines:#?}"
    );
}

#[tokio::test]
async fn a_create_that_did_not_land_is_posted_again() {
    let portal = portal();
    portal.inject(Fault::new(
        "POST",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 503,
            body: FaultBody::Empty,
        },
    ));
    let (client, _) = client(&portal, 4);
    assert_eq!(client.create(&body(), &[]).await.unwrap().id, 5);
    assert_eq!(sent(&portal, "POST").len(), 2);
}

#[tokio::test]
async fn a_rate_limited_create_is_posted_again_without_listing() {
    let portal = portal();
    portal.inject(Fault::new(
        "POST",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 429,
            body: FaultBody::Empty,
        },
    ));
    let (client, _) = client(&portal, 4);
    assert_eq!(client.create(&body(), &[]).await.unwrap().id, 5);
    assert_eq!(sent(&portal, "POST").len(), 2);
    assert_eq!(sent(&portal, "GET").len(), 0, "a 429 was never handled");
}

#[tokio::test]
async fn a_create_whose_answer_and_list_are_both_lost_is_not_posted_again() {
    let portal = portal();
    portal.inject(Fault::answer_lost("POST", WEBHOOK_PATH));
    // Whether the POST landed cannot be read: the list fails however often it is asked.
    portal.inject(on_get(bad_gateway(), 100));
    let (client, _) = client(&portal, 4);
    let e = client.create(&body(), &[]).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "POST /api/2.0/settings/webhook failed (HTTP 502); the answer is not from the DocSpace \
         API: 502 Bad Gateway"
    );
    assert_eq!(sent(&portal, "POST").len(), 1, "never posted blindly");
    assert_eq!(portal.webhooks().len(), 1, "the one the lost answer made");
}
