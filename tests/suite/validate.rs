use crate::support::run::Run;

const GOOD: &str = "\
webhooks:
  Billing sync:
    uri: https://billing.example.com/hooks
    secretKey: ${BILLING_SECRET}
    triggers: [file.uploaded, RoomCreated]
";

#[test]
fn a_good_file_is_valid_without_portal_or_key() {
    let out = Run::new(&["validate"]).file(GOOD).run();
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
    ----- end -----
    ");
}

#[test]
fn every_problem_is_reported_with_its_line_and_a_hint() {
    let out = Run::new(&["validate"])
        .file(
            "webhooks:\n  A:\n    uri: https://a.example.com\n    triggers: [file.uplaoded]\n  B:\n    uri: ftp://b.example.com\n    colour: red\n",
        )
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    // The unknown trigger's line and the closest trigger as a hint, the bad uri's line, the
    // unknown field named.
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 3 problems

      x unknown trigger `file.uplaoded`
       ,-[webhooks.yaml:4:16]
     3 |     uri: https://a.example.com
     4 |     triggers: [file.uplaoded]
       :                ^^^^^^|^^^^^^
       :                      `-- unknown trigger
     5 |   B:
       `----
      help: did you mean `file.uploaded`?

      x `uri` has scheme `ftp`; only http and https are allowed
       ,-[webhooks.yaml:6:10]
     5 |   B:
     6 |     uri: ftp://b.example.com
       :          ^^^^^^^^^|^^^^^^^^^
       :                   `-- not http or https
     7 |     colour: ***
       `----

      x unknown field `colour` in a webhook entry
       ,-[webhooks.yaml:7:5]
     6 |     uri: ftp://b.example.com
     7 |     colour: ***
       :     ^^^|^^
       :        `-- unknown field
       `----
      help: valid fields here: name, uri, secretKey, enabled, ssl, triggers, targetId

    ----- end -----
    ");
    assert!(!out.stderr.contains("panicked"), "{out:?}");
}

