//! Pass 2 of the loader, checked by hand over the node tree: the top level, and a file with
//! one `portal:` (a file with `portals:` is `portals`'s). A `Document` is returned only when
//! there is no problem at all.

use std::collections::HashSet;
use std::sync::Arc;

use super::checker::Checker;
use super::desired::{Config, Document};
use super::display::{Source, is_field_like};
use super::entry::{Place, webhook_entries};
use super::node::{Duplicate, Kind, Node};
use super::portals::fleet;
use super::problem::Problem;
use super::schema::{PORTAL, PORTALS, PRUNE, TOP_FIELDS, WEBHOOKS};
use super::secret::SecretRef;
use super::secret_uris::RunUris;
use crate::redact::Registered;
use secrecy::ExposeSecret;

/// `duplicates`: the keys the tree holds once but the file writes twice, reported with the rest.
pub(super) fn build(
    tree: &Node,
    source: &Arc<Source>,
    duplicates: Vec<Duplicate>,
) -> Result<Document, Vec<Problem>> {
    let mut c = Checker {
        source,
        problems: Vec::new(),
        borrowed: super::checker::borrowed(tree),
        listed: Vec::new(),
    };
    let document = top_level(&mut c, tree);
    // A secret written in the file and reused by an alias (`targetId: *s`) would be shown in
    // plans and listed by the portal, whose lists are then refused (`api::refuse_echoes`).
    let literals = (document.written.iter()).filter_map(|w| match &w.secret {
        Some(SecretRef::Literal(secret)) => Some(secret.expose_secret()),
        _ => None,
    });
    let secrets = Registered::of(literals);
    for (field, span, value) in std::mem::take(&mut c.listed) {
        if secrets.in_text(&value, false).is_some() {
            let message = format!("`{}` holds a secretKey written in this file", field.key());
            let help = "the portal lists a webhook's name, uri and targetId as they are, and \
                        the tool refuses a list that holds a secret: write another value;\nan \
                        ordinary word as a secret makes this likely, as names and uris hold \
                        such words: a longer random secret ends it";
            c.error(
                span,
                "config::secret_in_field",
                message,
                "holds a secret",
                Some(help),
            );
        }
    }
    for d in duplicates {
        // Named only when it reads as a key or a plain name: the snippet, built from the tree
        // that keeps the first, masks the second like any key it does not know.
        let (message, help) = if d.merge {
            (
                "duplicate merge key `<<`".to_string(),
                "merge several mappings with one key and a list: `<<: [*first, *second]`",
            )
        } else {
            let message = match d.key.filter(|k| is_field_like(k)) {
                Some(key) => format!("duplicate key `{key}`"),
                None => "duplicate key".to_string(),
            };
            (
                message,
                "each key may appear once in a mapping; merge the two entries",
            )
        };
        let label = "already used above in this mapping";
        c.error(d.span, "config::duplicate_key", message, label, Some(help));
    }
    // Checks that span fields (ssl against uri, duplicate names) run after the fields
    // themselves; report in file order all the same.
    c.problems.sort_by_key(|p| p.span().offset());
    if document.unnamed().is_none() {
        // A problem of a shared entry found again in each portal's merged list is told once.
        let mut seen = HashSet::new();
        c.problems.retain(|p| {
            let span = p.span();
            seen.insert((span.offset(), span.len(), p.message().to_string()))
        });
    }
    if c.problems.is_empty() {
        Ok(document)
    } else {
        Err(c.problems)
    }
}

fn top_level(c: &mut Checker, tree: &Node) -> Document {
    let empty = || {
        Document::one(Config {
            source: Arc::clone(c.source),
            portal: None,
            webhooks: Vec::new(),
            max_deletes: None,
            run_uris: RunUris::default(),
        })
    };
    let entries = match &tree.kind {
        Kind::Map(entries) => entries,
        Kind::Null => {
            c.error(
                tree.span,
                "config::missing_webhooks",
                "the file is empty",
                "no `webhooks:` here",
                Some("a file that manages no webhooks is `webhooks: {}`"),
            );
            return empty();
        }
        other => {
            let message =
                "the file must be a mapping with `webhooks:` (and optionally `portal:`), not";
            // A `|` or `>` on the first line makes everything below it one string.
            let help = matches!(other, Kind::Str(_)).then(|| {
                "a `|` or `>` where a key should be starts a block of text that runs to the end of the file; remove it"
            });
            c.type_error(tree.span, message, other, "expected a mapping", help);
            return empty();
        }
    };
    let (mut portal, mut portals, mut webhooks, mut prune) = (None, None, None, None);
    for (key, value) in entries {
        match &key.kind {
            Kind::Str(k) if k == PORTAL => portal = Some((key, value)),
            Kind::Str(k) if k == PORTALS => portals = Some((key, value)),
            Kind::Str(k) if k == WEBHOOKS => webhooks = Some((key, value)),
            Kind::Str(k) if k == PRUNE => prune = Some(value),
            _ => c.unknown_field(key, TOP_FIELDS, "at the top level"),
        }
    }
    let max_deletes = prune.and_then(|value| c.prune(value));
    if let Some(portals) = portals {
        let portal = portal.map(|(key, _)| key);
        return fleet(c, portals, portal, webhooks, max_deletes);
    }
    let portal = portal.and_then(|(_, value)| Some((c.portal_url(value, PORTAL)?, value.span)));
    let Some((key, value)) = webhooks else {
        c.error(
            tree.span,
            "config::missing_webhooks",
            "the file has no `webhooks:` mapping",
            "`webhooks:` is missing",
            Some("add `webhooks:` with one entry per webhook; `webhooks: {}` manages none"),
        );
        return empty();
    };
    let webhooks = webhook_entries(c, key, value, Place::Single);
    Document::one(Config {
        source: Arc::clone(c.source),
        portal,
        webhooks: webhooks.into_iter().map(|e| e.webhook).collect(),
        max_deletes,
        run_uris: RunUris::default(),
    })
}
