//! Turns matched pairs into changes: the desired body of each webhook the file manages, merged
//! with its live values, and the one request that fixes it (built by `change`).
//!
//! Only fields the file sets are compared (a field left out is not managed), timestamps and
//! delivery status never are, and a secret is never a difference by itself because the API
//! cannot read it back (docs/docspace-api.md §14).

use std::collections::HashSet;

use crate::api::{LiveWebhook, mask_credentials};

use crate::config::{Config, DesiredWebhook, problem_at};
use crate::field::Webhook;
use crate::triggers::TriggerSet;

use super::change::ssl_needs_https;
use super::matching::Match;
use super::{
    Change, Notes, Op, Plan, PlanError, PlanOptions, PlannedBody, Selection, Unchanged, Unmanaged,
};

/// Builds the plan from the matching: `matched[i]` is what entry `i` manages. Only the
/// entries `selection` covers are planned; the others are left out whole (their problems about
/// the write included, since nothing is written for them). The notes are left empty.
pub(super) fn build(
    config: &Config,
    live: &[LiveWebhook],
    matched: &[Match],
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
        let outcome = match *found {
            Match::New(name) => {
                if entry.uri.is_none() || entry.secret.is_none() {
                    // `missing_for_create_problem` is `Some` exactly for these entries.
                    problems.extend(config.missing_for_create_problem(entry));
                    continue;
                }
                create(entry, name).map(Some)
            }
            Match::Live(i) => {
                let w = &live[i];
                let change = update(entry, w, options.rotate_secrets);
                if let Ok(None) = change {
                    unchanged.push(Unchanged {
                        id: w.id,
                        name: w.name.clone(),
                    });
                }
                change
            }
        };
        match outcome {
            Ok(change) => changes.extend(change),
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

    let managed: HashSet<usize> = matched.iter().filter_map(Match::live_index).collect();
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

/// The create of `entry`, keyed by `name`, which no live webhook has; the entry has the uri
/// and the secret creating needs.
fn create(entry: &DesiredWebhook, name: &str) -> Result<Change, Refusal> {
    // What the portal takes for each field a create leaves out.
    let defaults = Webhook {
        name: name.to_string(),
        uri: String::new(),
        secret_key: (),
        enabled: true,
        ssl: true,
        triggers: TriggerSet::ALL,
        target_id: None,
    };
    let body = merged(entry, defaults);
    refuse_plain_http_with_ssl(&body, entry.ssl.is_none())?;
    Ok(Change::create(body))
}

fn update(
    entry: &DesiredWebhook,
    w: &LiveWebhook,
    rotate_secrets: bool,
) -> Result<Option<Change>, Refusal> {
    let body = merged(entry, w.settings());
    let rotate = rotate_secrets && body.secret_key.is_some();
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

/// The body `entry` asks for: each field it sets, the others as `base` has them (the live
/// webhook's settings, or what a create gets by default).
fn merged(entry: &DesiredWebhook, base: Webhook<()>) -> PlannedBody {
    PlannedBody {
        name: entry.name.clone().unwrap_or(base.name),
        uri: entry.uri.clone().unwrap_or(base.uri),
        secret_key: entry.secret.clone(),
        enabled: entry.enabled.unwrap_or(base.enabled),
        ssl: entry.ssl.unwrap_or(base.ssl),
        triggers: entry.triggers.unwrap_or(base.triggers),
        // `""` in the file is "no target".
        target_id: match &entry.target_id {
            Some(t) => Some(t.clone()).filter(|t| !t.is_empty()),
            None => base.target_id,
        },
    }
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
