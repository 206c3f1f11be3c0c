//! A file with `portals:`: each named portal's `url`, `apiKey` and own entries, the shared
//! entries (the top-level `webhooks:`), and what ties them together: `only:` names portals of
//! the file, and no two portals share a url. Each portal's merged list is `overlay`'s.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::checker::{Checker, value_or_key};
use super::desired::{Config, DesiredWebhook, Fleet, Key, NamedPortal};
use super::entries::webhook_entries;
use super::entry::{Entry, Place};
use super::escape::shown;
use super::keys::closest_field;
use super::node::{Kind, Node};
use super::overlay::{overlaid, portal_webhooks};
use super::portal::{Draft, draft};
use super::problem::problem_at;

/// The keys of the top level, each with its key and value as written.
#[derive(Default)]
pub(super) struct TopLevel<'n> {
    pub portal: Option<(&'n Node, &'n Node)>,
    pub portals: Option<(&'n Node, &'n Node)>,
    pub webhooks: Option<(&'n Node, &'n Node)>,
    pub prune: Option<&'n Node>,
}

/// The portals of a file with `portals:` (`portals` is that key and its value). The result is
/// only complete when no problem was recorded.
pub(super) fn fleet(c: &mut Checker, top: &TopLevel, portals: (&Node, &Node)) -> Fleet {
    if let Some((portal, _)) = top.portal {
        let problem = problem_at(
            c.source,
            portal.span,
            "config::portal_and_portals",
            "a file has either `portal:` or `portals:`, not both".to_string(),
            "one portal".to_string(),
            Some(
                "in a file with `portals:` each portal has its own `url:`; remove `portal:`"
                    .to_string(),
            ),
        )
        .with_label(portals.0.span, "named portals".to_string());
        c.problems.push(problem);
    }
    let default_limit = top.prune.and_then(|value| c.prune(value));
    let (drafts, keys) = drafts(c, portals.0, portals.1);
    let shared: Vec<Entry> = top
        .webhooks
        .map(|(key, value)| webhook_entries(c, key, value, Place::Shared))
        .unwrap_or_default()
        .into_iter()
        .filter(|e| matches!(e.webhook.key, Key::Name(_)))
        .collect();
    if let Some(keys) = keys {
        let defined: Vec<&str> = drafts.iter().map(|d| d.name.as_str()).collect();
        unknown_portals(c, &shared, &keys, &defined);
    }
    same_url(c, &drafts);
    if too_many(c, portals.0, &drafts, &shared) {
        return Fleet {
            source: Arc::clone(c.source),
            portals: Vec::new(),
            written: Vec::new(),
        };
    }
    let mut written: Vec<DesiredWebhook> = shared
        .iter()
        .chain(drafts.iter().flat_map(|d| &d.own))
        .map(|e| overlaid(&e.webhook, None))
        .collect();
    written.sort_by_key(|w| w.span.offset());
    let portals = drafts
        .into_iter()
        .filter_map(|draft| {
            let webhooks = portal_webhooks(c, &draft.name, &shared, draft.own);
            let (api_key_var, api_key_span) = draft.api_key?;
            Some(NamedPortal {
                name: draft.name,
                span: draft.span,
                api_key_var,
                api_key_span,
                config: Config {
                    source: Arc::clone(c.source),
                    portal: Some(draft.url?),
                    webhooks,
                    max_deletes: draft.prune.unwrap_or(default_limit),
                },
            })
        })
        .collect();
    Fleet {
        source: Arc::clone(c.source),
        portals,
        written,
    }
}

