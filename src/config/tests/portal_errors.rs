//! Every problem a file with `portals:` can have: code and line of each, all at once and each
//! once, the rendered report (snapshots in `src/config/snapshots/`), and an `apiKey` written
//! in the file never shown.

use proptest::prelude::*;

use super::super::*;
use super::{assert_shows, render};

/// Checks `text` expecting exactly these problems (code, 1-based line), in this order, and
/// returns the rendered report.
fn expect(text: &str, expected: &[(&str, usize)]) -> String {
    super::expect_problems(load_document_str(text, "fleet.yaml"), expected)
}

/// Two good portals, `a` and `b`, then `rest`.
fn two(rest: &str) -> String {
    format!(
        "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${{A_KEY}}\n  b:\n    url: https://b.example.com\n    apiKey: ${{B_KEY}}\n{rest}"
    )
}

#[test]
fn portal_and_portals_together_point_at_both() {
    snap!(expect(
        &format!("portal: https://a.example.com\n{}", two("")),
        &[("config::portal_and_portals", 1)],
    ));
}

#[test]
fn portals_must_name_at_least_one_portal() {
    for (text, code) in [
        ("portals: {}\nwebhooks: {}\n", "config::no_portals"),
        ("portals:\nwebhooks: {}\n", "config::no_portals"),
        ("portals: [a, b]\n", "config::type"),
    ] {
        expect(text, &[(code, 1)]);
    }
}

#[test]
fn portal_names_are_letters_digits_dots_underscores_and_dashes() {
    snap!(expect(
        "portals:\n  staging env:\n    url: https://a.example.com\n    apiKey: ${A}\n  prödüction:\n    url: https://b.example.com\n    apiKey: ${B}\n  12:\n    url: https://c.example.com\n    apiKey: ${C}\n  \"\":\n    url: https://d.example.com\n    apiKey: ${D}\n",
        &[
            ("config::bad_portal_name", 2),
            ("config::bad_portal_name", 5),
            ("config::bad_portal_name", 8),
            ("config::bad_portal_name", 11),
        ],
    ));
}

#[test]
fn a_portal_needs_a_url_and_a_key_and_nothing_else() {
    snap!(expect(
        "portals:\n  a:\n    apiKey: ${A}\n  b:\n    url: ftp://b.example.com\n  c:\n    uri: https://c.example.com\n    api_key: ${C}\n    url: https://c.example.com\n    apiKey: ${C}\n  d:\n  e: https://e.example.com\n",
        &[
            ("config::missing_url", 2),
            ("config::missing_api_key", 4),
            ("config::bad_uri", 5),
            ("config::unknown_field", 7),
            ("config::unknown_field", 8),
            ("config::type", 11),
            ("config::type", 12),
        ],
    ));
}

#[test]
fn two_portals_with_one_url_are_refused() {
    // Scheme and host case, the default port and a trailing slash do not make another portal.
    snap!(expect(
        "portals:\n  a:\n    url: https://Docs.Example.com\n    apiKey: ${A}\n  b:\n    url: HTTPS://docs.example.com:443/\n    apiKey: ${B}\n  c:\n    url: https://docs.example.com/\n    apiKey: ${C}\n",
        &[
            ("config::duplicate_portal", 6),
            ("config::duplicate_portal", 9)
        ],
    ));
}

#[test]
fn an_id_key_is_refused_among_the_shared_entries() {
    assert_shows(
        &expect(
            &two("webhooks:\n  9846: { enabled: false }\n"),
            &[("config::id_in_shared", 9)],
        ),
        &["move this entry under the `webhooks:` of that"],
        &[],
    );
}

#[test]
fn only_belongs_to_shared_entries() {
    assert_shows(
        &expect(
            &two("    webhooks:\n      Own: { only: [b] }\n"),
            &[("config::misplaced_only", 9)],
        ),
        &["top-level `webhooks:`"],
        &[],
    );
    assert_shows(
        &expect(
            "webhooks:\n  Hook:\n    only: [production]\n",
            &[("config::misplaced_only", 3)],
        ),
        &["`only` is for the shared entries of a file with `portals:`"],
        &[],
    );
}

#[test]
fn only_is_a_non_empty_list_of_the_files_portals() {
    snap!(expect(
        &two(
            "webhooks:\n  Empty: { only: [] }\n  Scalar: { only: b }\n  Number: { only: [a, 7] }\n  Typo:\n    only: [A, bb, staging]\n"
        ),
        &[
            ("config::empty_only", 9),
            ("config::type", 10),
            ("config::type", 11),
            ("config::unknown_portal", 13),
            ("config::unknown_portal", 13),
            ("config::unknown_portal", 13),
        ],
    ));
}

#[test]
fn only_does_not_fault_a_name_already_faulted_under_portals() {
    expect(
        "portals:\n  staging env:\n    url: https://a.example.com\n    apiKey: ${A}\nwebhooks:\n  X: { only: [staging env] }\n",
        &[("config::bad_portal_name", 2)],
    );
}

#[test]
fn an_overlay_of_an_entry_only_keeps_from_the_portal_is_refused() {
    snap!(expect(
        &format!(
            "{}    webhooks:\n      Audit: {{ enabled: false }}\nwebhooks:\n  Audit:\n    uri: https://audit.example.com\n    only: [a]\n",
            two("")
        ),
        &[("config::overlay_left_out", 9)],
    ));
}

