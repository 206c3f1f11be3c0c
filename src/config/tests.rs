//! Loader tests. Here: files that load, and what they load to. `errors`: every kind of
//! problem, with its line and rendered diagnostic (snapshots in `src/config/snapshots/`).
//! `secrets`: secrets never show, `${VAR}` resolution. `portals` and `portal_errors`: the same
//! for files with `portals:`.

/// `insta::assert_snapshot!` storing into `src/config/snapshots/` from the submodules too.
macro_rules! snap {
    ($($args:expr),+) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/src/config/snapshots"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($($args),+);
        })
    };
}

mod errors;
mod portal_errors;
mod portals;
mod secrets;

use std::io::Write;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

use super::*;
use crate::triggers::TriggerSet;

/// The example of the file format, as documented.
pub(super) const EXAMPLE: &str = "\
portal: https://yourportal.onlyoffice.com   # optional
webhooks:
  Billing sync:                 # a string key is a webhook's name: created when missing
    uri: https://billing.example.com/hooks/docspace
    secretKey: ${BILLING_WEBHOOK_SECRET}
    triggers: [file.uploaded, room.created]
    enabled: true
    ssl: true
  9846:                         # an integer key (plain YAML integer) is an existing webhook's id
    name: My integration webhook v2   # renames it
    uri: https://integrations.example.com/docspace/events?tenant=42
    triggers: [FileUploaded]
    ssl: false
    targetId: room-42
";

/// What a user sees: the report as miette's graphical handler draws it, without colour.
/// Expects exactly these problems (code, 1-based line), in this order, from what loading a
/// file gave, and returns the rendered report.
pub(super) fn expect_problems<T>(
    loaded: Result<T, ConfigError>,
    expected: &[(&str, usize)],
) -> String {
    let Err(err) = loaded else {
        panic!("expected problems, the file loaded")
    };
    let ConfigError::Invalid { count, problems } = &err else {
        panic!("expected Invalid, got {err:?}")
    };
    assert_eq!(codes_and_lines(problems), expected, "\n{}", render(&err));
    assert_eq!(*count, problems.len());
    render(&err)
}

/// Each problem's code and 1-based line, in order.
pub(super) fn codes_and_lines(problems: &[Problem]) -> Vec<(&'static str, usize)> {
    problems.iter().map(|p| (p.code_str(), p.line())).collect()
}

pub(super) fn render(diag: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, diag)
        .expect("rendering into a String cannot fail");
    out
}

/// Checks that a rendered error holds each of `shown` and none of `hidden`.
pub(super) fn assert_shows(rendered: &str, shown: &[&str], hidden: &[&str]) {
    for part in shown {
        assert!(rendered.contains(part), "{part:?} missing from\n{rendered}");
    }
    for part in hidden {
        assert!(!rendered.contains(part), "{part:?} shown in\n{rendered}");
    }
}

/// The one-portal file `text`, which must load.
pub(super) fn load_doc(text: &str) -> Document {
    match load_document_str(text, "webhooks.yaml") {
        Ok(document) if document.unnamed().is_some() => document,
        Ok(_) => panic!("a portals file loaded as a single one"),
        Err(e) => panic!("expected the file to load:\n{}", render(&e)),
    }
}

/// The desired state of the one-portal file `text`, which must load.
pub(super) fn load_ok(text: &str) -> Config {
    load_doc(text).portals.remove(0).config
}

fn webhook<'a>(config: &'a Config, label: &str) -> &'a DesiredWebhook {
    config
        .webhooks
        .iter()
        .find(|w| w.label() == label)
        .unwrap_or_else(|| panic!("no entry {label}"))
}

