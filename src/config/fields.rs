//! Checks of single values in a webhook entry, mirroring the server's own checks
//! (docs/docspace-api.md §8 and §13) so that a file that loads is one the server should accept.
//!
//! Each check records its problems in the `Checker` and returns `None` for a bad value, so the
//! caller keeps going and every problem in the file is reported.

use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

use super::node::{Kind, Node};
use super::parse_error::shown;
use super::problem::{Problem, problem_at};
use crate::triggers::{self, Parsed, TriggerSet};

/// The server's limits (`[StringLength]` on the request DTO), counted in characters.
pub(super) const MAX_NAME_CHARS: usize = 50;
pub(super) const MAX_TARGET_CHARS: usize = 255;

/// Collects problems for one file.
pub(super) struct Checker<'a> {
    pub source: &'a Arc<NamedSource<String>>,
    /// The original text (not the masked display copy). Only quoted back for non-secrets.
    pub text: &'a str,
    pub problems: Vec<Problem>,
}

impl Checker<'_> {
    pub fn error(
        &mut self,
        span: SourceSpan,
        code: &'static str,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        let span = self.first_line(span);
        let problem = problem_at(self.source, span, code, message, label.to_string(), help);
        self.problems.push(problem);
    }

    /// The part of `span` on its first line: a label over a whole block (a list, or a string
    /// that swallowed the rest of the file) would only frame lines that are masked anyway.
    fn first_line(&self, span: SourceSpan) -> SourceSpan {
        let start = span.offset().min(self.text.len());
        let end = (start + span.len()).min(self.text.len());
        match self.text.get(start..end).and_then(|t| t.find('\n')) {
            Some(nl) => SourceSpan::from(start..start + nl.max(1).min(end - start)),
            None => span,
        }
    }

    /// `value` (read from `node`) quoted for a message, or `None` when any of it is masked in
    /// the display text: then it may be a secret, e.g. an alias of one (`uri: *secret`).
    pub fn quote(&self, node: &Node, value: &str) -> Option<String> {
        self.quotable(&[node.span, node.defined])
            .then(|| shown(&crate::redact::mask_userinfo(value)))
    }

    /// Whether the text at `spans` shows as written: nothing in it is masked (a control
    /// character shown as `?` does not count; messages escape those themselves).
    pub fn quotable(&self, spans: &[SourceSpan]) -> bool {
        let display = self.source.inner().as_bytes();
        let text = self.text.as_bytes();
        spans.iter().all(|s| {
            let range = s.offset()..s.offset() + s.len();
            match (text.get(range.clone()), display.get(range)) {
                (Some(t), Some(d)) => t.iter().zip(d).all(|(t, d)| t == d || *d == b'?'),
                _ => false,
            }
        })
    }

    /// The text a node was read from, for messages about non-secret values.
    pub fn raw(&self, node: &Node) -> &str {
        let start = node.span.offset();
        self.text.get(start..start + node.span.len()).unwrap_or("")
    }

    pub fn wrong_type(&mut self, node: &Node, field: &str, expected: &str, help: Option<String>) {
        let message = format!(
            "`{field}` must be {expected}, found {}",
            node.kind.describe()
        );
        self.error(
            node.span,
            "config::type",
            message,
            &format!("expected {expected}"),
            help,
        );
    }

    pub fn string<'n>(&mut self, node: &'n Node, field: &str) -> Option<&'n str> {
        match &node.kind {
            Kind::Str(s) => Some(s),
            Kind::Int(_) | Kind::Float | Kind::Bool(_) => {
                let help = match self.quote(node, self.raw(node)) {
                    Some(raw) => format!("quote it to make it a string: \"{raw}\""),
                    None => "quote it to make it a string".to_string(),
                };
                self.wrong_type(node, field, "a string", Some(help));
                None
            }
            _ => {
                self.wrong_type(node, field, "a string", None);
                None
            }
        }
    }

    pub fn boolean(&mut self, node: &Node, field: &str) -> Option<bool> {
        match &node.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Str(s) => {
                let yaml11 = ["yes", "no", "on", "off", "y", "n"];
                let help = if yaml11.contains(&s.to_ascii_lowercase().as_str()) {
                    "this file reads YAML 1.2, where only `true` and `false` are booleans"
                } else {
                    "write `true` or `false`"
                };
                self.wrong_type(node, field, "true or false", Some(help.to_string()));
                None
            }
            _ => {
                self.wrong_type(node, field, "true or false", None);
                None
            }
        }
    }

    /// A webhook name, from a key or from `name:`.
    pub fn name(&mut self, node: &Node, name: &str) -> bool {
        let chars = name.chars().count();
        if name.trim().is_empty() {
            self.error(
                node.span,
                "config::bad_name",
                "a webhook name must not be blank".to_string(),
                "blank name",
                None,
            );
            false
        } else if chars > MAX_NAME_CHARS {
            self.error(
                node.span,
                "config::bad_name",
                format!("a webhook name may have at most {MAX_NAME_CHARS} characters, this one has {chars}"),
                "name too long",
                Some("the portal refuses longer names".to_string()),
            );
            false
        } else {
            true
        }
    }

    /// `uri:` (or `portal:`). Returns the URL as written and whether its scheme is plain
    /// `http`. Kept as written, not normalised, so it compares equal to what the portal stores.
    pub fn url(&mut self, node: &Node, field: &str) -> Option<(String, bool)> {
        let uri = self.string(node, field)?;
        let bad = |this: &mut Self, message: String, label: &str, help: Option<String>| {
            this.error(node.span, "config::bad_uri", message, label, help);
            None
        };
        if uri.trim() != uri {
            return bad(
                self,
                format!("`{field}` has leading or trailing spaces"),
                "spaces",
                None,
            );
        }
        match reqwest::Url::parse(uri) {
            Err(e) => {
                let help = match self.quote(node, uri) {
                    Some(quoted) if !uri.contains("://") => {
                        format!("did you mean `https://{quoted}`?")
                    }
                    _ => {
                        "write the full URL, e.g. `https://example.com/hooks/docspace`".to_string()
                    }
                };
                bad(
                    self,
                    format!("`{field}` is not an absolute URL ({e})"),
                    "not an absolute http(s) URL",
                    Some(help),
                )
            }
            Ok(url) if !matches!(url.scheme(), "http" | "https") => {
                let scheme = match self.quote(node, url.scheme()) {
                    Some(scheme) => format!("scheme `{scheme}`"),
                    None => "a scheme other than http or https".to_string(),
                };
                bad(
                    self,
                    format!("`{field}` has {scheme}; only http and https are allowed"),
                    "not http or https",
                    None,
                )
            }
            Ok(url) if url.host_str().is_none_or(str::is_empty) => {
                bad(self, format!("`{field}` has no host"), "no host", None)
            }
            Ok(url) => Some((uri.to_string(), url.scheme() == "http")),
        }
    }

    /// `triggers:`: a list of names, or the single scalar `"*"` / `All`.
    pub fn triggers(&mut self, node: &Node) -> Option<TriggerSet> {
        let example =
            "e.g. `triggers: [file.uploaded, room.created]`, or `triggers: \"*\"` for every event";
        let items = match &node.kind {
            Kind::Seq(items) => items,
            Kind::Str(s) => {
                let help = match triggers::parse(s) {
                    Some(Parsed::All) => return Some(TriggerSet::ALL),
                    Some(Parsed::One(t)) => format!("write a list: `triggers: [{}]`", t.name),
                    None => example.to_string(),
                };
                self.wrong_type(node, "triggers", "a list of trigger names", Some(help));
                return None;
            }
            _ => {
                self.wrong_type(
                    node,
                    "triggers",
                    "a list of trigger names",
                    Some(example.into()),
                );
                return None;
            }
        };
        if items.is_empty() {
            self.error(
                node.span,
                "config::empty_triggers",
                "an empty `triggers` list would subscribe to every event".to_string(),
                "empty list",
                Some("the portal reads no triggers as all events: write `\"*\"` to mean that, or list the events".to_string()),
            );
            return None;
        }
        let names_look_like =
            "trigger names look like `file.uploaded` or `FileUploaded`; \"*\" means every event";
        let mut parsed = Vec::new();
        let mut ok = true;
        for item in items {
            let Kind::Str(name) = &item.kind else {
                ok = false;
                self.error(
                    item.span,
                    "config::type",
                    format!("a trigger must be a name, not {}", item.kind.describe()),
                    "expected a trigger name",
                    Some(names_look_like.to_string()),
                );
                continue;
            };
            match triggers::parse(name) {
                Some(p) => parsed.push((p, item)),
                None => {
                    ok = false;
                    let help = match triggers::closest(name) {
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
                        Some(help),
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
                    "`*` (every event) is listed together with other triggers".to_string(),
                    "already means every event",
                    Some(
                        "remove `*` to subscribe only to the listed events, or keep only `*`"
                            .to_string(),
                    ),
                );
            }
        }
        ok.then(|| TriggerSet::from_parsed(parsed.into_iter().map(|(p, _)| p)))
    }

    /// `targetId:`: null and `""` both mean "no target" and become `""`.
    pub fn target_id(&mut self, node: &Node) -> Option<String> {
        match &node.kind {
            Kind::Null => Some(String::new()),
            // A plain number is a file, folder or room id; keep it exactly as written (`0042`
            // is read as a float, as YAML 1.2 has no leading-zero integers).
            Kind::Int(_) | Kind::Float if self.raw(node).bytes().all(|b| b.is_ascii_digit()) => {
                Some(self.raw(node).to_string())
            }
            _ => {
                let target = self.string(node, "targetId")?;
                let chars = target.chars().count();
                if chars > MAX_TARGET_CHARS {
                    self.error(
                        node.span,
                        "config::bad_target",
                        format!("`targetId` may have at most {MAX_TARGET_CHARS} characters, this one has {chars}"),
                        "too long",
                        None,
                    );
                    return None;
                }
                Some(target.to_string())
            }
        }
    }
}
