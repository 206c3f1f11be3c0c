//! Stage 1 of the data flow: read the YAML file into the desired state.
//!
//! Everything that can be known without the portal is checked here, and every problem in a file
//! is reported at once, each pointing at the offending value. Nothing downstream re-validates:
//! a `Config` that exists is well-formed. Secrets stay unresolved (`SecretRef`) so that `plan`
//! and `validate` never need their values; `apply` resolves them before its first write.
//!
//! The loader reads in two passes: `node` turns the YAML into a loose tree of spanned nodes
//! (only YAML-level errors stop it, see `parse_error`), then `validate`, `entry` and `fields`
//! check the shape by hand and collect every problem. `mask` makes the copy of the text that
//! diagnostics show, with secrets masked (found by `sensitive`), so no rendered problem ever
//! prints one; a file that does not parse and may hold a secret is reported without its lines.
//!
//! Decisions where the file format leaves room:
//! - A key under `webhooks` is an id only when it is a plain YAML integer; a quoted `"9846"`
//!   is a name, as YAML says (`Config::warnings` points it out).
//! - `triggers` is a list; the only scalar accepted is `"*"` (or `All`). An empty list is an
//!   error, because the portal would read it as every event.
//! - Booleans are YAML 1.2 (`true`/`false`); `yes`/`no`/`on`/`off` are strings, so
//!   `enabled: yes` is an error and a webhook may be named `no`.
//! - `targetId: 42` (a plain integer) is taken as the string `"42"`, exactly as written.
//! - `uri` and `portal` are kept as written (not normalised by the URL parser), so they
//!   compare equal to what the portal stores.

mod entry;
mod fields;
mod lookalike;
mod mask;
mod node;
mod parse_error;
mod problem;
pub mod schema;
mod secret;
mod sensitive;
#[cfg(test)]
mod tests;
mod validate;

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};
use secrecy::SecretString;

use crate::triggers::TriggerSet;

pub use problem::{ConfigError, MAX_FILE_BYTES, Problem, problem_at, shell_word};
pub use secret::{SecretError, check_secret_policy, parse_env_ref};

/// Reads and checks the file at `path`. The file's display name in diagnostics is the path as
/// given.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let io = |source| ConfigError::io(path, source);
    let file = std::fs::File::open(path).map_err(io)?;
    // Read at most one byte past the limit, so a huge file or an endless one (a FIFO,
    // /dev/zero) is refused without being read whole.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let name = path.display().to_string();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        // A device or FIFO reports a length of 0; what was read is the honest lower bound.
        let size = std::fs::metadata(path)
            .map_or(0, |m| m.len())
            .max(bytes.len() as u64);
        return Err(too_large(name, size));
    }
    match String::from_utf8(bytes) {
        Ok(text) => load_str(&text, &name),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes());
            // The lossy copy has U+FFFD where the first bad byte was.
            let failure = parse_error::ParseFailure {
                span: SourceSpan::from(at..at + '\u{FFFD}'.len_utf8()),
                code: "config::encoding",
                message: "the file is not UTF-8 text".to_string(),
                label: "not UTF-8".to_string(),
                help: Some("save the file as UTF-8".to_string()),
            };
            Err(unparsed(parse_error::clean(&name), &text, failure))
        }
    }
}

/// Checks `text` as the content of a webhook file called `display_name` in diagnostics.
pub fn load_str(text: &str, display_name: &str) -> Result<Config, ConfigError> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(display_name.to_string(), text.len() as u64));
    }
    // The name is printed in every diagnostic's header.
    let display_name = parse_error::clean(display_name);
    let tree = match node::parse(text) {
        Ok(tree) => tree,
        Err(failure) => return Err(unparsed(display_name, text, failure)),
    };
    let source = Arc::new(NamedSource::new(
        display_name,
        mask::display_text(text, &tree),
    ));
    validate::build(&tree, text, &source).map_err(ConfigError::from_problems)
}

