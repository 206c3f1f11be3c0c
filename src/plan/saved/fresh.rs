//! The stale check: a saved plan is applied only while every webhook it writes is still what
//! it was computed against. Real values are compared, a uri's credentials included (a password
//! changed since would be written back); messages mask them. Which portal it goes to is settled
//! before: `apply` makes its client from the URL the part was read with (`SavedPortal::url`),
//! the one the plan's `portal` is derived from, and `Settings::one_portal` refuses another.

use std::collections::HashSet;

use crate::api::{LiveWebhook, mask_credentials};
use crate::plan::values::shown;
use crate::plan::{Action, Change, Field, Op, Plan, Value};

use super::header::SavedPlanError;

/// Refuses `plan` when the portal moved on since it was made; `live` is a fresh list.
pub fn check_fresh(plan: &Plan, live: &[LiveWebhook]) -> Result<(), SavedPlanError> {
    // Webhooks a create may share its (name, uri) with, modulo case, as when the plan was
    // made: one it deletes (the delete runs first, `apply::frees_a_pair`), and one it lists
    // as unmanaged or unchanged under the same name (a fresh plan creates beside it too).
    let deleted = plan.changes.iter().filter(|c| c.action() == Action::Delete);
    let known: HashSet<(i32, &str)> = (deleted.filter_map(|c| Some((c.id()?, c.name()))))
        .chain(
            plan.unmanaged
                .iter()
                .chain(&plan.unchanged)
                .map(|u| (u.id, u.name.as_str())),
        )
        .collect();
    let changes: Vec<String> = (plan.changes.iter())
        .filter_map(|c| staleness(c, live, &known))
        .collect();
    if changes.is_empty() {
        Ok(())
    } else {
        Err(SavedPlanError::Stale { changes })
    }
}

/// What changed on the portal since this change was computed.
fn staleness(
    change: &Change,
    live: &[LiveWebhook],
    known: &HashSet<(i32, &str)>,
) -> Option<String> {
    let before = match &change.op {
        Op::Create(body) => {
            // Same name: a fresh plan would update it instead. Same (name, uri) without case,
            // on a webhook the plan was not made beside: the portal (on MySQL) would refuse
            // the create as a duplicate.
            let clash = |w: &&LiveWebhook| {
                w.name == body.name
                    || (w.same_pair(body) && !known.contains(&(w.id, w.name.as_str())))
            };
            return live.iter().find(clash).map(|w| {
                format!(
                    "{:?} would be created, but now exists as #{} {:?}",
                    mask_credentials(&body.name),
                    w.id,
                    mask_credentials(&w.name)
                )
            });
        }
        Op::Update { live: before, .. }
        | Op::SetEnabled { live: before, .. }
        | Op::Delete(before) => before,
    };
    let Some(now) = live.iter().find(|w| w.id == before.id) else {
        return Some(format!(
            "#{} {:?} was deleted on the portal",
            before.id,
            mask_credentials(&before.name)
        ));
    };
    let (was, is) = (before.settings(), now.settings());
    let secrets = crate::redact::Registered::now();
    let moved: Vec<String> = Field::ALL
        .iter()
        .filter_map(|&field| {
            let (was, is) = (was.value(field)?, is.value(field)?);
            if was == is {
                return None;
            }
            // A uri read from a variable, or equal to one's value, is never shown, live or
            // planned; nor is one the portal took since the plan was made.
            if field == Field::Uri && change.uri_hidden {
                return Some("uri (sensitive) -> (sensitive)".to_string());
            }
            // As `(sensitive)`, not as the `[redacted]` the stderr guard would make of it.
            let hidden = |t: &str| secrets.uri_in(t) || crate::redact::guarded(t) != t;
            let hide = |v: Value| match v {
                Value::Text(t) if field == Field::Uri && hidden(&t) => Value::Sensitive,
                v => v,
            };
            let (was, is) = (quoted(field, hide(was)), quoted(field, hide(is)));
            // Equal as shown: only credentials differ, which are masked.
            let note = if was == is {
                " (credentials changed)"
            } else {
                ""
            };
            Some(format!("{} {was} -> {is}{note}", field.key()))
        })
        .collect();
    (!moved.is_empty()).then(|| {
        format!(
            "#{} {:?} changed on the portal: {}",
            before.id,
            mask_credentials(&before.name),
            moved.join(", ")
        )
    })
}

/// A value as the message quotes it, credentials masked (`shown`), and as a plan shows it.
fn quoted(field: Field, value: Value) -> String {
    match shown(field, value) {
        Value::Text(text) => format!("{text:?}"),
        Value::None => "(none)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Triggers(triggers) => triggers.to_string(),
        Value::Sensitive => "(sensitive)".into(),
    }
}