#[test]
fn the_documented_example_loads_to_the_values_written() {
    let document = load_doc(EXAMPLE);
    let config = document.unnamed().expect("one portal");
    let (portal, span) = config.portal.as_ref().expect("portal");
    assert_eq!(portal, "https://yourportal.onlyoffice.com");
    assert_eq!(&EXAMPLE[span.offset()..span.offset() + span.len()], portal);

    let keys: Vec<&Key> = config.webhooks.iter().map(|w| &w.key).collect();
    assert_eq!(keys, [&Key::Name("Billing sync".into()), &Key::Id(9846)]);

    let billing = &config.webhooks[0];
    assert_eq!(
        billing.uri.as_deref(),
        Some("https://billing.example.com/hooks/docspace")
    );
    assert!(
        matches!(&billing.secret, Some(SecretRef::Env(var)) if var == "BILLING_WEBHOOK_SECRET")
    );
    assert_eq!(
        billing.triggers.map(TriggerSet::bits),
        Some(256 | 4_194_304)
    );
    assert_eq!((billing.enabled, billing.ssl), (Some(true), Some(true)));
    assert_eq!(
        (billing.name.as_deref(), billing.target_id.as_deref()),
        (None, None)
    );
    let key_span = billing.span;
    assert_eq!(
        &EXAMPLE[key_span.offset()..key_span.offset() + key_span.len()],
        "Billing sync"
    );

    let renamed = &config.webhooks[1];
    assert_eq!(renamed.label(), "#9846");
    assert_eq!(renamed.name.as_deref(), Some("My integration webhook v2"));
    assert_eq!(
        renamed.uri.as_deref(),
        Some("https://integrations.example.com/docspace/events?tenant=42")
    );
    assert_eq!(renamed.triggers.map(TriggerSet::bits), Some(256));
    assert_eq!((renamed.enabled, renamed.ssl), (None, Some(false)));
    assert_eq!(renamed.target_id.as_deref(), Some("room-42"));
    assert!(renamed.secret.is_none());
    assert!(document.warnings().is_empty());
}

#[test]
fn entries_keep_file_order() {
    let config = load_ok("webhooks:\n  zeta: {}\n  7: {}\n  alpha: {}\n");
    let labels: Vec<String> = config.webhooks.iter().map(DesiredWebhook::label).collect();
    assert_eq!(labels, ["zeta", "#7", "alpha"]);
}

#[test]
fn an_empty_webhooks_mapping_manages_nothing_and_portal_is_optional() {
    let config = load_ok("webhooks: {}\n");
    assert!(config.webhooks.is_empty());
    assert!(config.portal.is_none());
}

#[test]
fn an_empty_entry_manages_nothing_but_a_name_entry_lacks_what_creation_needs() {
    let config = load_ok(
        "webhooks:\n  9846: {}\n  New hook: {}\n  Full:\n    uri: https://a.example\n    secretKey: ${S}\n",
    );
    let by_id = webhook(&config, "#9846");
    assert!(by_id.uri.is_none() && by_id.triggers.is_none() && by_id.enabled.is_none());
    let problem = config
        .missing_for_create_problem(webhook(&config, "New hook"))
        .expect("a problem");
    assert_eq!(
        problem.message(),
        "'New hook' is not on the portal, and creating it needs `uri` and `secretKey`"
    );
    assert_eq!(problem.code_str(), "config::missing_for_create");
    assert_eq!(problem.line(), 3);
    assert!(
        config
            .missing_for_create_problem(webhook(&config, "Full"))
            .is_none()
    );
}

#[test]
fn a_quoted_number_is_a_name_and_draws_a_warning() {
    let document = load_doc("webhooks:\n  \"9846\": {}\n  9846: {}\n");
    let config = document.unnamed().expect("one portal");
    assert_eq!(config.webhooks[0].key, Key::Name("9846".into()));
    assert_eq!(config.webhooks[1].key, Key::Id(9846));
    let warnings = document.warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].code_str(), "config::quoted_id");
    assert!(warnings[0].reported().warning);
    assert_eq!(warnings[0].line(), 2);
}

/// YAML 1.1 read `9_846` and `0b11` as integers; 1.2 (and this tool) reads them as names, which
/// a file written for an older parser may not mean.
#[test]
fn a_yaml_1_1_integer_is_a_name_and_draws_a_warning() {
    let document = load_doc(
        "webhooks:\n  9_846: {}\n  0b11: {}\n  1_a: {}\n  0_0: {}\n  0x26_76: {}\n  +9_846: {}\n  2:44:06: {}\n  0_17: {}\n  0_9: {}\n  0:30: {}\n  2:-5: {}\n  1:3_0: {}\n  1:99: {}\n  \"0x2676\": {}\n",
    );
    let config = document.unnamed().expect("one portal");
    assert_eq!(config.webhooks[0].key, Key::Name("9_846".into()));
    let warnings: Vec<String> = (document.warnings().iter())
        .map(|w| format!("{}: {} ({})", w.line(), w.message(), w.help().unwrap()))
        .collect();
    let said = |line: usize, name: &str, id: i32| {
        format!(
            "{line}: `{name}` is a webhook name, not an id: written plain, YAML 1.1 read it as the \
             number {id}; this tool reads YAML 1.2 (write {id} to manage the webhook with that id)"
        )
    };
    // Not `0_9`, `0:30`, `2:-5`, `1:3_0`, `1:99` (strings in YAML 1.1 too), nor a quoted
    // `0x2676` (written plain, an id in YAML 1.2 and refused as not plain digits).
    assert_eq!(
        warnings,
        [
            said(2, "9_846", 9846),
            said(3, "0b11", 3),
            said(6, "0x26_76", 9846),
            said(7, "+9_846", 9846),
            said(8, "2:44:06", 9846),
            said(9, "0_17", 15),
        ]
    );
}

