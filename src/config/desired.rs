//! The desired state a file describes: `Config` and its `DesiredWebhook`s, as the loader
//! builds them and the planner reads them.
//!
//! Invariant: a `Config` that exists is well-formed; nothing downstream re-validates it. A
//! field that is `None` is not managed. Secrets stay unresolved (`SecretRef`) until `apply`
//! asks for them.

use std::sync::Arc;

use miette::SourceSpan;

use super::display::Source;

use super::problem::{Problem, problem_at};
use super::secret::SecretRef;
use crate::triggers::TriggerSet;

/// The desired state read from one file.
#[derive(Debug)]
pub struct Config {
    /// The file's text and display name, kept so later stages (the planner's matching errors)
    /// can point into the file too.
    pub source: Arc<Source>,
    /// `portal:` from the file, with where it stands.
    pub portal: Option<(String, SourceSpan)>,
    /// In file order.
    pub webhooks: Vec<DesiredWebhook>,
    /// `prune: { maxDeletes: N }`: the deletion limit, reviewed with the file. It does not
    /// turn pruning on; `--max-deletes` wins over it.
    pub max_deletes: Option<usize>,
}

/// What a file describes: its portals. A `portal:` file (or one without a portal, which the
/// command line or the environment then names) is one portal without a name; a `portals:` file
/// names each, its desired state resolved from the shared entries (after `only:`) overlaid by
/// its own.
#[derive(Debug)]
pub struct Document {
    pub source: Arc<Source>,
    /// In file order; at least one.
    pub portals: Vec<Portal>,
    /// Every entry as the file writes it (shared ones and each portal's own, before any
    /// overlay), in file order: what the warnings are about, each written thing once.
    pub written: Vec<DesiredWebhook>,
}

/// One portal of a file.
#[derive(Debug)]
pub struct Portal {
    /// The key under `portals:` (letters, digits, `.`, `_`, `-`): how `--portal NAME`, the
    /// output's sections and `only:` name it; `None` for the one portal of a `portal:` file.
    pub name: Option<String>,
    /// The variable its API key is read from: `apiKey: ${VAR}` under `portals:`, else
    /// DOCSPACE_API_KEY; the key itself is never in the file.
    pub api_key_var: String,
    /// What this portal should carry (its merged list, docs/file-format.md). `config.portal` is
    /// its `url:` (always `Some` under `portals:`); `max_deletes` is the portal's `prune:`, else
    /// the top level's.
    pub config: Config,
}

/// How an entry is keyed in the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A string key: the webhook's name. Created when no live webhook has it.
    Name(String),
    /// An integer key: an existing webhook's id.
    Id(i32),
}

/// One entry under `webhooks:`. A field that is `None` is not managed: the live value is kept.
/// One member per `Field`, set by the loader's entry check (`entry`); the planner turns it into
/// a `field::Webhook` in one place (`plan::diff::merged`).
#[derive(Debug, Clone)]
pub struct DesiredWebhook {
    pub key: Key,
    /// The key in the file, for diagnostics.
    pub span: SourceSpan,
    /// `name:`, only allowed under an id key (it renames the webhook).
    pub name: Option<String>,
    /// The uri as written, or for `uri: ${VAR}` the variable's value once `plan` or `apply` has
    /// read it (`Document::resolve_uris`); `None` until then.
    pub uri: Option<String>,
    /// `uri: ${VAR}`: the variable. Such a uri is sensitive (a receiver may authenticate by
    /// it): no output shows it.
    pub uri_var: Option<String>,
    /// Where `uri`'s value is written.
    pub uri_span: Option<SourceSpan>,
    pub secret: Option<SecretRef>,
    /// Where `secretKey`'s value is written, for the errors of resolving it at `apply`.
    pub secret_span: Option<SourceSpan>,
    pub enabled: Option<bool>,
    pub ssl: Option<bool>,
    pub triggers: Option<TriggerSet>,
    /// `Some("")` means "no target" (null, `~` and `""` in the file all become this).
    pub target_id: Option<String>,
}

