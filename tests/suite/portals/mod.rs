//! `portals:` files (issue 12): the real binary against several fake portals on loopback at
//! once, one listener per portal, each with its own key (`tests/support/fleet.rs`).
//!
//! These assert what a user of a fleet would notice: exit codes, what each portal holds
//! afterwards, how many requests each portal received (none, for a portal that must not be
//! contacted), the parts of the output the interface fixes (section headers, the `Total:`
//! line, the JSON v2 shape, the Markdown summary table), and the whole text and Markdown of a
//! plan over portals, as a safety net while one code path serves one portal and many.

/// One portal listed twice under two host names (`127.0.0.1` and `localhost`) is refused
/// before any write, naming both entries.
mod alias;
/// Overlays, `only:`, per-portal secrets and id keys, applied and converged; the portal
/// parallelism changes nothing in the end state.
mod converge;
/// A portal down, its key refused or its key variable unset fails alone; a missing secret or
/// the deletion guard stops every portal before any write.
mod isolation;
/// Text sections and the `Total:` line, JSON `format_version: 2`, the Markdown summary table,
/// `--detailed-exitcode` over portals, keys never printed.
mod output;
/// A `portal:` file is pinned: `--portal URL` and `DOCSPACE_URL` cannot redirect it.
mod pinning;
/// `plan --out` of a portals file: applied exactly, or refused everywhere when one is stale; a
/// portal that failed is recorded, listed by `show` and never contacted by `apply`.
mod saved;
/// `--portal-parallelism` frees a slot the moment its portal finishes, whatever the portals
/// before it do; `--max-wait` is one budget shared by every portal of the run.
mod scheduling;
/// `--portal NAME` selects; one GET per selected portal; the environment's portal is ignored.
mod selection;

use crate::support::fake_portal::FakePortal;
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

/// `args` over `file`, with every portal's key variable set.
fn run(args: &[&str], fleet: &Fleet, file: &str) -> Run {
    Run::new(args).file(file).fleet(fleet)
}

/// `apply --auto-approve` over `file`, with every key and `vars` set.
fn apply(fleet: &Fleet, file: &str, vars: &[(&str, &str)]) -> Outcome {
    vars.iter()
        .fold(
            run(&["apply", "--auto-approve"], fleet, file),
            |r, (k, v)| r.env(k, v),
        )
        .run()
}

/// One stored webhook without what the run chose (id, dates), for comparing end states.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Held {
    name: String,
    uri: String,
    secret: String,
    enabled: bool,
    ssl: bool,
    triggers: u64,
}

/// What `fake` holds, sorted by name.
fn held(fake: &FakePortal) -> Vec<Held> {
    let mut held: Vec<Held> = fake
        .webhooks()
        .into_iter()
        .map(|w| Held {
            name: w.name,
            uri: w.uri,
            secret: w.secret_key,
            enabled: w.enabled,
            ssl: w.ssl,
            triggers: w.triggers,
        })
        .collect();
    held.sort();
    held
}

/// The webhook called `name` on `fake`; panics when there is none.
fn named(fake: &FakePortal, name: &str) -> Held {
    held(fake)
        .into_iter()
        .find(|w| w.name == name)
        .unwrap_or_else(|| panic!("no webhook {name:?} on {fake:?}: {:?}", held(fake)))
}
