//! Turns matched pairs into changes: field-level diffs plus the one request that fixes each.
//!
//! Only fields the file sets are compared (a field left out is not managed), timestamps and
//! delivery status never are, and a secret is never a difference by itself because the API
//! cannot read it back (docs/docspace-api.md §14).

use std::collections::HashSet;

use crate::api::{LiveWebhook, mask_credentials};

use super::values::{changed, last_failure, optional, set, text, uri_change, uri_value};
use crate::config::{Config, DesiredWebhook, Key, problem_at};

use super::{
    Action, Change, Field, FieldChange, Op, Plan, PlanError, PlanOptions, PlannedBody, Unchanged,
    Unmanaged, Value,
};

/// Builds the plan from the matching: `matched[i]` is the live index entry `i` manages.
pub fn build(
    config: &Config,
    live: &[LiveWebhook],
    matched: &[Option<usize>],
    portal: &str,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let mut unchanged = Vec::new();

    for (entry, found) in config.webhooks.iter().zip(matched) {
        if found.is_none()
            && let Some(problem) = config.missing_for_create_problem(entry)
        {
            problems.push(problem);
            continue;
        }
        let outcome = match found {
            None => create(entry),
            Some(i) => update(entry, &live[*i], options.rotate_secrets),
        };
        match outcome {
            Ok(Some(change)) => changes.push(change),
            Ok(None) => {
                if let Some(i) = found {
                    let w = &live[*i];
                    unchanged.push(Unchanged {
                        id: w.id,
                        name: w.name.clone(),
                    });
                }
            }
            Err((message, label, help)) => problems.push(problem_at(
                &config.source,
                entry.span,
                "plan::would_be_refused",
                message,
                label,
                Some(help),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(PlanError::from_problems(problems));
    }

    let managed: HashSet<usize> = matched.iter().flatten().copied().collect();
    let mut absent: Vec<&LiveWebhook> = live
        .iter()
        .enumerate()
        .filter(|(i, _)| !managed.contains(i))
        .map(|(_, w)| w)
        .collect();
    absent.sort_by_key(|w| w.id);
    let mut unmanaged = Vec::new();
    for w in absent {
        if options.prune {
            changes.push(delete(w));
        } else {
            unmanaged.push(Unmanaged {
                id: w.id,
                name: w.name.clone(),
            });
        }
    }

    Ok(Plan {
        portal: portal.to_string(),
        changes,
        unchanged,
        unmanaged,
    })
}

/// A problem as (message, label, help), turned into a diagnostic at the entry's key.
type Refusal = (String, String, String);

fn create(entry: &DesiredWebhook) -> Result<Option<Change>, Refusal> {
    // Matching refused id keys that are not live, and `build` reported a missing uri or
    // secret, so these only unwrap.
    let (Key::Name(name), Some(uri), Some(secret)) = (&entry.key, &entry.uri, &entry.secret) else {
        return Ok(None);
    };
    let body = PlannedBody {
        name: name.clone(),
        uri: uri.clone(),
        secret: Some(secret.clone()),
        enabled: entry.enabled.unwrap_or(true),
        ssl: entry.ssl.unwrap_or(true),
        triggers: entry.triggers.unwrap_or_default(),
        target_id: entry.target_id.clone().filter(|t| !t.is_empty()),
    };
    refuse_plain_http_with_ssl(&body, entry.ssl.is_none())?;

    let mut fields = vec![
        set(Field::Name, Value::Text(body.name.clone())),
        set(Field::Uri, uri_value(&body.uri)),
        set(Field::SecretKey, Value::Sensitive),
        set(Field::Enabled, Value::Bool(body.enabled)),
        set(Field::Ssl, Value::Bool(body.ssl)),
        set(Field::Triggers, Value::Triggers(body.triggers)),
    ];
    if let Some(target) = &body.target_id {
        fields.push(set(Field::TargetId, Value::Text(target.clone())));
    }
    Ok(Some(Change {
        action: Action::Create,
        id: None,
        name: body.name.clone(),
        fields,
        op: Op::Create(body),
        before: None,
        failure: None,
    }))
}

fn delete(w: &LiveWebhook) -> Change {
    let target = w.target_id.clone().filter(|t| !t.is_empty());
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
        before: Some(w.clone()),
        failure: None,
    }
}

fn update(
    entry: &DesiredWebhook,
    w: &LiveWebhook,
    rotate_secrets: bool,
) -> Result<Option<Change>, Refusal> {
    let live_target = w.target_id.clone().filter(|t| !t.is_empty());
    let body = PlannedBody {
        name: entry.name.clone().unwrap_or_else(|| w.name.clone()),
        uri: entry.uri.clone().unwrap_or_else(|| w.uri.clone()),
        secret: entry.secret.clone(),
        enabled: entry.enabled.unwrap_or(w.enabled),
        ssl: entry.ssl.unwrap_or(w.ssl),
        triggers: entry.triggers.unwrap_or(w.triggers),
        target_id: match &entry.target_id {
            Some(t) if t.is_empty() => None,
            Some(t) => Some(t.clone()),
            None => live_target.clone(),
        },
    };

    let mut fields = Vec::new();
    let mut diff = |field, before: Value, after: Value| {
        if before != after {
            fields.push(FieldChange {
                field,
                before,
                after,
            });
        }
    };
    diff(Field::Name, text(&w.name), text(&body.name));
    let (uri_before, uri_after) = uri_change(&w.uri, &body.uri);
    diff(Field::Uri, uri_before, uri_after);
    diff(
        Field::Enabled,
        Value::Bool(w.enabled),
        Value::Bool(body.enabled),
    );
    diff(Field::Ssl, Value::Bool(w.ssl), Value::Bool(body.ssl));
    diff(
        Field::Triggers,
        Value::Triggers(w.triggers),
        Value::Triggers(body.triggers),
    );
    diff(
        Field::TargetId,
        optional(&live_target),
        optional(&body.target_id),
    );

    let rotate = rotate_secrets && body.secret.is_some();
    if fields.is_empty() && !rotate {
        return Ok(None);
    }
    let failure = (body.enabled && !w.enabled)
        .then(|| last_failure(w))
        .flatten();
    let op = if fields.len() == 1 && fields[0].field == Field::Enabled && !rotate {
        Op::SetEnabled {
            id: w.id,
            name: w.name.clone(),
            uri: w.uri.clone(),
            enabled: body.enabled,
        }
    } else {
        refuse_plain_http_with_ssl(&body, entry.ssl.is_none())?;
        if body.secret.is_some() {
            // The PUT carries the file's secret, so the plan says so: apply sends nothing the
            // plan does not show.
            let at = fields
                .iter()
                .position(|f| !matches!(f.field, Field::Name | Field::Uri))
                .unwrap_or(fields.len());
            fields.insert(at, changed(Field::SecretKey, Value::Sensitive));
        }
        Op::Update { id: w.id, body }
    };
    Ok(Some(Change {
        action: Action::Update,
        id: Some(w.id),
        name: match &op {
            Op::Update { body, .. } => body.name.clone(),
            _ => w.name.clone(),
        },
        fields,
        op,
        before: Some(w.clone()),
        failure,
    }))
}

/// DocSpace refuses `ssl: true` with `http://` ("HTTPS is required", docs/docspace-api.md §13);
/// the loader catches it within one entry, this catches it once live values are merged in.
fn refuse_plain_http_with_ssl(body: &PlannedBody, ssl_not_in_file: bool) -> Result<(), Refusal> {
    if !(body.ssl && body.uri.starts_with("http://")) {
        return Ok(());
    }
    let whence = if ssl_not_in_file {
        "`ssl` is not in the file and stays true"
    } else {
        "`ssl: true`"
    };
    Err((
        format!(
            "the portal would refuse this write: {whence}, which requires an https uri, but the uri is {}",
            mask_credentials(&body.uri)
        ),
        "ssl needs https".into(),
        "use an https uri, or set `ssl: false` to allow plain http".into(),
    ))
}
