//! The HTTP paths against throwaway axum servers on 127.0.0.1:0. The project's fake portal
//! covers the full behaviour in the integration tests; these pin what only the client decides.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};

use secrecy::SecretString;

use super::*;
use crate::api::{ClientOptions, TimeoutKind, WebhookBody};
use crate::triggers::TriggerSet;

const KEY: &str = "sk-0123456789abcdef";

async fn serve(router: Router) -> PortalUrl {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    PortalUrl::parse(&format!("http://{addr}")).unwrap()
}

fn client(portal: &PortalUrl) -> Client {
    let options = ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_millis(300),
        // One attempt, so each test sees the first failure; retries have their own tests.
        retries: 0,
        ..ClientOptions::default()
    };
    Client::new(portal, SecretString::from(format!("{KEY}\n")), options).unwrap()
}

const ONE: &str = r#"{"response":{"id":5,"name":"n","uri":"https://h.example.com","enabled":true,
    "ssl":true,"triggers":128},"count":1,"status":0,"statusCode":200}"#;

#[tokio::test]
async fn list_sends_the_key_once_and_reads_the_envelope() {
    let seen: Arc<Mutex<Option<HeaderMap>>> = Arc::default();
    let store = seen.clone();
    let router = Router::new().route(
        "/api/2.0/settings/webhook",
        get(move |headers: HeaderMap| async move {
            *store.lock().unwrap() = Some(headers);
            r#"{"response":[{"configs":{"id":2,"name":"b","uri":"https://b.example.com",
                "enabled":true,"ssl":true,"triggers":0},"status":0},
              {"configs":{"id":1,"name":"a","uri":"https://a.example.com",
                "enabled":false,"ssl":true,"triggers":256},"status":200}],
              "count":1,"status":0,"statusCode":200}"#
        }),
    );
    let list = client(&serve(router).await).list().await.unwrap();
    assert_eq!(list.iter().map(|w| w.id).collect::<Vec<_>>(), [1, 2]);
    let headers = seen.lock().unwrap().take().unwrap();
    // The trailing newline of the key was trimmed.
    assert_eq!(
        headers[header::AUTHORIZATION],
        format!("Bearer {KEY}").as_str()
    );
    assert_eq!(headers[header::ACCEPT], "application/json");
    let agent = headers[header::USER_AGENT].to_str().unwrap();
    assert_eq!(
        agent,
        concat!("docspace-webhooks/", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn create_posts_the_exact_body() {
    let seen: Arc<Mutex<Option<(String, String)>>> = Arc::default();
    let store = seen.clone();
    let router = Router::new().route(
        "/api/2.0/settings/webhook",
        post(move |headers: HeaderMap, body: String| async move {
            let ct = headers[header::CONTENT_TYPE].to_str().unwrap().to_string();
            *store.lock().unwrap() = Some((ct, body));
            ONE
        }),
    );
    let body = WebhookBody {
        name: "n".into(),
        uri: "https://h.example.com".into(),
        secret_key: Some(SecretString::from("Secret-123")),
        enabled: true,
        ssl: true,
        triggers: TriggerSet::from_bits(128),
        target_id: None,
    };
    let created = client(&serve(router).await).create(&body).await.unwrap();
    assert_eq!(created.id, 5);
    let (ct, sent) = seen.lock().unwrap().take().unwrap();
    assert_eq!(ct, "application/json");
    assert_eq!(
        sent,
        r#"{"name":"n","uri":"https://h.example.com","secretKey":"Secret-123","enabled":true,"ssl":true,"triggers":128,"targetId":null}"#
    );
}

#[tokio::test]
async fn delete_of_a_missing_webhook_is_none() {
    let router = Router::new().route(
        "/api/2.0/settings/webhook/{id}",
        delete(|| async {
            (
                StatusCode::NOT_FOUND,
                r#"{"error":{"message":"The record could not be found"},"status":1,"statusCode":404}"#,
            )
        }),
    );
    assert_eq!(client(&serve(router).await).delete(9).await.unwrap(), None);
}

#[tokio::test]
async fn a_401_names_the_key_without_showing_it() {
    let router = Router::new().route(
        "/api/2.0/settings/webhook",
        get(|| async { StatusCode::UNAUTHORIZED }),
    );
    let e = client(&serve(router).await).list().await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains(KEY));
}

#[tokio::test]
async fn a_redirect_is_reported_and_not_followed() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let router = Router::new()
        .route(
            "/api/2.0/settings/webhook",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/elsewhere")], "") }),
        )
        .route(
            "/elsewhere",
            get(move || async move {
                counter.fetch_add(1, Ordering::SeqCst);
                "[]"
            }),
        );
    let portal = serve(router).await;
    let e = client(&portal).list().await.unwrap_err();
    let ApiError::Redirect {
        location, status, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 302);
    assert_eq!(*location, format!("{}/elsewhere", portal.as_str()));
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the redirect was followed");
}

#[tokio::test]
async fn an_html_502_is_excerpted() {
    let router = Router::new().route(
        "/api/2.0/settings/webhook",
        get(|| async {
            (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
            )
                .into_response()
        }),
    );
    let e = client(&serve(router).await).list().await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "GET /api/2.0/settings/webhook failed (HTTP 502); the answer is not from the DocSpace \
         API: 502 Bad Gateway nginx"
    );
    assert!(e.is_retryable());
}

#[tokio::test]
async fn a_slow_portal_times_out_naming_the_timeout() {
    let router = Router::new().route(
        "/api/2.0/settings/webhook",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            "{}"
        }),
    );
    let portal = serve(router).await;
    let e = client(&portal).list().await.unwrap_err();
    let ApiError::Timeout { kind, after, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(
        (*kind, *after),
        (TimeoutKind::Request, Duration::from_millis(300))
    );
    assert!(e.is_retryable());
    assert_eq!(
        e.to_string(),
        format!(
            "GET /api/2.0/settings/webhook on {}: no answer within 0.3 s (the request timeout)",
            portal.as_str()
        )
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let portal = PortalUrl::parse(&format!("http://{addr}")).unwrap();
    let e = client(&portal).list().await.unwrap_err();
    let ApiError::Connect { portal: shown, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(shown, portal.as_str());
    assert!(e.is_retryable());
    assert!(!e.to_string().contains("error sending request"), "{e}");
}

#[test]
fn debug_of_a_client_hides_the_key() {
    let portal = PortalUrl::parse("https://portal.example.com").unwrap();
    let c = Client::new(&portal, SecretString::from(KEY), ClientOptions::default()).unwrap();
    let shown = format!("{c:?} {c:#?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("portal.example.com"), "{shown}");
}

#[test]
fn unusable_keys_are_refused_without_echoing_them() {
    let portal = PortalUrl::parse("https://portal.example.com").unwrap();
    for key in ["", "  \n", "sk-abc\ndef", "sk-abc\u{7f}"] {
        let e =
            Client::new(&portal, SecretString::from(key), ClientOptions::default()).unwrap_err();
        assert!(matches!(e, ApiError::ApiKey { .. }), "{e:?}");
        assert!(!e.to_string().contains("sk-abc"), "{e}");
    }
}
