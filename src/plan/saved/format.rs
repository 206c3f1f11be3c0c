//! The saved plan's file format, as its own types: renaming anything in `plan` cannot change
//! what is written or read.
//!
//! Each change is stored once, as the write it sends plus the live record it was computed
//! against; what `apply FILE` shows, counts and sends is derived from that (`plan::change`).
//! Object keys are snake_case like the JSON plan's; a webhook's fields are spelled as in the
//! config file and the API (`secretKey`, `targetId`). Unknown keys are refused.
//!
//! ```text
//! {
//!   "kind": "docspace-webhooks saved plan",
//!   "format_version": 4,
//!   "written_by": "docspace-webhooks 0.1.0",
//!   "portals": [ PART, ... ]
//! }
//! PART: one portal's plan; one part, unnamed, for a `portal:` file
//! {
//!   "name": null | "staging",               // the portal's key under `portals:`
//!   "api_key_env": null | "STAGING_KEY",    // the variable of its key (null: DOCSPACE_API_KEY)
//!   "portal": "https://yourportal.onlyoffice.com",
//!   "max_deletes": null,
//!   "writes": [
//!     { "write": "create", "webhook": BODY },
//!     { "write": "update", "against": LIVE, "webhook": BODY },
//!     { "write": "set_enabled", "against": LIVE, "enabled": false },
//!     { "write": "delete", "against": LIVE }
//!   ],
//!   "unchanged": [ { "id": 3, "name": "audit" } ],
//!   "unmanaged": [ { "id": 12, "name": "legacy" } ],
//!   "notes": NOTES
//! }
//! BODY: { "name", "uri", "secretKey": null | { "env": "VAR" }, "enabled", "ssl",
//!         "triggers": ["file.created", ...] | ["*"], "targetId": null | "..." }
//! LIVE: { "id", "name", "uri", "enabled", "ssl", "triggers", "targetId",
//!         "lastFailureOn", "lastFailureContent" }
//! NOTES: see `notes`
//! ```

use serde::{Deserialize, Serialize};

use super::notes::SavedNotes;
use crate::api::LiveWebhook;
use crate::config::{SecretRef, parse_env_ref};
use crate::plan::{PlannedBody, Unchanged, Unmanaged};
use crate::triggers::{self, Parsed, TriggerSet};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    pub kind: String,
    pub format_version: u32,
    /// The tool that wrote it, for a human reading the file.
    pub written_by: String,
    /// In the order of the file they were planned from; at least one.
    pub portals: Vec<Part>,
}

/// One portal's plan.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Part {
    /// The portal's key under `portals:`; `None` for the one portal of a `portal:` file.
    pub name: Option<String>,
    /// The variable its API key is read from; `None` for the unnamed portal (DOCSPACE_API_KEY).
    pub api_key_env: Option<String>,
    pub portal: String,
    /// `--max-deletes` when the plan was made (`null`: the default limit). `apply FILE` checks
    /// the deletion guard again with it.
    pub max_deletes: Option<usize>,
    pub writes: Vec<Write>,
    pub unchanged: Vec<Named>,
    pub unmanaged: Vec<Named>,
    pub notes: SavedNotes,
}

/// One write, stored once: nothing about it is kept twice, so no two parts can disagree.
#[derive(Serialize, Deserialize)]
#[serde(tag = "write", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum Write {
    Create { webhook: Body },
    Update { against: Live, webhook: Body },
    SetEnabled { against: Live, enabled: bool },
    Delete { against: Live },
}

/// The record a create or update sends, secret as a variable name only.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct Body {
    name: String,
    uri: String,
    secret_key: Option<EnvSecret>,
    enabled: bool,
    ssl: bool,
    triggers: Vec<String>,
    target_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvSecret {
    env: String,
}

/// The live webhook a write was computed against: what the stale check compares, with the
/// real uri (credentials included), and the last failure the plan's note is made from.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct Live {
    id: i32,
    name: String,
    uri: String,
    enabled: bool,
    ssl: bool,
    triggers: Vec<String>,
    target_id: Option<String>,
    last_failure_on: Option<String>,
    last_failure_content: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Named {
    pub id: i32,
    pub name: String,
}

impl Body {
    /// `None` for a body with a literal secret, which is never saved.
    pub(super) fn new(body: &PlannedBody) -> Option<Body> {
        let PlannedBody {
            name,
            uri,
            secret,
            enabled,
            ssl,
            triggers,
            target_id,
        } = body;
        let secret_key = match secret {
            None => None,
            Some(SecretRef::Env(var)) => Some(EnvSecret { env: var.clone() }),
            Some(SecretRef::Literal(_)) => return None,
        };
        Some(Body {
            name: name.clone(),
            uri: uri.clone(),
            secret_key,
            enabled: *enabled,
            ssl: *ssl,
            triggers: triggers.names(),
            target_id: target_id.clone(),
        })
    }

    pub(super) fn into_planned(self) -> Result<PlannedBody, String> {
        let Body {
            name,
            uri,
            secret_key,
            enabled,
            ssl,
            triggers,
            target_id,
        } = self;
        let secret = match secret_key {
            None => None,
            Some(EnvSecret { env }) => {
                if parse_env_ref(&format!("${{{env}}}")) != Some(env.as_str()) {
                    return Err(format!("secretKey names {env:?}, not a variable name"));
                }
                Some(SecretRef::Env(env))
            }
        };
        if target_id.as_deref() == Some("") {
            return Err("targetId is \"\" (no target is null)".into());
        }
        Ok(PlannedBody {
            name,
            uri,
            secret,
            enabled,
            ssl,
            triggers: trigger_set(&triggers)?,
            target_id,
        })
    }
}

impl Live {
    pub(super) fn new(w: &LiveWebhook) -> Live {
        let LiveWebhook {
            id,
            name,
            uri,
            enabled,
            ssl,
            triggers,
            target_id,
            last_failure_on,
            last_failure_content,
            // Not what the plan was computed from: neither compared nor shown.
            last_success_on: _,
        } = w;
        Live {
            id: *id,
            name: name.clone(),
            uri: uri.clone(),
            enabled: *enabled,
            ssl: *ssl,
            triggers: triggers.names(),
            target_id: target_id.clone(),
            last_failure_on: last_failure_on.clone(),
            last_failure_content: last_failure_content.clone(),
        }
    }

    pub(super) fn into_live(self) -> Result<LiveWebhook, String> {
        let Live {
            id,
            name,
            uri,
            enabled,
            ssl,
            triggers,
            target_id,
            last_failure_on,
            last_failure_content,
        } = self;
        Ok(LiveWebhook {
            id,
            name,
            uri,
            enabled,
            ssl,
            triggers: trigger_set(&triggers)?,
            // The portal's `""` is read as none, as the client does.
            target_id: target_id.filter(|t| !t.is_empty()),
            last_failure_on,
            last_failure_content,
            last_success_on: None,
        })
    }
}

impl From<&Unchanged> for Named {
    fn from(u: &Unchanged) -> Named {
        Named {
            id: u.id,
            name: u.name.clone(),
        }
    }
}

impl From<&Unmanaged> for Named {
    fn from(u: &Unmanaged) -> Named {
        Named {
            id: u.id,
            name: u.name.clone(),
        }
    }
}

/// Reads back what `TriggerSet::names` wrote: event names, `["*"]` alone for every event, and
/// `bit:N` for a trigger this build does not know.
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
        bits |= bit;
    }
    Ok(TriggerSet::from_bits(bits))
}
