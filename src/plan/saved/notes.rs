//! The reviewer's notes in a saved plan (`plan::notes`), so that `apply FILE` and `show FILE`
//! say what `plan` said. They never change what is sent, but a note about a webhook the plan
//! does not hold that way is refused like any other inconsistency. Writes may be dropped by
//! hand, so a note is checked against what the plan holds, never against what it once held.

use std::collections::{HashMap, HashSet};

use super::Entries;
use crate::config::{Config, Key};
use crate::health::SecretVerdict;
use crate::plan::{Action, Notes, Op, Plan};
use crate::redact::quoted;

/// Refuses `notes` when one does not fit `plan`, made from `config`.
pub(super) fn check(
    notes: &Notes,
    plan: &Plan,
    entries: &Entries,
    config: &Config,
) -> Result<(), String> {
    let mut no_secret: HashMap<i32, &str> = (plan.unchanged.iter())
        .map(|u| (u.id, u.name.as_str()))
        .collect();
    let enabling = plan
        .changes
        .iter()
        .filter(|c| matches!(c.op, Op::SetEnabled { .. }));
    no_secret.extend(enabling.filter_map(|c| c.live().map(|w| (w.id, w.name.as_str()))));
    let mut noted = HashSet::new();
    for s in &notes.secrets_not_sent {
        if !noted.insert(s.id) {
            return Err(format!("a note says #{} gets no secret twice", s.id));
        }
        let Some(name) = no_secret.get(&s.id) else {
            return Err(format!(
                "a note says #{} gets no secret, but the plan does not leave it unchanged or only enable it",
                s.id
            ));
        };
        // The planner notes only a webhook whose entry sets a secret: show would claim one.
        if entries
            .find(Some(s.id), name)
            .is_none_or(|e| e.secret.is_none())
        {
            return Err(format!(
                "a note says #{} gets no secret, but the file's entry for it sets none",
                s.id
            ));
        }
    }
    // The planner notes a webhook by its live name, and only one with the create's very uri.
    // Only a deleted one's uri is in the plan, and a uri read from a variable stands as its
    // placeholder (`sensitive`), so the uri is compared only when both are there.
    let created: HashMap<&str, Option<&str>> = (plan.changes.iter())
        .filter_map(|c| match &c.op {
            Op::Create(body) => Some((c.name(), c.uri_var.is_none().then_some(&*body.uri))),
            _ => None,
        })
        .collect();
    let deleted: HashMap<i32, (&str, Option<&str>)> = (plan.changes.iter())
        .filter_map(|c| match &c.op {
            Op::Delete(w) => Some((w.id, (&*w.name, Some(&*w.uri)))),
            _ => None,
        })
        .collect();
    let unmanaged: HashMap<i32, (&str, Option<&str>)> = (plan.unmanaged.iter())
        .map(|u| (u.id, (&*u.name, None)))
        .collect();
    let mut paired = HashSet::new();
    for r in &notes.renames {
        if !paired.insert((r.create.as_str(), r.id)) {
            return Err(format!(
                "a rename note pairs the create of {} with #{} twice",
                quoted(&r.create),
                r.id
            ));
        }
        let listed = if r.deleted { &deleted } else { &unmanaged };
        let fits = match (created.get(r.create.as_str()), listed.get(&r.id)) {
            (Some(uri), Some((name, was))) => {
                *name == r.name && (uri.is_none() || was.is_none() || uri == was)
            }
            _ => false,
        };
        if !fits {
            return Err(format!(
                "a rename note pairs the create of {} with #{}, which the plan does not hold that way",
                quoted(&r.create),
                r.id
            ));
        }
    }
    // The entries the plan creates, writes or leaves unchanged: `--target` covered those.
    let held_entries: HashSet<&Key> = (plan.changes.iter())
        .filter(|c| c.action() != Action::Delete)
        .map(|c| (c.id(), c.live().map_or(c.name(), |w| &w.name)))
        .chain(plan.unchanged.iter().map(|u| (Some(u.id), u.name.as_str())))
        .filter_map(|(id, name)| Some(&entries.find(id, name)?.key))
        .collect();
    left_out_fits(notes.left_out, &held_entries, config)?;
    verdicts_fit(notes, plan, &held_entries, &noted, entries)
}

