//! `uri: ${VAR}` (issue 19): the uri is read from the environment by `plan` and `apply`, is
//! planned and written like a literal one, and no output shows it.

use crate::support::fake_portal::{Deliveries, FakePortal, Outcome as DeliveryOutcome, Seed};
use crate::support::fleet::Fleet;
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
    let markdown = run(&portal, &["plan", "--format", "markdown"], Some(URI));
    insta::assert_snapshot!(markdown.user_view(), @r#"
    exit: 0
    ----- stdout -----
    **Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.** Portal: `[PORTAL]`

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 0 | 1 | 0 | 0 | 0 |

    Apply will read: `BILLING_URI`, `HOOK_SECRET`

    #### ~ update `#1 "Billing"`

    ```diff
    - uri: (sensitive)
    + uri: (sensitive)
      secretKey: (sensitive)
    ```
    ----- stderr -----
    ----- end -----
    "#);
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
        (
            "plan, a tab inside",
            &["plan"][..],
            Some("https://hooks.example.com/services/T0/\tCap7Path"),
        ),
        (
            "apply, not scheme://host",
            &["apply", "--auto-approve"][..],
            Some("https:hooks.example.com/services/T0/Cap7Path"),
        ),
        ("plan, empty", &["plan"][..], Some("")),
        (
            "plan, another scheme",
            &["plan"][..],
            Some("ftp://hooks.example.com/services/T0/Cap7Path"),
        ),
    ] {
        let out = run(&portal, args, uri);
        assert_eq!(out.code, 1, "{what}: {out:?}");
        assert_hidden(&out);
        views += &format!("# {what}\n{}\n", out.user_view());
    }
    // Stopped before the portal is contacted, as a literal uri is.
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());
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

      x the value of environment variable BILLING_URI (the uri of 'Billing') is not a usable uri: it is plain http, and `ssl: true` requires https
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${BILLING_URI}
       :          ^^^^^^^|^^^^^^
       :                 `-- BILLING_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: set BILLING_URI to an https:// URL, or set `ssl: false` (which also stops the portal checking the target's certificate); its value is never shown

    ----- end -----

    # plan, a tab inside
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the value of environment variable BILLING_URI (the uri of 'Billing') is not a usable uri: it has a tab or a line break inside
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${BILLING_URI}
       :          ^^^^^^^|^^^^^^
       :                 `-- BILLING_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: set BILLING_URI to the webhook's URL (https://...) in the environment that runs `plan` and `apply`; its value is never shown

    ----- end -----

    # apply, not scheme://host
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the value of environment variable BILLING_URI (the uri of 'Billing') is not a usable uri: it is not written as `scheme://host`
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${BILLING_URI}
       :          ^^^^^^^|^^^^^^
       :                 `-- BILLING_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: set BILLING_URI to the webhook's URL (https://...) in the environment that runs `plan` and `apply`; its value is never shown

    ----- end -----

    # plan, empty
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x environment variable BILLING_URI (the uri of 'Billing') is empty
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${BILLING_URI}
       :          ^^^^^^^|^^^^^^
       :                 `-- BILLING_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: set BILLING_URI to the webhook's URL (https://...) in the environment that runs `plan` and `apply`; its value is never shown; a pipeline passes a secret that is not defined as an empty string

    ----- end -----

    # plan, another scheme
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the value of environment variable BILLING_URI (the uri of 'Billing') is not a usable uri: it has a scheme other than http or https; only http and https are allowed
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${BILLING_URI}
       :          ^^^^^^^|^^^^^^
       :                 `-- BILLING_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: set BILLING_URI to the webhook's URL (https://...) in the environment that runs `plan` and `apply`; its value is never shown

    ----- end -----
    ");
}

/// A shared entry's variable holds plain http, and two portals' overlays turn `ssl` on: both are
/// reported at once, at the reference, and no portal is contacted, the third one included.
#[test]
fn plain_http_in_a_variable_with_ssl_from_overlays_stops_every_portal_before_any_request() {
    let fleet = Fleet::start(&["alpha", "bravo", "charlie"]);
    let ssl = "webhooks:\n  Billing:\n    ssl: true";
    let file = format!(
        "{}{}",
        fleet.portals_yaml(&[("alpha", ssl), ("bravo", ssl)]),
        FILE.replace("    ssl: true\n", "")
    );
    let out = Run::new(&["apply", "--auto-approve"])
        .file(&file)
        .fleet(&fleet)
        .env("HOOK_SECRET", "Hook-Secret-42")
        .env(
            "BILLING_URI",
            "http://hooks.example.com/services/T0/Cap7Path",
        )
        .run();
    assert_hidden(&out);
    assert_eq!(fleet.request_count(), 0, "{out:?}");
    let help = "help: set BILLING_URI to an https:// URL, or set `ssl: false` (which also stops \
                the portal checking the target's certificate); its value is never shown";
    let problems: Vec<&str> = (out.stderr.lines())
        .filter(|l| l.contains(" x ") || l.contains("help:"))
        .map(str::trim)
        .collect();
    assert_eq!(
        problems,
        [
            "x the webhook file has 2 problems",
            "x the value of environment variable BILLING_URI (the uri of 'Billing') is not a \
             usable uri: it is plain http, and `ssl: true` on `alpha` requires https",
            help,
            "x the value of environment variable BILLING_URI (the uri of 'Billing') is not a \
             usable uri: it is plain http, and `ssl: true` on `bravo` requires https",
            help,
        ],
        "{out:?}"
    );
    assert_eq!(out.code, 1);
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

/// A snippet hides another spelling of a `uri: ${VAR}`'s value as the list check finds it:
/// percent-encoded, or in capitals past ASCII; the line of the value it does not hold shows.
#[test]
fn a_snippet_hides_a_variables_uri_spelled_with_escapes_or_in_capitals() {
    let file = "webhooks:\n  Main:\n    uri: ${HOOK}\n  Other:\n    uri: https://h:8443/%68ook\n    \
                enabled: maybe\n  Third:\n    uri: https://h:8443/HOOKÉ\n    enabled: perhaps\n";
    let mut views = String::new();
    for hook in ["https://h:8443/hook", "https://h:8443/hooké"] {
        let out = Run::new(&["validate"]).file(file).env("HOOK", hook).run();
        views += &format!("# HOOK={hook}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views, @"
    # HOOK=https://h:8443/hook
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 2 problems

      x `enabled` must be true or false, found a string
       ,-[webhooks.yaml:6:14]
     5 |     uri: ***                  
     6 |     enabled: maybe
       :              ^^|^^
       :                `-- expected true or false
     7 |   Third:
       `----
      help: write `true` or `false`

      x `enabled` must be true or false, found a string
       ,-[webhooks.yaml:9:14]
     8 |     uri: https://h:8443/HOOKÉ
     9 |     enabled: perhaps
       :              ^^^|^^^
       :                 `-- expected true or false
       `----
      help: write `true` or `false`

    ----- end -----

    # HOOK=https://h:8443/hooké
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 2 problems

      x `enabled` must be true or false, found a string
       ,-[webhooks.yaml:6:14]
     5 |     uri: https://h:8443/%68ook
     6 |     enabled: maybe
       :              ^^|^^
       :                `-- expected true or false
     7 |   Third:
       `----
      help: write `true` or `false`

      x `enabled` must be true or false, found a string
       ,-[webhooks.yaml:9:14]
     8 |     uri: ***                  
     9 |     enabled: perhaps
       :              ^^^|^^^
       :                 `-- expected true or false
       `----
      help: write `true` or `false`

    ----- end -----
    ");
}

/// Plans `FILE` with BILLING_URI set to `uri` into `plan.json` of the returned run.
fn saved(portal: &FakePortal, uri: &str) -> Run {
    let planned = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(portal)
        .env("HOOK_SECRET", "Hook-Secret-42")
        .env("BILLING_URI", uri);
    let out = planned.run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_hidden(&out);
    let text = std::fs::read_to_string(planned.path("plan.json")).unwrap();
    for part in ["Cap7", "Old4", "services/T0", "hooks.example.com"] {
        assert!(!text.contains(part), "{part:?} saved:\n{text}");
    }
    planned
}

fn apply_saved(planned: &Run, portal: &FakePortal, uri: &str) -> Outcome {
    let path = planned.path("plan.json");
    Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
        .portal(portal)
        .env("HOOK_SECRET", "Hook-Secret-42")
        .env("BILLING_URI", uri)
        .run()
}

#[test]
fn a_saved_plan_holds_the_variable_and_a_fingerprint_and_apply_writes_the_uri() {
    let portal = FakePortal::start();
    let billing = portal.seed(Seed::new("Billing", OLD_URI));
    let planned = saved(&portal, URI);
    let text = std::fs::read_to_string(planned.path("plan.json")).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    let write = &plan["portals"][0]["writes"][0];
    for uri in [&write["webhook"]["uri"], &write["against"]["uri"]] {
        let uri = uri.as_str().unwrap();
        let hex = uri.strip_prefix("${BILLING_URI} hmac-sha256:").expect(uri);
        assert_eq!(hex.len(), 64, "{uri}");
    }
    let path = planned.path("plan.json");
    let show = Run::new(&["show", path.to_str().unwrap()])
        .reviewed(&path)
        .run();
    assert_hidden(&show);
    let applied = apply_saved(&planned, &portal, URI);
    assert_hidden(&applied);
    assert_eq!(portal.get(billing).unwrap().uri, URI);
    insta::assert_snapshot!(format!("{}\n{}", show.user_view(), applied.user_view()), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Billing"
          uri       = (sensitive) -> (sensitive)
          secretKey = (sensitive)

    Apply will read: BILLING_URI, HOOK_SECRET

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY, BILLING_URI, HOOK_SECRET

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----

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
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
    ----- end -----
    "#);
}

#[test]
fn a_saved_plan_is_stale_when_the_variable_or_the_live_uri_moved_and_nothing_is_written() {
    let portal = FakePortal::start();
    let billing = portal.seed(Seed::new("Billing", OLD_URI));
    let planned = saved(&portal, URI);
    portal.clear_requests();
    let mut views = String::new();
    // The variable holds another uri than the one reviewed.
    let other = "https://hooks.example.com/services/T0/Cap7Other/x?token=Cap7Token00";
    let out = apply_saved(&planned, &portal, other);
    assert_eq!(out.code, 1, "{out:?}");
    assert_hidden(&out);
    views += &format!("# another value\n{}\n", out.user_view());
    // The live uri changed on the portal since the plan.
    portal.update_stored(billing, |w| {
        w.uri = "https://hooks.example.com/services/T0/Old4Moved/x".into()
    });
    let out = apply_saved(&planned, &portal, URI);
    assert_eq!(out.code, 1, "{out:?}");
    assert_hidden(&out);
    views += &format!("# the live uri moved\n{}\n", out.user_view());
    assert!(portal.writes().is_empty());
    insta::assert_snapshot!(views, @r#"
    # another value
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - BILLING_URI no longer holds the uri planned for "Billing"
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----

    # the live uri moved
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - #1 "Billing" changed on the portal: uri (sensitive) -> (sensitive)
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----
    "#);
}

/// A webhook the plan deletes that took a variable's uri on the portal since the plan: the
/// stale message shows that uri as `(sensitive)`, as any plan would, and the old one as it was.
#[test]
fn a_uri_the_portal_took_since_the_plan_is_sensitive_in_the_stale_message() {
    // The value as written, and as a URL with its default port.
    let ported = URI.replace(".com/", ".com:443/");
    for taken in [URI, ported.as_str()] {
        let portal = FakePortal::start();
        portal.seed(Seed::new("Billing", URI));
        let plain = portal.seed(Seed::new("Plain", "https://plain.example.com/h"));
        let planned = Run::new(&["plan", "--prune", "--out", "plan.json"])
            .file(FILE)
            .portal(&portal)
            .env("HOOK_SECRET", "Hook-Secret-42")
            .env("BILLING_URI", URI);
        assert_eq!(planned.run().code, 0);
        portal.update_stored(plain, |w| w.uri = taken.into());
        let out = apply_saved(&planned, &portal, URI);
        assert_eq!(out.code, 1, "{out:?}");
        assert_hidden(&out);
        let said =
            r#"#2 "Plain" changed on the portal: uri "https://plain.example.com/h" -> (sensitive)"#;
        assert!(out.stderr.contains(said), "{taken}: {out:?}");
        assert!(portal.writes().is_empty());
    }
}

#[test]
fn a_secret_in_a_literal_uri_draws_a_warning_that_points_at_the_uri() {
    let out =
        validated_uri("https://hooks.example.com/x?token=Cap7Token99&X-Amz-Signature=Cap7Sig");
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

/// Tokens by other names: a JWT, a session id, a bearer token in the query.
#[test]
fn a_jwt_session_or_bearer_parameter_is_a_secret_too() {
    let out =
        validated_uri("https://hooks.example.com/x?jwt=Cap7a&sessionId=Cap7b&Bearer=Cap7c&page=2");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
      ! the uri of 'Billing' carries a secret in its query (`jwt`, `sessionId`, `Bearer`)
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: https://hooks.example.com/x?jwt=***&sessionId=***&Bearer=***&page=*      
       :          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
       :                                              `-- a secret in the file
       `----
      help: read the whole uri from the environment instead, e.g. `uri: ${BILLING_HOOK_URI}`: no output shows it then

    ----- end -----
    ");
}

/// `validate` of one webhook, Billing, at `uri`, whose secrets all start with `Cap7`.
fn validated_uri(uri: &str) -> Outcome {
    let out = Run::new(&["validate"])
        .file(&format!("webhooks:\n  Billing:\n    uri: {uri}\n"))
        .run();
    assert_hidden_token(&out);
    out
}

fn assert_hidden_token(out: &Outcome) {
    assert!(!out.all().contains("Cap7"), "{out:?}");
}

/// The records the commands build hold the resolved uri (the file's entry, the planned body,
/// the portal's copy), and no `Debug` of them shows it: a `{:?}` in a log line or a panic
/// message would otherwise leak the token. Built as `plan` builds them: the file loaded, its
/// variables read, the portal's list read, planned, saved and read back, the uris bound again.
#[tokio::test]
async fn no_debug_of_what_plan_builds_shows_a_uri_from_a_variable() {
    use docspace_webhooks::api::{Client, ClientOptions, PortalUrl};
    use docspace_webhooks::config::load_document_str;
    use docspace_webhooks::plan::{self, PlanOptions, saved};
    use secrecy::SecretString;

    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", OLD_URI));
    let file = "webhooks:\n  Billing:\n    uri: ${BILLING_URI}\n  New:\n    uri: ${NEW_URI}\n    \
                secretKey: ${HOOK_SECRET}\n";
    let mut document = load_document_str(file, "webhooks.yaml").unwrap();
    let new_uri = URI.replace("Cap7", "New5");
    document
        .resolve_uris(
            &|var| match var {
                "BILLING_URI" => Ok(URI.to_string()),
                _ => Ok(new_uri.clone()),
            },
            &[],
        )
        .unwrap();
    let key = SecretString::from(portal.api_key());
    let url = PortalUrl::parse(&portal.url()).unwrap();
    let client = Client::new(&url, key.clone(), ClientOptions::default()).unwrap();
    let live = client.list().await.unwrap();
    let config = &document.portals[0].config;
    let made = plan::plan(config, &live, url.as_str(), PlanOptions::default()).unwrap();
    assert_eq!(
        made.summary(),
        "Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged."
    );

    let to_save = saved::PortalToSave {
        name: None,
        plan: Ok((&made, &key, &live)),
        max_deletes: None,
    };
    let text = saved::to_json(&[to_save], &document).unwrap();
    let mut read = saved::read(&text, "plan.json", &document).unwrap();
    let read_plan = read[0].plan.as_mut().unwrap();
    saved::bind_uris(read_plan, config, &key, &live).unwrap();

    let debug = format!(
        "{document:?}{document:#?}{made:?}{made:#?}{:?}{:#?}{live:?}{live:#?}{read:?}{read:#?}",
        made.changes, made.changes
    );
    // The file's entry still tells a uri that is set from one that is not.
    assert!(debug.contains("uri: Some((uri hidden))"), "{debug}");
    for part in ["Cap7", "Old4", "New5", "services/T0", "hooks.example.com"] {
        assert!(!debug.contains(part), "{part:?} shown:\n{debug}");
    }
}

/// A receiver that does not know the route echoes its path alone ("Cannot POST /path", as
/// Express answers), or the token alone: with the uri read from a variable, neither shows, in
/// the last failure a plan shows (of the uri the variable replaces) nor in the answers
/// `status` shows, whether the variable is set there or not.
#[test]
fn a_receiver_echoing_only_the_path_or_the_token_of_a_uri_from_a_variable_shows_neither() {
    let echo = |uri: &str| {
        let path = &uri[uri.find("/services").unwrap()..uri.find('?').unwrap()];
        let token = &uri[uri.find("token=").unwrap() + 6..];
        format!("Cannot POST {path}: unknown token {token}")
    };
    // A plan shows the last failure of a webhook it enables again.
    let portal = FakePortal::start();
    let failed = Seed::new("Billing", OLD_URI).enabled(false);
    portal.seed(failed.failure("2026-12-01T11:58:00Z", &echo(OLD_URI)));
    for args in [
        &["plan"][..],
        &["plan", "--format", "json"],
        &["plan", "--format", "markdown"],
    ] {
        let out = Run::new(args)
            .file(&format!("{FILE}    enabled: true\n"))
            .portal(&portal)
            .env("BILLING_URI", URI)
            .run();
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        assert!(out.all().contains("Cannot POST"), "{args:?}: {out:?}");
        assert_hidden(&out);
    }

    let portal = FakePortal::start();
    let id = portal.seed(Seed::new("Billing", URI));
    portal.seed_deliveries(
        id,
        Deliveries::new(2).outcome(DeliveryOutcome::Answer {
            status: 404,
            body: format!("<pre>{}</pre>", echo(URI)),
        }),
    );
    // The variable set, unset (a scheduled `status` job), or holding a new uri already.
    for uri in [Some(URI), None, Some(OLD_URI)] {
        for args in [&["status"][..], &["status", "--format", "json"]] {
            let out = run(&portal, args, uri);
            assert_eq!(out.code, 0, "{args:?}: {out:?}");
            assert!(out.all().contains("Cannot POST"), "{args:?}: {out:?}");
            assert_hidden(&out);
        }
    }
}

/// The value of `uri: ${VAR}` in another webhook's name or targetId (a proxy that echoes the
/// uri it was sent, a webhook named by its address), also without its scheme or with its
/// default port, is refused as an echoed secret, naming the webhook and the field; in its own
/// webhook's uri it is planned as ever.
#[test]
fn a_uri_from_a_variable_in_another_webhooks_name_or_target_is_refused() {
    let bare = URI.trim_start_matches("https://");
    let port = URI.replace(".com/", ".com:443/");
    for (name, target) in [
        (format!("copy of {URI}"), None),
        (format!("copy of {bare}"), None),
        (format!("copy of {port}"), None),
        ("relay".into(), Some(URI)),
    ] {
        let portal = FakePortal::start();
        portal.seed(Seed::new("Billing", URI));
        let mut other = Seed::new(&name, "https://other.example.com/h");
        if let Some(target) = target {
            other = other.target(target);
        }
        portal.seed(other);
        let out = run(&portal, &["plan"], Some(URI));
        assert_eq!(out.code, 1, "{out:?}");
        assert_hidden(&out);
        let field = if target.is_some() { "targetId" } else { "name" };
        let said = format!(
            "webhook #2's {field} in the portal's list holds the uri of `uri: ${{BILLING_URI}}`"
        );
        assert!(out.stderr.contains(&said), "{out:?}");
    }
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", URI));
    assert_eq!(run(&portal, &["plan"], Some(URI)).code, 0);
}

/// The live uri of the webhook a `uri: ${VAR}` entry manages is as secret as the variable's
/// value, set to another uri or unset: in another webhook's name it refuses the list in every
/// command that reads it with the file, as the value itself does, instead of showing it there.
#[test]
fn the_live_uri_an_entry_replaces_in_another_webhooks_name_is_refused() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", URI));
    portal.seed(Seed::new(
        &format!("copy of {URI}"),
        "https://other.example.com/h",
    ));
    // `plan` and `apply` need the variable; the commands that send no uri read it if set.
    let needing: [&[&str]; 2] = [
        &["plan", "--out", "plan.json"],
        &["apply", "--auto-approve"],
    ];
    let reading: [&[&str]; 3] = [
        &["status"],
        &["redeliver"],
        &["export", "-f", "webhooks.yaml"],
    ];
    let runs = (needing.iter().chain(&reading)).map(|args| (*args, Some(OLD_URI)));
    for (args, variable) in runs.chain(reading.iter().map(|args| (*args, None))) {
        let out = run(&portal, args, variable);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert_hidden(&out);
        let said = "webhook #2's name in the portal's list holds the uri of `uri: ${BILLING_URI}`";
        assert!(out.stderr.contains(said), "{args:?} {variable:?}: {out:?}");
    }
    assert!(portal.writes().is_empty(), "{:?}", portal.writes());
}

/// `export` with the file that reads a uri from a variable never writes that uri: each live uri
/// holding it is left out with a comment, so the export holds no secret and still plans with no
/// changes.
#[test]
fn export_leaves_out_every_uri_that_holds_a_variables_value() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", URI));
    portal.seed(Seed::new(
        "Copy",
        &URI.to_uppercase().replace("?TOKEN=", "?token="),
    ));
    portal.seed(Seed::new("Plain", "https://plain.example.com/h"));
    let out = run(&portal, &["export", "-f", "webhooks.yaml"], Some(URI));
    assert_eq!(out.code, 0, "{out:?}");
    assert_hidden(&out);
    let left_out = out
        .stdout
        .matches("# uri left out: it holds the value of a `uri: ${VAR}`")
        .count();
    assert_eq!(left_out, 2, "{}", out.stdout);
    assert!(
        out.stdout.contains(r#"uri: "https://plain.example.com/h""#),
        "{}",
        out.stdout
    );
    let planned = Run::new(&["plan", "--prune", "--detailed-exitcode"])
        .file(&out.stdout)
        .portal(&portal)
        .run();
    assert_eq!(planned.code, 0, "no changes: {planned:?}");
}

/// How many live uris an export left out as holding a variable's value.
fn uris_left_out(out: &Outcome) -> usize {
    out.stdout
        .matches("# uri left out: it holds the value")
        .count()
}

/// With the variable unset, or set to a new value (the portal still has the old one), `export`
/// still leaves out the live uri of the webhook the entry manages, and any uri that is it as a
/// URL (`:443`): plans hide them all as `(sensitive)`, and so must the file people commit.
#[test]
fn export_leaves_out_the_managed_webhooks_uri_whatever_the_variable_holds() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", OLD_URI));
    let as_url = OLD_URI.replace("hooks.example.com/", "hooks.example.com:443/");
    portal.seed(Seed::new("Copy", &as_url));
    for uri in [None, Some(URI)] {
        let out = run(&portal, &["export", "-f", "webhooks.yaml"], uri);
        assert_eq!(out.code, 0, "{out:?}");
        assert_hidden(&out);
        let left_out = uris_left_out(&out);
        assert_eq!(left_out, 2, "{uri:?}: {}", out.stdout);
    }
}

/// A live uri that is a variable's value as a URL (a default port written, scheme and host in
/// capitals, a host in punycode) is left out of `export -f` as plans hide it, also when the
/// entry that reads it names no live webhook yet.
#[test]
fn export_leaves_out_a_variables_value_in_any_spelling_of_its_url() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Port", "https://h.example.com:443/webhook"));
    portal.seed(Seed::new("Capitals", "HTTPS://H.EXAMPLE.COM:443/webhook"));
    portal.seed(Seed::new("Punycode", "https://xn--bcher-kva.example/idn"));
    // A value with credentials or a query is held by more than itself, in each spelling.
    portal.seed(Seed::new(
        "Creds",
        "https://u:pa55w0rdsecret@c.example.com:443/hooks",
    ));
    portal.seed(Seed::new("Query", "https://q.example.com:443/in?t=abc&x=1"));
    let file = "webhooks:\n  NewHook:\n    uri: ${HOOK}\n  Idn:\n    uri: ${IDN}\n  \
                C:\n    uri: ${CREDS}\n  Q:\n    uri: ${Q}\n";
    let out = (Run::new(&["export", "-f", "webhooks.yaml"]).portal(&portal))
        .file(file)
        .env("HOOK", "https://h.example.com/webhook")
        .env("IDN", "https://bücher.example/idn")
        .env("CREDS", "https://u:pa55w0rdsecret@c.example.com/hook")
        .env("Q", "https://q.example.com/in?t=abc")
        .run();
    assert!(
        !out.all().contains("pa55w0rd") && !out.all().contains("t=abc"),
        "{out:?}"
    );
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    # Exported from [PORTAL] by docspace-webhooks.
    # secretKey is write-only: the portal never returns it, so none is exported. To manage a
    # webhook's secret, add `secretKey: ${SOME_VAR}` to its entry and run
    # `docspace-webhooks apply --rotate-secrets` with SOME_VAR set.
    portal: "[PORTAL]"
    webhooks:
      "Port": # id 1
        # uri left out: it holds the value of a `uri: ${VAR}`, a secret; write `uri: ${VAR}` to manage it, the portal keeps its own meanwhile
        enabled: true
        ssl: true
        triggers: ["*"]
      "Capitals": # id 2
        # uri left out: it holds the value of a `uri: ${VAR}`, a secret; write `uri: ${VAR}` to manage it, the portal keeps its own meanwhile
        enabled: true
        ssl: true
        triggers: ["*"]
      "Punycode": # id 3
        # uri left out: it holds the value of a `uri: ${VAR}`, a secret; write `uri: ${VAR}` to manage it, the portal keeps its own meanwhile
        enabled: true
        ssl: true
        triggers: ["*"]
      "Creds": # id 4
        # uri left out: it holds the value of a `uri: ${VAR}`, a secret; write `uri: ${VAR}` to manage it, the portal keeps its own meanwhile
        enabled: true
        ssl: true
        triggers: ["*"]
      "Query": # id 5
        # uri left out: it holds the value of a `uri: ${VAR}`, a secret; write `uri: ${VAR}` to manage it, the portal keeps its own meanwhile
        enabled: true
        ssl: true
        triggers: ["*"]
    ----- stderr -----
    ----- end -----
    "#);
}

/// An entry whose name several live webhooks have manages none in a plan (which refuses it),
/// but `export -f` still leaves out each of their uris: any may hold the variable's value.
#[test]
fn export_leaves_out_the_uris_of_every_webhook_an_ambiguous_entry_names() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", OLD_URI));
    portal.seed(Seed::new("Billing", "https://other.example.com/h"));
    let out = run(&portal, &["export", "-f", "webhooks.yaml"], None);
    assert_eq!(out.code, 0, "{out:?}");
    assert_hidden(&out);
    let left_out = uris_left_out(&out);
    assert_eq!(left_out, 2, "{}", out.stdout);
}

/// An entry that names no live webhook (its webhook renamed on the portal since) with its
/// variable unset: export cannot tell which uri is the variable's value, so it says so; with
/// the variable set, it leaves that uri out and says nothing.
#[test]
fn export_warns_when_an_unset_variables_entry_names_no_webhook() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing (renamed)", URI));
    let unset = run(&portal, &["export", "-f", "webhooks.yaml"], None);
    assert_eq!(unset.code, 0, "{unset:?}");
    assert_eq!(uris_left_out(&unset), 0, "{}", unset.stdout);
    assert_eq!(
        unset.stderr,
        "warning: BILLING_URI is not set, and the entry that reads its uri from it (`uri: \
         ${BILLING_URI}`) names no webhook on the portal: if that webhook was renamed there, its \
         uri, a secret, is written out; set BILLING_URI for export to leave it out\n"
    );
    let set = run(&portal, &["export", "-f", "webhooks.yaml"], Some(URI));
    assert_eq!(set.code, 0, "{set:?}");
    assert_hidden(&set);
    assert_eq!(uris_left_out(&set), 1, "{}", set.stdout);
    assert_eq!(set.stderr, "");
    let quiet = run(&portal, &["export", "-f", "webhooks.yaml", "--quiet"], None);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""), "{quiet:?}");
}

/// A uri from a variable that holds no token is secret as written, not without its scheme: its
/// entry may be named by its address, and another host's uri that ends the same way
/// (`sub.crm.example.com/webhook`) is that host's, planned and exported as it is.
#[test]
fn a_uri_from_a_variable_without_a_token_is_not_found_in_its_name_or_another_hosts_uri() {
    let portal = FakePortal::start();
    portal.seed(Seed::new(
        "crm.example.com/webhook",
        "https://crm.example.com/webhook",
    ));
    portal.seed(Seed::new("Sub", "https://sub.crm.example.com/webhook"));
    let mut views = String::new();
    for args in [
        &["validate"][..],
        &["plan", "--prune"],
        &["export", "-f", "webhooks.yaml"],
    ] {
        let out = (Run::new(args).portal(&portal))
            .file("webhooks:\n  crm.example.com/webhook:\n    uri: ${CRM_URI}\n")
            .env("CRM_URI", "https://crm.example.com/webhook")
            .run();
        views += &format!("# {}\n{}\n", args.join(" "), out.user_view());
    }
    insta::assert_snapshot!(views, @r#"
    # validate
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
    ----- end -----

    # plan --prune
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      - delete #2 "Sub"
          its delivery log is empty
          name      = "Sub"
          uri       = "https://sub.crm.example.com/webhook"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 1 to delete, 1 unchanged.
    ----- stderr -----
    ----- end -----

    # export -f webhooks.yaml
    exit: 0
    ----- stdout -----
    # Exported from [PORTAL] by docspace-webhooks.
    # secretKey is write-only: the portal never returns it, so none is exported. To manage a
    # webhook's secret, add `secretKey: ${SOME_VAR}` to its entry and run
    # `docspace-webhooks apply --rotate-secrets` with SOME_VAR set.
    portal: "[PORTAL]"
    webhooks:
      "crm.example.com/webhook": # id 1
        # uri left out: it holds the value of a `uri: ${VAR}`, a secret; write `uri: ${VAR}` to manage it, the portal keeps its own meanwhile
        enabled: true
        ssl: true
        triggers: ["*"]
      "Sub": # id 2
        uri: "https://sub.crm.example.com/webhook"
        enabled: true
        ssl: true
        triggers: ["*"]
    ----- stderr -----
    ----- end -----
    "#);
}
