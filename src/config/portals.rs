//! A file with `portals:` (docs/file-format.md): each named portal, the shared entries, and
//! what ties them together, down to the checks only a portal's merged list can fail.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use miette::SourceSpan;

use super::checker::{Checker, Written, value_or_key};
use super::desired::{Config, DesiredWebhook, Document, Key, Portal};
use super::entry::{Entry, Names, Place, ssl_needs_https, webhook_entries};
use super::node::{Kind, Node};
use super::problem::shown;
use super::rules::is_plain_http;
use super::schema::{API_KEY, PORTAL_FIELDS, PRUNE, URL, WEBHOOKS, closest};
use super::secret_uris::RunUris;

/// The result is only complete when no problem was recorded.
pub(super) fn fleet(
    c: &mut Checker,
    portals: (&Node, &Node),
    portal: Option<&Node>,
    webhooks: Option<(&Node, &Node)>,
    default_limit: Option<usize>,
) -> Document {
    if let Some(portal) = portal {
        c.error_also(
            (portal.span, "one portal"),
            "config::portal_and_portals",
            "a file has either `portal:` or `portals:`, not both",
            "in a file with `portals:` each portal has its own `url:`; remove `portal:`",
            (portals.0.span, "named portals"),
        );
    }
    let mut drafts = drafts(c, portals.0, portals.1);
    let shared: Vec<Entry> = webhooks
        .map(|(key, value)| webhook_entries(c, key, value, Place::Shared))
        .unwrap_or_default()
        .into_iter()
        .filter(|e| matches!(e.webhook.key, Key::Name(_)))
        .collect();
    if let Kind::Map(entries) = &portals.1.kind
        && !entries.is_empty()
    {
        unknown_portals(c, &shared, entries, &drafts);
    }
    same_url(c, &drafts);
    if too_many(c, portals.0, &drafts, &shared) {
        drafts.clear();
    }
    let mut written: Vec<DesiredWebhook> = shared
        .iter()
        .chain(drafts.iter().flat_map(|d| &d.own))
        .map(|e| e.webhook.clone())
        .collect();
    written.sort_by_key(|w| w.span.offset());
    let portals = drafts
        .into_iter()
        .filter_map(|draft| {
            let webhooks = portal_webhooks(c, &draft.name, &shared, draft.own);
            Some(Portal {
                name: Some(draft.name),
                api_key_var: draft.api_key?,
                config: Config {
                    source: Arc::clone(c.source),
                    portal: Some(draft.url?),
                    webhooks,
                    max_deletes: draft.prune.unwrap_or(default_limit),
                    run_uris: RunUris::default(),
                },
            })
        })
        .collect();
    Document {
        source: Arc::clone(c.source),
        portals,
        written,
        listed: Vec::new(),
    }
}

fn drafts(c: &mut Checker, key: &Node, value: &Node) -> Vec<Draft> {
    let example = "e.g. `portals: { staging: { url: https://staging.docs.example.com, apiKey: ${DOCSPACE_STAGING_KEY} } }`";
    let span = value_or_key(key, value);
    let entries = match &value.kind {
        Kind::Map(entries) if !entries.is_empty() => entries,
        Kind::Map(_) | Kind::Null => {
            let help = format!("add one entry per portal, {example}");
            c.error(
                span,
                "config::no_portals",
                "`portals` defines no portal",
                "no portal here",
                Some(&help),
            );
            return Vec::new();
        }
        other => {
            let message = "`portals` must be a mapping of portal names to their settings, not";
            c.type_error(span, message, other, "expected a mapping", Some(example));
            return Vec::new();
        }
    };
    entries
        .iter()
        .filter_map(|(key, value)| draft(c, key, value))
        .collect()
}

