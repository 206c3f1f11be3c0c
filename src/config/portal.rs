//! One portal under `portals:`: its name, `url`, `apiKey` (a `${VAR}` reference, never the
//! key itself), `prune` and own `webhooks`, as read before the shared entries are merged in.

use miette::SourceSpan;

use super::checker::{Checker, value_or_key};
use super::entries::webhook_entries;
use super::entry::{Entry, Place};
use super::fields::Written;
use super::keys::{API_KEY, PORTAL_FIELDS, PRUNE, URL, WEBHOOKS};
use super::node::{Kind, Node};

/// One portal as read, before the shared entries are merged in.
pub(super) struct Draft {
    pub name: String,
    pub span: SourceSpan,
    pub url: Option<(String, SourceSpan)>,
    pub api_key: Option<(String, SourceSpan)>,
    pub own: Vec<Entry>,
    /// `Some` when the portal has `prune:` (a limit, or none): it wins over the top level's.
    pub prune: Option<Option<usize>>,
}

/// One portal; `None` when its name is unusable (its settings are checked all the same).
pub(super) fn draft(c: &mut Checker, key: &Node, value: &Node) -> Option<Draft> {
    let name = portal_name(c, key);
    let place = match &name {
        Some(name) => format!("in portal `{name}`"),
        None => "in a portal".to_string(),
    };
    let fields = match &value.kind {
        Kind::Map(fields) => fields.as_slice(),
        other => {
            let message = match other {
                Kind::Null => "a portal with no settings (null)".to_string(),
                _ => format!(
                    "the settings of a portal must be a mapping, not {}",
                    other.describe()
                ),
            };
            let help = "a portal needs `url: https://...` and `apiKey: ${VAR}`, on the lines below its name, indented";
            let span = value_or_key(key, value);
            c.error(
                span,
                "config::type",
                message,
                "expected a mapping",
                Some(help.to_string()),
            );
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
                api_key = c
                    .api_key(field, value, &example_var)
                    .map(|var| (var, value.span));
            }
            Kind::Str(k) if k == WEBHOOKS => own = webhook_entries(c, field, value, Place::Own),
            Kind::Str(k) if k == PRUNE => prune = Some(c.prune(value)),
            _ => c.unknown_field(field, PORTAL_FIELDS, &place),
        }
    }
    if let Kind::Map(_) = value.kind {
        let missing = [
            (
                has_url,
                "config::missing_url",
                URL,
                "https://docs.example.com".to_string(),
            ),
            (
                has_key,
                "config::missing_api_key",
                API_KEY,
                format!("${{{example_var}}}"),
            ),
        ];
        for (_, code, field, example) in missing.into_iter().filter(|(has, ..)| !has) {
            let message = match &name {
                Some(name) => format!("portal `{name}` has no `{field}`"),
                None => format!("this portal has no `{field}`"),
            };
            let label = format!("`{field}` is missing");
            let help = format!("add `{field}: {example}` under it");
            c.error(key.span, code, message, &label, Some(help));
        }
    }
    Some(Draft {
        name: name?,
        span: key.span,
        url,
        api_key,
        own,
        prune,
    })
}

/// A portal's name: letters, digits, `.`, `_` and `-`, since it is typed on the command line
/// (`--portal NAME`) and shown in headings.
fn portal_name(c: &mut Checker, key: &Node) -> Option<String> {
    let allowed = super::rules::in_portal_name;
    let help = "a portal's name is typed on the command line (`--portal NAME`) and heads its section of a plan, so it may have only ASCII letters, digits, `.`, `_` and `-`, and starts with a letter or digit";
    match &key.kind {
        Kind::Str(name) if super::rules::is_portal_name(name) => Some(name.clone()),
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
            c.error(
                key.span,
                "config::bad_portal_name",
                message,
                "not a usable name",
                Some(help),
            );
            None
        }
        other => {
            let message = format!("a portal name must be a string, not {}", other.describe());
            let help = match c.quote(key, c.raw(key)) {
                Some(raw) => format!("quote it to use it as a name: \"{raw}\""),
                None => help.to_string(),
            };
            c.error(
                key.span,
                "config::bad_portal_name",
                message,
                "not a name",
                Some(help),
            );
            None
        }
    }
}

/// The variable name suggested for a portal's key, e.g. `DOCSPACE_STAGING_KEY`.
fn env_var_for(portal: &str) -> String {
    let upper: String = portal
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("DOCSPACE_{upper}_KEY")
}

impl Checker<'_> {
    /// `apiKey:`: the variable it names. The key itself never belongs in the file, so any other
    /// value is an error, labelled at `apiKey` and never quoting the value.
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
        let message = if literal {
            format!("`apiKey` must be a `${{VAR}}` reference: {why}")
        } else {
            format!(
                "`apiKey` must be a `${{VAR}}` reference, found {}",
                value.kind.describe()
            )
        };
        let help = if literal {
            format!(
                "put the key in an environment variable and name it here: `apiKey: ${{{example}}}`; if this key was ever pushed, revoke it"
            )
        } else {
            format!("name the variable that holds the key: `apiKey: ${{{example}}}`")
        };
        let label = if literal {
            "the key is written here"
        } else {
            "not a reference"
        };
        self.error(
            key.span,
            "config::literal_api_key",
            message,
            label,
            Some(help),
        );
        None
    }
}
