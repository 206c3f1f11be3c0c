//! `CheckWebhook` (docs/docspace-api.md §13): secret policy, `UrlValidator` and HEAD probe, run on
//! create, update and enable(true), in the server's order. Failures are exceptions (§5.1),
//! not validation problems.
//!
//! No DNS and no network: literal IPs are judged against the default blacklist, `localhost`
//! stands for a name resolving to loopback, and the probe's outcome comes from the per-URI
//! target table (`Target::Ok` unless a test says otherwise).

use std::net::IpAddr;

use super::envelope::Exception;
use super::state::{Inner, Target};

const SECRET_POLICY: &str =
    "Password must contain from 8 to 30 characters, only latin letters, no spaces";
const PROBE_FAILED: &str =
    "Webhook URL is not available. HEAD request is not response 200 http status.";

pub(super) struct Candidate<'a> {
    pub name: &'a str,
    pub uri: &'a str,
    pub secret_key: Option<&'a str>,
    pub ssl: bool,
}

pub(super) fn check_webhook(
    inner: &mut Inner,
    webhook: &Candidate<'_>,
    creation: bool,
) -> Result<(), Exception> {
    if webhook.name.is_empty() {
        return Err(Exception::argument_null("name"));
    }
    if webhook.uri.is_empty() {
        return Err(Exception::argument_null("uri"));
    }
    // Every caller is an admin, so every trigger is available: step 2 cannot fail here.
    if creation || webhook.secret_key.is_some_and(|s| !s.is_empty()) {
        let secret = webhook
            .secret_key
            .ok_or_else(|| Exception::argument_null("secretKey"))?;
        check_secret(secret)?;
    }
    let authority = validate_url(webhook.uri, webhook.ssl)?;
    inner.probes.push(webhook.uri.to_owned());
    match inner.target(webhook.uri) {
        Target::Ok => Ok(()),
        Target::Status(status) if (200..300).contains(&status) => Ok(()),
        Target::Status(_) => Err(Exception::argument(PROBE_FAILED)),
        Target::Unreachable => Err(Exception::http_request(format!(
            "Connection refused ({authority})"
        ))),
    }
}

/// The default password policy: `^[\x21-\x7E]{8,30}$`.
fn check_secret(secret: &str) -> Result<(), Exception> {
    let printable = secret.chars().all(|c| ('\x21'..='\x7e').contains(&c));
    let length = secret.chars().count();
    if printable && (8..=30).contains(&length) {
        Ok(())
    } else {
        Err(Exception::argument(SECRET_POLICY))
    }
}

/// `UrlValidator.ValidateAsync(uri, RequireHttps = ssl)`. Returns `host:port` for messages.
fn validate_url(uri: &str, require_https: bool) -> Result<String, Exception> {
    let uri = uri.trim();
    if uri.is_empty() {
        return Err(Exception::argument("URL is null or empty"));
    }
    let invalid = || Exception::argument("Invalid URL format");
    let (scheme, rest) = uri.split_once(':').ok_or_else(invalid)?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Err(invalid());
    }
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(Exception::argument(format!(
            "Invalid URL scheme: {scheme}. Only http and https are allowed"
        )));
    }
    let rest = rest.strip_prefix("//").ok_or_else(invalid)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = split_host_port(host_port).ok_or_else(invalid)?;
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || "<>\"\\^`{|}".contains(c);
    if host.is_empty() || host.contains(bad_char) {
        return Err(invalid());
    }
    if require_https && scheme != "https" {
        return Err(Exception::argument("HTTPS is required"));
    }
    if host.parse::<IpAddr>().is_ok_and(|ip| blacklisted(&ip)) {
        return Err(Exception::argument("URL host is in the blacklist"));
    }
    let lower = host.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        // A name, not a literal: the server resolves it, then finds 127.0.0.1 in the list.
        return Err(Exception::argument(
            "URL resolves to a blacklisted IP address",
        ));
    }
    let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
    Ok(format!("{host}:{port}"))
}

/// `host[:port]` or `[v6][:port]`; the brackets are dropped. `None` for a malformed port.
fn split_host_port(host_port: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match host_port.rsplit_once(':') {
            // An IPv6 literal must be bracketed.
            Some((host, _)) if host.contains(':') => return None,
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    match port {
        None | Some("") => Some((host, None)),
        Some(p) if p.chars().all(|c| c.is_ascii_digit()) => Some((host, Some(p.parse().ok()?))),
        Some(_) => None,
    }
}

/// The default `webhooks:blacklist`: loopback, private, link-local, CGNAT, "this network".
fn blacklisted(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            a == 0
                || a == 10
                || a == 127
                || (a == 100 && (64..128).contains(&b))
                || (a == 169 && b == 254)
                || (a == 172 && (16..32).contains(&b))
                || (a == 192 && b == 168)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_unspecified()
                || v6.is_loopback()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| blacklisted(&IpAddr::V4(v4)))
        }
    }
}
