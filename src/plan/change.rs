//! The one place a `Change` is made. A change is described by the write it sends (`Op`) and,
//! for a webhook that exists, the live record it was computed against; everything else a plan
//! shows or counts (action, id, name, the field diff, the last-failure note) is derived here
//! from those two. The planner and a saved plan read back (`saved`) both build their changes
//! through these functions, so what is shown, what the deletion guard counts and what is sent
//! cannot disagree.

use crate::api::{LiveWebhook, mask_credentials};

use super::values::{changed, last_failure, optional, set, text, uri_change, uri_value};
use super::{Action, Change, Field, FieldChange, Op, PlannedBody, Value};

impl Change {
    /// A create of `body`.
    pub(crate) fn create(body: PlannedBody) -> Change {
        let mut fields = vec![
            set(Field::Name, text(&body.name)),
            set(Field::Uri, uri_value(&body.uri)),
            set(Field::SecretKey, Value::Sensitive),
            set(Field::Enabled, Value::Bool(body.enabled)),
            set(Field::Ssl, Value::Bool(body.ssl)),
            set(Field::Triggers, Value::Triggers(body.triggers)),
        ];
        if let Some(target) = &body.target_id {
            fields.push(set(Field::TargetId, text(target)));
        }
        Change {
            action: Action::Create,
            id: None,
            name: body.name.clone(),
            fields,
            op: Op::Create(body),
            before: None,
            failure: None,
        }
    }

    /// The delete of `w`.
    pub(crate) fn delete(w: LiveWebhook) -> Change {
        let target = live_target(&w);
        let fields = [
            (Field::Name, text(&w.name)),
            (Field::Uri, uri_value(&w.uri)),
            (Field::Enabled, Value::Bool(w.enabled)),
            (Field::Ssl, Value::Bool(w.ssl)),
            (Field::Triggers, Value::Triggers(w.triggers)),
            (Field::TargetId, optional(&target)),
        ]
        .into_iter()
        .map(|(field, before)| FieldChange {
            field,
            before,
            after: Value::None,
        })
        .collect();
        Change {
            action: Action::Delete,
            id: Some(w.id),
            name: w.name.clone(),
            fields,
            op: Op::Delete { id: w.id },
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
                // the plan does not show.
                let at = fields
                    .iter()
                    .position(|f| !matches!(f.field, Field::Name | Field::Uri))
                    .unwrap_or(fields.len());
                fields.insert(at, changed(Field::SecretKey, Value::Sensitive));
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
    PlannedBody {
        name: w.name.clone(),
        uri: w.uri.clone(),
        secret: None,
        enabled,
        ssl: w.ssl,
        triggers: w.triggers,
        target_id: live_target(w),
    }
}

/// The portal's target, with `""` read as none (as the portal means it).
pub(crate) fn live_target(w: &LiveWebhook) -> Option<String> {
    w.target_id.clone().filter(|t| !t.is_empty())
}

/// The compared fields that differ between `w` and `body`, uris masked for display (a change
/// of only a uri's credentials still shows).
fn differences(w: &LiveWebhook, body: &PlannedBody) -> Vec<FieldChange> {
    let (uri_before, uri_after) = uri_change(&w.uri, &body.uri);
    [
        (Field::Name, text(&w.name), text(&body.name)),
        (Field::Uri, uri_before, uri_after),
        (
            Field::Enabled,
            Value::Bool(w.enabled),
            Value::Bool(body.enabled),
        ),
        (Field::Ssl, Value::Bool(w.ssl), Value::Bool(body.ssl)),
        (
            Field::Triggers,
            Value::Triggers(w.triggers),
            Value::Triggers(body.triggers),
        ),
        (
            Field::TargetId,
            optional(&live_target(w)),
            optional(&body.target_id),
        ),
    ]
    .into_iter()
    .filter(|(_, before, after)| before != after)
    .map(|(field, before, after)| FieldChange {
        field,
        before,
        after,
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
