//! An `Outcome` as a user sees it, in one block for a snapshot: the exit code, stdout, stderr.
//!
//! Invariant: only what differs from one run to the next is replaced, each by a placeholder
//! that says what it stood for, so a snapshot pins every other byte and a test never has to
//! pick which parts of an output to check:
//! - a loopback portal's URL (its port is random): `[PORTAL]`, then `[PORTAL-2]`, ... for other
//!   ports, numbered in the order they first appear;
//! - a temp dir (`tempfile`'s `.tmpXXXXXX` under the system's temp dir): `[TMP]`, and the
//!   random part of a temporary file's name (`.docspace-webhooks-plan-XXXXXX.tmp`): `[RANDOM]`;
//! - the time a request or a write took, and a retry's jittered delay: `[TIME]`;
//! - an HTTP date (`Sun, 06 Dec 2026 09:30:00 GMT`, when a throttled portal takes requests
//!   again, counted from now): `[DATE]`. Tests of a fixed date check it explicitly;
//! - a SHA-256 digest (64 hex digits): `[SHA256]`, since a saved plan holds the portal's URL
//!   and so its digest changes with the port. Tests that need the digest itself compare it
//!   with the saved file's (`show.rs`).
//!
//! A stream that does not end with a newline gets a `[no newline at end]` line, and the view
//! ends with `----- end -----`, so the snapshot (insta trims trailing newlines) still pins
//! where each stream ends, blank lines included.
//!
//! When an output changes on purpose, `cargo insta test --accept --test tests -- suite::NAME`
//! (cargo-insta, the same version as insta) rewrites the inline snapshots; review the diff as
//! the change a user will see. CI sets `CI=true`, so a changed or missing snapshot fails there.

use super::run::Outcome;

impl Outcome {
    /// `exit: N`, then stdout and stderr under their own rulers and an end ruler, with
    /// run-specific parts replaced (see the module comment). Compare it whole:
    /// `insta::assert_snapshot!(out.user_view(), @"...")`.
    pub fn user_view(&self) -> String {
        let mut view = format!("exit: {}\n", self.code);
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            view.push_str(&format!("----- {name} -----\n"));
            view.push_str(text);
            if !text.is_empty() && !text.ends_with('\n') {
                view.push_str("\n[no newline at end]\n");
            }
        }
        view.push_str("----- end -----\n");
        stable(&view)
    }
}

/// `text` with every run-specific part replaced by its placeholder.
pub fn stable(text: &str) -> String {
    let text = portals(text);
    let text = temp_dirs(&text);
    let text = timings(&text);
    let text = http_dates(&text);
    digests(&text)
}

/// `http://127.0.0.1:PORT` (or `localhost`) -> `[PORTAL]`, `[PORTAL-2]`, ... by first appearance.
fn portals(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, len)) = next_loopback(rest) {
        let url = &rest[at..at + len];
        let n = match seen.iter().position(|u| u == url) {
            Some(n) => n + 1,
            None => {
                seen.push(url.to_owned());
                seen.len()
            }
        };
        out.push_str(&rest[..at]);
        if n == 1 {
            out.push_str("[PORTAL]");
        } else {
            out.push_str(&format!("[PORTAL-{n}]"));
        }
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    out
}

/// The first loopback URL with a port in `text`: its start and length.
fn next_loopback(text: &str) -> Option<(usize, usize)> {
    ["http://127.0.0.1:", "http://localhost:"]
        .iter()
        .filter_map(|prefix| {
            let mut from = 0;
            while let Some(i) = text[from..].find(prefix) {
                let at = from + i;
                let digits = leading(&text[at + prefix.len()..], |c| c.is_ascii_digit());
                if digits > 0 {
                    return Some((at, prefix.len() + digits));
                }
                from = at + prefix.len();
            }
            None
        })
        .min()
}

/// `tempfile`'s directories (`{temp}/.tmpXXXXXX`) -> `[TMP]`.
fn temp_dirs(text: &str) -> String {
    let mut prefixes = vec![format!("{}/.tmp", std::env::temp_dir().display())];
    if let Ok(real) = std::env::temp_dir().canonicalize() {
        prefixes.push(format!("{}/.tmp", real.display()));
    }
    let text = prefixes.iter().fold(text.to_owned(), |text, prefix| {
        let prefix = prefix.replace("//", "/");
        replace_each(&text, &prefix, true, |after| {
            let n = leading(after, |c| c.is_ascii_alphanumeric());
            (n == 6).then_some((n, "[TMP]"))
        })
    });
    replace_each(&text, "-", false, |after| {
        let n = leading(after, |c| c.is_ascii_alphanumeric());
        (n == 6 && after[n..].starts_with(".tmp")).then_some((n, "[RANDOM]"))
    })
}

