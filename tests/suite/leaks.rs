//! Every way issue 9 found a secret getting out, as a user would hit it: the real binary, the
//! fake portal on loopback. Config diagnostics (a misspelled key, a value on its own line next
//! to a syntax error, a stray `|`, credentials in a uri), echoes in spellings the old redactor
//! missed (.NET's `\u002B`, numeric entities, lower-case percent and `+`, a message cut before
//! redaction, the key in a retried 503), the panic hook, and `export` of hostile names.

use crate::support::fake_portal::{
    Echo, FakePortal, Fault, FaultBody, FaultKind, Seed, Spelling, WEBHOOK_PATH, Wrapper,
};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

/// The issue's own values: `+`, `/` and `=` are what the old redactor's spellings missed.
const SECRET: &str = "Zq+9/Wx=Kp7r";
const KEY: &str = "sk-AB+cd9EFgh";
const LITERAL: &str = "hunter2hunter2";

/// Fails when `text` holds `value` in any spelling the fake portal can echo.
pub fn assert_hidden(text: &str, value: &str) {
    for spelling in Spelling::ALL {
        let spelled = spelling.spell(value);
        assert!(
            !text.contains(&spelled),
            "{value:?} got out as {spelling:?} {spelled:?}:\n{text}"
        );
    }
}

fn validate(file: &str) -> Outcome {
    Run::new(&["validate"]).file(file).run()
}

#[test]
fn a_misspelled_secret_key_is_suggested_but_its_value_not_shown() {
    let portal = FakePortal::start();
    for key in ["secrectKey", "scretKey", "secertKey"] {
        let file = format!(
            "webhooks:\n  Billing:\n    uri: https://b.example.com/h\n    {key}: {LITERAL}\n    \
             triggers: [file.uploaded]\n"
        );
        for out in [
            validate(&file),
            Run::new(&["plan"]).file(&file).portal(&portal).run(),
        ] {
            assert_eq!(out.code, 1, "{out:?}");
            assert!(
                out.stderr.contains(&format!("unknown field `{key}`")),
                "{out:?}"
            );
            assert!(out.stderr.contains("did you mean `secretKey`?"), "{out:?}");
            assert!(out.stderr.contains(&format!("{key}: ***")), "{out:?}");
            assert!(!out.all().contains(LITERAL), "{out:?}");
        }
    }
}

#[test]
fn a_secret_on_its_own_line_is_not_shown_near_a_syntax_error() {
    let out = validate(&format!(
        "webhooks:\n  Billing:\n    secretKey:\n      {LITERAL}\n    uri: [https://b.example.com\n"
    ));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.all().contains(LITERAL), "{out:?}");
    assert!(out.stderr.contains("invalid YAML"), "{out:?}");
    // No snippet, so the message itself says where.
    assert!(out.stderr.contains("webhooks.yaml:5:"), "{out:?}");
    assert!(out.stderr.contains("lines are not shown"), "{out:?}");

    // With only `${VAR}` references, nothing in the file is secret: the snippet is shown.
    let out = validate("webhooks:\n  Billing:\n    secretKey: ${BILLING}\n    uri: [x\n");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("secretKey: ${BILLING}"), "{out:?}");

    // When the file parses, the value is masked where it stands and the rest is shown.
    let out = validate(&format!(
        "webhooks:\n  Billing:\n    secretKey:\n      {LITERAL}\n    triggers: [nope]\n"
    ));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.all().contains(LITERAL), "{out:?}");
    assert!(out.stderr.contains("triggers: [nope]"), "{out:?}");
}

#[test]
fn a_stray_block_indicator_does_not_print_the_whole_file() {
    for indicator in ["|", ">", "|-", ">+"] {
        let out = validate(&format!(
            "{indicator}\nwebhooks:\n  Billing:\n    uri: https://b.example.com/h\n    \
             secretKey: {LITERAL}\n"
        ));
        assert_eq!(out.code, 1, "{out:?}");
        assert!(!out.all().contains(LITERAL), "{out:?}");
        assert!(!out.all().contains("b.example.com"), "{out:?}");
        assert!(out.stderr.contains("must be a mapping"), "{out:?}");
        assert!(out.stderr.contains("remove it"), "{out:?}");
    }
}

