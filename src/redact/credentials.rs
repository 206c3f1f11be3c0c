//! Credentials inside URLs (`https://user:pass@host`), found in any text and masked as
//! `user:***@`. Read on raw text (strings that do not parse, URLs inside a message) at least as
//! generously as the URL standard (the `url` crate) reads a URL, masking more where they differ:
//! - tabs and line breaks are skipped anywhere, as the standard removes them;
//! - `http:`, `https:`, `ws:`, `wss:` and `ftp:` take an authority after any number of `/` or
//!   `\` (even none: `https:user:pass@host`); any other scheme needs `//`;
//! - the authority ends only at `/`, `?`, `#` (and `\` after those schemes), not at a space or a
//!   quote; the userinfo runs to its last `@` (a later one would hide the real host:
//!   `https://evil\@good` goes to `evil`);
//! - a password with a `/`, `?` or `#` makes the URL invalid but is still a password: with no
//!   `@` in the authority, what lies between a `:` and a later `@` (before a space) is masked.

use std::ops::Range;

/// Schemes the URL standard reads an authority after however many slashes follow.
const SPECIAL: [&str; 5] = ["http", "https", "ws", "wss", "ftp"];

/// The characters of a text that a URL parser keeps, with their byte offsets.
type Kept = Vec<(usize, char)>;

fn kept(text: &str) -> Kept {
    text.char_indices()
        .filter(|(_, c)| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The byte ranges of the secret part of every URL's userinfo in `text`: the password of
/// `user:pass@`, or the whole of a lone `token@` (a lone user part is usually a token); and the
/// value of every query parameter with a secret-like name (`?token=...`, see `secret_params`).
/// With `scheme_less`, also a `user:pass@host` typed without a scheme (a portal address or a uri
/// in the file): unless the text starts with a scheme and its authority, it is taken as one URL
/// whose authority runs from the start.
pub fn credential_ranges(text: &str, scheme_less: bool) -> Vec<Range<usize>> {
    let kept = kept(text);
    let mut out: Vec<_> = secret_params(text).map(|(_, value)| value).collect();
    let mut i = 0;
    while i < kept.len() {
        let userinfo = authority_after(&kept, i)
            .and_then(|(start, special)| Some((start, userinfo_end(&kept, start, special)?)));
        match userinfo {
            Some((start, at)) => {
                let userinfo = offset(&kept, text, start)..kept[at].0;
                out.push(secret_part(text, userinfo));
                i = at + 1;
            }
            None => i += 1,
        }
    }
    let lead = kept.iter().take_while(|(_, c)| *c == ' ').count();
    let has_scheme = || {
        (lead..kept.len())
            .take_while(|&i| kept[i].1 != '/')
            .find(|&i| kept[i].1 == ':')
            .is_some_and(|colon| authority_after(&kept, colon).is_some())
    };
    if scheme_less
        && !has_scheme()
        && let Some(at) = userinfo_end(&kept, lead, true)
    {
        out.push(secret_part(text, offset(&kept, text, lead)..kept[at].0));
    }
    merged(out)
}

/// The values of query parameters whose names say they hold a secret: many webhook receivers
/// authenticate by one in the URL (`?token=...`, `&sig=...`), and plans go into pull requests.
/// Read on raw text, wherever `?`, `&` or `;` starts a `name=value`, to mask more, never less,
/// than a URL parser would. Each with its name.
fn secret_params(text: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    text.match_indices(['?', '&', ';']).filter_map(|(at, _)| {
        let name_start = at + 1;
        let eq = text[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '%')))
            .map(|len| name_start + len)
            .filter(|&eq| text.as_bytes().get(eq) == Some(&b'=') && eq > name_start)?;
        let name = &text[name_start..eq];
        let value_start = eq + 1;
        let end = text[value_start..]
            .find(|c: char| {
                c.is_whitespace()
                    || matches!(
                        c,
                        '&' | ';' | '#' | '"' | '\'' | '`' | '<' | '>' | '(' | ')' | '[' | ']'
                    )
            })
            .map_or(text.len(), |len| value_start + len);
        (is_secret_name(name) && end > value_start).then_some((name, value_start..end))
    })
}

/// The names of the query parameters of `text` whose values `mask_credentials` masks, in
/// order, each once.
pub fn secret_param_names(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = secret_params(text).map(|(name, _)| name).collect();
    let mut seen = std::collections::HashSet::new();
    names.retain(|name| seen.insert(*name));
    names
}

