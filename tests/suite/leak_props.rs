//! Property tests of the promise that secrets never get out, with secrets and keys drawn from
//! the whole printable ASCII range (heavy on `+ / = % & < > ' " \` and what escapes are made
//! of, so that `%2B`, `&#43;` or `\u002B` turn up inside them too).
//!
//! - Echoes: the fake portal answers with the request itself, in every spelling of `echo`, cut
//!   at a random length, as an error body, a proxy page or a redirect's `Location`, on the
//!   first attempt only or on every retry. Most cases drive the client library in-process
//!   (its retry lines, which `-v` and stderr print, and its errors as miette renders them);
//!   a few run the real binary for the channels only it has: text, JSON and Markdown plans,
//!   a saved plan, `apply`'s results, with the echo also stored as a webhook's last failure.
//! - Config files: a valid file with literal secrets, mutated (keys renamed to near misses,
//!   lines moved or duplicated, syntax errors inserted, values moved to their own line or into
//!   block scalars, a stray `|` on top); nothing `validate` or `plan` prints holds a secret.
//!
//! Case counts are fixed and small enough for the suite to stay within seconds on two cores.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use docspace_webhooks::api::{Client, ClientEvent, ClientOptions, PortalUrl, WebhookBody};
use docspace_webhooks::config;
use docspace_webhooks::triggers::TriggerSet;
use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;
use secrecy::SecretString;

use super::leaks::assert_hidden;
use crate::support::fake_portal::{
    Echo, FakePortal, Fault, FaultKind, Options, Seed, Spelling, WEBHOOK_PATH, Wrapper,
};
use crate::support::run::Run;

fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: n,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

/// For the cases that run the binary (a few runs each): few shrink steps, so that even a
/// failure ends within a minute or so.
fn binary_cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        max_shrink_iters: 16,
        ..cases(n)
    }
}

/// Printable ASCII without the space, biased towards the characters escapes are made of.
fn printable(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    let special = prop::sample::select(
        b"+/=%&<>'\"\\#;:xXuU0123456789abcdefABCDEF"
            .iter()
            .map(|b| *b as char)
            .collect::<Vec<_>>(),
    );
    let any_char = (0x21u8..=0x7e).prop_map(char::from);
    prop::collection::vec(prop_oneof![2 => any_char, 3 => special], len)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Fails when `text` holds `value`, in any spelling or any run of 6 of its characters.
fn assert_secret_free(text: &str, value: &str) {
    assert_hidden(text, value);
    let chars: Vec<char> = value.chars().collect();
    for window in chars.windows(6) {
        let piece: String = window.iter().collect();
        assert!(
            !text.contains(&piece),
            "{piece:?} of {value:?} got out:\n{text}"
        );
    }
}

fn render(diagnostic: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    let _ = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, diagnostic);
    out
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop::sample::select(Spelling::ALL.to_vec())
}

fn echo_fault() -> impl Strategy<Value = Echo> {
    let wrapper = prop::sample::select(Wrapper::ALL.to_vec());
    let status = prop::sample::select(vec![200u16, 400, 403, 404, 409, 500, 502, 503, 504]);
    let redirect = prop::sample::select(vec![301u16, 302, 307, 308]);
    (wrapper, status, redirect, spelling(), 0usize..900).prop_map(
        |(wrapper, status, redirect, spelling, keep)| Echo {
            status: if wrapper == Wrapper::Location {
                redirect
            } else {
                status
            },
            spelling,
            wrapper,
            keep,
        },
    )
}

#[derive(Debug, Clone, Copy)]
enum Call {
    List,
    Update,
    Create,
}

