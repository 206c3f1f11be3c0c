//! `verify-signature`: a delivery's signature checked against a secret from the environment and
//! the exact body, from a file or stdin; one line and the exit code say the verdict, and neither
//! the secret nor a signature is ever shown.

use std::process::Stdio;

use crate::support::run::{Outcome, Run};
use crate::support::spawn::Terminal;

/// Computed apart from the tool, with Python:
/// `hmac.new(b"TestSecret1", body, hashlib.sha256).hexdigest().upper()`.
const SECRET: &str = "TestSecret1";
const BODY: &str = r#"{"event":{"id":1}}"#;
const SIGNED: &str = "sha256=527225C099A51E6CF2AD3D300E389016901B62115524E0E38E80018FB176B9DE";

/// `verify-signature` with the secret in WEBHOOK_SECRET and `args` after it.
fn verify(args: &[&str]) -> Run {
    let mut all = vec!["verify-signature", "--secret-env", "WEBHOOK_SECRET"];
    all.extend(args);
    Run::new(&all).env("WEBHOOK_SECRET", SECRET)
}

/// Runs with `body` on stdin.
fn piped(args: &[&str], body: &str) -> Outcome {
    verify(args).stdin(body).run()
}

fn assert_outcome(out: &Outcome, code: i32, stderr: &str) {
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (code, "", stderr),
        "{out:?}"
    );
}

#[test]
fn a_body_from_a_file_with_its_signature_matches() {
    let run = verify(&["--signature", SIGNED, "--body-file", "body.json"]);
    std::fs::write(run.path("body.json"), BODY).unwrap();
    assert_outcome(
        &run.run(),
        0,
        "signature matches the secret in WEBHOOK_SECRET and the 18 bytes of body.json\n",
    );
}

