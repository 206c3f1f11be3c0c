//! Raw flags and the environment become checked settings before any work starts: the colour
//! (`Color`), then, for the commands that talk to a portal, `Settings` (docs/contributing.md).
//! The only module that reads the process environment, so what the tool depends on is visible
//! in one place: the constants below, the `${VAR}`s of secrets and `--secret-env`'s variable.

use std::env::VarError;
use std::io::IsTerminal;
use std::time::Duration;

use anstream::ColorChoice;
use secrecy::SecretString;

use crate::api::{ApiError, ClientOptions, PortalUrl};
use crate::cli::PortalArgs;
use crate::config::KEY_VAR;

pub const URL_VAR: &str = "DOCSPACE_URL";
/// Milliseconds of the first retry backoff. Undocumented: for tests, which cannot wait seconds
/// per retry. Unset or not a number: the default (500 ms).
pub const RETRY_BASE_VAR: &str = "DOCSPACE_WEBHOOKS_RETRY_BASE_MS";
/// Milliseconds that one second of a throttled pause (`Retry-After`) really lasts. Undocumented:
/// for tests, as `Retry-After` comes in whole seconds. Budgets and messages keep the portal's
/// seconds. Unset or not a number: a second.
pub const THROTTLE_UNIT_VAR: &str = "DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS";

pub const TEST_PANIC_VAR: &str = "DOCSPACE_WEBHOOKS_TEST_PANIC";

/// In a debug build with DOCSPACE_WEBHOOKS_TEST_PANIC set, panics: with a literal message when
/// the value is `literal`, else with the value inside a message built at run time (as a panic
/// quoting a secret would be). A test binary's way to a panic; release builds have none.
pub fn test_panic() {
    if !cfg!(debug_assertions) {
        return;
    }
    match env(TEST_PANIC_VAR).ok().as_deref() {
        None => {}
        Some("literal") => panic!("a test panic with a literal message"),
        Some(value) => panic!("a test panic carrying {value}"),
    }
}

/// Debug builds only: unix seconds that `status` takes for now, so tests see fixed windows.
pub const TEST_NOW_VAR: &str = "DOCSPACE_WEBHOOKS_TEST_NOW";

pub fn now() -> std::time::SystemTime {
    let fixed = cfg!(debug_assertions)
        .then(|| env(TEST_NOW_VAR).ok()?.parse::<u64>().ok())
        .flatten();
    fixed.map_or_else(std::time::SystemTime::now, |secs| {
        std::time::UNIX_EPOCH + Duration::from_secs(secs)
    })
}

