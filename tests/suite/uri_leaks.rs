//! Credentials inside uris in every spelling an adversarial tester found getting through:
//! escapes in the file, uri forms the URL standard reads as having credentials, passwords that
//! make the uri invalid, the `--portal` address, and a name that is a uri.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::{Outcome, Run};

const PASSWORD: &str = "PW99secret";

fn validate(file: &str) -> Outcome {
    Run::new(&["validate"]).file(file).run()
}

fn plan(portal: &FakePortal, file: &str, format: &str) -> Outcome {
    Run::new(&["plan", "--format", format])
        .file(file)
        .portal(portal)
        .run()
}

/// Fails when `out` shows the password, whole or in a piece of five characters with a digit
/// in it (an escape may split it: `PW99\"secret`; a piece of `secret` alone is in `secretKey`).
fn assert_no_password(out: &Outcome, password: &str) {
    let all = out.all();
    let chars: Vec<char> = password.chars().collect();
    for piece in chars.windows(5.min(chars.len())) {
        let piece: String = piece.iter().collect();
        if piece.contains(|c: char| c.is_ascii_digit()) {
            assert!(
                !all.contains(&piece),
                "{piece:?} of {password:?} shown:\n{all}"
            );
        }
    }
}

#[test]
fn a_uri_password_written_with_escapes_is_masked_in_the_snippet() {
    for uri in [
        r#""http://admin:PW99\"secret@a.example.com/x""#,
        "'http://admin:PW99''secret@a.example.com/x'",
        r#""http://ad\u0069min:PW99secret@a.example.com/x""#,
        r#""http://admin\x3aPW99secret@a.example.com/x""#,
        r#""http://admin:PW\x399secret@a.example.com/x""#,
        // An escape in the host too: the whole value is masked.
        r#""http://admin:PW99secret@a.ex\x61mple.com/x""#,
    ] {
        let out = validate(&format!(
            "webhooks:\n  Billing:\n    uri: {uri}\n    ssl: true\n"
        ));
        assert_eq!(out.code, 1, "{out:?}");
        assert!(out.stderr.contains("requires an https uri"), "{out:?}");
        assert!(
            out.stderr.contains("ssl: true"),
            "the snippet is shown: {out:?}"
        );
        assert_no_password(&out, PASSWORD);
        assert_no_password(&out, "PW99");
    }
    // Without an escape, the user still shows.
    let out = validate(
        "webhooks:\n  Billing:\n    uri: \"http://admin:PW99secret@a.example.com/x\"\n    ssl: true\n",
    );
    assert!(
        out.stderr.contains("http://admin:***@a.example.com/x"),
        "{out:?}"
    );
}

#[test]
fn a_password_that_makes_the_uri_invalid_is_masked() {
    for password in ["PW/99secret", "PW?99secret", "PW#99secret"] {
        let out = validate(&format!(
            "webhooks:\n  Billing:\n    uri: https://admin:{password}@a.example.com/x\n"
        ));
        assert_eq!(out.code, 1, "{out:?}");
        assert!(out.stderr.contains("not an absolute URL"), "{out:?}");
        assert!(out.stderr.contains("admin:***@a.example.com"), "{out:?}");
        assert_no_password(&out, password);
    }
}

#[test]
fn every_uri_form_with_credentials_is_masked_in_plans() {
    let portal = FakePortal::start();
    let live = [
        "https:admin:PW99secret@a.example.com/x",
        "https:/admin:PW99secret@a.example.com/x",
        "https://admin:PW99secret\t@a.example.com/x",
    ];
    for (i, uri) in live.iter().enumerate() {
        portal.seed(Seed::new(&format!("Live{i}"), uri));
    }
    let file = "webhooks:\n  Live0:\n    uri: https://b.example.com/new\n  Live1:\n    uri: \
                https://b.example.com/new\n  Live2:\n    uri: https://b.example.com/new\n";
    for format in ["text", "json", "markdown"] {
        let out = plan(&portal, file, format);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("admin:***@a.example.com"), "{out:?}");
        assert_no_password(&out, PASSWORD);
    }
    // The file may not write such a form (a uri is sent as written): refused, still masked.
    let file = format!(
        "{file}  New:\n    uri: \"https:/admin:PW99secret@a.example.com/y\"\n    secretKey: \
         ${{HOOK_SECRET}}\n"
    );
    let out = plan(&portal, &file, "text");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("not written as `scheme://host`")
            && out.stderr.contains("https:/admin:***@a.example.com/y"),
        "{out:?}"
    );
    assert_no_password(&out, PASSWORD);
}

