//! The reviewer's notes in a saved plan (`plan::notes`), so that `apply FILE` and `show FILE`
//! say what `plan` said. They never change what is sent, but a note about a webhook the plan
//! does not hold that way is refused like any other inconsistency. Writes may be dropped by
//! hand, so a note is checked against what the plan holds, never against what it once held.

use std::collections::HashSet;

use crate::config::Config;
use crate::plan::{Action, Change, Notes, Op, Plan};

/// Refuses `notes` when one does not fit `plan`, made from `config`.
pub(super) fn check(notes: &Notes, plan: &Plan, config: &Config) -> Result<(), String> {
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
    left_out_fits(notes.left_out, plan, config)
}

/// `--target` leaves `left_out` entries of `config` out, and each entry it covers is created,
/// written or left unchanged: so at most the entries the plan does not hold (fewer when a write
/// was dropped by hand).
fn left_out_fits(left_out: usize, plan: &Plan, config: &Config) -> Result<(), String> {
    let held_entries: HashSet<_> = (plan.changes.iter())
        .filter(|c| c.action() != Action::Delete)
        .map(|c| (c.id(), c.live().map_or(c.name(), |w| &w.name)))
        .chain(plan.unchanged.iter().map(|u| (Some(u.id), u.name.as_str())))
        .filter_map(|(id, name)| Some(&super::entry_in_file(config, id, name)?.key))
        .collect();
    let entries = config.webhooks.len();
    if left_out > entries - held_entries.len() {
        return Err(format!(
            "a note says --target left out {left_out} of the file's entries, but it has {entries} \
             and the plan holds {} of them",
            held_entries.len()
        ));
    }
    Ok(())
}
