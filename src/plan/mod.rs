//! Stage 3: desired + live -> the list of changes. Pure: no I/O, no secrets resolved.
//!
//! Every write `apply` sends is one `Change::op`, and the diff a reviewer reads is derived from
//! that op and the live record in one place (`change`): apply writes only what the plan shows.
//! A saved plan stores `Named` and the notes as they are: their field names are its format.

mod change;
mod diff;
pub mod fleet;
pub mod guard;
mod matching;
mod notes;
pub mod saved;
pub mod target;
mod values;

use crate::api::LiveWebhook;
use crate::config::{Config, ConfigError, Key, Problem, SecretRef, SecretUris};

pub use crate::field::{Field, Value};
pub use diff::plan;
pub use fleet::Totals;
pub use notes::{Notes, RenameHint, SecretChecked};
pub use target::{Selection, TargetError, TargetKey};

/// What would change on one portal.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The portal the plan was computed against, as `PortalUrl::as_str` shows it.
    pub portal: String,
    /// Creates and updates in file order, then deletes by id.
    pub changes: Vec<Change>,
    /// Webhooks in the file that need nothing.
    pub unchanged: Vec<Named>,
    /// Live webhooks the file does not mention; never touched.
    pub unmanaged: Vec<Named>,
    /// What a reviewer should know beyond the changes (`notes`); never changes what is sent.
    pub notes: Notes,
}

impl Plan {
    /// The ids of the webhooks on the portal when the plan was made.
    pub fn listed(&self) -> Vec<i32> {
        let others = self.unchanged.iter().chain(&self.unmanaged).map(|w| w.id);
        self.changes
            .iter()
            .filter_map(Change::id)
            .chain(others)
            .collect()
    }
}

/// Serialized as the JSON plan names it: `create`, `update`, `delete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
}

/// One webhook to write, with the diff that explains it and the request that carries it out.
#[derive(Debug, Clone)]
pub struct Change {
    pub fields: Vec<FieldChange>,
    pub op: Op,
    /// Set when the portal itself probably caused the drift (it disables a webhook whose
    /// deliveries keep failing, docs/docspace-api.md §18): re-enabling hits a failing target.
    pub failure: Option<LastFailure>,
    /// The variable of this webhook's `uri: ${VAR}`: the uri it sends is that variable's value
    /// (`apply` reads it), and both its uris are sensitive.
    pub uri_var: Option<String>,
    /// Whether a uri of this change (the live one, the one sent) is secret: the value of its
    /// `uri_var`, or equal to the value of another entry's, of any portal, or holding a piece of
    /// it (`config::SecretUris`). Such a uri is shown as `(sensitive)`, in a stale plan's message
    /// too, and saved as a placeholder.
    pub uri_hidden: bool,
    /// For a delete, when read: the deliveries it erases (docs/docspace-api.md §12, §21).
    pub deliveries: Option<u64>,
}

/// The last delivery failure the portal recorded for a webhook (the JSON plan's `failure`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LastFailure {
    /// As the portal wrote it (tenant-local time; informational only).
    pub on: Option<String>,
    /// A short, single-line excerpt of what the target answered.
    pub excerpt: Option<String>,
}

/// The request that carries out a change. All but a create hold the live record the change was
/// computed against (`live`), and address its webhook by its id.
#[derive(Debug, Clone)]
pub enum Op {
    /// POST the body; the server assigns the id.
    Create(PlannedBody),
    /// PUT the full merged body: the server resets every field a PUT omits.
    Update {
        live: LiveWebhook,
        body: PlannedBody,
    },
    /// `PUT .../webhook/enable` (which repeats the live name and uri): used when `enabled` is
    /// the only change, so that disabling skips the server's probe of a target that may be down.
    SetEnabled { live: LiveWebhook, enabled: bool },
    /// `DELETE .../webhook/{id}`; a 404 means it is already gone.
    Delete(LiveWebhook),
}

/// A body before its secret is resolved: `None` on an update keeps the stored one.
pub type PlannedBody = crate::field::Webhook<Option<SecretRef>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: Field,
    pub before: Value,
    pub after: Value,
}

/// A webhook by id and name: one left unchanged, left unmanaged, or sent no secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub id: i32,
    pub name: String,
}

impl Named {
    fn of(w: &LiveWebhook) -> Named {
        Named {
            id: w.id,
            name: w.name.clone(),
        }
    }
}

