//! Hosts written with non-ASCII characters (docs/using.md, "Look-alike hosts"): a Cyrillic `і`
//! reads like a Latin `i`, but every event goes, signed, to another machine. The ASCII form is
//! `idna`'s UTS #46 `ToASCII`, the one the `url` crate applies, so it is the host resolved.

use std::borrow::Cow;

/// What every look-alike warning says about the host, in every format.
pub const LOOKALIKE: &str = "contains non-ASCII characters, which can look like ASCII ones";

/// A uri's host that contains non-ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookalikeHost {
    /// The host as the uri spells it, percent-escapes decoded. Unescaped: callers escape it
    /// for their format before showing it.
    pub host: String,
    /// Its ASCII (punycode, `xn--…`) form; `None` when it is not a valid domain name.
    pub ascii: Option<String>,
}

/// The host of `uri` when it contains non-ASCII characters, written raw or percent-encoded.
/// `None` for an ASCII host (an already-punycoded `xn--` host shows what it is) and for text
/// without a `scheme://` authority. Userinfo is skipped, so a masked uri gives the same answer
/// as the real one and credentials never reach the result.
pub fn lookalike_host(uri: &str) -> Option<LookalikeHost> {
    let host = host_of(uri)?;
    // `%XX` escapes decoded (borrowed when there is none); a stray `%` kept as written.
    let host = percent_encoding::percent_decode_str(host).decode_utf8_lossy();
    if host.is_ascii() {
        return None;
    }
    let ascii = idna::domain_to_ascii_cow(host.as_bytes(), idna::AsciiDenyList::URL)
        .ok()
        .map(Cow::into_owned);
    Some(LookalikeHost {
        host: host.into_owned(),
        ascii,
    })
}

/// The host between `scheme://` (and any `userinfo@`) and the port, path, query or fragment.
fn host_of(uri: &str) -> Option<&str> {
    let rest = &uri[uri.find("://")? + 3..];
    // Backslash ends the authority too, as it does for the URL parser with http(s).
    let end = rest
        .find(|c: char| matches!(c, '/' | '\\' | '?' | '#') || c.is_whitespace())
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(match host_port.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => host_port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(uri: &str) -> Option<Option<String>> {
        lookalike_host(uri).map(|h| h.ascii)
    }

    #[test]
    fn a_cyrillic_letter_in_the_host_is_flagged_with_its_punycode() {
        let found = lookalike_host("https://b\u{456}lling.example.com/hooks?tenant=42")
            .expect("a non-ASCII host");
        assert_eq!(found.host, "b\u{456}lling.example.com");
        assert_eq!(found.ascii.as_deref(), Some("xn--blling-pvf.example.com"));
    }

    #[test]
    fn ascii_hosts_and_non_ascii_elsewhere_are_not_flagged() {
        for uri in [
            "https://billing.example.com/hooks",
            "https://xn--blling-pvf.example.com/",
            "https://example.com/p\u{e4}th?q=\u{456}#fr\u{e4}g",
            "https://[::1]:8443/h",
            "not a uri at all: b\u{456}lling",
        ] {
            assert_eq!(lookalike_host(uri), None, "{uri}");
        }
    }

    #[test]
    fn userinfo_and_port_are_not_part_of_the_host() {
        let found = lookalike_host("https://\u{456}van:***@b\u{456}lling.example.com:8443/x");
        assert_eq!(
            found.map(|h| h.host).as_deref(),
            Some("b\u{456}lling.example.com")
        );
        assert_eq!(
            lookalike_host("https://\u{456}van:p\u{e4}ss@example.com/"),
            None
        );
    }

    #[test]
    fn percent_encoded_and_fullwidth_hosts_are_flagged_with_what_they_resolve_to() {
        assert_eq!(
            ascii("https://b%D1%96lling.example.com/"),
            Some(Some("xn--blling-pvf.example.com".to_string()))
        );
        // NFKC maps fullwidth letters to ASCII: it is example.com, but not as written.
        assert_eq!(
            ascii("https://\u{ff45}xample.com/"),
            Some(Some("example.com".to_string()))
        );
    }

    /// Only a `%` and two hex digits is an escape, as the URL parser reads a host; anything else
    /// stays as written (the hand-written decoder this replaced read `%+1` as the byte 0x01).
    /// Bytes that are no UTF-8 once decoded show as U+FFFD, which is flagged.
    #[test]
    fn only_a_percent_and_two_hex_digits_is_decoded() {
        let host = |uri: &str| lookalike_host(uri).map(|h| (h.host, h.ascii));
        for uri in [
            "https://exa%6Dple.com/",
            "https://exa%.com/",
            "https://%4.example.com/",
            "https://%zz.example.com/",
            "https://%+1.example.com/",
        ] {
            assert_eq!(host(uri), None, "{uri}");
        }
        assert_eq!(
            host("https://b%D1%96lling%+1%zz%4%.example.com/"),
            Some(("b\u{456}lling%+1%zz%4%.example.com".to_string(), None))
        );
        assert_eq!(
            host("https://%FF%D1.example.com/"),
            Some(("\u{fffd}\u{fffd}.example.com".to_string(), None))
        );
    }

    #[test]
    fn an_invalid_international_name_is_still_flagged() {
        assert_eq!(ascii("https://a\u{202e}b\u{456}.example/"), Some(None));
    }
}
