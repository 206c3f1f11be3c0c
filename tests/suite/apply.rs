use std::time::Duration;

use crate::support::fake_portal::{FakePortal, Options, Seed, Target};
use crate::support::run::Run;

const SECRET: &str = "billing-Secret-9";

const FILE: &str = "\
webhooks:
  Audit:
    uri: https://audit.example.com/h
  Crm:
    ssl: false
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
    triggers: [file.uploaded]
";

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    portal.seed(
        Seed::new("Crm", "https://crm.example.com/h")
            .triggers(128)
            .target("room-1")
            .secret("crm-secret-1"),
    );
    portal.seed(Seed::new("Legacy", "https://legacy.example.com/h").target("x"));
    portal
}

fn apply(portal: &FakePortal, file: &str) -> crate::support::run::Outcome {
    Run::new(&["apply", "--auto-approve"])
        .file(file)
        .portal(portal)
        .env("BILLING_SECRET", SECRET)
        .run()
}

#[test]
fn apply_writes_only_the_drift_and_then_plans_clean() {
    let portal = portal();
    let legacy = portal.get(3).unwrap();
    let out = apply(&portal, FILE);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("Apply complete: 2 done, 0 failed."),
        "{out:?}"
    );

    let writes = portal.writes();
    let mut methods: Vec<&str> = writes.iter().map(|r| r.method.as_str()).collect();
    methods.sort();
    assert_eq!(methods, ["POST", "PUT"], "{writes:?}");

    let crm = portal.get(2).unwrap();
    assert!(!crm.ssl);
    assert_eq!(crm.triggers, 128, "unmanaged triggers kept");
    assert_eq!(
        crm.target_id.as_deref(),
        Some("room-1"),
        "unmanaged target kept"
    );
    assert_eq!(
        crm.secret_key, "crm-secret-1",
        "secret kept when the file has none"
    );
    assert_eq!(
        portal.get(3).unwrap(),
        legacy,
        "unmanaged webhook untouched"
    );

    let billing = portal
        .webhooks()
        .into_iter()
        .find(|w| w.name == "Billing")
        .unwrap();
    assert_eq!(billing.secret_key, SECRET);
    assert_eq!(billing.triggers, 256);
    assert!(billing.enabled && billing.ssl);

    let again = Run::new(&["plan", "--detailed-exitcode"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(again.code, 0, "converged: {again:?}");
}

#[test]
fn enabling_alone_uses_the_enable_call() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Hook", "https://a.example.com/h").enabled(false));
    let out = apply(&portal, "webhooks:\n  Hook:\n    enabled: true\n");
    assert_eq!(out.code, 0, "{out:?}");
    let writes = portal.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].path, "/api/2.0/settings/webhook/enable");
    assert!(portal.get(1).unwrap().enabled);
}

#[test]
fn the_create_quirk_is_corrected_by_one_follow_up_call() {
    let portal = FakePortal::start_with(Options {
        create_quirk: true,
        ..Options::default()
    });
    let file = "webhooks:\n  Quiet:\n    uri: https://q.example.com/h\n    secretKey: ${BILLING_SECRET}\n    enabled: false\n";
    let out = apply(&portal, file);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.writes().len(), 2, "{:?}", portal.writes());
    assert!(
        !portal.get(1).unwrap().enabled,
        "ends disabled as the file says"
    );
}

#[test]
fn without_a_terminal_apply_refuses_and_writes_nothing() {
    let portal = portal();
    let out = Run::new(&["apply"])
        .file(FILE)
        .portal(&portal)
        .env("BILLING_SECRET", SECRET)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #2 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [file.uploaded]

    Unmanaged (on the portal, not in the file; left alone):
      #3 "Legacy"

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
      x refusing to apply without confirmation: there is no terminal to ask on; nothing was written
      help: review the plan, then rerun with --auto-approve

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());
}

#[test]
fn a_missing_secret_stops_apply_before_any_write_naming_the_variable() {
    let portal = portal();
    let out = Run::new(&["apply", "--auto-approve"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    // Names the variable and the webhook.
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #2 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [file.uploaded]

    Unmanaged (on the portal, not in the file; left alone):
      #3 "Legacy"

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
      x 1 secret(s) could not be resolved; nothing was written

      x environment variable BILLING_SECRET is not set (secretKey of 'Billing')
       ,-[webhooks.yaml:8:16]
     7 |     uri: https://billing.example.com/h
     8 |     secretKey: ${BILLING_SECRET}
       :                ^^^^^^^^|^^^^^^^^
       :                        `-- BILLING_SECRET is read here
     9 |     triggers: [file.uploaded]
       `----
      help: set BILLING_SECRET in the environment that runs `apply`, or change `secretKey` here

    ----- end -----
    "#);
    assert!(portal.writes().is_empty(), "{:?}", portal.writes());
}

#[test]
fn one_failing_write_does_not_stop_the_others_and_a_rerun_converges() {
    let portal = portal();
    portal.set_target("https://billing.example.com/h", Target::Status(404));
    let out = apply(&portal, FILE);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("Apply complete: 1 done, 1 failed."),
        "{out:?}"
    );
    assert!(
        out.all().contains("Webhook URL is not available"),
        "the portal's own message: {out:?}"
    );
    assert!(!portal.get(2).unwrap().ssl, "the other change was made");

    portal.set_target("https://billing.example.com/h", Target::Ok);
    let rerun = apply(&portal, FILE);
    assert_eq!(rerun.code, 0, "{rerun:?}");
    insta::assert_snapshot!(rerun.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [file.uploaded]

    Unmanaged (on the portal, not in the file; left alone):
      #3 "Legacy"

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 2 unchanged.

      [1/1] [TIME] ok created #4 "Billing"

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
    ----- end -----
    "#);
}

#[test]
fn writes_never_exceed_the_parallelism_bound() {
    let portal = FakePortal::start();
    portal.set_latency(Duration::from_millis(40));
    let mut file = String::from("webhooks:\n");
    for i in 0..12 {
        file.push_str(&format!(
            "  Hook {i}:\n    uri: https://h{i}.example.com/h\n    secretKey: ${{BILLING_SECRET}}\n"
        ));
    }
    let out = Run::new(&["apply", "--auto-approve", "--parallelism", "3"])
        .file(&file)
        .portal(&portal)
        .env("BILLING_SECRET", SECRET)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.webhooks().len(), 12);
    let peak = portal.max_concurrent_writes();
    assert!((2..=3).contains(&peak), "peak concurrent writes {peak}");
}

#[test]
fn request_bodies_match_the_published_schema() {
    let portal = portal();
    let out = apply(&portal, FILE);
    assert_eq!(out.code, 0, "{out:?}");
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/openapi-webhooks.json"
        ))
        .expect("tests/data/openapi-webhooks.json"),
    )
    .unwrap();
    let create = &spec["components"]["schemas"]["CreateWebhooksConfigRequestsDto"];
    let allowed: Vec<&str> = create["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .chain(["id"])
        .collect();
    for write in portal.writes() {
        let body: serde_json::Value = serde_json::from_str(write.body.as_deref().unwrap()).unwrap();
        let body = body.as_object().unwrap();
        for key in body.keys() {
            assert!(allowed.contains(&key.as_str()), "{key} not in the schema");
        }
        for required in ["name", "uri"] {
            assert!(body[required].is_string(), "{required} missing: {body:?}");
        }
        assert!(body["triggers"].is_u64(), "triggers is a number: {body:?}");
        if write.method == "PUT" {
            assert!(body["id"].is_i64(), "PUT carries the id: {body:?}");
        }
    }
}
