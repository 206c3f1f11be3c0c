//! `secretKey` values: the server's policy, `${VAR}` references and their resolution.
//!
//! Invariant: no error, message or `Debug` output here contains a secret's value. Errors name
//! the variable and the rule that failed; `check_secret_policy` returns only static reasons.

use secrecy::{ExposeSecret, SecretString};

use super::fields::Checker;
use super::node::{Kind, Node};
use super::{DesiredWebhook, SecretRef};

/// Why a `secretKey` could not be produced for `apply`.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SecretError {
    #[error("environment variable {var} is not set{}", of(webhook))]
    #[diagnostic(
        code(config::secret_unset),
        help("set {var} in the environment of `apply`, or change `secretKey` in the file")
    )]
    Unset {
        var: String,
        /// The webhook's label, when known (`SecretError::for_webhook` fills it in).
        webhook: Option<String>,
    },

    #[error(
        "the value of environment variable {var} is not a valid secret{}: {reason}",
        of(webhook)
    )]
    #[diagnostic(
        code(config::secret_policy),
        help("the server accepts 8 to 30 printable ASCII characters without spaces")
    )]
    Policy {
        var: String,
        webhook: Option<String>,
        reason: &'static str,
    },
}

fn of(webhook: &Option<String>) -> String {
    webhook
        .as_ref()
        .map_or_else(String::new, |w| format!(" (secretKey of '{w}')"))
}

impl SecretError {
    /// The same error, naming the webhook whose `secretKey` it is.
    pub fn for_webhook(self, label: String) -> Self {
        match self {
            SecretError::Unset { var, .. } => SecretError::Unset {
                var,
                webhook: Some(label),
            },
            SecretError::Policy { var, reason, .. } => SecretError::Policy {
                var,
                webhook: Some(label),
                reason,
            },
        }
    }
}

/// The default secret policy (docs/docspace-api.md §14): 8 to 30 characters, each printable
/// ASCII (`!` to `~`), so no spaces. A portal may demand more (digits, capitals); that is only
/// known when it answers 400.
pub fn check_secret_policy(value: &str) -> Result<(), &'static str> {
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
    /// The secret to send. `apply` resolves secrets through this before its first write;
    /// `lookup` is the environment (a closure, so tests need not touch the process's). Every
    /// value found is registered with `redact`, so no answer from outside can show it.
    pub fn resolve(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SecretString, SecretError> {
        match self {
            SecretRef::Literal(secret) => {
                crate::redact::register(secret.expose_secret());
                Ok(secret.clone())
            }
            SecretRef::Env(var) => {
                let Some(value) = lookup(var) else {
                    return Err(SecretError::Unset {
                        var: var.clone(),
                        webhook: None,
                    });
                };
                // Wrap first, so the plain copy does not outlive this block.
                let secret = SecretString::from(value);
                // Even a value the policy refuses is redacted wherever text from outside is
                // shown: it is what the user meant as a secret.
                crate::redact::register(secret.expose_secret());
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

    /// The variable a `${VAR}` reference reads, `None` for a literal.
    pub fn env_var(&self) -> Option<&str> {
        match self {
            SecretRef::Literal(_) => None,
            SecretRef::Env(var) => Some(var),
        }
    }
}

impl super::Config {
    /// Registers with `redact` every secret of the file that can be had: the literals, and each
    /// `${VAR}` that is set. `plan` never needs the values, but a webhook's last failure (what
    /// its target answered, which knows the secret) is quoted in plans, and is scrubbed of
    /// every registered secret. Unset or invalid variables are not an error here.
    pub fn register_secrets(&self, lookup: &dyn Fn(&str) -> Option<String>) {
        for secret in self.webhooks.iter().filter_map(|w| w.secret.as_ref()) {
            let _ = secret.resolve(lookup);
        }
    }
}

impl DesiredWebhook {
    /// Resolves `secretKey` if the entry has one, naming the webhook in any error.
    pub fn resolve_secret(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<SecretString>, SecretError> {
        self.secret
            .as_ref()
            .map(|s| s.resolve(lookup).map_err(|e| e.for_webhook(self.label())))
            .transpose()
    }
}

/// The loader's check of a `secretKey` in the file.
impl Checker<'_> {
    /// `secretKey:`. Labels go on the key, not the value: the value is masked in the display
    /// text anyway, and a label there would only draw the eye to it.
    pub fn secret(&mut self, key: &Node, value: &Node) -> Option<SecretRef> {
        let from_env = "keep it out of the file: `secretKey: ${MY_WEBHOOK_SECRET}` reads the environment variable MY_WEBHOOK_SECRET";
        let Kind::Str(s) = &value.kind else {
            let help = match value.kind {
                Kind::Null => "leave `secretKey` out to keep the secret the portal has",
                _ => "quote the secret, or better, read it from the environment with `${VAR}`",
            };
            let message = format!(
                "`secretKey` must be a string, found {}",
                value.kind.describe()
            );
            self.error(
                key.span,
                "config::type",
                message,
                "expected a string",
                Some(help.into()),
            );
            return None;
        };
        if let Some(var) = parse_env_ref(s) {
            return Some(SecretRef::Env(var.to_string()));
        }
        if s.contains("${") {
            self.error(
                key.span,
                "config::bad_secret_ref",
                "`secretKey` contains `${` but is not a single `${NAME}` reference".to_string(),
                "not a valid reference",
                Some("write the reference alone, e.g. `secretKey: ${BILLING_WEBHOOK_SECRET}`; a variable name has letters, digits and `_` and does not start with a digit".to_string()),
            );
            return None;
        }
        if s.strip_prefix('$')
            .is_some_and(|name| parse_env_ref(&format!("${{{name}}}")).is_some())
        {
            self.error(
                key.span,
                "config::bad_secret_ref",
                "`secretKey` looks like an environment variable written without braces".to_string(),
                "not a reference",
                Some("write `${VAR}`, with braces, to read a variable; if this is the secret itself, put it in a variable and write that".to_string()),
            );
            return None;
        }
        if let Err(reason) = check_secret_policy(s) {
            self.error(
                key.span,
                "config::secret_policy",
                format!("`secretKey` does not meet the portal's secret policy: {reason}"),
                "this secret",
                Some(format!("the portal accepts 8 to 30 printable ASCII characters without spaces; {from_env}")),
            );
            return None;
        }
        Some(SecretRef::Literal(SecretString::from(s.clone())))
    }
}
