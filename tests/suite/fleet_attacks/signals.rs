//! SIGTERM and SIGINT while several portals are being written: every portal stops starting
//! writes, those in flight finish, and the report and a forced exit name each portal.

use std::time::Duration;

use crate::support::fake_portal::{Fault, FaultKind, WEBHOOK_PATH};
use crate::support::spawn::wait_until;

use super::{Fleet, uri};

/// Every portal's PUT takes `delay`; returns the fleet and its file (2 updates each).
fn slow_fleet(delay: Duration) -> (Fleet, String) {
    let fleet = Fleet::seeded(&["a", "b"], 2);
    for (_, fake) in &fleet.members {
        fake.inject(Fault::new("PUT", WEBHOOK_PATH, FaultKind::Delay(delay)).times(10));
    }
    let file = fleet.moving(2, "");
    (fleet, file)
}

fn both_writing(fleet: &Fleet) {
    wait_until("a write in flight on every portal", || {
        fleet.members.iter().all(|(_, f)| !f.writes().is_empty())
    });
}

#[test]
fn sigterm_stops_every_portal_lets_each_write_in_flight_finish_and_exits_143() {
    let (fleet, file) = slow_fleet(Duration::from_secs(3));
    let run = fleet.run(&["apply", "--auto-approve", "--parallelism", "1"], &file);
    let process = run.spawn();
    both_writing(&fleet);
    process.signal(libc::SIGTERM);
    let out = process.finish();

    assert_eq!(out.code, 143, "{out:?}");
    for (name, fake) in &fleet.members {
        let writes = fake.writes();
        assert_eq!(
            writes.len(),
            1,
            "{name}: no write after the signal: {out:?}"
        );
        assert_eq!(
            writes[0].status, 200,
            "{name}: the write in flight finished"
        );
        let uris: Vec<String> = fake.webhooks().into_iter().map(|w| w.uri).collect();
        assert_eq!(uris, [uri(1, "new"), uri(2, "old")], "{name}");
        assert!(
            out.stdout.contains(&format!(
                "[{name}] Stopped (SIGTERM received); not started:"
            )),
            "{out:?}"
        );
        assert!(
            out.stdout.contains(&format!(
                "[{name}] Apply complete: 1 done, 0 failed, 1 of 2 not started."
            )),
            "{out:?}"
        );
    }
}

#[test]
fn a_second_sigint_exits_at_once_naming_each_write_in_flight_with_its_portal() {
    let (fleet, file) = slow_fleet(Duration::from_secs(8));
    let run = fleet.run(&["apply", "--auto-approve", "--parallelism", "1"], &file);
    let process = run.spawn();
    both_writing(&fleet);
    process.signal(libc::SIGINT);
    process.wait_for_output("the first signal's notice", |_, err| {
        err.contains("send SIGINT again to exit at once")
    });
    process.signal(libc::SIGINT);
    let out = process.finish();

    assert_eq!(out.code, 130, "{out:?}");
    assert!(
        out.stderr
            .contains("A second signal (SIGINT) received: exiting at once."),
        "{out:?}"
    );
    for name in ["a", "b"] {
        assert!(
            out.stderr
                .contains(&format!("\n  [{name}] update #1 \"Hook 1\"")),
            "{name}: {out:?}"
        );
    }
    assert_eq!(fleet.writes(), 2, "nothing new started: {out:?}");
}
