//! The delivery log and redelivery calls against the fake portal: the pages read (and not),
//! rows never returned twice, the typed rows with the exact signed body, one request per 100
//! ids, and a redelivery never sent twice after an answer that may have been lost.

use std::time::Duration;

use docspace_webhooks::api::{LogQuery, StatusClass};
use docspace_webhooks::triggers::TriggerSet;

use super::{client, seeded};
use crate::support::fake_portal::{
    Deliveries, Fault, FaultKind, LOG_PATH, Outcome, RETRY_PATH, signature,
};

/// 2026-12-01T12:00:00Z.
const NOON: i64 = 1_796_126_400;

/// The query string of each log request, in order.
fn log_queries(portal: &crate::support::fake_portal::FakePortal) -> Vec<String> {
    let requests = portal.requests().into_iter();
    requests
        .filter(|r| r.path == LOG_PATH)
        .map(|r| r.query.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn only_the_pages_a_window_needs_are_read() {
    let portal = seeded();
    let ids = portal.seed_deliveries(5, Deliveries::new(250).newest_at(NOON));
    let (api, _) = client(&portal, 0);
    let query = LogQuery::new().webhook(5, "n");

    // The newest 150 (a minute apart): two pages, the second cut short by the window.
    let cutoff = std::time::UNIX_EPOCH + Duration::from_secs((NOON - 149 * 60) as u64);
    let window = api.log_since(&query, cutoff).await.unwrap();
    let newest: Vec<i32> = ids.iter().rev().take(150).copied().collect();
    assert_eq!(window.rows.iter().map(|r| r.id).collect::<Vec<_>>(), newest);
    assert_eq!(
        log_queries(&portal),
        [
            "count=100&startIndex=0&configId=5",
            "count=100&startIndex=100&configId=5"
        ]
    );

    // All of it: three pages, and no fourth past the total.
    portal.clear_requests();
    let all = api.log_while(&query, |_| Some(true)).await.unwrap().rows;
    assert_eq!(all.len(), 250);
    assert_eq!(log_queries(&portal).len(), 3);

    // Exactly two pages' worth: the total says the log ends there.
    portal.clear_requests();
    let first_200 = ids[50];
    let all = api
        .log_while(&query, |row| {
            Some(row.is_none_or(|row| row.id >= first_200))
        })
        .await
        .unwrap();
    assert_eq!(all.rows.len(), 200);
    assert_eq!(
        log_queries(&portal).len(),
        3,
        "the third page shows the cut"
    );
    let only = seeded();
    only.seed_deliveries(5, Deliveries::new(200));
    let (other, _) = client(&only, 0);
    assert_eq!(
        other
            .log_while(&query, |_| Some(true))
            .await
            .unwrap()
            .rows
            .len(),
        200
    );
    assert_eq!(log_queries(&only).len(), 2);
}

#[tokio::test]
async fn rows_pushed_down_by_new_deliveries_are_not_read_twice() {
    let portal = seeded();
    let ids = portal.seed_deliveries(5, Deliveries::new(150).newest_at(NOON));
    let (client, _) = client(&portal, 0);
    let mut fired = false;
    let rows = client
        .log_while(&LogQuery::new().webhook(5, "n"), |_| {
            if !fired {
                // Seven deliveries arrive while the first page is being looked at.
                portal.seed_deliveries(5, Deliveries::new(7).newest_at(NOON + 60));
                fired = true;
            }
            Some(true)
        })
        .await
        .unwrap();
    let expected: Vec<i32> = ids.iter().rev().copied().collect();
    assert_eq!(rows.rows.iter().map(|r| r.id).collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn a_total_is_read_with_a_page_of_one() {
    let portal = seeded();
    portal.seed_deliveries(5, Deliveries::new(40).status(503));
    portal.seed_deliveries(5, Deliveries::new(2));
    let (client, _) = client(&portal, 0);
    let failed = LogQuery::new()
        .webhook(5, "n")
        .status(StatusClass::ServerError)
        .status(StatusClass::Unsent);
    let other = LogQuery::new().webhook(6, "m");
    assert_eq!(client.log_page(&failed, 0, 1).await.unwrap().total, 40);
    assert_eq!(client.log_page(&other, 0, 1).await.unwrap().total, 0);
    assert_eq!(
        log_queries(&portal),
        [
            "count=1&startIndex=0&configId=5&groupStatus=17",
            "count=1&startIndex=0&configId=6"
        ]
    );
}

#[tokio::test]
async fn rows_keep_the_signed_body_exactly_and_scrub_the_receivers_answer() {
    let portal = seeded();
    portal.set_newer_log_fields(true);
    // The receiver echoes the API key; the body has text a re-serialisation would change.
    let echo = format!("bad key {}", portal.api_key());
    portal.seed_deliveries(
        5,
        Deliveries::new(1)
            .newest_at(NOON)
            .trigger(256)
            .entity(r#"{"title":"Отчёт <1>.docx", "size" : 1.50}"#)
            .outcome(Outcome::Answer {
                status: 401,
                body: echo,
            }),
    );
    let (client, _) = client(&portal, 0);
    let page = client
        .log_page(&LogQuery::new().webhook(5, "n"), 0, 100)
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    let row = &page.rows[0];
    let stored = &portal.deliveries()[0];
    assert_eq!(
        (
            row.id,
            row.config_name.as_deref(),
            row.trigger,
            row.creation_time.as_str(),
            row.status,
            row.class(),
            row.delivery.as_deref(),
            row.attempts,
            row.response_payload.as_deref(),
        ),
        (
            stored.id,
            Some("n"),
            TriggerSet::from_bits(256),
            "2026-12-01T12:00:00.0000000+00:00",
            401,
            StatusClass::ClientError,
            None,
            Some(1),
            Some("bad key [redacted]"),
        )
    );
    let payload = row.request_payload.as_deref().unwrap();
    assert_eq!(payload, stored.request_payload);
    assert_eq!(
        row.signature(),
        Some(signature("seeded-secret-1", payload)),
        "the recorded signature is over these exact bytes"
    );
}

#[tokio::test]
async fn a_bulk_redelivery_sends_100_ids_a_request_and_counts_the_skipped() {
    let portal = seeded();
    let ids = portal.seed_deliveries(5, Deliveries::new(230).status(500));
    let (client, _) = client(&portal, 0);
    let mut asked = ids.clone();
    asked.extend([90_001, 90_002]);
    let done = client.redeliver(&asked).await;
    assert!(done.error.is_none(), "{:?}", done.error);
    assert_eq!((done.asked, done.answered, done.skipped()), (232, 232, 2));
    assert_eq!(done.rows.len(), 230);
    assert!(done.rows.iter().all(|r| r.status == 0), "queued");
    let bodies: Vec<usize> = portal
        .requests()
        .iter()
        .filter(|r| r.path == RETRY_PATH)
        .map(|r| r.json().unwrap()["ids"].as_array().unwrap().len())
        .collect();
    assert_eq!(bodies, [100, 100, 32]);
    assert_eq!(portal.deliveries().len(), 460);
}

#[tokio::test]
async fn a_redelivery_whose_answer_may_be_lost_is_not_sent_again() {
    let portal = seeded();
    let ids = portal.seed_deliveries(5, Deliveries::new(150).status(500));
    // The portal queues the first 100, but the gateway's answer is a 502.
    portal.inject(Fault::answer_lost("PUT", RETRY_PATH));
    let (client, _) = client(&portal, 4);
    let done = client.redeliver(&ids).await;
    assert_eq!(done.error.as_ref().and_then(|e| e.status()), Some(502));
    assert_eq!((done.answered, done.rows.len()), (0, 0));
    let puts = portal
        .requests()
        .iter()
        .filter(|r| r.path == RETRY_PATH)
        .count();
    assert_eq!(puts, 1, "neither repeated nor followed by the next 100");
    assert_eq!(portal.deliveries().len(), 250, "queued once");
}

#[tokio::test]
async fn a_redelivery_whose_connection_closed_is_not_sent_again() {
    let portal = seeded();
    let ids = portal.seed_deliveries(5, Deliveries::new(50).status(500));
    portal.inject(Fault::new(
        "PUT",
        RETRY_PATH,
        FaultKind::Close { handled: true },
    ));
    let (client, _) = client(&portal, 4);
    let done = client.redeliver(&ids).await;
    assert!(done.error.is_some());
    let puts = portal
        .requests()
        .iter()
        .filter(|r| r.path == RETRY_PATH)
        .count();
    assert_eq!(puts, 1, "not repeated: it may have queued its deliveries");
    assert_eq!(portal.deliveries().len(), 100, "queued once");
}

#[tokio::test]
async fn a_refused_redelivery_is_waited_for_and_sent_again() {
    let portal = seeded();
    let ids = portal.seed_deliveries(5, Deliveries::new(3).status(500));
    portal.inject(Fault::new(
        "PUT",
        RETRY_PATH,
        FaultKind::RetryAfter { seconds: 1 },
    ));
    let (client, _) = client(&portal, 0);
    let done = client.redeliver(&ids).await;
    assert!(done.error.is_none(), "{:?}", done.error);
    assert_eq!(done.rows.len(), 3);
    let statuses: Vec<u16> = portal
        .requests()
        .iter()
        .filter(|r| r.path == RETRY_PATH)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
}