/// Reads one environment variable. Unset and set-but-not-UTF-8 are told apart (issue 19:
/// "not set" sent the reader to the wrong place); whoever matches `NotUnicode` drops the raw
/// value it carries, never shows it.
#[expect(
    clippy::disallowed_methods,
    reason = "this module is the one reader of the environment"
)]
pub fn env(name: &str) -> Result<String, VarError> {
    std::env::var(name)
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SettingsError {
    #[error("no portal to talk to")]
    #[diagnostic(
        code(settings::no_portal),
        help(
            "pass --portal https://yourportal.onlyoffice.com, set {URL_VAR}, or add `portal:` to the webhook file (`export` reads one only with -f)"
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

    #[error("{var} is set, but its value is not valid UTF-8")]
    #[diagnostic(code(settings::not_utf8), help("{help}"))]
    NotUtf8 { var: String, help: &'static str },

    #[error("{var} is not set")]
    #[diagnostic(
        code(settings::no_portal_key),
        help(
            "the portal's `apiKey` in the file reads its API key from {var}: set it to an API key of a DocSpace admin of that portal"
        )
    )]
    NoPortalKey { var: String },

    #[error("{var} is empty")]
    #[diagnostic(
        code(settings::empty_portal_key),
        help(
            "the portal's `apiKey` in the file reads its API key from {var}, which is set but holds no key; a pipeline passes a secret that is not defined as an empty string"
        )
    )]
    EmptyPortalKey { var: String },

    #[error("{origin} names {pinned}, but {given_origin} names {given}; nothing was contacted")]
    #[diagnostic(code(settings::other_portal))]
    OtherPortal {
        pinned: String,
        origin: &'static str,
        given: String,
        given_origin: &'static str,
        /// What may be given instead: a file's portal is its own; a saved plan's, where the
        /// file names none, must be given again (`commands::portals`).
        #[help]
        help: String,
    },

    #[error(
        "--secret-env takes the name of an environment variable, and what was given is not one"
    )]
    #[diagnostic(
        code(settings::secret_env_name),
        help(
            "pass the name of the variable that holds the secret (letters, digits and `_`), e.g. `--secret-env WEBHOOK_SECRET`; what was given is not shown, in case it is the secret itself"
        )
    )]
    SecretEnvName,

    #[error(
        "the variable --secret-env names is not set; its name is not shown, in case it is the secret itself"
    )]
    #[diagnostic(
        code(settings::no_secret),
        help(
            "give --secret-env the variable's name, not the secret, and set that variable to the webhook's secret key; it is never read from the command line"
        )
    )]
    NoSecret,

    #[error("{var} is empty")]
    #[diagnostic(
        code(settings::empty_secret),
        help(
            "{var} is set but holds no secret; a pipeline passes a secret that is not defined as an empty string"
        )
    )]
    EmptySecret { var: String },

    #[error("--portal is given more than once, but only a `portals:` file has portals to select")]
    #[diagnostic(
        code(settings::several_portals),
        help("repeat --portal only with a `portals:` file, where it selects portals by name")
    )]
    SeveralPortals,
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
    pub fn decide(when: clap::ColorChoice) -> Color {
        let choice = match when {
            clap::ColorChoice::Auto => ColorChoice::Auto,
            clap::ColorChoice::Always => ColorChoice::Always,
            clap::ColorChoice::Never => ColorChoice::Never,
        };
        choice.write_global();
        Color {
            stdout: crate::render::style::stdout_colored(),
            stderr: anstream::AutoStream::choice(&std::io::stderr()) != ColorChoice::Never,
            stderr_terminal: std::io::stderr().is_terminal(),
        }
    }
}

/// What the flags and the environment say about a run that talks to a portal, checked once the
/// file says what they mean: `one_portal` and DOCSPACE_API_KEY for `portal:`, names and each
/// portal's key variable for `portals:`. Commands read neither the environment nor these flags.
#[derive(Debug)]
pub struct Settings {
    pub color: Color,
    /// `--portal`, as given: a URL (`one_portal`) or, with a `portals:` file, the names of the
    /// portals to work on (empty: all).
    pub portal: Vec<String>,
    /// Timeouts, retries and waits; the event sink and the stop switch are the command's.
    pub network: ClientOptions,
    /// `-v`: every request is told on stderr, not only retries and waits.
    pub verbose: bool,
}

impl Settings {
    /// Takes the flags, and the test-only waits; nothing is checked until the file says what
    /// they mean.
    pub fn resolve(args: &PortalArgs, color: Color) -> Settings {
        let (network, defaults) = (&args.network, ClientOptions::default());
        let millis = |name| {
            env(name)
                .ok()
                .and_then(|ms| ms.trim().parse::<u64>().ok())
                .map(Duration::from_millis)
        };
        Settings {
            color,
            portal: args.portal.clone(),
            network: ClientOptions {
                connect_timeout: Duration::from_secs(network.connect_timeout),
                request_timeout: Duration::from_secs(network.timeout),
                retries: network.retries,
                retry_base: millis(RETRY_BASE_VAR).unwrap_or(defaults.retry_base),
                max_wait: Duration::from_secs(network.max_wait),
                throttle_unit: millis(THROTTLE_UNIT_VAR).unwrap_or(defaults.throttle_unit),
                ..defaults
            },
            verbose: network.verbose,
        }
    }

