//! `--portal-parallelism` and `--max-wait` over several portals: a slot goes to the next
//! portal the moment its portal finishes, the output stays in file order, and the portals
//! together pause no longer than `--max-wait`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::run;
use crate::support::fake_portal::{Fault, FaultKind, Seed, WEBHOOK_PATH};
use crate::support::fleet::Fleet;

/// Every portal has Crm with ssl on; the file turns it off: one update per portal.
fn fleet(names: &[&str]) -> (Fleet, String) {
    let fleet = Fleet::start(names);
    for (_, fake) in fleet.up() {
        fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
    }
    let file = format!(
        "{}webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n    ssl: false\n",
        fleet.portals_yaml(&[])
    );
    (fleet, file)
}

/// Two slots, the first portal slow (3 s): the third takes the second portal's slot the moment
/// that one finishes, and is answered while the first is still being handled (head-of-line
/// blocking would send it only after the first finished). The output is still in file order.
/// Checked by what the portals see, not by the clock, so a loaded machine cannot fail it.
#[test]
fn a_finished_portal_frees_its_slot_while_an_earlier_one_is_still_running() {
    let (fleet, file) = fleet(&["alpha", "bravo", "charlie"]);
    let (alpha, charlie) = (fleet.portal("alpha"), fleet.portal("charlie"));
    alpha.set_latency(Duration::from_secs(3));
    let done = AtomicBool::new(false);
    let overtaken = AtomicBool::new(false);
    let out = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                let alpha_pending = alpha.requests().iter().any(|r| r.status == 0);
                let charlie_answered = charlie.requests().iter().any(|r| r.status != 0);
                if alpha_pending && charlie_answered {
                    overtaken.store(true, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let out = run(&["plan", "--portal-parallelism", "2"], &fleet, &file).run();
        done.store(true, Ordering::SeqCst);
        out
    });
    assert!(
        overtaken.load(Ordering::SeqCst),
        "charlie waited for alpha although bravo's slot was free: {out:?}"
    );
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    === portal alpha ([PORTAL]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal bravo ([PORTAL-2]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal charlie ([PORTAL-3]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

    Total: 0 to create, 3 to update, 0 to delete, 0 unchanged, on 3 portals.
    ----- stderr -----
    ----- end -----
    "#);
}

/// Each of two portals asks for a 2 s pause once: each fits a --max-wait of 3 s alone, both do
/// not. The run's one budget lets the first pause and stops the second portal, saying so.
#[test]
fn max_wait_is_one_budget_for_every_portal_of_the_run() {
    let (fleet, file) = fleet(&["alpha", "bravo"]);
    for (_, fake) in fleet.up() {
        fake.inject(Fault::new(
            "PUT",
            WEBHOOK_PATH,
            FaultKind::RetryAfter { seconds: 2 },
        ));
    }
    let out = run(
        &[
            "apply",
            "--auto-approve",
            "--portal-parallelism",
            "1",
            "--max-wait",
            "3",
        ],
        &fleet,
        &file,
    )
    .env("DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS", "100")
    .run();
    let statuses = |name| -> Vec<u16> {
        fleet
            .portal(name)
            .writes()
            .iter()
            .map(|r| r.status)
            .collect()
    };
    assert_eq!(statuses("alpha"), [429, 200], "{out:?}");
    assert_eq!(statuses("bravo"), [429], "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    === portal alpha ([PORTAL]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal bravo ([PORTAL-2]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

    Total: 0 to create, 2 to update, 0 to delete, 0 unchanged, on 2 portals.

      [1/2] [TIME] [alpha] ok updated #1 "Crm"
      [2/2] [TIME] [bravo] failed "Crm" #1 was not updated: PUT /api/2.0/settings/webhook: the portal is limiting the request rate (HTTP 429); it asks to retry after 2 s ([DATE])

    [bravo] Stopped (the portal's rate limit (X-RateLimit-Limit: 1500) is reached and it accepts requests again at [DATE], in 2 s: more waiting than the run's --max-wait 3 s allows (2 s already spent waiting)); not started: nothing (every change had already started).

    [alpha] Apply complete: 1 done, 0 failed.
    [bravo] Apply complete: 0 done, 1 failed.

    Total: 1 done, 1 failed, on 2 portals (1 failed).
    ----- stderr -----
    [alpha] the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook): pausing all requests for 2 s as it asks (Retry-After), then at most 1 write(s) at a time and 714 request(s) a second; 2 s of --max-wait 3 s used
      x 1 of 2 portal(s) failed
      help: each failed portal's section says why; the other portals were planned and applied, and a rerun's plan shows only what is left

    ----- end -----
    "#);
}
