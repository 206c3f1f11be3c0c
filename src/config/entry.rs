//! A `webhooks:` mapping and its entries: each entry's key and fields, the checks that need two
//! fields at once, and that no two entries manage one webhook by name (`Names`). An entry whose
//! key is unusable is still checked field by field; it just yields no `DesiredWebhook`.

use std::collections::HashMap;

use miette::SourceSpan;

use super::checker::{Checker, Written, value_or_key};
use super::desired::{DesiredWebhook, Key};
use super::node::{Kind, Node, twice_in};
use super::problem::shown;
use super::schema::{ENTRY_FIELDS, ONLY};
use crate::field::Field;

/// Which `webhooks:` mapping an entry stands in: what its key may be and whether `only:` is
/// allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// A file with `portal:` (or neither).
    Single,
    /// The top-level `webhooks:` of a `portals:` file.
    Shared,
    Own,
}

/// One checked entry, with where its parts are written, for the checks that look at several
/// entries (duplicate names) or at a shared entry and its overlay together.
pub(super) struct Entry {
    pub webhook: DesiredWebhook,
    /// The key, or `name:` under an id key.
    pub name_span: SourceSpan,
    pub ssl_span: Option<SourceSpan>,
    pub only: Option<Only>,
}

/// `None` when its key is unusable.
pub(super) fn entry(c: &mut Checker, key: &Node, value: &Node, place: Place) -> Option<Entry> {
    let parsed_key = entry_key(c, key);
    if let (Place::Shared, Some(Key::Id(_))) = (place, &parsed_key) {
        c.error(
            key.span,
            "config::id_in_shared",
            "a shared entry must be keyed by name, not by id",
            "an id key",
            Some(
                "an id belongs to one portal: move this entry under the `webhooks:` of that \
                 portal (`portals: NAME: webhooks:`)",
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
            let message = match &key_text {
                Some(k) => format!("the entry `{k}` is empty (null): it has no settings"),
                None => "this entry is empty (null): it has no settings".to_string(),
            };
            let help = format!(
                "if the file was cut short, restore the entry's settings; to manage nothing \
                 of the webhook, write `{}: {{}}`",
                key_text.as_deref().unwrap_or("KEY")
            );
            let label = "nothing under this key";
            c.error(span, "config::null_entry", message, label, Some(&help));
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
            let message = "the settings of a webhook must be a mapping, not";
            c.type_error(
                value.span,
                message,
                other,
                "expected a mapping",
                Some(&help),
            );
            &[]
        }
    };
    // Keyed below, when the key is usable; the fields are checked all the same.
    let mut w = DesiredWebhook {
        key: Key::Id(0),
        span: key.span,
        name: None,
        uri: None,
        uri_var: None,
        uri_span: None,
        secret: None,
        secret_span: None,
        enabled: None,
        ssl: None,
        triggers: None,
        target_id: None,
    };
    let (mut http_uri, mut ssl_span, mut only, mut target_span) = (false, None, None, None);
    let twice = twice_in(&mut c.twice, value);
    for (field_key, node) in fields.iter().chain(&twice) {
        let Some(field) = field_key.kind.as_str().and_then(Field::from_key) else {
            if matches!(&field_key.kind, Kind::Str(k) if k == ONLY) {
                only = match place {
                    Place::Shared => c.only(field_key, node),
                    Place::Single | Place::Own => misplaced_only(c, field_key, place),
                };
            } else {
                let only = (place == Place::Shared).then_some(ONLY);
                let valid: Vec<&str> = ENTRY_FIELDS.iter().copied().chain(only).collect();
                c.unknown_field(field_key, &valid, "in a webhook entry");
            }
            continue;
        };
        let spelled = field.key();
        match field {
            Field::Name => match parsed_key {
                Some(Key::Name(_)) => {
                    let message = "`name` is only allowed under an id key";
                    let help = "under a name key the key is the name; to rename a webhook, key its \
                                entry by the webhook's id";
                    let label = "the key above is already the name";
                    let code = "config::name_under_name_key";
                    c.error(field_key.span, code, message, label, Some(help));
                }
                _ => {
                    if let Some(n) = c.string(node, spelled).and_then(|n| c.name(node, n)) {
                        w.name = Some(n);
                        name_span = node.span;
                    }
                }
            },
            Field::Uri => {
                // `${VAR}` only as the whole value: a reference inside a URL is refused
                // (`env_reference`), so no literal is half read from the environment.
                let written = match &node.kind {
                    Kind::Str(s) => c.env_reference(field_key, spelled, s, "BILLING_HOOK_URI"),
                    _ => Written::Literal,
                };
                w.uri_span = Some(node.span);
                match written {
                    Written::Reference(var) => w.uri_var = Some(var),
                    Written::Broken => {}
                    Written::Literal => {
                        if let Some((checked, is_http)) = c.url(node, spelled) {
                            w.uri = Some(checked);
                            http_uri = is_http;
                        }
                    }
                }
            }
            Field::SecretKey => {
                w.secret = c.secret(field_key, node);
                w.secret_span = Some(node.span);
            }
            Field::Enabled => w.enabled = c.boolean(node, spelled),
            Field::Ssl => {
                w.ssl = c.boolean(node, spelled);
                ssl_span = Some(node.span);
            }
            Field::Triggers => w.triggers = c.triggers(node),
            Field::TargetId => {
                w.target_id = c.target_id(node);
                target_span = Some(node.span);
            }
        }
    }
    if let (Some(true), true, Some(uri_span), Some(ssl_span)) =
        (w.ssl, http_uri, w.uri_span, ssl_span)
    {
        ssl_needs_https(
            c,
            (uri_span, "plain http"),
            (ssl_span, "ssl is turned on here"),
        );
    }
    let webhook = DesiredWebhook {
        key: parsed_key?,
        ..w
    };
    let name = match &webhook.key {
        Key::Name(name) => Some(name),
        Key::Id(_) => webhook.name.as_ref(),
    };
    let listed = [
        (Field::Name, Some(name_span), name),
        (Field::Uri, webhook.uri_span, webhook.uri.as_ref()),
        (Field::TargetId, target_span, webhook.target_id.as_ref()),
    ];
    (c.listed).extend(
        listed
            .into_iter()
            .filter_map(|(f, at, v)| Some((f, at?, v?.clone()))),
    );
    Some(Entry {
        webhook,
        name_span,
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
    c.error(key.span, code, message, label, Some(help));
    None
}

pub(super) fn ssl_needs_https(
    c: &mut Checker,
    primary: (SourceSpan, &str),
    secondary: (SourceSpan, &str),
) {
    let help = "use an https:// uri, or set `ssl: false` (which also stops the portal checking \
                the target's certificate)";
    let (code, message) = ("config::ssl_needs_https", "ssl: true requires an https uri");
    c.error_also(primary, code, message, help, secondary);
}

fn entry_key(c: &mut Checker, key: &Node) -> Option<Key> {
    let id = match &key.kind {
        // `0x2675:` (as written where it is defined) is an id to YAML, but no one knows it by
        // that: `--target`, the plan and the portal all write 9845. Refused, as `targetId: 0x2A`.
        Kind::Int(i)
            if i32::try_from(*i).is_ok_and(|id| id > 0)
                && !c.raw_at(key.defined).bytes().all(|b| b.is_ascii_digit()) =>
        {
            let message = match c.quote(key, c.raw(key)) {
                Some(id) => format!("webhook id `{id}` is not written as plain digits"),
                None => "a webhook id is not written as plain digits".to_string(),
            };
            let help = format!(
                "write the id as the portal shows it, `{i}:`, or {}",
                c.quote_it(key, "use it as a name")
            );
            c.error(
                key.span,
                "config::bad_id",
                message,
                "not digits",
                Some(&help),
            );
            return None;
        }
        Kind::Int(i) => i32::try_from(*i).ok().filter(|id| *id > 0),
        // A plain integer too big for 64 bits is read as a float.
        Kind::Float if c.raw(key).bytes().all(|b| b.is_ascii_digit()) => None,
        Kind::Str(name) => return c.name(key, name).map(Key::Name),
        other => {
            let help = match other {
                Kind::Bool(_) | Kind::Null | Kind::Float => c.quote_it(key, "use it as a name"),
                _ => "use a webhook name (a string) or id (an integer)".to_string(),
            };
            let message = format!(
                "a key under `webhooks` must be a webhook name or id, not {}",
                other.describe()
            );
            c.error(
                key.span,
                "config::bad_key",
                message,
                "not a name or id",
                Some(&help),
            );
            return None;
        }
    };
    if id.is_none() {
        let message = match c.quote(key, c.raw(key)) {
            Some(id) => format!("webhook id {id} is out of range"),
            None => "a webhook id is out of range".to_string(),
        };
        let help = "ids are positive 32-bit integers, as the portal shows them".to_string();
        c.error(
            key.span,
            "config::bad_id",
            message,
            "not a webhook id",
            Some(&help),
        );
    }
    id.map(Key::Id)
}

/// The entries of `webhooks:` with a usable key, in file order.
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
            let message =
                "`webhooks` must be a mapping of webhook names or ids to their settings, not";
            let help = Some("write `webhooks: {}` to manage no webhooks");
            c.type_error(span, message, other, "expected a mapping", help);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    let mut names = Names::default();
    for (key, value) in entries {
        let Some(entry) = entry(c, key, value, place) else {
            continue;
        };
        names.claim(c, &entry.webhook, entry.name_span, false);
        out.push(entry);
    }
    // An entry written again under its key is left out of the tree, so nothing else would
    // check it: its own problems would hide behind the duplicate key's, found one at a time.
    for (key, value) in twice_in(&mut c.twice, value) {
        entry(c, &key, &value, place);
    }
    out
}

/// The names entries manage so far: two entries that manage one name by a name key would fight
/// over one webhook. Two id keys may share a name (the portal does not keep names unique); two
/// keys for one id are already duplicate YAML keys.
#[derive(Default)]
pub(super) struct Names {
    /// Indexed by name: a file may hold thousands of entries.
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
    /// `as_shared`: a shared entry a portal gets as it is (shared names are distinct keys of one
    /// mapping, so they cannot clash among themselves).
    pub(super) fn claim(
        &mut self,
        c: &mut Checker,
        webhook: &DesiredWebhook,
        name_span: SourceSpan,
        as_shared: bool,
    ) {
        let (name, this) = match &webhook.key {
            Key::Name(n) if as_shared => (n, Use::Shared),
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
            let message = if c.quotable(&[name_span]) {
                format!("two entries manage a webhook named '{}'", shown(name))
            } else {
                "two entries manage a webhook of the same name".to_string()
            };
            let (code, label) = ("config::duplicate_name", "second use of this name");
            c.error_also(
                (name_span, label),
                code,
                message,
                help,
                (*first, "first use"),
            );
        }
        uses.push((name_span, this));
    }
}

pub(super) struct Only {
    /// Where `only` is written, for the error of an overlay in a portal it leaves out.
    pub key_span: SourceSpan,
    /// Indexed to ask of each portal (a file may have thousands).
    pub names: HashMap<String, SourceSpan>,
}

impl Checker<'_> {
    pub(super) fn only(&mut self, key: &Node, value: &Node) -> Option<Only> {
        // The list is suggested only when it is valid YAML as written: `[*]` would start an
        // alias.
        let plain = |s: &str| {
            s.starts_with(|ch: char| ch.is_ascii_alphanumeric())
                && s.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "._-, ".contains(ch))
        };
        let help = match &value.kind {
            Kind::Str(s) if s.trim() == "*" => {
                "`only` has no wildcard: without `only`, every portal gets the entry".to_string()
            }
            Kind::Str(s) if plain(s) => match self.quote(value, s) {
                Some(names) => format!("write a list: `only: [{names}]`"),
                None => "e.g. `only: [production]`".to_string(),
            },
            _ => "e.g. `only: [production]`".to_string(),
        };
        let empty = [
            "config::empty_only",
            "an empty `only` list gives the entry to no portal",
            "list the portals that get the entry, or remove the entry",
        ];
        let items = self.list(value, (ONLY, "a list of portal names"), help, empty)?;
        let mut names = HashMap::new();
        let mut ok = true;
        for item in items {
            match &item.kind {
                Kind::Str(name) => {
                    if let Some(first) = names.get(name) {
                        // Harmless, but a second name was most likely meant. The list is still
                        // whole, so the names in it are still checked.
                        self.error_also(
                            (item.span, "named again here"),
                            "config::duplicate_only",
                            match self.quote(item, name) {
                                Some(quoted) => format!("`only` names the portal `{quoted}` twice"),
                                None => "`only` names a portal twice".to_string(),
                            },
                            "name each portal once; was another portal meant?",
                            (*first, "first"),
                        );
                    } else {
                        names.insert(name.clone(), item.span);
                    }
                }
                other => {
                    ok = false;
                    let (message, label) = (
                        "a portal name must be a string, not",
                        "expected a portal name",
                    );
                    let help = Some("use the portal's key under `portals:`");
                    self.type_error(item.span, message, other, label, help);
                }
            }
        }
        ok.then_some(Only {
            key_span: key.span,
            names,
        })
    }
}
