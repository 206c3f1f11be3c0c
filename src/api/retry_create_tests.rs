//! The create rule: a POST that may have landed is looked for in a fresh list before it is
//! sent again; one that cannot have landed (429) is sent again directly.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;

use super::{EMPTY_LIST, LIST_PATH, ONE, bad_gateway, body, client, lines, serve};

/// A portal whose POST stores the webhook, then answers `post_status` for the first
/// `lost` POSTs (the answer is lost); counts POSTs.
fn lossy_create(posts: &Arc<AtomicUsize>, stored: &Arc<Mutex<bool>>, lost: usize) -> Router {
    let (posts, stored_get, stored_post) = (posts.clone(), stored.clone(), stored.clone());
    Router::new().route(
        LIST_PATH,
        get(move || async move {
            if *stored_get.lock().unwrap() {
                r#"{"response":[{"configs":{"id":5,"name":"n","uri":"https://h.example.com",
                    "enabled":true,"ssl":true,"triggers":0},"status":0}],
                    "count":1,"status":0,"statusCode":200}"#
            } else {
                EMPTY_LIST
            }
        })
        .post(move || async move {
            *stored_post.lock().unwrap() = true;
            if posts.fetch_add(1, Ordering::SeqCst) < lost {
                bad_gateway()
            } else {
                ONE.into_response()
            }
        }),
    )
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_found_not_posted_again() {
    let posts = Arc::new(AtomicUsize::new(0));
    let stored = Arc::new(Mutex::new(false));
    let (client, events) = client(&serve(lossy_create(&posts, &stored, 1)).await, 4);
    let created = client.create(&body()).await.unwrap();
    assert_eq!(created.id, 5);
    assert_eq!(posts.load(Ordering::SeqCst), 1, "posted once");
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
    let posts = Arc::new(AtomicUsize::new(0));
    let hits = posts.clone();
    let router = Router::new().route(
        LIST_PATH,
        get(|| async { EMPTY_LIST }).post(move || async move {
            if hits.fetch_add(1, Ordering::SeqCst) == 0 {
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            } else {
                ONE.into_response()
            }
        }),
    );
    let (client, _) = client(&serve(router).await, 4);
    assert_eq!(client.create(&body()).await.unwrap().id, 5);
    assert_eq!(posts.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_rate_limited_create_is_posted_again_without_listing() {
    let (posts, lists) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (p, l) = (posts.clone(), lists.clone());
    let router = Router::new().route(
        LIST_PATH,
        get(move || async move {
            l.fetch_add(1, Ordering::SeqCst);
            EMPTY_LIST
        })
        .post(move || async move {
            if p.fetch_add(1, Ordering::SeqCst) == 0 {
                StatusCode::TOO_MANY_REQUESTS.into_response()
            } else {
                ONE.into_response()
            }
        }),
    );
    let (client, _) = client(&serve(router).await, 4);
    assert_eq!(client.create(&body()).await.unwrap().id, 5);
    assert_eq!(posts.load(Ordering::SeqCst), 2);
    assert_eq!(lists.load(Ordering::SeqCst), 0, "a 429 was never handled");
}
