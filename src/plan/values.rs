//! How values read in a plan: uris with their credentials masked, the portal's last failure as
//! a one-line excerpt, and small constructors for field changes. Display only: the requests a
//! plan sends carry the real values (`PlannedBody`).

use crate::api::{LiveWebhook, mask_credentials};

use super::{Field, FieldChange, LastFailure, Value};

/// The portal's record of why deliveries failed, when it has one (docs/docspace-api.md §18:
/// it disables a webhook itself after days of failures).
pub(super) fn last_failure(w: &LiveWebhook) -> Option<LastFailure> {
    if w.last_failure_on.is_none() && w.last_failure_content.is_none() {
        return None;
    }
    Some(LastFailure {
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

/// A uri as a plan shows it: credentials in it (`https://user:pass@host`) are masked, since
/// plans end up in pull requests and CI logs. Names too: a name may be a uri.
pub(super) fn uri_value(uri: &str) -> Value {
    Value::Text(mask_credentials(uri))
}

/// Both sides of a uri change, masked. The comparison is on the real uris, so a change of only
/// the password still shows (and is still written), marked as such.
pub(super) fn uri_change(before: &str, after: &str) -> (Value, Value) {
    let (masked_before, masked_after) = (mask_credentials(before), mask_credentials(after));
    if before != after && masked_before == masked_after {
        return (
            Value::Text(masked_before),
            Value::Text(format!("{masked_after} (credentials changed)")),
        );
    }
    (Value::Text(masked_before), Value::Text(masked_after))
}

pub(super) fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub(super) fn optional(s: Option<&str>) -> Value {
    s.map_or(Value::None, text)
}

pub(super) fn set(field: Field, after: Value) -> FieldChange {
    FieldChange {
        field,
        before: Value::None,
        after,
    }
}

/// A field that is written but reads the same before and after: a secret sent again, whose
/// value a plan never shows.
pub(super) fn same_before_and_after(field: Field, value: Value) -> FieldChange {
    FieldChange {
        field,
        before: value.clone(),
        after: value,
    }
}
