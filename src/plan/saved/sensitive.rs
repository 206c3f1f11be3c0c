//! A uri the file reads from a variable (`uri: ${VAR}`) in a saved plan: never the uri, only
//! `${VAR} hmac-sha256:HEX`, keyed with the portal's API key so that whoever holds the plan
//! cannot test guesses of a short token (docs/plans.md).
//!
//! So is any other uri equal to the value of a variable the run read, on any portal, or holding
//! a piece of it (`config::SecretUris`): the live uri of a webhook a renamed entry leaves behind
//! and `--prune` deletes, or one an entry moves away from; the placeholder names that variable.
//!
//! Invariants: the variable is always the file's (`read` refuses a placeholder naming another
//! for a webhook whose entry reads one, or naming one no entry of the file reads, and a real
//! uri where the file reads one); equal values give equal placeholders, so the planner's
//! checks of a write (a change that changes nothing) hold on them; `apply` puts the real values
//! back (`bind`) only after they match their fingerprints, and a mismatch makes the plan stale,
//! refused before any write.

use std::collections::HashMap;

use aws_lc_rs::hmac;
use secrecy::{ExposeSecret, SecretString};

use crate::api::LiveWebhook;
use crate::config::{Config, parse_env_ref};
use crate::plan::{Op, Plan};

use super::Entries;
use super::header::SavedPlanError;

const PREFIX: &str = "hmac-sha256:";

/// What stands in the plan for `uri`, the value of `var`.
pub(super) fn placeholder(var: &str, uri: &str, key: &SecretString) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.expose_secret().as_bytes());
    let fingerprint = super::hex(hmac::sign(&key, uri.as_bytes()).as_ref());
    format!("${{{var}}} {PREFIX}{fingerprint}")
}

/// The variable a placeholder names, when `text` is one.
pub(super) fn var_of(text: &str) -> Option<&str> {
    let (var, hex) = text.split_once(' ')?;
    let hex = hex.strip_prefix(PREFIX)?;
    let valid = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    valid.then(|| parse_env_ref(var))?
}

/// Puts the real uris back into every write of `plan` that holds a placeholder. A live record's
/// is its webhook's uri now where that matches the fingerprint (else it is left as the
/// placeholder, which the stale check reports without showing either). A body's is, for a
/// webhook whose entry reads its uri from a variable, the variable's value where it matches
/// (else the plan is stale); for another webhook, whose body held a uri equal to some
/// variable's value, the uri its entry gives or the live record's, where one matches: never
/// any other, so a placeholder edited in cannot send a uri the plan does not show. Then every
/// uri equal to a variable's value now is shown as `(sensitive)`, a stored one included.
pub fn bind(
    plan: &mut Plan,
    config: &Config,
    key: &SecretString,
    live: &[LiveWebhook],
) -> Result<(), SavedPlanError> {
    let entries = Entries::of(config);
    let secret_uris = crate::plan::secret_uris(config, live);
    let secret = |uri: &str| secret_uris.var_of(uri).is_some();
    let by_id: HashMap<i32, &LiveWebhook> = live.iter().map(|w| (w.id, w)).collect();
    // By the webhook's id and its name on the portal now.
    let live_var = |w: &LiveWebhook| entries.find(Some(w.id), &w.name)?.uri_var.as_deref();
    // The live uri a variable replaces is as secret as its value, and a portal's error may
    // echo it (as the planner registers it on a fresh run).
    for w in live {
        if let Some(var) = live_var(w).or_else(|| secret_uris.var_of(&w.uri)) {
            crate::redact::register_live_uri(&w.uri, var);
        }
    }
    let fingerprints = |var: &str, uri: &str, stored: &str| placeholder(var, uri, key) == stored;
    let mut stale = Vec::new();
    for change in &mut plan.changes {
        let own = change.uri_var.clone();
        let name = change.live().map_or(change.name(), |w| &w.name);
        let given = entries.find(change.id(), name).and_then(|e| e.uri.clone());
        let (body, mut before) = match &mut change.op {
            Op::Create(body) => (Some(body), None),
            Op::Update { live, body } => (Some(body), Some(live)),
            Op::SetEnabled { live, .. } | Op::Delete(live) => (None, Some(live)),
        };
        let mut live_unbound = false;
        if let Some(before) = before.as_deref_mut()
            && let Some(var) = var_of(&before.uri).map(str::to_string)
        {
            match by_id.get(&before.id) {
                Some(now) if fingerprints(&var, &now.uri, &before.uri) => {
                    // Secret whether or not this job holds the variable (another portal's).
                    crate::redact::register_live_uri(&now.uri, &var);
                    before.uri = now.uri.clone();
                }
                _ => live_unbound = true,
            }
        }
        let before_uri = before.as_deref().map(|w| w.uri.clone());
        if let Some(body) = body
            && let Some(var) = var_of(&body.uri).map(str::to_string)
        {
            // A webhook of its own variable gets its value, any other what the planner could
            // have sent it: the file's uri, or the one it has.
            let candidates = match &own {
                Some(_) => vec![given],
                None => vec![given, before_uri.filter(|_| !live_unbound)],
            };
            let found =
                (candidates.into_iter().flatten()).find(|uri| fingerprints(&var, uri, &body.uri));
            let name = crate::redact::mask_credentials(&body.name);
            match found {
                Some(uri) => {
                    crate::redact::register_live_uri(&uri, &var);
                    body.uri = uri;
                }
                None if own.is_some() => {
                    stale.push(format!("{var} no longer holds the uri planned for {name:?}"));
                }
                // The live uri moved: the stale check reports it.
                None if live_unbound => {}
                None => stale.push(format!(
                    "the uri planned for {name:?} is neither the one the file gives nor the live one"
                )),
            }
        }
        // The plan may name the webhook as no entry does (an edited name): what it is on the
        // portal now decides whether its live uri may be shown. So does what the variables
        // hold now, for a uri the plan stored as it is.
        let now = change.id().and_then(|id| by_id.get(&id));
        let var = own
            .is_none()
            .then(|| now.and_then(|w| live_var(w)))
            .flatten();
        change.mark_sensitive_uri(var, secret);
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(SavedPlanError::Stale { changes: stale })
    }
}
