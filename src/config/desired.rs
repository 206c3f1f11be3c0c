//! The desired state a file describes, as the loader builds it and the planner reads it.
//! Invariant: a `Config` that exists is well-formed; nothing downstream re-validates it.
//! Secrets stay unresolved (`SecretRef`) until `apply` asks for them.

use std::sync::Arc;

use miette::SourceSpan;
use secrecy::ExposeSecret;

use super::display::Source;
use super::problem::{Problem, problem_at};
use super::secret::SecretRef;
use super::secret_uris::RunUris;
use crate::field::Field;
use crate::triggers::TriggerSet;

pub use crate::api::KEY_VAR;

#[derive(Debug)]
pub struct Config {
    /// Kept so later stages (the planner's matching errors) can point into the file too.
    pub source: Arc<Source>,
    pub portal: Option<(String, SourceSpan)>,
    pub webhooks: Vec<DesiredWebhook>,
    /// `prune: { maxDeletes: N }`: it does not turn pruning on; `--max-deletes` wins over it.
    pub max_deletes: Option<usize>,
    /// The values of every portal's `uri: ${VAR}`s (`Document::resolve_uris`).
    pub(super) run_uris: RunUris,
}

/// A `portal:` file (or one without a portal) is one portal without a name; a `portals:` file
/// names each, its desired state the shared entries (after `only:`) overlaid by its own.
#[derive(Debug)]
pub struct Document {
    pub source: Arc<Source>,
    /// At least one.
    pub portals: Vec<Portal>,
    /// Every entry as written, before any overlay: what the warnings are about, each once.
    pub written: Vec<DesiredWebhook>,
    /// Every name, literal uri and targetId (`refuse_registered_secrets`).
    pub(super) listed: Vec<super::checker::Listed>,
}

#[derive(Debug)]
pub struct Portal {
    /// The key under `portals:`; `None` for the one portal of a `portal:` file.
    pub name: Option<String>,
    /// `apiKey: ${VAR}` under `portals:`, else DOCSPACE_API_KEY.
    pub api_key_var: String,
    /// Its merged list (docs/file-format.md); `portal` is its `url:` (always `Some` under
    /// `portals:`), `max_deletes` the portal's `prune:`, else the top level's.
    pub config: Config,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// Created when no live webhook has the name.
    Name(String),
    Id(i32),
}

/// One entry under `webhooks:`; a field that is `None` is not managed. One member per `Field`;
/// the planner turns it into a `field::Webhook` in one place (`plan::diff::merged`). Its
/// `Debug` hides the uri (`field::HiddenUri`).
#[derive(Clone)]
pub struct DesiredWebhook {
    pub key: Key,
    /// Where the key is written.
    pub span: SourceSpan,
    /// Only under an id key (it renames the webhook).
    pub name: Option<String>,
    /// The uri as written, or for `uri: ${VAR}` the variable's value once `plan` or `apply` has
    /// read it (`Document::resolve_uris`); `None` until then.
    pub uri: Option<String>,
    /// `uri: ${VAR}`: such a uri is sensitive (a receiver may authenticate by it): no output
    /// shows it.
    pub uri_var: Option<String>,
    pub uri_span: Option<SourceSpan>,
    pub secret: Option<SecretRef>,
    /// For the errors of resolving it at `apply`.
    pub secret_span: Option<SourceSpan>,
    pub enabled: Option<bool>,
    pub ssl: Option<bool>,
    pub triggers: Option<TriggerSet>,
    /// `Some("")` means "no target" (null, `~` and `""` all become this).
    pub target_id: Option<String>,
}

impl Config {
    /// The planner's error for an entry it would create that lacks what creating needs: that is
    /// only known once the live list is matched, so the loader does not require them.
    pub fn missing_for_create_problem(&self, webhook: &DesiredWebhook) -> Option<Problem> {
        let uri_missing = webhook.uri.is_none() && webhook.uri_var.is_none();
        let (uri, secret) = (Field::Uri.key(), Field::SecretKey.key());
        let list = match (uri_missing, webhook.secret.is_none()) {
            (false, false) => return None,
            (true, false) => format!("`{uri}`"),
            (false, true) => format!("`{secret}`"),
            (true, true) => format!("`{uri}` and `{secret}`"),
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
                    .into(),
            ),
        ))
    }
}

impl Portal {
    /// The `url:` as written (every portal under `portals:` has one).
    pub fn url(&self) -> &str {
        self.config
            .portal
            .as_ref()
            .map_or("", |(url, _)| url.as_str())
    }
}

impl Document {
    /// A file with one `portal:`, or none.
    pub fn one(config: Config) -> Document {
        Document {
            source: Arc::clone(&config.source),
            written: config.webhooks.clone(),
            listed: Vec::new(),
            portals: vec![Portal {
                name: None,
                api_key_var: KEY_VAR.to_string(),
                config,
            }],
        }
    }

    /// The one portal of a `portal:` file; `None` for a `portals:` file.
    pub fn unnamed(&self) -> Option<&Config> {
        let [portal] = self.portals.as_slice() else {
            return None;
        };
        portal.name.is_none().then_some(&portal.config)
    }

    /// Registers with `redact` every secret that can be had (literals, each portal's key, and
    /// each `${VAR}` of a secret or a uri that is set; others are no error here): `plan` never
    /// needs the secrets, nor `status` the uris, but what a target answered (which knows them)
    /// is quoted.
    pub fn register_secrets(&self, lookup: &dyn Fn(&str) -> Result<String, std::env::VarError>) {
        // As the client registers it, before any client exists: a message may name a path.
        for p in &self.portals {
            if let Ok(key) = lookup(&p.api_key_var) {
                crate::redact::register_key(&key, &p.api_key_var, true);
            }
        }
        // Where each is written, before `resolve` registers it: a list that echoes one is
        // refused naming the first source registered (`redact::register`).
        for w in &self.written {
            if let (Some(SecretRef::Literal(secret)), Some(span)) = (&w.secret, w.secret_span) {
                let line = self.source.line_column(span.offset()).0;
                let (label, file) = (w.label(), self.source.name());
                let source = format!("the secretKey of '{label}' ({file}, line {line})");
                crate::redact::register(secret.expose_secret(), &source);
            }
        }
        let webhooks = self.portals.iter().flat_map(|p| &p.config.webhooks);
        for w in webhooks {
            if let Some(secret) = &w.secret {
                let _ = secret.resolve(lookup);
            }
            // A command that sends no uri does not read them, but a receiver may echo one.
            if let Some(var) = &w.uri_var
                && let Ok(uri) = lookup(var)
            {
                crate::redact::register_uri(&uri, var);
            }
        }
    }
}

crate::field::debug_hiding_uri!(DesiredWebhook { key, span, name; uri; uri_var, uri_span,
    secret, secret_span, enabled, ssl, triggers, target_id });

impl DesiredWebhook {
    /// How messages name the entry: its name (credentials masked, it may be a uri; escaped, it
    /// may hold a terminal escape or a bidi override), or `#id`.
    pub fn label(&self) -> String {
        match &self.key {
            Key::Name(name) => crate::redact::escaped(&crate::redact::mask_credentials(name)),
            Key::Id(id) => format!("#{id}"),
        }
    }

    /// This entry with every field `own` sets replaced by `own`'s, located at `own`'s key, the
    /// one that portal's problems point at.
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
