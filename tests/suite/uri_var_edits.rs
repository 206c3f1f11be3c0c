//! `uri: ${VAR}` against hand-edited saved plans: no write a plan may carry makes `apply` or
//! `show` print the live uri of a webhook whose uri the reviewed file reads from a variable.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::{Outcome, Run};

/// A capability uri: the receiver authenticates by the path and the token.
const URI: &str = "https://hooks.example.com/services/T0/Cap7Path/x?token=Cap7Token99";

const FILE: &str =
    "webhooks:\n  Billing:\n    uri: ${BILLING_URI}\n    triggers: [file.uploaded]\n";

/// Fails when `out` shows any part of either uri.
fn assert_hidden(out: &Outcome) {
    let all = out.all();
    for part in [
        "Cap7",
        "Old4",
        "services/T",
        "hooks.example.com",
        "old.example.net",
    ] {
        assert!(!all.contains(part), "{part:?} shown:\n{all}");
    }
}

/// Plans `FILE` against `portal` into `plan.json`, lets `edit` change the plan's only write,
/// and runs `args` (`show` or `apply`) on the edited plan.
fn edited(portal: &FakePortal, edit: impl Fn(&mut serde_json::Value), command: &str) -> Outcome {
    let planned = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(portal)
        .env("BILLING_URI", URI);
    assert_eq!(planned.run().code, 0);
    let path = planned.path("plan.json");
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut plan["portals"][0]["writes"][0]);
    std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    Run::new(&[command, path.to_str().unwrap()])
        .reviewed(&path)
        .portal(portal)
        .env("BILLING_URI", URI)
        .run()
}

/// The update of `Billing` turned into a delete of it, against the live record with `uri`.
fn delete_against(uri: Option<&str>) -> impl Fn(&mut serde_json::Value) {
    move |write| {
        let mut against = write["against"].take();
        if let Some(uri) = uri {
            against["uri"] = uri.into();
        }
        *write = serde_json::json!({ "write": "delete", "against": against });
    }
}

