//! The portal's memory: stored webhooks, recorded requests, probe targets and queued faults.
//!
//! Everything lives in one `Inner` behind a std `Mutex`, so a write a handler makes is seen by
//! the next request and by the test hooks at once. Handlers never hold the lock across an
//! `.await`: the simulated work (checks, probe, insert) is synchronous, so each request's
//! effect on the store is atomic.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::deliveries::{Delivery, Outcome};
use super::faults::{Fault, FaultKind, Periodic};
use super::limiter::Limiter;
use super::log::LogQuirks;

/// A webhook as the fake stores it, secret included (the API never returns the secret; tests
/// read it here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: i32,
    pub name: String,
    pub uri: String,
    pub secret_key: String,
    pub enabled: bool,
    pub ssl: bool,
    /// The int64 bitmask as stored; 0 means every event.
    pub triggers: u64,
    pub target_id: Option<String>,
    /// Display name of the creator; rendered as an `EmployeeDto` object.
    pub created_by: Option<String>,
    pub created_on: Option<String>,
    pub modified_by: Option<String>,
    pub modified_on: Option<String>,
    pub last_failure_on: Option<String>,
    pub last_failure_content: Option<String>,
    pub last_success_on: Option<String>,
    /// The list item's `status`: HTTP status of the last delivery, 0 when none.
    pub delivery_status: i32,
}

/// A webhook to put straight into the store, bypassing the API (no validation, not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    pub name: String,
    pub uri: String,
    pub secret_key: String,
    pub enabled: bool,
    pub ssl: bool,
    pub triggers: u64,
    pub target_id: Option<String>,
    pub last_failure_on: Option<String>,
    pub last_failure_content: Option<String>,
    pub last_success_on: Option<String>,
    pub created_by: Option<String>,
    /// When it was created; now when `None`.
    pub created_on: Option<String>,
}

impl Seed {
    /// Enabled, ssl, every event, secret `seeded-secret-1`, no target.
    pub fn new(name: &str, uri: &str) -> Seed {
        Seed {
            name: name.to_owned(),
            uri: uri.to_owned(),
            secret_key: "seeded-secret-1".to_owned(),
            enabled: true,
            ssl: true,
            triggers: 0,
            target_id: None,
            last_failure_on: None,
            last_failure_content: None,
            last_success_on: None,
            created_by: None,
            created_on: None,
        }
    }
    pub fn triggers(mut self, bits: u64) -> Seed {
        self.triggers = bits;
        self
    }
    pub fn enabled(mut self, on: bool) -> Seed {
        self.enabled = on;
        self
    }
    pub fn ssl(mut self, on: bool) -> Seed {
        self.ssl = on;
        self
    }
    pub fn target(mut self, target_id: &str) -> Seed {
        self.target_id = Some(target_id.to_owned());
        self
    }
    pub fn secret(mut self, secret: &str) -> Seed {
        self.secret_key = secret.to_owned();
        self
    }
    pub fn failure(mut self, on: &str, content: &str) -> Seed {
        self.last_failure_on = Some(on.to_owned());
        self.last_failure_content = Some(content.to_owned());
        self
    }
    pub fn success(mut self, on: &str) -> Seed {
        self.last_success_on = Some(on.to_owned());
        self
    }
    pub fn created_by(mut self, display_name: &str) -> Seed {
        self.created_by = Some(display_name.to_owned());
        self
    }
    /// Created at `on`, written as the portal writes dates.
    pub fn created_on(mut self, on: &str) -> Seed {
        self.created_on = Some(on.to_owned());
        self
    }
}

/// How the simulated HEAD probe of a webhook's uri turns out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Answers 200.
    Ok,
    /// Answers this status (2xx passes, anything else is a 400 from the portal).
    Status(u16),
    /// Connection refused: the portal answers 500.
    Unreachable,
}

/// One request as the fake received it, and the status it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Every header, names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub has_authorization: bool,
    pub content_type: Option<String>,
    /// The raw body as text (lossy for non-UTF-8); `None` when empty.
    pub body: Option<String>,
    /// The status answered; 0 while the request is still being handled.
    pub status: u16,
    /// When it arrived.
    pub at: std::time::Instant,
}

impl Recorded {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The body parsed as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        self.body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
    }
}

