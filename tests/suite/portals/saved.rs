use std::path::Path;

use super::{named, run};
use crate::support::fake_portal::Seed;
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

const SECRET: &str = "fleet-Saved-Secret-1";

/// Each portal: Crm's ssl turned off, Billing created with a secret.
const SHARED: &str = "\
webhooks:
  Crm:
    uri: https://crm.example.com/h
    ssl: false
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
";

fn fleet() -> (Fleet, String) {
    let fleet = Fleet::start(&["alpha", "bravo", "charlie"]);
    for (_, fake) in fleet.up() {
        fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
    }
    let file = format!("{}{SHARED}", fleet.portals_yaml(&[]));
    (fleet, file)
}

/// Plans the fleet into `plan.json`; returns the run (which keeps the file) and its path.
fn saved(fleet: &Fleet, file: &str) -> (Run, std::path::PathBuf) {
    let run = run(&["plan", "--out", "plan.json"], fleet, file);
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = run.path("plan.json");
    (run, path)
}

fn apply_saved(fleet: &Fleet, path: &Path) -> Outcome {
    Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(path)
        .fleet(fleet)
        .env("BILLING_SECRET", SECRET)
        .run()
}

#[test]
fn a_saved_multi_portal_plan_applies_exactly_and_holds_no_key_or_secret() {
    let (fleet, file) = fleet();
    let (_run, path) = saved(&fleet, &file);
    assert_eq!(fleet.write_count(), 0, "plan --out writes nothing");
    let text = std::fs::read_to_string(&path).unwrap();
    for name in fleet.names() {
        assert!(
            !text.contains(fleet.key(name)),
            "{name}'s key in the plan file"
        );
    }
    assert!(!text.contains(SECRET));

    let out = apply_saved(&fleet, &path);
    assert_eq!(out.code, 0, "{out:?}");
    for (name, fake) in fleet.up() {
        assert_eq!(fake.writes().len(), 2, "{name}: {:?}", fake.writes());
        assert!(!named(fake, "Crm").ssl, "{name}");
        assert_eq!(named(fake, "Billing").secret, SECRET, "{name}");
    }
    let again = run(&["plan", "--detailed-exitcode"], &fleet, &file).run();
    assert_eq!(again.code, 0, "{again:?}");
}

#[test]
fn one_stale_portal_refuses_the_saved_plan_with_nothing_written_anywhere() {
    // Stale on the first portal, then on the last: wherever it is, nothing is written.
    for stale in ["alpha", "charlie"] {
        let (fleet, file) = fleet();
        let (_run, path) = saved(&fleet, &file);
        fleet.portal(stale).update_stored(1, |w| w.enabled = false);

        let out = apply_saved(&fleet, &path);
        assert_eq!(out.code, 1, "{stale}: {out:?}");
        assert_eq!(fleet.write_count(), 0, "{stale}: no write on any portal");
        for (name, fake) in fleet.up() {
            assert!(named(fake, "Crm").ssl, "{stale}: {name} untouched");
        }
    }
}

#[test]
fn a_plan_with_a_failed_portal_is_not_saved() {
    let fleet = Fleet::start(&["alpha", "bravo"]).with_down("charlie");
    for (_, fake) in fleet.up() {
        fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
    }
    let file = format!("{}{SHARED}", fleet.portals_yaml(&[]));
    let run = run(&["plan", "--out", "plan.json"], &fleet, &file);
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        !run.path("plan.json").exists(),
        "part of a fleet's plan is not saved as if it were the whole"
    );
}
