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
    insta::assert_snapshot!(default.user_view(), @r#"
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
      x refusing a plan that deletes 4 of 10 live webhooks: the limit is 3 (--max-deletes); nothing was written
      help: if the file is really meant to drop them, rerun with --max-deletes 4; if not, check the file is complete

    ----- end -----
    "#);
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
      x refusing a plan that deletes 4 of 10 live webhooks: the limit is 1 (prune.maxDeletes in the file); nothing was written
      help: if the file is really meant to drop them, raise it to `prune: { maxDeletes: 4 }` in the file, or rerun with --max-deletes 4; if not, check the file is complete

    ----- end -----
    "#);
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

    Plan: 0 to create, 0 to update, 2 to delete, 0 unchanged.
    ----- stderr -----
      x refusing a plan that deletes every live webhook (2 of 2) without an explicit limit (--max-deletes, or prune.maxDeletes in the file); nothing was written
      help: if the file is really meant to drop them, set `prune: { maxDeletes: 2 }` in the file, where reviewers see it, or rerun with --max-deletes 2; if not, check the file is complete

    ----- end -----
    "#);

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
        .reviewed(&forged)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/forged.json (SHA-256 [SHA256]).
      x refusing a plan that deletes 4 of 10 live webhooks: the limit is 2 (the saved plan's limit); nothing was written
      help: if the file is really meant to drop them, make the plan again with a limit of at least 4; if not, check the file is complete

    ----- end -----
    ");
    assert!(portal.writes().is_empty());

    let out = Run::new(&["apply", plan.path("plan.json").to_str().unwrap()])
        .reviewed(&plan.path("plan.json"))
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
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 2 problems

      x unknown field `maxDelete` under `prune`
       ,-[webhooks.yaml:2:3]
     1 | prune:
     2 |   maxDelete: 5
       :   ^^^^|^^^^
       :       `-- unknown field
     3 |   other: -1
       `----
      help: did you mean `maxDeletes`?

      x unknown field `other` under `prune`
       ,-[webhooks.yaml:3:3]
     2 |   maxDelete: 5
     3 |   other: -1
       :   ^^|^^
       :     `-- unknown field
     4 | webhooks: {}
       `----
      help: valid fields here: maxDeletes

    ----- end -----
    ");
    let mut views = String::new();
    for bad in [
        "prune: { maxDeletes: -1 }",
        "prune: { maxDeletes: \"5\" }",
        "prune: { maxDeletes: 2.5 }",
        "prune: 5",
    ] {
        let out = Run::new(&["validate"])
            .file(&format!("{bad}\nwebhooks: {{}}\n"))
            .run();
        assert_eq!(out.code, 1, "{bad}: {out:?}");
        views += &format!("$ validate  # {bad}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views, @r#"
    $ validate  # prune: { maxDeletes: -1 }
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `prune.maxDeletes` must be 0 or more, found -1
       ,-[webhooks.yaml:1:22]
     1 | prune: { maxDeletes: -1 }
       :                      ^|
       :                       `-- a negative limit
     2 | webhooks: {}
       `----
      help: the most webhooks one run may delete, e.g. `maxDeletes: 5`

    ----- end -----

    $ validate  # prune: { maxDeletes: "5" }
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `prune.maxDeletes` must be a whole number, found a string
       ,-[webhooks.yaml:1:22]
     1 | prune: { maxDeletes: "5" }
       :                      ^|^
       :                       `-- expected a whole number
     2 | webhooks: {}
       `----
      help: the most webhooks one run may delete, e.g. `maxDeletes: 5`

    ----- end -----

    $ validate  # prune: { maxDeletes: 2.5 }
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `prune.maxDeletes` must be a whole number, found a number
       ,-[webhooks.yaml:1:22]
     1 | prune: { maxDeletes: 2.5 }
       :                      ^|^
       :                       `-- expected a whole number
     2 | webhooks: {}
       `----
      help: the most webhooks one run may delete, e.g. `maxDeletes: 5`

    ----- end -----

    $ validate  # prune: 5
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `prune` must be a mapping, found an integer
       ,-[webhooks.yaml:1:8]
     1 | prune: 5
       :        |
       :        `-- expected a mapping
     2 | webhooks: {}
       `----
      help: write `prune: { maxDeletes: 5 }`

    ----- end -----
    "#);
    let out = Run::new(&["validate"])
        .file("prune: {}\nwebhooks: {}\n")
        .run();
    assert_eq!(out.code, 0, "no limit set: {out:?}");
}
