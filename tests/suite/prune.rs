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
        // Nothing planned or exported, and the same words from every command.
        insta::allow_duplicates! {
            insta::assert_snapshot!(out.user_view(), @"
            exit: 1
            ----- stdout -----
            ----- stderr -----
              x GET /api/2.0/settings/webhook: the portal listed webhook #2 2 times; a list that repeats a webhook cannot be trusted, so none of it is used
              help: the portal (or a proxy or cache in front of it) sent an inconsistent list; run again, and if it persists, report it to the portal's administrator

            ----- end -----
            ");
        }
    }
    let out = Run::new(&["apply", saved.path("plan.json").to_str().unwrap()])
        .reviewed(&saved.path("plan.json"))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x GET /api/2.0/settings/webhook: the portal listed webhook #2 2 times; a list that repeats a webhook cannot be trusted, so none of it is used
      help: the portal (or a proxy or cache in front of it) sent an inconsistent list; run again, and if it persists, report it to the portal's administrator

    ----- end -----
    ");
    assert!(portal.writes().is_empty());
    assert_eq!(portal.webhooks().len(), 2);
}

#[test]
fn a_list_whose_total_says_it_is_partial_is_refused_by_every_command() {
    let portal = seeded(3);
    // Hook 3 exists but is past the rows sent: a plan from them created it a second time.
    let file = "webhooks:\n  Hook 3:\n    uri: https://h3.example.com/moved\n    secretKey: \
                ${HOOK_SECRET}\n";
    let saved = Run::new(&["plan", "--out", "plan.json"])
        .file(file)
        .portal(&portal)
        .env("HOOK_SECRET", SECRET);
    assert_eq!(saved.run().code, 0);
    portal.page_list(2);

    let runs = [
        Run::new(&["plan", "--prune"]),
        Run::new(&["apply", "--auto-approve"]),
        Run::new(&["export"]),
        Run::new(&["status"]),
        Run::new(&["apply", saved.path("plan.json").to_str().unwrap()])
            .reviewed(&saved.path("plan.json")),
    ];
    for run in runs {
        let out = run
            .file(file)
            .portal(&portal)
            .env("HOOK_SECRET", SECRET)
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        // Nothing planned, exported or shown, and the same words from every command.
        let view = out.user_view();
        let view = view
            .lines()
            .filter(|l| !l.starts_with("Read the saved plan"));
        insta::allow_duplicates! {
            insta::assert_snapshot!(view.collect::<Vec<_>>().join("\n"), @"
            exit: 1
            ----- stdout -----
            ----- stderr -----
              x GET /api/2.0/settings/webhook: the portal's list holds 2 webhooks but its `total` says 3; nothing is done with a list that may be partial, so none of it is used
              help: the portal (or a proxy or cache in front of it) pages or cuts the list, which the portal itself does not; run again, and if it persists, report it to the portal's administrator

            ----- end -----
            ");
        }
    }
    assert!(portal.writes().is_empty());
    assert_eq!(portal.webhooks().len(), 3);
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
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      - delete #1 "Hook 1"
          name      = "Hook 1"
          uri       = "https://h1.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #2 "Hook 2"
          name      = "Hook 2"
          uri       = "https://h2.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #3 "Hook 3"
          name      = "Hook 3"
          uri       = "https://h3.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 3 to delete, 0 unchanged.
    ----- stderr -----
      x refusing a plan that deletes every live webhook (3 of 3) without an explicit limit (--max-deletes, or prune.maxDeletes in the file); nothing was written
      help: if the file is really meant to drop them, set `prune: { maxDeletes: 3 }` in the file, where reviewers see it, or rerun with --max-deletes 3; if not, check the file is complete

    ----- end -----
    "#);

    let plan = Run::new(&["plan", "--prune", "--out", "plan.json"])
        .file(empty)
        .portal(&portal);
    let out = plan.run();
    assert_eq!(out.code, 1, "shown, then refused: {out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      - delete #1 "Hook 1"
          name      = "Hook 1"
          uri       = "https://h1.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #2 "Hook 2"
          name      = "Hook 2"
          uri       = "https://h2.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #3 "Hook 3"
          name      = "Hook 3"
          uri       = "https://h3.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 3 to delete, 0 unchanged.
    ----- stderr -----
      x refusing a plan that deletes every live webhook (3 of 3) without an explicit limit (--max-deletes, or prune.maxDeletes in the file); nothing was written
      help: if the file is really meant to drop them, set `prune: { maxDeletes: 3 }` in the file, where reviewers see it, or rerun with --max-deletes 3; if not, check the file is complete

    ----- end -----
    "#);
    assert!(!plan.path("plan.json").exists(), "not saved");

    let out = Run::new(&["apply", "--auto-approve", "--prune", "--max-deletes", "2"])
        .file(empty)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      - delete #1 "Hook 1"
          name      = "Hook 1"
          uri       = "https://h1.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #2 "Hook 2"
          name      = "Hook 2"
          uri       = "https://h2.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #3 "Hook 3"
          name      = "Hook 3"
          uri       = "https://h3.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 3 to delete, 0 unchanged.
    ----- stderr -----
      x refusing a plan that deletes 3 of 3 live webhooks: the limit is 2 (--max-deletes); nothing was written
      help: if the file is really meant to drop them, rerun with --max-deletes 3; if not, check the file is complete

    ----- end -----
    "#);
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
        .reviewed(&forged)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/forged.json (SHA-256 [SHA256]).
      x refusing a plan that deletes every live webhook (3 of 3) without an explicit limit (--max-deletes, or prune.maxDeletes in the file); nothing was written
      help: if the file is really meant to drop them, make the plan again with a limit of at least 3; if not, check the file is complete

    ----- end -----
    ");
    assert!(portal.writes().is_empty());

    let out = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
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
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "New"
          name      = "New"
          uri       = "https://new.example.com/h"
          secretKey = (sensitive)
          enabled   = false
          ssl       = true
          triggers  = [*]

    Apply will read: S

    Plan: 1 to create, 0 to update, 0 to delete, 0 unchanged.

      [1/1] [TIME] ok created #1 "New" (enabled/ssl set by a follow-up call: the portal ignores them on create)

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
    retrying POST /api/2.0/settings/webhook in [TIME] (attempt 2 of 5), unless the webhook list shows it was created after all: HTTP 504: 504 Bad Gateway 504 Bad Gateway nginx
    webhook "New" was created (#1) by an earlier attempt that landed late; the portal refused the repeat as a duplicate
    ----- end -----
    "#);
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
    // Other writes go on.
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      + create "Hidden"
          name      = "Hidden"
          uri       = "https://hidden.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      + create "Another"
          name      = "Another"
          uri       = "https://another.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      ~ update #2 "Hook"
          uri       = "https://hook.example.com/old" -> "https://hook.example.com/new"

    Apply will read: S

    Plan: 2 to create, 1 to update, 0 to delete, 0 unchanged.

      [1/3] [TIME] failed "Hidden" was not created: the portal's list is incomplete: it refused the create because a webhook with this name and uri exists, which its list does not show; no further creates are started: POST /api/2.0/settings/webhook failed (HTTP 400): Webhook with the same name and payload URL already exists
      [2/3] [TIME] failed "Another" was not created: not attempted: the portal's list is incomplete (another create was refused as the duplicate of a webhook it does not show), so a create planned from it could duplicate a webhook
      [3/3] [TIME] ok updated #2 "Hook"

    Apply complete: 1 done, 2 failed.
    ----- stderr -----
      x 2 of 3 change(s) failed
      help: the changes reported as done are on the portal; fix the cause and rerun apply, whose plan shows only what is left

    ----- end -----
    "#);
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
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      + create "Racy"
          name      = "Racy"
          uri       = "https://racy.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      + create "Later"
          name      = "Later"
          uri       = "https://later.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: S

    Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged.

      [1/2] [TIME] failed "Racy" was not created: webhook #1 "Racy" already has this name and uri: POST /api/2.0/settings/webhook failed (HTTP 400): Webhook with the same name and payload URL already exists
      [2/2] [TIME] ok created #2 "Later"

    Apply complete: 1 done, 1 failed.
    ----- stderr -----
      x 1 of 2 change(s) failed
      help: the changes reported as done are on the portal; fix the cause and rerun apply, whose plan shows only what is left

    ----- end -----
    "#);
}