#[test]
fn checks_across_an_overlay_hold_on_each_portals_merged_list() {
    snap!(expect(
        "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${A}\n    webhooks:\n      Plain: { ssl: true }\n      Secure: { uri: http://secure.example.com }\n      5: { name: Plain }\n  b:\n    url: https://b.example.com\n    apiKey: ${B}\n    webhooks:\n      5: { name: Plain }\n      6: { name: Plain }\nwebhooks:\n  Plain:\n    uri: http://plain.example.com\n  Secure:\n    ssl: true\n",
        &[
            ("config::ssl_needs_https", 6),
            ("config::ssl_needs_https", 7),
            ("config::duplicate_name", 8),
            ("config::duplicate_name", 13),
            ("config::duplicate_name", 14),
        ],
    ));
}

#[test]
fn a_shared_entrys_problem_is_reported_once_however_many_portals_get_it() {
    let shown = expect(
        &two(
            "webhooks:\n  Hook:\n    uri: http://hook.example.com\n    ssl: true\n    triggers: [file.uplaoded]\n",
        ),
        &[
            ("config::ssl_needs_https", 10),
            ("config::unknown_trigger", 12),
        ],
    );
    assert_eq!(shown.matches("ssl: true requires").count(), 1, "{shown}");
}

#[test]
fn the_fleet_example_with_many_problems_reports_them_all_in_file_order() {
    let text = super::portals::FLEET
        .replace("${DOCSPACE_STAGING_KEY}", "DOCSPACE_STAGING_KEY")
        .replace("9846: { enabled: false }", "9846: { enabled: no }")
        .replace("only: [production]", "only: [prod]")
        .replace(
            "url: https://docs.example.com",
            "url: https://staging.docs.example.com/",
        );
    expect(
        &text,
        &[
            ("config::literal_api_key", 4),
            ("config::type", 8),
            ("config::duplicate_portal", 10),
            ("config::unknown_portal", 20),
        ],
    );
}

// --- the API key ---------------------------------------------------------------------------

const KEY: &str = "sk-live-7f3a9c2e4b8d1f6a0c5e";

fn shown_everywhere(text: &str) -> String {
    match load_document_str(text, "fleet.yaml") {
        Ok(_) => panic!("expected an error"),
        Err(e) => {
            let reported = format!("{:?}", e.reported());
            format!("{}\n{e}\n{e:?}\n{reported}", render(&e))
        }
    }
}

#[test]
fn a_key_written_in_the_file_is_an_error_that_never_shows_it() {
    for written in [
        KEY.to_string(),
        format!("\"{KEY}\""),
        format!("'{KEY}'"),
        format!("|\n      {KEY}"),
        format!("\n      {KEY}"),
        format!("{KEY} # {KEY}"),
    ] {
        let text = format!(
            "portals:\n  a:\n    url: https://a.example.com\n    apiKey: {written}\n    webhooks:\n      Hook: {{ triggers: [nope] }}\n"
        );
        assert_shows(
            &shown_everywhere(&text),
            &["config::literal_api_key", "config::unknown_trigger"],
            &[KEY, &KEY[8..]],
        );
    }
    snap!(expect(
        &format!("portals:\n  staging:\n    url: https://a.example.com\n    apiKey: {KEY}\n"),
        &[("config::literal_api_key", 4)],
    ));
}

#[test]
fn a_key_that_is_not_a_clean_reference_is_an_error_without_the_value() {
    for (value, code) in [
        ("$DOCSPACE_KEY", "config::bad_secret_ref"),
        ("${DOCSPACE-KEY}", "config::bad_secret_ref"),
        ("\"prefix${DOCSPACE_KEY}\"", "config::bad_secret_ref"),
        ("12345678901234", "config::literal_api_key"),
        ("[a]", "config::literal_api_key"),
        ("", "config::literal_api_key"),
    ] {
        let text = format!("portals:\n  a:\n    url: https://a.example.com\n    apiKey: {value}\n");
        let shown = expect(&text, &[(code, 4)]);
        if value.len() > 3 {
            assert!(!shown.contains(value.trim_matches('"')), "{shown}");
        }
    }
}

#[test]
fn a_key_is_masked_where_the_file_puts_it_by_mistake() {
    // Indented one level too far out, the key is read as a portal named `apiKey`.
    for text in [
        format!("portals:\n  apiKey: {KEY}\n  a:\n    url: https://a.example.com\n"),
        // A file that does not parse is not shown at all when it may hold the key.
        format!(
            "portals:\n  a:\n    url: https://a.example.com\n    apiKey: {KEY}\n    webhooks: [\n"
        ),
    ] {
        assert_shows(&shown_everywhere(&text), &[], &[KEY]);
    }
}

#[test]
fn a_portal_name_that_looks_like_a_secret_word_hides_nothing_of_its_settings() {
    assert_shows(
        &shown_everywhere(
            "portals:\n  token-eu:\n    url: https://eu.example.com\n    prune: { maxDeletes: -1 }\n    apiKey: ${EU_KEY}\n",
        ),
        &["url: https://eu.example.com", "apiKey: ${EU_KEY}"],
        &[],
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_literal_key_reaches_a_diagnostic(
        key in "[A-Za-z0-9_\\-]{24,40}",
        quote in 0..3u8,
        problem in 0..4usize,
    ) {
        let written = match quote {
            0 => key.clone(),
            1 => format!("\"{key}\""),
            _ => format!("'{key}'"),
        };
        let other = [
            "    webhooks:\n      Hook: { triggers: [nope] }\n",
            "    colour: red\n",
            "    webhooks:\n      Hook: { ssl: true, uri: http://h.example.com }\n",
            "",
        ][problem];
        let text = format!("portals:\n  p-1:\n    url: https://a.example.com\n    apiKey: {written}\n{other}");
        let shown = shown_everywhere(&text);
        prop_assert!(!shown.contains(&key), "{}", shown);
    }
}
