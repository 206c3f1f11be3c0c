//! The one place a `Change` is made. A change is described by the write it sends (`Op`) and,
//! for a webhook that exists, the live record it was computed against; everything else a plan
//! shows or counts (action, id, name, the field diff, the last-failure note) is derived here
//! from those two. The planner and a saved plan read back (`saved`) both build their changes
//! through these functions, so what is shown, what the deletion guard counts and what is sent
//! cannot disagree.

use crate::api::{LiveWebhook, mask_credentials};

use super::values::{
    last_failure, optional, same_before_and_after, set, text, uri_change, uri_value,
};
use super::{Action, Change, Field, FieldChange, Op, PlannedBody, Value};

impl Change {
    /// A create of `body`: every field it sets, in `Field::ALL` order.
    pub(crate) fn create(body: PlannedBody) -> Change {
        let PlannedBody {
            name,
            uri,
            secret: _,
            enabled,
            ssl,
            triggers,
            target_id,
        } = &body;
        let fields = Field::ALL
            .iter()
            .filter_map(|&field| {
                let after = match field {
                    Field::Name => uri_value(name),
                    Field::Uri => uri_value(uri),
                    // A create always sends one: the planner refuses a create without it.
                    Field::SecretKey => Value::Sensitive,
                    Field::Enabled => Value::Bool(*enabled),
                    Field::Ssl => Value::Bool(*ssl),
                    Field::Triggers => Value::Triggers(*triggers),
                    Field::TargetId => text(target_id.as_deref()?),
                };
                Some(set(field, after))
            })
            .collect();
        Change {
            action: Action::Create,
            id: None,
            name: name.clone(),
            fields,
            op: Op::Create(body),
            before: None,
            failure: None,
        }
    }

    /// The delete of `w`: every field it has, in `Field::ALL` order.
    pub(crate) fn delete(w: LiveWebhook) -> Change {
        let LiveWebhook {
            id,
            name,
            uri,
            enabled,
            ssl,
            triggers,
            // Read through `live_target`, as everywhere.
            target_id: _,
            // Delivery status is not a setting: nothing to show going away.
            last_failure_on: _,
            last_failure_content: _,
            last_success_on: _,
        } = &w;
        let fields = Field::ALL
            .iter()
            .filter_map(|&field| {
                let before = match field {
                    Field::Name => uri_value(name),
                    Field::Uri => uri_value(uri),
                    // Never read back from the portal, so there is nothing to show.
                    Field::SecretKey => return None,
                    Field::Enabled => Value::Bool(*enabled),
                    Field::Ssl => Value::Bool(*ssl),
                    Field::Triggers => Value::Triggers(*triggers),
                    Field::TargetId => optional(live_target(&w).as_deref()),
                };
                Some(FieldChange {
                    field,
                    before,
                    after: Value::None,
                })
            })
            .collect();
        let (id, name) = (*id, name.clone());
        Change {
            action: Action::Delete,
            id: Some(id),
            name,
            fields,
            op: Op::Delete { id },
            before: Some(w),
            failure: None,
        }
    }

    /// The write that brings `w` to `body`, or `None` when it would change nothing.
    ///
    /// `rotate`: send the body's secret even when nothing else differs (the portal cannot tell
    /// whether a secret changed). When `enabled` is the only difference and no secret must go,
    /// the write is the enable call, which skips the portal's probe of a target that may be
    /// down; otherwise it is a PUT of the whole body, whose secret (when set) the plan shows.
    pub(crate) fn update(w: LiveWebhook, body: PlannedBody, rotate: bool) -> Option<Change> {
        let mut fields = differences(&w, &body);
        if fields.is_empty() && !rotate {
            return None;
        }
        let failure = (body.enabled && !w.enabled)
            .then(|| last_failure(&w))
            .flatten();
        let (name, op) = if fields.len() == 1 && fields[0].field == Field::Enabled && !rotate {
            let op = Op::SetEnabled {
                id: w.id,
                name: w.name.clone(),
                uri: w.uri.clone(),
                enabled: body.enabled,
            };
            (w.name.clone(), op)
        } else {
            if body.secret.is_some() {
                // The PUT carries the file's secret, so the plan says so: apply sends nothing
                // the plan does not show. In its place in `Field::ALL` order.
                let at = fields
                    .iter()
                    .position(|f| f.field > Field::SecretKey)
                    .unwrap_or(fields.len());
                fields.insert(
                    at,
                    same_before_and_after(Field::SecretKey, Value::Sensitive),
                );
            }
            (body.name.clone(), Op::Update { id: w.id, body })
        };
        Some(Change {
            action: Action::Update,
            id: Some(w.id),
            name,
            fields,
            op,
            before: Some(w),
            failure,
        })
    }
}

/// The body that only flips `enabled` on `w`: what the enable call amounts to.
pub(crate) fn enabled_only(w: &LiveWebhook, enabled: bool) -> PlannedBody {
    let LiveWebhook {
        id: _,
        name,
        uri,
        enabled: _,
        ssl,
        triggers,
        // Read through `live_target`, as everywhere.
        target_id: _,
        last_failure_on: _,
        last_failure_content: _,
        last_success_on: _,
    } = w;
    PlannedBody {
        name: name.clone(),
        uri: uri.clone(),
        // The enable call keeps the stored secret.
        secret: None,
        enabled,
        ssl: *ssl,
        triggers: *triggers,
        target_id: live_target(w),
    }
}

/// The portal's target, with `""` read as none (as the portal means it).
pub(crate) fn live_target(w: &LiveWebhook) -> Option<String> {
    w.target_id.clone().filter(|t| !t.is_empty())
}

/// The compared fields that differ between `w` and `body`, in `Field::ALL` order, uris masked
/// for display (a change of only a uri's credentials still shows).
fn differences(w: &LiveWebhook, body: &PlannedBody) -> Vec<FieldChange> {
    let PlannedBody {
        name,
        uri,
        // Never a difference by itself: the portal cannot read a secret back (`update` shows
        // it when it is sent).
        secret: _,
        enabled,
        ssl,
        triggers,
        target_id,
    } = body;
    let LiveWebhook {
        id: _,
        name: live_name,
        uri: live_uri,
        enabled: live_enabled,
        ssl: live_ssl,
        triggers: live_triggers,
        // Read through `live_target`, as everywhere.
        target_id: _,
        // Delivery status is the portal's, not a setting the file manages.
        last_failure_on: _,
        last_failure_content: _,
        last_success_on: _,
    } = w;
    Field::ALL
        .iter()
        .filter_map(|&field| {
            let (before, after) = match field {
                Field::Name => uri_change(live_name, name),
                Field::Uri => uri_change(live_uri, uri),
                Field::SecretKey => return None,
                Field::Enabled => (Value::Bool(*live_enabled), Value::Bool(*enabled)),
                Field::Ssl => (Value::Bool(*live_ssl), Value::Bool(*ssl)),
                Field::Triggers => (Value::Triggers(*live_triggers), Value::Triggers(*triggers)),
                Field::TargetId => (
                    optional(live_target(w).as_deref()),
                    optional(target_id.as_deref()),
                ),
            };
            (before != after).then_some(FieldChange {
                field,
                before,
                after,
            })
        })
        .collect()
}

/// Why the portal would refuse `body`: `ssl: true` requires an https uri (docs/docspace-api.md §13).
pub(crate) fn ssl_needs_https(body: &PlannedBody) -> Option<String> {
    (body.ssl && body.uri.starts_with("http://")).then(|| {
        format!(
            "ssl is true, which requires an https uri, but the uri is {}",
            mask_credentials(&body.uri)
        )
    })
}
