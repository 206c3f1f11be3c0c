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
    assert!(out.stdout.contains("is valid: 1 webhook(s)"), "{out:?}");
}

#[test]
fn every_problem_is_reported_with_its_line_and_a_hint() {
    let out = Run::new(&["validate"])
        .file(
            "webhooks:\n  A:\n    uri: https://a.example.com\n    triggers: [file.uplaoded]\n  B:\n    uri: ftp://b.example.com\n    colour: red\n",
        )
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    let err = &out.stderr;
    assert!(
        err.contains("webhooks.yaml:4"),
        "unknown trigger's line: {err}"
    );
    assert!(
        err.contains("file.uploaded"),
        "closest trigger as a hint: {err}"
    );
    assert!(err.contains("webhooks.yaml:6"), "bad uri's line: {err}");
    assert!(err.contains("colour"), "unknown field named: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn malformed_yaml_is_an_error_not_a_panic() {
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
        assert!(
            out.stderr.contains("webhooks.yaml"),
            "names the file: {out:?}"
        );
    }
}

#[test]
fn a_missing_file_names_the_path() {
    let out = Run::new(&["validate", "-f", "nope.yaml"]).run();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("nope.yaml"), "{out:?}");
}

#[test]
fn a_lookalike_host_is_valid_but_warned_about_with_its_punycode() {
    // `billing` with a Cyrillic `і` (U+0456).
    let out = Run::new(&["validate"])
        .file("webhooks:\n  Billing sync:\n    uri: https://b\u{456}lling.example.com/hooks\n")
        .run();
    assert_eq!(out.code, 0, "a warning does not fail validation: {out:?}");
    assert!(out.stdout.contains("is valid: 1 webhook(s)"), "{out:?}");
    assert!(out.stderr.contains("has a look-alike host"), "{out:?}");
    assert!(out.stderr.contains("xn--blling-pvf.example.com"), "{out:?}");
    assert!(out.stderr.contains("webhooks.yaml:2"), "{out:?}");

    let plain = Run::new(&["validate"])
        .file("webhooks:\n  Billing sync:\n    uri: https://billing.example.com/hooks\n")
        .run();
    assert!(!plain.stderr.contains("lookalike"), "{plain:?}");
}
