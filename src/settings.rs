//! Raw flags and the environment become checked settings before any work starts.
//!
//! This is the only module that reads the process environment, so what the tool depends on is
//! visible in one place: DOCSPACE_URL, DOCSPACE_API_KEY, the `${VAR}`s of secrets, the hidden
//! DOCSPACE_WEBHOOKS_RETRY_BASE_MS and DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS that let tests retry
//! and obey `Retry-After` without waiting, and, in debug builds only,
//! DOCSPACE_WEBHOOKS_TEST_PANIC, with which tests prove what a panic shows.

use std::time::Duration;

use secrecy::SecretString;

use crate::api::{ApiError, Client, ClientOptions, EventSink, PortalUrl};
use crate::cli::NetworkArgs;
use crate::config::Config;

pub const URL_VAR: &str = "DOCSPACE_URL";
pub const KEY_VAR: &str = "DOCSPACE_API_KEY";
/// Milliseconds of the first retry backoff. Undocumented: for tests, which cannot wait seconds
/// per retry. Unset or not a number: the default (500 ms).
pub const RETRY_BASE_VAR: &str = "DOCSPACE_WEBHOOKS_RETRY_BASE_MS";
/// Milliseconds that one second of a throttled pause (`Retry-After`) really lasts. Undocumented:
/// for tests, as `Retry-After` comes in whole seconds. Budgets and messages keep the portal's
/// seconds. Unset or not a number: a second.
pub const THROTTLE_UNIT_VAR: &str = "DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS";

/// Debug builds only: the message of a panic `test_panic` raises on purpose.
pub const TEST_PANIC_VAR: &str = "DOCSPACE_WEBHOOKS_TEST_PANIC";

/// In a debug build with DOCSPACE_WEBHOOKS_TEST_PANIC set, panics: with a literal message when
/// the value is `literal`, else with the value inside a message built at run time (as a panic
/// quoting a secret would be). A test binary's way to a panic; release builds have none.
pub fn test_panic() {
    if !cfg!(debug_assertions) {
        return;
    }
    match env(TEST_PANIC_VAR).as_deref() {
        None => {}
        Some("literal") => panic!("a test panic with a literal message"),
        Some(value) => panic!("a test panic carrying {value}"),
    }
}

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
        origin: &'static str,
        // Boxed: an `ApiError` inline would make every settings `Result` large.
        #[source]
        source: Box<ApiError>,
    },

    #[error("{KEY_VAR} is not set")]
    #[diagnostic(
        code(settings::no_api_key),
        help(
            "create an API key in DocSpace (Settings > Developer Tools > API keys) as a DocSpace admin, then `export {KEY_VAR}=sk-...`; it is never read from the command line"
        )
    )]
    NoApiKey,

    #[error("{KEY_VAR} is empty")]
    #[diagnostic(
        code(settings::empty_api_key),
        help(
            "the variable is set but holds no key. A pipeline passes a secret that is not defined (or not available to the job's environment) as an empty string: check the secret's name and where it is defined. Locally: `export {KEY_VAR}=sk-...` with an API key of a DocSpace admin"
        )
    )]
    EmptyApiKey,
}

/// The portal: `--portal`, else DOCSPACE_URL, else `fallback` (the file's `portal:` or a saved
/// plan's portal, with a phrase naming it).
pub fn portal(
    flag: Option<&str>,
    fallback: Option<(&str, &'static str)>,
) -> Result<PortalUrl, SettingsError> {
    let (url, origin) = match (flag, env(URL_VAR), fallback) {
        (Some(url), _, _) => (url.to_string(), "--portal"),
        (None, Some(url), _) if !url.trim().is_empty() => (url, URL_VAR),
        (None, _, Some((url, origin))) => (url.to_string(), origin),
        _ => return Err(SettingsError::NoPortal),
    };
    PortalUrl::parse(&url).map_err(|source| SettingsError::BadPortal {
        origin,
        source: Box::new(source),
    })
}

/// The portal a config file points at, with `--portal` and DOCSPACE_URL taking precedence.
pub fn portal_for(flag: Option<&str>, config: &Config) -> Result<PortalUrl, SettingsError> {
    let from_file = config
        .portal
        .as_ref()
        .map(|(url, _)| (url.as_str(), "`portal:` in the file"));
    portal(flag, from_file)
}

/// The API key from the environment. Unset and blank are told apart: a pipeline passes a
/// secret that does not exist as an empty string, and "not set" would send the reader to the
/// wrong place.
pub fn api_key() -> Result<SecretString, SettingsError> {
    match env(KEY_VAR) {
        // `Client::new` trims and checks the key itself; blank is caught here for the better
        // message.
        Some(key) if !key.trim().is_empty() => Ok(SecretString::from(key)),
        Some(_) => Err(SettingsError::EmptyApiKey),
        None => Err(SettingsError::NoApiKey),
    }
}

/// The client's timeouts and retries from the flags; `events` receives what it reports.
pub fn client_options(network: &NetworkArgs, events: Option<EventSink>) -> ClientOptions {
    let defaults = ClientOptions::default();
    let millis = |name| {
        env(name)
            .and_then(|ms| ms.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
    };
    ClientOptions {
        connect_timeout: Duration::from_secs(network.connect_timeout),
        request_timeout: Duration::from_secs(network.timeout),
        retries: network.retries,
        retry_base: millis(RETRY_BASE_VAR).unwrap_or(defaults.retry_base),
        max_wait: Duration::from_secs(network.max_wait),
        throttle_unit: millis(THROTTLE_UNIT_VAR).unwrap_or(defaults.throttle_unit),
        events,
        ..defaults
    }
}

/// A client for `portal`, with the key from the environment.
pub fn client(portal: &PortalUrl, options: ClientOptions) -> Result<Client, crate::Error> {
    Ok(Client::new(portal, api_key()?, options)?)
}