/// `--target` leaves `left_out` entries of `config` out, and each entry it covers is created,
/// written or left unchanged: so at most the entries the plan does not hold (fewer when a write
/// was dropped by hand).
fn left_out_fits(left_out: usize, held: &HashSet<&Key>, config: &Config) -> Result<(), String> {
    let entries = config.webhooks.len();
    if left_out > entries - held.len() {
        return Err(format!(
            "a note says --target left out {left_out} of the file's {entries} entries for this \
             portal, but the plan holds {} of them",
            held.len()
        ));
    }
    Ok(())
}

/// `--verify-secrets` gives a verdict on every webhook whose entry sets a secret, also those
/// `--target` leaves out (`commands::verified`); the planner sends a secret that differs, and
/// notes one neither sent nor verified as not sent.
fn verdicts_fit(
    notes: &Notes,
    plan: &Plan,
    held_entries: &HashSet<&Key>,
    noted: &HashSet<i32>,
    entries: &Entries,
) -> Result<(), String> {
    let held = held(plan);
    let mut verdicts = HashSet::new();
    // An entry manages one webhook: a second verdict on it names one the portal does not have.
    let mut with_verdict = HashSet::new();
    for c in &notes.secrets_checked {
        if !verdicts.insert(c.id) {
            return Err(format!("a note gives the secret of #{} two verdicts", c.id));
        }
        let entry = entries.find(Some(c.id), &c.name);
        let not_sent = noted.contains(&c.id);
        let misfit = match (held.get(&c.id), entry) {
            (_, None) => Some("no entry of the file is for it"),
            (_, Some(e)) if e.secret.is_none() => Some("the file's entry for it sets no secret"),
            (None, _) if notes.left_out == 0 => {
                Some("the plan does not hold it, and --target left nothing out")
            }
            (None, Some(e)) if held_entries.contains(&e.key) => {
                Some("the plan holds its entry as another webhook")
            }
            (_, Some(e)) if !with_verdict.insert(&e.key) => {
                Some("another verdict is on the webhook its entry manages")
            }
            (None, _) => None,
            (Some((name, _)), _) if *name != c.name => Some("the plan holds it under another name"),
            (Some((_, Held::Sent)), _) => None,
            (Some((_, Held::Unmanaged)), _) => Some("the plan does not manage it"),
            (Some((_, Held::NotSent)), _) if c.verdict == SecretVerdict::Differs => {
                Some("a secret that differs is sent, and the plan does not send it")
            }
            (Some((_, Held::NotSent)), _) if not_sent == (c.verdict == SecretVerdict::Verified) => {
                Some("a secret not sent is noted as not sent unless it was verified")
            }
            (Some((_, Held::NotSent)), _) => None,
        };
        if let Some(reason) = misfit {
            return Err(format!(
                "a note gives the secret of #{} the verdict {}, which does not fit the plan: {reason}",
                c.id,
                c.verdict.as_str()
            ));
        }
    }
    Ok(())
}

/// How a plan holds a webhook: what `--verify-secrets` said of its secret must fit it.
enum Held {
    /// Written with its secret.
    Sent,
    /// Left unchanged, only enabled, or written without its secret.
    NotSent,
    /// Deleted, or listed as unmanaged.
    Unmanaged,
}

/// Each webhook `plan` holds, by id, with its live name and how it is held.
fn held(plan: &Plan) -> HashMap<i32, (&str, Held)> {
    let changes = plan.changes.iter().filter_map(|c| {
        let how = match &c.op {
            Op::Delete(_) => Held::Unmanaged,
            _ if c.secret().is_some() => Held::Sent,
            _ => Held::NotSent,
        };
        c.live().map(|w| (w.id, (w.name.as_str(), how)))
    });
    let unchanged = (plan.unchanged.iter()).map(|u| (u.id, (u.name.as_str(), Held::NotSent)));
    let unmanaged = (plan.unmanaged.iter()).map(|u| (u.id, (u.name.as_str(), Held::Unmanaged)));
    changes.chain(unchanged).chain(unmanaged).collect()
}