#[test]
fn malformed_yaml_is_an_error_not_a_panic() {
    let mut views = String::new();
    for bad in [
        "",
        "webhooks: [",
        "\u{0}\u{1}binary",
        "webhooks:\n\tA: {}\n",
        "portal: x\n",
    ] {
        let out = Run::new(&["validate"]).file(bad).run();
        assert_eq!(out.code, 1, "input {bad:?}: {out:?}");
        assert!(!out.stderr.contains("panicked"), "input {bad:?}: {out:?}");
        views += &format!(
            "$ validate  # webhooks.yaml: {bad:?}\n{}\n",
            out.user_view()
        );
    }
    // Each names the file.
    insta::assert_snapshot!(views, @r#"
    $ validate  # webhooks.yaml: ""
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the file is empty
       ,-[webhooks.yaml:1:1]
       `----
      help: a file that manages no webhooks is `webhooks: {}`

    ----- end -----

    $ validate  # webhooks.yaml: "webhooks: ["
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x invalid YAML: unclosed bracket '['
       ,-[webhooks.yaml:1:11]
     1 | webhooks: [
       :           |
       :           `-- here
       `----

    ----- end -----

    $ validate  # webhooks.yaml: "\0\u{1}binary"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x invalid YAML: unexpected character: `\u{0}'
       ,-[webhooks.yaml:1:1]
     1 | ??binary
       : |
       : `-- here
       `----

    ----- end -----

    $ validate  # webhooks.yaml: "webhooks:\n\tA: {}\n"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x invalid YAML: tabs disallowed within this context (block indentation)
       ,-[webhooks.yaml:2:1]
     1 | webhooks:
     2 |     A: {}
       : ^^|^
       :   `-- here
       `----
      help: indent with spaces: YAML does not allow tabs in indentation

    ----- end -----

    $ validate  # webhooks.yaml: "portal: x\n"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 2 problems

      x the file has no `webhooks:` mapping
       ,-[webhooks.yaml:1:1]
     1 | portal: x
       : ^
       : `-- `webhooks:` is missing
       `----
      help: add `webhooks:` with one entry per webhook; `webhooks: {}` manages none

      x `portal` is not an absolute URL (relative URL without a base)
       ,-[webhooks.yaml:1:9]
     1 | portal: x
       :         |
       :         `-- not an absolute http(s) URL
       `----
      help: did you mean `https://x`?

    ----- end -----
    "#);
}

#[test]
fn a_missing_file_names_the_path() {
    let out = Run::new(&["validate", "-f", "nope.yaml"]).run();
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file nope.yaml
      `-> No such file or directory (os error 2)
      help: pass the file with `-f PATH`, or start one from the webhooks the portal has: `docspace-webhooks export > nope.yaml`

    ----- end -----
    ");
}

#[test]
fn a_lookalike_host_is_valid_but_warned_about_with_its_punycode() {
    // `billing` with a Cyrillic `і` (U+0456).
    let out = Run::new(&["validate"])
        .file("webhooks:\n  Billing sync:\n    uri: https://b\u{456}lling.example.com/hooks\n")
        .run();
    assert_eq!(out.code, 0, "a warning does not fail validation: {out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
      ! the uri of 'Billing sync' has a look-alike host: `bіlling.example.com` contains non-ASCII characters, which can look like ASCII ones
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   Billing sync:
       :   ^^^^^^|^^^^^
       :         `-- look-alike host in this entry's uri
     3 |     uri: https://bіlling.example.com/hooks
       `----
      help: it is `xn--blling-pvf.example.com`: check that this is the host you mean, since DocSpace sends every event to it

    ----- end -----
    ");

    let plain = Run::new(&["validate"])
        .file("webhooks:\n  Billing sync:\n    uri: https://billing.example.com/hooks\n")
        .run();
    insta::assert_snapshot!(plain.user_view(), @"
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
    ----- end -----
    ");
    assert!(!plain.stderr.contains("lookalike"), "{plain:?}");
}

#[test]
fn a_secret_read_from_the_api_key_variable_is_a_warning_in_every_file() {
    // Issue 19: only a `portals:` file warned; in a `portal:` file (or one without a portal)
    // every delivery would be signed with the admin key all the same.
    let hook = "webhooks:\n  Hook:\n    uri: https://h.example.com/h\n    secretKey: ${DOCSPACE_API_KEY}\n";
    let fleet = "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${A_KEY}\n\
                 webhooks:\n  Hook:\n    uri: https://h.example.com/h\n    secretKey: ${DOCSPACE_API_KEY}\n";
    let cases = [
        ("no portal", hook.to_string()),
        ("portal:", format!("portal: https://p.example.com\n{hook}")),
        ("portals:", fleet.to_string()),
    ];
    let mut views = String::new();
    for (what, file) in cases {
        let out = Run::new(&["validate"]).file(&file).run();
        assert_eq!(out.code, 0, "{what}: a warning, not an error: {out:?}");
        views += &format!("# {what}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views, @"
    # no portal
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
      ! the secretKey of 'Hook' is read from DOCSPACE_API_KEY, which holds a portal's API key
       ,-[webhooks.yaml:4:16]
     3 |     uri: https://h.example.com/h
     4 |     secretKey: ${DOCSPACE_API_KEY}
       :                ^^^^^^^^^|^^^^^^^^^
       :                         `-- an API key as a webhook secret
       `----
      help: the target of the webhook would learn the admin key: give the webhook a secret of its own

    ----- end -----

    # portal:
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
      ! the secretKey of 'Hook' is read from DOCSPACE_API_KEY, which holds a portal's API key
       ,-[webhooks.yaml:5:16]
     4 |     uri: https://h.example.com/h
     5 |     secretKey: ${DOCSPACE_API_KEY}
       :                ^^^^^^^^^|^^^^^^^^^
       :                         `-- an API key as a webhook secret
       `----
      help: the target of the webhook would learn the admin key: give the webhook a secret of its own

    ----- end -----

    # portals:
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 portal(s).
      a (https://a.example.com): 1 webhook(s)
    ----- stderr -----
      ! the secretKey of 'Hook' is read from DOCSPACE_API_KEY, which holds a portal's API key
       ,-[webhooks.yaml:8:16]
     7 |     uri: https://h.example.com/h
     8 |     secretKey: ${DOCSPACE_API_KEY}
       :                ^^^^^^^^^|^^^^^^^^^
       :                         `-- an API key as a webhook secret
       `----
      help: the target of the webhook would learn the admin key: give the webhook a secret of its own

    ----- end -----
    ");
}

#[test]
fn a_portal_address_with_a_look_alike_host_is_a_warning() {
    // Issue 19: only webhook uris were warned about, though the API key goes to the portal.
    // `dоcs` has a Cyrillic `о`.
    let hook = "webhooks:\n  Hook:\n    uri: https://h.example.com/h\n";
    let cases = [
        (
            "portal:",
            format!("portal: https://dоcs.example.com\n{hook}"),
        ),
        (
            "portals:",
            format!(
                "portals:\n  a:\n    url: https://a.example.com\n    apiKey: ${{A_KEY}}\n  \
                 b:\n    url: https://dоcs.example.com\n    apiKey: ${{B_KEY}}\n{hook}"
            ),
        ),
    ];
    let mut views = String::new();
    for (what, file) in &cases {
        let out = Run::new(&["validate"]).file(file).run();
        assert_eq!(out.code, 0, "{what}: a warning, not an error: {out:?}");
        views += &format!("# validate, {what}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views, @"
    # validate, portal:
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 webhook(s).
    ----- stderr -----
      ! the portal URL has a look-alike host: `dоcs.example.com` contains non-ASCII characters, which can look like ASCII ones
       ,-[webhooks.yaml:1:9]
     1 | portal: https://dоcs.example.com
       :         ^^^^^^^^^^^^|^^^^^^^^^^^
       :                     `-- look-alike host in the portal's address
     2 | webhooks:
       `----
      help: it is `xn--dcs-sed.example.com`: check that this is the host you mean, since the API key is sent to it

    ----- end -----

    # validate, portals:
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 2 portal(s).
      a (https://a.example.com): 1 webhook(s)
      b (https://dоcs.example.com): 1 webhook(s)
    ----- stderr -----
      ! the url of portal 'b' has a look-alike host: `dоcs.example.com` contains non-ASCII characters, which can look like ASCII ones
       ,-[webhooks.yaml:6:10]
     5 |   b:
     6 |     url: https://dоcs.example.com
       :          ^^^^^^^^^^^^|^^^^^^^^^^^
       :                      `-- look-alike host in the portal's address
     7 |     apiKey: ${B_KEY}
       `----
      help: it is `xn--dcs-sed.example.com`: check that this is the host you mean, since the API key is sent to it

    ----- end -----
    ");
    // `plan` warns before it contacts the portal (which does not resolve here).
    for (what, file) in &cases {
        let out = Run::new(&["plan", "--connect-timeout", "2"])
            .file(file)
            .env("DOCSPACE_API_KEY", "sk-anything")
            .env("A_KEY", "sk-anything")
            .env("B_KEY", "sk-anything")
            .run();
        assert!(
            out.stderr.contains(
                "has a look-alike host: `dоcs.example.com` contains non-ASCII characters"
            ),
            "plan, {what}: {out:?}"
        );
        assert!(
            out.stderr.contains("it is `xn--dcs-"),
            "plan, {what}: {out:?}"
        );
    }
}
