//! Files with `portals:` that load, and what each portal gets: the shared entries (after
//! `only:`) overlaid by its own, then its own; its url, key variable and deletion limit.

use super::super::*;
use super::{codes_and_lines, render};
use crate::triggers::TriggerSet;

/// The example of the issue and the README.
pub(super) const FLEET: &str = "\
portals:
  staging:
    url: https://staging.docs.example.com
    apiKey: ${DOCSPACE_STAGING_KEY}
    webhooks:
      Billing sync:
        uri: https://billing.staging.example.com/hooks/docspace
      9846: { enabled: false }
  production:
    url: https://docs.example.com
    apiKey: ${DOCSPACE_PROD_KEY}
webhooks:
  Billing sync:
    uri: https://billing.example.com/hooks/docspace
    secretKey: ${BILLING_WEBHOOK_SECRET}
    triggers: [file.uploaded, room.created]
  Audit trail:
    uri: https://audit.example.com/docspace
    triggers: [\"*\"]
    only: [production]
";

pub(super) fn load_fleet(text: &str) -> Document {
    match load_document_str(text, "fleet.yaml") {
        Ok(fleet) if fleet.unnamed().is_none() => fleet,
        Ok(_) => panic!("a portals file loaded as a single one"),
        Err(e) => panic!("expected the file to load:\n{}", render(&e)),
    }
}

fn at(text: &str, span: miette::SourceSpan) -> &str {
    &text[span.offset()..span.offset() + span.len()]
}

fn names(fleet: &Document) -> Vec<&str> {
    fleet
        .portals
        .iter()
        .filter_map(|p| p.name.as_deref())
        .collect()
}

fn labels(config: &Config) -> Vec<String> {
    config.webhooks.iter().map(DesiredWebhook::label).collect()
}

#[test]
fn the_documented_fleet_loads_each_portal_with_what_applies_to_it() {
    let fleet = load_fleet(FLEET);
    assert_eq!(names(&fleet), ["staging", "production"]);
    let (staging, production) = (&fleet.portals[0], &fleet.portals[1]);

    assert_eq!(staging.api_key_var, "DOCSPACE_STAGING_KEY");
    let (url, url_span) = staging.config.portal.as_ref().expect("url");
    assert_eq!(url, "https://staging.docs.example.com");
    assert_eq!(at(FLEET, *url_span), url);
    assert_eq!(production.api_key_var, "DOCSPACE_PROD_KEY");
    assert_eq!(
        production.config.portal.as_ref().map(|(u, _)| u.as_str()),
        Some("https://docs.example.com")
    );

    // Shared entries that apply, in file order, then the portal's own.
    assert_eq!(labels(&staging.config), ["Billing sync", "#9846"]);
    assert_eq!(labels(&production.config), ["Billing sync", "Audit trail"]);

    // The overlay wins where it speaks; the rest comes from the shared entry.
    let billing = &staging.config.webhooks[0];
    assert_eq!(
        billing.uri.as_deref(),
        Some("https://billing.staging.example.com/hooks/docspace")
    );
    assert!(matches!(&billing.secret, Some(SecretRef::Env(v)) if v == "BILLING_WEBHOOK_SECRET"));
    assert_eq!(
        billing.triggers.map(TriggerSet::bits),
        Some(256 | 4_194_304)
    );
    // Located at the overlay's key; the secret where it is written, in the shared entry.
    assert_eq!(FLEET[..billing.span.offset()].lines().count(), 6);
    let secret_span = billing.secret_span.expect("secret span");
    assert_eq!(at(FLEET, secret_span), "${BILLING_WEBHOOK_SECRET}");

    let shared_billing = &production.config.webhooks[0];
    assert_eq!(
        shared_billing.uri.as_deref(),
        Some("https://billing.example.com/hooks/docspace")
    );
    assert_eq!(FLEET[..shared_billing.span.offset()].lines().count(), 13);
    assert_eq!(staging.config.webhooks[1].enabled, Some(false));
    assert_eq!(
        production.config.webhooks[1].triggers,
        Some(TriggerSet::ALL)
    );
    assert!(fleet.warnings().is_empty());
}

#[test]
fn an_overlay_may_set_the_secret_and_then_its_span_is_the_overlays() {
    let text = "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${A_KEY}\n    webhooks:\n      Hook:\n        secretKey: ${A_HOOK_SECRET}\n        enabled: false\nwebhooks:\n  Hook:\n    uri: https://hook.example.com\n    secretKey: ${HOOK_SECRET}\n    enabled: true\n    ssl: true\n";
    let fleet = load_fleet(text);
    let hook = &fleet.portals[0].config.webhooks[0];
    assert!(matches!(&hook.secret, Some(SecretRef::Env(v)) if v == "A_HOOK_SECRET"));
    assert_eq!(
        at(text, hook.secret_span.expect("span")),
        "${A_HOOK_SECRET}"
    );
    assert_eq!((hook.enabled, hook.ssl), (Some(false), Some(true)));
    assert_eq!(hook.uri.as_deref(), Some("https://hook.example.com"));
}

#[test]
fn a_fleet_may_have_no_shared_entries_and_portals_no_own() {
    let fleet = load_fleet(
        "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${A}\n    webhooks:\n      Only here: {}\n  b:\n    url: https://b.example.com\n    apiKey: ${B}\n",
    );
    assert_eq!(labels(&fleet.portals[0].config), ["Only here"]);
    assert!(fleet.portals[1].config.webhooks.is_empty());
}

#[test]
fn a_portals_prune_wins_over_the_top_levels() {
    let fleet = load_fleet(
        "prune: { maxDeletes: 5 }\nportals:\n  a:\n    url: https://a.example.com\n    apiKey: ${A}\n  b:\n    url: https://b.example.com\n    apiKey: ${B}\n    prune: { maxDeletes: 1 }\n  c:\n    url: https://c.example.com\n    apiKey: ${C}\n    prune: {}\n",
    );
    let limits: Vec<Option<usize>> = fleet.portals.iter().map(|p| p.config.max_deletes).collect();
    // `prune: {}` is the portal saying "no limit", which wins too.
    assert_eq!(limits, [Some(5), Some(1), None]);
}

#[test]
fn only_gives_a_shared_entry_to_the_portals_it_names() {
    let fleet = load_fleet(
        "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${A}\n  b:\n    url: https://b.example.com\n    apiKey: ${B}\n  c:\n    url: https://c.example.com\n    apiKey: ${C}\nwebhooks:\n  First: { only: [c, a] }\n  Everywhere: {}\n  Last: { only: [b] }\n",
    );
    let all: Vec<Vec<String>> = fleet.portals.iter().map(|p| labels(&p.config)).collect();
    assert_eq!(
        all,
        [
            vec!["First", "Everywhere"],
            vec!["Everywhere", "Last"],
            vec!["First", "Everywhere"],
        ]
    );
}

#[test]
fn portal_names_may_use_letters_digits_dots_underscores_and_dashes() {
    let fleet = load_fleet(
        "portals:\n  eu-west_2.prod:\n    url: https://a.example.com\n    apiKey: ${A}\n  \"2024\":\n    url: https://b.example.com\n    apiKey: ${B}\nwebhooks:\n  X: { only: [\"2024\"] }\n",
    );
    assert_eq!(names(&fleet), ["eu-west_2.prod", "2024"]);
    assert_eq!(labels(&fleet.portals[1].config), ["X"]);
}

#[test]
fn urls_that_differ_in_path_are_different_portals() {
    // Only scheme/host case, a default port, a trailing slash and a final dot in the host make
    // two urls one portal; another port or host is another portal.
    let fleet = load_fleet(
        "portals:\n  a:\n    url: https://a.example.com:8443\n    apiKey: ${A}\n  b:\n    url: https://a.example.com\n    apiKey: ${B}\n  c:\n    url: https://www.a.example.com\n    apiKey: ${C}\n",
    );
    assert_eq!(fleet.portals.len(), 3);
}

#[test]
fn a_single_portal_file_is_one_document_and_a_fleet_has_no_unnamed_portal() {
    let one = load_document_str(super::EXAMPLE, "webhooks.yaml").expect("loads");
    assert!(one.unnamed().is_some_and(|c| c.webhooks.len() == 2));
    assert!(load_fleet(FLEET).unnamed().is_none());
}

#[test]
fn warnings_of_a_shared_entry_are_given_once() {
    let text = "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${A}\n  b:\n    url: https://b.example.com\n    apiKey: ${B}\nwebhooks:\n  \"42\": {}\n  Hook:\n    secretKey: Sh4red-Literal!\n";
    assert_eq!(
        codes_and_lines(&load_fleet(text).warnings()),
        [("config::quoted_id", 9), ("config::literal_secret", 10)]
    );
}

#[test]
fn a_warning_points_at_the_entry_that_writes_the_value_not_at_an_overlay() {
    let text = "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${A}\n    webhooks:\n      Hook: { enabled: false }\n      Own: { secretKey: Own-Literal-1 }\nwebhooks:\n  Hook:\n    uri: https://b\u{456}lling.example.com\n    secretKey: Sh4red-Literal!\n";
    assert_eq!(
        codes_and_lines(&load_fleet(text).warnings()),
        [
            ("config::literal_secret", 7),
            ("config::literal_secret", 9),
            ("config::lookalike_host", 9),
        ]
    );
}

#[test]
fn document_registers_every_portals_secrets() {
    let doc = load_document_str(FLEET, "fleet.yaml").expect("loads");
    let asked = std::cell::RefCell::new(Vec::new());
    doc.register_secrets(&|name| {
        asked.borrow_mut().push(name.to_string());
        Err(std::env::VarError::NotPresent)
    });
    assert_eq!(
        *asked.borrow(),
        [
            "DOCSPACE_STAGING_KEY",
            "DOCSPACE_PROD_KEY",
            "BILLING_WEBHOOK_SECRET",
            "BILLING_WEBHOOK_SECRET"
        ],
        "each portal's key, then one shared secret, once per portal"
    );
}

#[test]
fn a_fleet_that_would_copy_a_million_entries_is_refused() {
    // Within the parser's node budget: a million copies from 1,000 portals and 1,000 shared
    // entries, refused before any is made.
    let mut text = String::from("portals:\n");
    for i in 0..1_000 {
        text.push_str(&format!(
            "  p{i}:\n    url: https://p{i}.example.com\n    apiKey: ${{K}}\n"
        ));
    }
    text.push_str("webhooks:\n");
    for i in 0..1_000 {
        text.push_str(&format!("  w{i}: {{}}\n"));
    }
    let err = load_document_str(&text, "fleet.yaml").expect_err("too many copies");
    let ConfigError::Invalid { problems, .. } = &err else {
        panic!("{err:?}")
    };
    let codes: Vec<&str> = problems.iter().map(|p| p.code_str()).collect();
    assert_eq!(codes, ["config::too_many_webhooks"]);
}

/// A name twice is an error, and hides no other problem of the list: the list is still whole.
#[test]
fn a_portal_named_twice_in_only_is_an_error_beside_an_unknown_one() {
    let text = "portals:\n  staging: { url: https://a.example.com, apiKey: \"${A}\" }\n  prod: { url: https://b.example.com, apiKey: \"${B}\" }\nwebhooks:\n  Hook:\n    only: [staging, prdo, staging]\n  Audit:\n    only: [prdo, prdo]\n";
    snap!(super::expect_problems(
        load_document_str(text, "fleet.yaml"),
        &[
            ("config::unknown_portal", 6),
            ("config::duplicate_only", 6),
            ("config::unknown_portal", 8),
            ("config::duplicate_only", 8),
        ],
    ));
}

/// Two portals as close ignoring case: the hint names the one spelled as written, whichever
/// comes first (`config::schema::closest`, which every "did you mean" goes through).
#[test]
fn an_unknown_portal_in_only_is_told_the_closest_name_in_its_own_case() {
    let portal = |(name, host): (&str, &str)| {
        format!("  {name}: {{ url: https://{host}.example.com, apiKey: \"${{K}}\" }}\n")
    };
    for names in [["staging", "Staging"], ["Staging", "staging"]] {
        let portals: String = names.into_iter().zip(["a", "b"]).map(portal).collect();
        let text = format!("portals:\n{portals}webhooks:\n  Hook:\n    only: [stagng]\n");
        let problems = load_document_str(&text, "fleet.yaml");
        let shown = super::expect_problems(problems, &[("config::unknown_portal", 6)]);
        snap!(
            "an_unknown_portal_in_only_is_told_the_closest_name_in_its_own_case",
            shown
        );
    }
}

#[test]
fn a_webhook_secret_read_from_a_portals_key_variable_is_a_warning() {
    let text = "portals:\n  a: { url: https://a.example.com, apiKey: \"${A_KEY}\" }\nwebhooks:\n  Hook:\n    uri: https://h.example.com\n    secretKey: ${A_KEY}\n";
    let document = load_document_str(text, "fleet.yaml").expect("loads");
    let warnings: Vec<(String, usize)> = document
        .warnings()
        .iter()
        .map(|w| (w.code_str().to_string(), w.line()))
        .collect();
    assert_eq!(warnings, [("config::key_as_secret".to_string(), 6)]);
}
