//! The portal address and the transport rule it must pass: the scheme is `https`, or `http` with
//! a loopback host; there are no credentials, query, fragment or path. Every error shows the input
//! with any password masked (people paste URLs with credentials, and errors end up in CI logs)
//! and escaped (it comes from outside and must not drive the terminal).

use std::net::IpAddr;

use reqwest::Url;

use super::ApiError;
use crate::redact::{escaped, mask_userinfo};

/// A portal address that passed the transport rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUrl {
    /// Always ends in `/`, so endpoint paths can be joined onto it.
    base: Url,
}

impl PortalUrl {
    pub fn parse(s: &str) -> Result<PortalUrl, ApiError> {
        let input = s.trim();
        let shown = escaped(&mask_userinfo(input));
        let fail = |reason: String| ApiError::PortalUrl {
            input: shown.clone(),
            reason,
        };
        if input.is_empty() {
            return Err(fail("it is empty".into()));
        }
        if !input.contains("://") {
            // `https:host` has a scheme: only its `//` is missing.
            let reason = match shown.split_once(':') {
                Some((scheme, host))
                    if scheme.eq_ignore_ascii_case("https")
                        || scheme.eq_ignore_ascii_case("http") =>
                {
                    format!(
                        "it is not written as `scheme://host`; write it as {scheme}://{}",
                        host.trim_start_matches(['/', '\\']).trim_end_matches('/')
                    )
                }
                _ => format!(
                    "it has no scheme; write it as https://{}",
                    shown.trim_end_matches('/')
                ),
            };
            return Err(fail(reason));
        }
        let url = Url::parse(input).map_err(|e| fail(format!("it is not a valid URL ({e})")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(fail(
                "it contains credentials (a user name or password before the host); give only \
                 the address: the API key is sent on its own, never in the URL"
                    .into(),
            ));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            // A resolver may send the fully qualified `localhost.` to DNS, as glibc does when
            // /etc/hosts lists only `localhost`: any host could answer, and get the key.
            "http" if url.host_str() == Some("localhost.") => {
                return Err(fail(
                    "plain http:// is accepted only for a loopback host, and `localhost.` is not \
                     treated as one: with its final dot the name may be looked up in DNS rather \
                     than in /etc/hosts; write `localhost`"
                        .into(),
                ));
            }
            "http" => {
                return Err(fail(
                    "plain http:// is accepted only for a loopback host (localhost, 127.0.0.1, \
                     [::1]); use https:// so the API key is not sent in clear text"
                        .into(),
                ));
            }
            other => {
                return Err(fail(format!(
                    "the scheme `{other}` is not supported; use https://"
                )));
            }
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(fail(
                "it has a query (?...) or fragment (#...); give only the portal's address".into(),
            ));
        }
        let path = url.path();
        if path != "/" {
            let hint = if path.to_ascii_lowercase().starts_with("/api") {
                "leave out the API path, the tool adds /api/2.0/... itself"
            } else {
                "DocSpace serves its API at the root of the portal's address"
            };
            return Err(fail(format!(
                "it has a path (`{path}`); {hint}, so give only scheme and host, e.g. {}",
                url.origin().ascii_serialization()
            )));
        }
        Ok(PortalUrl { base: url })
    }

    /// `url` as the client reads it, as `plan` records it; as written when the client cannot.
    pub fn as_client_reads(url: &str) -> String {
        PortalUrl::parse(url).map_or_else(|_| url.to_string(), |p| p.as_str().to_string())
    }

    /// The portal's origin, e.g. `https://portal.example.com`, without a trailing slash.
    pub fn as_str(&self) -> &str {
        // A checked address has the path `/` and nothing after it.
        self.base.as_str().trim_end_matches('/')
    }

    /// Which portal this is, for telling two spellings of one portal apart: the origin, with
    /// a host written as a fully qualified name (`docs.example.com.`) without its final dot.
    pub fn identity(&self) -> String {
        match self.base.host_str() {
            Some(host) if host.ends_with('.') => {
                let mut url = self.base.clone();
                let _ = url.set_host(Some(host.trim_end_matches('.')));
                url.origin().ascii_serialization()
            }
            _ => self.as_str().to_string(),
        }
    }

    pub(crate) fn is_loopback(&self) -> bool {
        is_loopback(&self.base)
    }

    /// The full URL of an API path, with its query string when it has one.
    pub(crate) fn join(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let (path, query) = path
            .split_once('?')
            .map_or((path, None), |(p, q)| (p, Some(q)));
        url.set_path(path);
        url.set_query(query);
        url
    }

    /// Resolves a `Location` header against the portal, for the redirect error. Relative
    /// locations are shown absolute so the user sees where they would have been sent. Given
    /// the header scrubbed, and shown through the `Redactor` again: resolving reads `\` as `/`,
    /// which would break up an escaped secret before it is found.
    pub(crate) fn resolve(&self, location: &str) -> String {
        self.base
            .join(location)
            .map_or_else(|_| location.to_string(), String::from)
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // `host_str` brackets IPv6 literals; the url crate has already normalized IPv4 forms.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        match PortalUrl::parse(s) {
            Ok(u) => u.as_str().to_string(),
            Err(e) => panic!("{s} should be accepted: {e}"),
        }
    }

