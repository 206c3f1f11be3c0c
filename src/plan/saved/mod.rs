//! Saved plans: `plan --out FILE` writes one, `apply FILE` carries out exactly that plan.
//!
//! Promises, where other tools fall short:
//! - One source of truth. Each change is stored once, as the write it sends and the live record
//!   it was computed against (`format`); reading it back derives everything `apply` shows and
//!   counts through the same constructors the planner uses (`plan::change`). A file whose write
//!   is not what this version would plan for that record (an update that changes nothing, a
//!   PUT where the enable call belongs, two writes on one webhook) is refused whole.
//! - No secret values in the file. A secret is recorded only as the name of the environment
//!   variable `apply` reads; a literal `secretKey` cannot be saved at all.
//! - A plan never goes stale silently (`fresh`): `apply` lists the portal again and refuses,
//!   writing nothing, when any webhook it would write changed since (real values compared,
//!   credentials in a uri included), or a webhook it would create now exists.
//! - A reviewer can pin the exact file: `digest` is the SHA-256 that `plan --out` prints and
//!   `apply --expect-digest` checks.

mod format;
mod fresh;
mod header;
mod notes;
#[cfg(test)]
mod tests;
mod values;

use std::collections::HashSet;

use self::format::{Body, File, Part, Write};
use self::header::{KIND, parse};
use super::change::{enabled_only, ssl_needs_https};
use super::{Change, Op, Plan};
use crate::api::PortalUrl;
use crate::config::parse_env_ref;
use crate::config::rules::is_portal_name;
use crate::triggers::TriggerSet;

pub use fresh::check_fresh;
pub use header::{FORMAT_VERSION, SavedPlanError, is_saved_plan};

/// One portal's part of a saved plan as read back: the one part of a `portal:` file's, or one
/// of a `portals:` file's.
#[derive(Debug)]
pub struct SavedPortal {
    /// The portal's name under `portals:`; `None` for a `portal:` file's one portal.
    pub name: Option<String>,
    /// The variable `apply` reads the portal's API key from (the file's `apiKey: ${VAR}`);
    /// `None` for a `portal:` file's, whose key is DOCSPACE_API_KEY.
    pub api_key_env: Option<String>,
    pub plan: Plan,
    /// The deletion limit the plan was checked against (`guard`).
    pub max_deletes: Option<usize>,
}

/// One portal's part of a plan to save: its name and the variable of its key (both `None` for
/// a `portal:` file's one portal), its plan and the deletion limit the plan was checked
/// against.
pub struct PortalToSave<'a> {
    pub name: Option<&'a str>,
    pub api_key_env: Option<&'a str>,
    pub plan: &'a Plan,
    pub max_deletes: Option<usize>,
}

