//! The sentences of a plan's notes (`plan::notes`), shared by the text and Markdown renderers,
//! which differ only in how an (already escaped) user string is set off (`Wrap`): as it is in
//! text, a code span in Markdown. JSON carries the same facts as data.
//!
//! Lists of webhooks are cut after a few names: a file of a thousand webhooks that all set
//! `secretKey` must not turn one note into a thousand names (JSON lists them all).

use super::lookalike;
use crate::health::SecretVerdict;
use crate::plan::{Change, LastFailure, Plan, RenameHint};
use crate::redact::{plain, quoted};

/// Webhooks named in a note before the rest are counted.
const NAMES_SHOWN: usize = 5;
/// Variables named in `Apply will read` before the rest are counted.
const VARS_SHOWN: usize = 50;

/// How a renderer sets off a piece of a sentence that is already escaped (a quoted name, a
/// variable, a command): as it is in text, a code span in Markdown.
pub(super) type Wrap<'a> = &'a dyn Fn(&str) -> String;

/// The notes about the whole plan, one sentence each: the entries `--target` left out, the
/// secrets not sent, the variables `apply` reads.
pub(super) fn plan_notes(plan: &Plan, wrap: Wrap) -> Vec<String> {
    let mut lines = Vec::new();
    let notes = &plan.notes;
    let n = notes.left_out;
    if n > 0 {
        let entries = if n == 1 { "entry" } else { "entries" };
        lines.push(format!(
            "Left out by --target: {n} {entries} of the file, neither compared nor written."
        ));
    }
    if !notes.secrets_not_sent.is_empty() {
        let names: Vec<String> = notes
            .secrets_not_sent
            .iter()
            .map(|s| wrap(&format!("#{} {}", s.id, quoted(&s.name))))
            .collect();
        let them = if names.len() == 1 { "it" } else { "them" };
        lines.push(format!(
            "Secrets are not compared (the portal never returns them): this plan does not send \
             the secretKey the file sets for {}. {} sends {them}.",
            listed(&names, NAMES_SHOWN),
            wrap("apply --rotate-secrets")
        ));
    }
    for check in &notes.secrets_checked {
        // A webhook `--target` left out is checked too, and not written.
        let sends = (plan.changes.iter()).any(|c| c.id() == Some(check.id) && c.secret().is_some());
        let then = match check.verdict {
            SecretVerdict::Differs if sends => "; this plan sends the file's",
            SecretVerdict::Differs => "; this plan does not send the file's",
            SecretVerdict::Verified | SecretVerdict::Unverifiable => "",
        };
        lines.push(format!(
            "Secret of {}: {}: {}{then}.",
            wrap(&format!("#{} {}", check.id, quoted(&check.name))),
            check.verdict.as_str(),
            crate::redact::message(&check.detail)
        ));
    }
    let vars = plan.secrets_needed();
    if !vars.is_empty() {
        let vars: Vec<String> = vars.into_iter().map(|v| wrap(&plain(v))).collect();
        lines.push(format!("Apply will read: {}", listed(&vars, VARS_SHOWN)));
    }
    lines
}

/// The note under a create that may be meant as a rename of a live webhook.
pub(super) fn rename(hint: &RenameHint, wrap: Wrap) -> String {
    let old = wrap(&format!("#{} {}", hint.id, quoted(&hint.name)));
    let create = quoted(&hint.create);
    let by_id = wrap(&format!("{}: {{ name: {create} }}", hint.id));
    if hint.deleted {
        format!(
            "{old} has the same uri and is deleted by this plan: this create and that delete \
             lose its id and delivery history; to rename it instead, key this entry by its id: \
             {by_id}"
        )
    } else {
        format!(
            "{old} has the same uri and no entry in the file: to rename it rather than create \
             another webhook, key this entry by its id, {by_id}, so its id and delivery history \
             survive"
        )
    }
}

/// The notes under a change's heading, each as its sentences and whether it is a warning: the
/// portal probably disabled the webhook itself (`failure`), the delivery log a delete erases
/// (no API call gives it back, docs/docspace-api.md §12), a look-alike host, a likely rename.
pub(super) fn change_notes(plan: &Plan, change: &Change, wrap: Wrap) -> Vec<(bool, Vec<String>)> {
    let mut notes = Vec::new();
    if let Some(failure) = &change.failure {
        let last = last_failure(failure, wrap);
        notes.push((
            true,
            vec![
                format!("probably disabled by the portal after failed deliveries{last}"),
                "enabling it sends events to that target again: check that it answers first"
                    .to_string(),
            ],
        ));
    }
    notes.extend(change.deliveries.map(|n| match n {
        0 => (false, vec!["its delivery log is empty".to_string()]),
        n => {
            let s = if n == 1 { "delivery" } else { "deliveries" };
            (true, vec![format!("erases its delivery log too: {n} {s}")])
        }
    }));
    notes.extend(lookalike::warnings(change).map(|(field, host)| {
        let sentence = lookalike::sentence(
            field.key(),
            &host,
            |s| wrap(&quoted(s)),
            |s| wrap(&plain(s)),
        );
        (true, vec![sentence])
    }));
    notes.extend(
        plan.renames_of(change)
            .map(|hint| (true, vec![rename(hint, wrap)])),
    );
    notes
}

/// What a change the portal probably caused says of the last failure, e.g. `; last failure
/// ON — EXCERPT`; empty when the portal recorded neither.
fn last_failure(failure: &LastFailure, wrap: Wrap) -> String {
    let on = failure.on.as_deref().map(|on| wrap(&plain(on)));
    let excerpt = failure.excerpt.as_deref().map(|e| wrap(&quoted(e)));
    match (on, excerpt) {
        (Some(on), Some(excerpt)) => format!("; last failure {on} — {excerpt}"),
        (Some(on), None) => format!("; last failure {on}"),
        (None, Some(excerpt)) => format!("; last failure: {excerpt}"),
        (None, None) => String::new(),
    }
}

/// `a, b, c and 4 more`: at most `max` items, the rest counted.
fn listed(items: &[String], max: usize) -> String {
    let shown = items[..items.len().min(max)].join(", ");
    match items.len().saturating_sub(max) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}