    /// The one portal of a run: `pinned` (the file's `portal:` or a saved plan's portal, with
    /// a phrase naming it) when there is one, which `--portal` or DOCSPACE_URL may repeat but
    /// never change; else the one `--portal` or DOCSPACE_URL gives.
    pub fn one_portal(
        &self,
        pinned: Option<(&str, &'static str)>,
    ) -> Result<PortalUrl, SettingsError> {
        let given = match (self.portal.as_slice(), env(URL_VAR)) {
            ([], Ok(url)) if !url.trim().is_empty() => Some((url, URL_VAR)),
            ([], Err(VarError::NotUnicode(_))) => {
                return Err(SettingsError::NotUtf8 {
                    var: URL_VAR.to_string(),
                    help: "set it to the portal's address, e.g. https://portal.example.com",
                });
            }
            ([], _) => None,
            ([url], _) => Some((url.clone(), "--portal")),
            ([..], _) => return Err(SettingsError::SeveralPortals),
        };
        let given = given
            .map(|(url, origin)| check_portal(&url, origin).map(|u| (u, origin)))
            .transpose()?;
        let Some((url, origin)) = pinned else {
            return given.map(|(given, _)| given).ok_or(SettingsError::NoPortal);
        };
        let pinned = check_portal(url, origin)?;
        match given {
            Some((given, given_origin)) if given.identity() != pinned.identity() => {
                let (pinned, given) = (pinned.as_str().to_string(), given.as_str().to_string());
                let help = if origin == crate::plan::saved::RECORDED {
                    format!(
                        "the file names no portal, so the plan applies only to the one it was \
                         made for: give {pinned} ({given_origin} set to it), or run `plan --out` \
                         again for {given} and review that plan"
                    )
                } else {
                    format!(
                        "the file is the reviewed truth: {given_origin} may repeat its portal but \
                         never change it. Use the file made for {given}, or leave out \
                         {given_origin}"
                    )
                };
                Err(SettingsError::OtherPortal {
                    pinned,
                    origin,
                    given,
                    given_origin,
                    help,
                })
            }
            _ => Ok(pinned),
        }
    }

    /// The API key of one portal, from `var` (DOCSPACE_API_KEY, or a portal's `apiKey`). Unset
    /// and blank are told apart: a pipeline passes a secret that does not exist as "".
    pub fn key(&self, var: &str) -> Result<SecretString, SettingsError> {
        let var = var.to_string();
        match env(&var) {
            // `Client::new` trims and checks the key itself; blank is caught here for the
            // better message.
            Ok(key) if !key.trim().is_empty() => Ok(SecretString::from(key)),
            Ok(_) if var == KEY_VAR => Err(SettingsError::EmptyApiKey),
            Err(VarError::NotPresent) if var == KEY_VAR => Err(SettingsError::NoApiKey),
            Ok(_) => Err(SettingsError::EmptyPortalKey { var }),
            Err(VarError::NotPresent) => Err(SettingsError::NoPortalKey { var }),
            Err(VarError::NotUnicode(_)) => Err(SettingsError::NotUtf8 {
                var,
                help: "set it to the API key (`sk-...`) of a DocSpace admin, as plain text",
            }),
        }
    }
}

/// A webhook's secret key from the variable `var` names (`verify-signature --secret-env`).
/// `var` is checked to be a variable's name first: a secret given in its place is then refused
/// without being shown, in most cases, rather than echoed as a variable that is not set.
pub fn webhook_secret(var: &str) -> Result<SecretString, SettingsError> {
    // The file's rule for a variable's name, the one `${VAR}` obeys.
    if crate::config::parse_env_ref(&format!("${{{var}}}")).is_none() {
        return Err(SettingsError::SecretEnvName);
    }
    let var = var.to_string();
    match env(&var) {
        Ok(secret) if !secret.is_empty() => Ok(SecretString::from(secret)),
        Ok(_) => Err(SettingsError::EmptySecret { var }),
        // A secret can be name-shaped (`TestSecret1`, base32's `JBSWY3DP...`), and one given
        // in the name's place is unset: the name is not shown.
        Err(VarError::NotPresent) => Err(SettingsError::NoSecret),
        Err(VarError::NotUnicode(_)) => Err(SettingsError::NotUtf8 {
            var,
            help: "set it to the webhook's secret key, as plain text",
        }),
    }
}

fn check_portal(url: &str, origin: &'static str) -> Result<PortalUrl, SettingsError> {
    PortalUrl::parse(url).map_err(|source| SettingsError::BadPortal {
        origin,
        source: Box::new(source),
    })
}
