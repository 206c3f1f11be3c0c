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
    for command in ["validate", "plan", "apply"] {
        let out = Run::new(&[command]).portal(&portal).run();
        assert_eq!(out.code, 1, "{command}: {out:?}");
        assert!(out.stderr.contains("webhooks.yaml"), "{command}: {out:?}");
        assert!(out.stderr.contains("-f PATH"), "{command}: {out:?}");
        assert!(
            out.stderr
                .contains("docspace-webhooks export > webhooks.yaml"),
            "{command}: {out:?}"
        );
    }
    assert!(
        portal.requests().is_empty(),
        "nothing is asked of the portal"
    );
}

#[test]
fn a_missing_file_given_with_f_suggests_exporting_to_that_path() {
    let out = Run::new(&["validate", "-f", "conf/my hooks.yaml"]).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("docspace-webhooks export > 'conf/my hooks.yaml'"),
        "the path is quoted so the command pastes as it is: {out:?}"
    );
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
    assert!(
        out.stderr
            .contains("webhooks.yaml is a webhook file, not a saved plan"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("docspace-webhooks apply -f webhooks.yaml"),
        "{out:?}"
    );
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());

    // Told by its content too, whatever its name.
    std::fs::write(run.path("hooks.conf"), FILE).expect("write");
    let out = Run::new(&["apply", &run.path("hooks.conf").display().to_string()])
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("apply -f"), "{out:?}");
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
        assert!(out.stderr.contains("DOCSPACE_API_KEY is empty"), "{out:?}");
        assert!(!out.stderr.contains("not set"), "{out:?}");
        assert!(
            out.stderr.contains("secret"),
            "points at the pipeline secret: {out:?}"
        );
    }
    let unset = Run::new(&["plan", "--portal", &portal.url()])
        .file(FILE)
        .run();
    assert_eq!(unset.code, 1, "{unset:?}");
    assert!(
        unset.stderr.contains("DOCSPACE_API_KEY is not set"),
        "{unset:?}"
    );
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

    let portal = FakePortal::start();
    portal.set_target("https://billing.example.com/hooks", Target::Unreachable);
    let out = Run::new(&["apply", "--auto-approve"])
        .file(FILE)
        .portal(&portal)
        .env("BILLING_SECRET", "billing-secret-1")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_leads_with(&out, "1 of 1 change(s) failed");
    assert!(
        out.stderr.contains("help: the changes reported as done"),
        "{out:?}"
    );
}

#[test]
fn warnings_in_a_log_lead_with_their_message_too() {
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: https://a.example.com\n    secretKey: Literal-Secret-1\n")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let first = out.stderr.lines().find(|l| !l.trim().is_empty());
    assert!(
        first.is_some_and(|l| l.trim_start().starts_with("! ")),
        "{out:?}"
    );
    assert!(!out.stderr.contains("config::"), "{out:?}");
}
