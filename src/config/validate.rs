//! Pass 2 of the loader, checked by hand over the node tree: the top level, and a file with
//! one `portal:` (a file with `portals:` is `portals`'s). A `Document` is returned only when
//! there is no problem at all.

use std::collections::HashSet;
use std::sync::Arc;

use miette::SourceSpan;

use super::checker::{Checker, Listed};
use super::desired::{Config, Document};
use super::display::{Source, is_field_like};
use super::entry::{Place, webhook_entries};
use super::node::{Duplicate, Kind, Node};
use super::portals::fleet;
use super::problem::Problem;
use super::schema::{PORTAL, PORTALS, PRUNE, TOP_FIELDS, WEBHOOKS};
use super::secret::SecretRef;
use super::secret_uris::RunUris;
use crate::field::Field;
use crate::redact::Registered;
use secrecy::ExposeSecret;

/// `duplicates`: the keys the tree holds once but the file writes twice, reported with the rest.
pub(super) fn build(
    tree: &Node,
    source: &Arc<Source>,
    mut duplicates: Vec<Duplicate>,
) -> Result<Document, Vec<Problem>> {
    let twice: Vec<_> = (duplicates.iter_mut())
        .filter_map(|d| Some(*d.entry.take()?))
        .collect();
    let mut borrowed = super::checker::borrowed(tree);
    for (_, key, value) in &twice {
        borrowed.extend(
            super::checker::borrowed(key)
                .into_iter()
                .chain(super::checker::borrowed(value)),
        );
    }
    let mut c = Checker {
        source,
        problems: Vec::new(),
        borrowed,
        listed: Vec::new(),
        twice,
    };
    let mut document = top_level(&mut c, tree);
    // A secret written in the file and reused by an alias (`targetId: *s`) would be shown in
    // plans and listed by the portal, whose lists are then refused (`api::refuse_echoes`).
    let literals = (document.written.iter()).filter_map(|w| match &w.secret {
        Some(SecretRef::Literal(secret)) => Some(secret.expose_secret()),
        _ => None,
    });
    document.listed = std::mem::take(&mut c.listed);
    secrets_in_fields(&mut c, &document.listed, &Registered::of(literals));
    for d in duplicates {
        // Named only when it reads as a key or a plain name, as the snippet shows it.
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

/// `config::secret_in_field` at each of `listed` that holds one of `secrets`, as the list
/// check looks (`api::echoed`), named by its source (`redact::register`; none: the file's own).
fn secrets_in_fields(c: &mut Checker, listed: &[Listed], secrets: &Registered) {
    for (field, span, value) in listed {
        let Some(source) = secrets.in_text(value, *field != Field::Uri) else {
            continue;
        };
        let source = Some(source).filter(|s| !s.is_empty());
        let source = source.unwrap_or("a secretKey written in this file");
        let message = format!("`{}` holds {source}", field.key());
        // Found only with the uris: it holds a `uri: ${VAR}`'s value.
        let (label, help) = held(source, secrets.in_text(value, false).is_none());
        c.error(*span, "config::secret_in_field", message, label, Some(help));
    }
}

/// The label and help of a field the portal lists that holds `source` (`Registered::in_text`),
/// a `uri` read from a variable's when `uri`: the list check would refuse every later list.
fn held(source: &str, uri: bool) -> (&'static str, &'static str) {
    if source == crate::redact::TOO_DEEP {
        // Searched only when a secret is set, as a list is.
        return (
            "encoded too deeply",
            "this text is escaped in more layers (`%25` for `%`, ...) than the tool decodes \
             (8): the portal lists a webhook's name, uri and targetId as they are, and a list \
             that cannot be searched for the run's secrets is refused; write it with fewer",
        );
    }
    if uri {
        return (
            "holds a secret uri",
            "a uri read from `uri: ${VAR}` is a secret, `(sensitive)` in plans, and the portal \
             lists a webhook's name and targetId as they are: the tool refuses a list that holds \
             one there; write another value",
        );
    }
    let help = "the portal lists a webhook's name, uri and targetId as they are, and the tool \
                refuses a list that holds a secret: write another value;\nan ordinary word as a \
                secret makes this likely, as names and uris hold such words: a longer random \
                secret ends it";
    ("holds a secret", help)
}

impl Document {
    /// Refuses a name, literal uri or targetId that holds a secret known only once the
    /// environment is read (`register_secrets`: a `${VAR}` secretKey's value, a portal's API
    /// key), as the file's own are refused when it loads: a write would send it to the portal,
    /// and the list check refuse every later list. Before any request; the snippets blank it.
    pub fn refuse_registered_secrets(&self) -> Result<(), super::ConfigError> {
        let secrets = Registered::now();
        let holds = |(field, _, value): &&Listed| secrets.in_text(value, *field != Field::Uri);
        let found: Vec<_> = self.listed.iter().filter(|l| holds(l).is_some()).collect();
        if found.is_empty() {
            return Ok(());
        }
        let hidden: Vec<SourceSpan> = found.iter().map(|l| l.1).collect();
        let source = Arc::new(self.source.hiding(&hidden));
        let mut c = Checker {
            source: &source,
            problems: Vec::new(),
            borrowed: HashSet::new(),
            listed: Vec::new(),
            twice: Vec::new(),
        };
        let found: Vec<Listed> = found.into_iter().cloned().collect();
        secrets_in_fields(&mut c, &found, &secrets);
        Err(super::ConfigError::from_problems(c.problems))
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
