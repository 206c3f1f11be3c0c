//! The display copy: what shows of a file, and when it is made.

use super::*;

/// The display copy is made when a problem is shown, not for every file that loads.
#[test]
fn a_file_that_loads_is_not_copied_for_display() {
    let text = "webhooks:\n  a:\n    uri: https://a.example.com\n    secretKey: hunter2hunter2\n";
    let document = super::super::load_document_str(text, "w.yaml").unwrap();
    let warnings = document.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(document.source.copy.get().is_none());
    assert_eq!(warnings[0].line(), 2);
    assert!(document.source.copy.get().is_none());
    // A report for a program names the file as it is, without the copy either.
    let _ = warnings[0].reported();
    assert!(document.source.copy.get().is_none());
}

#[test]
fn a_secret_run_into_an_unknown_key_is_blanked_and_a_misspelt_field_shows() {
    let text = "webhooks:\n  a:\n    secretKey:| 'pa55:word!':\n    secretKeyAbCd1234: x\n    api_key: x\n    sssl: true\n";
    let source = Source::new("w.yaml".into(), text.into());
    let shown = source.display().inner();
    assert!(!shown.contains("pa55"), "{shown}");
    assert!(!shown.contains("AbCd1234"), "{shown}");
    assert!(
        shown.contains("api_key:") && shown.contains("sssl: true"),
        "{shown}"
    );
}

/// A stray `?` makes the API key a key of the portal: neither the snippet nor the message
/// shows it, nor a generated secret's shape; field names and their typos still show.
#[test]
fn a_key_in_a_credential_shape_is_not_shown() {
    let key = "sk-AaAa0AaA0Aaaa0aAAAAb0jF";
    let text = format!(
        "portals:\n  staging:\n    url: https://staging.example.com\n    apiKey: >+\n    \
         ? {key}\n    webhooks: {{}}\nwebhooks: {{}}\n"
    );
    let error = super::super::load_document_str(&text, "w.yaml").unwrap_err();
    let shown = format!("{:?}", miette::Report::new(error));
    assert!(!shown.contains("AaAa0AaA0"), "{shown}");
    assert!(
        shown.contains("unknown field in portal `staging`"),
        "{shown}"
    );
    for key in [
        "Ab3dEf6hIj9kLm2n",
        "4f1c2e9a7b3d5e8f0a6c9d21",
        "Ab3dEfGhIjKlMnOp",
        "correcthorsebatterystaple",
        "XKQJVBTRMZPLWHFD",
        "sk-live",
        "SK-x",
    ] {
        assert!(!is_field_like(key), "{key}");
    }
    for key in [
        "secretKy",
        "targetID",
        "webhookId12",
        "description",
        "retry-after-2xx",
        "v2024",
        "descripton",
        "notification_settings",
        "deliveryRetryPolicyName",
        "webhookpriority",
    ] {
        assert!(is_field_like(key), "{key}");
    }
}

#[test]
fn secret_looking_keys() {
    let secret = "secretKey secrectKey scretKey secertKey secret_key SECRET secretKy sceretKye \
                  apiKey api_key token accessToken password passwd db.pwd credentials secrtKy \
                  sceretky signature x-hub-sig basicAuth hmac psk cred digest apiKy apikee \
                  authorization";
    for key in secret.split_whitespace() {
        assert!(is_secret_key(key), "{key}");
    }
    let not = "name uri enabled ssl triggers targetId portal webhooks url events target select \
               scheme server author design api incredible session-events";
    for key in not.split_whitespace() {
        assert!(!is_secret_key(key), "{key}");
    }
}

#[test]
fn an_unparsed_file_shown_hides_its_comments() {
    let text = "webhooks:\n  a: # the old one\n    secretKey: ${S}  # was: x7Kp2mQv9Lr4\n    triggers: [file.created\n";
    let shown = display_unparsed(text).expect("nothing secret-looking outside comments");
    let lines = [
        "webhooks:",
        "  a: # ***        ",
        "    secretKey: ${S}  # ***              ",
        "    triggers: [file.created\n",
    ];
    assert_eq!(shown, lines.join("\n"));
}

#[test]
fn unparsed_files_with_secrets_are_recognised() {
    for text in [
        "webhooks:\n  a:\n    secretKey: hunter2hunter2\n",
        "webhooks:\n  a:\n    secretKey:\n      hunter2hunter2\n",
        "webhooks:\n  a: {\"secrectKey\":\"x\"}\n",
        "webhooks:\n  a:\n    uri: http://admin:pw@host/x\n",
        "webhooks:\n  a:\n    uri: admin:pw@host/x\n",
        "# secretKey: hunter2hunter2\nwebhooks: [\n",
        "webhooks:\n  a: # password = x\n",
        "webhooks:\n  a:\n    signature: x7Kp2mQv9Lr4\n    triggers: [file.created\n",
        "webhooks:\n  a:\n    hmac: !x7Kp2mQv9Lr4\n",
        "webhooks:\n  a:\n    apiKy: x7Kp2mQv9Lr4\n    triggers: [file.created\n",
        // UTF-16 read as UTF-8.
        "w\0:\0 \0{\0s\0e\0c\0r\0e\0t\0K\0e\0y\0:\0 \0x\0}\0\n\0",
        "\0u\0r\0i\0:\0 \0h\0t\0t\0p\0:\0/\0/\0a\0:\0p\0w\0@\0h\0o\0s\0t\0\n",
    ] {
        assert!(may_hold_secrets(text), "{text}");
    }
    for text in [
        "webhooks:\n  a:\n    secretKey: ${HOOK_SECRET}  # from the vault\n    uri: [x\n",
        "webhooks:\n  a:\n    secretKey: \"${HOOK_SECRET}\"\n",
        "# every secret comes from the environment\nwebhooks: [\n",
        "webhooks:\n  a:\n    uri: https://a.example/h#x@y\n",
    ] {
        assert!(!may_hold_secrets(text), "{text}");
    }
}
