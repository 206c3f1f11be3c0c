//! Messages that lead the right way: what a user who took a wrong turn reads, and how an error
//! reads in a pipeline log (stderr not a terminal, as in every test here).

use crate::support::fake_portal::{FakePortal, Seed, Target};
use crate::support::run::{Outcome, Run};

const FILE: &str = "\
webhooks:
  Billing sync:
    uri: https://billing.example.com/hooks
    secretKey: ${BILLING_SECRET}
";

#[test]
fn no_webhooks_yaml_here_names_f_and_export() {
    let portal = FakePortal::start();
    let mut views = String::new();
    for command in ["validate", "plan", "apply"] {
        let out = Run::new(&[command]).portal(&portal).run();
        assert_eq!(out.code, 1, "{command}: {out:?}");
        views += &format!("$ {command}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views, @"
    $ validate
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file webhooks.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > webhooks.yaml`

    ----- end -----

    $ plan
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file webhooks.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > webhooks.yaml`

    ----- end -----

    $ apply
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file webhooks.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > webhooks.yaml`

    ----- end -----
    ");
    assert!(
        portal.requests().is_empty(),
        "nothing is asked of the portal"
    );
}

#[test]
fn a_missing_file_given_with_f_suggests_exporting_to_that_path() {
    let out = Run::new(&["validate", "-f", "conf/my hooks.yaml"]).run();
    assert_eq!(out.code, 1, "{out:?}");
    // The path is quoted so the command pastes as it is.
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file conf/my hooks.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > 'conf/my hooks.yaml'`

    ----- end -----
    ");
}

#[test]
fn a_webhook_file_given_as_a_saved_plan_suggests_apply_f_and_writes_nothing() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing sync", "https://billing.example.com/old"));
    let run = Run::new(&["apply", "webhooks.yaml"])
        .file(FILE)
        .portal(&portal)
        .env("BILLING_SECRET", "billing-secret-1");
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x webhooks.yaml is a webhook file, not a saved plan
      help: to plan and apply a webhook file, pass it with -f: `docspace-webhooks apply -f webhooks.yaml`; `apply PLAN_FILE` takes what `plan --out PLAN_FILE` saved

    ----- end -----
    ");
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());

    // Told by its content too, whatever its name.
    std::fs::write(run.path("hooks.conf"), FILE).expect("write");
    let out = Run::new(&["apply", &run.path("hooks.conf").display().to_string()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/hooks.conf is a webhook file, not a saved plan
      help: to plan and apply a webhook file, pass it with -f: `docspace-webhooks apply -f [TMP]/hooks.conf`; `apply PLAN_FILE` takes what `plan --out PLAN_FILE` saved

    ----- end -----
    ");
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());
}

#[test]
fn an_empty_api_key_is_called_empty_not_unset() {
    let portal = FakePortal::start();
    for empty in ["", "  "] {
        let out = Run::new(&["plan"])
            .file(FILE)
            .portal(&portal)
            .env("DOCSPACE_API_KEY", empty)
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        // Points at the pipeline secret.
        insta::allow_duplicates! {
            insta::assert_snapshot!(out.user_view(), @"
            exit: 1
            ----- stdout -----
            ----- stderr -----
              x DOCSPACE_API_KEY is empty
              help: the variable is set but holds no key. A pipeline passes a secret that is not defined (or not available to the job's environment) as an empty string: check the secret's name and where it is defined. Locally: `export DOCSPACE_API_KEY=sk-...` with an API key of a DocSpace admin

            ----- end -----
            ");
        }
        assert!(!out.stderr.contains("not set"), "{out:?}");
    }
    let unset = Run::new(&["plan", "--portal", &portal.url()])
        .file(FILE)
        .run();
    assert_eq!(unset.code, 1, "{unset:?}");
    insta::assert_snapshot!(unset.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x DOCSPACE_API_KEY is not set
      help: create an API key in DocSpace (Settings > Developer Tools > API keys) as a DocSpace admin, then `export DOCSPACE_API_KEY=sk-...`; it is never read from the command line

    ----- end -----
    ");
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());
}

/// The first line with text, and no line that is only a diagnostic code (`config::invalid`,
/// `Error: config::yaml`).
fn assert_leads_with(out: &Outcome, message: &str) {
    let first = out.stderr.lines().find(|l| !l.trim().is_empty());
    assert_eq!(
        first.map(str::trim_start),
        Some(format!("x {message}").as_str()),
        "{}",
        out.stderr
    );
    let bare_code = |line: &str| {
        let word = line.trim().trim_start_matches("Error:").trim();
        word.contains("::") && !word.contains(' ')
    };
    assert!(
        !out.stderr.lines().any(bare_code),
        "a bare code line:\n{}",
        out.stderr
    );
}

#[test]
fn errors_in_a_log_lead_with_their_message() {
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: ftp://a.example.com\n  B:\n    colour: red\n")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_leads_with(&out, "the webhook file has 2 problems");
    insta::assert_snapshot!("ci_log_two_problems", out.stderr);

    let out = Run::new(&["validate", "-f", "nope.yaml"]).run();
    assert_leads_with(&out, "cannot read the webhook file nope.yaml");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file nope.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > nope.yaml`

    ----- end -----
    ");

    let portal = FakePortal::start();
    portal.set_target("https://billing.example.com/hooks", Target::Unreachable);
    let out = Run::new(&["apply", "--auto-approve"])
        .file(FILE)
        .portal(&portal)
        .env("BILLING_SECRET", "billing-secret-1")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_leads_with(&out, "1 of 1 change(s) failed");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      + create "Billing sync"
          name      = "Billing sync"
          uri       = "https://billing.example.com/hooks"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 0 unchanged.

      [1/1] [TIME] failed "Billing sync" was not created: POST /api/2.0/settings/webhook failed (HTTP 500): Connection refused ([redacted].example.com:443)

    Apply complete: 0 done, 1 failed.
    ----- stderr -----
      x 1 of 1 change(s) failed
      help: the changes reported as done are on the portal; fix the cause and rerun apply, whose plan shows only what is left

    ----- end -----
    "#);
}

#[test]
fn warnings_in_a_log_lead_with_their_message_too() {
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: https://a.example.com\n    secretKey: Literal-Secret-1\n")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
      ! the secretKey of 'A' is written in the file
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   A:
       :   |
       :   `-- secret written literally in this entry
     3 |     uri: https://a.example.com
       `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

    ----- end -----
    ");
    let first = out.stderr.lines().find(|l| !l.trim().is_empty());
    assert!(
        first.is_some_and(|l| l.trim_start().starts_with("! ")),
        "{out:?}"
    );
    assert!(!out.stderr.contains("config::"), "{out:?}");
}
