//! Property tests of the config loader: whatever the bytes, `load`/`load_document_str` return a
//! value or an error (never a panic), quickly, and the error renders as a diagnostic without
//! panicking.
//!
//! Three generators: arbitrary bytes (through a file, so the UTF-8 check runs too), YAML-ish
//! text from a grammar of the file's keys, values, indentation, tabs, anchors and aliases, and
//! random edits of a valid file. Case counts are fixed so the whole module stays within a few
//! seconds; a failure is shrunk and printed by proptest.

use std::time::{Duration, Instant};

use docspace_webhooks::config::{self, ConfigError};
use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;

/// Generous for a debug build on a busy machine; a real regression (exponential work) blows
/// far past it.
const PER_INPUT: Duration = Duration::from_secs(2);

/// For the deliberately hostile inputs. The alias bomb is stopped after 50,000 replayed events:
/// about 45 ms in a release build, 0.2 s in a debug build (the parser is optimized even there)
/// and more with the suite running beside it on two cores. Unbounded expansion (10^9 strings)
/// would take hours.
const HOSTILE: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(5)
} else {
    Duration::from_secs(1)
};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Loads `text`, renders any error as the user would see it, and checks the time taken.
fn check(text: &str) -> Result<(), TestCaseError> {
    let started = Instant::now();
    if let Err(e) = config::load_document_str(text, "fuzz.yaml") {
        render(&e);
    }
    let took = started.elapsed();
    prop_assert!(took < PER_INPUT, "took {took:?} on {text:?}");
    Ok(())
}

fn render(e: &ConfigError) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail; a panic inside miette (a bad span) would fail the test.
    let _ = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, e);
    out
}

const VALID: &str = "\
portal: https://portal.example.com
webhooks:
  Billing:
    uri: https://billing.example.com/hook
    secretKey: ${BILLING_SECRET}
    enabled: true
    ssl: true
    triggers: [file.uploaded, room.created]
    targetId: room-7
  9846:
    name: Renamed
    enabled: false
  Audit:
    uri: \"https://audit.example.com/h?x=1\"
    triggers: \"*\"
    secretKey: 'Literal-Secret-1'
";

/// The `portals:` base file: shared entries, an overlay, `only:`, a portal's own id entry.
const VALID_FLEET: &str = "\
portals:
  staging:
    url: https://staging.example.com
    apiKey: ${STAGING_KEY}
    prune: { maxDeletes: 1 }
    webhooks:
      Billing:
        uri: https://billing.staging.example.com/hook
      9846: { enabled: false }
  production:
    url: https://portal.example.com
    apiKey: ${PROD_KEY}
webhooks:
  Billing:
    uri: https://billing.example.com/hook
    secretKey: ${BILLING_SECRET}
    triggers: [file.uploaded, room.created]
  Audit:
    uri: \"https://audit.example.com/h?x=1\"
    only: [production]
";

#[test]
fn the_valid_base_files_load() {
    // The mutation properties start from these files; they must themselves be valid.
    let document = config::load_document_str(VALID, "base.yaml").expect("VALID is a valid file");
    assert!(document.unnamed().is_some_and(|c| c.webhooks.len() == 3));
    let fleet = config::load_document_str(VALID_FLEET, "fleet.yaml").expect("a valid fleet");
    assert!(fleet.unnamed().is_none() && fleet.portals.len() == 2);
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("webhooks".to_string()),
        Just("portal".to_string()),
        Just("portals".to_string()),
        Just("url".to_string()),
        Just("apiKey".to_string()),
        Just("only".to_string()),
        Just("uri".to_string()),
        Just("secretKey".to_string()),
        Just("enabled".to_string()),
        Just("ssl".to_string()),
        Just("triggers".to_string()),
        Just("targetId".to_string()),
        Just("name".to_string()),
        Just("<<".to_string()),
        Just("? complex".to_string()),
        Just("\"quoted key\"".to_string()),
        Just("*alias".to_string()),
        Just("&anchor key".to_string()),
        (-3i64..100_000).prop_map(|n| n.to_string()),
        "[a-zA-Z_][a-zA-Z0-9_. -]{0,10}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("yes".to_string()),
        Just("~".to_string()),
        Just("null".to_string()),
        Just(".nan".to_string()),
        Just("1e999".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("https://h.example.com/x".to_string()),
        Just("${SECRET_VAR}".to_string()),
        Just("${".to_string()),
        Just("\"*\"".to_string()),
        Just("*".to_string()),
        Just("[file.uploaded, room.created]".to_string()),
        Just("[".to_string()),
        Just("{a: 1, b: [2, {c: 3}]}".to_string()),
        Just("{".to_string()),
        Just("&a [x, y]".to_string()),
        Just("*a".to_string()),
        Just("&a".to_string()),
        Just("!!str 5".to_string()),
        Just("!!binary aGVsbG8=".to_string()),
        Just("!custom x".to_string()),
        Just("|".to_string()),
        Just(">-".to_string()),
        Just("'single ''quoted'''".to_string()),
        Just("\"esc \\u0000 \\x1b[31m \\t\"".to_string()),
        Just("\"unterminated".to_string()),
        Just("# a comment".to_string()),
        Just("Literal-Secret-1".to_string()),
        (-1_000_000i64..1_000_000).prop_map(|n| n.to_string()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ]
}

/// One line: indentation (spaces, sometimes a tab), perhaps a list dash, then a key and value,
/// a bare value, or a document/directive marker.
fn line() -> impl Strategy<Value = String> {
    let indent = prop_oneof![
        8 => (0usize..10).prop_map(|n| " ".repeat(n)),
        1 => Just("\t".to_string()),
        1 => Just("  \t ".to_string()),
    ];
    let body = prop_oneof![
        6 => (key(), prop_oneof![Just(": "), Just(":"), Just(" : ")], value())
            .prop_map(|(k, sep, v)| format!("{k}{sep}{v}")),
        2 => value(),
        1 => Just("---".to_string()),
        1 => Just("...".to_string()),
        1 => Just("%YAML 1.2".to_string()),
    ];
    (indent, any::<bool>(), body)
        .prop_map(|(indent, dash, body)| format!("{indent}{}{body}", if dash { "- " } else { "" }))
}

fn yamlish() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(line(), 0..24),
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    )
        .prop_map(|(lines, eol)| lines.join(eol))
}

