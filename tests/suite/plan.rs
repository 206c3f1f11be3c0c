use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

/// A portal with one webhook the file leaves alone, one it changes and one it does not mention.
fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    portal.seed(
        Seed::new("Crm", "https://crm.example.com/h")
            .triggers(128 | 1024)
            .target("room-1"),
    );
    portal.seed(Seed::new("Legacy", "https://legacy.example.com/h"));
    portal
}

const FILE: &str = "\
webhooks:
  Audit:
    uri: https://audit.example.com/h
  Crm:
    ssl: false
    triggers: [file.created, file.uploaded]
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
";

#[test]
fn plan_sends_one_get_and_writes_nothing() {
    let portal = portal();
    let before = portal.webhooks();
    let out = Run::new(&["plan"]).file(FILE).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    let requests = portal.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/api/2.0/settings/webhook");
    assert_eq!(portal.webhooks(), before);
}

#[test]
fn plan_shows_each_change_field_by_field() {
    let portal = portal();
    let out = Run::new(&["plan"]).file(FILE).portal(&portal).run();
    let text = &out.stdout;
    assert!(text.contains("+ create \"Billing\""), "{text}");
    assert!(text.contains("secretKey = (sensitive)"), "{text}");
    assert!(text.contains("~ update #2 \"Crm\""), "{text}");
    assert!(text.contains("ssl       = true -> false"), "{text}");
    assert!(text.contains("+ file.uploaded"), "{text}");
    assert!(text.contains("- file.trashed"), "{text}");
    assert!(!text.contains("targetId"), "unmanaged field shown: {text}");
    assert!(text.contains("#3 \"Legacy\""), "unmanaged listed: {text}");
    assert!(
        text.contains("Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged."),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "piped output is plain: {text:?}");
}

#[test]
fn detailed_exitcode_is_2_with_changes_and_0_without() {
    let portal = portal();
    let changed = Run::new(&["plan", "--detailed-exitcode"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(changed.code, 2, "{changed:?}");
    let clean = Run::new(&["plan", "--detailed-exitcode"])
        .file("webhooks:\n  Audit:\n    enabled: true\n")
        .portal(&portal)
        .run();
    assert_eq!(clean.code, 0, "{clean:?}");
    assert!(clean.stdout.contains("No changes."), "{clean:?}");
}

#[test]
fn color_is_forced_with_color_always() {
    let portal = portal();
    let out = Run::new(&["plan", "--color", "always"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert!(out.stdout.contains('\u{1b}'), "{out:?}");
    let out = Run::new(&["plan"])
        .file(FILE)
        .portal(&portal)
        .env("CLICOLOR_FORCE", "1")
        .run();
    assert!(out.stdout.contains('\u{1b}'), "CLICOLOR_FORCE: {out:?}");
}

#[test]
fn an_ambiguous_name_is_an_error_at_the_entry_listing_the_ids() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Twin", "https://a.example.com/h"));
    portal.seed(Seed::new("Twin", "https://b.example.com/h"));
    let out = Run::new(&["plan"])
        .file("webhooks:\n  Twin:\n    enabled: false\n")
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("ids 1, 2"), "{out:?}");
    assert!(out.stderr.contains("webhooks.yaml:2"), "{out:?}");
}
