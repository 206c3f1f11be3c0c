//! One entry under `webhooks:`: its key (a name or an id) and its fields, each checked by
//! `fields`, plus the checks that need two fields at once (`ssl: true` against the uri).
//!
//! An entry whose key is unusable is still checked field by field, so its other problems are
//! reported too; it just yields no `DesiredWebhook`.

use miette::SourceSpan;

use super::checker::{Checker, value_or_key};
use super::desired::{DesiredWebhook, Key};
use super::keys::{ENTRY_FIELDS, ONLY};
use super::node::{Kind, Node};
use super::only::Only;
use super::problem::problem_at;
use crate::field::Field;

/// Which `webhooks:` mapping an entry stands in: what its key may be and whether `only:` is
/// allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// A file with `portal:` (or neither).
    Single,
    /// The top-level `webhooks:` of a `portals:` file: every portal's (or `only:`'s), by name.
    Shared,
    /// A portal's own `webhooks:` in a `portals:` file.
    Own,
}

/// One checked entry, with where its parts are written, for the checks that look at several
/// entries (duplicate names) or at a shared entry and its overlay together.
pub(super) struct Entry {
    pub webhook: DesiredWebhook,
    /// Where the name it manages is written: the key, or `name:` under an id key.
    pub name_span: SourceSpan,
    pub uri_span: Option<SourceSpan>,
    pub ssl_span: Option<SourceSpan>,
    /// A shared entry's `only:`.
    pub only: Option<Only>,
}

/// One entry under `webhooks:`; `None` when its key is unusable (problems are recorded).
pub(super) fn entry(c: &mut Checker, key: &Node, value: &Node, place: Place) -> Option<Entry> {
    let parsed_key = entry_key(c, key);
    if let (Place::Shared, Some(Key::Id(_))) = (place, &parsed_key) {
        c.error(
            key.span,
            "config::id_in_shared",
            "a shared entry must be keyed by name, not by id".to_string(),
            "an id key",
            Some(
                "an id belongs to one portal: move this entry under the `webhooks:` of that \
                 portal (`portals: NAME: webhooks:`)"
                    .to_string(),
            ),
        );
    }
    let mut name_span = key.span;
    let fields = match &value.kind {
        Kind::Map(fields) => fields.as_slice(),
        // Most likely a file cut short, or settings lost in an edit: a `{}` says "manage
        // nothing" on purpose, a bare key says nothing at all.
        Kind::Null => {
            let span = value_or_key(key, value);
            let key_text = c.quote(key, c.raw(key));
            c.error(
                span,
                "config::null_entry",
                match &key_text {
                    Some(k) => format!("the entry `{k}` is empty (null): it has no settings"),
                    None => "this entry is empty (null): it has no settings".to_string(),
                },
                "nothing under this key",
                Some(format!(
                    "if the file was cut short, restore the entry's settings; to manage nothing \
                     of the webhook, write `{}: {{}}`",
                    key_text.as_deref().unwrap_or("KEY")
                )),
            );
            &[]
        }
        other => {
            let help = match &key.kind {
                Kind::Str(k) if Field::from_key(k).is_some() => {
                    format!(
                        "`{k}` is a setting of a webhook: put it under the webhook's name or id"
                    )
                }
                _ => "e.g. `uri: https://example.com/hook` on the next line, indented".to_string(),
            };
            c.error(
                value.span,
                "config::type",
                format!(
                    "the settings of a webhook must be a mapping, not {}",
                    other.describe()
                ),
                "expected a mapping",
                Some(help),
            );
            &[]
        }
    };
    let (mut name, mut uri, mut secret, mut enabled, mut ssl, mut triggers, mut target_id) =
        (None, None, None, None, None, None, None);
    let mut http_uri = None;
    let mut secret_span = None;
    let mut ssl_span = None;
    let mut only = None;
    for (field_key, node) in fields {
        let field = match &field_key.kind {
            Kind::Str(k) => Field::from_key(k),
            _ => None,
        };
        let Some(field) = field else {
            if matches!(&field_key.kind, Kind::Str(k) if k == ONLY) {
                only = match place {
                    Place::Shared => c.only(field_key, node),
                    Place::Single | Place::Own => misplaced_only(c, field_key, place),
                };
            } else if place == Place::Shared {
                let valid: Vec<&str> = ENTRY_FIELDS.iter().copied().chain([ONLY]).collect();
                c.unknown_field(field_key, &valid, "in a webhook entry");
            } else {
                c.unknown_field(field_key, ENTRY_FIELDS, "in a webhook entry");
            }
            continue;
        };
        let spelled = field.key();
        match field {
            Field::Name => match parsed_key {
                Some(Key::Name(_)) => c.error(
                    field_key.span,
                    "config::name_under_name_key",
                    "`name` is only allowed under an id key".to_string(),
                    "the key above is already the name",
                    Some("under a name key the key is the name; to rename a webhook, key its entry by the webhook's id".to_string()),
                ),
                _ => {
                    if let Some(n) = c.string(node, spelled).and_then(|n| c.name(node, n)) {
                        name = Some(n);
                        name_span = node.span;
                    }
                }
            },
            Field::Uri => {
                if let Some((checked, is_http)) = c.url(node, spelled) {
                    uri = Some(checked);
                    http_uri = Some((is_http, node.span));
                }
            }
            Field::SecretKey => {
                secret = c.secret(field_key, node);
                secret_span = Some(node.span);
            }
            Field::Enabled => enabled = c.boolean(node, spelled),
            Field::Ssl => {
                ssl = c.boolean(node, spelled);
                ssl_span = Some(node.span);
            }
            Field::Triggers => triggers = c.triggers(node),
            Field::TargetId => target_id = c.target_id(node),
        }
    }
    if let (Some(true), Some((true, uri_span)), Some(ssl_span)) = (ssl, http_uri, ssl_span) {
        ssl_needs_https(
            c,
            (uri_span, "plain http"),
            (ssl_span, "ssl is turned on here"),
        );
    }
    let webhook = DesiredWebhook {
        key: parsed_key?,
        span: key.span,
        name,
        uri,
        secret,
        secret_span,
        enabled,
        ssl,
        triggers,
        target_id,
    };
    Some(Entry {
        webhook,
        name_span,
        uri_span: http_uri.map(|(_, span)| span),
        ssl_span,
        only,
    })
}

