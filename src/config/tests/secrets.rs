//! Secrets never show (not in `Debug`, not in a rendered error, not in the context lines around
//! another problem), and `${VAR}` references resolve or fail naming the variable.

use secrecy::ExposeSecret;

use super::super::*;
use super::{assert_shows, load_doc, load_ok, render};
use crate::config::secret::check_secret_policy;

const SECRET: &str = "Sup3r-S3cret-Value";

fn rendered_error(text: &str) -> String {
    match load_document_str(text, "webhooks.yaml") {
        Ok(_) => panic!("expected an error"),
        Err(e) => format!("{}\n{e}\n{e:?}", render(&e)),
    }
}

#[test]
fn a_literal_secret_is_not_in_debug_output() {
    let document = load_doc(&format!("webhooks:\n  a:\n    secretKey: {SECRET}\n"));
    let debug = format!("{document:?} {document:#?}");
    assert!(!debug.contains(SECRET), "{debug}");
    let warnings = format!("{:?}", document.warnings());
    assert!(!warnings.contains(SECRET), "{warnings}");
}

#[test]
fn a_secret_next_to_another_problem_is_masked_in_the_snippet() {
    // Masked as `***` whatever its length, so not even the length shows.
    assert_shows(
        &rendered_error(&format!(
            "webhooks:\n  a:\n    secretKey: {SECRET}\n    triggers: [nope]\n    secret_key: \"{SECRET}\"\n"
        )),
        &["secretKey: ***  "],
        &[SECRET, "****"],
    );
}

/// Found by the mutation property: a key no list of secret words foresees (`password` with a
/// letter lost) holding a secret. An unknown key's value is never shown; numbers and bools are.
#[test]
fn the_value_of_an_unknown_key_is_never_shown() {
    for (key, place) in [
        (
            "assword",
            "webhooks:\n  a:\n    KEY: 'VALUE'\n    triggers: [nope]\n",
        ),
        ("colour", "KEY: VALUE\nwebhooks: {}\n"),
        (
            "note",
            "portals:\n  p:\n    url: https://p.example.com\n    apiKey: ${P}\n    KEY: VALUE\n",
        ),
    ] {
        assert_shows(
            &rendered_error(&place.replace("KEY", key).replace("VALUE", SECRET)),
            &[&format!("{key}: ***")],
            &[SECRET],
        );
    }
    assert_shows(
        &rendered_error("webhooks:\n  a:\n    enabeld: true\n    retries: 3\n"),
        &["enabeld: true", "retries: 3"],
        &[],
    );
}

/// Found by the mutation property: `passwd:'...'` without a space after the colon is one string
/// where the entry's settings belong; a secret-looking key written inside a value hides the
/// rest of it (a URL's `?token=...` too), and credentials before it with it.
#[test]
fn a_secret_key_written_inside_a_value_hides_the_rest_of_it() {
    for text in [
        format!("webhooks:\n  Billing:\n    passwd:'{SECRET}'\n"),
        format!(
            "webhooks:\n  a:\n    uri: https://h.example.com/h?token={SECRET}\n    triggers: [nope]\n"
        ),
        format!(
            "webhooks:\n  a:\n    uri: https://u:pw1234@h.example.com/h?api_key={SECRET}\n    triggers: [nope]\n"
        ),
    ] {
        assert_shows(&rendered_error(&text), &[], &[SECRET, "pw1234"]);
    }
}

#[test]
fn a_secret_failing_the_policy_is_not_echoed() {
    for bad in [
        "short",
        "has a space in it",
        "ünïcödé-secret",
        &"x".repeat(31),
    ] {
        assert_shows(
            &rendered_error(&format!("webhooks:\n  a:\n    secretKey: \"{bad}\"\n")),
            &["config::secret_policy"],
            &[bad],
        );
    }
}

#[test]
fn a_secret_is_masked_even_when_the_file_does_not_parse() {
    for text in [
        format!("webhooks:\n  a:\n    secretKey: {SECRET}\n    uri: [unclosed\n"),
        format!("webhooks:\n  a:\n    secretKey: |\n      {SECRET}\n    uri: [unclosed\n"),
        // JSON style: no space after the colon.
        format!("webhooks:\n  a: {{\"secretKey\":\"{SECRET}\", \"enabled\": true,, }}}}}}\n"),
    ] {
        assert_shows(&rendered_error(&text), &[], &[SECRET]);
    }
}

#[test]
fn nothing_in_a_secrets_value_shows_not_even_a_number() {
    assert_shows(
        &rendered_error(
            "webhooks:\n  a:\n    secretKey: [12345678, {98765432: 55555555}]\n    triggers: [nope]\n",
        ),
        &["triggers: [nope]"],
        &["12345678", "98765432", "55555555"],
    );
}

#[test]
fn a_secret_written_as_a_mapping_key_is_masked() {
    // `{...}` instead of `${...}` makes the secret a flow mapping's key.
    assert_shows(
        &rendered_error(&format!(
            "webhooks:\n  a:\n    secretKey: {{{SECRET}}}\n    uri: https://a.example.com\n"
        )),
        &["secretKey"],
        &[SECRET],
    );
}

#[test]
fn secrets_in_comments_and_after_a_key_are_masked() {
    // A commented-out secret line, and a value turned into a comment by a stray `#`.
    assert_shows(
        &rendered_error(&format!(
            "webhooks:\n  a:\n#   secretKey: {SECRET}\n    secretKey: #{SECRET}\n    triggers: [nope]\n"
        )),
        &["#   ***"],
        &[SECRET],
    );
}

