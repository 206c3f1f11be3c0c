//! `uri: ${VAR}` (issue 19): the uri is read from the environment by `plan` and `apply`, is
//! planned and written like a literal one, and no output shows it.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::{Outcome, Run};

/// A capability uri: the receiver authenticates by the path and the token.
const URI: &str = "https://hooks.example.com/services/T0/Cap7Path/x?token=Cap7Token99";
const OLD_URI: &str = "https://hooks.example.com/services/T0/Old4Path/x?token=Old4Token11";

const FILE: &str = "webhooks:\n  Billing:\n    uri: ${BILLING_URI}\n    secretKey: ${HOOK_SECRET}\n    ssl: true\n";

fn run(portal: &FakePortal, args: &[&str], uri: Option<&str>) -> Outcome {
    let run = Run::new(args)
        .file(FILE)
        .portal(portal)
        .env("HOOK_SECRET", "Hook-Secret-42");
    match uri {
        Some(uri) => run.env("BILLING_URI", uri),
        None => run,
    }
    .run()
}

/// Fails when `out` shows any part of either uri past its host.
fn assert_hidden(out: &Outcome) {
    let all = out.all();
    for part in ["Cap7", "Old4", "services/T0", "hooks.example.com"] {
        assert!(!all.contains(part), "{part:?} shown:\n{all}");
    }
}

