//! The secrets a plan sends, resolved from the environment before the first write, and the
//! errors when they cannot be: every one at once, located in the file when there is one.

use secrecy::SecretString;

use crate::config::{Config, Problem, SecretError};
use crate::plan::Plan;

/// Every secret the plan sends, resolved, indexed like `Plan::changes`.
pub struct Secrets(pub(super) Vec<Option<SecretString>>);

/// Secrets that could not be resolved, all of them, so one run shows every variable to set.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{} secret(s) could not be resolved; nothing was written", problems.len())]
#[diagnostic(code(apply::secrets))]
pub struct SecretsError {
    #[related]
    pub problems: Vec<SecretProblem>,
}

/// One secret that could not be resolved: located at the `secretKey` of the file that asks for
/// it, or as the environment alone tells it when the file has none to point at.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SecretProblem {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Unlocated(SecretError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    InFile(Problem),
}

/// Resolves the secret of every change that sends one. `lookup` reads the environment. Each
/// error is shown at the `secretKey` in `config`, the file `plan` was made from, with the
/// snippet every other file error has.
pub fn resolve_secrets(
    plan: &Plan,
    config: &Config,
    lookup: &dyn Fn(&str) -> Result<String, std::env::VarError>,
) -> Result<Secrets, SecretsError> {
    let mut problems = Vec::new();
    let resolved = plan
        .changes
        .iter()
        .map(|change| {
            change
                .secret()?
                .resolve(lookup)
                .map_err(|e| {
                    let e = e.for_webhook(crate::redact::mask_credentials(change.name()));
                    problems.push(
                        match config.secret_problem(&e, change.id(), change.name()) {
                            Some(located) => SecretProblem::InFile(located),
                            None => SecretProblem::Unlocated(e),
                        },
                    );
                })
                .ok()
        })
        .collect();
    if problems.is_empty() {
        Ok(Secrets(resolved))
    } else {
        Err(SecretsError { problems })
    }
}
