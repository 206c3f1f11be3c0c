//! The reviewer's notes in a saved plan (`plan::notes`), so that `apply FILE` and `show FILE`
//! say what `plan` said. They never change what is sent, but they must fit the plan they come
//! with: a note about a webhook the plan does not hold that way is refused like any other
//! inconsistency. The variables `apply` reads are not stored: they are derived from the writes.
//!
//! ```text
//! "notes": {
//!   "left_out": 2,
//!   "secrets_not_sent": [ { "id": 3, "name": "audit" } ],
//!   "renames": [ { "create": "New name", "id": 12, "name": "Old name", "deleted": false } ]
//! }
//! ```

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::plan::{Action, Notes, Op, Plan, RenameHint, SecretNotSent};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SavedNotes {
    left_out: usize,
    secrets_not_sent: Vec<Named>,
    renames: Vec<Rename>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    id: i32,
    name: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rename {
    create: String,
    id: i32,
    name: String,
    deleted: bool,
}

impl SavedNotes {
    pub(super) fn new(notes: &Notes) -> SavedNotes {
        SavedNotes {
            left_out: notes.left_out,
            secrets_not_sent: notes
                .secrets_not_sent
                .iter()
                .map(|s| Named {
                    id: s.id,
                    name: s.name.clone(),
                })
                .collect(),
            renames: notes
                .renames
                .iter()
                .map(|r| Rename {
                    create: r.create.clone(),
                    id: r.id,
                    name: r.name.clone(),
                    deleted: r.deleted,
                })
                .collect(),
        }
    }

    /// The notes, refused when one does not fit `plan`.
    pub(super) fn into_notes(self, plan: &Plan) -> Result<Notes, String> {
        let mut no_secret: HashSet<i32> = plan.unchanged.iter().map(|u| u.id).collect();
        no_secret.extend(plan.changes.iter().filter_map(|c| match c.op {
            Op::SetEnabled { id, .. } => Some(id),
            _ => None,
        }));
        for s in &self.secrets_not_sent {
            if !no_secret.contains(&s.id) {
                return Err(format!(
                    "a note says #{} gets no secret, but the plan does not leave it unchanged or only enable it",
                    s.id
                ));
            }
        }
        let created: HashSet<&str> = plan
            .changes
            .iter()
            .filter(|c| c.action == Action::Create)
            .map(|c| c.name.as_str())
            .collect();
        let deleted = plan.deleted_ids();
        let unmanaged: HashSet<i32> = plan.unmanaged.iter().map(|u| u.id).collect();
        for r in &self.renames {
            let listed = if r.deleted { &deleted } else { &unmanaged };
            if !created.contains(r.create.as_str()) || !listed.contains(&r.id) {
                return Err(format!(
                    "a rename note pairs the create of {:?} with #{}, which the plan does not hold that way",
                    r.create, r.id
                ));
            }
        }
        Ok(Notes {
            left_out: self.left_out,
            secrets_not_sent: self
                .secrets_not_sent
                .into_iter()
                .map(|s| SecretNotSent {
                    id: s.id,
                    name: s.name,
                })
                .collect(),
            renames: self
                .renames
                .into_iter()
                .map(|r| RenameHint {
                    create: r.create,
                    id: r.id,
                    name: r.name,
                    deleted: r.deleted,
                })
                .collect(),
        })
    }
}
