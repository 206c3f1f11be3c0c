//! One portal's webhooks in a file with `portals:`: the shared entries it gets (all, or those
//! whose `only:` names it), each overlaid field by field by the portal's own entry of the same
//! name, followed by the portal's other entries; and the checks that only the merged list can
//! fail (`ssl: true` on one side against an http uri on the other, a name used twice).

use std::collections::HashMap;

use super::checker::Checker;
use super::desired::{DesiredWebhook, Key};
use super::entries::Names;
use super::entry::{Entry, ssl_needs_https};
use super::escape::shown;
use super::problem::problem_at;
use super::rules::check_url;

/// The webhooks of the portal called `portal`, from the file's `shared` entries and the
/// portal's `own`.
pub(super) fn portal_webhooks(
    c: &mut Checker,
    portal: &str,
    shared: &[Entry],
    own: Vec<Entry>,
) -> Vec<DesiredWebhook> {
    let applies = |s: &Entry| s.only.as_ref().is_none_or(|only| only.includes(portal));
    let by_name: HashMap<&str, usize> = (shared.iter().enumerate())
        .filter_map(|(i, s)| match &s.webhook.key {
            Key::Name(name) => Some((name.as_str(), i)),
            Key::Id(_) => None,
        })
        .collect();
    let mut overlays: Vec<Option<Entry>> = shared.iter().map(|_| None).collect();
    let mut rest = Vec::new();
    for entry in own {
        let shared_index = match &entry.webhook.key {
            Key::Name(name) => by_name.get(name.as_str()).copied(),
            Key::Id(_) => None,
        };
        match shared_index {
            Some(i) if applies(&shared[i]) => overlays[i] = Some(entry),
            Some(i) => left_out(c, portal, &shared[i], &entry),
            None => rest.push(entry),
        }
    }
    let mut names = Names::default();
    let mut out = Vec::new();
    for (shared, overlay) in shared.iter().zip(overlays) {
        if !applies(shared) {
            continue;
        }
        let merged = overlaid(&shared.webhook, overlay.as_ref().map(|o| &o.webhook));
        match &overlay {
            Some(overlay) => {
                ssl_across(c, shared, overlay, &merged);
                names.claim(c, &merged, merged.span);
            }
            None => {
                if let Key::Name(name) = &merged.key {
                    names.shared(name, merged.span);
                }
            }
        }
        out.push(merged);
    }
    for entry in rest {
        names.claim(c, &entry.webhook, entry.name_span);
        out.push(entry.webhook);
    }
    out
}

/// `own` has the name of a shared entry whose `only:` leaves `portal` out: an overlay of
/// nothing, or a portal-only webhook sharing a name with a shared one; either reading would
/// surprise someone.
fn left_out(c: &mut Checker, portal: &str, shared: &Entry, own: &Entry) {
    let Key::Name(name) = &own.webhook.key else {
        return;
    };
    let message = if c.quotable(&[own.webhook.span]) {
        format!(
            "'{}' overlays a shared entry that `only` does not give to `{portal}`",
            shown(name)
        )
    } else {
        format!("this entry overlays a shared entry that `only` does not give to `{portal}`")
    };
    let mut problem = problem_at(
        c.source,
        own.webhook.span,
        "config::overlay_left_out",
        message,
        "same name as a shared entry".to_string(),
        Some(format!(
            "add `{portal}` to the shared entry's `only:` to overlay it here, or rename this entry to make it a webhook of `{portal}` alone"
        )),
    );
    if let Some(only) = &shared.only {
        problem = problem.with_label(only.key_span, format!("`{portal}` is not listed here"));
    }
    c.problems.push(problem);
}

/// `shared` overlaid by `own` (`DesiredWebhook::overlaid_by`), or a copy of it without `own`.
pub(super) fn overlaid(shared: &DesiredWebhook, own: Option<&DesiredWebhook>) -> DesiredWebhook {
    own.map_or_else(|| shared.clone(), |own| shared.overlaid_by(own))
}

/// `ssl: true` and an http uri that come from different sides of an overlay (on one side,
/// the entry check has said so already). The problem points at the overlay's side, which
/// differs for each portal.
fn ssl_across(c: &mut Checker, shared: &Entry, own: &Entry, merged: &DesiredWebhook) {
    let http = merged
        .uri
        .as_deref()
        .is_some_and(|uri| check_url(uri).is_ok_and(|u| u.scheme() == "http"));
    if merged.ssl != Some(true) || !http {
        return;
    }
    let ssl_from_own = own.webhook.ssl.is_some();
    if ssl_from_own == own.webhook.uri.is_some() {
        return;
    }
    let (ssl_span, uri_span) = if ssl_from_own {
        (own.ssl_span, shared.uri_span)
    } else {
        (shared.ssl_span, own.uri_span)
    };
    let (Some(ssl_span), Some(uri_span)) = (ssl_span, uri_span) else {
        return;
    };
    if ssl_from_own {
        let shared_uri = (uri_span, "plain http in the shared entry");
        ssl_needs_https(c, (ssl_span, "ssl is turned on here"), shared_uri);
    } else {
        let shared_ssl = (ssl_span, "ssl is turned on in the shared entry");
        ssl_needs_https(c, (uri_span, "plain http"), shared_ssl);
    }
}
