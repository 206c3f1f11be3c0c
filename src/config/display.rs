//! The file as diagnostics show it: its structure and the values of fields that are never
//! secret, every other value blanked, built only when a diagnostic needs it.
//!
//! A rendered diagnostic prints the labelled line and the lines around it, so whatever the
//! file holds there would land in a CI log. The display copy is an allowlist: it starts blank
//! and shows only what is known to be harmless. Shown: indentation and the punctuation between
//! values, the `#` of comments (never their text), mapping keys, the values of the fields that
//! are never secret (`Field::is_secret` says which; `name`, `enabled`, `ssl`, `triggers`,
//! `targetId`, `only`, `prune`), numbers, booleans and nulls, `${VAR}` references, and
//! addresses (`uri`, `portal`, a portal's `url`) with their credentials masked
//! (`redact::mask_credentials`). Blanked: everything else, in particular a secret field's value,
//! the value of a key the format does not have, a string that spans lines (a stray `|` makes
//! the rest of the file one), anchors and tags, and a shown value from a run of spaces on
//! (where a line joined to it starts). A value holding a secret under no key anyone foresaw is
//! therefore blanked too, since it is not on the list.
//!
//! A file that does not parse has no structure to go by, so when it may hold a secret
//! (`unparsed::may_hold_secrets`) none of its lines is shown.
//!
//! A blanked value becomes `***` followed by spaces, so neither its length nor its characters
//! show. Every byte keeps its place (spaces pad what was removed), and control characters become
//! `?`, so the spans taken from the original text (byte offsets) stay valid. The display copy is
//! only ever displayed; the values in `Config` come from the original.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use miette::{NamedSource, SourceSpan};

use super::escape::is_unsafe;
use super::keys::{API_KEY, MAX_DELETES, ONLY, PORTAL, PORTALS, PRUNE, URL, WEBHOOKS};
use super::node::{self, Kind, Node};
use super::secret::parse_env_ref;
use crate::field::Field;
use crate::redact::{
    credential_ranges, mask_credentials, mask_userinfo, scheme_less_credential_ranges,
};

/// A webhook file as the diagnostics name and show it. The display copy is made on first use,
/// so a file that loads without a problem to show never pays for it. No `Debug` of the text:
/// it may hold secrets.
pub struct Source {
    name: String,
    /// The text as read: for spans and line numbers, never shown.
    text: String,
    display: OnceLock<NamedSource<String>>,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source").field("name", &self.name).finish()
    }
}

impl Source {
    /// A file that parsed: its display copy is made from the tree when first asked for.
    pub(super) fn new(name: String, text: String) -> Source {
        Source {
            name,
            text,
            display: OnceLock::new(),
        }
    }

    /// A file shown as `display` (one that did not parse), which also stands for its text.
    pub(super) fn with_display(name: String, display: String) -> Source {
        let shown = NamedSource::new(name.clone(), display.clone());
        Source {
            name,
            text: display,
            display: OnceLock::from(shown),
        }
    }

    /// The file's name as given (escaped).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text as read, to count lines in (never to show).
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// The copy diagnostics show and point into.
    pub(super) fn display(&self) -> &NamedSource<String> {
        self.display.get_or_init(|| {
            // The tree is not kept beside the text: a second parse only happens for a file
            // with something to show, and gives the same tree.
            let shown = match node::parse(&self.text) {
                Ok(tree) => display_text(&self.text, &tree),
                Err(_) => blanked(&self.text),
            };
            NamedSource::new(self.name.clone(), shown)
        })
    }
}

/// The display copy of a file that parsed into `tree`.
fn display_text(text: &str, tree: &Node) -> String {
    let mut copy = Copy {
        text,
        shown: vec![false; text.len()],
        scalar: vec![false; text.len()],
        rewritten: Vec::new(),
    };
    copy.node(tree, Place::Top);
    copy.structure();
    copy.render()
}

/// The display copy of a file that did not parse, or `None` when it may hold a secret.
pub(super) fn display_unparsed(text: &str) -> Option<String> {
    (!super::unparsed::may_hold_secrets(text)).then(|| {
        let copy = Copy {
            text,
            shown: vec![true; text.len()],
            scalar: Vec::new(),
            rewritten: Vec::new(),
        };
        copy.render()
    })
}

/// A copy with nothing but the line breaks, for a problem shown without its snippet: its spans
/// and line numbers stay right, and nothing of the file is in it.
pub(super) fn blanked(text: &str) -> String {
    text.bytes()
        .map(|b| if b == b'\n' { '\n' } else { ' ' })
        .collect()
}