#[test]
fn a_portal_address_with_credentials_is_refused_without_showing_them() {
    for portal in [
        "https://admin:PW99\"xsecret@example.com",
        "https:admin:PW99xsecret@example.com",
        "https://admin:PW99/xsecret@example.com",
    ] {
        let out = Run::new(&["plan", "--portal", portal])
            .file("webhooks: {}\n")
            .env("DOCSPACE_API_KEY", "k")
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        assert!(out.stderr.contains("admin:***@"), "{out:?}");
        assert_no_password(&out, "PW99xsecret");
    }
}

#[test]
fn a_name_that_is_a_uri_with_credentials_is_masked_in_messages_and_plans() {
    let portal = FakePortal::start();
    const NAME: &str = "https://admin:S3cr3tVALUE99@a.example.com/x";
    // Not on the portal and no uri: the heading names the entry.
    let out = plan(
        &portal,
        &format!("webhooks:\n  '{NAME}':\n    enabled: true\n"),
        "text",
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("'https://admin:***@a.example.com/x' is not on the portal"),
        "{out:?}"
    );
    assert_no_password(&out, "S3cr3tVALUE99");
    // A create: the name is masked in every format; the field diff says it is.
    let file = format!(
        "webhooks:\n  '{NAME}':\n    uri: https://b.example.com/h\n    secretKey: ${{S}}\n"
    );
    for format in ["text", "json", "markdown"] {
        let out = plan(&portal, &file, format);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            out.stdout.contains("https://admin:***@a.example.com/x"),
            "{out:?}"
        );
        assert_no_password(&out, "S3cr3tVALUE99");
    }
    // apply sends the name as written, and reports it masked.
    let out = Run::new(&["apply", "--auto-approve"])
        .file(&file)
        .portal(&portal)
        .env("S", "a-secret-of-16ch")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_no_password(&out, "S3cr3tVALUE99");
    assert_eq!(portal.webhooks()[0].name, NAME);
}

/// Two live webhooks share a name that is a uri with credentials: the entry of that name
/// matches both, and the message naming them masks the password as the snippet does.
#[test]
fn a_name_two_live_webhooks_share_is_masked_in_the_ambiguous_name_message() {
    let portal = FakePortal::start();
    const NAME: &str = "https://admin:S3cr3tVALUE99@a.example.com/x";
    portal.seed(Seed::new(NAME, "https://b.example.com/1"));
    portal.seed(Seed::new(NAME, "https://b.example.com/2"));
    let file = format!("webhooks:\n  '{NAME}':\n    enabled: false\n");
    let json = plan(&portal, &file, "json");
    assert_eq!(json.code, 1, "{json:?}");
    assert_no_password(&json, "S3cr3tVALUE99");
    let out = plan(&portal, &file, "text");
    assert_no_password(&out, "S3cr3tVALUE99");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x 2 live webhooks are named "https://admin:***@a.example.com/x" (ids 1, 2)
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   'https://admin:***@a.example.com/x'          :
       :   ^^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^^
       :                         `-- matches more than one webhook
     3 |     enabled: false
       `----
      help: key the entry by id instead, e.g. `1:`, and add an entry per webhook you mean to manage

    ----- end -----
    "#);
}