/// Whether a parameter's name says it holds a secret, in any case (docs/faults-and-security.md).
fn is_secret_name(name: &str) -> bool {
    // A receiver decodes `t%6Fken` to `token`: so is it read here.
    let name = super::decode::normalize(name)
        .unwrap_or_else(|| name.to_string())
        .to_ascii_lowercase();
    const ANYWHERE: [&str; 9] = [
        "token",
        "secret",
        "passw",
        "signature",
        "apikey",
        "api_key",
        "jwt",
        "session",
        "bearer",
    ];
    const ENDING: [&str; 7] = ["key", "sig", "auth", "pwd", "pass", "code", "credential"];
    ANYWHERE.iter().any(|word| name.contains(word))
        || ENDING.iter().any(|word| name.ends_with(word))
}

/// When `kept[colon]` is the `:` after a scheme that an authority follows: where the
/// authority starts, and whether the scheme is special (`\` ends its authority too).
fn authority_after(kept: &Kept, colon: usize) -> Option<(usize, bool)> {
    if kept[colon].1 != ':' {
        return None;
    }
    let is_scheme_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    let from = kept[..colon]
        .iter()
        .rposition(|(_, c)| !is_scheme_char(*c))
        .map_or(0, |p| p + 1);
    if from == colon {
        return None;
    }
    let scheme: String = kept[from..colon].iter().map(|(_, c)| c).collect();
    let slash = |k: usize, also_backslash: bool| {
        kept.get(k)
            .is_some_and(|(_, c)| *c == '/' || (also_backslash && *c == '\\'))
    };
    if SPECIAL.iter().any(|s| s.eq_ignore_ascii_case(&scheme)) {
        let start = (colon + 1..).find(|&k| !slash(k, true))?;
        Some((start, true))
    } else if slash(colon + 1, false) && slash(colon + 2, false) {
        Some((colon + 3, false))
    } else {
        None
    }
}

/// The index in `kept` of the `@` that ends the userinfo of the authority at `start`.
fn userinfo_end(kept: &Kept, start: usize, special: bool) -> Option<usize> {
    let rest = &kept[start..];
    let ends = |c: char| matches!(c, '/' | '?' | '#') || (special && c == '\\');
    let authority = rest
        .iter()
        .position(|(_, c)| ends(*c))
        .unwrap_or(rest.len());
    if let Some(at) = rest[..authority].iter().rposition(|(_, c)| *c == '@') {
        return Some(start + at);
    }
    // No `@` in the authority: a password with `/`, `?` or `#` in it may have ended it early.
    let word = rest
        .iter()
        .position(|(_, c)| c.is_whitespace())
        .unwrap_or(rest.len());
    let at = rest[..word].iter().rposition(|(_, c)| *c == '@')?;
    rest[..at]
        .iter()
        .any(|(_, c)| *c == ':')
        .then_some(start + at)
}

/// The byte offset of `kept[i]`, or the end of `text` when `i` is past the last character.
fn offset(kept: &Kept, text: &str, i: usize) -> usize {
    kept.get(i).map_or(text.len(), |(o, _)| *o)
}

/// `ranges` sorted, with those that overlap or touch made one.
pub(crate) fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// `user:pass` -> the range of `pass`; `token` -> all of it.
fn secret_part(text: &str, userinfo: Range<usize>) -> Range<usize> {
    match text[userinfo.clone()].find(':') {
        Some(colon) => userinfo.start + colon + 1..userinfo.end,
        None => userinfo,
    }
}

