//! `secretKey` values: the server's policy, `${VAR}` references and their resolution; a leaf
//! the loader (`checker`) asks what a valid secret and a reference are.
//!
//! Invariant: no error, message or `Debug` output here contains a secret's value. Errors name
//! the variable and the rule that failed; `check_secret_policy` returns only static reasons.

use std::env::VarError;

use secrecy::{ExposeSecret, SecretString};

/// A `secretKey` as written in the file. `Debug` shows only the variable name.
#[derive(Debug, Clone)]
pub enum SecretRef {
    /// Already checked against the server's policy.
    Literal(SecretString),
    /// `${VAR}`: read when `apply` needs it.
    Env(String),
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SecretError {
    #[error("environment variable {var} is not set{}", of(webhook.as_deref()))]
    #[diagnostic(
        code(config::secret_unset),
        help("set {var} in the environment that runs `apply`; its value is never saved in a plan")
    )]
    Unset {
        var: String,
        /// The webhook's label, when known (`for_webhook`).
        webhook: Option<String>,
    },

    #[error("environment variable {var} is set, but its value is not valid UTF-8{}", of(webhook.as_deref()))]
    #[diagnostic(
        code(config::secret_not_utf8),
        help("set {var} to the secret as text: {POLICY}")
    )]
    NotUtf8 {
        var: String,
        webhook: Option<String>,
    },

    #[error(
        "the value of environment variable {var} is not a valid secret{}: {reason}",
        of(webhook.as_deref())
    )]
    #[diagnostic(
        code(config::secret_policy),
        help("set {var} to what the server accepts: {POLICY}")
    )]
    Policy {
        var: String,
        webhook: Option<String>,
        reason: &'static str,
    },
}

/// What the server accepts as a secret, as messages tell it (`check_secret_policy`).
pub(super) const POLICY: &str = "8 to 30 printable ASCII characters without spaces";

fn of(webhook: Option<&str>) -> String {
    webhook.map_or_else(String::new, |w| format!(" (secretKey of '{w}')"))
}

impl SecretError {
    pub fn var(&self) -> &str {
        match self {
            SecretError::Unset { var, .. }
            | SecretError::NotUtf8 { var, .. }
            | SecretError::Policy { var, .. } => var,
        }
    }

    pub fn code_str(&self) -> &'static str {
        match self {
            SecretError::Unset { .. } => "config::secret_unset",
            SecretError::NotUtf8 { .. } => "config::secret_not_utf8",
            SecretError::Policy { .. } => "config::secret_policy",
        }
    }

    pub fn for_webhook(mut self, label: String) -> Self {
        let (SecretError::Unset { webhook, .. }
        | SecretError::NotUtf8 { webhook, .. }
        | SecretError::Policy { webhook, .. }) = &mut self;
        *webhook = Some(label);
        self
    }
}

/// The default secret policy (docs/docspace-api.md §14): 8 to 30 characters, each printable
/// ASCII (`!` to `~`), so no spaces. A portal may demand more (digits, capitals); that is only
/// known when it answers 400.
pub(super) fn check_secret_policy(value: &str) -> Result<(), &'static str> {
    if value.contains(' ') {
        return Err("it must not contain spaces");
    }
    if !value.chars().all(|c| ('\x21'..='\x7e').contains(&c)) {
        return Err(
            "it may contain only printable ASCII characters (letters, digits, punctuation)",
        );
    }
    match value.len() {
        0 => Err("it is empty"),
        1..8 => Err("it must be at least 8 characters long"),
        8..=30 => Ok(()),
        _ => Err("it must be at most 30 characters long"),
    }
}

/// `Some(NAME)` when `value` is exactly `${NAME}` with NAME `[A-Za-z_][A-Za-z0-9_]*`.
pub fn parse_env_ref(value: &str) -> Option<&str> {
    let name = value.strip_prefix("${")?.strip_suffix('}')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    let valid = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(name)
}

impl SecretRef {
    pub fn var(&self) -> Option<&str> {
        match self {
            SecretRef::Env(var) => Some(var),
            SecretRef::Literal(_) => None,
        }
    }

    /// The secret to send; `lookup` is the environment (a closure, so tests need not touch the
    /// process's). Every value found is registered with `redact`, so no answer from outside can
    /// show it. A value that is not UTF-8 is told apart from an unset variable, and never kept.
    pub fn resolve(
        &self,
        lookup: &dyn Fn(&str) -> Result<String, VarError>,
    ) -> Result<SecretString, SecretError> {
        match self {
            SecretRef::Literal(secret) => {
                crate::redact::register(secret.expose_secret(), "a secretKey written in the file");
                Ok(secret.clone())
            }
            SecretRef::Env(var) => {
                let value = lookup(var).map_err(|e| {
                    let (var, webhook) = (var.clone(), None);
                    match e {
                        VarError::NotPresent => SecretError::Unset { var, webhook },
                        VarError::NotUnicode(_) => SecretError::NotUtf8 { var, webhook },
                    }
                })?;
                // Wrap first, so the plain copy does not outlive this block.
                let secret = SecretString::from(value);
                // Even a value the policy refuses is redacted wherever text from outside is
                // shown: it is what the user meant as a secret.
                let source = format!("the secretKey from environment variable {var}");
                crate::redact::register(secret.expose_secret(), &source);
                check_secret_policy(secret.expose_secret()).map_err(|reason| {
                    SecretError::Policy {
                        var: var.clone(),
                        webhook: None,
                        reason,
                    }
                })?;
                Ok(secret)
            }
        }
    }
}
