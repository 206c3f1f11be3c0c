//! The stale check: a saved plan is applied only to the portal it was made for, and only while
//! every webhook it writes is still what the plan was computed against.
//!
//! Real values are compared, credentials in a uri included: a password changed on the portal
//! since would otherwise be silently written back. Messages show uris masked, as plans do.

use crate::api::{LiveWebhook, mask_credentials};
use crate::plan::change::live_target;
use crate::plan::{Change, Field, Op, Plan};

use super::header::SavedPlanError;

/// Refuses `plan` when the portal moved on since it was made. `live` is a fresh list.
pub fn check_fresh(
    plan: &Plan,
    target_portal: &str,
    live: &[LiveWebhook],
) -> Result<(), SavedPlanError> {
    if plan.portal != target_portal {
        return Err(SavedPlanError::OtherPortal {
            planned: plan.portal.clone(),
            target: target_portal.to_string(),
        });
    }
    let changes: Vec<String> = plan
        .changes
        .iter()
        .filter_map(|c| staleness(c, live))
        .collect();
    if changes.is_empty() {
        Ok(())
    } else {
        Err(SavedPlanError::Stale { changes })
    }
}

/// What changed on the portal that this change was computed without, if anything.
fn staleness(change: &Change, live: &[LiveWebhook]) -> Option<String> {
    if let Op::Create(body) = &change.op {
        // Same name: a fresh plan would update it instead. Same (name, uri) without case: the
        // portal (on MySQL) would refuse the create as a duplicate.
        let lower = |s: &str| s.to_lowercase();
        let clash = |w: &&LiveWebhook| {
            w.name == body.name
                || (lower(&w.name) == lower(&body.name) && lower(&w.uri) == lower(&body.uri))
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
    let Some(before) = &change.before else {
        unreachable!("only a create is made without its live record (plan::change)");
    };
    let Some(now) = live.iter().find(|w| w.id == before.id) else {
        return Some(format!(
            "#{} {:?} was deleted on the portal",
            before.id,
            mask_credentials(&before.name)
        ));
    };
    let LiveWebhook {
        id: _,
        name,
        uri,
        enabled,
        ssl,
        triggers,
        // Read through `live_target`, as the plan does.
        target_id: _,
        // Delivery status changes on its own and is never written back.
        last_failure_on: _,
        last_failure_content: _,
        last_success_on: _,
    } = before;
    let moved: Vec<String> = Field::ALL
        .iter()
        .filter_map(|&field| {
            let (was, is) = match field {
                Field::Name => masked_pair(name, &now.name),
                Field::Uri => masked_pair(uri, &now.uri),
                // Never read back, so it cannot be seen to move.
                Field::SecretKey => return None,
                Field::Enabled => (enabled.to_string(), now.enabled.to_string()),
                Field::Ssl => (ssl.to_string(), now.ssl.to_string()),
                Field::Triggers => (triggers.to_string(), now.triggers.to_string()),
                Field::TargetId => (
                    format!("{:?}", live_target(before)),
                    format!("{:?}", live_target(now)),
                ),
            };
            (was != is).then(|| format!("{} {was} -> {is}", field.key()))
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

/// A name or uri before and after, quoted with credentials masked; a change of only the
/// credentials still shows, as such.
fn masked_pair(before: &str, after: &str) -> (String, String) {
    let (was, is) = (mask_credentials(before), mask_credentials(after));
    let note = if before != after && was == is {
        " (credentials changed)"
    } else {
        ""
    };
    (format!("{was:?}"), format!("{is:?}{note}"))
}