/// Everything the handlers and the hooks share.
pub(super) struct Inner {
    /// The id of the portal's owner, who every request acts as (`dto::CALLER`).
    pub owner: String,
    pub webhooks: BTreeMap<i32, Stored>,
    pub next_id: i32,
    pub api_key: String,
    pub read_only_key: Option<String>,
    pub create_quirk: bool,
    /// A create stores its uri with the host in lower case (a portal that rewrites uris).
    pub lower_host: bool,
    pub forbidden: bool,
    pub latency: Duration,
    pub targets: HashMap<String, Target>,
    pub faults: VecDeque<Fault>,
    pub periodic: Vec<Periodic>,
    pub limiter: Limiter,
    /// Sequence number and request, so a late answer finds its entry after a clear.
    pub requests: Vec<(u64, Recorded)>,
    pub next_seq: u64,
    pub probes: Vec<String>,
    /// Ids the list leaves out, as a non-admin key's list leaves out other users' webhooks
    /// (docs/docspace-api.md §6); the create's duplicate check (§8) still sees them.
    pub hidden: HashSet<i32>,
    /// Ids the list shows a second time (a portal or cache glitch).
    pub repeated: Vec<i32>,
    /// Rows the list stops at while its `total` counts them all (a paging proxy).
    pub list_page: Option<usize>,
    /// The delivery log by log id (docs/docspace-api.md §21).
    pub log: BTreeMap<i32, Delivery>,
    pub next_log_id: i32,
    /// How deliveries to a webhook turn out, by webhook id (an answer 200 when absent).
    pub outcomes: HashMap<i32, Outcome>,
    /// The time a test set, in unix seconds; the system's when `None`.
    pub clock: Option<i64>,
    /// Deleting a webhook that has deliveries fails with a 500, as on PostgreSQL.
    pub delete_restrict: bool,
    /// Log rows carry `attempts`, as newer servers' do.
    pub newer_log_fields: bool,
    pub log_quirks: LogQuirks,
}

impl Inner {
    pub fn allocate_id(&mut self) -> i32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    pub fn target(&self, uri: &str) -> Target {
        self.targets.get(uri).copied().unwrap_or(Target::Ok)
    }

    /// Takes one use of the first queued fault matching this request, if any, else the first
    /// periodic fault whose turn it is.
    pub fn take_fault(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let Some(index) = self.faults.iter().position(|f| f.matches(method, path)) else {
            return self.periodic.iter_mut().find_map(|p| p.take(method));
        };
        let fault = &mut self.faults[index];
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            self.faults.remove(index).map(|f| f.kind)
        } else {
            Some(fault.kind.clone())
        }
    }
}

pub(super) struct Shared {
    inner: Mutex<Inner>,
    in_flight_writes: AtomicUsize,
    max_in_flight_writes: AtomicUsize,
}

impl Shared {
    pub fn new(inner: Inner) -> Shared {
        Shared {
            inner: Mutex::new(inner),
            in_flight_writes: AtomicUsize::new(0),
            max_in_flight_writes: AtomicUsize::new(0),
        }
    }

    /// A panicking test thread must not take every later request down with it.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one in-flight write until the guard drops.
    pub fn write_guard(&self) -> WriteGuard<'_> {
        let now = self.in_flight_writes.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight_writes.fetch_max(now, Ordering::SeqCst);
        WriteGuard(self)
    }

    /// Like `write_guard`, unless `cap` writes are in flight already.
    pub fn try_write_guard(&self, cap: usize) -> Option<WriteGuard<'_>> {
        let mut now = self.in_flight_writes.load(Ordering::SeqCst);
        loop {
            if now >= cap {
                return None;
            }
            match self.in_flight_writes.compare_exchange(
                now,
                now + 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => break,
                Err(actual) => now = actual,
            }
        }
        self.max_in_flight_writes
            .fetch_max(now + 1, Ordering::SeqCst);
        Some(WriteGuard(self))
    }

    pub fn max_concurrent_writes(&self) -> usize {
        self.max_in_flight_writes.load(Ordering::SeqCst)
    }

    pub fn reset_max_concurrent_writes(&self) {
        let now = self.in_flight_writes.load(Ordering::SeqCst);
        self.max_in_flight_writes.store(now, Ordering::SeqCst);
    }
}

pub(super) struct WriteGuard<'a>(&'a Shared);

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        self.0.in_flight_writes.fetch_sub(1, Ordering::SeqCst);
    }
}
