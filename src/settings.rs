//! Raw flags and the environment become checked settings before any work starts.
//!
//! This is the only module that reads the process environment, so what the tool depends on is
//! visible in one place: DOCSPACE_URL, DOCSPACE_API_KEY, and the `${VAR}`s of secrets.

use miette::SourceSpan;
use secrecy::SecretString;

use crate::api::{ApiError, Client, ClientOptions, PortalUrl};
use crate::config::Config;

pub const URL_VAR: &str = "DOCSPACE_URL";
pub const KEY_VAR: &str = "DOCSPACE_API_KEY";

/// Reads one environment variable; an unset or non-UTF-8 variable is `None`.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SettingsError {
    #[error("no portal to talk to")]
    #[diagnostic(
        code(settings::no_portal),
        help(
            "pass --portal https://yourportal.onlyoffice.com, set {URL_VAR}, or add `portal:` to the file"
        )
    )]
    NoPortal,

    #[error("the portal URL from {origin} is not usable")]
    #[diagnostic(code(settings::bad_portal))]
    BadPortal {
        origin: String,
        #[source]
        #[diagnostic_source]
        source: ApiError,
    },

    #[error("{KEY_VAR} is not set")]
    #[diagnostic(
        code(settings::no_api_key),
        help(
            "create an API key in DocSpace (Settings > Developer Tools > API keys) as a DocSpace admin, then `export {KEY_VAR}=sk-...`; it is never read from the command line"
        )
    )]
    NoApiKey,
}

/// Where the portal URL came from, in precedence order.
pub fn portal(flag: Option<&str>, config: &Config) -> Result<PortalUrl, SettingsError> {
    let from_file = config
        .portal
        .as_ref()
        .map(|(url, _span): &(String, SourceSpan)| url.clone());
    let (url, origin) = match (flag, env(URL_VAR), from_file) {
        (Some(url), _, _) => (url.to_string(), "--portal".to_string()),
        (None, Some(url), _) if !url.trim().is_empty() => (url, URL_VAR.to_string()),
        (None, _, Some(url)) => (url, "`portal:` in the file".to_string()),
        _ => return Err(SettingsError::NoPortal),
    };
    PortalUrl::parse(url.trim()).map_err(|source| SettingsError::BadPortal { origin, source })
}

/// The API key from the environment; blank counts as unset.
pub fn api_key() -> Result<SecretString, SettingsError> {
    match env(KEY_VAR) {
        Some(key) if !key.trim().is_empty() => Ok(SecretString::from(key.trim().to_string())),
        _ => Err(SettingsError::NoApiKey),
    }
}

/// A client for the portal the flags, environment and file point at.
pub fn client(flag: Option<&str>, config: &Config) -> Result<(PortalUrl, Client), crate::Error> {
    let portal = portal(flag, config)?;
    let key = api_key()?;
    let client = Client::new(&portal, key, ClientOptions::default())?;
    Ok((portal, client))
}
