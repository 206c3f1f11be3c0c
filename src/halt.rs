//! A run-wide stop switch, shared by the signal handler, the client's waits and the applier. A
//! signal or a throttle wait longer than the run may wait has one effect: no write starts, writes
//! in flight finish, and the report names what was not started (docs/faults-and-security.md).
//! The first reason wins, so the report and the exit code tell what stopped the run. It also
//! lists the writes under way, so a forced exit can name what it cut short.
//!
//! A portal of a `portals:` file gets a child (`Halt::child`): a signal stops every portal, a
//! throttle stop only its own.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// SIGINT (exit 130), SIGTERM (exit 143) or SIGHUP (exit 129).
    Signal { name: &'static str, exit_code: u8 },
    /// The portal asked for a wait the run may not make; `message` says how long and why.
    Throttled { message: String },
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Signal { name, .. } => write!(f, "{name} received"),
            StopReason::Throttled { message } => f.write_str(message),
        }
    }
}

#[derive(Debug, Default)]
pub struct Halt {
    /// Cancelled once this switch or its parent's is thrown; the reason is set first.
    token: CancellationToken,
    reason: OnceLock<StopReason>,
    /// The run's switch, for one portal's (`label`): its reason, and the list its writes go on.
    parent: Option<Arc<Halt>>,
    label: String,
    /// Writes under way, by start order, as `InFlight` guards registered them.
    in_flight: Mutex<BTreeMap<u64, String>>,
    next_write: AtomicU64,
}

impl Halt {
    pub fn new() -> Arc<Halt> {
        Arc::new(Halt::default())
    }

    /// A switch of its own that `parent` also throws, for the portal named `label`; its writes
    /// are listed on the parent as `[label] ...`.
    pub fn child(parent: &Arc<Halt>, label: &str) -> Arc<Halt> {
        Arc::new(Halt {
            token: parent.token.child_token(),
            parent: Some(Arc::clone(parent)),
            label: label.to_string(),
            ..Halt::default()
        })
    }

    /// Throws the switch; returns false when it was already thrown (the first reason stays).
    pub fn stop(&self, reason: StopReason) -> bool {
        let first = self.reason.set(reason).is_ok();
        self.token.cancel();
        first
    }

    /// Why this switch, or its parent's, was thrown; its own reason first.
    pub fn reason(&self) -> Option<&StopReason> {
        self.reason
            .get()
            .or_else(|| self.parent.as_ref().and_then(|p| p.reason()))
    }

    pub fn is_stopped(&self) -> bool {
        self.reason().is_some()
    }

    /// Resolves once the switch (or its parent's) is thrown.
    pub async fn stopped(&self) {
        self.token.cancelled().await;
    }

    /// Records `what` (e.g. `update #7 "Billing"`) as under way until the guard drops.
    pub fn begin(&self, what: String) -> InFlight<'_> {
        if let Some(parent) = &self.parent {
            return parent.begin(format!("[{}] {what}", self.label));
        }
        let key = self.next_write.fetch_add(1, Ordering::Relaxed);
        self.writes().insert(key, what);
        InFlight { halt: self, key }
    }

    pub fn in_flight(&self) -> Vec<String> {
        self.writes().values().cloned().collect()
    }

    /// A panic elsewhere must not hide what is in flight from a forced exit.
    fn writes(&self) -> MutexGuard<'_, BTreeMap<u64, String>> {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One write under way (see `Halt::begin`); it leaves the list when dropped.
pub struct InFlight<'a> {
    halt: &'a Halt,
    key: u64,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.halt.writes().remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_reason_wins_and_wakes_waiters() {
        let halt = Halt::new();
        let waiter = {
            let halt = halt.clone();
            tokio::spawn(async move { halt.stopped().await })
        };
        tokio::task::yield_now().await;
        assert!(halt.stop(StopReason::Signal {
            name: "SIGINT",
            exit_code: 130
        }));
        assert!(!halt.stop(StopReason::Throttled {
            message: "later".into()
        }));
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("the waiter woke")
            .unwrap();
        assert_eq!(halt.reason().unwrap().to_string(), "SIGINT received");
    }

    #[tokio::test]
    async fn a_parent_stops_its_children_and_a_child_stops_only_itself() {
        let run = Halt::new();
        let (one, two) = (Halt::child(&run, "one"), Halt::child(&run, "two"));
        assert!(one.stop(StopReason::Throttled {
            message: "wait".into()
        }));
        assert!(one.is_stopped() && !two.is_stopped() && !run.is_stopped());
        let waiter = {
            let two = two.clone();
            tokio::spawn(async move { two.stopped().await })
        };
        tokio::task::yield_now().await;
        run.stop(StopReason::Signal {
            name: "SIGTERM",
            exit_code: 143,
        });
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("the child woke")
            .unwrap();
        assert_eq!(two.reason().unwrap().to_string(), "SIGTERM received");
        // Its own reason stays first.
        assert_eq!(one.reason().unwrap().to_string(), "wait");
        let _write = two.begin("create \"b\"".into());
        assert_eq!(run.in_flight(), ["[two] create \"b\""]);
    }

    #[test]
    fn writes_are_listed_while_under_way_in_start_order() {
        let halt = Halt::new();
        let first = halt.begin("update #1 \"a\"".into());
        let second = halt.begin("create \"b\"".into());
        assert_eq!(halt.in_flight(), ["update #1 \"a\"", "create \"b\""]);
        drop(first);
        assert_eq!(halt.in_flight(), ["create \"b\""]);
        drop(second);
        assert!(halt.in_flight().is_empty());
    }
}