/// Names in `only:` that are not portals of the file. `keys` are the entries under `portals:`:
/// a name that is not usable is not also faulted in `only:`.
fn unknown_portals(c: &mut Checker, shared: &[Entry], keys: &[(Node, Node)], drafts: &[Draft]) {
    let keys: HashSet<&str> = keys.iter().filter_map(|(k, _)| k.kind.as_str()).collect();
    let defined: Vec<&str> = drafts.iter().map(|d| d.name.as_str()).collect();
    for only in shared.iter().filter_map(|e| e.only.as_ref()) {
        for (name, span) in &only.names {
            if keys.contains(name.as_str()) {
                continue;
            }
            let help = match closest(name, defined.iter().copied(), 0.8) {
                _ if name == "*" => format!(
                    "`only` has no wildcard: without `only`, every portal gets the entry; the \
                     portals of this file: {}",
                    defined.join(", ")
                ),
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
                Some(&help),
            );
        }
    }
}

/// Far beyond a real fleet (200 portals of 100 webhooks each are 20,000; 10,000 portals may
/// share 25 entries), far below what would exhaust memory: within the byte cap, 50,000 portals
/// could each get 250,000 shared entries, billions of copies.
const MAX_FLEET_WEBHOOKS: usize = 250_000;

/// Counted before any is copied.
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
        Some("split the portals over several files"),
    );
    true
}

/// Two portals whose urls name one portal (compared as the client would use them: scheme and
/// host case, a default port and a trailing slash do not count) would both write its webhooks.
fn same_url(c: &mut Checker, drafts: &[Draft]) {
    let mut seen: HashMap<String, (&str, SourceSpan)> = HashMap::new();
    for draft in drafts {
        let Some((url, span)) = &draft.url else {
            continue;
        };
        // Two spellings of one portal are one (`PortalUrl::identity`).
        let Ok(identity) = crate::api::PortalUrl::parse(url).map(|u| u.identity()) else {
            continue;
        };
        match seen.get(&identity) {
            Some((first, first_span)) => c.error_also(
                (*span, &format!("the same portal as `{first}`")),
                "config::duplicate_portal",
                format!("portals `{first}` and `{}` have the same url", draft.name),
                "list each portal once: two names for one portal would both plan and write its webhooks",
                (*first_span, "first"),
            ),
            None => {
                seen.insert(identity, (&draft.name, *span));
            }
        }
    }
}

pub(super) struct Draft {
    pub name: String,
    pub url: Option<(String, SourceSpan)>,
    pub api_key: Option<String>,
    pub own: Vec<Entry>,
    /// `Some` when the portal has `prune:` (a limit, or none): it wins over the top level's.
    pub prune: Option<Option<usize>>,
}

/// `None` when its name is unusable (its settings are checked all the same).
pub(super) fn draft(c: &mut Checker, key: &Node, value: &Node) -> Option<Draft> {
    let name = portal_name(c, key);
    let place = match &name {
        Some(name) => format!("in portal `{name}`"),
        None => "in a portal".to_string(),
    };
    let fields = match &value.kind {
        Kind::Map(fields) => fields.as_slice(),
        other => {
            let help = Some(
                "a portal needs `url: https://...` and `apiKey: ${VAR}`, on the lines below its \
                 name, indented",
            );
            let (span, label) = (value_or_key(key, value), "expected a mapping");
            match other {
                Kind::Null => {
                    let message = "a portal with no settings (null)";
                    c.error(span, "config::type", message, label, help);
                }
                _ => {
                    let message = "the settings of a portal must be a mapping, not";
                    c.type_error(span, message, other, label, help);
                }
            }
            &[]
        }
    };
    let example_var = env_var_for(name.as_deref().unwrap_or("portal"));
    let (mut url, mut api_key, mut own, mut prune) = (None, None, Vec::new(), None);
    let (mut has_url, mut has_key) = (false, false);
    for (field, value) in fields {
        match &field.kind {
            Kind::Str(k) if k == URL => {
                has_url = true;
                url = c.portal_url(value, URL).map(|url| (url, value.span));
            }
            Kind::Str(k) if k == API_KEY => {
                has_key = true;
                api_key = c.api_key(field, value, &example_var);
            }
            Kind::Str(k) if k == WEBHOOKS => own = webhook_entries(c, field, value, Place::Own),
            Kind::Str(k) if k == PRUNE => prune = Some(c.prune(value)),
            _ => c.unknown_field(field, PORTAL_FIELDS, &place),
        }
    }
    if let Kind::Map(_) = value.kind {
        let (address, var) = ("https://docs.example.com", format!("${{{example_var}}}"));
        let missing = [
            (has_url, "config::missing_url", URL, address),
            (has_key, "config::missing_api_key", API_KEY, var.as_str()),
        ];
        for (_, code, field, example) in missing.into_iter().filter(|(has, ..)| !has) {
            let message = match &name {
                Some(name) => format!("portal `{name}` has no `{field}`"),
                None => format!("this portal has no `{field}`"),
            };
            let label = format!("`{field}` is missing");
            let help = format!("add `{field}: {example}` under it");
            c.error(key.span, code, message, &label, Some(&help));
        }
    }
    Some(Draft {
        name: name?,
        url,
        api_key,
        own,
        prune,
    })
}

