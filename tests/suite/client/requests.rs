//! What one request is: the key sent once in a header, the exact body, the answer read, and
//! each failure named for what it is.

use std::time::Duration;

use docspace_webhooks::api::{ApiError, Client, ClientOptions, PortalUrl, TimeoutKind};
use docspace_webhooks::triggers::TriggerSet;
use secrecy::SecretString;

use super::{body, portal, seeded, url};
use crate::support::fake_portal::{FakePortal, Fault, FaultBody, FaultKind, Seed, WEBHOOK_PATH};

/// One attempt, so each test sees the first failure (retries have their own tests), and the
/// key as a terminal or a file often hands it over: with a trailing newline.
fn client(portal: &FakePortal) -> Client {
    let options = ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_millis(300),
        retries: 0,
        ..ClientOptions::default()
    };
    let key = SecretString::from(format!("{}\n", portal.api_key()));
    Client::new(&url(portal), key, options).unwrap()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn list_sends_the_key_once_and_reads_the_envelope() {
    // Sorting an unsorted list is pinned where the list is decoded (src/api/wire_tests.rs):
    // the fake lists by id.
    let portal = seeded();
    portal.seed(Seed::new("b", "https://b.example.com/hook").enabled(false));
    let list = client(&portal).list().await.unwrap();
    assert_eq!(list.iter().map(|w| w.id).collect::<Vec<_>>(), [5, 6]);
    assert!(!list[1].enabled);
    let requests = portal.requests();
    assert_eq!(requests.len(), 1);
    let headers = &requests[0].headers;
    let auth: Vec<_> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .collect();
    // Once, and the trailing newline of the key was trimmed.
    assert_eq!(auth.len(), 1, "{headers:?}");
    assert_eq!(auth[0].1, format!("Bearer {}", portal.api_key()));
    assert_eq!(header(headers, "accept"), Some("application/json"));
    assert_eq!(
        header(headers, "user-agent"),
        Some(concat!("docspace-webhooks/", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn create_posts_the_exact_body() {
    let portal = portal();
    let body = docspace_webhooks::api::WebhookBody {
        triggers: TriggerSet::from_bits(128),
        ..body()
    };
    let created = client(&portal).create(&body, &[]).await.unwrap();
    assert_eq!(created.id, 5);
    let posts = portal.writes();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(
        posts[0].body.as_deref(),
        Some(
            r#"{"name":"n","uri":"https://h.example.com/hook","secretKey":"Secret-123","enabled":true,"ssl":true,"triggers":128,"targetId":null}"#
        )
    );
}

#[tokio::test]
async fn delete_of_a_missing_webhook_is_none() {
    let portal = portal();
    assert_eq!(client(&portal).delete(9).await.unwrap(), None);
    assert_eq!(portal.writes()[0].status, 404);
}

#[tokio::test]
async fn a_401_names_the_key_without_showing_it() {
    let portal = portal();
    let wrong = "sk-0123456789abcdef";
    let client = Client::new(
        &url(&portal),
        SecretString::from(wrong),
        ClientOptions::default(),
    )
    .unwrap();
    let e = client.list().await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains(wrong));
}

#[tokio::test]
async fn a_redirect_is_reported_and_not_followed() {
    let portal = portal();
    portal.inject(Fault::new(
        "GET",
        WEBHOOK_PATH,
        FaultKind::Redirect {
            status: 302,
            location: "/elsewhere".into(),
        },
    ));
    let e = client(&portal).list().await.unwrap_err();
    let ApiError::Redirect {
        location, status, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 302);
    assert_eq!(*location, format!("{}/elsewhere", portal.url()));
    let paths: Vec<String> = portal.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, [WEBHOOK_PATH], "the redirect was followed");
}

#[tokio::test]
async fn an_html_502_is_excerpted() {
    let portal = portal();
    portal.inject(Fault::new(
        "GET",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 502,
            body: FaultBody::Html(
                "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>".into(),
            ),
        },
    ));
    let e = client(&portal).list().await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "GET /api/2.0/settings/webhook failed (HTTP 502); the answer is not from the DocSpace \
         API: 502 Bad Gateway nginx"
    );
    assert!(e.is_retryable());
}

#[tokio::test]
async fn a_slow_portal_times_out_naming_the_timeout() {
    let portal = portal();
    portal.inject(Fault::new(
        "GET",
        WEBHOOK_PATH,
        FaultKind::Delay(Duration::from_secs(10)),
    ));
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
            portal.url()
        )
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let portal = PortalUrl::parse(&format!("http://{addr}")).unwrap();
    let options = ClientOptions {
        retries: 0,
        ..ClientOptions::default()
    };
    let client = Client::new(&portal, SecretString::from("sk-0123456789abcdef"), options);
    let e = client.unwrap().list().await.unwrap_err();
    let ApiError::Connect { portal: shown, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(shown, portal.as_str());
    assert!(e.is_retryable());
    assert!(!e.to_string().contains("error sending request"), "{e}");
}

#[test]
fn debug_of_a_client_hides_the_key() {
    let key = "sk-0123456789abcdef";
    let portal = PortalUrl::parse("https://portal.example.com").unwrap();
    let c = Client::new(&portal, SecretString::from(key), ClientOptions::default()).unwrap();
    let shown = format!("{c:?} {c:#?}");
    assert!(!shown.contains(key), "{shown}");
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