#[test]
fn credentials_in_a_uri_are_masked_in_the_ssl_error() {
    for uri in [
        "http://admin:Sup3rS3cret@hooks.example.com/h",
        "\"http://admin:Sup3rS3cret@hooks.example.com/h\"",
    ] {
        let out = validate(&format!(
            "webhooks:\n  Billing:\n    uri: {uri}\n    ssl: true\n"
        ));
        assert_eq!(out.code, 1, "{out:?}");
        assert!(out.stderr.contains("requires an https uri"), "{out:?}");
        assert!(
            out.stderr.contains("admin:***@hooks.example.com"),
            "{out:?}"
        );
        assert!(!out.all().contains("Sup3rS3cret"), "{out:?}");
    }
}

/// A portal with `KEY` and one webhook, and a file that moves its uri, so `apply` sends one
/// PUT carrying `SECRET`.
fn portal_and_file() -> (FakePortal, String) {
    let portal = FakePortal::start_with(crate::support::fake_portal::Options {
        api_key: KEY.to_owned(),
        ..Default::default()
    });
    portal.seed(Seed::new("Billing", "https://b.example.com/old"));
    let file = "webhooks:\n  Billing:\n    uri: https://b.example.com/new\n    \
                secretKey: ${HOOK_SECRET}\n"
        .to_owned();
    (portal, file)
}

fn apply(portal: &FakePortal, file: &str) -> Outcome {
    let out = Run::new(&["apply", "--auto-approve", "-v"])
        .file(file)
        .portal(portal)
        .env("HOOK_SECRET", SECRET)
        .run();
    assert_eq!(out.code, 1, "the echoed write fails: {out:?}");
    assert_hidden(&out.all(), SECRET);
    assert_hidden(&out.all(), KEY);
    out
}

fn echo(status: u16, spelling: Spelling, wrapper: Wrapper) -> FaultKind {
    FaultKind::Echo(Echo {
        status,
        spelling,
        wrapper,
        keep: usize::MAX,
    })
}

#[test]
fn dotnet_json_escaping_in_a_problem_detail_is_redacted() {
    // As ASP.NET writes a ProblemDetails: System.Text.Json escapes `+` and `'` as \uXXXX.
    let (portal, file) = portal_and_file();
    let detail = Spelling::DotNet.spell(&format!("secretKey '{SECRET}' refused for key {KEY}"));
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 400,
            body: FaultBody::Text(format!(
                "{{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5.1\",\
                 \"title\":\"Bad Request\",\"status\":400,\"detail\":\"{detail}\"}}"
            )),
        },
    ));
    let out = apply(&portal, &file);
    assert!(
        out.stdout
            .contains("secretKey '[redacted]' refused for key [redacted]"),
        "{out:?}"
    );
    // The request echoed whole in DocSpace's own envelopes, spelled the same way.
    for wrapper in [Wrapper::ErrorMessage, Wrapper::Validation] {
        let (portal, file) = portal_and_file();
        portal.inject(Fault::new(
            "PUT",
            WEBHOOK_PATH,
            echo(400, Spelling::DotNet, wrapper),
        ));
        let out = apply(&portal, &file);
        assert!(out.stdout.contains("Bearer [redacted]"), "{out:?}");
        assert!(
            out.stdout.contains("\"secretKey\":\"[redacted]\""),
            "{out:?}"
        );
    }
}

#[test]
fn numeric_entities_in_a_proxy_error_page_are_redacted() {
    for spelling in [
        Spelling::HtmlDecimal,
        Spelling::HtmlHex,
        Spelling::HtmlHexUpperX,
        Spelling::HtmlNamed,
    ] {
        let (portal, file) = portal_and_file();
        portal.inject(Fault::new("PUT", WEBHOOK_PATH, echo(502, spelling, Wrapper::Html)).times(5));
        let out = apply(&portal, &file);
        assert!(out.stderr.contains("retrying PUT"), "{out:?}");
        assert!(out.all().contains("HTTP 502"), "{out:?}");
    }
}