/// A key of digits with a leading zero is the id they spell, as `--target 0755` is, but YAML
/// 1.1, which other tools reading the file may use, read `0755` as octal and `09846` as a
/// string; `007` and `0` after the zeros are no different to it.
#[test]
fn an_id_key_with_a_leading_zero_draws_a_warning() {
    let document =
        load_doc("webhooks:\n  0755: {}\n  09846: {}\n  007: {}\n  10: {}\n  00000123: {}\n");
    let config = document.unnamed().expect("one portal");
    let keys: Vec<String> = config.webhooks.iter().map(DesiredWebhook::label).collect();
    assert_eq!(keys, ["#755", "#9846", "#7", "#10", "#123"]);
    let warnings: Vec<String> = (document.warnings().iter())
        .map(|w| format!("{}: {} ({})", w.line(), w.message(), w.help().unwrap()))
        .collect();
    let said = |line: usize, written: &str, id: i32, read: &str| {
        format!(
            "{line}: `{written}` is the id {id}, but written plain, YAML 1.1 read it as {read}; \
             this tool reads YAML 1.2 (write {id}, which every YAML version reads as that id)"
        )
    };
    assert_eq!(
        warnings,
        [
            said(2, "0755", 755, "the number 493 (octal)"),
            said(3, "09846", 9846, "a string, a webhook name"),
            said(6, "00000123", 123, "the number 83 (octal)"),
        ]
    );
}

#[test]
fn a_literal_secret_loads_with_a_warning() {
    let document = load_doc("webhooks:\n  a:\n    secretKey: S3cret-value!\n");
    assert!(matches!(
        document.written[0].secret,
        Some(SecretRef::Literal(_))
    ));
    let codes: Vec<&str> = document.warnings().iter().map(Problem::code_str).collect();
    assert_eq!(codes, ["config::literal_secret"]);
}

#[test]
fn every_way_of_writing_no_target_means_no_target() {
    for value in ["", "~", "null", "\"\"", "''"] {
        let config = load_ok(&format!("webhooks:\n  1:\n    targetId: {value}\n"));
        assert_eq!(config.webhooks[0].target_id.as_deref(), Some(""), "{value}");
    }
    let config = load_ok("webhooks:\n  1:\n    targetId: 0042\n");
    assert_eq!(config.webhooks[0].target_id.as_deref(), Some("0042"));
}

#[test]
fn every_event_is_star_or_all_as_a_scalar_or_a_list() {
    for value in ["\"*\"", "'*'", "All", "[\"*\"]", "[All]"] {
        let config = load_ok(&format!("webhooks:\n  1:\n    triggers: {value}\n"));
        assert_eq!(
            config.webhooks[0].triggers,
            Some(TriggerSet::ALL),
            "{value}"
        );
    }
}

#[test]
fn anchors_and_merge_keys_share_settings() {
    let config = load_ok(
        "webhooks:\n  a: &common\n    ssl: true\n    triggers: [file.uploaded]\n  b:\n    <<: *common\n    ssl: false\n",
    );
    let b = webhook(&config, "b");
    assert_eq!(
        (b.ssl, b.triggers.map(TriggerSet::bits)),
        (Some(false), Some(256))
    );
}

#[test]
fn names_count_characters_not_bytes() {
    let fifty = "é".repeat(50);
    let config = load_ok(&format!("webhooks:\n  {fifty}: {{}}\n"));
    assert_eq!(config.webhooks[0].label(), fifty);
}

#[test]
fn load_reads_a_file_and_names_it_in_diagnostics() {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(b"webhooks:\n  a:\n    enabled: maybe\n")
        .expect("write");
    let Err(err) = load_document(file.path()) else {
        panic!("expected an error")
    };
    let shown = render(&err);
    assert!(
        shown.contains(&format!("{}:3:14", file.path().display())),
        "{shown}"
    );

    std::fs::write(file.path(), EXAMPLE).expect("write");
    assert!(
        load_document(file.path())
            .expect("loads")
            .unnamed()
            .is_some_and(|c| c.webhooks.len() == 2)
    );
}