#[test]
fn a_value_read_through_an_alias_of_a_secret_is_never_quoted() {
    assert_shows(
        &rendered_error(&format!(
            "webhooks:\n  a:\n    secretKey: &s {SECRET}\n    uri: *s\n    triggers: [*s]\n    name: *s\n"
        )),
        &["unknown trigger\n"],
        &[SECRET],
    );
}

#[test]
fn a_tag_in_a_file_with_secrets_is_not_quoted() {
    // `!` starts a tag: the parser's message would quote the secret as its name.
    assert_shows(
        &rendered_error("webhooks:\n  a:\n    secretKey: !Sup3r-S3cret-Value\n"),
        &["unsupported tag `…`", "webhooks.yaml:3:"],
        &[SECRET],
    );
    // Without anything secret in the file, the snippet and the quote stay.
    assert_shows(
        &rendered_error("webhooks:\n  a:\n    name: !custom x\n"),
        &["`!custom`", "name: !custom x"],
        &[],
    );
}

#[test]
fn credentials_are_masked_in_the_uri_where_they_stand() {
    assert_shows(
        &rendered_error(
            "portal: https://u:pw-in-portal@p.example.com\nwebhooks:\n  a:\n    \
             uri: http://admin:pw-in-uri@h.example.com/x\n    ssl: true\n",
        ),
        &["uri: http://admin:***@h.example.com/x"],
        &["pw-in"],
    );
}

#[test]
fn malformed_references_are_errors_without_the_value() {
    for bad in [
        "${BILLING-SECRET}",
        "prefix${VAR}",
        "${1VAR}",
        "$BILLING_SECRET",
        "${}",
    ] {
        assert_shows(
            &rendered_error(&format!("webhooks:\n  a:\n    secretKey: \"{bad}\"\n")),
            &["config::bad_secret_ref"],
            &[bad],
        );
    }
    snap!(render(
        &load_document_str(
            "webhooks:\n  a:\n    secretKey: ${BILLING-SECRET}\n",
            "webhooks.yaml"
        )
        .expect_err("bad reference")
    ));
}

fn env(
    pairs: &'static [(&'static str, &'static str)],
) -> impl Fn(&str) -> Result<String, std::env::VarError> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .ok_or(std::env::VarError::NotPresent)
    }
}

/// What `apply` does with an entry's secret: resolve it, naming the webhook in any error.
fn resolve_secret(
    webhook: &DesiredWebhook,
    lookup: &dyn Fn(&str) -> Result<String, std::env::VarError>,
) -> Result<Option<secrecy::SecretString>, SecretError> {
    webhook
        .secret
        .as_ref()
        .map(|s| {
            s.resolve(lookup)
                .map_err(|e| e.for_webhook(webhook.label()))
        })
        .transpose()
}

#[test]
fn a_reference_resolves_from_the_lookup() {
    let config = load_ok("webhooks:\n  Billing sync:\n    secretKey: ${BILLING_WEBHOOK_SECRET}\n");
    let lookup = env(&[("BILLING_WEBHOOK_SECRET", "fr0m-the-env!")]);
    let secret = resolve_secret(&config.webhooks[0], &lookup).expect("resolves");
    assert_eq!(
        secret.expect("has a secret").expose_secret(),
        "fr0m-the-env!"
    );

    let literal = load_ok(&format!("webhooks:\n  a:\n    secretKey: {SECRET}\n"));
    let resolved = resolve_secret(&literal.webhooks[0], &env(&[])).expect("literal");
    assert_eq!(resolved.expect("has a secret").expose_secret(), SECRET);
    assert!(
        resolve_secret(&load_ok("webhooks:\n  a: {}\n").webhooks[0], &env(&[]))
            .expect("none")
            .is_none()
    );
}

#[test]
fn an_unset_variable_is_named_with_its_webhook() {
    let config = load_ok("webhooks:\n  Billing sync:\n    secretKey: ${BILLING_WEBHOOK_SECRET}\n");
    let err = resolve_secret(&config.webhooks[0], &env(&[])).expect_err("unset");
    assert!(matches!(&err, SecretError::Unset { var, .. } if var == "BILLING_WEBHOOK_SECRET"));
    assert_eq!(
        err.to_string(),
        "environment variable BILLING_WEBHOOK_SECRET is not set (secretKey of 'Billing sync')"
    );
}

#[test]
fn a_variable_failing_the_policy_is_named_but_its_value_never_shown() {
    let config = load_ok("webhooks:\n  9846:\n    secretKey: ${HOOK_SECRET}\n");
    for value in ["tiny", "with spaces inside", ""] {
        let pairs: &'static [(&str, &str)] = Box::leak(Box::new([("HOOK_SECRET", value)]));
        let err = resolve_secret(&config.webhooks[0], &env(pairs)).expect_err("policy");
        assert!(matches!(&err, SecretError::Policy { var, .. } if var == "HOOK_SECRET"));
        let shown = format!("{err}\n{err:?}\n{}", render(&err));
        assert!(
            shown.contains("HOOK_SECRET") && shown.contains("#9846"),
            "{shown}"
        );
        if !value.is_empty() {
            assert!(!shown.contains(value), "{shown}");
        }
    }
}

#[test]
fn the_server_default_policy() {
    assert_eq!(check_secret_policy("12345678"), Ok(()));
    assert_eq!(check_secret_policy(&"~".repeat(30)), Ok(()));
    assert!(check_secret_policy("1234567").is_err());
    assert!(check_secret_policy(&"a".repeat(31)).is_err());
    assert!(check_secret_policy("has space1").is_err());
    assert!(check_secret_policy("tab\tinside!").is_err());
    assert!(check_secret_policy("ééééééééé").is_err());
    assert!(check_secret_policy("").is_err());
}
