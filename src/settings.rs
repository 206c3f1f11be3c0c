//! Raw flags and the environment become checked settings before any work starts: the colour
//! decision (`Color`), then, for the commands that talk to the portal, one `Settings` value
//! (portal, API key, network options), completed from the file when the portal comes from
//! there.
//!
//! This is the only module that reads the process environment, so what the tool depends on is
//! visible in one place: DOCSPACE_URL, DOCSPACE_API_KEY, the `${VAR}`s of secrets, the hidden
//! DOCSPACE_WEBHOOKS_RETRY_BASE_MS and DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS that let tests retry
//! and obey `Retry-After` without waiting, and, in debug builds only,
//! DOCSPACE_WEBHOOKS_TEST_PANIC, with which tests prove what a panic shows.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use anstream::ColorChoice;
use secrecy::{ExposeSecret, SecretString};

use crate::api::{ApiError, Client, ClientOptions, EventSink, PortalUrl};
use crate::cli::{ColorWhen, NetworkArgs, PortalArgs};
use crate::config::Config;
use crate::halt::Halt;

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
#[expect(
    clippy::disallowed_methods,
    reason = "this module is the one reader of the environment"
)]
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

/// How output is coloured: decided once, before anything is written.
#[derive(Debug, Clone, Copy)]
pub struct Color {
    /// Whether stdout keeps its colours; the text plan is laid out for the answer.
    pub stdout: bool,
    pub stderr: bool,
    /// Whether stderr is a terminal: diagnostics are wrapped and show their codes only there.
    pub stderr_terminal: bool,
}

impl Color {
    /// Decides from `--color` (and, for `auto`, the terminal, NO_COLOR and CLICOLOR_FORCE, as
    /// anstream reads them), and makes it the choice of every anstream stream of the process.
    pub fn decide(when: ColorWhen) -> Color {
        let choice = match when {
            ColorWhen::Auto => ColorChoice::Auto,
            ColorWhen::Always => ColorChoice::Always,
            ColorWhen::Never => ColorChoice::Never,
        };
        choice.write_global();
        Color {
            stdout: crate::render::style::stdout_colored(),
            stderr: anstream::AutoStream::choice(&std::io::stderr()) != ColorChoice::Never,
            stderr_terminal: std::io::stderr().is_terminal(),
        }
    }
}

/// Everything the flags and the environment say about a run that talks to the portal: checked
/// once, before the work starts, then completed from the file or the saved plan, which may
/// name the portal (`portal`). Commands take what they need from here and read neither the
/// environment nor the flags these come from.
#[derive(Debug)]
pub struct Settings {
    pub color: Color,
    /// `--portal`, else DOCSPACE_URL, checked; `None` when neither is given.
    portal: Option<PortalUrl>,
    api_key: SecretString,
    /// Timeouts, retries and waits. No event sink and the default stop switch: what the
    /// client reports and who stops the run are the command's (`client`).
    network: ClientOptions,
    /// `-v`: every request is told on stderr, not only retries and waits.
    pub verbose: bool,
}

impl Settings {
    /// Checks the portal given by `--portal` or DOCSPACE_URL, if any, then the API key.
    pub fn resolve(args: &PortalArgs, color: Color) -> Result<Settings, SettingsError> {
        let given = match (args.portal.as_deref(), env(URL_VAR)) {
            (Some(url), _) => Some((url.to_string(), "--portal")),
            (None, Some(url)) if !url.trim().is_empty() => Some((url, URL_VAR)),
            _ => None,
        };
        let portal = given
            .map(|(url, origin)| check_portal(&url, origin))
            .transpose()?;
        Ok(Settings {
            color,
            portal,
            api_key: api_key()?,
            network: client_options(&args.network),
            verbose: args.network.verbose,
        })
    }

    /// The portal: the one given by `--portal` or DOCSPACE_URL, else `fallback` (the file's
    /// `portal:` or a saved plan's portal, with a phrase naming it).
    pub fn portal(
        &self,
        fallback: Option<(&str, &'static str)>,
    ) -> Result<PortalUrl, SettingsError> {
        match (&self.portal, fallback) {
            (Some(portal), _) => Ok(portal.clone()),
            (None, Some((url, origin))) => check_portal(url, origin),
            (None, None) => Err(SettingsError::NoPortal),
        }
    }

    /// The portal a config file points at, with `--portal` and DOCSPACE_URL taking precedence.
    pub fn portal_for(&self, config: &Config) -> Result<PortalUrl, SettingsError> {
        let from_file = config
            .portal
            .as_ref()
            .map(|(url, _)| (url.as_str(), "`portal:` in the file"));
        self.portal(from_file)
    }

    /// A client for `portal` with the key and the network settings; `events` receives what it
    /// reports, and `halt` stops it.
    pub fn client(
        &self,
        portal: &PortalUrl,
        events: EventSink,
        halt: Arc<Halt>,
    ) -> Result<Client, ApiError> {
        let options = ClientOptions {
            events: Some(events),
            halt,
            ..self.network.clone()
        };
        let key = SecretString::from(self.api_key.expose_secret());
        Client::new(portal, key, options)
    }

    /// The value of a `${VAR}` a secret in the file names; unset or not UTF-8: `None`. Read
    /// when asked: which variables matter is known only once the file is read.
    pub fn var(&self, name: &str) -> Option<String> {
        env(name)
    }
}

fn check_portal(url: &str, origin: &'static str) -> Result<PortalUrl, SettingsError> {
    PortalUrl::parse(url).map_err(|source| SettingsError::BadPortal {
        origin,
        source: Box::new(source),
    })
}

/// The API key from the environment. Unset and blank are told apart: a pipeline passes a
/// secret that does not exist as an empty string, and "not set" would send the reader to the
/// wrong place.
fn api_key() -> Result<SecretString, SettingsError> {
    match env(KEY_VAR) {
        // `Client::new` trims and checks the key itself; blank is caught here for the better
        // message.
        Some(key) if !key.trim().is_empty() => Ok(SecretString::from(key)),
        Some(_) => Err(SettingsError::EmptyApiKey),
        None => Err(SettingsError::NoApiKey),
    }
}

/// The client's timeouts and retries from the flags, and the test-only waits.
fn client_options(network: &NetworkArgs) -> ClientOptions {
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
        ..defaults
    }
}
