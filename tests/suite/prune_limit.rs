//! The deletion limit in the reviewed file: `prune: { maxDeletes: N }`.

use crate::support::fake_portal::{FakePortal, Seed};
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

/// Keeps the first `kept` of the seeded webhooks, with `prune:` as given.
fn file(prune: &str, kept: usize) -> String {
    let mut file = format!("{prune}webhooks:\n");
    for i in 1..=kept {
        file.push_str(&format!("  Hook {i}: {{}}\n"));
    }
    if kept == 0 {
        file = format!("{prune}webhooks: {{}}\n");
    }
    file
}

#[test]
fn the_files_limit_lets_through_what_the_default_refuses_and_the_flag_wins() {
    let portal = seeded(10);
    // 4 deletes of 10: over the default limit of 3.
    let default = Run::new(&["plan", "--prune"])
        .file(&file("", 6))
        .portal(&portal)
        .run();
    assert_eq!(default.code, 1, "{default:?}");
    assert!(
        default
            .stderr
            .contains("set `prune: { maxDeletes: 4 }` in the file"),
        "{default:?}"
    );

    let raised = file("prune:\n  maxDeletes: 4\n", 6);
    let out = Run::new(&["apply", "--prune", "--auto-approve"])
        .file(&raised)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.webhooks().len(), 6);

    // The flag wins, in both directions.
    let portal = seeded(10);
    let out = Run::new(&["plan", "--prune", "--max-deletes", "3"])
        .file(&raised)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("the limit is 3 (--max-deletes)"),
        "{out:?}"
    );
    let low = file("prune: { maxDeletes: 1 }\n", 6);
    let out = Run::new(&["plan", "--prune", "--max-deletes", "4"])
        .file(&low)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");

    // A file limit too low names itself and says how to raise it.
    let out = Run::new(&["plan", "--prune"])
        .file(&low)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("the limit is 1 (prune.maxDeletes in the file)"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("raise it to `prune: { maxDeletes: 4 }`"),
        "{out:?}"
    );
    assert!(portal.writes().is_empty());
}

#[test]
fn the_files_limit_is_explicit_enough_to_empty_the_portal() {
    let portal = seeded(2);
    let out = Run::new(&["plan", "--prune"])
        .file(&file("", 0))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("every live webhook (2 of 2)"),
        "{out:?}"
    );

    let out = Run::new(&["apply", "--prune", "--auto-approve"])
        .file(&file("prune: { maxDeletes: 2 }\n", 0))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(portal.webhooks().is_empty());
}

#[test]
fn a_saved_plan_records_the_files_limit_and_apply_checks_it_again() {
    let portal = seeded(10);
    let plan = Run::new(&["plan", "--prune", "--out", "plan.json"])
        .file(&file("prune: { maxDeletes: 5 }\n", 6))
        .portal(&portal);
    assert_eq!(plan.run().code, 0);
    let text = std::fs::read_to_string(plan.path("plan.json")).unwrap();
    assert!(text.contains("\"max_deletes\": 5"), "{text}");

    // Lowered by hand below the deletes: refused with the saved plan's limit named.
    let forged = plan.path("forged.json");
    std::fs::write(
        &forged,
        text.replace("\"max_deletes\": 5", "\"max_deletes\": 2"),
    )
    .unwrap();
    let out = Run::new(&["apply", forged.to_str().unwrap()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("the limit is 2 (the saved plan's limit)"),
        "{out:?}"
    );
    assert!(portal.writes().is_empty());

    let out = Run::new(&["apply", plan.path("plan.json").to_str().unwrap()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.webhooks().len(), 6);
}

#[test]
fn a_bad_prune_setting_is_reported_with_the_usual_suggestion() {
    let out = Run::new(&["validate"])
        .file("prune:\n  maxDelete: 5\n  other: -1\nwebhooks: {}\n")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("unknown field `maxDelete` under `prune`"),
        "{out:?}"
    );
    assert!(out.stderr.contains("did you mean `maxDeletes`?"), "{out:?}");
    assert!(out.stderr.contains("webhooks.yaml:3"), "{out:?}");
    for (bad, says) in [
        ("prune: { maxDeletes: -1 }", "must be 0 or more, found -1"),
        (
            "prune: { maxDeletes: \"5\" }",
            "must be a whole number, found a string",
        ),
        (
            "prune: { maxDeletes: 2.5 }",
            "must be a whole number, found a number",
        ),
        ("prune: 5", "`prune` must be a mapping, found an integer"),
    ] {
        let out = Run::new(&["validate"])
            .file(&format!("{bad}\nwebhooks: {{}}\n"))
            .run();
        assert_eq!(out.code, 1, "{bad}: {out:?}");
        assert!(out.stderr.contains(says), "{bad}: {out:?}");
    }
    let out = Run::new(&["validate"])
        .file("prune: {}\nwebhooks: {}\n")
        .run();
    assert_eq!(out.code, 0, "no limit set: {out:?}");
}
