//! What pass 2 of the loader records problems in, and the checks of one value, so that a file
//! that loads is one the server should accept. A check returns `None` for a bad value, so the
//! caller keeps going. Messages quote the file only through `quote`, which refuses any text the
//! display copy blanks (it may be a secret).

use std::collections::HashSet;
use std::sync::Arc;

use miette::SourceSpan;
use secrecy::SecretString;

use super::display::Source;
use super::node::{Kind, Node, Twice};
use super::problem::{Problem, problem_at, shown};
use super::rules::{self, NameProblem, UrlProblem};
use super::schema::{
    ENTRY_FIELDS, MAX_DELETES, PRUNE, PRUNE_FIELDS, TOP_FIELDS, closest, closest_field,
};
use super::secret::{POLICY, SecretRef, check_secret_policy, parse_env_ref};
use crate::field::Field;
use crate::triggers::{self, Parsed, TriggerSet};

pub(super) struct Checker<'a> {
    pub source: &'a Arc<Source>,
    pub problems: Vec<Problem>,
    /// Where a value is read through an alias or a merge key (`borrowed`): the snippet there
    /// shows `*name`, not the value.
    pub borrowed: HashSet<SourceSpan>,
    /// Each entry's name, uri and targetId, where written: the portal lists them as they are,
    /// so none may hold one of the file's secrets (`validate::build`).
    pub listed: Vec<Listed>,
    /// The entries written a second time in their mapping, for the mappings whose entries are
    /// each checked to take (`node::twice_in`): a duplicate hides none of its own problems.
    pub twice: Vec<Twice>,
}

/// A name, uri or targetId the portal lists as it is, where it is written, and its value.
pub(super) type Listed = (Field, SourceSpan, String);

/// The spans of the nodes in `tree` read from elsewhere, so that no message quotes their value.
pub(super) fn borrowed(tree: &Node) -> HashSet<SourceSpan> {
    let mut spans = HashSet::new();
    let mut stack = vec![tree];
    while let Some(node) = stack.pop() {
        if node.span != node.defined {
            spans.insert(node.span);
        }
        match &node.kind {
            Kind::Seq(items) => stack.extend(items),
            Kind::Map(entries) => stack.extend(entries.iter().flat_map(|(k, v)| [k, v])),
            _ => {}
        }
    }
    spans
}