/// One edit of a text: delete a range, insert a token, duplicate or drop a line, or replace a
/// byte. Positions are fractions of the length, so they shrink well.
#[derive(Debug, Clone)]
enum Edit {
    Delete(f64, usize),
    Insert(f64, String),
    DuplicateLine(f64),
    DropLine(f64),
    Replace(f64, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = prop_oneof![
        value(),
        key().prop_map(|k| format!("{k}: ")),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("  ".to_string()),
        Just("- ".to_string()),
        Just("é\u{202e}".to_string()),
    ];
    prop_oneof![
        (0.0..1.0f64, 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
        (0.0..1.0f64, token).prop_map(|(at, t)| Edit::Insert(at, t)),
        (0.0..1.0f64).prop_map(Edit::DuplicateLine),
        (0.0..1.0f64).prop_map(Edit::DropLine),
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
    ]
}

fn apply_edits(base: &str, edits: &[Edit]) -> String {
    let mut bytes = base.as_bytes().to_vec();
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    for edit in edits {
        match edit {
            Edit::Delete(f, n) => {
                let start = at(*f, bytes.len());
                let end = (start + n).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Insert(f, token) => {
                let pos = at(*f, bytes.len());
                bytes.splice(pos..pos, token.bytes());
            }
            Edit::DuplicateLine(f) | Edit::DropLine(f) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut lines: Vec<&str> = text.split('\n').collect();
                let i = at(*f, lines.len().saturating_sub(1));
                if let Some(line) = lines.get(i).copied() {
                    if matches!(edit, Edit::DropLine(_)) {
                        lines.remove(i);
                    } else {
                        lines.insert(i, line);
                    }
                }
                bytes = lines.join("\n").into_bytes();
            }
            Edit::Replace(f, b) => {
                let pos = at(*f, bytes.len());
                if let Some(slot) = bytes.get_mut(pos) {
                    *slot = *b;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        // Through a file, so the loader's own UTF-8 check sees the raw bytes.
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.path().join("webhooks.yaml");
        std::fs::write(&path, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let started = Instant::now();
        if let Err(e) = config::load_document(&path) {
            render(&e);
        }
        prop_assert!(started.elapsed() < PER_INPUT);
        check(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn yamlish_text_never_panics(text in yamlish(), under_webhooks in any::<bool>()) {
        // Half the time under `webhooks:`, so the lines reach the entry checks too.
        if under_webhooks {
            check(&format!("webhooks:\n{text}"))?;
        } else {
            check(&text)?;
        }
    }

    #[test]
    fn edits_of_a_valid_file_never_panic(edits in proptest::collection::vec(edit(), 1..6)) {
        check(&apply_edits(VALID, &edits))?;
    }

    #[test]
    fn edits_of_a_valid_fleet_never_panic(edits in proptest::collection::vec(edit(), 1..6)) {
        check(&apply_edits(VALID_FLEET, &edits))?;
    }
}

#[test]
fn a_billion_laughs_is_refused_quickly() {
    // The classic: ten levels, each ten references to the one below (10^9 strings expanded).
    let mut bomb = String::from("a0: &a0 \"lol\"\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    bomb.push_str("webhooks:\n  Laughs:\n    uri: https://l.example.com/h\n    triggers: *a9\n");
    let started = Instant::now();
    let err = config::load_document_str(&bomb, "bomb.yaml").expect_err("an alias bomb is an error");
    assert!(started.elapsed() < HOSTILE, "{:?}", started.elapsed());
    assert!(!render(&err).is_empty());
}

#[test]
fn deep_nesting_is_refused_quickly() {
    // 100 levels of block mappings where a string belongs, then 100 levels of flow lists.
    let mut block = String::from("webhooks:\n  Deep:\n    uri:\n");
    for depth in 0..100 {
        block.push_str(&format!("{}k{depth}:\n", " ".repeat(6 + 2 * depth)));
    }
    let flow = format!(
        "webhooks:\n  Deep:\n    triggers: {}x{}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    for text in [block, flow] {
        // On an ordinary 2 MiB test thread: the loader's depth limit keeps the recursive
        // deserializer far from overflowing it, even in a debug build.
        let started = Instant::now();
        let result = config::load_document_str(&text, "deep.yaml");
        let rendered = result.as_ref().err().map(render);
        let (is_err, took) = (result.is_err(), started.elapsed());
        assert!(is_err, "deep nesting is an error");
        assert!(rendered.is_some_and(|r| !r.is_empty()));
        assert!(took < HOSTILE, "{took:?}");
    }
}