proptest! {
    #![proptest_config(cases(64))]

    /// The client library against an echoing portal: every retry line and the final error.
    #[test]
    fn no_echo_gets_a_secret_or_the_key_out_of_the_client(
        secret in printable(8..=30),
        key in printable(8..=40),
        echo in echo_fault(),
        call in prop::sample::select(vec![Call::List, Call::Update, Call::Create]),
        every_attempt in any::<bool>(),
    ) {
        let portal = FakePortal::start_with(Options { api_key: key.clone(), ..Options::default() });
        portal.seed(Seed::new("Hook", "https://h.example.com/old"));
        let method = match call {
            Call::List => "GET",
            Call::Update => "PUT",
            Call::Create => "POST",
        };
        let times = if every_attempt { 3 } else { 1 };
        portal.inject(Fault::new(method, WEBHOOK_PATH, FaultKind::Echo(echo)).times(times));

        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink_lines = Arc::clone(&lines);
        let options = ClientOptions {
            retries: 2,
            retry_base: Duration::from_millis(1),
            retry_max_delay: Duration::from_millis(1),
            events: Some(Arc::new(move |e: &ClientEvent| {
                sink_lines.lock().unwrap().push(e.to_string());
            })),
            ..ClientOptions::default()
        };
        let url = PortalUrl::parse(&portal.url()).unwrap();
        let client = Client::new(&url, SecretString::from(key.clone()), options).unwrap();
        let body = WebhookBody {
            name: "Hook".into(),
            uri: "https://h.example.com/new".into(),
            secret_key: Some(SecretString::from(secret.clone())),
            enabled: true,
            ssl: true,
            triggers: TriggerSet::ALL,
            target_id: None,
        };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let error = runtime.block_on(async {
            match call {
                Call::List => client.list().await.err(),
                Call::Update => client.update(1, &body).await.err(),
                Call::Create => client.create(&body).await.err(),
            }
        });
        let mut shown = lines.lock().unwrap().join("\n");
        if let Some(e) = &error {
            shown.push_str(&format!("\n{e}\n{e:?}\n{}", render(e)));
        }
        assert_secret_free(&shown, &secret);
        assert_secret_free(&shown, &key);
    }
}

const HOOK_FILE: &str = "webhooks:\n  Hook:\n    uri: https://h.example.com/new\n    \
                         enabled: true\n    secretKey: ${HOOK_SECRET}\n";

proptest! {
    #![proptest_config(binary_cases(4))]

    /// The real binary: text, JSON and Markdown plans, a saved plan, `-v`, retry lines and
    /// `apply`'s results, with the echo in a retried GET, in every PUT, and stored as the
    /// webhook's last failure (which plans quote).
    #[test]
    fn no_echo_gets_a_secret_or_the_key_into_any_output(
        secret in printable(8..=30),
        key in printable(8..=40),
        get_echo in echo_fault(),
        put_echo in echo_fault(),
        failure_spelling in spelling(),
        failure_keep in 20usize..400,
    ) {
        let portal = FakePortal::start_with(Options { api_key: key.clone(), ..Options::default() });
        let mut failure = failure_spelling.spell(&format!(
            "401 from target: Authorization: Bearer {key} secretKey={secret}"
        ));
        let mut cut = failure_keep.min(failure.len());
        while !failure.is_char_boundary(cut) {
            cut -= 1;
        }
        failure.truncate(cut);
        portal.seed(
            Seed::new("Hook", "https://h.example.com/old")
                .enabled(false)
                .failure("2026-11-20T10:00:00", &failure),
        );
        let run = |args: &[&str]| {
            Run::new(args).file(HOOK_FILE).portal(&portal).env("HOOK_SECRET", &secret)
        };

        // A GET echoed once (on a 2xx or 3xx that is not retried, the plan fails instead).
        let get = Echo { status: 503, ..get_echo };
        portal.inject(Fault::new("GET", WEBHOOK_PATH, FaultKind::Echo(get)));
        let saved = run(&["plan", "-v", "--format", "json", "--out", "plan.json"]);
        let json_plan = saved.run();
        prop_assert_eq!(json_plan.code, 0, "{:?}", json_plan);
        let plan_file = std::fs::read_to_string(saved.path("plan.json")).unwrap();
        let markdown = run(&["plan", "--format", "markdown"]).run();
        prop_assert_eq!(markdown.code, 0, "{:?}", markdown);

        portal.inject(Fault::new("PUT", WEBHOOK_PATH, FaultKind::Echo(put_echo)).times(5));
        let apply = run(&["apply", "--auto-approve", "-v"]).run();
        prop_assert_eq!(apply.code, 1, "{:?}", apply);

        let shown = [json_plan.all(), plan_file, markdown.all(), apply.all()].join("\n");
        assert_secret_free(&shown, &secret);
        assert_secret_free(&shown, &key);
    }
}

