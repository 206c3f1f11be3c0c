#![allow(dead_code)]
//! A stateful fake ONLYOFFICE DocSpace portal: the webhook API of DocSpace 3.7 on 127.0.0.1,
//! faithful to docs/docspace-api.md (endpoints §3, envelopes §4-§5, records §6-§8, writes §9-§13,
//! uniqueness §15, auth §16), plus hooks for tests to seed, inspect and break it
//! (faults, among them an echo of the request in every spelling a proxy may use: `echo`), and a rate limiter in front of the controller, off until a test turns it on
//! (`limiter.rs`).
//!
//! It is an independent oracle: it uses only axum, tokio, serde, serde_json and std, never
//! the `docspace_webhooks` crate, so a misunderstanding in the crate cannot be mirrored here.
//! It is included by the integration tests (`tests/support`), by `examples/quickstart.rs`
//! through `#[path]`, and by the benchmark, so it refers to itself only through `super::`.
//!
//! Invariants: no response ever carries a secret (except an injected echo fault, on purpose);
//! state sits behind one std `Mutex`, so a write is visible to the next request and to the
//! hooks; every request is recorded, faults included. Deliberately stricter than the server (see `body.rs`): unknown body members and
//! numbers sent as strings are refused with a 400, so client bugs surface in tests.
//! The delivery log and both retry endpoints (§21) are served from rows the fake makes itself
//! (`deliveries.rs`: each body signed with the webhook's secret of the moment, `hmac.rs`), which
//! tests seed, fire, fail and age through hooks; its clock can be set.
//! Not modelled: non-admin callers seeing only their own webhooks (`hide_from_list` stands in
//! for the list they get), DNS (see `checks.rs`), the sender's own retries, and what the sender
//! does to a webhook by itself (auto-disable, delete on 410: `update_stored`/`remove_stored`).

mod body;
mod checks;
mod deliveries;
mod dto;
mod echo;
mod envelope;
mod faults;
mod hmac;
mod limiter;
mod log;
mod reply;
mod routes;
mod server;
mod state;
mod triggers;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

// Each includer uses a subset of these.
#[allow(unused_imports)]
pub use deliveries::{Deliveries, Delivery, Outcome};
#[allow(unused_imports)]
pub use echo::{Echo, Spelling, Wrapper};
#[allow(unused_imports)]
pub use faults::{Fault, FaultBody, FaultKind, Scope};
#[allow(unused_imports)]
pub use hmac::signature;
#[allow(unused_imports)]
pub use limiter::{RateLimit, RetryLimit, SlidingWindow};
#[allow(unused_imports)]
pub use log::LogQuirks;
#[allow(unused_imports)]
pub use state::{Recorded, Seed, Stored, Target};

use state::{Inner, Shared};

/// The key `FakePortal::start()` accepts.
pub const DEFAULT_API_KEY: &str = "sk-fake-0123456789abcdef";

/// `GET/POST/PUT` path of the webhook collection.
pub const WEBHOOK_PATH: &str = "/api/2.0/settings/webhook";
/// `PUT` path that enables or disables one webhook.
pub const ENABLE_PATH: &str = "/api/2.0/settings/webhook/enable";
/// `GET` path of the trigger list.
pub const TRIGGERS_PATH: &str = "/api/2.0/settings/webhook/triggers";

/// `GET` path of the delivery log (`webhooks`, plural).
pub const LOG_PATH: &str = "/api/2.0/settings/webhooks/log";
/// `PUT` path of the bulk redelivery.
pub const RETRY_PATH: &str = "/api/2.0/settings/webhook/retry";

/// `DELETE` path of one webhook.
pub fn delete_path(id: i32) -> String {
    format!("{WEBHOOK_PATH}/{id}")
}