impl Checker<'_> {
    pub(super) fn error(
        &mut self,
        span: SourceSpan,
        code: &'static str,
        message: impl Into<String>,
        label: &str,
        help: Option<&str>,
    ) {
        let (span, message, help) = (self.first_line(span), message.into(), help.map(Into::into));
        let problem = problem_at(self.source, span, code, message, label.to_string(), help);
        self.problems.push(problem);
    }

    /// A problem at `span` (labelled whole) that also points at `also`.
    pub(super) fn error_also(
        &mut self,
        (span, label): (SourceSpan, &str),
        code: &'static str,
        message: impl Into<String>,
        help: &str,
        (at, also): (SourceSpan, &str),
    ) {
        let (message, help) = (message.into(), Some(help.to_string()));
        let problem = problem_at(self.source, span, code, message, label.to_string(), help);
        self.problems.push(problem.with_label(at, also.to_string()));
    }

    /// The part of `span` on its first line: a label over a whole block (a list, or a string
    /// that swallowed the rest of the file) would only frame lines that are blanked anyway.
    fn first_line(&self, span: SourceSpan) -> SourceSpan {
        let text = self.source.text();
        let start = span.offset().min(text.len());
        let end = (start + span.len()).min(text.len());
        match text.get(start..end).and_then(|t| t.find('\n')) {
            Some(nl) => SourceSpan::from(start..start + nl.max(1).min(end - start)),
            None => span,
        }
    }

    /// `value` (read from `node`) quoted for a message, or `None` when any of it is blanked in
    /// the display text: then it may be a secret, e.g. an alias of one (`uri: *secret`).
    pub(super) fn quote(&self, node: &Node, value: &str) -> Option<String> {
        self.quotable(&[node.span, node.defined])
            .then(|| shown(&crate::redact::mask_userinfo(value)))
    }

    /// Whether the text at `spans` shows as written: read there, not through an alias, and
    /// nothing in it blanked (a control character shown as `?` does not count; messages escape
    /// those themselves).
    pub(super) fn quotable(&self, spans: &[SourceSpan]) -> bool {
        let display = self.source.copy().as_bytes();
        let text = self.source.text().as_bytes();
        spans.iter().all(|s| {
            if self.borrowed.contains(s) {
                return false;
            }
            let range = s.offset()..s.offset() + s.len();
            match (text.get(range.clone()), display.get(range)) {
                (Some(t), Some(d)) => t.iter().zip(d).all(|(t, d)| t == d || *d == b'?'),
                _ => false,
            }
        })
    }

    pub(super) fn raw(&self, node: &Node) -> &str {
        self.raw_at(node.span)
    }

    /// The text at `span`; empty where it is not in the text (no panic on a bad span).
    pub(super) fn raw_at(&self, span: SourceSpan) -> &str {
        let (text, start) = (self.source.text(), span.offset());
        text.get(start..start + span.len()).unwrap_or("")
    }

    pub(super) fn wrong_type(
        &mut self,
        node: &Node,
        field: &str,
        expected: &str,
        help: Option<&str>,
    ) {
        let (message, label) = (
            format!("`{field}` must be {expected}, found"),
            format!("expected {expected}"),
        );
        self.type_error(node.span, &message, &node.kind, &label, help);
    }

    /// `message`, then what `kind` is ("..., not a list").
    pub(super) fn type_error(
        &mut self,
        span: SourceSpan,
        message: &str,
        kind: &Kind,
        label: &str,
        help: Option<&str>,
    ) {
        let message = format!("{message} {}", kind.describe());
        self.error(span, "config::type", message, label, help);
    }

    pub(super) fn string<'n>(&mut self, node: &'n Node, field: &str) -> Option<&'n str> {
        let help = match &node.kind {
            Kind::Str(s) => return Some(s),
            Kind::Int(_) | Kind::Float | Kind::Bool(_) => {
                Some(self.quote_it(node, "make it a string"))
            }
            _ => None,
        };
        self.wrong_type(node, field, "a string", help.as_deref());
        None
    }

    pub(super) fn quote_it(&self, node: &Node, to: &str) -> String {
        match self.quote(node, self.raw(node)) {
            Some(raw) => format!("quote it to {to}: \"{raw}\""),
            None => format!("quote it to {to}"),
        }
    }

    pub(super) fn boolean(&mut self, node: &Node, field: &str) -> Option<bool> {
        let yaml11 = ["yes", "no", "on", "off", "y", "n"];
        let help = match &node.kind {
            Kind::Bool(b) => return Some(*b),
            Kind::Str(s) if yaml11.contains(&s.to_ascii_lowercase().as_str()) => {
                Some("this file reads YAML 1.2, where only `true` and `false` are booleans")
            }
            Kind::Str(_) => Some("write `true` or `false`"),
            _ => None,
        };
        self.wrong_type(node, field, "true or false", help);
        None
    }

    /// `place`: e.g. "in a webhook entry".
    pub(super) fn unknown_field(&mut self, key: &Node, valid: &[&str], place: &str) {
        let shown_key = self.quote(key, self.raw(key));
        let suggestion = key.kind.as_str().and_then(|k| closest_field(k, valid));
        let help = match (suggestion, &key.kind) {
            (Some(s), _) => format!("did you mean `{s}`?"),
            (None, Kind::Str(k)) if valid == TOP_FIELDS && ENTRY_FIELDS.contains(&k.as_str()) => {
                format!(
                    "`{k}` is a setting of a webhook: put it under `webhooks:` and the webhook's name or id"
                )
            }
            _ => format!("valid fields here: {}", valid.join(", ")),
        };
        self.error(
            key.span,
            "config::unknown_field",
            match shown_key {
                Some(k) => format!("unknown field `{k}` {place}"),
                None => format!("unknown field {place}"),
            },
            "unknown field",
            Some(&help),
        );
    }

    /// A webhook name, from a key or from `name:`.
    pub(super) fn name(&mut self, node: &Node, name: &str) -> Option<String> {
        let (message, label, help) = match rules::check_name(name) {
            Ok(()) => return Some(name.to_string()),
            Err(NameProblem::Blank) => (
                "a webhook name must not be blank".to_string(),
                "blank name",
                None,
            ),
            Err(NameProblem::TooLong(t)) => (
                format!("a webhook name may have {t}"),
                "name too long",
                Some("the portal refuses longer names"),
            ),
        };
        self.error(node.span, "config::bad_name", message, label, help);
        None
    }

    /// A portal's address, one the client can also use, so a file `validate` passes never
    /// fails on its address.
    pub(super) fn portal_url(&mut self, node: &Node, field: &str) -> Option<String> {
        let (url, _) = self.url(node, field)?;
        let Err(e) = crate::api::PortalUrl::parse(&url) else {
            return Some(url);
        };
        let reason = match e {
            // The path is the user's text, which the snippet shows masked if need be.
            crate::api::ApiError::PortalUrl { reason, .. }
                if reason.starts_with("it has a path") =>
            {
                "it has a path, and DocSpace serves its API at the root of the portal's address"
                    .to_string()
            }
            crate::api::ApiError::PortalUrl { reason, .. } => reason,
            other => other.to_string(),
        };
        self.error(
            node.span,
            "config::bad_portal_url",
            format!("`{field}` is not a portal address the tool can use: {reason}"),
            "not a usable portal address",
            Some("a portal's address is https://host (plain http:// only for a loopback host), with nothing after the host"),
        );
        None
    }

    /// The URL and whether it is plain `http`. Kept as written, not normalised, so it compares
    /// equal to what the portal stores.
    pub(super) fn url(&mut self, node: &Node, field: &str) -> Option<(String, bool)> {
        let uri = self.string(node, field)?;
        let problem = match rules::check_url(uri) {
            Ok(url) => return Some((uri.to_string(), url.scheme() == "http")),
            Err(problem) => problem,
        };
        let mut message = format!("`{field}` {}", problem.reason());
        let (label, help) = match &problem {
            UrlProblem::Spaces => ("spaces", None),
            UrlProblem::TabOrBreak => ("tab or line break", None),
            UrlProblem::NoHost => ("no host", None),
            UrlProblem::NotAbsolute(_) => {
                let help = match self.quote(node, uri) {
                    _ if uri.starts_with("${") => format!(
                        "`{field}` is taken as written: `${{VAR}}` is read from the environment \
                         only for `secretKey`, `apiKey` and a webhook's `uri`; write the URL \
                         itself"
                    ),
                    Some(quoted) if has_host_first(uri) => {
                        format!("did you mean `https://{quoted}`?")
                    }
                    // A portal's address has no path (`portal_url`).
                    _ if field != Field::Uri.key() => {
                        "write the portal's address, e.g. `https://yourportal.onlyoffice.com`"
                            .to_string()
                    }
                    Some(quoted) if uri.starts_with('/') => format!(
                        "a path alone has no host: write the full URL, e.g. \
                         `https://hooks.example.com{quoted}`"
                    ),
                    _ => {
                        "write the full URL, e.g. `https://example.com/hooks/docspace`".to_string()
                    }
                };
                ("not an absolute http(s) URL", Some(help))
            }
            UrlProblem::Scheme(url) => {
                if let Some(scheme) = self.quote(node, url.scheme()) {
                    message =
                        format!("`{field}` has scheme `{scheme}`; only http and https are allowed");
                }
                ("not http or https", None)
            }
            // A webhook's uri is sent as written; a portal's address is parsed.
            UrlProblem::Slashes => {
                let sent = if field == "uri" {
                    "the uri is sent as written: "
                } else {
                    ""
                };
                let help = format!("{sent}write `https://` (or `http://`) right before the host");
                ("not scheme://host", Some(help))
            }
        };
        self.error(
            node.span,
            "config::bad_uri",
            message,
            label,
            help.as_deref(),
        );
        None
    }

    /// The items of a non-empty list; `empty` is the code, message and help for an empty one.
    pub(super) fn list<'n>(
        &mut self,
        node: &'n Node,
        (field, expected): (&str, &str),
        help: String,
        empty: [&'static str; 3],
    ) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Seq(items) if !items.is_empty() => Some(items),
            Kind::Seq(_) => {
                let [code, message, help] = empty;
                self.error(node.span, code, message, "empty list", Some(help));
                None
            }
            _ => {
                self.wrong_type(node, field, expected, Some(&help));
                None
            }
        }
    }

    pub(super) fn triggers(&mut self, node: &Node) -> Option<TriggerSet> {
        let help = match node.kind.as_str().and_then(triggers::parse) {
            Some(Parsed::All) => return Some(TriggerSet::ALL),
            Some(Parsed::One(t)) => format!("write a list: `triggers: [{}]`", t.name),
            None => "e.g. `triggers: [file.uploaded, room.created]`, or `triggers: \"*\"` for every event".to_string(),
        };
        let empty = [
            "config::empty_triggers",
            "an empty `triggers` list would subscribe to every event",
            "the portal reads no triggers as all events: write `\"*\"` to mean that, or list the events",
        ];
        let items = self.list(node, ("triggers", "a list of trigger names"), help, empty)?;
        let names_look_like =
            "trigger names look like `file.uploaded` or `FileUploaded`; \"*\" means every event";
        let mut parsed = Vec::new();
        let mut ok = true;
        for item in items {
            let Kind::Str(name) = &item.kind else {
                ok = false;
                let (message, label) = ("a trigger must be a name, not", "expected a trigger name");
                self.type_error(item.span, message, &item.kind, label, Some(names_look_like));
                continue;
            };
            match triggers::parse(name) {
                Some(p) => parsed.push((p, item)),
                None => {
                    ok = false;
                    let names = (triggers::TRIGGERS.iter())
                        .flat_map(|t| [t.name, t.variant])
                        .chain(triggers::ALL_NAMES);
                    let help = match closest(name, names, 0.75) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => names_look_like.to_string(),
                    };
                    let message = match self.quote(item, name) {
                        Some(name) => format!("unknown trigger `{name}`"),
                        None => "unknown trigger".to_string(),
                    };
                    self.error(
                        item.span,
                        "config::unknown_trigger",
                        message,
                        "unknown trigger",
                        Some(&help),
                    );
                }
            }
        }
        if parsed.len() > 1 {
            for (_, item) in parsed.iter().filter(|(p, _)| *p == Parsed::All) {
                ok = false;
                self.error(
                    item.span,
                    "config::redundant_trigger",
                    "`*` (every event) is listed together with other triggers",
                    "already means every event",
                    Some("remove `*` to subscribe only to the listed events, or keep only `*`"),
                );
            }
        }
        ok.then(|| TriggerSet::from_parsed(parsed.into_iter().map(|(p, _)| p)))
    }

    pub(super) fn target_id(&mut self, node: &Node) -> Option<String> {
        match &node.kind {
            Kind::Null => Some(String::new()),
            // A plain number is a file, folder or room id; keep it exactly as written (`0042`
            // is the integer 42 to YAML, and digits past 64 bits a float).
            Kind::Int(_) | Kind::Float if self.raw(node).bytes().all(|b| b.is_ascii_digit()) => {
                Some(self.raw(node).to_string())
            }
            _ => {
                let target = self.string(node, "targetId")?;
                if let Err(t) = rules::check_target_id(target) {
                    self.error(
                        node.span,
                        "config::bad_target",
                        format!("`targetId` may have {t}"),
                        "too long",
                        None,
                    );
                    return None;
                }
                Some(target.to_string())
            }
        }
    }

    /// `secretKey:`. Labels go on the key, not the value: the value is blanked in the display
    /// text anyway, and a label there would only draw the eye to it.
    pub(super) fn secret(&mut self, key: &Node, value: &Node) -> Option<SecretRef> {
        let from_env = "keep it out of the file: `secretKey: ${MY_WEBHOOK_SECRET}` reads the environment variable MY_WEBHOOK_SECRET";
        let Kind::Str(s) = &value.kind else {
            let help = match value.kind {
                Kind::Null => "leave `secretKey` out to keep the secret the portal has",
                _ => "quote the secret, or better, read it from the environment with `${VAR}`",
            };
            let message = "`secretKey` must be a string, found";
            self.type_error(
                key.span,
                message,
                &value.kind,
                "expected a string",
                Some(help),
            );
            return None;
        };
        match self.env_reference(key, "secretKey", s, "BILLING_WEBHOOK_SECRET") {
            Written::Reference(var) => return Some(SecretRef::Env(var)),
            Written::Broken => return None,
            Written::Literal => {}
        }
        if let Err(reason) = check_secret_policy(s) {
            self.error(
                key.span,
                "config::secret_policy",
                format!("`secretKey` does not meet the portal's secret policy: {reason}"),
                "this secret",
                Some(&format!("the portal accepts {POLICY}; {from_env}")),
            );
            return None;
        }
        Some(SecretRef::Literal(SecretString::from(s.clone())))
    }

    /// `s`, the value of `key`, read as a `${VAR}` reference. A broken one is labelled at the
    /// key, since the value may be a secret.
    pub(super) fn env_reference(
        &mut self,
        key: &Node,
        field: &str,
        s: &str,
        example: &str,
    ) -> Written {
        if let Some(var) = parse_env_ref(s) {
            return Written::Reference(var.to_string());
        }
        if s.contains("${") {
            self.error(
                key.span,
                "config::bad_secret_ref",
                format!("`{field}` contains `${{` but is not a single `${{NAME}}` reference"),
                "not a valid reference",
                Some(&format!("write the reference alone, e.g. `{field}: ${{{example}}}`; a variable name has letters, digits and `_` and does not start with a digit")),
            );
            return Written::Broken;
        }
        if s.strip_prefix('$')
            .is_some_and(|name| parse_env_ref(&format!("${{{name}}}")).is_some())
        {
            self.error(
                key.span,
                "config::bad_secret_ref",
                format!("`{field}` looks like an environment variable written without braces"),
                "not a reference",
                Some("write `${VAR}`, with braces, to read a variable; if this is the secret itself, put it in a variable and write that"),
            );
            return Written::Broken;
        }
        Written::Literal
    }

    /// `prune: {}` sets no limit.
    pub(super) fn prune(&mut self, value: &Node) -> Option<usize> {
        let Kind::Map(entries) = &value.kind else {
            self.wrong_type(
                value,
                PRUNE,
                "a mapping",
                Some("write `prune: { maxDeletes: 5 }`"),
            );
            return None;
        };
        let mut limit = None;
        for (key, value) in entries {
            match &key.kind {
                Kind::Str(k) if k == MAX_DELETES => limit = self.max_deletes(value),
                _ => self.unknown_field(key, PRUNE_FIELDS, "under `prune`"),
            }
        }
        limit
    }

    fn max_deletes(&mut self, value: &Node) -> Option<usize> {
        let field = "prune.maxDeletes";
        let help = Some("the most webhooks one run may delete, e.g. `maxDeletes: 5`");
        let Kind::Int(n) = value.kind else {
            self.wrong_type(value, field, "a whole number", help);
            return None;
        };
        let limit = usize::try_from(n).ok();
        if limit.is_none() {
            let message = format!("`{field}` must be 0 or more, found {n}");
            let code = "config::bad_max_deletes";
            self.error(value.span, code, message, "a negative limit", help);
        }
        limit
    }
}

/// Where a problem with `key`'s value is shown: the value, or the key when the value is
/// empty (`webhooks:` with nothing after it has no span of its own).
pub(super) fn value_or_key(key: &Node, value: &Node) -> SourceSpan {
    if value.span.is_empty() {
        key.span
    } else {
        value.span
    }
}

/// How a value that may name an environment variable is written.
pub(super) enum Written {
    Reference(String),
    Literal,
    /// Recorded as a problem.
    Broken,
}

/// Whether `uri`, which did not parse as an absolute URL, reads as one without its scheme
/// (`billing.example.com/hooks`), so `https://` in front of it makes sense. A relative uri
/// (`/hooks`, `./hooks`, `?a=1`) has no host: `https:///hooks` would only be another error.
fn has_host_first(uri: &str) -> bool {
    !uri.contains("://")
        && !uri.starts_with(['/', '.', '?', '#', '\\'])
        && reqwest::Url::parse(&format!("https://{uri}"))
            .is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()))
}