#[test]
fn a_uri_from_a_variable_is_created_updated_and_left_alone_without_being_shown() {
    let portal = FakePortal::start();
    let mut views = String::new();
    let mut step = |what: &str, out: Outcome| {
        assert_hidden(&out);
        views += &format!("# {what}\n{}\n", out.user_view());
    };

    step("plan of a create", run(&portal, &["plan"], Some(URI)));
    step(
        "apply of a create",
        run(&portal, &["apply", "--auto-approve"], Some(URI)),
    );
    assert_eq!(portal.webhooks()[0].uri, URI);
    step("plan again", run(&portal, &["plan"], Some(URI)));

    // The variable now holds another uri: an update, shown as a change of a sensitive value.
    step(
        "apply of an update",
        run(&portal, &["apply", "--auto-approve"], Some(OLD_URI)),
    );
    assert_eq!(portal.webhooks()[0].uri, OLD_URI);
    insta::assert_snapshot!(views, @r#"
    # plan of a create
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "Billing"
          name      = "Billing"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_URI, HOOK_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
    ----- end -----

    # apply of a create
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "Billing"
          name      = "Billing"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_URI, HOOK_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 0 unchanged.

      [1/1] [TIME] ok created #1 "Billing"

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
    ----- end -----

    # plan again
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

    Secrets are not compared (the portal never returns them): this plan does not send the secretKey the file sets for #1 "Billing". apply --rotate-secrets sends it.

    No changes. The portal matches the file in every compared field; secrets are not compared.
    Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
    ----- end -----

    # apply of an update
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Billing"
          uri       = (sensitive) -> (sensitive)
          secretKey = (sensitive)

    Apply will read: BILLING_URI, HOOK_SECRET

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

      [1/1] [TIME] ok updated #1 "Billing"

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
    ----- end -----
    "#);
}

#[test]
fn no_format_of_plan_or_apply_shows_a_uri_from_a_variable() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", OLD_URI));
    for format in ["text", "markdown", "json"] {
        let out = run(&portal, &["plan", "--format", format], Some(URI));
        assert_eq!(out.code, 0, "{out:?}");
        assert_hidden(&out);
    }
    let out = run(&portal, &["plan", "--format", "json"], Some(URI));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    insta::assert_json_snapshot!(json["changes"], @r#"
    [
      {
        "action": "update",
        "fields": [
          {
            "after": "(sensitive)",
            "before": "(sensitive)",
            "field": "uri"
          },
          {
            "after": "(sensitive)",
            "before": "(sensitive)",
            "field": "secretKey"
          }
        ],
        "id": 1,
        "name": "Billing",
        "warnings": []
      }
    ]
    "#);
    let out = run(&portal, &["apply", "--auto-approve"], Some(URI));
    assert_eq!(out.code, 0, "{out:?}");
    assert_hidden(&out);
}

#[test]
fn an_unset_or_unusable_variable_stops_plan_and_apply_naming_it_and_nothing_is_written() {
    let portal = FakePortal::start();
    let mut views = String::new();
    for (what, args, uri) in [
        ("plan, unset", &["plan"][..], None),
        ("apply, unset", &["apply", "--auto-approve"][..], None),
        (
            "plan, not a URL",
            &["plan"][..],
            Some("hooks.example.com/services/T0/Cap7Path"),
        ),
        (
            "plan, plain http with ssl: true",
            &["plan"][..],
            Some("http://hooks.example.com/services/T0/Cap7Path"),
        ),
    ] {
        let out = run(&portal, args, uri);
        assert_eq!(out.code, 1, "{what}: {out:?}");
        assert_hidden(&out);
        views += &format!("# {what}\n{}\n", out.user_view());
    }
    assert!(portal.writes().is_empty());
    insta::assert_snapshot!(views, @"
    # plan, unset
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x environment variable BILLING_URI (the uri of 'Billing') is not set
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${BILLING_URI}
       :          ^^^^^^^|^^^^^^
       :                 `-- BILLING_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: set BILLING_URI to the webhook's URL (https://...) in the environment that runs `plan` and `apply`; its value is never shown

    ----- end -----

    # apply, unset
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x environment variable BILLING_URI (the uri of 'Billing') is not set
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${BILLING_URI}
       :          ^^^^^^^|^^^^^^
       :                 `-- BILLING_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: set BILLING_URI to the webhook's URL (https://...) in the environment that runs `plan` and `apply`; its value is never shown

    ----- end -----

    # plan, not a URL
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the value of environment variable BILLING_URI (the uri of 'Billing') is not a usable uri: it is not an absolute URL (relative URL without a base)
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${BILLING_URI}
       :          ^^^^^^^|^^^^^^
       :                 `-- BILLING_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: set BILLING_URI to the webhook's URL (https://...) in the environment that runs `plan` and `apply`; its value is never shown

    ----- end -----

    # plan, plain http with ssl: true
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the portal would refuse this write: `ssl: true`, which requires an https uri, but the uri is plain http (the value of BILLING_URI)
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   Billing:
       :   ^^^|^^^
       :      `-- ssl needs https
     3 |     uri: ${BILLING_URI}
       `----
      help: use an https uri, or set `ssl: false` to allow plain http

    ----- end -----
    ");
}

#[test]
fn a_reference_inside_a_uri_is_refused() {
    let out = Run::new(&["validate"])
        .file("webhooks:\n  Billing:\n    uri: https://hooks.example.com/x?token=${TOKEN}\n")
        .run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `uri` contains `${` but is not a single `${NAME}` reference
       ,-[webhooks.yaml:3:5]
     2 |   Billing:
     3 |     uri: https://hooks.example.com/x?token=***     
       :     ^|^
       :      `-- not a valid reference
       `----
      help: write the reference alone, e.g. `uri: ${BILLING_HOOK_URI}`; a variable name has letters, digits and `_` and does not start with a digit

    ----- end -----
    ");
}

#[test]
fn a_plan_that_writes_a_uri_from_a_variable_is_not_saved() {
    let portal = FakePortal::start();
    let out = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal)
        .env("BILLING_URI", URI)
        .run();
    assert_hidden(&out);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot save a plan that writes "Billing", whose uri is read from BILLING_URI (`uri: ${BILLING_URI}`)
      help: a saved plan never holds a sensitive uri, and this version cannot yet check at apply time that BILLING_URI still holds the uri that was planned: run `plan` and `apply` without `--out` for this file

    ----- end -----
    "#);
}

#[test]
fn a_secret_in_a_literal_uri_draws_a_warning_that_points_at_the_uri() {
    let out = Run::new(&["validate"])
        .file(
            "webhooks:\n  Billing:\n    uri: https://hooks.example.com/x?token=Cap7Token99&X-Amz-Signature=Cap7Sig\n",
        )
        .run();
    assert_hidden_token(&out);
    insta::assert_snapshot!(out.user_view(), @"
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
      ! the uri of 'Billing' carries a secret in its query (`token`, `X-Amz-Signature`)
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: https://hooks.example.com/x?token=***&X-Amz-Signature=***            
       :          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
       :                                            `-- a secret in the file
       `----
      help: read the whole uri from the environment instead, e.g. `uri: ${BILLING_HOOK_URI}`: no output shows it then

    ----- end -----
    ");
}

fn assert_hidden_token(out: &Outcome) {
    assert!(!out.all().contains("Cap7"), "{out:?}");
}