/// `PUT` path that redelivers one log entry.
pub fn retry_path(log_id: i32) -> String {
    format!("{WEBHOOK_PATH}/{log_id}/retry")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `Authorization: Bearer <api_key>` gets full (admin) access.
    pub api_key: String,
    /// A second key that may GET but gets 403 with an empty body on writes (a key without the
    /// `*:write` scope).
    pub read_only_key: Option<String>,
    /// POST stores `enabled`/`ssl` as true even when false is sent (§9).
    pub create_quirk: bool,
    /// Added to every request before it is handled.
    pub latency: Duration,
    /// The id the first created (or seeded) webhook gets.
    pub first_id: i32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            api_key: DEFAULT_API_KEY.to_owned(),
            read_only_key: None,
            create_quirk: false,
            latency: Duration::ZERO,
            first_id: 1,
        }
    }
}

/// A running fake portal. Dropping it stops the server.
pub struct FakePortal {
    shared: Arc<Shared>,
    addr: SocketAddr,
    api_key: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakePortal {
    pub fn start() -> FakePortal {
        FakePortal::start_with(Options::default())
    }

    /// The sandbox `webhooks.example.yaml` is written against (the quickstart and sandbox
    /// examples): against it the file creates one webhook, updates one (#9846), leaves one
    /// unchanged, and one live webhook is unmanaged.
    pub fn example_sandbox() -> FakePortal {
        let sandbox = FakePortal::start_with(Options {
            first_id: 9845,
            ..Options::default()
        });
        sandbox.seed(Seed::new(
            "Audit trail",
            "https://audit.example.com/docspace",
        ));
        sandbox.seed(
            Seed::new(
                "My integration webhook",
                "https://integrations.example.com/docspace/events?tenant=41",
            )
            .triggers(128 | 1024), // file.created, file.trashed
        );
        sandbox.seed(Seed::new("Legacy CRM", "https://crm.example.com/docspace").enabled(false));
        sandbox
    }

    /// Starts on its own thread and runtime; returns once the listener accepts connections.
    /// Panics if it cannot listen on 127.0.0.1, which no test could recover from.
    pub fn start_with(options: Options) -> FakePortal {
        let inner = Inner {
            owner: dto::owner_id(),
            webhooks: BTreeMap::new(),
            next_id: options.first_id,
            api_key: options.api_key.clone(),
            read_only_key: options.read_only_key,
            create_quirk: options.create_quirk,
            lower_host: false,
            forbidden: false,
            latency: options.latency,
            targets: HashMap::new(),
            faults: VecDeque::new(),
            periodic: Vec::new(),
            limiter: Default::default(),
            requests: Vec::new(),
            next_seq: 0,
            probes: Vec::new(),
            hidden: HashSet::new(),
            repeated: Vec::new(),
            list_page: None,
            log: BTreeMap::new(),
            next_log_id: 1,
            outcomes: HashMap::new(),
            clock: None,
            delete_restrict: false,
            newer_log_fields: false,
            log_quirks: LogQuirks::default(),
        };
        let shared = Arc::new(Shared::new(inner));
        let running = match server::spawn(Arc::clone(&shared)) {
            Ok(running) => running,
            Err(e) => panic!("the fake portal could not start: {e}"),
        };
        FakePortal {
            shared,
            addr: running.addr,
            api_key: options.api_key,
            shutdown: Some(running.shutdown),
            thread: Some(running.thread),
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn api_key(&self) -> String {
        self.api_key.clone()
    }

    /// Inserts a webhook directly: no validation, no request recorded. Returns its id.
    pub fn seed(&self, seed: Seed) -> i32 {
        let mut inner = self.shared.lock();
        let id = inner.allocate_id();
        let stored = Stored {
            id,
            name: seed.name,
            uri: seed.uri,
            secret_key: seed.secret_key,
            enabled: seed.enabled,
            ssl: seed.ssl,
            triggers: seed.triggers,
            target_id: seed.target_id,
            created_by: seed.created_by,
            created_on: Some(seed.created_on.unwrap_or_else(dto::now)),
            modified_by: None,
            modified_on: None,
            last_failure_on: seed.last_failure_on,
            last_failure_content: seed.last_failure_content,
            last_success_on: seed.last_success_on,
            delivery_status: 0,
        };
        inner.webhooks.insert(id, stored);
        id
    }

    /// Every stored webhook, secrets included, sorted by id.
    pub fn webhooks(&self) -> Vec<Stored> {
        self.shared.lock().webhooks.values().cloned().collect()
    }

    pub fn get(&self, id: i32) -> Option<Stored> {
        self.shared.lock().webhooks.get(&id).cloned()
    }

    /// Changes a stored webhook behind the API's back (auto-disable, an edit in the web UI).
    /// Does nothing for an unknown id. Changing `id` moves the webhook to the new id.
    pub fn update_stored(&self, id: i32, f: impl FnOnce(&mut Stored)) {
        let mut inner = self.shared.lock();
        if let Some(mut stored) = inner.webhooks.remove(&id) {
            f(&mut stored);
            inner.webhooks.insert(stored.id, stored);
        }
    }

    /// Deletes a stored webhook behind the API's back (the server drops it on a 410).
    pub fn remove_stored(&self, id: i32) {
        self.shared.lock().webhooks.remove(&id);
    }

    /// Every request so far, in arrival order, with the status it was answered.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared
            .lock()
            .requests
            .iter()
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// The requests that are not GET.
    pub fn writes(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| !r.method.eq_ignore_ascii_case("GET"))
            .collect()
    }

    /// Forgets recorded requests and probes, and restarts the concurrency high-water mark.
    pub fn clear_requests(&self) {
        let mut inner = self.shared.lock();
        inner.requests.clear();
        inner.probes.clear();
        drop(inner);
        self.shared.reset_max_concurrent_writes();
    }

    /// The URIs the simulated HEAD probe was sent to, in order.
    pub fn probes(&self) -> Vec<String> {
        self.shared.lock().probes.clone()
    }

    pub fn set_create_quirk(&self, on: bool) {
        self.shared.lock().create_quirk = on;
    }

    /// Store each created webhook's uri with its host in lower case, answer included.
    pub fn set_lower_host(&self, on: bool) {
        self.shared.lock().lower_host = on;
    }

    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().latency = latency;
    }

    /// How the HEAD probe of this exact URI turns out (default `Target::Ok`).
    pub fn set_target(&self, uri: &str, target: Target) {
        self.shared.lock().targets.insert(uri.to_owned(), target);
    }

    /// Queues a fault; each matching request consumes one use of the first match.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    /// Adds a fault for every `every`th request in `scope`, for as long as the portal runs.
    /// Periodic faults stand behind the queued ones, in the order they were added: a request
    /// one of them takes is not counted by the later ones.
    pub fn inject_every(&self, every: usize, scope: Scope, kind: FaultKind) {
        self.shared.lock().periodic.push(faults::Periodic {
            every,
            scope,
            kind,
            seen: 0,
        });
    }

    /// Puts deliveries straight into webhook `id`'s log, oldest first, each signed with its
    /// secret of now and recorded on the webhook as a delivery is (§21). Returns their log ids,
    /// oldest first; none for an unknown webhook.
    pub fn seed_deliveries(&self, id: i32, deliveries: Deliveries) -> Vec<i32> {
        let mut inner = self.shared.lock();
        let newest = deliveries.newest_at.unwrap_or_else(|| inner.now_unix());
        let count = i64::try_from(deliveries.count).unwrap_or(i64::MAX);
        (0..count)
            .filter_map(|n| {
                let at = newest - (count - 1 - n) * deliveries.every;
                let entity = deliveries.entity.clone().unwrap_or_else(|| {
                    format!(
                        "{{\"id\":{},\"title\":\"Report {}.docx\"}}",
                        1000 + n,
                        n + 1
                    )
                });
                inner.deliver(id, deliveries.trigger, &entity, at, &deliveries.outcome)
            })
            .collect()
    }

    /// The log id the next delivery gets: a portal's log ids run into the millions.
    pub fn set_next_log_id(&self, id: i32) {
        self.shared.lock().next_log_id = id;
    }

    /// An event for webhook `id` now, if it is enabled and subscribed to `trigger` (one bit),
    /// delivered as its outcome says. Returns the log id.
    pub fn fire(&self, id: i32, trigger: u64, entity: &str) -> Option<i32> {
        let mut inner = self.shared.lock();
        let webhook = inner.webhooks.get(&id)?;
        let subscribed = webhook.triggers == 0 || webhook.triggers & trigger != 0;
        if !webhook.enabled || !subscribed {
            return None;
        }
        let (at, outcome) = (inner.now_unix(), inner.outcome_of(id));
        inner.deliver(id, trigger, entity, at, &outcome)
    }

    /// How the next deliveries to webhook `id` (fired or redelivered) turn out.
    pub fn set_outcome(&self, id: i32, outcome: Outcome) {
        self.shared.lock().outcomes.insert(id, outcome);
    }

    /// Every row of the log, by log id (a webhook deleted through the API takes its rows with it;
    /// `remove_stored` leaves them, hidden from the log as the server's join hides them).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.lock().log.values().cloned().collect()
    }

