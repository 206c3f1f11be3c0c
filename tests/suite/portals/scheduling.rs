//! `--portal-parallelism` over several portals: a slot goes to the next portal the moment its
//! portal finishes, and the output stays in file order.

use std::time::{Duration, Instant};

use super::run;
use crate::support::fake_portal::Seed;
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

/// Two slots, the first portal slow (3 s) and the third a little slow (2 s): the third takes
/// the second portal's slot the moment that one finishes, so the run ends with the first, not
/// 2 s after it (head-of-line blocking: about 5 s). The output is still in file order.
#[test]
fn a_finished_portal_frees_its_slot_while_an_earlier_one_is_still_running() {
    let (fleet, file) = fleet(&["alpha", "bravo", "charlie"]);
    fleet.portal("alpha").set_latency(Duration::from_secs(3));
    fleet.portal("charlie").set_latency(Duration::from_secs(2));
    let started = Instant::now();
    let out = run(&["plan", "--portal-parallelism", "2"], &fleet, &file).run();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(4500), "took {took:?}: {out:?}");
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
