//! A `webhooks:` mapping: its entries in file order, and the check that no two of them manage
//! one webhook by name (`Names`, also run over each portal's merged list by `overlay`).

use std::collections::HashMap;

use miette::SourceSpan;

use super::checker::{Checker, value_or_key};
use super::desired::{DesiredWebhook, Key};
use super::entry::{Entry, Place, entry};
use super::escape::shown;
use super::node::{Kind, Node};
use super::problem::problem_at;

/// The entries of `webhooks:` (`key`: `value`) standing at `place`, in file order. Entries with
/// an unusable key are left out (their problems are recorded).
pub(super) fn webhook_entries(
    c: &mut Checker,
    key: &Node,
    value: &Node,
    place: Place,
) -> Vec<Entry> {
    let entries = match &value.kind {
        Kind::Map(entries) => entries,
        other => {
            let span = value_or_key(key, value);
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
    let mut out = Vec::new();
    let mut names = Names::default();
    for (key, value) in entries {
        let Some(entry) = entry(c, key, value, place) else {
            continue;
        };
        names.claim(c, &entry.webhook, entry.name_span);
        out.push(entry);
    }
    out
}

/// The names entries manage so far, to find a name key that another entry also claims: a name
/// key matches by name, so the two would fight over one webhook. Two id keys may share a name
/// (the portal does not keep names unique; `export` writes such webhooks by id). Two keys for
/// one id are already duplicate YAML keys.
#[derive(Default)]
pub(super) struct Names {
    /// Where each name is written, and how that entry is keyed. Indexed by name: a file may
    /// hold thousands of entries.
    uses: HashMap<String, Vec<(SourceSpan, Use)>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    ById,
    ByName,
    /// A shared entry a portal gets as it is, recorded before the portal's own entries.
    Shared,
}

impl Names {
    /// Records the name of a shared entry that a portal gets as it is (shared names are
    /// distinct keys of one mapping, so they cannot clash among themselves).
    pub(super) fn shared(&mut self, name: &str, span: SourceSpan) {
        let uses = self.uses.entry(name.to_string()).or_default();
        uses.push((span, Use::Shared));
    }

    /// Records the name `webhook` manages, written at `name_span`; a problem when an entry
    /// recorded before claims it too.
    pub(super) fn claim(
        &mut self,
        c: &mut Checker,
        webhook: &DesiredWebhook,
        name_span: SourceSpan,
    ) {
        let (name, this) = match &webhook.key {
            Key::Name(n) => (n, Use::ByName),
            Key::Id(_) => match &webhook.name {
                Some(n) => (n, Use::ById),
                None => return,
            },
        };
        let uses = self.uses.entry(name.clone()).or_default();
        if let Some((first, first_use)) = uses
            .iter()
            .find(|(_, first)| this == Use::ByName || *first != Use::ById)
        {
            let help = if *first_use == Use::Shared {
                "a shared entry manages the webhook with its name on every portal that gets it, so no entry of the portal's own may use the name; rename this one, or leave this portal out of the shared entry with `only:`"
            } else {
                "a name key manages the one webhook with that name, so no other entry may use the name; key both entries by id"
            };
            let problem = problem_at(
                c.source,
                name_span,
                "config::duplicate_name",
                if c.quotable(&[name_span]) {
                    format!("two entries manage a webhook named '{}'", shown(name))
                } else {
                    "two entries manage a webhook of the same name".to_string()
                },
                "second use of this name".into(),
                Some(help.into()),
            )
            .with_label(*first, "first use".into());
            c.problems.push(problem);
        }
        uses.push((name_span, this));
    }
}
