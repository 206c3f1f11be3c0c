//! Whether a file that does not parse may hold a secret, and so must be reported without its
//! lines (see `display`): a key that looks like a secret, or URL credentials.
//!
//! A parsed file needs none of this: its display copy shows only what the format knows to be
//! harmless. Without a tree there is no telling a value from a key, so any sign of a secret
//! counts, and `is_secret_key` errs towards seeing one.

use super::keys::TOP_FIELDS;
use super::secret::parse_env_ref;
use crate::field::Field;
use crate::redact::{credential_ranges, scheme_less_credential_ranges};

/// Parts of key names that mark a secret, compared without case and without `_`, `-`, `.`
/// and spaces (`api_key`, `Client-Secret`, `DB.password`).
const SECRET_WORDS: &[&str] = &[
    "secret",
    "token",
    "pass",
    "pwd",
    "key",
    "credential",
    "bearer",
    "private",
];

/// Whether a key's value should be treated as a secret: `secretKey` itself, a near miss of it
/// (`secrectKey`, `scretKey`, `secertKy`: reported as unknown fields, but most likely holding a
/// secret all the same), or a name containing one of `SECRET_WORDS`. The file's other fields
/// are never secrets.
fn is_secret_key(key: &str) -> bool {
    if let Some(field) = Field::from_key(key) {
        return field.is_secret();
    }
    if TOP_FIELDS.contains(&key) {
        return false;
    }
    let normal = normal(key);
    has_secret_word(&normal) || is_near_miss(&normal)
}

/// Lower case, without `_`, `-`, `.` and spaces.
fn normal(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .collect::<String>()
        .to_lowercase()
}

fn has_secret_word(normal: &str) -> bool {
    SECRET_WORDS.iter().any(|w| normal.contains(w))
}

/// Every single typo of `secretKey` keeps "secret" or "key" whole; two or more need the
/// distance (the same measure that makes the loader ask "did you mean `secretKey`?").
fn is_near_miss(normal: &str) -> bool {
    // Cheap first: such a word is mostly made of the letters of "secretkey" (Jaro-Winkler
    // above 0.8 needs at least four of them to match).
    let letters = normal.chars().filter(|c| "secrtky".contains(*c)).count();
    (5..=14).contains(&normal.len())
        && letters >= 4
        && (strsim::jaro_winkler(normal, "secretkey") > 0.8
            || strsim::osa_distance(normal, "secretkey") <= 3)
}

/// The words of `text` that could be key names: runs of letters, digits, `_` and `-`.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

/// Where a line's comment starts: a `#` at the start or after whitespace (YAML's rule, ignoring
/// quotes, which errs towards treating more as a comment).
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t'))
}

/// When `word` (at `at` in `text`) is followed by `:` or `=` (after closing quotes and
/// spaces), as a key is: the offset right after that sign.
fn assigned_at(text: &str, at: usize, word: &str) -> Option<usize> {
    let after = &text[at + word.len()..];
    let gap = after.len() - after.trim_start_matches(['"', '\'', ' ']).len();
    after[gap..]
        .starts_with([':', '='])
        .then_some(at + word.len() + gap + 1)
}

/// Whether a file that could not be parsed may hold a secret somewhere. Without a tree there is
/// no telling where a value ends (the next line may continue it, a quote may never close), so
/// any sign of one counts: a secret-looking word outside a comment (unless the line is exactly
/// `key: ${VAR}`), a secret-looking word followed by `:` or `=` in a comment, or a URL with
/// credentials.
pub(super) fn may_hold_secrets(text: &str) -> bool {
    text.lines().any(|line| {
        let (code, comment) = match comment_start(line) {
            Some(at) => line.split_at(at),
            None => (line, ""),
        };
        // A key is followed by `:` (or, in a comment, `=` too), after any closing quote.
        let is_key = |text: &str, at: usize, w: &str| assigned_at(text, at, w).is_some();
        // Any word holding a secret word is one the line holds too, so most lines are passed
        // over with one search; near misses are looked for among keys only.
        let any_word = has_secret_word(&normal(line));
        let code_secret = !is_reference_line(code)
            && words(code).any(|(at, w)| {
                (any_word && has_secret_word(&normal(w)))
                    || (is_key(code, at, w) && is_secret_key(w))
            });
        let comment_secret =
            words(comment).any(|(at, w)| is_key(comment, at, w) && is_secret_key(w));
        let credentials = !credential_ranges(line).is_empty()
            || code.split_once(':').is_some_and(|(_, value)| {
                !scheme_less_credential_ranges(value.trim().trim_matches(['"', '\''])).is_empty()
            });
        code_secret || comment_secret || credentials
    })
}

/// `key: ${VAR}` (quotes allowed): a line that names a variable instead of holding a value.
fn is_reference_line(code: &str) -> bool {
    code.split_once(':').is_some_and(|(key, value)| {
        let value = value.trim().trim_matches(['"', '\'']);
        !key.contains(['{', '[', ',']) && parse_env_ref(value).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_keys() {
        for key in [
            "secretKey",
            "secrectKey",
            "scretKey",
            "secertKey",
            "secret_key",
            "SECRET",
            "secretKy",
            "sceretKye",
            "apiKey",
            "api_key",
            "token",
            "accessToken",
            "password",
            "passwd",
            "db.pwd",
            "credentials",
            "secrtKy",
            "sceretky",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "name", "uri", "enabled", "ssl", "triggers", "targetId", "portal", "webhooks", "url",
            "events", "target", "select", "scheme", "server",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
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
}
