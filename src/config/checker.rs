//! The `Checker`: what pass 2 of the loader records problems in, and the checks of a value's
//! YAML type that every field shares (a string, a boolean, a known key).
//!
//! Each check records its problems and returns `None` for a bad value, so the caller keeps
//! going and every problem in the file is reported. Messages quote the file only through
//! `quote`, which refuses any text that is masked in the display copy (it may be a secret).

use std::sync::Arc;

use miette::SourceSpan;

use super::display::Source;
use super::escape::shown;
use super::keys::{ENTRY_FIELDS, TOP_FIELDS, closest_field};
use super::node::{Kind, Node};
use super::problem::{Problem, problem_at};

/// Collects problems for one file.
pub(super) struct Checker<'a> {
    pub source: &'a Arc<Source>,
    /// The original text (not the masked display copy). Only quoted back for non-secrets.
    pub text: &'a str,
    pub problems: Vec<Problem>,
}

impl Checker<'_> {
    pub(super) fn error(
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
    pub(super) fn quote(&self, node: &Node, value: &str) -> Option<String> {
        self.quotable(&[node.span, node.defined])
            .then(|| shown(&crate::redact::mask_userinfo(value)))
    }

    /// Whether the text at `spans` shows as written: nothing in it is masked (a control
    /// character shown as `?` does not count; messages escape those themselves).
    pub(super) fn quotable(&self, spans: &[SourceSpan]) -> bool {
        let display = self.source.display().inner().as_bytes();
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
    pub(super) fn raw(&self, node: &Node) -> &str {
        let start = node.span.offset();
        self.text.get(start..start + node.span.len()).unwrap_or("")
    }

    pub(super) fn wrong_type(
        &mut self,
        node: &Node,
        field: &str,
        expected: &str,
        help: Option<String>,
    ) {
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

    pub(super) fn string<'n>(&mut self, node: &'n Node, field: &str) -> Option<&'n str> {
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

    pub(super) fn boolean(&mut self, node: &Node, field: &str) -> Option<bool> {
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

    /// An unknown key `key` (at `place`, e.g. "in a webhook entry"), with the closest of
    /// `valid` when one is close.
    pub(super) fn unknown_field(&mut self, key: &Node, valid: &[&str], place: &str) {
        let shown_key = self.quote(key, self.raw(key));
        let suggestion = match &key.kind {
            Kind::Str(k) => closest_field(k, valid),
            _ => None,
        };
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
            Some(help),
        );
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
