//! `--target KEY`: only those entries are planned and written, the rest are said to be left
//! out, a mistyped key names the closest one, and a saved plan holds only the targeted writes.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

/// Every entry drifts; #3 is keyed by id.
const FILE: &str = "\
webhooks:
  Crm:
    ssl: false
  Billing:
    enabled: false
  3:
    name: Audit v2
";

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    portal.seed(Seed::new("Unmanaged", "https://other.example.com/h"));
    portal
}

#[test]
fn a_targeted_plan_shows_only_those_entries_and_counts_the_rest() {
    let portal = portal();
    let out = Run::new(&["plan", "--target", "Crm", "--target", "3"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("~ update #1 \"Crm\""), "{}", out.stdout);
    assert!(
        out.stdout.contains("~ update #3 \"Audit v2\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Billing"), "left out: {}", out.stdout);
    assert!(
        out.stdout
            .contains("Left out by --target: 1 entry of the file, neither compared nor written."),
        "{}",
        out.stdout
    );
    // The left-out entry still manages its webhook: it is not called unmanaged.
    assert!(out.stdout.contains("#4 \"Unmanaged\""), "{}", out.stdout);
    assert!(!out.stdout.contains("#2 \"Billing\""), "{}", out.stdout);
    assert!(
        out.stdout.contains("Plan: 0 to create, 2 to update"),
        "{}",
        out.stdout
    );

    let json = Run::new(&["plan", "--target", "Crm", "--format", "json"])
        .file(FILE)
        .portal(&portal)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc["left_out"], 2);
    assert_eq!(doc["changes"].as_array().unwrap().len(), 1);
    let md = Run::new(&["plan", "--target", "Crm", "--format", "markdown"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert!(
        md.stdout
            .contains("\nLeft out by --target: 2 entries of the file"),
        "{}",
        md.stdout
    );
    assert!(portal.writes().is_empty(), "plan never writes");
}

#[test]
fn a_targeted_apply_writes_only_those_entries() {
    let portal = portal();
    let out = Run::new(&["apply", "--auto-approve", "--target", "Billing"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let writes = portal.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(!portal.get(2).unwrap().enabled, "Billing was disabled");
    assert!(portal.get(1).unwrap().ssl, "Crm was left alone");
    assert_eq!(portal.get(3).unwrap().name, "Audit", "#3 was left alone");
}

#[test]
fn a_saved_targeted_plan_applies_only_those_changes() {
    let portal = portal();
    let run = Run::new(&["plan", "--target", "Crm", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal);
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = run.path("plan.json");
    let out = Run::new(&["apply", path.to_str().unwrap()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("Left out by --target: 2 entries"),
        "{out:?}"
    );
    let writes = portal.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(!portal.get(1).unwrap().ssl, "Crm was written");
    assert!(portal.get(2).unwrap().enabled && portal.get(3).unwrap().name == "Audit");
}

#[test]
fn an_unknown_key_names_the_closest_one_before_the_portal_is_asked() {
    let portal = portal();
    for args in [
        &["plan", "--target", "Biling"][..],
        &["apply", "--auto-approve", "--target", "Biling"][..],
    ] {
        let out = Run::new(args).file(FILE).portal(&portal).run();
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            out.stderr.contains(
                "--target \"Biling\": no entry of webhooks.yaml has this key (the closest key is \"Billing\")"
            ),
            "{out:?}"
        );
    }
    let out = Run::new(&["plan", "--target", "4"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "an id not keyed in the file: {out:?}");
    assert!(out.stderr.contains("closest key is \"3\""), "{out:?}");
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());
}

#[test]
fn target_with_prune_or_a_saved_plan_is_a_usage_error() {
    let portal = portal();
    for args in [
        &["plan", "--target", "Crm", "--prune"][..],
        &["apply", "--target", "Crm", "--prune", "--auto-approve"][..],
        &["apply", "plan.json", "--target", "Crm"][..],
    ] {
        let out = Run::new(args).file(FILE).portal(&portal).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(
            out.stderr.contains("cannot be used with"),
            "{args:?}: {out:?}"
        );
    }
    assert!(portal.requests().is_empty());
}
