//! What an adversarial tester hid after issue 9: a secret's echo with invisible characters
//! inserted or split by markup in two places, and a name with a Hangul filler in a plan.

use crate::support::fake_portal::{FakePortal, Fault, FaultBody, FaultKind, Seed, WEBHOOK_PATH};
use crate::support::run::{Outcome, Run};

use super::leaks::assert_hidden;

const SECRET: &str = "Zq+9/Wx=Kp7r";
const KEY: &str = "sk-AB+cd9EFgh";
/// A secret holding `<` before a letter, as a tag would start.
const LT: &str = "Wq7Zk29P<Lm3Xa8T";

/// `apply` of one update against a portal with `KEY` that answers the PUT with `body`.
fn apply_answered_with(status: u16, body: FaultBody) -> Outcome {
    apply_answered(FaultKind::Status { status, body }, SECRET)
}

/// `apply` of one update, sending `secret`, against a portal with `KEY` that answers the PUT
/// with `kind`.
fn apply_answered(kind: FaultKind, secret: &str) -> Outcome {
    let portal = FakePortal::start_with(crate::support::fake_portal::Options {
        api_key: KEY.to_owned(),
        ..Default::default()
    });
    portal.seed(Seed::new("Billing", "https://b.example.com/old"));
    portal.inject(Fault::new("PUT", WEBHOOK_PATH, kind));
    let out = Run::new(&["apply", "--auto-approve"])
        .file("webhooks:\n  Billing:\n    uri: https://b.example.com/new\n    secretKey: ${S}\n")
        .portal(&portal)
        .env("S", secret)
        .run();
    assert_eq!(out.code, 1, "the write fails: {out:?}");
    out
}

/// The line of `out` that reports the change, as a user sees it.
fn report(out: &Outcome) -> String {
    let view = out.user_view();
    let line = view.lines().find(|l| l.contains("[1/1]"));
    line.unwrap_or_default().to_owned()
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

/// Markup that holds a `>` where it does not end: a comment (`<!-- > -->`), a quoted attribute
/// value (`<b t=">">`). A secret split by it is withheld as by any markup, in a portal's
/// message and a proxy's page, and so is one whose pieces only a page's tag stripping joins
/// (a `<script>` between them), which a page redacted as it came shows the middle of.
#[test]
fn a_secret_split_by_markup_holding_a_gt_is_withheld() {
    let split =
        |text: &str, by: &str| format!("{}{by}{}{by}{}", &text[..4], &text[4..9], &text[9..]);
    let mut shown = Vec::new();
    for by in [
        "<!-- > -->",
        "<b t=\">\">",
        "<i t = '>'>",
        "<script>x</script>",
    ] {
        let message = format!(
            "secretKey {} refused for key {}",
            split(SECRET, by),
            split(KEY, by)
        );
        for body in [
            FaultBody::Json(serde_json::json!({"error": {"message": message}, "status": 1})),
            FaultBody::Html(format!("<html><body><p>{message}</p></body></html>")),
        ] {
            let out = apply_answered_with(400, body);
            assert_hidden(&out.all(), SECRET);
            assert_hidden(&out.all(), KEY);
            shown.push(report(&out));
        }
    }
    insta::assert_snapshot!(shown.join("\n"));
}

/// A webhook list whose name holds the key split by such markup is refused, as one that holds
/// it whole.
#[test]
fn a_list_holding_the_key_split_by_markup_holding_a_gt_is_refused() {
    let mut views = String::new();
    for name in [
        "sk-AB<!-- > -->+cd9E<!-- > -->Fgh",
        "sk-AB<b t=\">\">+cd9EFgh",
    ] {
        let portal = FakePortal::start_with(crate::support::fake_portal::Options {
            api_key: KEY.to_owned(),
            ..Default::default()
        });
        portal.seed(Seed::new(name, "https://relay.example.com/h"));
        let out = Run::new(&["plan"])
            .file("webhooks: {}\n")
            .portal(&portal)
            .run();
        views += &out.user_view();
    }
    insta::assert_snapshot!(views);
}

/// A secretKey holding `<` (`LT`), in a proxy's page one character per `<span>` (its `<` raw
/// or as `&lt;`) and in a portal's message in three `<b>` pieces (`29P<L</b>`): its own `<` is
/// text, not the start of a tag, so the secret is whole once the markup is gone and nothing of
/// the answer is shown.
#[test]
fn a_secret_holding_a_lt_split_by_markup_is_withheld() {
    let spans = |lt: &str| {
        let each = LT.chars().map(|c| match c {
            '<' => format!("<span>{lt}</span>"),
            c => format!("<span>{c}</span>"),
        });
        let token = each.collect::<String>();
        format!("<html><body><p>Request failed for token {token} please retry</p></body></html>")
    };
    let message = "secretKey <b>Wq7Zk</b><b>29P<L</b><b>m3Xa8T</b> is too weak";
    let mut views = String::new();
    for (status, body) in [
        (400, FaultBody::Html(spans("<"))),
        (400, FaultBody::Html(spans("&lt;"))),
        (
            400,
            FaultBody::Json(serde_json::json!({"error": {"message": message}, "status": 1})),
        ),
    ] {
        let out = apply_answered(FaultKind::Status { status, body }, LT);
        assert_hidden(&out.all(), LT);
        views += &out.user_view();
    }
    insta::assert_snapshot!(views);
}

/// A webhook list whose name holds `LT` split by markup around its `<` is refused (exit 1), as
/// one that holds it whole: nothing of the list is shown or saved.
#[test]
fn a_list_holding_a_secret_with_a_lt_split_by_markup_is_refused() {
    let mut views = String::new();
    for name in [
        "B <b>Wq7Zk</b><b>29P<L</b><b>m3Xa8T</b>",
        "B Wq7Zk29P<<i>Lm3Xa8T</i>",
    ] {
        let portal = FakePortal::start();
        portal.seed(Seed::new(name, "https://relay.example.com/h"));
        let run = Run::new(&["plan", "--out", "plan.json"])
            .file("webhooks:\n  A:\n    uri: https://a.example.com/h\n    secretKey: ${S}\n")
            .portal(&portal)
            .env("S", LT);
        let out = run.run();
        assert!(!run.path("plan.json").exists(), "{out:?}");
        views += &out.user_view();
    }
    insta::assert_snapshot!(views);
}

/// A redirect's `Location` is redacted as it came, before it is resolved against the portal
/// (which reads `\` as `/`): the key in `\uXXXX` or `\xXX` escapes in its path, and a secret
/// holding `\`, are found and hidden.
#[test]
fn a_redirect_to_a_path_holding_an_escaped_key_or_a_secret_with_a_backslash_is_redacted() {
    const BACKSLASHED: &str = r"Zq\Wx9Lm2Pq7\Rt";
    let escaped = |format: fn(char) -> String| KEY.chars().map(format).collect::<String>();
    let locations = [
        format!("/login/{}", escaped(|c| format!("\\u{:04x}", c as u32))),
        format!("/login/{}", escaped(|c| format!("\\x{:02x}", c as u32))),
        format!("/moved/{BACKSLASHED}/x"),
    ];
    let mut shown = Vec::new();
    for location in locations {
        let out = apply_answered(
            FaultKind::Redirect {
                status: 307,
                location,
            },
            BACKSLASHED,
        );
        assert_hidden(&out.all(), KEY);
        assert_hidden(&out.all(), BACKSLASHED);
        assert_hidden(&out.all(), &BACKSLASHED.replace('\\', "/"));
        shown.push(report(&out));
    }
    insta::assert_snapshot!(shown.join("\n"));
}
