//! Config files with literal secrets, mutated; nothing `validate` or `plan` prints holds one.

use docspace_webhooks::config;
use proptest::prelude::*;

use super::{binary_cases, cases, printable, render};
use crate::support::fake_portal::FakePortal;
use crate::support::run::Run;

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

/// A `portals:` file with a literal `apiKey` (an error) and literal secrets in a shared entry
/// and in a portal's own overlay of it.
fn fleet_file(key: &str, secret: &str, other: &str, style: u8) -> String {
    format!(
        "portals:\n  staging:\n    url: https://staging.example.com\n    apiKey: {}\n    \
         webhooks:\n      Billing:\n        secretKey: {}\n      9846:\n        name: Renamed\n        \
         ssl: false\n  production:\n    url: https://prod.example.com\n    apiKey: ${{PROD_KEY}}\n\
         webhooks:\n  Billing:\n    uri: https://billing.example.com/hook\n    secretKey: {}\n    \
         triggers: [file.uploaded, room.created]\n  Audit:\n    uri: \"https://audit.example.com/h?x=1\"\n    \
         only: [production]\n",
        written(key, style),
        written(other, 0),
        written(secret, 0),
    )
}

/// The keys whose values the mutations move about: `secretKey` and a portal's `apiKey`.
const SECRET_KEYS: [&str; 2] = ["secretKey", "apiKey"];

/// One mutation of a config file. Positions are fractions, so they shrink well.
#[derive(Debug, Clone)]
enum Mutation {
    /// The n-th `secretKey` (or `apiKey`) becomes this name.
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
    let secret_lines: Vec<(usize, &str)> = (0..lines.len())
        .filter_map(|i| {
            let line = lines[i].trim_start();
            let key = SECRET_KEYS
                .into_iter()
                .find(|k| line.starts_with(&format!("{k}:")));
            Some((i, key?))
        })
        .collect();
    match mutation {
        Mutation::Rename(n, name) => {
            if let Some(&(i, key)) = secret_lines.get(pick(secret_lines.len(), *n)) {
                lines[i] = lines[i].replacen(key, name, 1);
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
            if let Some(&(i, key)) = secret_lines.get(pick(secret_lines.len(), *n)) {
                let indent = lines[i].len() - lines[i].trim_start().len();
                let raw = secrets
                    .get(pick(secrets.len(), *n))
                    .copied()
                    .unwrap_or_default();
                let value = if style.is_empty() {
                    lines[i].trim_start()[key.len() + 1..].trim().to_string()
                } else {
                    raw.to_string()
                };
                lines[i] = format!("{}{key}: {style}", " ".repeat(indent));
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
    match config::load_document_str(text, "webhooks.yaml") {
        Ok(document) => document
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
            let plain_ok = config::load_document_str(&base_file(&secret, &other, 2), "b.yaml")
                .is_ok_and(|d| {
                    d.unnamed()
                        .is_some_and(|c| c.webhooks.len() == 3 && c.webhooks[0].secret.is_some())
                });
            let style = if style == 2 && !plain_ok { 0 } else { style };
            let base = base_file(&secret, &other, style);
            let text = mutations
                .iter()
                .fold(base, |text, m| mutate(&text, m, &[&secret, &other]));
            (text, secret.clone(), written(&secret, style), other)
        })
}

/// A fleet with a literal API key and two literal secrets, mutated: (text, the key, the key as
/// written, the secrets).
fn mutated_fleet() -> impl Strategy<Value = (String, String, String, [String; 2])> {
    let literal = || {
        printable(8..=30).prop_filter("a literal, not a reference", |s: &String| {
            !s.contains("${") && !s.starts_with('$')
        })
    };
    (
        literal(),
        "sk-[A-Za-z0-9]{20,32}",
        literal(),
        literal(),
        0u8..3,
        prop::collection::vec(mutation(), 1..=3),
    )
        .prop_map(|(quoted_key, plain_key, secret, other, style, mutations)| {
            // A plain scalar only for a key YAML reads back as written, as real keys are.
            let key = if style == 2 { plain_key } else { quoted_key };
            let base = fleet_file(&key, &secret, &other, style);
            let text = mutations
                .iter()
                .fold(base, |text, m| mutate(&text, m, &[&key, &secret, &other]));
            let written = written(&key, style);
            (text, key, written, [secret, other])
        })
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn no_mutation_of_a_fleet_gets_a_literal_key_or_secret_into_a_diagnostic(
        (text, key, written, secrets) in mutated_fleet(),
    ) {
        let shown = loader_output(&text);
        for value in [&key, &written, &secrets[0], &secrets[1]] {
            prop_assert!(!shown.contains(value.as_str()), "{value:?} shown for\n{text}\n---\n{shown}");
        }
    }

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