/// The error for a file that could not be read as YAML. Its values cannot be located, so when
/// it may hold a secret none of its lines is shown (nor any text the parser quoted from it),
/// and the message says where instead.
fn unparsed(display_name: String, text: &str, failure: parse_error::ParseFailure) -> ConfigError {
    let problem = match mask::display_unparsed(text) {
        Some(display) => problem_at(
            &Arc::new(NamedSource::new(display_name, display)),
            failure.span,
            failure.code,
            failure.message,
            failure.label,
            failure.help,
        ),
        None => {
            let (line, column) = parse_error::line_column(text, failure.span.offset());
            let message = format!(
                "{} (at {display_name}:{line}:{column})",
                parse_error::unquoted(&failure.message)
            );
            let why = "the file's lines are not shown: it may hold a secret or credentials, which \
                       cannot be told apart from the rest in a file that does not parse";
            let help = match failure.help {
                Some(help) => format!("{help}\n{why}"),
                None => why.to_string(),
            };
            let source = Arc::new(NamedSource::new(display_name, mask::blanked(text)));
            problem_at(
                &source,
                failure.span,
                failure.code,
                message,
                failure.label,
                Some(help),
            )
            .without_snippet()
        }
    };
    ConfigError::from_problems(vec![problem])
}

fn too_large(name: String, size: u64) -> ConfigError {
    ConfigError::TooLarge {
        name,
        size,
        limit: MAX_FILE_BYTES,
    }
}

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

impl Config {
    /// Things that load but deserve a second look: a literal `secretKey` (it belongs in the
    /// environment), a uri whose host has look-alike (non-ASCII) characters, a quoted number
    /// used as a name. Each is a `Problem` of severity warning.
    pub fn warnings(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for w in &self.webhooks {
            if let Some(SecretRef::Literal(_)) = w.secret {
                out.push(problem_at(
                    &self.source,
                    w.span,
                    "config::literal_secret",
                    format!("the secretKey of '{}' is written in the file", w.label()),
                    "secret written literally in this entry".to_string(),
                    Some("read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`".to_string()),
                ).warning());
            }
            out.extend(lookalike::lookalike_uri(self, w));
            if let Key::Name(name) = &w.key
                && name.parse::<i32>().is_ok()
            {
                out.push(
                    problem_at(
                        &self.source,
                        w.span,
                        "config::quoted_id",
                        format!("\"{name}\" is quoted, so it is a webhook name, not an id"),
                        "a name".to_string(),
                        Some(format!(
                            "write {name} without quotes to manage the webhook with that id"
                        )),
                    )
                    .warning(),
                );
            }
        }
        out
    }

    /// The error the planner reports when `webhook` matches no live webhook and so would be
    /// created, but lacks what creating needs (`DesiredWebhook::missing_for_create`).
    /// `None` when nothing is missing.
    pub fn missing_for_create_problem(&self, webhook: &DesiredWebhook) -> Option<Problem> {
        let missing = webhook.missing_for_create();
        if missing.is_empty() {
            return None;
        }
        let list = missing
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        Some(problem_at(
            &self.source,
            webhook.span,
            "config::missing_for_create",
            format!(
                "'{}' is not on the portal, and creating it needs {list}",
                webhook.label()
            ),
            "no live webhook has this name".to_string(),
            Some(
                "add the missing settings, or fix the name to match the webhook on the portal"
                    .to_string(),
            ),
        ))
    }
}

impl DesiredWebhook {
    /// How messages name the entry: its name, or `#id` for an id key.
    pub fn label(&self) -> String {
        match &self.key {
            Key::Name(name) => name.clone(),
            Key::Id(id) => format!("#{id}"),
        }
    }

    /// The settings creating a webhook needs that this entry leaves out (`uri`, `secretKey`).
    /// Whether the entry will be created is only known once the live list is matched, so the
    /// loader does not require them; the planner asks this for entries it would create.
    pub fn missing_for_create(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.uri.is_none() {
            missing.push("uri");
        }
        if self.secret.is_none() {
            missing.push("secretKey");
        }
        missing
    }
}