/// A secret as the file writes it, and the written form (which the tests look for too).
fn written(secret: &str, style: u8) -> String {
    match style {
        0 => format!("'{}'", secret.replace('\'', "''")),
        1 => format!("\"{}\"", secret.replace('\\', "\\\\").replace('"', "\\\"")),
        _ => secret.to_string(),
    }
}

fn base_file(secret: &str, other: &str, style: u8) -> String {
    format!(
        "portal: https://portal.example.com\nwebhooks:\n  Billing:\n    \
         uri: https://billing.example.com/hook\n    secretKey: {}\n    enabled: true\n    \
         triggers: [file.uploaded, room.created]\n  9846:\n    name: Renamed\n    \
         secretKey: {}\n    ssl: false\n  Audit:\n    uri: \"https://audit.example.com/h?x=1\"\n    \
         triggers: \"*\"\n",
        written(secret, style),
        written(other, 0),
    )
}

/// One mutation of a config file. Positions are fractions, so they shrink well.
#[derive(Debug, Clone)]
enum Mutation {
    /// The n-th `secretKey` becomes this name.
    Rename(f64, String),
    MoveLine(f64, f64),
    DuplicateLine(f64),
    Insert(f64, &'static str),
    DeleteChar(f64),
    /// The n-th secret goes on its own line below the key, or into a block scalar.
    OwnLine(f64, &'static str),
    /// A stray block indicator on top.
    Stray(&'static str),
}

fn near_miss() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "secrectKey",
        "scretKey",
        "secertKey",
        "secret_key",
        "SecretKey",
        "secret",
        "secretkey",
        "apiKey",
        "token",
        "password",
        "passwd",
        "webhookSecret",
        "secretKy",
        "secrtKey",
    ])
    .prop_map(str::to_string);
    // One or two letter edits of `secretKey`.
    let edited = prop::collection::vec((0usize..9, 0u8..3, b'a'..=b'z'), 1..=2).prop_map(|edits| {
        let mut name: Vec<u8> = b"secretKey".to_vec();
        for (at, op, letter) in edits {
            let at = at.min(name.len().saturating_sub(1));
            match op {
                0 if name.len() > 5 => {
                    name.remove(at);
                }
                1 => name.insert(at, letter),
                _ => name[at] = letter,
            }
        }
        String::from_utf8(name).unwrap()
    });
    prop_oneof![fixed, edited]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop::sample::select(vec![
        "[", "]", "{", "}", "\"", "'", ": ", ":", "\t", "&", "*", "!", "|", ">", "#", " #", "%",
        "@", "`", ",", "\n", "- ", "  ", "? ", "---\n",
    ]);
    prop_oneof![
        (0.0..1.0f64, near_miss()).prop_map(|(n, name)| Mutation::Rename(n, name)),
        (0.0..1.0f64, 0.0..1.0f64).prop_map(|(from, to)| Mutation::MoveLine(from, to)),
        (0.0..1.0f64).prop_map(Mutation::DuplicateLine),
        (0.0..1.0f64, token).prop_map(|(at, t)| Mutation::Insert(at, t)),
        (0.0..1.0f64).prop_map(Mutation::DeleteChar),
        (
            0.0..1.0f64,
            prop::sample::select(vec!["", "|", ">", "|-", ">+"])
        )
            .prop_map(|(n, style)| Mutation::OwnLine(n, style)),
        prop::sample::select(vec!["|", ">", "|-"]).prop_map(Mutation::Stray),
    ]
}

fn pick(len: usize, at: f64) -> usize {
    ((at * len as f64) as usize).min(len.saturating_sub(1))
}

