//! A webhook delivery's `x-docspace-signature-256: sha256=<HEX>` (the HMAC-SHA256 of the exact
//! body with the secret, docs/docspace-api.md §14, §21) checked against a secret: `verify`.
//! The comparison runs in constant time (aws-lc's `hmac::verify`) and takes the hex in any case.
//! Neither signature is ever shown (a matching one is the secret's): a malformed value is
//! described by where it goes wrong.

use std::fmt;

use aws_lc_rs::hmac;
use secrecy::{ExposeSecret, SecretString};

/// What a signature header's value says about a body and a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Signed with this secret over exactly this body.
    Matches,
    /// Well formed, but not this secret's signature of this body.
    Differs,
    /// Not a `sha256=<64 hex digits>` value, so nothing was compared.
    Malformed(Malformed),
}

/// Why a header value is not a signature; `Display` is a one-line reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// It does not start with `sha256=`. `named` when it does further on, as in a whole header
    /// line (`x-docspace-signature-256: sha256=...`) given where its value belongs.
    NoPrefix { named: bool },
    /// After `sha256=` come this many characters instead of 64.
    Length(usize),
    /// The character at this position (1-based, counted after `sha256=`) is not a hex digit.
    NotHex(usize),
}

const PREFIX: &str = "sha256=";
/// SHA-256 is 32 bytes: 64 hex digits.
const DIGITS: usize = 64;

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::NoPrefix { named: false } => write!(f, "it does not start with `{PREFIX}`"),
            Malformed::NoPrefix { named: true } => write!(
                f,
                "it does not start with `{PREFIX}` (give the header's value, without its name)"
            ),
            Malformed::Length(n) => write!(
                f,
                "`{PREFIX}` is followed by {n} characters, not {DIGITS} hex digits"
            ),
            Malformed::NotHex(at) => {
                write!(f, "character {at} after `{PREFIX}` is not a hex digit")
            }
        }
    }
}

/// Checks `header_value` (the value of `x-docspace-signature-256`; spaces and tabs around it,
/// which HTTP does not count as part of a value, are ignored) as the signature of `body` with
/// `secret`.
pub fn verify(secret: &SecretString, body: &[u8], header_value: &str) -> Verdict {
    let given = match parse(header_value) {
        Ok(given) => given,
        Err(malformed) => return Verdict::Malformed(malformed),
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.expose_secret().as_bytes());
    match hmac::verify(&key, body, &given) {
        Ok(()) => Verdict::Matches,
        Err(_) => Verdict::Differs,
    }
}

/// The 32 bytes a header value spells.
fn parse(header_value: &str) -> Result<[u8; DIGITS / 2], Malformed> {
    let value = header_value.trim_matches([' ', '\t']);
    let Some(hex) = value.strip_prefix(PREFIX) else {
        return Err(Malformed::NoPrefix {
            named: value.contains(PREFIX),
        });
    };
    if let Some(at) = hex.chars().position(|c| !c.is_ascii_hexdigit()) {
        return Err(Malformed::NotHex(at + 1));
    }
    // Only ASCII is left, so bytes are characters.
    if hex.len() != DIGITS {
        return Err(Malformed::Length(hex.len()));
    }
    // Every character is a hex digit (checked above), so none of these fails.
    Ok(std::array::from_fn(|i| {
        u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or_default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed apart from this code, with Python's `hmac` and `hashlib`:
    /// `hmac.new(b"TestSecret1", body, hashlib.sha256).hexdigest().upper()`.
    const SECRET: &str = "TestSecret1";
    const BODY: &[u8] = br#"{"event":{"id":1}}"#;
    const SIGNED: &str = "sha256=527225C099A51E6CF2AD3D300E389016901B62115524E0E38E80018FB176B9DE";
    /// `{"title":"Отчёт.docx"}` in UTF-8: the body's bytes are hashed, not its characters.
    const UTF8_SIGNED: &str =
        "sha256=D2908A2FBB301BEF9D81D1F5F50EC9F592085468BA0C1B6F6673D3BAB7CDF717";

    fn check(body: &[u8], header: &str) -> Verdict {
        verify(&SecretString::from(SECRET), body, header)
    }

    #[test]
    fn the_known_signatures_match() {
        assert_eq!(check(BODY, SIGNED), Verdict::Matches);
        let utf8 = r#"{"title":"Отчёт.docx"}"#.as_bytes();
        assert_eq!(check(utf8, UTF8_SIGNED), Verdict::Matches);
    }

    #[test]
    fn the_hex_matches_in_any_case_and_around_spaces() {
        let lower = format!("{PREFIX}{}", SIGNED[PREFIX.len()..].to_ascii_lowercase());
        assert_eq!(check(BODY, &lower), Verdict::Matches);
        assert_eq!(check(BODY, &format!(" \t{SIGNED} ")), Verdict::Matches);
    }

    #[test]
    fn another_body_secret_or_signature_differs() {
        assert_eq!(check(b"{\"event\":{\"id\":1}}\n", SIGNED), Verdict::Differs);
        assert_eq!(check(b"", SIGNED), Verdict::Differs);
        let other = verify(&SecretString::from("TestSecret2"), BODY, SIGNED);
        assert_eq!(other, Verdict::Differs);
        let last_digit_changed = SIGNED.replace("B9DE", "B9DF");
        assert_eq!(check(BODY, &last_digit_changed), Verdict::Differs);
    }

    #[test]
    fn an_empty_secret_is_a_key_like_any_other() {
        // hmac.new(b"", b"", hashlib.sha256), the RFC 4231-style empty case.
        let empty = "sha256=b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
        assert_eq!(
            verify(&SecretString::from(""), b"", empty),
            Verdict::Matches
        );
    }

    #[test]
    fn malformed_values_say_where_they_go_wrong() {
        let hex = &SIGNED[PREFIX.len()..];
        let cases = [
            (hex.to_string(), Malformed::NoPrefix { named: false }),
            (
                format!("SHA256={hex}"),
                Malformed::NoPrefix { named: false },
            ),
            (
                format!("x-docspace-signature-256: {SIGNED}"),
                Malformed::NoPrefix { named: true },
            ),
            (String::new(), Malformed::NoPrefix { named: false }),
            (PREFIX.to_string(), Malformed::Length(0)),
            (format!("{PREFIX}{}", &hex[1..]), Malformed::Length(63)),
            (format!("{SIGNED}00"), Malformed::Length(66)),
            (format!("{PREFIX}{}g", &hex[1..]), Malformed::NotHex(64)),
            (format!("{PREFIX}é{}", &hex[1..]), Malformed::NotHex(1)),
            (
                format!("{PREFIX}{} {}", &hex[..10], &hex[10..]),
                Malformed::NotHex(11),
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(
                check(BODY, &value),
                Verdict::Malformed(expected),
                "{value:?}"
            );
        }
    }

    #[test]
    fn reasons_read_as_one_line() {
        let reasons = [
            Malformed::NoPrefix { named: false },
            Malformed::NoPrefix { named: true },
            Malformed::Length(63),
            Malformed::NotHex(5),
        ]
        .map(|m| m.to_string());
        assert_eq!(
            reasons,
            [
                "it does not start with `sha256=`",
                "it does not start with `sha256=` (give the header's value, without its name)",
                "`sha256=` is followed by 63 characters, not 64 hex digits",
                "character 5 after `sha256=` is not a hex digit",
            ]
        );
    }
}
