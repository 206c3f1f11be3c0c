//! The planner's one walk (`plan`): the file's entries matched to the live webhooks, each pair
//! turned into a change (the entry's body merged over its live values, and the one request
//! that fixes it: `change`), and the reviewer's notes recorded on the way (secrets not sent,
//! renames, unmanaged webhooks). Only fields the file sets are compared; a secret is never a
//! difference by itself, the API cannot read it back (docs/docspace-api.md §14).

use std::collections::HashSet;

use crate::api::{LiveWebhook, mask_credentials};

use crate::config::{Config, DesiredWebhook, Problem, problem_at};
use crate::field::Webhook;
use crate::health::SecretVerdict;
use crate::triggers::TriggerSet;

use super::Selection;
use super::change::ssl_needs_https;
use super::matching::{self, Match};
use super::{Change, Named, Notes, Op, Plan, PlanError, PlanOptions, PlannedBody, RenameHint};

/// Plans `config` against the live list read from `portal`. Every entry is matched, also those
/// `--target` leaves out, so the live webhooks of those are neither unmanaged nor deleted; the
/// entries left out are skipped whole, their problems included: nothing is written.
pub fn plan(
    config: &Config,
    live: &[LiveWebhook],
    portal: &str,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let matched = matching::match_entries(config, live);
    let selection = (options.selection.clone()).unwrap_or_else(|| Selection::all(config));
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let mut unchanged = Vec::new();
    let mut secrets_not_sent = Vec::new();
    let checked = |id: i32, verdict: SecretVerdict| {
        (options.secrets_checked.iter()).any(|c| c.id == id && c.verdict == verdict)
    };
    // A uri equal to a `uri: ${VAR}`'s value or its value before, or holding a piece of one,
    // is as secret in any record: the live uri of the webhook a renamed entry leaves behind,
    // one an entry moves away from. The list's reader registered each (`secret_live_uris`), as
    // a portal's error may echo it.
    let secret_uris = super::matched_secret_uris(config, live, &matched);
    let secret = |uri: &str| secret_uris.var_of(uri).is_some();

    let managed: HashSet<usize> = (matched.iter().flatten())
        .filter_map(Match::live_index)
        .collect();
    for (i, (entry, found)) in config.webhooks.iter().zip(matched).enumerate() {
        // Reported for every entry, `--target` or not, with the others' problems.
        let found = match found {
            Ok(found) => found,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        if !selection.includes(i) {
            continue;
        }
        // A `uri: ${VAR}` not read yet (`Document::resolve_uris`) would leave the uri
        // unmanaged without a word.
        assert!(
            entry.uri_var.is_none() || entry.uri.is_some(),
            "a uri variable is read before planning"
        );
        let mut change = match found {
            Match::New(name) => {
                if let Some(problem) = config.missing_for_create_problem(entry) {
                    problems.push(problem);
                    continue;
                }
                Change::create(merged(entry, created(name)))
            }
            Match::Live(i) => {
                let w = &live[i];
                let body = merged(entry, w.settings());
                // A secret the delivery log shows differs is sent like a rotated one.
                let rotate = (options.rotate_secrets || checked(w.id, SecretVerdict::Differs))
                    && body.secret_key.is_some();
                let change = Change::update(w.clone(), body, rotate);
                // No write, or the enable call, sends no secret; one found equal in the delivery
                // log was compared after all.
                if entry.secret.is_some()
                    && !matches!(&change, Some(c) if matches!(c.op, Op::Update { .. }))
                    && !checked(w.id, SecretVerdict::Verified)
                {
                    secrets_not_sent.push(Named::of(w));
                }
                let Some(change) = change else {
                    unchanged.push(Named::of(w));
                    continue;
                };
                change
            }
        };
        if let Op::Create(body) | Op::Update { body, .. } = &change.op
            && ssl_needs_https(body).is_some()
        {
            let hidden = match &entry.uri_var {
                Some(var) => Some(format!("the value of {var}")),
                None => (secret_uris.var_of(&body.uri))
                    .map(|var| format!("it holds the value {var} has or had, or part of it")),
            };
            problems.push(plain_http_with_ssl(config, entry, &body.uri, hidden));
            continue;
        }
        change.mark_sensitive_uri(entry.uri_var.as_deref(), secret);
        changes.push(change);
    }
    if !problems.is_empty() {
        return Err(PlanError::from_problems(problems));
    }

    let mut absent: Vec<&LiveWebhook> = (live.iter().enumerate())
        .filter_map(|(i, w)| (!managed.contains(&i)).then_some(w))
        .collect();
    absent.sort_by_key(|w| w.id);
    let mut unmanaged = Vec::new();
    for w in absent {
        if options.prune {
            let mut change = Change::delete(w.clone());
            change.mark_sensitive_uri(None, secret);
            changes.push(change);
        } else {
            unmanaged.push(Named::of(w));
        }
    }

    // Creates whose uri a live webhook no entry manages has: with --prune, it is deleted.
    let mut renames = Vec::new();
    for change in &changes {
        let Op::Create(body) = &change.op else {
            continue;
        };
        let same_uri =
            (live.iter().enumerate()).filter(|(i, w)| !managed.contains(i) && w.uri == body.uri);
        for (_, w) in same_uri {
            renames.push(RenameHint {
                create: body.name.clone(),
                id: w.id,
                name: w.name.clone(),
                deleted: options.prune,
            });
        }
    }
    Ok(Plan {
        portal: portal.to_string(),
        changes,
        unchanged,
        unmanaged,
        notes: Notes {
            left_out: selection.left_out(),
            secrets_not_sent,
            renames,
            secrets_checked: options.secrets_checked,
        },
    })
}

/// What the portal gives a created webhook for each field the file leaves out.
fn created(name: &str) -> Webhook<()> {
    Webhook {
        name: name.to_string(),
        // A create always has the file's.
        uri: String::new(),
        secret_key: (),
        enabled: true,
        ssl: true,
        triggers: TriggerSet::ALL,
        target_id: None,
    }
}

/// The body `entry` asks for: each field it sets, the others as `base` has them (the live
/// webhook's settings, or what a create gets).
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
/// `hidden`: why the uri is not shown (the variable whose value it is, or holds a piece of).
fn plain_http_with_ssl(
    config: &Config,
    entry: &DesiredWebhook,
    uri: &str,
    hidden: Option<String>,
) -> Problem {
    let whence = if entry.ssl.is_none() {
        "`ssl` is not in the file and stays true"
    } else {
        "`ssl: true`"
    };
    problem_at(
        &config.source,
        entry.span,
        "plan::would_be_refused",
        format!(
            "the portal would refuse this write: {whence}, which requires an https uri, but the uri is {}",
            match hidden {
                Some(why) => format!("plain http ({why})"),
                None => mask_credentials(uri),
            }
        ),
        "ssl needs https".into(),
        Some("use an https uri, or set `ssl: false` to allow plain http".into()),
    )
}