    /// Sets the fake's clock (unix seconds): dates of new deliveries and redeliveries.
    pub fn set_time(&self, unix_seconds: i64) {
        self.shared.lock().clock = Some(unix_seconds);
    }

    /// Moves the fake's clock on (from the system's time if it was not set).
    pub fn advance(&self, seconds: i64) {
        let mut inner = self.shared.lock();
        let now = inner.now_unix();
        inner.clock = Some(now + seconds);
    }

    /// Deleting a webhook with deliveries answers 500, as on PostgreSQL (`false`: its log is
    /// deleted with it, as on MySQL).
    pub fn set_delete_restrict(&self, on: bool) {
        self.shared.lock().delete_restrict = on;
    }

    /// Log rows carry `attempts`, as newer servers' do.
    pub fn set_newer_log_fields(&self, on: bool) {
        self.shared.lock().newer_log_fields = on;
    }

    /// Makes the log answer wrong, as `quirks` says (`LogQuirks::default()`: right again).
    pub fn set_log_quirks(&self, quirks: LogQuirks) {
        self.shared.lock().log_quirks = quirks;
    }

    /// Turns the retry endpoints' own limit on (`None`: off); see `RetryLimit`.
    pub fn set_retry_limit(&self, limit: Option<RetryLimit>) {
        self.shared.lock().limiter.set_retry_limit(limit);
    }