/// The portals under `portals:` that have a usable name, and every string key there (`None`
/// when `portals` is not a mapping), so `only:` is not also faulted for a name that is.
fn drafts(c: &mut Checker, key: &Node, value: &Node) -> (Vec<Draft>, Option<Vec<String>>) {
    let example = "e.g. `portals: { staging: { url: https://staging.docs.example.com, apiKey: ${DOCSPACE_STAGING_KEY} } }`";
    let span = value_or_key(key, value);
    let entries = match &value.kind {
        Kind::Map(entries) if !entries.is_empty() => entries,
        Kind::Map(_) | Kind::Null => {
            let help = format!("add one entry per portal, {example}");
            c.error(
                span,
                "config::no_portals",
                "`portals` defines no portal".to_string(),
                "no portal here",
                Some(help),
            );
            return (Vec::new(), None);
        }
        other => {
            let message = format!(
                "`portals` must be a mapping of portal names to their settings, not {}",
                other.describe()
            );
            c.error(
                span,
                "config::type",
                message,
                "expected a mapping",
                Some(example.to_string()),
            );
            return (Vec::new(), None);
        }
    };
    let keys = entries
        .iter()
        .filter_map(|(k, _)| match &k.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let drafts = entries
        .iter()
        .filter_map(|(key, value)| draft(c, key, value))
        .collect();
    (drafts, Some(keys))
}

/// Names in a shared entry's `only:` that are not portals of the file, each with the closest
/// one as a hint. `keys` are every key under `portals:`, usable as a name or not.
fn unknown_portals(c: &mut Checker, shared: &[Entry], keys: &[String], defined: &[&str]) {
    let keys: HashSet<&str> = keys.iter().map(String::as_str).collect();
    for only in shared.iter().filter_map(|e| e.only.as_ref()) {
        for (name, span) in &only.names {
            if keys.contains(name.as_str()) {
                continue;
            }
            let help = match closest_field(name, defined) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the portals of this file: {}", defined.join(", ")),
            };
            let message = match c.quotable(&[*span]) {
                true => format!(
                    "`only` names `{}`, which is not a portal of this file",
                    shown(name)
                ),
                false => "`only` names a portal this file does not define".to_string(),
            };
            c.error(
                *span,
                "config::unknown_portal",
                message,
                "no such portal",
                Some(help),
            );
        }
    }
}

/// Far beyond a real fleet (200 portals of 100 webhooks each are 20,000), far below what would
/// exhaust memory: within the parser's node budget, 4,000 portals could each get 12,000 shared
/// entries, 48 million copies.
const MAX_FLEET_WEBHOOKS: usize = 250_000;

/// Whether the portals would get more webhooks in all than `MAX_FLEET_WEBHOOKS` (recorded as a
/// problem at `key`, the `portals` key), counted before any is copied.
fn too_many(c: &mut Checker, key: &Node, drafts: &[Draft], shared: &[Entry]) -> bool {
    let own: usize = drafts.iter().map(|d| d.own.len()).sum();
    let shared: usize = shared
        .iter()
        .map(|s| s.only.as_ref().map_or(drafts.len(), |o| o.names.len()))
        .fold(0, usize::saturating_add);
    let total = own.saturating_add(shared);
    if total <= MAX_FLEET_WEBHOOKS {
        return false;
    }
    c.error(
        key.span,
        "config::too_many_webhooks",
        format!("the portals of this file would get {total} webhooks in all, more than the {MAX_FLEET_WEBHOOKS} one file may manage"),
        "too many portals and shared entries",
        Some("split the portals over several files".to_string()),
    );
    true
}

/// Two portals whose urls name one portal (compared as the client would use them: scheme and
/// host case, a default port and a trailing slash do not count) would both write its webhooks.
fn same_url(c: &mut Checker, drafts: &[Draft]) {
    let mut seen: HashMap<String, &Draft> = HashMap::new();
    for draft in drafts {
        let Some((url, span)) = &draft.url else {
            continue;
        };
        let Some(identity) = identity(url) else {
            continue;
        };
        match seen.get(&identity) {
            Some(first) => {
                let first_span = first.url.as_ref().map_or(first.span, |(_, s)| *s);
                let problem = problem_at(
                    c.source,
                    *span,
                    "config::duplicate_portal",
                    format!("portals `{}` and `{}` have the same url", first.name, draft.name),
                    format!("the same portal as `{}`", first.name),
                    Some("list each portal once: two names for one portal would both plan and write its webhooks".to_string()),
                )
                .with_label(first_span, "first".to_string());
                c.problems.push(problem);
            }
            None => {
                seen.insert(identity, draft);
            }
        }
    }
}

/// The portal a url names (`PortalUrl::identity`): two spellings of one portal are one.
fn identity(url: &str) -> Option<String> {
    crate::api::PortalUrl::parse(url).ok().map(|u| u.identity())
}