#[test]
fn lower_case_percent_and_form_encoding_are_redacted() {
    for spelling in [
        Spelling::PercentLower,
        Spelling::PercentUpper,
        Spelling::Form,
    ] {
        let (portal, file) = portal_and_file();
        portal.inject(Fault::new(
            "PUT",
            WEBHOOK_PATH,
            echo(400, spelling, Wrapper::Text),
        ));
        let out = apply(&portal, &file);
        assert!(out.all().contains("[redacted]"), "{out:?}");
    }
    // And in a redirect's Location header.
    let (portal, file) = portal_and_file();
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        echo(302, Spelling::PercentLower, Wrapper::Location),
    ));
    let out = apply(&portal, &file);
    assert!(out.all().contains("elsewhere.example"), "{out:?}");
}

#[test]
fn a_portal_message_is_redacted_before_it_is_cut() {
    // The secret straddles the 500 characters a portal message is cut to.
    for pad in [489, 493, 497, 499] {
        let (portal, file) = portal_and_file();
        let message = format!("{}{SECRET} and the key {KEY}", "x".repeat(pad));
        portal.inject(Fault::new(
            "PUT",
            WEBHOOK_PATH,
            FaultKind::Status {
                status: 400,
                body: FaultBody::Json(serde_json::json!({"error": {"message": message}})),
            },
        ));
        let out = apply(&portal, &file);
        assert!(out.all().contains(&"x".repeat(pad)), "{out:?}");
        assert!(
            !out.all().contains("Zq+9"),
            "no piece of it either: {out:?}"
        );
    }
}

#[test]
fn the_key_echoed_in_a_503_on_a_get_is_in_no_retry_line_or_error() {
    for spelling in [Spelling::Literal, Spelling::DotNet, Spelling::PercentLower] {
        let (portal, file) = portal_and_file();
        let fault = |times| {
            Fault::new("GET", WEBHOOK_PATH, echo(503, spelling, Wrapper::Text)).times(times)
        };
        portal.inject(fault(5));
        let out = Run::new(&["plan", "-v"]).file(&file).portal(&portal).run();
        assert_eq!(out.code, 1, "{out:?}");
        assert_eq!(out.stderr.matches("retrying GET").count(), 4, "{out:?}");
        assert_eq!(
            out.stderr.matches("Bearer [redacted]").count(),
            5,
            "{out:?}"
        );
        assert_hidden(&out.all(), KEY);

        // One 503, then the list: the plan goes on, and only the retry line saw the echo.
        portal.inject(fault(1));
        let out = Run::new(&["plan", "-v"]).file(&file).portal(&portal).run();
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stderr.contains("retrying GET"), "{out:?}");
        assert_hidden(&out.all(), KEY);
    }
}

/// An echo that changes the case of the key or a secret (a proxy that lower-cases header
/// lines, a portal that upper-cases what it quotes) is redacted as an exact one is, with the
/// text around it in its own case: in apply's report and retry lines, and in a portal's error
/// on stderr, in the JSON plan and in a saved plan.
#[test]
fn the_key_or_a_secret_echoed_in_another_case_is_redacted() {
    for (spelling, shown) in [
        (Spelling::Upper, "\"SECRETKEY\":\"[redacted]\""),
        (Spelling::Lower, "\"secretkey\":\"[redacted]\""),
    ] {
        let (portal, file) = portal_and_file();
        let fault = echo(503, spelling, Wrapper::ErrorMessage);
        portal.inject(Fault::new("PUT", WEBHOOK_PATH, fault).times(5));
        let out = apply(&portal, &file);
        assert!(out.stderr.contains("retrying PUT"), "{out:?}");
        assert!(
            out.stdout.contains(shown) && out.stderr.contains(shown),
            "{out:?}"
        );
    }

    let fleet = Fleet::start(&["alpha", "bravo"]);
    let key = fleet.key("bravo").to_owned();
    let message = format!(
        "denied for {} with secretKey {}",
        key.to_uppercase(),
        SECRET.to_lowercase()
    );
    let denied = FaultKind::Status {
        status: 403,
        body: FaultBody::Json(serde_json::json!({"error": {"message": message}})),
    };
    fleet
        .portal("bravo")
        .inject(Fault::new("GET", WEBHOOK_PATH, denied).times(2));
    let file = format!(
        "{}webhooks:\n  Billing:\n    uri: https://b.example.com/h\n    \
         secretKey: ${{HOOK_SECRET}}\n",
        fleet.portals_yaml(&[])
    );
    let run = |args: &[&str]| {
        Run::new(args)
            .file(&file)
            .fleet(&fleet)
            .env("HOOK_SECRET", SECRET)
    };
    let saved = run(&["plan", "--out", "plan.json", "--retries", "0"]);
    let planned = saved.run();
    let plan_file = std::fs::read_to_string(saved.path("plan.json")).unwrap();
    let json = run(&["plan", "--format", "json", "--retries", "0"]).run();
    for (what, text) in [
        ("stderr", &planned.stderr),
        ("the saved plan", &plan_file),
        ("the JSON plan", &json.stdout),
    ] {
        assert!(
            text.contains("denied for [redacted] with secretKey [redacted]"),
            "{what}: {text}"
        );
        assert_hidden(text, &key);
        assert_hidden(text, SECRET);
    }
}