impl Config {
    /// The error the planner reports when `webhook` matches no live webhook and so would be
    /// created, but leaves out what creating needs (`uri`, `secretKey`); `None` when nothing is
    /// missing. Whether an entry will be created is only known once the live list is matched,
    /// so the loader does not require them.
    pub fn missing_for_create_problem(&self, webhook: &DesiredWebhook) -> Option<Problem> {
        let uri = webhook.uri.is_none() && webhook.uri_var.is_none();
        let list = match (uri, webhook.secret.is_none()) {
            (false, false) => return None,
            (true, false) => "`uri`",
            (false, true) => "`secretKey`",
            (true, true) => "`uri` and `secretKey`",
        };
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

impl Portal {
    /// The portal's `url:` as the file writes it (every portal under `portals:` has one).
    pub fn url(&self) -> &str {
        self.config
            .portal
            .as_ref()
            .map_or("", |(url, _)| url.as_str())
    }
}

impl Document {
    /// A file with one `portal:`, or none: one portal without a name, keyed by
    /// DOCSPACE_API_KEY.
    pub fn one(config: Config) -> Document {
        Document {
            source: Arc::clone(&config.source),
            written: config.webhooks.clone(),
            portals: vec![Portal {
                name: None,
                api_key_var: crate::settings::KEY_VAR.to_string(),
                config,
            }],
        }
    }

    /// The desired state of the one portal of a `portal:` file; `None` for a `portals:` file.
    pub fn unnamed(&self) -> Option<&Config> {
        match self.portals.as_slice() {
            [
                Portal {
                    name: None, config, ..
                },
            ] => Some(config),
            _ => None,
        }
    }

    /// Registers with `redact` every secret of every portal that can be had: the literals, and
    /// each `${VAR}` that is set. `plan` never needs the values, but a webhook's last failure
    /// (what its target answered, which knows the secret) is quoted in plans, and is scrubbed
    /// of every registered secret. Unset or invalid variables are not an error here.
    pub fn register_secrets(&self, lookup: &dyn Fn(&str) -> Result<String, std::env::VarError>) {
        let webhooks = self.portals.iter().flat_map(|p| &p.config.webhooks);
        for secret in webhooks.filter_map(|w| w.secret.as_ref()) {
            let _ = secret.resolve(lookup);
        }
    }

    /// The file it was read from.
    pub fn source(&self) -> &Source {
        &self.source
    }
}

impl DesiredWebhook {
    /// How messages name the entry: its name (credentials masked when it is a uri), or `#id`
    /// for an id key.
    pub fn label(&self) -> String {
        match &self.key {
            Key::Name(name) => crate::redact::mask_credentials(name),
            Key::Id(id) => format!("#{id}"),
        }
    }

    /// This entry with every field `own` sets replaced by `own`'s. `secret_span` follows the
    /// side that sets `secretKey`; the merged entry is located at `own`'s key, the one that
    /// portal's problems point at.
    pub fn overlaid_by(&self, own: &DesiredWebhook) -> DesiredWebhook {
        let secret = if own.secret.is_some() { own } else { self };
        // A uri and its variable come from one side together.
        let uri = if own.uri.is_some() || own.uri_var.is_some() {
            own
        } else {
            self
        };
        DesiredWebhook {
            key: self.key.clone(),
            span: own.span,
            name: own.name.clone().or_else(|| self.name.clone()),
            uri: uri.uri.clone(),
            uri_var: uri.uri_var.clone(),
            uri_span: uri.uri_span,
            secret: secret.secret.clone(),
            secret_span: secret.secret_span,
            enabled: own.enabled.or(self.enabled),
            ssl: own.ssl.or(self.ssl),
            triggers: own.triggers.or(self.triggers),
            target_id: own.target_id.clone().or_else(|| self.target_id.clone()),
        }
    }
}
