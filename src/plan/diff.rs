//! Turns matched pairs into changes: the desired body of each webhook the file manages, merged
//! with its live values, and the one request that fixes it (built by `change`).
//!
//! Only fields the file sets are compared (a field left out is not managed), timestamps and
//! delivery status never are, and a secret is never a difference by itself because the API
//! cannot read it back (docs/docspace-api.md §14).

use std::collections::HashSet;

use crate::api::{LiveWebhook, mask_credentials};

use crate::config::{Config, DesiredWebhook, Key, problem_at};

use super::change::{live_target, ssl_needs_https};
use super::{
    Change, Notes, Op, Plan, PlanError, PlanOptions, PlannedBody, Selection, Unchanged, Unmanaged,
};

/// Builds the plan from the matching: `matched[i]` is the live index entry `i` manages. Only
/// the entries `selection` covers are planned; the others are left out whole (their problems
/// about the write included, since nothing is written for them). The notes are left empty.
pub fn build(
    config: &Config,
    live: &[LiveWebhook],
    matched: &[Option<usize>],
    selection: &Selection,
    portal: &str,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let mut unchanged = Vec::new();

    for (i, (entry, found)) in config.webhooks.iter().zip(matched).enumerate() {
        if !selection.includes(i) {
            continue;
        }
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
            changes.push(Change::delete(w.clone()));
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
        notes: Notes::default(),
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
    Ok(Some(Change::create(body)))
}

fn update(
    entry: &DesiredWebhook,
    w: &LiveWebhook,
    rotate_secrets: bool,
) -> Result<Option<Change>, Refusal> {
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
            None => live_target(w),
        },
    };
    let rotate = rotate_secrets && body.secret.is_some();
    let change = Change::update(w.clone(), body, rotate);
    if let Some(Change {
        op: Op::Update { body, .. },
        ..
    }) = &change
    {
        refuse_plain_http_with_ssl(body, entry.ssl.is_none())?;
    }
    Ok(change)
}

/// DocSpace refuses `ssl: true` with `http://` ("HTTPS is required", docs/docspace-api.md §13);
/// the loader catches it within one entry, this catches it once live values are merged in.
fn refuse_plain_http_with_ssl(body: &PlannedBody, ssl_not_in_file: bool) -> Result<(), Refusal> {
    if ssl_needs_https(body).is_none() {
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