#[test]
fn a_panic_shows_where_but_not_a_message_built_at_run_time() {
    if !cfg!(debug_assertions) {
        return; // The test trigger exists in debug builds only.
    }
    let out = Run::new(&["validate"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_WEBHOOKS_TEST_PANIC", KEY)
        .run();
    assert_eq!(out.code, 1, "a bug is an error like any other: {out:?}");
    assert!(
        out.stderr
            .contains("internal error in docspace-webhooks at src/"),
        "{out:?}"
    );
    assert!(out.stderr.contains("This is a bug"), "{out:?}");
    assert!(
        !out.stderr.contains("panicked"),
        "not the default hook: {out:?}"
    );
    assert_hidden(&out.all(), KEY);

    let out = Run::new(&["validate"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_WEBHOOKS_TEST_PANIC", "literal")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("a test panic with a literal message"),
        "{out:?}"
    );
}

#[test]
fn export_escapes_what_the_reader_refuses_and_reads_back_exactly() {
    let portal = FakePortal::start();
    let names = [
        "next\u{85}line",
        "csi\u{9b}31m",
        "not\u{FFFE}char",
        "bidi\u{202E}gnp.exe",
        "esc\u{1b}[2J",
    ];
    for (i, name) in names.iter().enumerate() {
        portal.seed(Seed::new(name, &format!("https://h{i}.example.com/h")));
    }
    let export = Run::new(&["export"]).portal(&portal).run();
    assert_eq!(export.code, 0, "{export:?}");
    for raw in ['\u{85}', '\u{9b}', '\u{FFFE}', '\u{202E}', '\u{1b}'] {
        assert!(!export.stdout.contains(raw), "{raw:?} raw in {export:?}");
    }
    assert!(export.stdout.contains("\"next\\u0085line\""), "{export:?}");

    let valid = validate(&export.stdout);
    assert_eq!(valid.code, 0, "{valid:?}\n--- export:\n{}", export.stdout);
    let plan = Run::new(&["plan", "--prune", "--detailed-exitcode"])
        .file(&export.stdout)
        .portal(&portal)
        .run();
    assert_eq!(plan.code, 0, "no changes: {plan:?}");
}

/// A portal (or a proxy in front of it) that echoes the key or a secret of the file into the
/// webhook list (a name, a uri, a targetId; in capitals, or percent-encoded): every command that
/// reads the list refuses it, naming the webhook and the field, and shows, plans or saves none
/// of it. Hiding it would have to hold in every output (colored diffs, JSON escapes, exports).
#[test]
fn the_key_or_a_secret_echoed_into_the_list_is_refused_and_nothing_is_shown_or_written() {
    let mut views = String::new();
    let echoes = [
        Seed::new(&format!("relay {KEY}"), "https://relay.example.com/h"),
        Seed::new(
            "copy",
            &format!("https://copy.example.com/{}", SECRET.to_uppercase()),
        ),
        Seed::new("target", "https://t.example.com/h").target(&SECRET.replace('+', "%2B")),
        Seed::new("late", "https://l.example.com/h").failure(&format!("echo {KEY}"), "x"),
    ];
    for (i, echo) in echoes.into_iter().enumerate() {
        let (portal, file) = portal_and_file();
        portal.seed(echo);
        let run = |args: &[&str]| {
            let run = Run::new(args)
                .file(&file)
                .portal(&portal)
                .env("HOOK_SECRET", SECRET);
            let written = run.path("out.yaml");
            let out = run.run();
            assert_eq!(out.code, 1, "{args:?}: {out:?}");
            assert!(!written.exists(), "{args:?}: nothing is written");
            assert_hidden(&out.all(), KEY);
            assert_hidden(&out.all(), SECRET);
            out
        };
        for format in ["text", "json", "markdown"] {
            run(&["plan", "--prune", "--format", format]);
        }
        run(&["plan", "--out", "out.yaml"]);
        run(&["apply", "--auto-approve"]);
        run(&["status"]);
        // With the file, which names the secrets (alone, export knows only the key).
        run(&["export", "-f", "webhooks.yaml", "--out", "out.yaml"]);
        let out = run(&["export", "-f", "webhooks.yaml"]);
        assert_eq!(out.stdout, "", "{out:?}");
        if i == 0 {
            views += &run(&["plan"]).user_view();
        }
        views += &format!(
            "{}\n",
            out.stderr
                .lines()
                .find(|l| l.contains(" x "))
                .unwrap_or_default()
        );
    }
    insta::assert_snapshot!(views);
}

/// A secret that is an ordinary word is found in a list that merely holds the word (a uri's
/// path, a name): the refusal names where the matched secret comes from (its variable, or the
/// entry and line of a literal), never its value, and says a longer random secret avoids it;
/// a secret uri's refusal and one of text encoded too deeply have help of their own.
#[test]
fn a_list_refused_for_an_echoed_secret_names_where_that_secret_comes_from() {
    let file = "webhooks:\n  Billing:\n    uri: ${HOOK_URI}\n    secretKey: ${HOOK_SECRET}\n  \
                Audit:\n    uri: https://a.example.com/h\n    secretKey: password1\n";
    let uri = "https://hooks.example.com/in/T0ken12345";
    let echoes = [
        Seed::new("Relay", "https://relay.example.com/incoming/h"),
        Seed::new("reset password1 flow", "https://r.example.com/h"),
        Seed::new(&format!("relay {KEY}"), "https://relay.example.com/h"),
        Seed::new("Copy", "https://c.example.com/h").target(uri),
        // Not a secret found: its help says what to change instead.
        Seed::new("deep%25252525252525252525252541", "https://d.example.com/h"),
    ];
    let mut views = String::new();
    for echo in echoes {
        let portal = FakePortal::start_with(crate::support::fake_portal::Options {
            api_key: KEY.to_owned(),
            ..Default::default()
        });
        portal.seed(Seed::new("Billing", uri));
        portal.seed(echo);
        let out = Run::new(&["plan"])
            .file(file)
            .portal(&portal)
            .env("HOOK_SECRET", "incoming")
            .env("HOOK_URI", uri)
            .run();
        for value in [KEY, "incoming", "password1", uri] {
            assert_hidden(&out.all(), value);
        }
        views += &out.user_view();
    }
    insta::assert_snapshot!(views);
}

/// A secret uri with no token (`https://h/webhook`) is an address: another webhook's longer
/// one (`/webhook2`, in its uri or its name) is neither hidden nor refused, while one that
/// holds it up to a `/` is `(sensitive)` in plans, and refused in a name.
#[test]
fn a_secret_uri_without_a_token_is_not_found_in_a_longer_address() {
    let file = "webhooks:\n  Billing:\n    uri: ${HOOK_URI}\n";
    let uri = "https://hooks.example.com/webhook";
    let mut views = String::new();
    for seeds in [
        vec![
            Seed::new(
                "relay https://hooks.example.com/webhook2",
                "https://hooks.example.com/webhook2",
            ),
            Seed::new("Sub", "https://hooks.example.com/webhook/sub"),
        ],
        vec![Seed::new(
            "relay https://hooks.example.com/webhook/sub",
            "https://r.example.com/h",
        )],
    ] {
        let portal = FakePortal::start_with(crate::support::fake_portal::Options {
            api_key: KEY.to_owned(),
            ..Default::default()
        });
        portal.seed(Seed::new("Billing", uri));
        for seed in seeds {
            portal.seed(seed);
        }
        let out = Run::new(&["plan", "--prune"])
            .file(file)
            .portal(&portal)
            .env("HOOK_URI", uri)
            .run();
        views += &out.user_view();
    }
    insta::assert_snapshot!(views);
}
