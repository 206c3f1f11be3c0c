//! Messages about the file that lead the right way: no impossible suggestion, no silently
//! empty entry, aliases read from their anchor, and secret errors shown where the file asks
//! for them (or, for a saved plan, where the environment is).

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

#[test]
fn a_relative_uri_gets_no_suggestion_without_a_host() {
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: /hooks/docspace\n")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stderr.contains("https:///"), "{out:?}");
    assert!(out.stderr.contains("a path alone has no host"), "{out:?}");
    assert!(
        out.stderr
            .contains("`https://hooks.example.com/hooks/docspace`"),
        "{out:?}"
    );
    // A uri that only lacks its scheme still gets the suggestion.
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: billing.example.com/hooks\n")
        .run();
    assert!(
        out.stderr
            .contains("did you mean `https://billing.example.com/hooks`?"),
        "{out:?}"
    );
}

#[test]
fn an_entry_with_nothing_under_it_is_an_error() {
    // As a file cut short after `8:` reads.
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: https://a.example.com\n  8:\n")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("the entry `8` is empty (null): it has no settings"),
        "{out:?}"
    );
    assert!(out.stderr.contains("webhooks.yaml:4:3"), "{out:?}");
    assert!(out.stderr.contains("write `8: {}`"), "{out:?}");
    let out = Run::new(&["validate"]).file("webhooks:\n  A: {}\n").run();
    assert_eq!(out.code, 0, "an explicit empty mapping is fine: {out:?}");
}

#[test]
fn aliases_in_field_values_are_read_from_their_anchor() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("A", "https://a.example.com/h"));
    portal.seed(Seed::new("B", "https://b.example.com/h"));
    let file = "\
webhooks:
  A:
    targetId: &room room-42
    triggers: &events [file.uploaded]
  B:
    targetId: *room
    triggers: *events
    ssl: *room
";
    let out = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_eq!(out.code, 1, "{out:?}");
    // An error in an aliased value points at the alias, where it is used.
    assert!(out.stderr.contains("webhooks.yaml:8:10"), "{out:?}");
    let out = Run::new(&["plan"])
        .file(file.trim_end_matches("    ssl: *room\n"))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout
            .matches("targetId  = (none) -> \"room-42\"")
            .count(),
        2,
        "{out:?}"
    );
    assert_eq!(out.stdout.matches("+ file.uploaded").count(), 2, "{out:?}");
}

const SECRET_FILE: &str = "\
webhooks:
  Audit:
    uri: https://audit.example.com/h
  Billing sync:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
";

#[test]
fn a_missing_secret_at_apply_points_at_its_secret_key_in_the_file() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    let out = Run::new(&["apply", "--auto-approve"])
        .file(SECRET_FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains(
            "environment variable BILLING_SECRET is not set (secretKey of 'Billing sync')"
        ),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("webhooks.yaml:6:16"),
        "snippet: {out:?}"
    );
    assert!(
        out.stderr.contains("BILLING_SECRET is read here"),
        "{out:?}"
    );
    assert!(out.stderr.contains("or change `secretKey` here"), "{out:?}");
    assert!(portal.writes().is_empty());

    // A value the policy refuses: located too, and never shown.
    let out = Run::new(&["apply", "--auto-approve"])
        .file(SECRET_FILE)
        .portal(&portal)
        .env("BILLING_SECRET", "short")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("webhooks.yaml:6:16"), "{out:?}");
    assert!(
        !out.stderr.contains("short\n") && !out.stderr.contains("\"short\""),
        "{out:?}"
    );
    assert!(portal.writes().is_empty());
}

#[test]
fn a_missing_secret_of_a_saved_plan_speaks_of_the_environment() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    let plan = Run::new(&["plan", "--out", "plan.json"])
        .file(SECRET_FILE)
        .portal(&portal);
    assert_eq!(plan.run().code, 0);
    let out = Run::new(&["apply", plan.path("plan.json").to_str().unwrap()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("BILLING_SECRET is not set"), "{out:?}");
    assert!(
        out.stderr
            .contains("set BILLING_SECRET in the environment that runs `apply`"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("secretKey` here"), "{out:?}");
    assert!(!out.stderr.contains("in the file"), "{out:?}");
    assert!(portal.writes().is_empty());
}