fn portal_name(c: &mut Checker, key: &Node) -> Option<String> {
    // A leading `-` would read as a flag in `--portal NAME`.
    let allowed = |ch: char| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-');
    let first = |name: &str| name.starts_with(|ch: char| ch.is_ascii_alphanumeric());
    let help = "a portal's name is typed on the command line (`--portal NAME`) and heads its section of a plan, so it may have only ASCII letters, digits, `.`, `_` and `-`, and starts with a letter or digit";
    let (message, label, help) = match &key.kind {
        // Messages name a portal by its name, which the snippet shows only where it is written.
        _ if c.borrowed.contains(&key.span) => (
            "a portal's name must be written out, not read through an alias".to_string(),
            "read from elsewhere",
            help.to_string(),
        ),
        Kind::Str(name) if first(name) && name.chars().all(allowed) => return Some(name.clone()),
        Kind::Str(name) => {
            let suggestion: String = name
                .trim()
                .chars()
                .map(|ch| if allowed(ch) { ch } else { '-' })
                .collect::<String>()
                .trim_start_matches(['.', '_', '-'])
                .to_string();
            let message = match c.quote(key, name) {
                Some(quoted) if !name.is_empty() && name.chars().all(allowed) => format!(
                    "the portal name `{quoted}` does not start with a letter or digit"
                ),
                Some(quoted) if !name.is_empty() => format!(
                    "the portal name `{quoted}` has characters other than ASCII letters, digits, `.`, `_` and `-`"
                ),
                _ => "a portal name must have only ASCII letters, digits, `.`, `_` and `-`, and start with a letter or digit"
                    .to_string(),
            };
            let help = match c.quote(key, &suggestion) {
                // Spaces and punctuation become `-`; other letters are the user's to spell.
                Some(s) if name.is_ascii() && name.chars().any(allowed) => {
                    format!("e.g. `{s}`; {help}")
                }
                _ => help.to_string(),
            };
            (message, "not a usable name", help)
        }
        other => {
            let message = format!("a portal name must be a string, not {}", other.describe());
            let help = match c.quote(key, c.raw(key)) {
                Some(raw) => format!("quote it to use it as a name: \"{raw}\""),
                None => help.to_string(),
            };
            (message, "not a name", help)
        }
    };
    c.error(
        key.span,
        "config::bad_portal_name",
        message,
        label,
        Some(&help),
    );
    None
}

/// E.g. `DOCSPACE_STAGING_KEY`.
fn env_var_for(portal: &str) -> String {
    let upper = portal
        .to_ascii_uppercase()
        .replace(|ch: char| !ch.is_ascii_alphanumeric(), "_");
    format!("DOCSPACE_{upper}_KEY")
}