#[test]
fn the_body_is_hashed_as_bytes_not_characters() {
    // `{"title":"Отчёт.docx"}`: 22 characters, 27 bytes of UTF-8.
    let signed = "sha256=D2908A2FBB301BEF9D81D1F5F50EC9F592085468BA0C1B6F6673D3BAB7CDF717";
    let out = piped(&["--signature", signed], r#"{"title":"Отчёт.docx"}"#);
    assert_outcome(
        &out,
        0,
        "signature matches the secret in WEBHOOK_SECRET and the 27 bytes read from stdin\n",
    );
}

#[test]
fn the_hex_matches_in_lowercase_too() {
    let lower = SIGNED.to_ascii_lowercase();
    assert_outcome(
        &piped(&["--signature", &lower], BODY),
        0,
        "signature matches the secret in WEBHOOK_SECRET and the 18 bytes read from stdin\n",
    );
}

#[test]
fn another_secret_does_not_match() {
    // The same body signed with TestSecret2.
    let other = "sha256=E57E4F7EEB9075D492338C7E271EE3C173CA6608DA9A59F7FBC4A1229DEB9241";
    assert_outcome(
        &piped(&["--signature", other], BODY),
        1,
        "signature does not match the secret in WEBHOOK_SECRET and the 18 bytes read from \
         stdin\n",
    );
}

#[test]
fn a_body_changed_on_the_way_does_not_match_and_a_trailing_newline_is_pointed_out() {
    // As `echo` or an editor saves it.
    assert_outcome(
        &piped(&["--signature", SIGNED], &format!("{BODY}\n")),
        1,
        "signature does not match the secret in WEBHOOK_SECRET and the 19 bytes read from \
         stdin (the body ends with a newline: was one added when it was saved?)\n",
    );
    // Re-serialised JSON: the same data, other bytes.
    let run = verify(&["--signature", SIGNED, "--body-file", "body.json"]);
    std::fs::write(run.path("body.json"), r#"{"event": {"id": 1}}"#).unwrap();
    assert_outcome(
        &run.run(),
        1,
        "signature does not match the secret in WEBHOOK_SECRET and the 20 bytes of body.json\n",
    );
}

#[test]
fn a_malformed_signature_says_where_it_goes_wrong() {
    let hex = &SIGNED["sha256=".len()..];
    let cases = [
        (hex.to_string(), "it does not start with `sha256=`"),
        (
            format!("x-docspace-signature-256: {SIGNED}"),
            "it does not start with `sha256=` (give the header's value, without its name)",
        ),
        (
            format!("sha256={}", &hex[2..]),
            "`sha256=` is followed by 62 characters, not 64 hex digits",
        ),
        (
            format!("sha256={}Z", &hex[1..]),
            "character 64 after `sha256=` is not a hex digit",
        ),
    ];
    for (signature, reason) in cases {
        assert_outcome(
            &piped(&["--signature", &signature], BODY),
            1,
            &format!("malformed signature: {reason}\n"),
        );
    }
}

#[test]
fn an_unset_variable_is_an_error_and_an_empty_one_names_it() {
    let unset = Run::new(&[
        "verify-signature",
        "--secret-env",
        "WEBHOOK_SECRET",
        "--signature",
        SIGNED,
    ])
    .stdin(BODY)
    .run();
    assert_outcome(
        &unset,
        1,
        "  x the variable --secret-env names is not set; its name is not shown, in case it is \
         the secret itself\n  help: give --secret-env the variable's name, not the secret, and \
         set that variable to the webhook's secret key; it is never read from the command \
         line\n\n",
    );
    let empty = verify(&["--signature", SIGNED])
        .env("WEBHOOK_SECRET", "")
        .stdin(BODY)
        .run();
    assert_outcome(
        &empty,
        1,
        "  x WEBHOOK_SECRET is empty\n  help: WEBHOOK_SECRET is set but holds no secret; a \
         pipeline passes a secret that is not defined as an empty string\n\n",
    );
}

#[test]
fn no_secret_or_signature_is_ever_shown() {
    let secret = "S3cret-v@lue!";
    // The secret given where its variable's name belongs is refused without being echoed.
    let out = Run::new(&[
        "verify-signature",
        "--secret-env",
        secret,
        "--signature",
        SIGNED,
    ])
    .stdin(BODY)
    .run();
    assert_outcome(
        &out,
        1,
        "  x --secret-env takes the name of an environment variable, and what was given is not \
         one\n  help: pass the name of the variable that holds the secret (letters, digits and \
         `_`), e.g. `--secret-env WEBHOOK_SECRET`; what was given is not shown, in case it is \
         the secret itself\n\n",
    );
    // A name-shaped secret (the docs' own `TestSecret1`, base32's upper case) is an unset
    // variable: not shown.
    for secret in ["TestSecret1", "JBSWY3DPEHPK3PXP"] {
        let out = Run::new(&[
            "verify-signature",
            "--secret-env",
            secret,
            "--signature",
            SIGNED,
        ])
        .stdin(BODY)
        .run();
        assert_eq!(out.code, 1, "{out:?}");
        assert!(!out.all().contains(secret), "{out:?}");
    }
    // A secret that is not valid UTF-8 is not shown either.
    let out = verify(&["--signature", SIGNED])
        .env_bytes("WEBHOOK_SECRET", b"TestSecret\xff")
        .stdin(BODY)
        .run();
    assert_outcome(
        &out,
        1,
        "  x WEBHOOK_SECRET is set, but its value is not valid UTF-8\n  help: set it to the \
         webhook's secret key, as plain text\n\n",
    );
    // Whatever the verdict, neither the secret nor the hex of a signature (the one given is
    // the one computed when they match) reaches any output.
    let hex = &SIGNED["sha256=".len()..];
    for out in [
        piped(&["--signature", SIGNED], BODY),
        piped(&["--signature", &SIGNED.replace("B9DE", "B9DF")], BODY),
        piped(&["--signature", &format!("{SIGNED}0")], BODY),
    ] {
        let all = out.all().to_ascii_uppercase();
        assert!(!all.contains(&SECRET.to_ascii_uppercase()), "{out:?}");
        assert!(!all.contains(&hex[..16]), "{out:?}");
    }
}

#[test]
fn quiet_keeps_only_what_a_failure_says() {
    assert_outcome(&piped(&["-q", "--signature", SIGNED], BODY), 0, "");
    assert_outcome(
        &piped(&["-q", "--signature", SIGNED], "{}"),
        1,
        "signature does not match the secret in WEBHOOK_SECRET and the 2 bytes read from stdin\n",
    );
}

#[test]
fn a_terminal_on_stdin_is_refused_rather_than_waited_on() {
    let terminal = Terminal::open();
    let out = verify(&["--signature", SIGNED])
        .command()
        .stdin(terminal.stdin())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run the binary");
    let out = Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_outcome(
        &out,
        1,
        "  x no body to check: stdin is a terminal\n  help: pass the body as it was received \
         with --body-file PATH, or on stdin: `< body.json`\n\n",
    );
}

#[test]
fn a_body_past_16_mib_is_refused_without_being_read_whole() {
    // `MAX_BODY_BYTES` in `src/commands/verify_signature.rs`.
    const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;
    let run = verify(&["--signature", SIGNED, "--body-file", "body.json"]);
    let file = std::fs::File::create(run.path("body.json")).unwrap();
    file.set_len(MAX_BODY_BYTES).unwrap();
    assert_outcome(
        &run.run(),
        1,
        "signature does not match the secret in WEBHOOK_SECRET and the 16777216 bytes of \
         body.json\n",
    );
    file.set_len(MAX_BODY_BYTES + 1).unwrap();
    let too_large = |path: &str| {
        format!(
            "  x {path} is larger than 16 MiB, more than a delivery's body\n  help: pass the \
             body of one delivery, as it was received\n\n"
        )
    };
    assert_outcome(&run.run(), 1, &too_large("body.json"));
    // A device that never ends is read only up to the limit.
    let zero = verify(&["--signature", SIGNED, "--body-file", "/dev/zero"]);
    assert_outcome(&zero.run(), 1, &too_large("/dev/zero"));
}

/// The secret is hidden wherever a message would show it, in any case: a body file named after
/// it (saved by a receiver that names files by what it was given), found or missing.
#[test]
fn a_body_file_path_holding_the_secret_is_shown_without_it() {
    for secret in [SECRET, &SECRET.to_uppercase(), &SECRET.to_lowercase()] {
        let path = format!("body_{secret}.json");
        let run = verify(&["--signature", SIGNED, "--body-file", &path]);
        std::fs::write(run.path(&path), BODY).unwrap();
        assert_outcome(
            &run.run(),
            0,
            "signature matches the secret in WEBHOOK_SECRET and the 18 bytes of \
             body_[redacted].json\n",
        );
        let missing = verify(&["--signature", SIGNED, "--body-file", &path]).run();
        assert_eq!(missing.code, 1, "{missing:?}");
        assert!(
            !missing
                .all()
                .to_lowercase()
                .contains(&secret.to_lowercase()),
            "{missing:?}"
        );
    }
    // A line break or ESC in the name is escaped: the path cannot split the line.
    let odd = verify(&["--signature", SIGNED, "--body-file", "body\n\u{1b}[2J.json"]).run();
    assert_eq!(odd.code, 1, "{odd:?}");
    assert!(odd.stderr.contains("body\\n\\u{1b}[2J.json"), "{odd:?}");
}

/// The secret is not looked for in the verdict's own words: a secret that is one of them
/// (`signature`) neither blanks them nor shows where it stood.
#[test]
fn a_secret_that_is_a_word_of_the_verdict_leaves_the_verdict_whole() {
    let signed = "sha256=1F1B1F9D5C3A94B6F1E4C58F60A0E2F6A6C1B7E1B2C5E6F0A8D9C3B4A5E6F7D8";
    let out = Run::new(&[
        "verify-signature",
        "--secret-env",
        "WEBHOOK_SECRET",
        "--signature",
        signed,
    ])
    .env("WEBHOOK_SECRET", "signature")
    .stdin(BODY)
    .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .starts_with("signature does not match the secret in WEBHOOK_SECRET"),
        "{out:?}"
    );
}
