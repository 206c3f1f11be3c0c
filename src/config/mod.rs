//! Stage 1 of the data flow: read the YAML file into the desired state.
//!
//! Everything that can be known without the portal is checked here, and every problem in a file
//! is reported at once, each pointing at the offending value. Nothing downstream re-validates:
//! a `Config` that exists is well-formed. Secrets stay unresolved (`SecretRef`) so that `plan`
//! and `validate` never need their values; `apply` resolves them before its first write.

use std::sync::Arc;

use miette::{NamedSource, SourceSpan};
use secrecy::SecretString;

use crate::triggers::TriggerSet;

/// The desired state read from one file.
#[derive(Debug)]
pub struct Config {
    /// The file's text and display name, kept so later stages (the planner's matching errors)
    /// can point into the file too.
    pub source: Arc<NamedSource<String>>,
    /// `portal:` from the file, with where it stands.
    pub portal: Option<(String, SourceSpan)>,
    /// In file order.
    pub webhooks: Vec<DesiredWebhook>,
}

/// How an entry is keyed in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A string key: the webhook's name. Created when no live webhook has it.
    Name(String),
    /// An integer key: an existing webhook's id.
    Id(i32),
}

/// One entry under `webhooks:`. A field that is `None` is not managed: the live value is kept.
#[derive(Debug)]
pub struct DesiredWebhook {
    pub key: Key,
    /// The key in the file, for diagnostics.
    pub span: SourceSpan,
    /// `name:`, only allowed under an id key (it renames the webhook).
    pub name: Option<String>,
    pub uri: Option<String>,
    pub secret: Option<SecretRef>,
    pub enabled: Option<bool>,
    pub ssl: Option<bool>,
    pub triggers: Option<TriggerSet>,
    /// `Some("")` means "no target" (null, `~` and `""` in the file all become this).
    pub target_id: Option<String>,
}

/// A `secretKey` as written in the file. Never printed: `Debug` shows only the variable name.
#[derive(Debug, Clone)]
pub enum SecretRef {
    /// A literal value, already checked against the server's policy.
    Literal(SecretString),
    /// `${VAR}`: read from the environment when `apply` needs it.
    Env(String),
}
mod stub;
pub use stub::*;