#[test]
fn an_unreadable_file_is_an_io_error_naming_the_path() {
    let path = std::path::Path::new("/nonexistent/dir/webhooks.yaml");
    let err = load_document(path).expect_err("missing file");
    assert!(matches!(err, ConfigError::Io { .. }));
    assert!(
        err.to_string().contains("/nonexistent/dir/webhooks.yaml"),
        "{err}"
    );
}

#[test]
fn a_huge_file_is_refused_before_parsing() {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    let line = "# padding padding padding padding padding padding padding padding\n";
    let big = line.repeat((usize::try_from(MAX_FILE_BYTES).unwrap() / line.len()) + 1);
    file.write_all(big.as_bytes()).expect("write");
    let err = load_document(file.path()).expect_err("too large");
    assert!(matches!(err, ConfigError::TooLarge { .. }), "{err:?}");
    let err = load_document_str(&big, "big.yaml").expect_err("too large");
    assert!(err.to_string().contains("big.yaml"), "{err}");
}

#[test]
fn document_markers_a_bom_and_crlf_line_ends_are_accepted() {
    load_ok("---\nwebhooks: {}\n...\n");
    load_ok("\u{feff}webhooks: {}\n");
    // Its columns are an editor's, as without the mark.
    let err = load_document_str("\u{feff}webhooks: 1\n", "bom.yaml").expect_err("not a map");
    assert_eq!(err.reported()[0].start, Some((1, 11)), "{err:?}");
    // Nor does its snippet show it (once as a blanked value, `***`).
    insta::assert_snapshot!(render(&err), @"
    config::invalid

      × the webhook file has 1 problem

    Error: config::type

      × `webhooks` must be a mapping of webhook names or ids to their settings, not an integer
       ╭─[bom.yaml:1:11]
     1 │ webhooks: 1
       ·           ┬
       ·           ╰── expected a mapping
       ╰────
      help: write `webhooks: {}` to manage no webhooks
    ");
    let config = load_ok("webhooks:\r\n  a:\r\n    uri: https://a.example\r\n");
    assert_eq!(config.webhooks[0].uri.as_deref(), Some("https://a.example"));

    let err = load_document_str("webhooks:\r\n  a:\r\n    triggers: [nope]\r\n", "crlf.yaml")
        .expect_err("unknown trigger");
    let shown = render(&err);
    assert!(shown.contains("crlf.yaml:3:16"), "{shown}");

    // A lone CR ends a line too (YAML's rule), in the text report and the JSON one alike.
    let err = load_document_str("webhooks:\r  a:\r    triggers: [nope]\r", "cr.yaml")
        .expect_err("unknown trigger");
    let shown = render(&err);
    assert!(
        shown.contains("cr.yaml:3:16") && !shown.contains('\r'),
        "{shown}"
    );
    assert_eq!(err.reported()[0].start, Some((3, 16)));
}

#[test]
fn warnings_and_the_planner_problem_render_like_the_loader_problems() {
    let document = load_doc("webhooks:\n  \"9846\": {}\n  Audit:\n    secretKey: S3cret-value!\n");
    let config = document.unnamed().expect("one portal");
    let mut shown: Vec<String> = document.warnings().iter().map(|w| render(w)).collect();
    let missing = config
        .missing_for_create_problem(&config.webhooks[1])
        .expect("uri is missing");
    shown.push(render(&ConfigError::from_problems(vec![missing])));
    let shown = shown.join("\n");
    assert!(!shown.contains("S3cret-value!"), "{shown}");
    snap!(shown);
}

#[test]
fn a_uri_read_from_a_variable_draws_no_uri_warning_once_read() {
    // A look-alike host and a token in the query: each draws a warning when written in the
    // file, none when read from the environment, even once its value is filled in (as
    // `resolve_uris` does; set here by hand, since that registers it with `redact` for the
    // whole test process).
    let value = "https://b\u{456}lling.example.com/hooks?token=s3cr3t-T0k3n";
    let mut document = load_doc("webhooks:\n  Billing:\n    uri: ${BILLING_HOOK_URI}\n");
    assert_eq!(
        document.written[0].uri_var.as_deref(),
        Some("BILLING_HOOK_URI")
    );
    document.written[0].uri = Some(value.to_string());
    assert!(document.warnings().is_empty());
    let literal = load_doc(&format!("webhooks:\n  Billing:\n    uri: {value}\n"));
    let codes: Vec<&str> = literal.warnings().iter().map(Problem::code_str).collect();
    assert_eq!(codes, ["config::lookalike_host", "config::secret_in_uri"]);
}

#[test]
fn a_uri_equal_to_a_variable_s_value_or_holding_it_is_found_with_its_variable() {
    // Read as `resolve_uris` reads it (which registers it with `redact` for the test process:
    // no other test quotes this uri).
    let mut document = load_doc(
        "webhooks:\n  Billing:\n    uri: ${BILLING_URI}\n  Plain:\n    uri: https://plain.example.com/x\n",
    );
    assert!(
        document.portals[0]
            .config
            .secret_uris()
            .var_of("https://plain.example.com/x")
            .is_none()
    );
    let lookup = |_: &str| Ok("https://hooks.example.com/a?t=1".to_string());
    document.resolve_uris(&lookup, &[]).unwrap();
    let secret = document.portals[0].config.secret_uris();
    for uri in [
        "https://hooks.example.com/a?t=1",
        "HTTPS://Hooks.Example.COM:443/a?t=1",
        "https://hooks.example.com:443/./a?t=1",
        // Not the same URL, but it holds the value in another case, or with more after it.
        "https://hooks.example.com/A?t=1",
        "https://hooks.example.com/a?t=1#top",
    ] {
        assert_eq!(secret.var_of(uri), Some("BILLING_URI"), "{uri}");
    }
    for uri in [
        "https://hooks.example.com/a?t=2",
        "https://plain.example.com/x",
        "not a uri",
    ] {
        assert_eq!(secret.var_of(uri), None, "{uri}");
    }
}

#[test]
fn a_uri_with_a_lookalike_host_draws_a_warning_naming_its_punycode() {
    // `billing` with a Cyrillic `і` (U+0456), and credentials in the uri.
    let document = load_doc(
        "webhooks:\n  Billing:\n    uri: https://bot:Pw-hunter2@b\u{456}lling.example.com/hooks\n  Plain:\n    uri: https://billing.example.com/hooks\n",
    );
    let warnings = document.warnings();
    let codes: Vec<&str> = warnings.iter().map(Problem::code_str).collect();
    assert_eq!(codes, ["config::lookalike_host"]);
    let w = &warnings[0];
    assert!(w.reported().warning);
    assert_eq!(w.line(), 2);
    let said = format!("{} {}", w.message(), w.reported().help.unwrap_or_default());
    assert!(said.contains("`b\u{456}lling.example.com`"), "{said}");
    assert!(said.contains("`xn--blling-pvf.example.com`"), "{said}");
    // The message names the host only, and the snippet shows the uri's password masked.
    assert!(!said.contains("hunter2") && !said.contains("bot"), "{said}");
    let shown = render(w);
    assert!(
        shown.contains("uri: https://bot:***@b\u{456}lling"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    snap!(
        "a_uri_with_a_lookalike_host",
        render(
            &load_doc("webhooks:\n  Billing:\n    uri: https://b\u{456}lling.example.com/hooks\n")
                .warnings()[0]
        )
    );
}

/// Every path `shell_word` writes reads back as that path in bash, one word: spaces, quotes,
/// a leading `-`, line breaks and other control characters included.
#[test]
fn a_shell_word_reads_back_as_its_path_in_bash() {
    let paths = [
        "plain/p.json",
        "with space.json",
        "it's.json",
        "-p.json",
        "nl\nx/p.json",
        "tab\there\\'q.json",
        "c1\u{85}x.json",
        // Shown escaped in any message (a combining mark, a bidi override, a zero-width space),
        // so written as bytes: the word on the line is the word bash reads.
        "cafe\u{301}/p.json",
        "rl\u{202e}o\u{200b}.json",
    ];
    for path in paths {
        let word = shell_word(path);
        let out = std::process::Command::new("bash")
            .args(["-c", &format!("printf '%s' {word}")])
            .output()
            .expect("bash");
        let expected = path
            .strip_prefix('-')
            .map_or(path.to_string(), |_| format!("./{path}"));
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{word}");
        assert_eq!(crate::redact::message(&word), word, "shown as it is");
    }
}
