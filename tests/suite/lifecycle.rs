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
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      - delete #7 "Hook 7"
          name      = "Hook 7"
          uri       = "https://h7.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #8 "Hook 8"
          name      = "Hook 8"
          uri       = "https://h8.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #9 "Hook 9"
          name      = "Hook 9"
          uri       = "https://h9.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #10 "Hook 10"
          name      = "Hook 10"
          uri       = "https://h10.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 4 to delete, 6 unchanged.
    ----- stderr -----
      x refusing a plan that deletes 4 of 10 live webhooks: the limit is 3; nothing was written
      help: if the file is really meant to drop them, set `prune: { maxDeletes: 4 }` in the file, where reviewers see it, or rerun with --max-deletes 4; if not, check the file is complete

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());

    let plan = Run::new(&["plan", "--prune"])
        .file(&keep(&[1]))
        .portal(&portal)
        .run();
    assert_eq!(plan.code, 1, "plan shows, then refuses: {plan:?}");
    insta::assert_snapshot!(plan.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

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

      - delete #4 "Hook 4"
          name      = "Hook 4"
          uri       = "https://h4.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #5 "Hook 5"
          name      = "Hook 5"
          uri       = "https://h5.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #6 "Hook 6"
          name      = "Hook 6"
          uri       = "https://h6.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #7 "Hook 7"
          name      = "Hook 7"
          uri       = "https://h7.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #8 "Hook 8"
          name      = "Hook 8"
          uri       = "https://h8.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #9 "Hook 9"
          name      = "Hook 9"
          uri       = "https://h9.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #10 "Hook 10"
          name      = "Hook 10"
          uri       = "https://h10.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 9 to delete, 1 unchanged.
    ----- stderr -----
      x refusing a plan that deletes 9 of 10 live webhooks: the limit is 3; nothing was written
      help: if the file is really meant to drop them, set `prune: { maxDeletes: 9 }` in the file, where reviewers see it, or rerun with --max-deletes 9; if not, check the file is complete

    ----- end -----
    "#);

    let out = Run::new(&["apply", "--auto-approve", "--prune", "--max-deletes", "4"])
        .file(&keep(&[1, 2, 3, 4, 5, 6]))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.webhooks().len(), 6);
}