/// `text` with every range replaced by `with`. The ranges must be sorted and disjoint.
pub(super) fn replaced(text: &str, ranges: &[Range<usize>], with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in ranges {
        out.push_str(&text[last..r.start]);
        out.push_str(with);
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Masks the credentials of every URL in `text`: `https://user:pass@host` becomes
/// `https://user:***@host`, `https://token@host` becomes `https://***@host`.
pub fn mask_credentials(text: &str) -> String {
    replaced(text, &credential_ranges(text, false), "***")
}

/// `mask_credentials`, plus the `user:pass@host` a user may type without a scheme.
pub fn mask_userinfo(text: &str) -> String {
    replaced(text, &credential_ranges(text, true), "***")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_in_any_text() {
        assert_eq!(
            mask_credentials("https://user:pass@host.example/p?q=a@b"),
            "https://user:***@host.example/p?q=a@b"
        );
        assert_eq!(
            mask_credentials("https://ghp_token@host.example"),
            "https://***@host.example"
        );
        // The last `@` of the authority ends the user part, so a raw `@` in a password is
        // masked too.
        assert_eq!(
            mask_credentials("https://u:p@ss@host.example"),
            "https://u:***@host.example"
        );
        assert_eq!(
            mask_credentials("went to 'http://a:b@x.example/' then \"ftp://c:d@y.example\""),
            "went to 'http://a:***@x.example/' then \"ftp://c:***@y.example\""
        );
        // The values of query parameters with secret-like names, in any case.
        assert_eq!(
            mask_credentials("https://h.example/h?tenant=4&Access_Token=x1;X-Amz-Signature=ff#f"),
            "https://h.example/h?tenant=4&Access_Token=***;X-Amz-Signature=***#f"
        );
        assert_eq!(
            mask_credentials(
                "'https://h.example/h?apiKey=k&sig=s' and https://u:p@h.example/?auth=a"
            ),
            "'https://h.example/h?apiKey=***&sig=***' and https://u:***@h.example/?auth=***"
        );
        assert_eq!(
            mask_credentials("https://h.example/h?key=&monkey=1"),
            "https://h.example/h?key=&monkey=***"
        );
        for plain in [
            "https://host.example/a@b",
            "https://evil.example\\@good.example/",
            "mailto:me@example.com",
            "no url here",
            "https://",
            "",
            "https://h.example/h?tenant=42&page=2",
            "https://h.example/h?keyword=x&tokens",
            "what? token=x",
        ] {
            assert_eq!(mask_credentials(plain), plain);
        }
    }

    #[test]
    fn a_scheme_less_address_is_one_url() {
        assert_eq!(
            mask_userinfo("admin:hunter2@portal.example.com/x@y"),
            "admin:***@portal.example.com/x@y"
        );
        assert_eq!(mask_userinfo("portal.example.com"), "portal.example.com");
        assert_eq!(
            credential_ranges("http://a:bc@h", true),
            credential_ranges("http://a:bc@h", false)
        );
        assert_eq!(credential_ranges("x http://a:bc@h", false), vec![11..13]);
        // A portal address with a quote in its password (`--portal`).
        assert_eq!(
            mask_userinfo("https://admin:PW99\"x@example.com"),
            "https://admin:***@example.com"
        );
    }

    /// Every form the URL standard reads as having credentials is masked.
    #[test]
    fn every_form_with_credentials_is_masked() {
        for (text, shown) in [
            (
                "https:admin:PW99secret@a.example.com/x",
                "https:admin:***@a.example.com/x",
            ),
            (
                "https:/admin:PW99secret@a.example.com/x",
                "https:/admin:***@a.example.com/x",
            ),
            (
                "HTTPS:\\\\admin:PW99secret@a.example.com/x",
                "HTTPS:\\\\admin:***@a.example.com/x",
            ),
            (
                "https://admin:PW99secret\t@a.example.com/x",
                "https://admin:***@a.example.com/x",
            ),
            (
                "ht\ttps://admin:PW99secret@a.example.com/x",
                "ht\ttps://admin:***@a.example.com/x",
            ),
            (
                "https://admin:PW 99\"secret@a.example.com/x",
                "https://admin:***@a.example.com/x",
            ),
            // A `/`, `?` or `#` in the password makes the URL invalid; still masked.
            (
                "https://admin:PW/99secret@a.example.com/x",
                "https://admin:***@a.example.com/x",
            ),
            (
                "https://admin:PW?99secret@a.example.com/x",
                "https://admin:***@a.example.com/x",
            ),
            (
                "https://admin:PW#99secret@a.example.com/x",
                "https://admin:***@a.example.com/x",
            ),
            (
                "foo://admin:PW99secret@a.example.com/x",
                "foo://admin:***@a.example.com/x",
            ),
        ] {
            assert_eq!(mask_credentials(text), shown, "{text:?}");
            let url = reqwest::Url::parse(text);
            if let Ok(url) = url {
                assert!(
                    url.password().is_some(),
                    "{text:?} has no password for the url crate"
                );
            }
        }
    }
}