impl Plan {
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    pub fn counts(&self) -> Counts {
        let count = |action| self.changes.iter().filter(|c| c.action() == action).count();
        Counts {
            create: count(Action::Create),
            update: count(Action::Update),
            delete: count(Action::Delete),
            unchanged: self.unchanged.len(),
        }
    }

    /// The closing line, e.g. `Plan: 1 to create, 2 to update, 0 to delete, 2 unchanged.`
    pub fn summary(&self) -> String {
        format!("Plan: {}.", self.counts())
    }
}

/// What a plan (or a run's plans) creates, updates, deletes and leaves unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub unchanged: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} to create, {} to update, {} to delete, {} unchanged",
            self.create, self.update, self.delete, self.unchanged
        )
    }
}

/// Why a plan could not be made: each problem points at the entry in the file.
pub type PlanError = ConfigError;

/// Choices that change what counts as a change.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Delete live webhooks the file does not mention, instead of listing them as unmanaged.
    pub prune: bool,
    /// Send every secret the file sets, even when nothing else drifted: a changed secret
    /// cannot be detected (the API never returns it).
    pub rotate_secrets: bool,
    /// What `--verify-secrets` read in the delivery log: a secret that differs is sent, one
    /// verified equal counts as compared.
    pub secrets_checked: Vec<SecretChecked>,
    /// The entries `--target` selects; `None` for every entry.
    pub selection: Option<Selection>,
}

/// The live uris of `config`'s portal that are secret whether or not their variable is set in
/// this run (`secret_uris`), each with its variable, registered with `redact`: a list of that
/// portal that holds one is refused (`redact::Registered::with_uris`), and a receiver's answer
/// is scrubbed of them.
pub fn secret_live_uris(config: &Config, live: &[LiveWebhook]) -> Vec<(String, String)> {
    if !config.may_hide_uris() {
        return Vec::new();
    }
    let secret_uris = secret_uris(config, live);
    let hidden = (live.iter())
        .filter_map(|w| Some((w.uri.clone(), secret_uris.var_of(&w.uri)?.to_string())));
    let hidden: Vec<(String, String)> = hidden.collect();
    for (uri, var) in &hidden {
        crate::redact::register_live_uri(uri, var);
    }
    hidden
}

/// The secret uris of `config`'s portal with `live` (`Config::secret_uris`), and the live uri
/// of each webhook whose entry reads its uri from a variable: the variable's value before, as
/// secret as the one it holds now, in any other webhook's record too.
pub fn secret_uris<'c>(config: &'c Config, live: &[LiveWebhook]) -> SecretUris<'c> {
    matched_secret_uris(config, live, &matching::match_entries(config, live))
}

/// `secret_uris` with the entries already matched.
fn matched_secret_uris<'c>(
    config: &'c Config,
    live: &[LiveWebhook],
    matched: &[Result<matching::Match<'_>, Problem>],
) -> SecretUris<'c> {
    let mut secret_uris = config.secret_uris();
    for (entry, found) in config.webhooks.iter().zip(matched) {
        let Some(var) = &entry.uri_var else {
            continue;
        };
        // Its key's webhooks too: a name several have matches none (the plan refuses it), but
        // any of them may hold the variable's value.
        let named = |w: &&LiveWebhook| has_key(w, &entry.key);
        let matched = found.as_ref().ok().and_then(matching::Match::live_index);
        for w in (matched.map(|i| &live[i]).into_iter()).chain(live.iter().filter(named)) {
            secret_uris.replaced(var, &w.uri);
        }
    }
    secret_uris
}

/// Whether `w` has the name or the id `key` gives: the webhooks an entry may stand for, one or
/// several (a name several have), before matching picks one.
pub fn has_key(w: &LiveWebhook, key: &Key) -> bool {
    match key {
        Key::Name(name) => *name == w.name,
        Key::Id(id) => *id == w.id,
    }
}

/// For each live webhook, the index of the entry of `config` that manages it.
pub fn managing_entries(
    config: &Config,
    live: &[LiveWebhook],
) -> Result<Vec<Option<usize>>, PlanError> {
    let matched = matching::all(matching::match_entries(config, live))?;
    let mut managing = vec![None; live.len()];
    for (entry, found) in matched.iter().enumerate() {
        if let Some(i) = found.live_index() {
            managing[i] = Some(entry);
        }
    }
    Ok(managing)
}

#[cfg(test)]
mod tests;
