//! What a reviewer reads in a pull request or a CI log: what changed inside a long value, and
//! look-alike hosts, from the real binary against the fake portal, in every format.

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
