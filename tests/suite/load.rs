//! A portal with thousands of webhooks: planning stays one request, and a large apply keeps to
//! its concurrency bound and converges.

use std::time::Duration;

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

const LIVE: usize = 2_000;
const DRIFTED: usize = 200;

fn uri(i: usize) -> String {
    format!("https://h{i}.example.com/h")
}

/// A portal with `LIVE` webhooks `hook-0`.. and the file that describes them, with the first
/// `drifted` ones moved to a new uri.
fn portal_and_file(drifted: usize) -> (FakePortal, String) {
    let portal = FakePortal::start();
    let mut file = String::with_capacity(LIVE * 60);
    file.push_str("webhooks:\n");
    for i in 0..LIVE {
        portal.seed(Seed::new(&format!("hook-{i}"), &uri(i)));
        let wanted = if i < drifted {
            format!("https://moved{i}.example.com/h")
        } else {
            uri(i)
        };
        file.push_str(&format!("  hook-{i}:\n    uri: {wanted}\n"));
    }
    (portal, file)
}

#[test]
fn planning_two_thousand_webhooks_is_one_request() {
    let (portal, file) = portal_and_file(0);
    let out = Run::new(&["plan", "--detailed-exitcode"])
        .file(&file)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("No changes"), "{out:?}");
    assert_eq!(portal.requests().len(), 1);
}

#[test]
fn a_large_apply_keeps_to_its_parallelism_and_converges() {
    let (portal, file) = portal_and_file(DRIFTED);
    // Enough latency that writes overlap; 200 writes / 5 at a time stays well under a second.
    portal.set_latency(Duration::from_millis(5));
    let out = Run::new(&["apply", "--auto-approve", "--parallelism", "5"])
        .file(&file)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains(&format!("Apply complete: {DRIFTED} done, 0 failed.")),
        "{}",
        out.stderr
    );
    assert_eq!(portal.writes().len(), DRIFTED);
    let peak = portal.max_concurrent_writes();
    assert!((2..=5).contains(&peak), "peak concurrent writes {peak}");

    portal.clear_requests();
    let again = Run::new(&["plan", "--detailed-exitcode"])
        .file(&file)
        .portal(&portal)
        .run();
    assert_eq!(again.code, 0, "converged: {}", again.stdout);
    assert_eq!(portal.requests().len(), 1);
    assert_eq!(
        portal.get(1).map(|w| w.uri).as_deref(),
        Some("https://moved0.example.com/h")
    );
}