/// Only the portal's own 404 ("The record could not be found" in its envelope, with
/// `statusCode: 404`) says the webhook is gone: a proxy's page, an empty 404 or JSON of another
/// shape, an imitation of the envelope included, is an answer not read, so the delete may
/// or may not have happened, and the run says so and fails.
#[test]
fn a_delete_answered_404_by_something_else_is_not_counted_as_done() {
    let mut views = String::new();
    for body in [
        FaultBody::Html("<html><body><h1>404 Not Found</h1>nginx</body></html>".into()),
        FaultBody::Empty,
        FaultBody::Json(serde_json::json!({"weird": 1})),
        // The portal's envelope imitated, without its statusCode or with another message.
        FaultBody::Json(serde_json::json!({
            "status": 1, "error": {"message": "The record could not be found"}
        })),
        FaultBody::Json(serde_json::json!({
            "error": {"message": "Not Found"}, "status": 1, "statusCode": 404
        })),
    ] {
        let portal = seeded(2);
        portal.inject(Fault {
            method: Some("DELETE"),
            path: "/api/2.0/settings/webhook/2".into(),
            times: 1,
            kind: FaultKind::Status { status: 404, body },
        });
        let out = Run::new(&["apply", "--auto-approve", "--prune"])
            .file(&keep(&[1]))
            .portal(&portal)
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        assert_eq!(portal.webhooks().len(), 2, "nothing was deleted");
        let view = out.user_view();
        let report = view.lines().filter(|l| l.contains("[1/1]"));
        views += &format!("{}\n", report.collect::<Vec<_>>().join("\n"));
    }
    insta::assert_snapshot!(views);
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
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      - delete #2 "Hook 2"
          its delivery log is empty
          name      = "Hook 2"
          uri       = "https://h2.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 1 to delete, 1 unchanged.

      [1/1] [TIME] ok deleted #2 "Hook 2"

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
    ----- end -----
    "#);
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
    // Uris the portal took that no file can write: left out, so they stay unmanaged.
    portal.seed(Seed::new("Dollar", "https://f.example.com/${HOME}"));
    portal.seed(Seed::new("Spaced", "https://g.example.com/h "));
    // As another client's create with `ssl: false` may leave it (docs/docspace-api.md §9).
    portal.seed(Seed::new("Plain http", "http://h.example.com/h"));

    let export = Run::new(&["export"]).portal(&portal).run();
    assert_eq!(export.code, 0, "{export:?}");
    insta::assert_snapshot!(export.user_view(), @r#"
    exit: 0
    ----- stdout -----
    # Exported from [PORTAL] by docspace-webhooks.
    # secretKey is write-only: the portal never returns it, so none is exported. To manage a
    # webhook's secret, add `secretKey: ${SOME_VAR}` to its entry and run
    # `docspace-webhooks apply --rotate-secrets` with SOME_VAR set.
    portal: "[PORTAL]"
    webhooks:
      "Plain": # id 1
        uri: "https://a.example.com/h"
        enabled: true
        ssl: true
        triggers: ["*"]
      2:
        name: "123"
        uri: "https://b.example.com/h"
        enabled: true
        ssl: true
        triggers: ["file.uploaded", "room.created"]
        targetId: "room-7"
      3:
        name: "Twin"
        uri: "https://c.example.com/h"
        enabled: false
        ssl: false
        triggers: ["*"]
      4:
        name: "Twin"
        uri: "http://d.example.com/h"
        enabled: true
        ssl: false
        triggers: ["*"]
      "yes: \"quoted\" # not a comment": # id 5
        uri: "https://e.example.com/h"
        enabled: true
        ssl: true
        triggers: ["*"]
      "Dollar": # id 6
        # uri left out: a file reads `${` in a uri as a variable; the portal keeps its own
        enabled: true
        ssl: true
        triggers: ["*"]
      "Spaced": # id 7
        # uri left out: the portal's uri is not one a file may write; the portal keeps its own
        enabled: true
        ssl: true
        triggers: ["*"]
      "Plain http": # id 8
        uri: "http://h.example.com/h"
        enabled: true
        # ssl left out: a file cannot hold `ssl: true` with the portal's plain http uri; the portal keeps its own
        triggers: ["*"]
    ----- stderr -----
    ----- end -----
    "#);

    let plan = Run::new(&["plan", "--prune", "--detailed-exitcode"])
        .file(&export.stdout)
        .portal(&portal)
        .run();
    assert_eq!(plan.code, 0, "{plan:?}\n--- export:\n{}", export.stdout);
    insta::assert_snapshot!(plan.user_view(), @"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

    No changes. The portal matches the file.
    Plan: 0 to create, 0 to update, 0 to delete, 8 unchanged.
    ----- stderr -----
    ----- end -----
    ");
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
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Hook 1"
          secretKey = (sensitive)

    Apply will read: S

    Plan: 0 to create, 1 to update, 0 to delete, 1 unchanged.

      [1/1] [TIME] ok updated #1 "Hook 1"

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
    ----- end -----
    "#);
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
    let mut views = String::new();
    for format in ["text", "json", "markdown"] {
        let out = Run::new(&["plan", "--format", format])
            .file(file)
            .portal(&portal)
            .run();
        assert_eq!(out.code, 0, "{out:?}");
        views += &format!("$ plan --format {format}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views, @r#"
    $ plan --format text
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Flaky"
          ! probably disabled by the portal after failed deliveries; last failure 2026-11-20T10:00:00+00:00 — "502 Bad Gateway from upstream"
          ! enabling it sends events to that target again: check that it answers first
          enabled   = false -> true

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
    ----- end -----

    $ plan --format json
    exit: 0
    ----- stdout -----
    {
      "format_version": 1,
      "portal": "[PORTAL]",
      "summary": {
        "create": 0,
        "update": 1,
        "delete": 0,
        "unchanged": 0
      },
      "changes": [
        {
          "action": "update",
          "id": 1,
          "name": "Flaky",
          "fields": [
            {
              "field": "enabled",
              "before": false,
              "after": true
            }
          ],
          "warnings": [],
          "failure": {
            "on": "2026-11-20T10:00:00+00:00",
            "excerpt": "502 Bad Gateway from upstream"
          }
        }
      ],
      "unmanaged": [],
      "left_out": 0,
      "secrets_needed": [],
      "secrets_not_sent": []
    }
    ----- stderr -----
    ----- end -----

    $ plan --format markdown
    exit: 0
    ----- stdout -----
    **Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.** Portal: `[PORTAL]`

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 0 | 1 | 0 | 0 | 0 |

    #### ~ update `#1 "Flaky"`

    > **Warning:** probably disabled by the portal after failed deliveries; last failure `2026-11-20T10:00:00+00:00` — `"502 Bad Gateway from upstream"`. Enabling it sends events to that target again: check that it answers first.

    ```diff
    - enabled: false
    + enabled: true
    ```
    ----- stderr -----
    ----- end -----
    "#);
}
