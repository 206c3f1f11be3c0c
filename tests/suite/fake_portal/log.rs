//! The delivery log and redelivery (docs/docspace-api.md §21), checked against the server's
//! facts rather than against our client: order, `total`, the `count` range, the filters, silent
//! skips, signatures over the exact body with the secret of the moment, the delete cascade and
//! the retry endpoints' own limit.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::Api;
use crate::support::fake_portal::{
    DEFAULT_API_KEY, Deliveries, LOG_PATH, Options, Outcome, RETRY_PATH, RetryLimit, Seed,
    retry_path, signature,
};

/// 2026-12-01T12:00:00Z.
const NOON: i64 = 1_796_126_400;

fn ids(body: &Value) -> Vec<i64> {
    let rows = body["response"].as_array().expect("a list of rows");
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

/// The recorded signature of a row (`requestHeaders` is JSON text).
fn recorded_signature(row: &Value) -> String {
    let headers: Value = serde_json::from_str(row["requestHeaders"].as_str().unwrap()).unwrap();
    headers["x-docspace-signature-256"][0]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn signatures_match_the_servers_test_vectors() {
    // HMAC-SHA256 keyed with the UTF-8 secret over the exact UTF-8 body, uppercase hex.
    assert_eq!(
        signature("TestSecret1", r#"{"event":{"id":1}}"#),
        "sha256=527225C099A51E6CF2AD3D300E389016901B62115524E0E38E80018FB176B9DE"
    );
    assert_eq!(
        signature("TestSecret1", r#"{"title":"Отчёт.docx"}"#),
        "sha256=D2908A2FBB301BEF9D81D1F5F50EC9F592085468BA0C1B6F6673D3BAB7CDF717"
    );
    // RFC 4231, test case 2, in the portal's spelling.
    assert_eq!(
        signature("Jefe", "what do ya want for nothing?"),
        "sha256=5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_is_newest_first_with_total_and_pages_of_at_most_100() {
    let api = Api::new();
    let a = api.portal.seed(Seed::new("a", "https://a.example.com"));
    let b = api.portal.seed(Seed::new("b", "https://b.example.com"));
    let of_a = api
        .portal
        .seed_deliveries(a, Deliveries::new(150).newest_at(NOON));
    let of_b = api
        .portal
        .seed_deliveries(b, Deliveries::new(3).newest_at(NOON));

    let call = api.get(&format!("{LOG_PATH}?configId={a}")).await;
    assert_eq!(call.status, 200, "{}", call.text);
    let body = call.json();
    assert_eq!(
        (body["total"].clone(), body["count"].clone()),
        (json!(150), json!(1))
    );
    let newest_first: Vec<i64> = of_a.iter().rev().take(100).map(|&i| i64::from(i)).collect();
    assert_eq!(ids(&body), newest_first, "default count 100, newest first");
    let first = &body["response"][0];
    assert_eq!(first["configName"], "a");
    assert_eq!(first["creationTime"], "2026-12-01T12:00:00.0000000+00:00");
    assert_eq!(first["delivery"], "2026-12-01T12:00:00.0000000+00:00");
    assert_eq!(first["status"], 200);
    assert!(first.get("method").is_none() && first.get("attempts").is_none());

    let page = api
        .get(&format!("{LOG_PATH}?configId={a}&startIndex=140&count=20"))
        .await
        .json();
    let oldest: Vec<i64> = of_a.iter().rev().skip(140).map(|&i| i64::from(i)).collect();
    assert_eq!((ids(&page), page["total"].clone()), (oldest, json!(150)));

    // No filter: both webhooks' rows, b's (seeded last) first; the old `webhookId` is ignored.
    let all = api
        .get(&format!("{LOG_PATH}?webhookId={b}&count=4"))
        .await
        .json();
    let expected: Vec<i64> = [of_b[2], of_b[1], of_b[0], of_a[149]]
        .iter()
        .map(|&i| i64::from(i))
        .collect();
    assert_eq!((ids(&all), all["total"].clone()), (expected, json!(153)));
    let one = api
        .get(&format!("{LOG_PATH}?eventId={}", of_a[0]))
        .await
        .json();
    assert_eq!(
        (ids(&one), one["total"].clone()),
        (vec![i64::from(of_a[0])], json!(1))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_count_outside_1_to_100_is_a_validation_problem() {
    let api = Api::new();
    for count in ["0", "101", "-1"] {
        let call = api.get(&format!("{LOG_PATH}?count={count}")).await;
        assert_eq!(
            call.validation_errors(),
            json!({"Count": ["The field Count must be between 1 and 100."]}),
            "count={count}"
        );
    }
    let call = api.get(&format!("{LOG_PATH}?count=ten")).await;
    assert_eq!(
        call.validation_errors(),
        json!({"Count": ["The value 'ten' is not valid for Count."]})
    );
    for count in ["1", "100"] {
        let call = api.get(&format!("{LOG_PATH}?count={count}")).await;
        assert_eq!((call.status, call.json()["total"].clone()), (200, json!(0)));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn group_status_flags_and_trigger_filter_the_rows() {
    let api = Api::new();
    let id = api.portal.seed(Seed::new("a", "https://a.example.com"));
    let seed = |d: Deliveries| api.portal.seed_deliveries(id, d.newest_at(NOON));
    let ok = seed(Deliveries::new(2));
    let unsent = seed(Deliveries::new(1).outcome(Outcome::Pending));
    let refused = seed(Deliveries::new(1).status(0));
    let moved = seed(Deliveries::new(1).status(301));
    let not_found = seed(Deliveries::new(1).status(404).trigger(256));
    let timeout = seed(Deliveries::new(1).outcome(Outcome::Timeout));
    let failed = seed(Deliveries::new(1).status(503));
    let api = &api;
    let query = |q: &str| {
        let path = format!("{LOG_PATH}?configId={id}&{q}");
        async move { api.get(&path).await.json() }
    };
    let as_ids = |rows: &[&Vec<i32>]| -> Vec<i64> {
        let mut all: Vec<i64> = rows
            .iter()
            .flat_map(|r| r.iter().map(|&i| i64::from(i)))
            .collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all
    };
    assert_eq!(
        ids(&query("groupStatus=1").await),
        as_ids(&[&unsent, &refused])
    );
    assert_eq!(ids(&query("groupStatus=2").await), as_ids(&[&ok]));
    assert_eq!(
        ids(&query("groupStatus=24").await),
        as_ids(&[&not_found, &timeout, &failed])
    );
    assert_eq!(
        ids(&query("groupStatus=NotSent,%20Status3xx").await),
        as_ids(&[&unsent, &refused, &moved])
    );
    assert_eq!(
        ids(&query("groupStatus=0").await).len(),
        8,
        "0 is no filter"
    );
    assert_eq!(ids(&query("trigger=256").await), as_ids(&[&not_found]));

    // What each kind of row records.
    let rows = query("").await;
    let row = |log_id: i32| {
        let all = rows["response"].as_array().unwrap();
        all.iter().find(|r| r["id"] == log_id).unwrap().clone()
    };
    let pending = row(unsent[0]);
    assert_eq!(pending["status"], 0);
    for absent in ["requestHeaders", "responsePayload", "delivery"] {
        assert!(pending.get(absent).is_none(), "{absent}: {pending}");
    }
    let no_answer = row(refused[0]);
    assert_eq!(
        (
            no_answer["status"].clone(),
            no_answer["responsePayload"].clone()
        ),
        (json!(0), json!("Connection refused (receiver:443)"))
    );
    assert!(no_answer.get("delivery").is_none());
    assert_eq!(
        row(timeout[0])["status"],
        500,
        "a timeout is recorded as 500"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_row_is_signed_over_its_exact_body_with_the_secret_of_the_moment() {
    let api = Api::new();
    let id = api.portal.seed(
        Seed::new("a", "https://a.example.com")
            .secret("Old-secret-1")
            .triggers(128),
    );
    let old = api.portal.seed_deliveries(
        id,
        Deliveries::new(1)
            .newest_at(NOON)
            .entity(r#"{"id":7,"title":"Отчёт.docx"}"#),
    );
    api.portal
        .update_stored(id, |w| w.secret_key = "New-secret-2".into());
    api.portal.set_time(NOON + 60);
    let new = api.portal.fire(id, 128, r#"{"id":8}"#).unwrap();

    let body = api.get(&format!("{LOG_PATH}?configId={id}")).await.json();
    let (newer, older) = (&body["response"][0], &body["response"][1]);
    assert_eq!(
        (newer["id"].clone(), older["id"].clone()),
        (json!(new), json!(old[0]))
    );
    let payload = older["requestPayload"].as_str().unwrap();
    assert_eq!(
        payload,
        format!(
            r#"{{"event":{{"id":{},"createOn":"2026-12-01T12:00:00.0000000+00:00","createBy":"{}","trigger":"file.created","triggerId":128}},"payload":{{"id":7,"title":"Отчёт.docx"}},"webhook":{{"id":{id},"name":"a","url":"https://a.example.com","triggers":["file.created"]}}}}"#,
            old[0],
            newer_owner(&body)
        )
    );
    assert_eq!(
        recorded_signature(older),
        signature("Old-secret-1", payload)
    );
    let payload = newer["requestPayload"].as_str().unwrap();
    assert_eq!(
        recorded_signature(newer),
        signature("New-secret-2", payload)
    );

    // Not subscribed, or disabled: no event.
    assert_eq!(api.portal.fire(id, 256, "{}"), None);
    api.portal.update_stored(id, |w| w.enabled = false);
    assert_eq!(api.portal.fire(id, 128, "{}"), None);
}

/// The portal owner's id, who every event of these tests is by.
fn newer_owner(body: &Value) -> String {
    let payload: Value =
        serde_json::from_str(body["response"][0]["requestPayload"].as_str().unwrap()).unwrap();
    payload["event"]["createBy"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_updates_its_webhook_as_the_sender_does() {
    let api = Api::new();
    let id = api.portal.seed(Seed::new("a", "https://a.example.com"));
    api.portal
        .seed_deliveries(id, Deliveries::new(1).newest_at(NOON));
    api.portal
        .seed_deliveries(id, Deliveries::new(1).newest_at(NOON + 60).status(502));
    let stored = api.portal.get(id).unwrap();
    assert_eq!(
        (
            stored.last_success_on.as_deref(),
            stored.last_failure_on.as_deref(),
            stored.last_failure_content.as_deref(),
            stored.modified_on.as_deref(),
            stored.delivery_status,
        ),
        (
            Some("2026-12-01T12:00:00.0000000+00:00"),
            Some("2026-12-01T12:01:00.0000000+00:00"),
            Some("receiver error 502"),
            Some("2026-12-01T12:01:00.0000000+00:00"),
            200,
        ),
        "the list's status stays the last success's"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_retry_queues_new_rows_and_skips_unknown_ids_silently() {
    let api = Api::new();
    let id = api.portal.seed(
        Seed::new("a", "https://a.example.com")
            .secret("Old-secret-1")
            .enabled(false),
    );
    let failed = api
        .portal
        .seed_deliveries(id, Deliveries::new(2).newest_at(NOON).status(500));
    // Rotated and moved since: a redelivery uses what the webhook is now.
    api.portal.update_stored(id, |w| {
        w.secret_key = "New-secret-2".into();
        w.uri = "https://moved.example.com".into();
    });
    api.portal.set_time(NOON + 3600);
    let call = api
        .put(RETRY_PATH, json!({"ids": [failed[1], 999, failed[0]]}))
        .await;
    assert_eq!(call.status, 200, "{}", call.text);
    let body = call.json();
    assert_eq!(body["count"], 1);
    let rows = body["response"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "999 is skipped without a word: {body}");
    let new_ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(
        new_ids,
        [i64::from(failed[1]) + 1, i64::from(failed[1]) + 2]
    );
    for row in rows {
        // As queued: not sent yet.
        assert_eq!(row["status"], 0, "{row}");
        assert!(row.get("delivery").is_none() && row.get("requestHeaders").is_none());
        assert_eq!(row["creationTime"], "2026-12-01T13:00:00.0000000+00:00");
        let payload: Value = serde_json::from_str(row["requestPayload"].as_str().unwrap()).unwrap();
        assert_eq!(payload["event"]["id"], row["id"], "a new event id");
        assert_eq!(payload["webhook"]["url"], "https://moved.example.com");
    }

    // Then sent, though the webhook is disabled, and signed with the current secret.
    let log = api
        .get(&format!("{LOG_PATH}?configId={id}&count=2"))
        .await
        .json();
    assert_eq!(log["total"], 4);
    for row in log["response"].as_array().unwrap() {
        assert_eq!(row["status"], 200, "{row}");
        let payload = row["requestPayload"].as_str().unwrap();
        assert_eq!(recorded_signature(row), signature("New-secret-2", payload));
    }

    // Only unknown ids, no ids, and a body that is not the DTO.
    let none = api.put(RETRY_PATH, json!({"ids": [12345]})).await;
    assert_eq!(
        (none.status, none.json()["response"].clone()),
        (200, json!([]))
    );
    let empty = api.put(RETRY_PATH, json!({"Ids": []})).await;
    assert_eq!(empty.status, 200, "the member name is case-insensitive");
    let strings = api.put(RETRY_PATH, json!({"ids": ["1"]})).await;
    assert_eq!(strings.status, 400, "{}", strings.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn single_retry_answers_the_new_row_400_for_zero_and_404_for_unknown() {
    let api = Api::new();
    let id = api.portal.seed(Seed::new("a", "https://a.example.com"));
    api.portal.set_outcome(id, Outcome::status(503));
    let old = api
        .portal
        .seed_deliveries(id, Deliveries::new(1).newest_at(NOON));
    let call = api.put(&retry_path(old[0]), json!(null)).await;
    assert_eq!(call.status, 200, "{}", call.text);
    let row = &call.json()["response"];
    assert_eq!(
        (row["id"].clone(), row["status"].clone()),
        (json!(old[0] + 1), json!(0))
    );
    let sent = api
        .get(&format!("{LOG_PATH}?eventId={}", old[0] + 1))
        .await
        .json();
    assert_eq!(sent["response"][0]["status"], 503, "the outcome set for it");

    let zero = api.put(&retry_path(0), json!(null)).await;
    assert_eq!((zero.status, zero.error_message()), (400, "Id".to_owned()));
    let unknown = api.put(&retry_path(777), json!(null)).await;
    assert_eq!(
        (unknown.status, unknown.error_message()),
        (404, "The record could not be found".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_are_limited_per_path_and_a_refusal_costs_nothing() {
    let api = Api::new();
    let id = api.portal.seed(Seed::new("a", "https://a.example.com"));
    let old = api
        .portal
        .seed_deliveries(id, Deliveries::new(2).newest_at(NOON));
    api.portal.set_retry_limit(Some(RetryLimit {
        window: Duration::from_millis(600),
        second: Duration::from_millis(100),
        ..RetryLimit::SERVER
    }));
    let bulk = json!({"ids": [old[0]]});
    for _ in 0..5 {
        assert_eq!(api.put(RETRY_PATH, bulk.clone()).await.status, 200);
    }
    let refused = api.put(RETRY_PATH, bulk.clone()).await;
    assert_eq!((refused.status, refused.text.as_str()), (429, ""));
    assert_eq!(refused.header("x-ratelimit-limit"), Some("5"));
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=6).contains(&wait), "in the limit's seconds: {wait}");
    // Each single-retry path has its own budget.
    assert_eq!(api.put(&retry_path(old[1]), json!(null)).await.status, 200);
    assert_eq!(
        api.portal.deliveries().len(),
        2 + 5 + 1,
        "the refusal queued nothing"
    );
    // The log is not limited.
    assert_eq!(api.get(LOG_PATH).await.status, 200);
    tokio::time::sleep(Duration::from_millis(650)).await;
    assert_eq!(api.put(RETRY_PATH, bulk).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_webhook_deletes_its_log_or_fails_like_postgresql() {
    let api = Api::new();
    let gone = api.portal.seed(Seed::new("gone", "https://g.example.com"));
    let kept = api.portal.seed(Seed::new("kept", "https://k.example.com"));
    api.portal.seed_deliveries(gone, Deliveries::new(3));
    let of_kept = api.portal.seed_deliveries(kept, Deliveries::new(1));

    api.portal.set_delete_restrict(true);
    let refused = api.delete(gone).await;
    assert_eq!(refused.status, 500, "{}", refused.text);
    assert_eq!(
        refused.error_message(),
        "An error occurred while saving the entity changes. See the inner exception for details."
    );
    assert!(api.portal.get(gone).is_some());
    let none_yet = api.portal.seed(Seed::new("empty", "https://e.example.com"));
    assert_eq!(
        api.delete(none_yet).await.status,
        200,
        "no deliveries: deleted"
    );

    api.portal.set_delete_restrict(false);
    assert_eq!(api.delete(gone).await.status, 200);
    let log = api.get(&format!("{LOG_PATH}?configId={gone}")).await.json();
    assert_eq!(
        (log["total"].clone(), log["response"].clone()),
        (json!(0), json!([]))
    );
    let rest: Vec<i32> = api.portal.deliveries().iter().map(|d| d.id).collect();
    assert_eq!(rest, of_kept);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_key_reads_the_log_but_cannot_retry_and_a_guest_neither() {
    let api = Api::with(Options {
        read_only_key: Some("sk-read-only-key".to_owned()),
        ..Options::default()
    });
    let id = api.portal.seed(Seed::new("a", "https://a.example.com"));
    let old = api.portal.seed_deliveries(id, Deliveries::new(1));
    let read = api
        .send(Method::GET, LOG_PATH, Some("sk-read-only-key"), None)
        .await;
    assert_eq!(read.status, 200);
    let retry = api
        .send(
            Method::PUT,
            &retry_path(old[0]),
            Some("sk-read-only-key"),
            None,
        )
        .await;
    assert_eq!((retry.status, retry.text.as_str()), (403, ""));
    let anonymous = api.send(Method::GET, LOG_PATH, None, None).await;
    assert_eq!(anonymous.status, 401);

    api.portal.set_forbidden(true);
    let guest = api.get(LOG_PATH).await;
    assert_eq!(
        (guest.status, guest.error_message()),
        (403, "Access denied".to_owned())
    );
    let body = json!({"ids": [old[0]]}).to_string();
    let guest = api
        .send(Method::PUT, RETRY_PATH, Some(DEFAULT_API_KEY), Some(&body))
        .await;
    assert_eq!(guest.status, 403);
}
