//! The library's client against the fake portal, where only the client decides: the request
//! it sends, what it retries and how long it waits, what a stopped run still sends, and how it
//! keeps to the portal's limits; and how it reads the delivery log and redelivers. The same
//! behaviour through the binary is in `faults`, `throttle` and `interrupt`.

mod deliveries;
mod limits;
mod requests;
mod retries;
mod stop;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use docspace_webhooks::api::{
    Client, ClientEvent, ClientOptions, EventSink, PortalUrl, WebhookBody,
};
use docspace_webhooks::triggers::TriggerSet;
use secrecy::SecretString;

use crate::support::fake_portal::{FakePortal, Options, Recorded, Seed};

/// The one webhook the portals of these tests hold or create: #5 `n` at `URI`.
const URI: &str = "https://h.example.com/hook";

/// A portal whose next webhook gets id 5.
fn portal() -> FakePortal {
    FakePortal::start_with(Options {
        first_id: 5,
        ..Options::default()
    })
}

/// A portal holding webhook #5.
fn seeded() -> FakePortal {
    let portal = portal();
    portal.seed(Seed::new("n", URI));
    portal
}

fn url(portal: &FakePortal) -> PortalUrl {
    PortalUrl::parse(&portal.url()).unwrap()
}

/// Every event the client reports, and when.
type Events = Arc<Mutex<Vec<(Instant, ClientEvent)>>>;

/// A client of `portal` with `options`, recording its events.
fn client_with(portal: &FakePortal, options: ClientOptions) -> (Client, Events) {
    let events = Events::default();
    let store = events.clone();
    let options = ClientOptions {
        events: Some(EventSink(Arc::new(move |e: &ClientEvent| {
            store.lock().unwrap().push((Instant::now(), e.clone()))
        }))),
        ..options
    };
    let client = Client::new(&url(portal), SecretString::from(portal.api_key()), options);
    (client.unwrap(), events)
}

/// A client with tiny waits: retries 2 ms apart, a second of `Retry-After` lasting 20 ms.
fn client(portal: &FakePortal, retries: u32) -> (Client, Events) {
    client_with(
        portal,
        ClientOptions {
            request_timeout: Duration::from_millis(300),
            retries,
            retry_base: Duration::from_millis(2),
            throttle_unit: Duration::from_millis(20),
            ..ClientOptions::default()
        },
    )
}

fn lines(events: &Events) -> Vec<String> {
    let events = events.lock().unwrap();
    events.iter().map(|(_, e)| e.to_string()).collect()
}

fn body() -> WebhookBody {
    WebhookBody {
        name: "n".into(),
        uri: URI.into(),
        secret_key: Some(SecretString::from("Secret-123")),
        enabled: true,
        ssl: true,
        triggers: TriggerSet::from_bits(0),
        target_id: None,
    }
}

/// The requests with this method.
fn sent(portal: &FakePortal, method: &str) -> Vec<Recorded> {
    let all = portal.requests().into_iter();
    all.filter(|r| r.method == method).collect()
}

/// Waits (without blocking the runtime) until a request with this method reached `portal`.
async fn arrived(portal: &FakePortal, method: &str) {
    for _ in 0..1000 {
        if !sent(portal, method).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no {method} reached the portal");
}
