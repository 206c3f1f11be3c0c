//! What an adversarial tester hid after issue 9: a secret's echo with invisible characters
//! inserted or split by markup in two places, and a name with a Hangul filler in a plan.

use crate::support::fake_portal::{FakePortal, Fault, FaultBody, FaultKind, Seed, WEBHOOK_PATH};
use crate::support::run::{Outcome, Run};

use super::leaks::assert_hidden;

const SECRET: &str = "Zq+9/Wx=Kp7r";
const KEY: &str = "sk-AB+cd9EFgh";

/// `apply` of one update against a portal with `KEY` that answers the PUT with `body`.
fn apply_answered_with(status: u16, body: FaultBody) -> Outcome {
    let portal = FakePortal::start_with(crate::support::fake_portal::Options {
        api_key: KEY.to_owned(),
        ..Default::default()
    });
    portal.seed(Seed::new("Billing", "https://b.example.com/old"));
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::Status { status, body },
    ));
    let out = Run::new(&["apply", "--auto-approve"])
        .file("webhooks:\n  Billing:\n    uri: https://b.example.com/new\n    secretKey: ${S}\n")
        .portal(&portal)
        .env("S", SECRET)
        .run();
    assert_eq!(out.code, 1, "the write fails: {out:?}");
    out
}

/// `text` with a `sep` between every two characters.
fn interleaved(text: &str, sep: char) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i > 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[test]
fn invisible_characters_inside_an_echoed_secret_do_not_stop_redaction() {
    for sep in [
        '\u{AD}',
        '\u{34F}',
        '\u{180E}',
        '\u{FE0F}',
        '\u{E0041}',
        '\u{115F}',
        '\u{1160}',
        '\u{3164}',
        '\u{FFA0}',
        '\u{200B}',
    ] {
        let message = format!(
            "secretKey {} refused for key {}",
            interleaved(SECRET, sep),
            interleaved(KEY, sep)
        );
        let out = apply_answered_with(
            400,
            FaultBody::Json(serde_json::json!({"error": {"message": message}, "status": 1})),
        );
        let shown: String = out.all().chars().filter(|c| *c != sep).collect();
        assert!(
            shown.contains("secretKey [redacted] refused for key [redacted]"),
            "U+{:04X}: {out:?}",
            sep as u32
        );
        assert_hidden(&shown, SECRET);
        assert_hidden(&shown, KEY);
    }
}

#[test]
fn invisible_characters_in_a_name_are_escaped_in_every_format() {
    let portal = FakePortal::start();
    for name in [
        "Hidden\u{3164}filler",
        "Soft\u{AD}hyphen",
        "Tag\u{E0041}",
        "Vs\u{FE0F}x",
    ] {
        portal.seed(Seed::new(name, "https://h.example.com/x"));
    }
    for format in ["text", "json", "markdown"] {
        let out = Run::new(&["plan", "--prune", "--max-deletes", "4", "--format", format])
            .file("webhooks: {}\n")
            .portal(&portal)
            .run();
        assert_eq!(out.code, 0, "{out:?}");
        for c in ['\u{3164}', '\u{AD}', '\u{E0041}', '\u{FE0F}'] {
            assert!(
                !out.stdout.contains(c),
                "U+{:04X} raw in {format}: {out:?}",
                c as u32
            );
        }
        let escaped = if format == "json" {
            r"\u3164"
        } else {
            r"\u{3164}"
        };
        assert!(out.stdout.contains(escaped), "{format}: {out:?}");
    }
}

#[test]
fn a_secret_split_by_markup_in_two_places_is_withheld() {
    for body in [
        FaultBody::Json(serde_json::json!({
            "error": {"message": "key sk<b>-AB+cd9E</b>Fgh refused"}, "status": 1
        })),
        FaultBody::Html(
            "<html><body><p>key sk</p> <p>-AB+cd9E</p> <p>Fgh refused</p></body></html>".into(),
        ),
    ] {
        let out = apply_answered_with(400, body);
        let squeezed: String = out
            .all()
            .replace("<b>", "")
            .replace("</b>", "")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(!squeezed.contains("sk-AB+cd9EFgh"), "{out:?}");
        assert!(!out.all().contains("cd9E"), "{out:?}");
        assert!(out.all().contains("split by markup"), "{out:?}");
    }
}