/// The SHA-256 of a saved plan's bytes, in lowercase hex (what `sha256sum` prints).
pub fn digest(bytes: &[u8]) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The saved form of the plans of a run: pretty JSON ending in a newline. Refuses a plan that
/// would have to store a literal secret.
pub fn to_json(portals: &[PortalToSave<'_>]) -> Result<String, SavedPlanError> {
    let file = File {
        kind: KIND.to_string(),
        format_version: FORMAT_VERSION,
        written_by: format!("docspace-webhooks {}", env!("CARGO_PKG_VERSION")),
        portals: portals.iter().map(part_of).collect::<Result<_, _>>()?,
    };
    let mut text = match serde_json::to_string_pretty(&file) {
        Ok(text) => text,
        // serde_json fails only on a map with non-string keys or a failing `Serialize` impl;
        // the format is derived structs of strings, numbers, bools, options and lists.
        Err(e) => unreachable!("a saved plan always serializes: {e}"),
    };
    text.push('\n');
    // What is saved must be what `apply` reads back; a plan it would refuse is never saved.
    read(&text, "the plan being saved")?;
    Ok(text)
}

fn part_of(part: &PortalToSave<'_>) -> Result<Part, SavedPlanError> {
    let plan = part.plan;
    Ok(Part {
        name: part.name.map(str::to_string),
        api_key_env: part.api_key_env.map(str::to_string),
        portal: plan.portal.clone(),
        max_deletes: part.max_deletes,
        writes: plan
            .changes
            .iter()
            .map(write_of)
            .collect::<Result<_, _>>()?,
        unchanged: plan.unchanged.clone(),
        unmanaged: plan.unmanaged.clone(),
        notes: plan.notes.clone(),
    })
}

/// Reads a saved plan; `path` is only for messages. Every part is checked the way the planner
/// would have made it, and the whole is refused when a part is unnamed beside others, or two
/// parts name one portal or one name: a hand-edited file must not make `apply` write a portal
/// twice, or read a key it was not meant to.
pub fn read(text: &str, path: &str) -> Result<Vec<SavedPortal>, SavedPlanError> {
    let file = parse(text, path)?;
    let inconsistent = |reason: String| SavedPlanError::Inconsistent {
        path: path.to_string(),
        reason,
    };
    if file.portals.is_empty() {
        return Err(inconsistent("it names no portal".into()));
    }
    if file.portals.len() > 1 && file.portals.iter().any(|p| p.name.is_none()) {
        return Err(inconsistent(
            "a portal without a name is not the only one".into(),
        ));
    }
    let (mut names, mut urls) = (HashSet::new(), HashSet::new());
    let mut portals = Vec::with_capacity(file.portals.len());
    for part in file.portals {
        let (name, api_key_env) = (part.name.clone(), part.api_key_env.clone());
        let max_deletes = part.max_deletes;
        let Some(name) = name else {
            if let Some(var) = api_key_env {
                return Err(inconsistent(format!(
                    "the portal without a name reads its key from DOCSPACE_API_KEY, not {var:?}"
                )));
            }
            let plan = plan_of(part).map_err(inconsistent)?;
            portals.push(SavedPortal {
                name: None,
                api_key_env: None,
                plan,
                max_deletes,
            });
            continue;
        };
        if !is_portal_name(&name) {
            return Err(inconsistent(format!(
                "{name:?} is not a portal name a `portals:` file can hold"
            )));
        }
        if !names.insert(name.clone()) {
            return Err(inconsistent(format!("the portal {name:?} appears twice")));
        }
        let api_key_env = api_key_env.unwrap_or_default();
        if parse_env_ref(&format!("${{{api_key_env}}}")) != Some(api_key_env.as_str()) {
            return Err(inconsistent(format!(
                "the portal {name:?} reads its key from {api_key_env:?}, which is not a variable name"
            )));
        }
        let plan =
            plan_of(part).map_err(|reason| inconsistent(format!("portal {name:?}: {reason}")))?;
        // Exactly as `plan --out` writes a portal: its address as the client reads it.
        let portal = match PortalUrl::parse(&plan.portal) {
            Ok(portal) if portal.as_str() == plan.portal => portal,
            _ => {
                return Err(inconsistent(format!(
                    "the portal {name:?} is planned for {:?}, which is not a portal address as \
                     `plan` writes one",
                    crate::redact::mask_credentials(&plan.portal)
                )));
            }
        };
        if !urls.insert(portal.identity()) {
            return Err(inconsistent(format!(
                "two portals are planned for {}",
                portal.as_str()
            )));
        }
        portals.push(SavedPortal {
            name: Some(name),
            api_key_env: Some(api_key_env),
            plan,
            max_deletes,
        });
    }
    Ok(portals)
}

fn write_of(change: &Change) -> Result<Write, SavedPlanError> {
    let body = |body| {
        Body::new(body).ok_or_else(|| SavedPlanError::LiteralSecret {
            name: change.name.clone(),
        })
    };
    let against = change
        .before
        .clone()
        .map(|w| w.map_triggers(TriggerSet::names));
    let write = match (&change.op, against) {
        (Op::Create(b), _) => Write::Create { webhook: body(b)? },
        (Op::Update { body: b, .. }, Some(against)) => Write::Update {
            against,
            webhook: body(b)?,
        },
        (Op::SetEnabled { enabled, .. }, Some(against)) => Write::SetEnabled {
            against,
            enabled: *enabled,
        },
        (Op::Delete { .. }, Some(against)) => Write::Delete { against },
        (Op::Update { .. } | Op::SetEnabled { .. } | Op::Delete { .. }, None) => {
            unreachable!("only a create is made without its live record (plan::change)")
        }
    };
    Ok(write)
}

/// The plan of one part, checked the way the planner would have made it; the error is the
/// reason.
fn plan_of(part: Part) -> Result<Plan, String> {
    let changes = part
        .writes
        .into_iter()
        .enumerate()
        .map(|(i, write)| change_of(write).map_err(|e| format!("write {}: {e}", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = Plan {
        portal: part.portal,
        changes,
        unchanged: part.unchanged,
        unmanaged: part.unmanaged,
        notes: part.notes,
    };
    one_entry_per_webhook(&plan)?;
    notes::check(&plan.notes, &plan)?;
    Ok(plan)
}

/// The change a stored write stands for, made exactly as the planner makes it; refused when
/// the planner would never have stored this write for this live record.
fn change_of(write: Write) -> Result<Change, String> {
    match write {
        Write::Create { webhook } => {
            let body = webhook.into_planned()?;
            values::check(&body, None)?;
            if body.secret_key.is_none() {
                return Err(format!("the create of {:?} has no secretKey", body.name));
            }
            if let Some(refusal) = ssl_needs_https(&body) {
                return Err(refusal);
            }
            Ok(Change::create(body))
        }
        Write::Update { against, webhook } => {
            let (w, body) = (against.into_live()?, webhook.into_planned()?);
            let id = w.id;
            values::check(&body, Some(&w))?;
            if let Some(refusal) = ssl_needs_https(&body) {
                return Err(format!("the update of #{id}: {refusal}"));
            }
            // A secret in an update is sent whatever else differs (as --rotate-secrets does).
            let rotate = body.secret_key.is_some();
            match Change::update(w, body, rotate) {
                Some(change) if matches!(change.op, Op::Update { .. }) => Ok(change),
                Some(_) => Err(format!(
                    "the update of #{id} changes only `enabled`, which this version sends as set_enabled"
                )),
                None => Err(format!("the update of #{id} changes nothing")),
            }
        }
        Write::SetEnabled { against, enabled } => {
            let w = against.into_live()?;
            let (id, body) = (w.id, enabled_only(&w, enabled));
            Change::update(w, body, false).ok_or_else(|| {
                format!("set_enabled of #{id} changes nothing: enabled is already {enabled}")
            })
        }
        Write::Delete { against } => Ok(Change::delete(against.into_live()?)),
    }
}

/// No webhook is written twice or both written and listed as untouched, and no name is created
/// twice: a plan made from one file never has either.
fn one_entry_per_webhook(plan: &Plan) -> Result<(), String> {
    let mut ids = HashSet::new();
    let written = plan.changes.iter().filter_map(|c| c.id);
    let listed = plan.unchanged.iter().map(|u| u.id);
    for id in written
        .chain(listed)
        .chain(plan.unmanaged.iter().map(|u| u.id))
    {
        if !ids.insert(id) {
            return Err(format!("webhook #{id} appears more than once"));
        }
    }
    let mut created = HashSet::new();
    for change in plan.changes.iter().filter(|c| c.id.is_none()) {
        if !created.insert(&change.name) {
            return Err(format!("{:?} is created more than once", change.name));
        }
    }
    Ok(())
}