/// What a node's value is, by where it stands in the file's structure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The top level: `portal`, `portals`, `webhooks`, `prune`.
    Top,
    /// Under `portals`: portal names.
    Portals,
    /// One portal: `url`, `apiKey`, `prune`, `webhooks`.
    Portal,
    /// Under `webhooks`: webhook names or ids.
    Webhooks,
    /// One webhook entry: its fields and `only`.
    Entry,
    /// `prune`: `maxDeletes`.
    Prune,
    /// A field that is never secret: its scalars, or a list of them.
    Plain,
    /// An address: shown with its credentials masked.
    Address,
    /// A secret field: only a `${VAR}` reference shows.
    Secret,
    /// The value of a key the format does not have there: only numbers, booleans and nulls.
    Unknown,
}

impl Place {
    /// The place of the value of `key` in a mapping at `self`.
    fn of(self, key: &str) -> Place {
        match (self, key) {
            (Place::Top, PORTAL) | (Place::Portal, URL) => Place::Address,
            (Place::Top, PORTALS) => Place::Portals,
            (Place::Top | Place::Portal, WEBHOOKS) => Place::Webhooks,
            (Place::Top | Place::Portal, PRUNE) => Place::Prune,
            (Place::Portal, API_KEY) => Place::Secret,
            (Place::Portals, _) => Place::Portal,
            (Place::Webhooks, _) => Place::Entry,
            (Place::Entry, ONLY) | (Place::Prune, MAX_DELETES) => Place::Plain,
            (Place::Entry, key) => match Field::from_key(key) {
                Some(Field::Uri) => Place::Address,
                Some(field) if field.is_secret() => Place::Secret,
                Some(_) => Place::Plain,
                None => Place::Unknown,
            },
            _ => Place::Unknown,
        }
    }

    /// Whether the place holds a mapping of settings or names.
    fn is_mapping(self) -> bool {
        matches!(
            self,
            Place::Top
                | Place::Portals
                | Place::Portal
                | Place::Webhooks
                | Place::Entry
                | Place::Prune
        )
    }
}

/// The display copy being made: which bytes show, and which spans show a shorter text.
struct Copy<'t> {
    text: &'t str,
    shown: Vec<bool>,
    /// Bytes inside a scalar (shown or not); the rest is structure.
    scalar: Vec<bool>,
    rewritten: Vec<(Range<usize>, String)>,
}

