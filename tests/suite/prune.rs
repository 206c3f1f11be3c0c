//! The live list and deleting, at their edges: a list that repeats a webhook, a plan that
//! would empty the portal, and a create the portal refuses as a duplicate (after an attempt of
//! ours that landed late, or of a webhook its list does not show).

use std::time::Duration;

use crate::support::fake_portal::{
    ENABLE_PATH, FakePortal, Fault, FaultKind, Options, Seed, WEBHOOK_PATH,
};
use crate::support::run::Run;

const SECRET: &str = "prune-Secret-12";

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

fn writes(portal: &FakePortal) -> Vec<String> {
    portal
        .writes()
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect()
}

#[test]
fn a_live_list_that_repeats_an_id_is_refused_by_every_command() {
    let portal = seeded(2);
    // Keyed by id: today's planner took one copy of #2 as managed and the other as unmanaged,
    // and --prune deleted the webhook the file manages.
    let file = "webhooks:\n  1: {}\n  2:\n    enabled: false\n";
    let saved = Run::new(&["plan", "--prune", "--out", "plan.json"])
        .file(file)
        .portal(&portal);
    assert_eq!(saved.run().code, 0);
    portal.repeat_in_list(2);

    let runs = [
        Run::new(&["plan", "--prune"]),
        Run::new(&["apply", "--auto-approve", "--prune"]),
        Run::new(&["export"]),
    ];
    for run in runs {
        let out = run.file(file).portal(&portal).run();
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            out.stderr.contains("the portal listed webhook #2 2 times"),
            "{out:?}"
        );
        assert!(
            out.stdout.is_empty(),
            "nothing planned or exported: {out:?}"
        );
    }
    let out = Run::new(&["apply", saved.path("plan.json").to_str().unwrap()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("listed webhook #2 2 times"), "{out:?}");
    assert!(portal.writes().is_empty());
    assert_eq!(portal.webhooks().len(), 2);
}

