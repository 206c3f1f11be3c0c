//! The whole lifecycle: prune (guarded), export and adopt, rotate secrets, and why it drifted.

use crate::support::fake_portal::{FakePortal, Fault, FaultBody, FaultKind, Seed};
use crate::support::run::Run;

fn seeded(n: usize) -> FakePortal {
    let portal = FakePortal::start();
    for i in 1..=n {
        portal.seed(Seed::new(
            &format!("Hook {i}"),
            &format!("https://h{i}.example.com/h"),
        ));
    }
    portal
}

fn keep(names: &[usize]) -> String {
    let mut file = String::from("webhooks:\n");
    for i in names {
        file.push_str(&format!("  Hook {i}: {{}}\n"));
    }
    file
}

#[test]
fn without_prune_nothing_is_deleted_with_prune_the_rest_is() {
    let portal = seeded(4);
    let out = Run::new(&["apply", "--auto-approve"])
        .file(&keep(&[1, 2]))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(portal.writes().is_empty());

    let out = Run::new(&["apply", "--auto-approve", "--prune"])
        .file(&keep(&[1, 2]))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("- delete #3 \"Hook 3\""), "{out:?}");
    let names: Vec<String> = portal.webhooks().into_iter().map(|w| w.name).collect();
    assert_eq!(names, ["Hook 1", "Hook 2"]);
}

#[test]
fn the_guard_refuses_a_mass_delete_with_nothing_written() {
    let portal = seeded(10);
    let out = Run::new(&["apply", "--auto-approve", "--prune"])
        .file(&keep(&[1, 2, 3, 4, 5, 6]))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("deletes 4 of 10"), "{out:?}");
    assert!(out.stderr.contains("--max-deletes"), "{out:?}");
    assert!(portal.writes().is_empty());

    let plan = Run::new(&["plan", "--prune"])
        .file(&keep(&[1]))
        .portal(&portal)
        .run();
    assert_eq!(plan.code, 1, "plan shows, then refuses: {plan:?}");
    assert!(plan.stdout.contains("9 to delete"), "{plan:?}");

    let out = Run::new(&["apply", "--auto-approve", "--prune", "--max-deletes", "4"])
        .file(&keep(&[1, 2, 3, 4, 5, 6]))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.webhooks().len(), 6);
}

#[test]
fn a_delete_answered_404_counts_as_done() {
    let portal = seeded(2);
    portal.inject(Fault {
        method: Some("DELETE"),
        path: "/api/2.0/settings/webhook/2".into(),
        times: 1,
        kind: FaultKind::Status {
            status: 404,
            body: FaultBody::Json(serde_json::json!({
                "error": {"message": "The record could not be found"}, "status": 1, "statusCode": 404
            })),
        },
    });
    let out = Run::new(&["apply", "--auto-approve", "--prune"])
        .file(&keep(&[1]))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "already gone is converged: {out:?}");
    assert!(out.stdout.contains("1 done, 0 failed"), "{out:?}");
}

#[test]
fn a_create_reusing_the_pair_of_a_webhook_being_deleted_waits_for_the_delete() {
    // DocSpace on MySQL compares (name, uri) without case on create, so "hook" must be gone
    // before "Hook" with the same uri can be created.
    let portal = FakePortal::start();
    portal.seed(Seed::new("hook", "https://h.example.com/h"));
    portal.inject(Fault {
        method: Some("DELETE"),
        path: "/api/2.0/settings/webhook/1".into(),
        times: 1,
        kind: FaultKind::Delay(std::time::Duration::from_millis(300)),
    });
    // It deletes every live webhook (one of one), which needs an explicit --max-deletes.
    let out = Run::new(&[
        "apply",
        "--auto-approve",
        "--prune",
        "--max-deletes",
        "1",
        "--parallelism",
        "8",
    ])
    .file("webhooks:\n  Hook:\n    uri: https://h.example.com/h\n    secretKey: ${S}\n")
    .env("S", "pair-Secret-1")
    .portal(&portal)
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    let delete_done = out.stdout.find("deleted #1").expect("delete reported");
    let create_done = out.stdout.find("created #2").expect("create reported");
    assert!(
        delete_done < create_done,
        "the 300 ms delete finished first: {out:?}"
    );
}

#[test]
fn export_round_trips_to_a_clean_prune_plan() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Plain", "https://a.example.com/h"));
    portal.seed(
        Seed::new("123", "https://b.example.com/h")
            .triggers(256 | 4194304)
            .target("room-7"),
    );
    portal.seed(
        Seed::new("Twin", "https://c.example.com/h")
            .enabled(false)
            .ssl(false),
    );
    portal.seed(Seed::new("Twin", "http://d.example.com/h").ssl(false));
    portal.seed(Seed::new(
        "yes: \"quoted\" # not a comment",
        "https://e.example.com/h",
    ));

    let export = Run::new(&["export"]).portal(&portal).run();
    assert_eq!(export.code, 0, "{export:?}");
    assert!(export.stdout.contains("write-only"), "{export:?}");

    let plan = Run::new(&["plan", "--prune", "--detailed-exitcode"])
        .file(&export.stdout)
        .portal(&portal)
        .run();
    assert_eq!(plan.code, 0, "{plan:?}\n--- export:\n{}", export.stdout);
    assert!(plan.stdout.contains("0 to delete, 5 unchanged"), "{plan:?}");
}

#[test]
fn rotate_secrets_sends_the_secret_even_when_nothing_else_drifted() {
    let portal = seeded(2);
    let file = "webhooks:\n  Hook 1:\n    secretKey: ${S}\n  Hook 2: {}\n";
    let plain = Run::new(&["plan", "--detailed-exitcode"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(plain.code, 0, "a secret alone is no change: {plain:?}");

    let out = Run::new(&["apply", "--auto-approve", "--rotate-secrets"])
        .file(file)
        .env("S", "Rotated-Secret-2")
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("secretKey = (sensitive)"), "{out:?}");
    assert!(!out.stdout.contains("Rotated-Secret-2"));
    assert_eq!(portal.writes().len(), 1);
    assert_eq!(portal.get(1).unwrap().secret_key, "Rotated-Secret-2");
}

#[test]
fn a_webhook_the_portal_disabled_after_failures_says_so_in_the_plan() {
    let portal = FakePortal::start();
    portal.seed(
        Seed::new("Flaky", "https://f.example.com/h")
            .enabled(false)
            .failure("2026-11-20T10:00:00+00:00", "502 Bad Gateway from upstream"),
    );
    let file = "webhooks:\n  Flaky:\n    enabled: true\n";
    for format in ["text", "json", "markdown"] {
        let out = Run::new(&["plan", "--format", format])
            .file(file)
            .portal(&portal)
            .run();
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            out.stdout.contains("2026-11-20T10:00:00"),
            "{format}: {out:?}"
        );
        assert!(out.stdout.contains("502 Bad Gateway"), "{format}: {out:?}");
    }
}