impl Checker<'_> {
    /// The key itself never belongs in the file, so any value but `${VAR}` is an error, labelled
    /// at `apiKey` and never quoting the value.
    fn api_key(&mut self, key: &Node, value: &Node, example: &str) -> Option<String> {
        let why = "the API key is read from the environment, never written in the file";
        let literal = match &value.kind {
            Kind::Str(s) => match self.env_reference(key, API_KEY, s, example) {
                Written::Reference(var) => return Some(var),
                Written::Broken => return None,
                Written::Literal => true,
            },
            Kind::Int(_) | Kind::Float | Kind::Bool(_) => true,
            _ => false,
        };
        let (message, label, help) = if literal {
            (
                format!("`apiKey` must be a `${{VAR}}` reference: {why}"),
                "the key is written here",
                format!(
                    "put the key in an environment variable and name it here: `apiKey: ${{{example}}}`; if this key was ever pushed, revoke it"
                ),
            )
        } else {
            (
                format!(
                    "`apiKey` must be a `${{VAR}}` reference, found {}",
                    value.kind.describe()
                ),
                "not a reference",
                format!("name the variable that holds the key: `apiKey: ${{{example}}}`"),
            )
        };
        self.error(
            key.span,
            "config::literal_api_key",
            message,
            label,
            Some(&help),
        );
        None
    }
}

pub(super) fn portal_webhooks(
    c: &mut Checker,
    portal: &str,
    shared: &[Entry],
    own: Vec<Entry>,
) -> Vec<DesiredWebhook> {
    let applies = |s: &Entry| (s.only.as_ref()).is_none_or(|only| only.names.contains_key(portal));
    // Every shared entry is keyed by name (`fleet` keeps no other), so an id key matches none.
    let index: HashMap<&Key, usize> = (shared.iter().enumerate())
        .map(|(i, s)| (&s.webhook.key, i))
        .collect();
    let mut overlays: Vec<Option<Entry>> = shared.iter().map(|_| None).collect();
    let mut rest = Vec::new();
    for entry in own {
        match index.get(&entry.webhook.key).copied() {
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
        let merged = match &overlay {
            Some(own) => shared.webhook.overlaid_by(&own.webhook),
            None => shared.webhook.clone(),
        };
        if let Some(own) = &overlay {
            ssl_across(c, shared, own, &merged);
        }
        names.claim(c, &merged, merged.span, overlay.is_none());
        out.push(merged);
    }
    for entry in rest {
        names.claim(c, &entry.webhook, entry.name_span, false);
        out.push(entry.webhook);
    }
    out
}

/// `own` has the name of a shared entry whose `only:` leaves `portal` out: an overlay of
/// nothing, or a webhook of its own with a shared one's name; either reading would surprise.
fn left_out(c: &mut Checker, portal: &str, shared: &Entry, own: &Entry) {
    // A shared entry leaves a portal out only by its `only:`.
    let (Key::Name(name), Some(only)) = (&own.webhook.key, &shared.only) else {
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
    c.error_also(
        (own.webhook.span, "same name as a shared entry"),
        "config::overlay_left_out",
        message,
        &format!(
            "add `{portal}` to the shared entry's `only:` to overlay it here, or rename this entry to make it a webhook of `{portal}` alone"
        ),
        (only.key_span, &format!("`{portal}` is not listed here")),
    );
}

/// `ssl: true` and an http uri from different sides of an overlay (on one side, the entry check
/// has said so); the problem points at the overlay's side, which differs for each portal.
fn ssl_across(c: &mut Checker, shared: &Entry, own: &Entry, merged: &DesiredWebhook) {
    let http = merged.uri.as_deref().is_some_and(is_plain_http);
    if merged.ssl != Some(true) || !http {
        return;
    }
    let ssl_from_own = own.webhook.ssl.is_some();
    if ssl_from_own == own.webhook.uri.is_some() {
        return;
    }
    let (primary, secondary) = if ssl_from_own {
        let shared_uri = (shared.webhook.uri_span, "plain http in the shared entry");
        ((own.ssl_span, "ssl is turned on here"), shared_uri)
    } else {
        let shared_ssl = (shared.ssl_span, "ssl is turned on in the shared entry");
        ((own.webhook.uri_span, "plain http"), shared_ssl)
    };
    if let ((Some(at), label), (Some(also), also_label)) = (primary, secondary) {
        ssl_needs_https(c, (at, label), (also, also_label));
    }
}
