//! The API key and every secret must never reach stdout or stderr, whatever happens.

use crate::support::fake_portal::{FakePortal, Seed, Target};
use crate::support::run::{Outcome, Run};

const ENV_SECRET: &str = "Env-Secret-Value-77";
const LITERAL_SECRET: &str = "Literal-Secret-88";

fn file() -> String {
    format!(
        "webhooks:\n  From env:\n    uri: https://a.example.com/h\n    secretKey: ${{HOOK_SECRET}}\n  \
         Literal:\n    uri: https://b.example.com/h\n    secretKey: {LITERAL_SECRET}\n  \
         Existing:\n    uri: https://c.example.com/new\n    secretKey: ${{HOOK_SECRET}}\n"
    )
}

fn assert_clean(out: &Outcome, portal: &FakePortal) {
    let all = out.all();
    for secret in [ENV_SECRET, LITERAL_SECRET, portal.api_key().as_str()] {
        assert!(!all.contains(secret), "{secret:?} leaked:\n{all}");
    }
}

#[test]
fn no_secret_or_key_in_plan_apply_or_their_failures() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Existing", "https://c.example.com/old"));
    let run = |args: &[&str]| {
        Run::new(args)
            .file(&file())
            .portal(&portal)
            .env("HOOK_SECRET", ENV_SECRET)
            .run()
    };

    let plan = run(&["plan"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_clean(&plan, &portal);

    // One write fails at the portal; its error is shown, the secrets are not.
    portal.set_target("https://b.example.com/h", Target::Unreachable);
    let apply = run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 1, "{apply:?}");
    assert_clean(&apply, &portal);
    assert_eq!(
        portal
            .webhooks()
            .iter()
            .find(|w| w.name == "From env")
            .unwrap()
            .secret_key,
        ENV_SECRET,
        "the secret did reach the portal"
    );
}

#[test]
fn a_secret_failing_the_policy_is_named_by_variable_not_value() {
    let portal = FakePortal::start();
    let out = Run::new(&["apply", "--auto-approve"])
        .file(&file())
        .portal(&portal)
        .env("HOOK_SECRET", "has spaces in it")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("HOOK_SECRET"), "{out:?}");
    assert!(!out.all().contains("has spaces in it"), "{out:?}");
    assert!(portal.writes().is_empty());
}

#[test]
fn a_refused_key_is_reported_without_echoing_it() {
    let portal = FakePortal::start();
    let out = Run::new(&["plan"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_URL", &portal.url())
        .env("DOCSPACE_API_KEY", "sk-wrong-key-that-must-not-print")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("401"), "{out:?}");
    assert!(
        !out.all().contains("sk-wrong-key-that-must-not-print"),
        "{out:?}"
    );
}

#[test]
fn the_key_is_not_a_command_line_argument() {
    let out = Run::new(&["plan", "--api-key", "sk-x"])
        .file("webhooks: {}\n")
        .run();
    assert_eq!(out.code, 1, "clap rejects the unknown flag: {out:?}");
    let help = Run::new(&["--help"]).run();
    assert!(help.stdout.contains("DOCSPACE_API_KEY"), "{help:?}");
}