#[test]
fn a_delete_edited_into_a_plan_never_shows_the_live_uri_read_from_a_variable() {
    let portal = FakePortal::start();
    let billing = portal.seed(Seed::new("Billing", URI));
    let mut views = String::new();
    // A guessed uri: `apply` would find it stale and print the live one beside it.
    for (what, uri) in [
        ("a guessed live uri", Some("https://guess.example.com/")),
        ("the planned fingerprint", None),
    ] {
        for command in ["show", "apply"] {
            let out = edited(&portal, delete_against(uri), command);
            assert_hidden(&out);
            views += &format!("# {command}, {what}\n{}\n", out.user_view());
        }
    }
    assert!(portal.get(billing).is_some());
    insta::assert_snapshot!(views, @r#"
    # show, a guessed live uri
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 1: the file reads the uri of "Billing" from BILLING_URI, and the plan gives another
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----

    # apply, a guessed live uri
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 1: the file reads the uri of "Billing" from BILLING_URI, and the plan gives another; nothing was written
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----

    # show, the planned fingerprint
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      - delete #1 "Billing"
          name      = "Billing"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Apply will read: BILLING_URI

    Plan: 0 to create, 0 to update, 1 to delete, 0 unchanged.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY, BILLING_URI

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----

    # apply, the planned fingerprint
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x refusing a plan that deletes every live webhook (1 of 1) without an explicit limit (--max-deletes, or prune.maxDeletes in the file); nothing was written
      help: if the file is really meant to drop them, make the plan again with a limit of at least 1; if not, check the file is complete

    ----- end -----
    "#);
}

/// `write`'s live record, and its body when it has one, renamed to a name no entry has, with
/// a guessed uri.
fn renamed(write: &mut serde_json::Value) {
    for part in ["against", "webhook"] {
        if write[part].is_object() {
            write[part]["name"] = "Other".into();
            write[part]["uri"] = "https://guess.example.com/".into();
        }
    }
}

#[test]
fn a_write_renamed_in_a_plan_never_shows_the_live_uri_read_from_a_variable() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", URI));
    let mut views = String::new();
    let delete = delete_against(None);
    for (what, edit) in [
        ("an update", &renamed as &dyn Fn(&mut serde_json::Value)),
        ("a delete", &|w: &mut serde_json::Value| {
            delete(w);
            renamed(w);
        }),
    ] {
        let out = edited(&portal, edit, "apply");
        assert_hidden(&out);
        views += &format!("# {what}\n{}\n", out.user_view());
    }
    assert!(portal.writes().is_empty());
    insta::assert_snapshot!(views, @r#"
    # an update
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - #1 "Other" changed on the portal: name "Other" -> "Billing", uri (sensitive) -> (sensitive)
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----

    # a delete
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - #1 "Other" changed on the portal: name "Other" -> "Billing", uri (sensitive) -> (sensitive)
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----
    "#);
}

/// The uri the variable replaces on the portal: as secret as the new one.
const OLD_URI: &str = "https://old.example.net/services/T9/Old4Path/x?token=Old4Token11";

#[test]
fn a_portal_error_that_echoes_the_replaced_uri_is_scrubbed_when_a_saved_plan_is_applied() {
    use crate::support::fake_portal::{Fault, FaultBody, FaultKind, WEBHOOK_PATH};
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", OLD_URI));
    let planned = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal)
        .env("BILLING_URI", URI);
    assert_eq!(planned.run().code, 0);
    let path = planned.path("plan.json");
    // As a portal that names the record it could not update.
    let message = format!("webhook #1 ({OLD_URI}) could not be updated");
    let status = FaultKind::Status {
        status: 400,
        body: FaultBody::Json(serde_json::json!({ "error": { "message": message } })),
    };
    portal.inject(Fault::new("PUT", WEBHOOK_PATH, status));
    let out = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
        .portal(&portal)
        .env("BILLING_URI", URI)
        .run();
    assert_hidden(&out);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Billing"
          uri       = (sensitive) -> (sensitive)
          triggers  + file.uploaded
                    - *

    Apply will read: BILLING_URI

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

      [1/1] [TIME] failed "Billing" #1 was not updated: PUT /api/2.0/settings/webhook failed (HTTP 400): webhook #1 ([redacted]) could not be updated

    Apply complete: 0 done, 1 failed.
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x 1 of 1 change(s) failed
      help: the changes reported as done are on the portal; fix the cause and rerun apply, whose plan shows only what is left

    ----- end -----
    "#);
}

/// A receiver's error page names its own address; the portal keeps it as the last failure.
#[test]
fn a_last_failure_that_echoes_the_replaced_uri_is_scrubbed() {
    let portal = FakePortal::start();
    portal.seed(Seed {
        last_failure_on: Some("2026-11-20T10:00:00".into()),
        last_failure_content: Some(format!("404 Not Found: {OLD_URI}")),
        ..Seed::new("Billing", OLD_URI)
    });
    let planned = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal)
        .env("BILLING_URI", URI);
    let out = planned.run();
    assert_hidden(&out);
    let saved = std::fs::read_to_string(planned.path("plan.json")).unwrap();
    assert!(!saved.contains("Old4"), "{saved}");
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let failure = &saved["portals"][0]["writes"][0]["against"]["lastFailureContent"];
    insta::assert_snapshot!(format!("{}\nsaved: {failure}", out.user_view()), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Billing"
          uri       = (sensitive) -> (sensitive)
          triggers  + file.uploaded
                    - *

    Apply will read: BILLING_URI

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
    Saved this plan to plan.json (SHA-256 [SHA256]).
    Apply exactly it with: docspace-webhooks apply plan.json --expect-digest [SHA256]
    ----- end -----

    saved: "404 Not Found: [redacted]"
    "#);
}
