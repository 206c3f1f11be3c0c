//! The one place a `Change` is made, from the write it sends (`Op`) and the live record it was
//! computed against: everything a plan shows or counts is derived here from those two. The
//! planner and a saved plan read back (`saved`) both build changes here, so what is shown,
//! what the deletion guard counts and what is sent cannot disagree.

use crate::api::{LiveWebhook, mask_credentials};
use crate::config::SecretRef;

use super::values::{last_failure, shown, shown_change};
use super::{Action, Change, Field, FieldChange, Op, PlannedBody, Value};

impl Change {
    /// A create of `body`: every field it sets, in `Field::ALL` order.
    pub(crate) fn create(body: PlannedBody) -> Change {
        let fields = Field::ALL
            .iter()
            .filter_map(|&field| {
                let after = match body.value(field) {
                    // The secret: a create always sends one (the planner refuses a create
                    // without it), never shown.
                    None => Value::Sensitive,
                    Some(Value::None) => return None,
                    Some(value) => shown(field, value),
                };
                Some(FieldChange {
                    field,
                    before: Value::None,
                    after,
                })
            })
            .collect();
        Change::of(fields, Op::Create(body))
    }

    /// The delete of `w`: every field it has (the secret is never read back), in `Field::ALL`
    /// order.
    pub(crate) fn delete(w: LiveWebhook) -> Change {
        let settings = w.settings();
        let fields = Field::ALL
            .iter()
            .filter_map(|&field| {
                Some(FieldChange {
                    field,
                    before: shown(field, settings.value(field)?),
                    after: Value::None,
                })
            })
            .collect();
        Change::of(fields, Op::Delete(w))
    }

    /// The write that brings `w` to `body`, or `None` when it would change nothing.
    ///
    /// `rotate`: send the body's secret even when nothing else differs (the portal cannot tell
    /// whether a secret changed). When `enabled` is the only difference and no secret must go,
    /// the write is the enable call, which skips the portal's probe of a target that may be
    /// down; otherwise it is a PUT of the whole body, whose secret (when set) the plan shows.
    pub(crate) fn update(w: LiveWebhook, body: PlannedBody, rotate: bool) -> Option<Change> {
        let live = w.settings();
        // A secret is never a difference by itself: the portal cannot read it back.
        let mut fields: Vec<FieldChange> = (Field::ALL.iter())
            .filter_map(|&field| {
                let (before, after) = (live.value(field)?, body.value(field)?);
                (before != after).then(|| shown_change(field, before, after))
            })
            .collect();
        if fields.is_empty() && !rotate {
            return None;
        }
        let failure = last_failure(&w).filter(|_| body.enabled && !w.enabled);
        let op = if fields.len() == 1 && fields[0].field == Field::Enabled && !rotate {
            Op::SetEnabled {
                enabled: body.enabled,
                live: w,
            }
        } else {
            if body.secret_key.is_some() {
                // The PUT carries the file's secret, so the plan says so: apply sends nothing
                // the plan does not show. In its place in `Field::ALL` order.
                let at = fields
                    .iter()
                    .position(|f| f.field > Field::SecretKey)
                    .unwrap_or(fields.len());
                let sent = FieldChange {
                    field: Field::SecretKey,
                    before: Value::Sensitive,
                    after: Value::Sensitive,
                };
                fields.insert(at, sent);
            }
            Op::Update { live: w, body }
        };
        Some(Change {
            failure,
            ..Change::of(fields, op)
        })
    }

    fn of(fields: Vec<FieldChange>, op: Op) -> Change {
        Change {
            fields,
            op,
            failure: None,
            uri_var: None,
            uri_hidden: false,
            deliveries: None,
        }
    }

    pub fn action(&self) -> Action {
        match self.op {
            Op::Create(_) => Action::Create,
            Op::Update { .. } | Op::SetEnabled { .. } => Action::Update,
            Op::Delete(_) => Action::Delete,
        }
    }

    /// `None` for a create.
    pub fn id(&self) -> Option<i32> {
        self.live().map(|w| w.id)
    }

    /// The name after the change (the live name for a delete).
    pub fn name(&self) -> &str {
        match &self.op {
            Op::Create(body) | Op::Update { body, .. } => &body.name,
            Op::SetEnabled { live, .. } | Op::Delete(live) => &live.name,
        }
    }

    /// The live record it was computed against; `None` for a create.
    pub fn live(&self) -> Option<&LiveWebhook> {
        match &self.op {
            Op::Create(_) => None,
            Op::Update { live, .. } | Op::SetEnabled { live, .. } | Op::Delete(live) => Some(live),
        }
    }

    /// The secret this change sends: a create's, or a PUT's when its body carries one.
    pub fn secret(&self) -> Option<&SecretRef> {
        match &self.op {
            Op::Create(body) | Op::Update { body, .. } => body.secret_key.as_ref(),
            Op::SetEnabled { .. } | Op::Delete(_) => None,
        }
    }

    /// The live uri it was computed against and the uri it sends, each when it has one.
    fn uris(&self) -> (Option<&str>, Option<&str>) {
        let sent = match &self.op {
            Op::Create(body) | Op::Update { body, .. } => Some(body.uri.as_str()),
            Op::SetEnabled { .. } | Op::Delete(_) => None,
        };
        (self.live().map(|w| w.uri.as_str()), sent)
    }

    /// Hides the uris of this change that are secret, shown as `(sensitive)`: both, when the
    /// file reads this webhook's uri from `var` (`uri: ${VAR}`, then the change's `uri_var`);
    /// else each one `secret` says is (the value of another entry's variable, of any portal: the
    /// live uri of a webhook renamed, pruned or moved away from it). A change of a hidden uri
    /// stays listed.
    pub(crate) fn mark_sensitive_uri(&mut self, var: Option<&str>, secret: impl Fn(&str) -> bool) {
        let (live, sent) = self.uris();
        let hidden = |uri: Option<&str>| var.is_some() || uri.is_some_and(&secret);
        let (before, after) = (hidden(live), hidden(sent));
        for f in self.fields.iter_mut().filter(|f| f.field == Field::Uri) {
            for (side, hidden) in [(&mut f.before, before), (&mut f.after, after)] {
                if hidden && *side != Value::None {
                    *side = Value::Sensitive;
                }
            }
        }
        self.uri_hidden |= before || after;
        if let Some(var) = var {
            self.uri_var = Some(var.to_string());
        }
    }
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
