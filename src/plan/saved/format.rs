//! The saved plan's file format, as its own types (docs/plans.md, "Saved plans"). Where
//! credentials go is not in here: URLs and variables come from the config file that
//! `config_sha256` binds (`secretKey: true` says only that a secret is sent).

use serde::{Deserialize, Serialize};

use crate::api::LiveWebhook;
use crate::config::SecretRef;
use crate::field::Webhook;
use crate::plan::{Named, Notes, PlannedBody};
use crate::triggers::{self, Parsed, TriggerSet};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    pub kind: String,
    pub format_version: u32,
    /// For a human reading the file.
    pub written_by: String,
    pub config_sha256: String,
    /// In file order; at least one.
    pub portals: Vec<Part>,
    /// Named portals that could not be planned, in file order: `apply` names them and exits 1.
    pub failed: Vec<Failed>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Failed {
    pub name: String,
    /// As its section showed it: one line, redacted, without control characters.
    pub error: String,
}

/// One portal's plan.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Part {
    /// `None` for the one portal of a `portal:` file.
    pub name: Option<String>,
    /// The URL `--portal` or DOCSPACE_URL gave a file without `portal:`.
    pub portal: Option<String>,
    /// The deletion limit (`null`: the default), which `apply FILE` checks again.
    pub max_deletes: Option<usize>,
    pub writes: Vec<Write>,
    pub unchanged: Vec<Named>,
    pub unmanaged: Vec<Named>,
    pub notes: Notes,
}

/// One write, stored once, so no two parts can disagree.
#[derive(Serialize, Deserialize)]
#[serde(tag = "write", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum Write {
    Create {
        webhook: Body,
    },
    Update {
        against: Live,
        webhook: Body,
    },
    SetEnabled {
        against: Live,
        enabled: bool,
    },
    Delete {
        against: Live,
        /// Shown, never checked: the log grows after the plan.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deliveries: Option<u64>,
    },
}

/// The record a create or update sends, triggers by name. Of the secret, only whether one is
/// sent: its variable is the one the file's entry names.
pub(super) type Body = Webhook<bool, Vec<String>>;

/// The live webhook a write was computed against, triggers by name: what the stale check
/// compares, with the real uri (credentials included).
pub(super) type Live = LiveWebhook<Vec<String>>;

impl Body {
    /// `None` for a body with a literal secret, which is never saved.
    pub(super) fn new(body: &PlannedBody) -> Option<Body> {
        let sent = match &body.secret_key {
            None => false,
            Some(SecretRef::Env(_)) => true,
            Some(SecretRef::Literal(_)) => return None,
        };
        Some(body.clone().map(|_| sent, TriggerSet::names))
    }

    /// The body as the planner holds it, without its secret, and whether one is sent.
    pub(super) fn into_planned(self) -> Result<(PlannedBody, bool), String> {
        let sent = self.secret_key;
        if self.target_id.as_deref() == Some("") {
            return Err("targetId is \"\" (no target is null)".into());
        }
        let triggers = trigger_set(&self.triggers)?;
        Ok((self.map(|_| None, |_| triggers), sent))
    }
}

/// `body` with the secret it sends (when `sent`): the variable the file's entry names.
pub(super) fn with_secret(
    mut body: PlannedBody,
    sent: bool,
    in_file: Option<&SecretRef>,
) -> Result<PlannedBody, String> {
    let name = || crate::redact::mask_credentials(&body.name);
    body.secret_key = match (sent, in_file) {
        (false, _) => None,
        (true, Some(SecretRef::Env(var))) => Some(SecretRef::Env(var.clone())),
        (true, Some(SecretRef::Literal(_))) => {
            return Err(format!(
                "{:?} sends the file's literal secretKey, which a saved plan never does",
                name()
            ));
        }
        (true, None) => {
            return Err(format!(
                "{:?} sends a secret, but the file gives it no `secretKey: ${{VAR}}`",
                name()
            ));
        }
    };
    Ok(body)
}

impl Live {
    pub(super) fn into_live(self) -> Result<LiveWebhook, String> {
        let triggers = trigger_set(&self.triggers)?;
        let mut w = self.map_triggers(|_| triggers);
        // The portal's `""` is read as none, as the client does.
        w.target_id = w.target_id.filter(|t| !t.is_empty());
        // Saved as `Client::list` scrubbed it, by a run that may not have known every secret
        // this one does: scrubbed again as that run would have, so it shows what a live plan
        // would (the first scrub's output reads the same again).
        w.last_failure_content = (w.last_failure_content.take())
            .map(|content| crate::redact::Redactor::with_uri(&w.uri).scrub(&content));
        Ok(w)
    }
}

/// Reads back what `TriggerSet::names` wrote: event names, each once, `["*"]` alone for every
/// event, and `bit:N` for a trigger this build does not know.
fn trigger_set(names: &[String]) -> Result<TriggerSet, String> {
    if names.is_empty() {
        return Err("triggers is empty (every event is [\"*\"])".into());
    }
    let mut bits = 0u64;
    for name in names {
        let bit = match triggers::parse(name) {
            Some(Parsed::All) if names.len() == 1 => return Ok(TriggerSet::ALL),
            Some(Parsed::All) => return Err("triggers mixes \"*\" with other events".into()),
            Some(Parsed::One(t)) => t.bit,
            None => name
                .strip_prefix("bit:")
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(|n| 1u64.checked_shl(n))
                .ok_or_else(|| format!("unknown trigger {name:?}"))?,
        };
        // `names` writes each event once; the portal's bits would hide a second.
        if bits & bit != 0 {
            return Err(format!("triggers names the event {name:?} twice"));
        }
        bits |= bit;
    }
    Ok(TriggerSet::from_bits(bits))
}