    /// Turns the rate limiter on (`None`: off); see `RateLimit`.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.shared.lock().limiter.set_rate_limit(limit);
    }

    /// Turns the sliding-window limiter on (`None`: off); see `SlidingWindow`.
    pub fn set_sliding_window(&self, window: Option<SlidingWindow>) {
        self.shared.lock().limiter.set_sliding_window(window);
    }

    /// Sends the `X-RateLimit-*` headers only on a 429, as DocSpace does, not on every answer.
    pub fn set_rate_headers_on_refusal_only(&self, on: bool) {
        self.shared.lock().limiter.set_refusal_only(on);
    }

    /// Accepts at most `limit` POST/PUT until midnight UTC, then answers 429 until then, as
    /// DocSpace's daily limit does (`None`: no limit).
    pub fn set_daily_write_limit(&self, limit: Option<u64>) {
        self.shared.lock().limiter.set_daily_writes(limit);
    }

    /// The most non-GET requests that were in flight at once (latency included).
    pub fn max_concurrent_writes(&self) -> usize {
        self.shared.max_concurrent_writes()
    }

    /// Leaves this webhook out of the list (or shows it again with `false`), as the list of a
    /// key that is not an admin's leaves out other users' webhooks; creates still clash with it.
    pub fn hide_from_list(&self, id: i32, hidden: bool) {
        let mut inner = self.shared.lock();
        if hidden {
            inner.hidden.insert(id);
        } else {
            inner.hidden.remove(&id);
        }
    }

    /// Makes the list show this webhook once more, after the others (a repeated row).
    pub fn repeat_in_list(&self, id: i32) {
        self.shared.lock().repeated.push(id);
    }

    /// Makes the list send its first `rows` webhooks, with a `total` counting them all.
    pub fn page_list(&self, rows: usize) {
        self.shared.lock().list_page = Some(rows);
    }

    /// Every webhook call answers 403 "Access denied", as for a guest (the trigger list, which
    /// has no role check, stays 200 with every trigger unavailable).
    pub fn set_forbidden(&self, on: bool) {
        self.shared.lock().forbidden = on;
    }
}

impl Drop for FakePortal {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for FakePortal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakePortal")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}