/// `only:` where it means nothing: in a portal's own entry, or in a file with one portal.
fn misplaced_only(c: &mut Checker, key: &Node, place: Place) -> Option<Only> {
    let (message, label, help) = if place == Place::Own {
        (
            "`only` is allowed only in shared entries (the top-level `webhooks:`)",
            "in a portal's own entry",
            "an entry under a portal's own `webhooks:` is that portal's alone; to share an entry \
             with some portals, put it in the top-level `webhooks:` with `only: [NAMES]`",
        )
    } else {
        (
            "`only` is for the shared entries of a file with `portals:`",
            "this file has one portal",
            "`only: [NAMES]` chooses which of the portals under `portals:` get a shared entry; a \
             file with `portal:` has one portal, so remove it",
        )
    };
    let code = "config::misplaced_only";
    c.error(key.span, code, message.into(), label, Some(help.into()));
    None
}

/// `ssl: true` with a plain http uri; `primary` is where the problem is (with its label), the
/// other side is labelled too.
pub(super) fn ssl_needs_https(
    c: &mut Checker,
    primary: (SourceSpan, &str),
    secondary: (SourceSpan, &str),
) {
    let problem = problem_at(
        c.source,
        primary.0,
        "config::ssl_needs_https",
        "ssl: true requires an https uri".to_string(),
        primary.1.to_string(),
        Some("use an https:// uri, or set `ssl: false` (which also stops the portal checking the target's certificate)".into()),
    )
    .with_label(secondary.0, secondary.1.to_string());
    c.problems.push(problem);
}

fn entry_key(c: &mut Checker, key: &Node) -> Option<Key> {
    let out_of_range = |c: &mut Checker| {
        let message = match c.quote(key, c.raw(key)) {
            Some(id) => format!("webhook id {id} is out of range"),
            None => "a webhook id is out of range".to_string(),
        };
        c.error(
            key.span,
            "config::bad_id",
            message,
            "not a webhook id",
            Some("ids are positive 32-bit integers, as the portal shows them".to_string()),
        );
        None
    };
    match &key.kind {
        Kind::Int(i) => match i32::try_from(*i) {
            Ok(id) if id > 0 => Some(Key::Id(id)),
            _ => out_of_range(c),
        },
        // A plain integer too big for 64 bits is read as a float.
        Kind::Float if c.raw(key).bytes().all(|b| b.is_ascii_digit()) => out_of_range(c),
        Kind::Str(name) => c.name(key, name).map(Key::Name),
        other => {
            let help = match other {
                Kind::Bool(_) | Kind::Null | Kind::Float => match c.quote(key, c.raw(key)) {
                    Some(raw) => format!("quote it to use it as a name: \"{raw}\""),
                    None => "quote it to use it as a name".to_string(),
                },
                _ => "use a webhook name (a string) or id (an integer)".to_string(),
            };
            c.error(
                key.span,
                "config::bad_key",
                format!(
                    "a key under `webhooks` must be a webhook name or id, not {}",
                    other.describe()
                ),
                "not a name or id",
                Some(help),
            );
            None
        }
    }
}