fn mutate(text: &str, mutation: &Mutation, secrets: &[&str]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let secret_lines: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].trim_start().starts_with("secretKey:"))
        .collect();
    match mutation {
        Mutation::Rename(n, name) => {
            if let Some(&i) = secret_lines.get(pick(secret_lines.len(), *n)) {
                lines[i] = lines[i].replacen("secretKey", name, 1);
            }
        }
        Mutation::MoveLine(from, to) => {
            let line = lines.remove(pick(lines.len(), *from));
            let to = pick(lines.len() + 1, *to);
            lines.insert(to, line);
        }
        Mutation::DuplicateLine(at) => {
            let i = pick(lines.len(), *at);
            lines.insert(i, lines[i].clone());
        }
        Mutation::Insert(at, token) => {
            let joined = lines.join("\n");
            let at = pick(joined.len() + 1, *at);
            return format!("{}{token}{}\n", &joined[..at], &joined[at..]);
        }
        Mutation::DeleteChar(at) => {
            let mut joined = lines.join("\n");
            if !joined.is_empty() {
                joined.remove(pick(joined.len(), *at));
            }
            return joined + "\n";
        }
        Mutation::OwnLine(n, style) => {
            if let Some(&i) = secret_lines.get(pick(secret_lines.len(), *n)) {
                let indent = lines[i].len() - lines[i].trim_start().len();
                let raw = secrets
                    .get(pick(secrets.len(), *n))
                    .copied()
                    .unwrap_or_default();
                let value = if style.is_empty() {
                    lines[i].trim_start()["secretKey:".len()..]
                        .trim()
                        .to_string()
                } else {
                    raw.to_string()
                };
                lines[i] = format!("{}secretKey: {style}", " ".repeat(indent));
                lines.insert(i + 1, format!("{}{value}", " ".repeat(indent + 2)));
            }
        }
        Mutation::Stray(indicator) => lines.insert(0, indicator.to_string()),
    }
    lines.join("\n") + "\n"
}

/// Everything `validate` and `plan` print about a file before they contact the portal: its
/// problems, or its warnings.
fn loader_output(text: &str) -> String {
    match config::load_str(text, "webhooks.yaml") {
        Ok(config) => config
            .warnings()
            .iter()
            .map(|w| format!("{}\n{w}\n{w:?}", render(w)))
            .collect(),
        Err(e) => format!("{}\n{e}\n{e:?}", render(&e)),
    }
}

fn mutated_file() -> impl Strategy<Value = (String, String, String, String)> {
    let secret = || {
        printable(8..=30).prop_filter("a literal, not a reference", |s: &String| {
            !s.contains("${") && !s.starts_with('$')
        })
    };
    (
        secret(),
        secret(),
        0u8..3,
        prop::collection::vec(mutation(), 1..=3),
    )
        .prop_map(|(secret, other, style, mutations)| {
            // A plain scalar only where YAML reads it back as written; quoted otherwise.
            let plain_ok = config::load_str(&base_file(&secret, &other, 2), "b.yaml")
                .is_ok_and(|c| c.webhooks.len() == 3 && c.webhooks[0].secret.is_some());
            let style = if style == 2 && !plain_ok { 0 } else { style };
            let base = base_file(&secret, &other, style);
            let text = mutations
                .iter()
                .fold(base, |text, m| mutate(&text, m, &[&secret, &other]));
            (text, secret.clone(), written(&secret, style), other)
        })
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn no_mutation_of_a_file_gets_a_literal_secret_into_a_diagnostic(
        (text, secret, written, other) in mutated_file(),
    ) {
        let shown = loader_output(&text);
        for value in [&secret, &written, &other] {
            prop_assert!(!shown.contains(value.as_str()), "{value:?} shown for\n{text}\n---\n{shown}");
        }
    }
}

proptest! {
    #![proptest_config(binary_cases(3))]

    /// The same through the real binary: `validate`, and `plan` against a portal.
    #[test]
    fn no_mutation_gets_a_literal_secret_out_of_validate_or_plan(
        (text, secret, written, other) in mutated_file(),
    ) {
        let portal = FakePortal::start();
        let validate = Run::new(&["validate"]).file(&text).run();
        let plan = Run::new(&["plan"]).file(&text).portal(&portal).run();
        let shown = format!("{}\n{}", validate.all(), plan.all());
        for value in [&secret, &written, &other] {
            prop_assert!(!shown.contains(value.as_str()), "{value:?} shown for\n{text}\n---\n{shown}");
        }
    }
}