    fn err(s: &str) -> String {
        match PortalUrl::parse(s) {
            Ok(u) => panic!("{s} should be refused, got {}", u.as_str()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn https_is_accepted_and_normalized() {
        assert_eq!(
            ok("https://portal.example.com"),
            "https://portal.example.com"
        );
        assert_eq!(
            ok("https://portal.example.com/"),
            "https://portal.example.com"
        );
        assert_eq!(
            ok("  HTTPS://Portal.Example.COM:443/ "),
            "https://portal.example.com"
        );
        assert_eq!(
            ok("https://portal.example.com:8443"),
            "https://portal.example.com:8443"
        );
    }

    #[test]
    fn plain_http_only_for_loopback() {
        assert_eq!(ok("http://localhost:8080/"), "http://localhost:8080");
        assert_eq!(ok("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(ok("http://127.1.2.3"), "http://127.1.2.3");
        assert_eq!(ok("http://[::1]:9000"), "http://[::1]:9000");
        let e = err("http://portal.example.com");
        assert!(e.contains("only for a loopback host"), "{e}");
        assert!(err("http://10.0.0.1").contains("use https://"));
        assert!(err("http://localhost.example.com").contains("loopback"));
        // Not resolved as `localhost` is: glibc asks DNS for it (`getent ahosts localhost.`).
        assert_eq!(
            err("http://LOCALHOST.:8080"),
            "invalid portal URL `http://LOCALHOST.:8080`: plain http:// is accepted only for a \
             loopback host, and `localhost.` is not treated as one: with its final dot the name \
             may be looked up in DNS rather than in /etc/hosts; write `localhost`"
        );
    }

    #[test]
    fn other_schemes_and_missing_scheme_are_refused() {
        assert!(err("ftp://portal.example.com").contains("scheme `ftp`"));
        let e = err("portal.example.com");
        assert!(
            e.contains("no scheme; write it as https://portal.example.com"),
            "{e}"
        );
        assert!(err("").contains("empty"));
        assert_eq!(
            err("https:docs.example.com"),
            "invalid portal URL `https:docs.example.com`: it is not written as `scheme://host`; \
             write it as https://docs.example.com"
        );
        assert_eq!(
            err("HTTP:/127.0.0.1:8080/"),
            "invalid portal URL `HTTP:/127.0.0.1:8080/`: it is not written as `scheme://host`; \
             write it as HTTP://127.0.0.1:8080"
        );
    }

    #[test]
    fn credentials_are_refused_and_masked() {
        let e = err("https://admin:hunter2@portal.example.com/");
        assert!(e.contains("credentials"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        assert!(e.contains("https://admin:***@portal.example.com/"), "{e}");
        // Masked even when the rest of the URL does not parse.
        let e = err("https://admin:hunter2@por tal");
        assert!(!e.contains("hunter2"), "{e}");
        let e = err("admin:hunter2@portal.example.com");
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn query_fragment_and_paths_are_refused() {
        assert!(err("https://p.example.com/?x=1").contains("query"));
        assert!(err("https://p.example.com/#top").contains("fragment"));
        let e = err("https://p.example.com/docspace");
        assert!(e.contains("path (`/docspace`)"), "{e}");
        assert!(e.contains("e.g. https://p.example.com"), "{e}");
        let e = err("https://p.example.com/api/2.0/");
        assert!(e.contains("leave out the API path"), "{e}");
    }

    #[test]
    fn spellings_of_one_portal_share_an_identity() {
        let id = |s: &str| PortalUrl::parse(s).unwrap().identity();
        let one = id("https://docs.example.com");
        for same in [
            "HTTPS://DOCS.example.com.:443/",
            "https://docs.example.com.",
            "https://docs.example.com:443",
        ] {
            assert_eq!(id(same), one, "{same}");
        }
        for other in [
            "https://docs.example.com:8443",
            "https://www.docs.example.com",
        ] {
            assert_ne!(id(other), one, "{other}");
        }
    }

    #[test]
    fn endpoints_join_onto_the_root() {
        let p = PortalUrl::parse("https://p.example.com/").unwrap();
        assert_eq!(
            p.join("api/2.0/settings/webhook/7").as_str(),
            "https://p.example.com/api/2.0/settings/webhook/7"
        );
        assert_eq!(p.resolve("/login"), "https://p.example.com/login");
    }
}
