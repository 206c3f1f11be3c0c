//! A uri the file reads from a variable (`uri: ${VAR}`) in a saved plan: never the uri, only
//! `${VAR} hmac-sha256:HEX`, keyed with the portal's API key so that whoever holds the plan
//! cannot test guesses of a short token (docs/plans.md).
//!
//! Invariants: the variable is always the file's (`read` refuses a placeholder naming another,
//! and a real uri where the file reads one); equal values give equal placeholders, so the
//! planner's checks of a write (a change that changes nothing) hold on them; `apply` puts the
//! real values back (`bind`) only after the variable's value and the live uri match their
//! fingerprints, and a mismatch makes the plan stale, refused before any write.

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

/// Puts the real uris back into every write of `plan` whose webhook reads its uri from a
/// variable: the variable's value where it matches the planned fingerprint (else the plan is
/// stale), the live uri where it matches the live record's (else left as the placeholder, which
/// the stale check reports without showing either).
pub fn bind(
    plan: &mut Plan,
    config: &Config,
    key: &SecretString,
    live: &[LiveWebhook],
) -> Result<(), SavedPlanError> {
    let entries = Entries::of(config);
    let by_id: HashMap<i32, &LiveWebhook> = live.iter().map(|w| (w.id, w)).collect();
    // By the webhook's id and its name on the portal now.
    let live_var = |w: &LiveWebhook| entries.find(Some(w.id), &w.name)?.uri_var.as_deref();
    // The live uri a variable replaces is as secret as its value, and a portal's error may
    // echo it (as the planner registers it on a fresh run).
    for w in live.iter().filter(|w| live_var(w).is_some()) {
        crate::redact::register_uri(&w.uri);
    }
    let mut stale = Vec::new();
    for change in &mut plan.changes {
        let Some(var) = change.uri_var.clone() else {
            // The plan may name the webhook as no entry does (an edited name): what it is on
            // the portal now decides whether its live uri may be shown.
            let now = change.id().and_then(|id| by_id.get(&id));
            change.mark_sensitive_uri(now.and_then(|w| live_var(w)));
            continue;
        };
        let name = change.live().map_or(change.name(), |w| &w.name);
        let resolved = entries.find(change.id(), name).and_then(|e| e.uri.clone());
        let (body, before) = match &mut change.op {
            Op::Create(body) => (Some(body), None),
            Op::Update { live, body } => (Some(body), Some(live)),
            Op::SetEnabled { live, .. } | Op::Delete(live) => (None, Some(live)),
        };
        if let Some(body) = body {
            match resolved {
                Some(uri) if placeholder(&var, &uri, key) == body.uri => body.uri = uri,
                _ => {
                    stale.push(format!(
                        "{var} no longer holds the uri planned for {:?}",
                        crate::redact::mask_credentials(&body.name)
                    ));
                    continue;
                }
            }
        }
        if let Some(before) = before
            && let Some(now) = by_id.get(&before.id)
            && placeholder(&var, &now.uri, key) == before.uri
        {
            before.uri = now.uri.clone();
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(SavedPlanError::Stale { changes: stale })
    }
}