#[test]
fn a_plan_that_deletes_every_live_webhook_needs_an_explicit_max_deletes() {
    let portal = seeded(3);
    let empty = "webhooks: {}\n";
    let out = Run::new(&["apply", "--auto-approve", "--prune"])
        .file(empty)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains(
            "refusing a plan that deletes every live webhook (3 of 3) without an explicit limit (--max-deletes, or prune.maxDeletes in the file)"
        ),
        "{out:?}"
    );
    assert!(out.stderr.contains("--max-deletes 3"), "{out:?}");

    let plan = Run::new(&["plan", "--prune", "--out", "plan.json"])
        .file(empty)
        .portal(&portal);
    let out = plan.run();
    assert_eq!(out.code, 1, "shown, then refused: {out:?}");
    assert!(out.stdout.contains("3 to delete"), "{out:?}");
    assert!(!plan.path("plan.json").exists(), "not saved");

    let out = Run::new(&["apply", "--auto-approve", "--prune", "--max-deletes", "2"])
        .file(empty)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("deletes 3 of 3"), "{out:?}");
    assert!(portal.writes().is_empty());

    // Explicit, and saved: `apply FILE` checks the guard again with what the plan recorded.
    let plan = Run::new(&[
        "plan",
        "--prune",
        "--max-deletes",
        "3",
        "--out",
        "plan.json",
    ])
    .file(empty)
    .portal(&portal);
    assert_eq!(plan.run().code, 0);
    let path = plan.path("plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let forged = plan.path("forged.json");
    std::fs::write(
        &forged,
        text.replace("\"max_deletes\": 3", "\"max_deletes\": null"),
    )
    .unwrap();
    let out = Run::new(&["apply", forged.to_str().unwrap()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("every live webhook"), "{out:?}");
    assert!(portal.writes().is_empty());

    let out = Run::new(&["apply", path.to_str().unwrap()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(portal.webhooks().is_empty());
}

#[test]
fn a_create_refused_after_an_attempt_that_landed_late_is_reported_created() {
    // The first POST's gateway gives up while the portal is still probing the target; the
    // list read before posting again does not show it yet; the repeat arrives after it landed
    // and is refused as a duplicate (docs/docspace-api.md §15).
    let portal = FakePortal::start_with(Options {
        create_quirk: true,
        ..Options::default()
    });
    portal.inject(Fault::new(
        "POST",
        WEBHOOK_PATH,
        FaultKind::LandsLate {
            status: 504,
            after: Duration::from_millis(500),
        },
    ));
    // Handled well after the first one landed.
    portal.inject(Fault::new(
        "POST",
        WEBHOOK_PATH,
        FaultKind::Delay(Duration::from_millis(1500)),
    ));
    let out = Run::new(&["apply", "--auto-approve"])
        .file(
            "webhooks:\n  New:\n    uri: https://new.example.com/h\n    secretKey: ${S}\n    \
             enabled: false\n",
        )
        .env("S", SECRET)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("ok created #1 \"New\" (enabled/ssl set by a follow-up call"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("webhook \"New\" was created (#1) by an earlier attempt that landed late"),
        "{out:?}"
    );
    assert_eq!(
        writes(&portal),
        [
            format!("POST {WEBHOOK_PATH} 504"),
            format!("POST {WEBHOOK_PATH} 400"),
            format!("PUT {ENABLE_PATH} 200"),
        ]
    );
    let stored = portal.webhooks();
    assert_eq!(stored.len(), 1, "one webhook");
    assert!(!stored[0].enabled, "the follow-up disabled it");
    assert_eq!(stored[0].secret_key, SECRET);
}

#[test]
fn a_create_refused_as_the_duplicate_of_a_webhook_the_list_hides_stops_further_creates() {
    // As with a key that is not an admin's: the list leaves #1 out, the create check sees it.
    let portal = FakePortal::start();
    let hidden = portal.seed(Seed::new("Hidden", "https://hidden.example.com/h"));
    portal.hide_from_list(hidden, true);
    portal.seed(Seed::new("Hook", "https://hook.example.com/old"));
    let file = "webhooks:\n  Hidden:\n    uri: https://hidden.example.com/h\n    secretKey: ${S}\n  \
                Another:\n    uri: https://another.example.com/h\n    secretKey: ${S}\n  \
                Hook:\n    uri: https://hook.example.com/new\n";
    let out = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .file(file)
        .env("S", SECRET)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains(
            "failed \"Hidden\" was not created: the portal's list is incomplete: it refused the \
             create because a webhook with this name and uri exists, which its list does not \
             show; no further creates are started"
        ),
        "{out:?}"
    );
    assert!(
        out.stdout.contains(
            "failed \"Another\" was not created: not attempted: the portal's list is incomplete"
        ),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("ok updated #2 \"Hook\""),
        "other writes go on: {out:?}"
    );
    assert!(
        out.stdout.contains("Apply complete: 1 done, 2 failed."),
        "{out:?}"
    );
    assert_eq!(
        writes(&portal),
        [
            format!("POST {WEBHOOK_PATH} 400"),
            format!("PUT {WEBHOOK_PATH} 200"),
        ]
    );
    let names: Vec<String> = portal.webhooks().into_iter().map(|w| w.name).collect();
    assert_eq!(names, ["Hidden", "Hook"]);
}

#[test]
fn a_create_refused_as_the_duplicate_of_a_listed_webhook_names_it_and_creates_go_on() {
    // On MySQL the portal compares (name, uri) without case; the fake compares exactly, so a
    // webhook that appears between the plan and the create stands in for that case.
    let portal = FakePortal::start();
    let file = "webhooks:\n  Racy:\n    uri: https://racy.example.com/h\n    secretKey: ${S}\n  \
                Later:\n    uri: https://later.example.com/h\n    secretKey: ${S}\n";
    portal.inject(Fault::new(
        "POST",
        WEBHOOK_PATH,
        FaultKind::Delay(Duration::from_millis(1000)),
    ));
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .file(file)
        .env("S", SECRET)
        .portal(&portal);
    let process = run.spawn();
    crate::support::spawn::wait_until("the first POST", || !portal.writes().is_empty());
    portal.seed(Seed::new("Racy", "https://racy.example.com/h"));
    let out = process.finish();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains(
            "failed \"Racy\" was not created: webhook #1 \"Racy\" already has this name and uri"
        ),
        "{out:?}"
    );
    assert!(out.stdout.contains("ok created #2 \"Later\""), "{out:?}");
}
