//! Credentials inside URLs (`https://user:pass@host`): found in any text, masked as `user:***@`.
//!
//! Works on raw text, not on parsed URLs, so it also covers strings that do not parse and URLs
//! inside a longer message. The authority ends where the URL standard ends it (`/`, `?`, `#`,
//! and `\`, which it reads as `/` in http and https URLs), or at whitespace, a quote or an angle
//! bracket. Ending it too late would hide the real host: `https://evil\@good` goes to `evil`.

use std::ops::Range;

/// The byte ranges of the secret part of every URL's userinfo in `text`: the password of
/// `user:pass@`, or the whole of a lone `token@` (a lone user part is usually a token).
pub fn credential_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("://") {
        let start = from + found + 3;
        let rest = &text[start..];
        let authority_len = rest.find(is_authority_end).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_len].rfind('@') {
            out.push(secret_part(&rest[..at], start));
        }
        from = start;
    }
    out
}

/// The same for a `user:pass@host` typed without a scheme (a portal address or a uri in the
/// file): the text is taken as one URL, so its authority runs from the start.
pub fn scheme_less_credential_ranges(text: &str) -> Vec<Range<usize>> {
    if text.contains("://") {
        return credential_ranges(text);
    }
    let authority_len = text.find(['/', '\\', '?', '#']).unwrap_or(text.len());
    match text[..authority_len].rfind('@') {
        Some(at) => vec![secret_part(&text[..at], 0)],
        None => Vec::new(),
    }
}

fn is_authority_end(c: char) -> bool {
    matches!(c, '/' | '\\' | '?' | '#' | '"' | '\'' | '<' | '>' | '`') || c.is_whitespace()
}

/// `user:pass` -> the range of `pass`; `token` -> all of it. `offset` is where it starts.
fn secret_part(userinfo: &str, offset: usize) -> Range<usize> {
    match userinfo.find(':') {
        Some(colon) => offset + colon + 1..offset + userinfo.len(),
        None => offset..offset + userinfo.len(),
    }
}

/// `text` with every range replaced by `***`. The ranges must be sorted and disjoint.
fn masked(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in ranges {
        out.push_str(&text[last..r.start]);
        out.push_str("***");
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Masks the credentials of every URL in `text`: `https://user:pass@host` becomes
/// `https://user:***@host`, `https://token@host` becomes `https://***@host`.
pub fn mask_credentials(text: &str) -> String {
    masked(text, &credential_ranges(text))
}

/// `mask_credentials`, plus the `user:pass@host` a user may type without a scheme.
pub fn mask_userinfo(text: &str) -> String {
    masked(text, &scheme_less_credential_ranges(text))
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
        for plain in [
            "https://host.example/a@b",
            "https://evil.example\\@good.example/",
            "mailto:me@example.com",
            "no url here",
            "https://",
            "",
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
            scheme_less_credential_ranges("http://a:bc@h"),
            credential_ranges("http://a:bc@h")
        );
        assert_eq!(credential_ranges("x http://a:bc@h"), vec![11..13]);
    }
}
