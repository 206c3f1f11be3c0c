//! A secret that `apply` could not resolve, shown where the file asks for it: the same error as
//! for a saved plan (`SecretError`), plus the snippet every other file error has, and a help
//! that may point at the file.

use super::desired::{Config, DesiredWebhook, Key};
use super::problem::{Problem, problem_at};
use super::secret::{SecretError, SecretRef};

impl Config {
    /// `error` pointing at the `secretKey` of the entry that asks for its variable for the
    /// webhook `id`/`name` (the one whose key names it, else the first that reads the
    /// variable). `None` when no entry reads it.
    pub fn secret_problem(
        &self,
        error: &SecretError,
        id: Option<i32>,
        name: &str,
    ) -> Option<Problem> {
        let var = error.var();
        let reads = |w: &&DesiredWebhook| matches!(&w.secret, Some(SecretRef::Env(v)) if v == var);
        let names = |w: &&DesiredWebhook| match &w.key {
            Key::Id(key) => Some(*key) == id,
            Key::Name(key) => key == name,
        };
        let entry = self
            .webhooks
            .iter()
            .filter(reads)
            .find(names)
            .or_else(|| self.webhooks.iter().find(reads))?;
        let (label, help) = match error {
            SecretError::Unset { .. } => (
                format!("{var} is read here"),
                format!(
                    "set {var} in the environment that runs `apply`, or change `secretKey` here"
                ),
            ),
            SecretError::Policy { .. } => (
                format!("{var} is read here"),
                format!(
                    "set {var} to what the server accepts (8 to 30 printable ASCII characters \
                     without spaces), or change `secretKey` here"
                ),
            ),
        };
        Some(problem_at(
            &self.source,
            entry.secret_span?,
            error.code_str(),
            error.to_string(),
            label,
            Some(help),
        ))
    }
}
