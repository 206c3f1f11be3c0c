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

mod fleet;
mod format;
mod fresh;
mod header;
mod notes;
#[cfg(test)]
mod tests;
mod values;

use std::collections::HashSet;

use self::format::{Body, File, Live, Named, Write};
use self::header::{KIND, Stamped, parse};
use self::notes::SavedNotes;
use super::change::{enabled_only, ssl_needs_https};
use super::{Change, Notes, Op, Plan, Unchanged, Unmanaged};

pub use fleet::{PortalToSave, SavedDocument, SavedPortal, fleet_to_json, read};
pub use fresh::check_fresh;
pub use header::{FORMAT_VERSION, SavedPlanError, is_saved_plan};

/// A saved plan as read back.
#[derive(Debug)]
pub struct Saved {
    pub plan: Plan,
    pub max_deletes: Option<usize>,
}

/// The SHA-256 of a saved plan's bytes, in lowercase hex (what `sha256sum` prints).
pub fn digest(bytes: &[u8]) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The saved form of `plan`. Refuses a plan that would have to store a literal secret.
pub fn to_json(plan: &Plan, max_deletes: Option<usize>) -> Result<String, SavedPlanError> {
    let text = pretty(&file_of(plan, max_deletes)?);
    // What is saved must be what `apply` reads back; a plan it would refuse is never saved.
    from_json(&text, "the plan being saved")?;
    Ok(text)
}

/// A saved file's text: pretty JSON ending in a newline.
fn pretty(file: &impl serde::Serialize) -> String {
    let mut text = match serde_json::to_string_pretty(file) {
        Ok(text) => text,
        // serde_json fails only on a map with non-string keys or a failing `Serialize` impl;
        // the format is derived structs of strings, numbers, bools, options and lists.
        Err(e) => unreachable!("a saved plan always serializes: {e}"),
    };
    text.push('\n');
    text
}

fn file_of(plan: &Plan, max_deletes: Option<usize>) -> Result<File, SavedPlanError> {
    Ok(File {
        kind: KIND.to_string(),
        format_version: FORMAT_VERSION,
        written_by: format!("docspace-webhooks {}", env!("CARGO_PKG_VERSION")),
        portal: plan.portal.clone(),
        max_deletes,
        writes: plan
            .changes
            .iter()
            .map(write_of)
            .collect::<Result<_, _>>()?,
        unchanged: plan.unchanged.iter().map(Named::from).collect(),
        unmanaged: plan.unmanaged.iter().map(Named::from).collect(),
        notes: SavedNotes::new(&plan.notes),
    })
}

fn write_of(change: &Change) -> Result<Write, SavedPlanError> {
    let body = |body| {
        Body::new(body).ok_or_else(|| SavedPlanError::LiteralSecret {
            name: change.name.clone(),
        })
    };
    let against = change.before.as_ref().map(Live::new);
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

/// Reads a saved plan of one portal; `path` is only for messages.
pub fn from_json(text: &str, path: &str) -> Result<Saved, SavedPlanError> {
    from_file(parse::<File>(text, path)?, path)
}

/// A parsed saved plan of one portal, checked the way the planner would have made it.
fn from_file(file: File, path: &str) -> Result<Saved, SavedPlanError> {
    if file.stamp() != (KIND, FORMAT_VERSION) {
        return Err(SavedPlanError::Inconsistent {
            path: path.to_string(),
            reason: format!("a part of it is not a `{KIND}` of format_version {FORMAT_VERSION}"),
        });
    }
    let inconsistent = |reason: String| SavedPlanError::Inconsistent {
        path: path.to_string(),
        reason,
    };
    let changes = file
        .writes
        .into_iter()
        .enumerate()
        .map(|(i, write)| {
            change_of(write).map_err(|e| inconsistent(format!("write {}: {e}", i + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let plan = Plan {
        portal: file.portal,
        changes,
        unchanged: file
            .unchanged
            .into_iter()
            .map(|n| Unchanged {
                id: n.id,
                name: n.name,
            })
            .collect(),
        unmanaged: file
            .unmanaged
            .into_iter()
            .map(|n| Unmanaged {
                id: n.id,
                name: n.name,
            })
            .collect(),
        notes: Notes::default(),
    };
    one_entry_per_webhook(&plan).map_err(inconsistent)?;
    let notes = file.notes.into_notes(&plan).map_err(inconsistent)?;
    let plan = Plan { notes, ..plan };
    Ok(Saved {
        plan,
        max_deletes: file.max_deletes,
    })
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