impl Copy<'_> {
    fn node(&mut self, node: &Node, place: Place) {
        // An alias shows only as structure: its value is shown, or not, where it is written.
        let place = if node.span == node.defined {
            place
        } else {
            Place::Unknown
        };
        match &node.kind {
            Kind::Map(entries) => {
                for (key, value) in entries {
                    match &key.kind {
                        Kind::Str(k) if place.is_mapping() => {
                            self.string(key, k, false);
                            self.node(value, place.of(k));
                        }
                        // An id under `webhooks`, or a number where a name belongs.
                        Kind::Int(_) | Kind::Float | Kind::Bool(_) | Kind::Null
                            if place.is_mapping() =>
                        {
                            self.scalar(key, true);
                            self.node(value, place.of(""));
                        }
                        _ => {
                            // A key that is itself a list or mapping, or any key of a value that
                            // should not be a mapping: shown only as structure.
                            self.node(key, Place::Unknown);
                            self.node(value, Place::Unknown);
                        }
                    }
                }
            }
            Kind::Seq(items) => {
                let item = if place == Place::Plain {
                    Place::Plain
                } else {
                    Place::Unknown
                };
                for node in items {
                    // A list in a list is not a value any field has.
                    let nested = matches!(node.kind, Kind::Seq(_) | Kind::Map(_));
                    self.node(node, if nested { Place::Unknown } else { item });
                }
            }
            Kind::Str(s) => match place {
                Place::Plain => self.string(node, s, false),
                Place::Address => self.string(node, s, true),
                Place::Secret => self.scalar(node, parse_env_ref(s).is_some()),
                _ => self.scalar(node, false),
            },
            // A number, boolean or null is no secret (a number as a secret is a string).
            _ => self.scalar(node, place != Place::Secret),
        }
    }

    /// Records `node` as a scalar, shown when `show` says so and it is written on one line.
    fn scalar(&mut self, node: &Node, show: bool) {
        let range = range(node.span);
        self.scalar[range.clone()].fill(true);
        if show && node.span == node.defined {
            let shown = self.one_line(range.clone());
            self.shown[shown].fill(true);
        }
    }

    /// The part of `range` that may show: none of a scalar that spans lines, and a single-line
    /// one up to a run of spaces or a tab (where another line was joined to it).
    fn one_line(&self, range: Range<usize>) -> Range<usize> {
        let raw = &self.text[range.clone()];
        if raw.contains(['\n', '\r']) {
            return range.start..range.start;
        }
        let end = [raw.find("  "), raw.find('\t')]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(raw.len());
        range.start..range.start + end
    }

    /// A string that may show, with the credentials of any URL in it masked (and, in an
    /// `address`, also a user and password written without a scheme, and the values of its
    /// query). Blanked when its credentials are written with escapes, where they are not the
    /// text as written.
    fn string(&mut self, node: &Node, value: &str, address: bool) {
        self.scalar(node, false);
        let range = self.one_line(range(node.span));
        let raw = &self.text[range.clone()];
        let credentials = if address {
            scheme_less_credential_ranges(value)
        } else {
            credential_ranges(value)
        };
        if node.span != node.defined || (unquoted(raw) != value && !credentials.is_empty()) {
            return;
        }
        let masked = if address {
            blank_query(&mask_userinfo(raw))
        } else {
            mask_credentials(raw)
        };
        if masked == raw {
            self.shown[range].fill(true);
        } else if masked.len() <= raw.len() && !raw.contains(is_unsafe) {
            self.rewritten.push((range, masked));
        }
    }

    /// Shows the structure between scalars: whitespace, YAML's punctuation and the `#` of a
    /// comment (the comment's text stays blank: it may hold anything).
    fn structure(&mut self) {
        let bytes = self.text.as_bytes();
        let mut comment = false;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                comment = false;
            }
            if self.scalar[i] || comment {
                continue;
            }
            if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
                comment = true;
                self.shown[i] = true;
            } else if b.is_ascii_whitespace() || b"-:[]{},?|>".contains(&b) {
                self.shown[i] = true;
            }
        }
    }

    /// The copy: each run of hidden text on a line shows one `***` where its text starts, then
    /// spaces; a rewritten span shows its text padded with spaces.
    fn render(&self) -> String {
        let mut rewritten: Vec<&(Range<usize>, String)> = self.rewritten.iter().collect();
        rewritten.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut out = String::with_capacity(self.text.len());
        let mut stars = 0;
        let mut chars = self.text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if let Some((range, with)) = rewritten.last().filter(|(r, _)| r.start == i) {
                out.push_str(with);
                out.extend(std::iter::repeat_n(' ', range.len() - with.len()));
                while chars.next_if(|(j, _)| *j < range.end).is_some() {}
                rewritten.pop();
                stars = 0;
                continue;
            }
            let hidden = !self.shown[i];
            if hidden && c != '\n' && c != '\r' && (stars > 0 || !c.is_whitespace()) {
                stars = stars.max(1);
                for _ in 0..c.len_utf8() {
                    out.push(if (1..=3).contains(&stars) { '*' } else { ' ' });
                    stars += 1;
                }
                continue;
            }
            if !hidden || c == '\n' {
                stars = 0;
            }
            if is_unsafe(c) {
                out.extend(std::iter::repeat_n('?', c.len_utf8()));
            } else {
                out.push(c);
            }
        }
        out
    }
}

fn range(span: SourceSpan) -> Range<usize> {
    span.offset()..span.offset() + span.len()
}

/// `address` with the value of each query parameter blanked (`?token=***`): a token is often
/// passed there, and the rest of the address says which one it is.
fn blank_query(address: &str) -> String {
    let Some(query) = address.find('?') else {
        return address.to_string();
    };
    let (before, after) = address.split_at(query);
    let end = after.find('#').unwrap_or(after.len());
    let params = after[..end]
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, value)) => format!("{name}={}", "*".repeat(value.len().min(3))),
            None => param.to_string(),
        });
    format!(
        "{before}{}{}",
        params.collect::<Vec<_>>().join("&"),
        &after[end..]
    )
}

/// A scalar as written without its quotes (escapes left as they are).
fn unquoted(raw: &str) -> &str {
    let quoted = |q: char| raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q);
    if quoted('"') || quoted('\'') {
        &raw[1..raw.len() - 1]
    } else {
        raw
    }
}

#[cfg(test)]
mod tests {
    /// The display copy is made when a problem is shown, not for every file that loads.
    #[test]
    fn a_file_that_loads_is_not_copied_for_display() {
        let text =
            "webhooks:\n  a:\n    uri: https://a.example.com\n    secretKey: hunter2hunter2\n";
        let config = super::super::load_str(text, "w.yaml").unwrap();
        let warnings = config.warnings();
        assert_eq!(warnings.len(), 1);
        assert!(config.source.display.get().is_none());
        assert_eq!(warnings[0].line(), 2);
        assert!(config.source.display.get().is_none());
        let _ = warnings[0].reported();
        assert!(config.source.display.get().is_some());
    }
}
