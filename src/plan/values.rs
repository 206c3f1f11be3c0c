//! How values read in a plan: uris with their credentials masked, the portal's last failure as
//! a one-line excerpt. Display only: requests carry, and changes compare, the real values.

use crate::api::{LiveWebhook, mask_credentials};

use super::{Field, FieldChange, LastFailure, Value};

/// The portal's record of why deliveries failed, when it has one (docs/docspace-api.md §18:
/// it disables a webhook itself after days of failures).
pub(super) fn last_failure(w: &LiveWebhook) -> Option<LastFailure> {
    (w.last_failure_on.is_some() || w.last_failure_content.is_some()).then(|| LastFailure {
        on: w.last_failure_on.clone(),
        excerpt: w.last_failure_content.as_deref().map(excerpt),
    })
}

/// One line of at most 120 characters: the content is whatever the target answered.
fn excerpt(content: &str) -> String {
    let flat: String = content
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    match flat.char_indices().nth(120) {
        Some((cut, _)) => format!("{}...", &flat[..cut]),
        None => flat,
    }
}

/// A value as a plan shows it: credentials in a uri (`https://user:pass@host`) are masked,
/// since plans end up in pull requests and CI logs; names too, a name may be a uri.
pub(super) fn shown(field: Field, value: Value) -> Value {
    match value {
        Value::Text(text) if field.may_hold_credentials() => Value::Text(mask_credentials(&text)),
        value => value,
    }
}

/// A change of `field`, shown. The comparison is on the real values, so a change of only a
/// uri's password still shows (and is still written), marked as such.
pub(super) fn shown_change(field: Field, before: Value, after: Value) -> FieldChange {
    let (before, mut after) = (shown(field, before), shown(field, after));
    if before == after
        && let Value::Text(text) = &mut after
    {
        text.push_str(" (credentials changed)");
    }
    FieldChange {
        field,
        before,
        after,
    }
}