/// Two entries manage one live webhook whose name is a uri with credentials: the message
/// naming that webhook masks the password.
#[test]
fn a_webhook_two_entries_manage_is_named_masked() {
    let portal = FakePortal::start();
    const NAME: &str = "https://admin:S3cr3tVALUE99@a.example.com/x";
    let id = portal.seed(Seed::new(NAME, "https://b.example.com/1"));
    let file = format!("webhooks:\n  {id}:\n    enabled: false\n  '{NAME}':\n    enabled: false\n");
    let out = plan(&portal, &file, "text");
    assert_no_password(&out, "S3cr3tVALUE99");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x this entry and #1 both manage webhook 1 ("https://admin:***@a.example.com/x")
       ,-[webhooks.yaml:4:3]
     3 |     enabled: false
     4 |   'https://admin:***@a.example.com/x'          :
       :   ^^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^^
       :                         `-- second entry for the same webhook
     5 |     enabled: false
       `----
      help: keep one entry per webhook

    ----- end -----
    "#);
}

/// `--target` a key the file lacks, next to a name that is a uri with credentials: neither the
/// key typed nor the closest key is shown with its password.
#[test]
fn an_unknown_target_and_its_closest_key_are_masked() {
    let portal = FakePortal::start();
    let file = "webhooks:\n  'https://admin:S3cr3tVALUE99@a.example.com/x':\n    enabled: false\n";
    let out = Run::new(&[
        "plan",
        "--target",
        "https://admin:S3cr3tVALUE98@a.example.com/y",
    ])
    .file(file)
    .portal(&portal)
    .run();
    assert_no_password(&out, "S3cr3tVALUE99");
    assert_no_password(&out, "S3cr3tVALUE98");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x --target "https://admin:***@a.example.com/y": no entry of webhooks.yaml has this key (the closest key is "https://admin:***@a.example.com/x")
      help: --target takes an entry's key: a name as written in the file, or an id's digits; nothing was planned

    ----- end -----
    "#);
}

