//! The reviewer's notes in a saved plan (`plan::notes`), so that `apply FILE` and `show FILE`
//! say what `plan` said. They never change what is sent, but a note about a webhook the plan
//! does not hold that way is refused like any other inconsistency.

use std::collections::HashSet;

use crate::plan::{Action, Change, Notes, Op, Plan};

/// Refuses `notes` when one does not fit `plan`.
pub(super) fn check(notes: &Notes, plan: &Plan) -> Result<(), String> {
    let mut no_secret: HashSet<i32> = plan.unchanged.iter().map(|u| u.id).collect();
    let enabling = plan
        .changes
        .iter()
        .filter(|c| matches!(c.op, Op::SetEnabled { .. }));
    no_secret.extend(enabling.filter_map(Change::id));
    for s in &notes.secrets_not_sent {
        if !no_secret.contains(&s.id) {
            return Err(format!(
                "a note says #{} gets no secret, but the plan does not leave it unchanged or only enable it",
                s.id
            ));
        }
    }
    let with = |action| (plan.changes.iter()).filter(move |c: &&Change| c.action() == action);
    let created: HashSet<&str> = with(Action::Create).map(Change::name).collect();
    let deleted: HashSet<i32> = with(Action::Delete).filter_map(|c| c.id()).collect();
    let unmanaged: HashSet<i32> = plan.unmanaged.iter().map(|u| u.id).collect();
    for r in &notes.renames {
        let listed = if r.deleted { &deleted } else { &unmanaged };
        if !created.contains(r.create.as_str()) || !listed.contains(&r.id) {
            return Err(format!(
                "a rename note pairs the create of {:?} with #{}, which the plan does not hold that way",
                r.create, r.id
            ));
        }
    }
    Ok(())
}
