//! Pass 2 of the loader: the shape of the file, checked by hand over the node tree.
//!
//! Every problem is recorded and checking goes on, so one run reports everything wrong in the
//! file. A `Config` is returned only when there is no problem at all.

use std::collections::HashMap;
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

use super::checker::Checker;
use super::desired::{Config, DesiredWebhook, Key};
use super::entry::entry;
use super::escape::shown;
use super::keys::{PORTAL, PRUNE, TOP_FIELDS, WEBHOOKS};
use super::node::{Kind, Node};
use super::problem::{Problem, problem_at};

pub(super) fn build(
    tree: &Node,
    text: &str,
    source: &Arc<NamedSource<String>>,
) -> Result<Config, Vec<Problem>> {
    let mut c = Checker {
        source,
        text,
        problems: Vec::new(),
    };
    let TopLevel {
        portal,
        webhooks,
        max_deletes,
    } = top_level(&mut c, tree);
    // Checks that span fields (ssl against uri, duplicate names) run after the fields
    // themselves; report in file order all the same.
    c.problems.sort_by_key(|p| p.span().offset());
    if c.problems.is_empty() {
        Ok(Config {
            source: Arc::clone(source),
            portal,
            webhooks,
            max_deletes,
        })
    } else {
        Err(c.problems)
    }
}

/// What the top level holds besides problems.
#[derive(Default)]
struct TopLevel {
    portal: Option<(String, SourceSpan)>,
    webhooks: Vec<DesiredWebhook>,
    max_deletes: Option<usize>,
}

fn top_level(c: &mut Checker, tree: &Node) -> TopLevel {
    let entries = match &tree.kind {
        Kind::Map(entries) => entries,
        Kind::Null => {
            c.error(
                tree.span,
                "config::missing_webhooks",
                "the file is empty".to_string(),
                "no `webhooks:` here",
                Some("a file that manages no webhooks is `webhooks: {}`".to_string()),
            );
            return TopLevel::default();
        }
        other => {
            let message = format!(
                "the file must be a mapping with `webhooks:` (and optionally `portal:`), not {}",
                other.describe()
            );
            // A `|` or `>` on the first line makes everything below it one string.
            let help = matches!(other, Kind::Str(_)).then(|| {
                "a `|` or `>` where a key should be starts a block of text that runs to the end of the file; remove it".to_string()
            });
            c.error(
                tree.span,
                "config::type",
                message,
                "expected a mapping",
                help,
            );
            return TopLevel::default();
        }
    };
    let mut portal = None;
    let mut webhooks = None;
    let mut max_deletes = None;
    for (key, value) in entries {
        match &key.kind {
            Kind::Str(k) if k == PORTAL => {
                portal = c.url(value, PORTAL).map(|(p, _)| (p, value.span));
            }
            Kind::Str(k) if k == WEBHOOKS => webhooks = Some(webhook_entries(c, key, value)),
            Kind::Str(k) if k == PRUNE => max_deletes = c.prune(value),
            _ => c.unknown_field(key, TOP_FIELDS, "at the top level"),
        }
    }
    if webhooks.is_none() {
        c.error(
            tree.span,
            "config::missing_webhooks",
            "the file has no `webhooks:` mapping".to_string(),
            "`webhooks:` is missing",
            Some(
                "add `webhooks:` with one entry per webhook; `webhooks: {}` manages none"
                    .to_string(),
            ),
        );
    }
    TopLevel {
        portal,
        webhooks: webhooks.unwrap_or_default(),
        max_deletes,
    }
}

fn webhook_entries(c: &mut Checker, key: &Node, value: &Node) -> Vec<DesiredWebhook> {
    let entries = match &value.kind {
        Kind::Map(entries) => entries,
        other => {
            let span = if value.span.is_empty() {
                key.span
            } else {
                value.span
            };
            c.error(
                span,
                "config::type",
                format!("`webhooks` must be a mapping of webhook names or ids to their settings, not {}", other.describe()),
                "expected a mapping",
                Some("write `webhooks: {}` to manage no webhooks".to_string()),
            );
            return Vec::new();
        }
    };
    let mut webhooks = Vec::new();
    // (managed name, where it is written, keyed by name), to find a name key that another entry
    // also claims: a name key matches by name, so the two would fight over one webhook. Two
    // id keys may share a name (the portal does not keep names unique; `export` writes such
    // webhooks by id). Two keys for one id are already duplicate YAML keys.
    // Indexed by name: a file may hold thousands of entries.
    let mut names: HashMap<String, Vec<(SourceSpan, bool)>> = HashMap::new();
    for (key, value) in entries {
        let Some((webhook, name_span)) = entry(c, key, value) else {
            continue;
        };
        let managed = match &webhook.key {
            Key::Name(n) => Some(n.clone()),
            Key::Id(_) => webhook.name.clone(),
        };
        let by_name = matches!(webhook.key, Key::Name(_));
        if let Some(name) = managed {
            let uses = names.entry(name.clone()).or_default();
            if let Some((first, _)) = uses
                .iter()
                .find(|(_, first_by_name)| by_name || *first_by_name)
            {
                let problem = problem_at(
                    c.source,
                    name_span,
                    "config::duplicate_name",
                    if c.quotable(&[name_span]) {
                        format!("two entries manage a webhook named '{}'", shown(&name))
                    } else {
                        "two entries manage a webhook of the same name".to_string()
                    },
                    "second use of this name".into(),
                    Some("a name key manages the one webhook with that name, so no other entry may use the name; key both entries by id".into()),
                )
                .with_label(*first, "first use".into());
                c.problems.push(problem);
            }
            uses.push((name_span, by_name));
        }
        webhooks.push(webhook);
    }
    webhooks
}