/// `plan --out` of an entry named by a uri with credentials that sends a literal secretKey:
/// the refusal names it masked.
#[test]
fn a_literal_secret_refused_from_a_saved_plan_names_the_webhook_masked() {
    let portal = FakePortal::start();
    let file = "webhooks:\n  'https://admin:S3cr3tVALUE99@a.example.com/x':\n    uri: https://b.example.com/h\n    secretKey: Literal-Secret-1\n";
    let out = Run::new(&["plan", "--out", "plan.json"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_no_password(&out, "S3cr3tVALUE99");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      ! the secretKey of 'https://admin:***@a.example.com/x' is written in the file
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   'https://admin:***@a.example.com/x'          :
       :   ^^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^^
       :                         `-- secret written literally in this entry
     3 |     uri: https://b.example.com/h
       `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

      x cannot save a plan that sends the literal secretKey of "https://admin:***@a.example.com/x"
      help: a saved plan never holds secret values: write `secretKey: ${SOME_VAR}` in the file and set SOME_VAR when you apply

    ----- end -----
    "#);
}

/// A saved plan that creates a webhook named by a uri with credentials (a rename of #1, which
/// has its uri), edited as the planner never writes it: each refusal names it masked.
#[test]
fn a_saved_plan_refused_for_a_create_names_it_masked() {
    const NAME: &str = "https://admin:S3cr3tVALUE99@a.example.com/x";
    type Edit = fn(&mut serde_json::Value);
    let cases: [Edit; 4] = [
        |p| {
            let again = p["writes"][0].clone();
            p["writes"].as_array_mut().unwrap().push(again);
        },
        |p| p["writes"][0]["webhook"]["secretKey"] = false.into(),
        |p| {
            let again = p["notes"]["renames"][0].clone();
            p["notes"]["renames"].as_array_mut().unwrap().push(again);
        },
        |p| p["notes"]["renames"][0]["name"] = "Other".into(),
    ];
    let portal = FakePortal::start();
    portal.seed(Seed::new("Old", "https://b.example.com/h"));
    let file = format!(
        "webhooks:\n  '{NAME}':\n    uri: https://b.example.com/h\n    secretKey: ${{S}}\n"
    );
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(&file)
        .portal(&portal)
        .env("S", "a-secret-of-16ch");
    assert_eq!(run.run().code, 0);
    let path = run.path("plan.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let mut refused = String::new();
    for change in cases {
        std::fs::write(&path, &original).unwrap();
        crate::suite::saved_plan::edit(&path, |plan| change(&mut plan["portals"][0]));
        let out = Run::new(&["show", path.to_str().unwrap()])
            .reviewed(&path)
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        assert_no_password(&out, "S3cr3tVALUE99");
        refused.push_str(&out.user_view());
    }
    insta::assert_snapshot!(refused, @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: "https://admin:***@a.example.com/x" is created more than once
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 1: the create of "https://admin:***@a.example.com/x" has no secretKey
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: a rename note pairs the create of "https://admin:***@a.example.com/x" with #1 twice
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: a rename note pairs the create of "https://admin:***@a.example.com/x" with #1, which the plan does not hold that way
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    "#);
}

/// Receivers that authenticate by a secret in the query (`?token=...`): the value is masked in
/// every plan format and in `apply`'s output, a change of it alone still shows (as a change of
/// credentials) and is written, and the portal gets the real uri.
#[test]
fn a_query_token_is_masked_in_every_output_but_written_for_real() {
    let portal = FakePortal::start();
    portal.seed(Seed::new(
        "Hook",
        "https://h.example.com/in?tenant=4&token=OLD77token",
    ));
    let new = "https://h.example.com/in?tenant=4&token=NEW88token";
    let file = format!("webhooks:\n  Hook:\n    uri: {new}\n");
    let text = plan(&portal, &file, "text");
    assert_eq!(text.code, 0, "{text:?}");
    insta::assert_snapshot!(text.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Hook"
          uri       = "https://h.example.com/in?tenant=4&token=***" -> "https://h.example.com/in?tenant=4&token=*** (credentials changed)"

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
      ! the uri of 'Hook' carries a secret in its query (`token`)
       ,-[webhooks.yaml:3:10]
     2 |   Hook:
     3 |     uri: https://h.example.com/in?tenant=*&token=***       
       :          ^^^^^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^^^^
       :                                   `-- a secret in the file
       `----
      help: read the whole uri from the environment instead, e.g. `uri: ${BILLING_HOOK_URI}`: no output shows it then

    ----- end -----
    "#);
    for format in ["json", "markdown"] {
        let out = plan(&portal, &file, format);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("token=***"), "{format}: {out:?}");
        assert_no_password(&out, "OLD77token");
        assert_no_password(&out, "NEW88token");
    }
    let applied = Run::new(&["apply", "--auto-approve"])
        .file(&file)
        .portal(&portal)
        .run();
    assert_eq!(applied.code, 0, "{applied:?}");
    assert_no_password(&applied, "OLD77token");
    assert_no_password(&applied, "NEW88token");
    assert_eq!(portal.webhooks()[0].uri, new);
}

/// A parameter name spelled with percent escapes is the name the receiver reads (`t%6Fken` is
/// `token`): its value is masked like the plain spelling's.
#[test]
fn a_query_token_whose_name_is_percent_encoded_is_masked() {
    let portal = FakePortal::start();
    let file = "webhooks:\n  Hook:\n    uri: https://h.example.com/in?t%6Fken=NEW88token&access%5Ftoken=NEW99token\n    secretKey: ${HOOK_SECRET}\n";
    let out = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_no_password(&out, "NEW88token");
    assert_no_password(&out, "NEW99token");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "Hook"
          name      = "Hook"
          uri       = "https://h.example.com/in?t%6Fken=***&access%5Ftoken=***"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
      ! the uri of 'Hook' carries a secret in its query (`t%6Fken`, `access%5Ftoken`)
       ,-[webhooks.yaml:3:10]
     2 |   Hook:
     3 |     uri: https://h.example.com/in?t%6Fken=***&access%5Ftoken=***              
       :          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
       :                                            `-- a secret in the file
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: read the whole uri from the environment instead, e.g. `uri: ${BILLING_HOOK_URI}`: no output shows it then

    ----- end -----
    "#);
}