/// How long a request or a write took, and a retry's delay (drawn at random below its cap).
fn timings(text: &str) -> String {
    // `-v`: `GET /path -> HTTP 200 in 12 ms`, `-> no answer after 250 ms`.
    let text = [" in ", " after "]
        .iter()
        .fold(text.to_owned(), |text, word| {
            replace_each(&text, word, false, |after| {
                let n = leading(after, |c| c.is_ascii_digit() || c == '.');
                (n > 0 && after[n..].starts_with(" ms")).then_some((n + 3, "[TIME]"))
            })
        });
    // `apply`'s result lines: `  [1/2]   0.0s created ...`, right-aligned in 6 columns.
    let text = replace_each(&text, "] ", false, |after| {
        let spaces = leading(after, |c| c == ' ');
        let number = leading(&after[spaces..], |c| c.is_ascii_digit() || c == '.');
        let unit = after[spaces + number..].starts_with("s ");
        (number > 0 && unit).then_some((spaces + number + 1, "[TIME]"))
    });
    // `retrying GET /path in 1.2 s (attempt`: the seconds form of a jittered delay.
    replace_each(&text, " in ", false, |after| {
        let n = leading(after, |c| c.is_ascii_digit() || c == '.');
        (n > 0 && after[n..].starts_with(" s (attempt")).then_some((n + 2, "[TIME]"))
    })
}

/// `Sun, 06 Dec 2026 09:30:00 GMT` -> `[DATE]`.
fn http_dates(text: &str) -> String {
    // `A` a capital, `a` a small letter, `0` a digit; any other char stands for itself.
    const SHAPE: &str = "Aaa, 00 Aaa 0000 00:00:00 GMT";
    let fits = |at: &str| {
        at.len() >= SHAPE.len()
            && at.bytes().zip(SHAPE.bytes()).all(|(c, s)| match s {
                b'A' => c.is_ascii_uppercase(),
                b'a' => c.is_ascii_lowercase(),
                b'0' => c.is_ascii_digit(),
                s => c == s,
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if fits(rest) {
            out.push_str("[DATE]");
            rest = &rest[SHAPE.len()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// 64 hex digits standing alone -> `[SHA256]`.
fn digests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let n = leading(rest, |c| c.is_ascii_hexdigit());
        let ends = !rest[n..].starts_with(|c: char| c.is_alphanumeric());
        let starts = !out.ends_with(|c: char| c.is_alphanumeric());
        if n == 64 && starts && ends {
            out.push_str("[SHA256]");
            rest = &rest[n..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `text` with the part after each `marker` replaced where `at` says so: `at(after)` gives
/// how many bytes after the marker to replace, and with what. The marker stays, unless
/// `with_marker` (then it is replaced too).
fn replace_each(
    text: &str,
    marker: &str,
    with_marker: bool,
    at: impl Fn(&str) -> Option<(usize, &'static str)>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let after = &rest[i + marker.len()..];
        out.push_str(&rest[..i]);
        match at(after) {
            Some((len, placeholder)) => {
                if !with_marker {
                    out.push_str(marker);
                }
                out.push_str(placeholder);
                rest = &after[len..];
            }
            None => {
                out.push_str(marker);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// How many bytes at the start of `text` are chars that `keep` accepts.
fn leading(text: &str, keep: impl Fn(char) -> bool) -> usize {
    text.find(|c: char| !keep(c)).unwrap_or(text.len())
}

#[test]
fn run_specific_parts_become_placeholders() {
    let tmp = std::env::temp_dir().display().to_string();
    let text = format!(
        "GET http://127.0.0.1:41234/api -> HTTP 200 in 12 ms\n\
         down http://127.0.0.1:1 then http://127.0.0.1:41234/x\n\
         wrote {tmp}/.tmpAbC123/plan.json\n\
         at path \"{tmp}/.tmpAbC123/./.docspace-webhooks-plan-iTYuip.tmp\"\n\
         retrying GET /a in 1.5 s (attempt 2 of 3), pausing for 2 s\n\
         \x20 [1/2]   0.0s created \"A\"\n\
         \x20 [2/2]  12.5s failed\n\
         again at Sun, 06 Dec 2026 09:30:00 GMT, in 1 s\n\
         SHA-256 {d}\n\
         not a digest: x{d}\n",
        d = "ab".repeat(32)
    );
    assert_eq!(
        stable(&text),
        format!(
            "GET [PORTAL]/api -> HTTP 200 in [TIME]\n\
             down [PORTAL-2] then [PORTAL]/x\n\
             wrote [TMP]/plan.json\n\
             at path \"[TMP]/./.docspace-webhooks-plan-[RANDOM].tmp\"\n\
             retrying GET /a in [TIME] (attempt 2 of 3), pausing for 2 s\n\
             \x20 [1/2] [TIME] created \"A\"\n\
             \x20 [2/2] [TIME] failed\n\
             again at [DATE], in 1 s\n\
             SHA-256 [SHA256]\n\
             not a digest: x{}\n",
            "ab".repeat(32)
        )
    );
}
