//! DELETE answers with the config it removed, then 404 in the exception shape.

use super::Api;
use crate::support::fake_portal::Seed;

#[tokio::test(flavor = "multi_thread")]
async fn delete_returns_the_removed_config_then_404() {
    let api = Api::new();
    let id = api
        .portal
        .seed(Seed::new("gone", "https://g.example.com").triggers(128));
    let first = api.delete(id).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["response"]["name"], "gone");
    assert_eq!(first.json()["response"]["triggers"], 128);
    let again = api.delete(id).await;
    assert_eq!(again.status, 404);
    assert_eq!(again.error_message(), "The record could not be found");
    assert!(api.list().await.is_empty());
}
