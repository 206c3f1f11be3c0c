//! What a reviewer reads in a pull request or a CI log: what changed inside a long value,
//! look-alike hosts, secrets that are not compared and the rename trap, from the real binary
//! against the fake portal, in every format.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

const OLD: &str = "https://billing.example.com/hooks/docspace?tenant=42";
const NEW: &str = "https://billing.example.com/hooks/docspace?tenant=43";

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", OLD));
    portal.seed(Seed::new("Mirror", "https://mirror.example.com/hooks"));
    portal
}

/// Billing's tenant changes by one character; Mirror moves to a host spelled with a Cyrillic
/// `і` (U+0456), with credentials in the uri.
fn file() -> String {
    format!(
        "webhooks:\n  Billing:\n    uri: {NEW}\n  Mirror:\n    uri: https://bot:Pw-hunter2@m\u{456}rror.example.com/hooks\n"
    )
}

fn plan(args: &[&str]) -> crate::support::run::Outcome {
    let portal = portal();
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    let out = Run::new(&all).file(&file()).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.all().contains("hunter2"),
        "a credential leaked: {out:?}"
    );
    out
}

#[test]
fn a_ci_log_marks_the_changed_character_under_aligned_lines() {
    let out = plan(&[]);
    let expected = format!(
        "      uri       - {OLD:?}\n                + {NEW:?}\n{}^\n",
        " ".repeat(18 + OLD.len())
    );
    assert!(out.stdout.contains(&expected), "{}", out.stdout);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
}

#[test]
fn a_color_terminal_emphasises_the_character_instead() {
    let out = plan(&["--color", "always"]);
    // `3` in reverse video within the green new value, and no marker line.
    assert!(
        out.stdout.contains("tenant=4\u{1b}[0m\u{1b}[7m\u{1b}[32m3"),
        "{:?}",
        out.stdout
    );
    assert!(
        !out.stdout.lines().any(|l| l.trim_start().starts_with('^')),
        "{}",
        out.stdout
    );
}

#[test]
fn a_lookalike_host_is_called_out_in_every_format() {
    let text = plan(&[]);
    assert!(
        text.stdout.contains(
            "! look-alike host in the uri: \"m\u{456}rror.example.com\" contains non-ASCII"
        ),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(
            "\"https://bot:***@m\u{456}rror.example.com/hooks\" (host xn--mrror-n2e.example.com)"
        ),
        "{}",
        text.stdout
    );
    // The file's own warning, as `validate` shows it.
    assert!(
        text.stderr.contains("has a look-alike host"),
        "{}",
        text.stderr
    );

    let md = plan(&["--format", "markdown"]).stdout;
    assert!(
        md.contains("> **Warning:** look-alike host in the uri:"),
        "{md}"
    );
    assert!(md.contains("(host xn--mrror-n2e.example.com)"), "{md}");
    assert!(
        md.contains(&format!(
            "+ uri: {NEW:?}\n  {}^\n",
            " ".repeat(6 + NEW.len() - 1)
        )),
        "{md}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&plan(&["--format", "json"]).stdout).expect("JSON");
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(changes[0]["warnings"], serde_json::json!([]));
    assert_eq!(
        changes[1]["warnings"],
        serde_json::json!([{
            "code": "lookalike_host",
            "field": "uri",
            "host": "m\u{456}rror.example.com",
            "punycode": "xn--mrror-n2e.example.com",
            "message": "look-alike host in the uri: \"m\u{456}rror.example.com\" contains non-ASCII \
                        characters, which can look like ASCII ones; it is xn--mrror-n2e.example.com, \
                        check that this is the host you mean"
        }])
    );
}

#[test]
fn a_secret_set_in_the_file_is_never_reported_as_matching() {
    let portal = portal();
    let file = "webhooks:\n  Billing:\n    secretKey: ${BILLING_SECRET}\n";
    let out = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.stdout.contains("The portal matches the file."),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "this plan does not send the secretKey the file sets for #1 \"Billing\". \
             apply --rotate-secrets sends it."
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Apply will read"), "nothing is sent");

    let rotated = Run::new(&["plan", "--rotate-secrets", "--format", "json"])
        .file(file)
        .portal(&portal)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&rotated.stdout).expect("JSON");
    assert_eq!(doc["secrets_needed"], serde_json::json!(["BILLING_SECRET"]));
    assert_eq!(doc["secrets_not_sent"], serde_json::json!([]));
}

#[test]
fn a_new_name_on_a_live_uri_suggests_renaming_by_id() {
    let portal = portal();
    // "Mirror" renamed by its name key: a create, while #2 keeps the uri.
    let file = "webhooks:\n  Billing: {}\n  Mirror v2:\n    uri: https://mirror.example.com/hooks\n    secretKey: ${MIRROR_SECRET}\n";
    let out = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "! #2 \"Mirror\" has the same uri and no entry in the file: to rename it rather \
             than create another webhook, key this entry by its id, 2: { name: \"Mirror v2\" }"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Apply will read: MIRROR_SECRET"),
        "{}",
        out.stdout
    );

    let pruned = Run::new(&["plan", "--prune", "--format", "markdown"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(pruned.code, 0, "{pruned:?}");
    assert!(
        pruned.stdout.contains(
            "> **Warning:** `#2 \"Mirror\"` has the same uri and is deleted by this plan: this \
             create and that delete lose its id and delivery history"
        ),
        "{}",
        pruned.stdout
    );
    // The delete leads, before any create.
    assert!(
        pruned.stdout.find("#### - delete") < pruned.stdout.find("#### + create"),
        "{}",
        pruned.stdout
    );
}
