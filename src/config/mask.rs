//! The text diagnostics show: the file with secrets masked and terminal control characters
//! neutralised.
//!
//! A rendered diagnostic prints the labelled line and the lines around it, so a literal
//! `secretKey` one line above an unknown trigger would land in a CI log. With a parsed tree,
//! every value that may be a secret is masked from its span: the value of any secret-looking
//! key (`sensitive::is_secret_key`) with the rest of its line and the lines indented under it,
//! every string that spans several lines (a stray `|` can make the whole file one string), the
//! credentials of every URL, and secret-looking parts of comments. Without a tree (a syntax
//! error) there is no telling where a value ends, so a file that may hold a secret is not shown
//! at all (`display_unparsed` is `None`).
//!
//! A masked value becomes `***` followed by spaces, and a URL's password `***`, so neither its
//! length nor its characters show. Every byte keeps its place (spaces pad what was removed), and
//! control characters become `?`, so the spans taken from the original text (byte offsets) stay
//! valid. The masked copy is only ever displayed; the values in `Config` come from the original.

use std::ops::Range;

use super::escape::is_unsafe;
use super::keys::is_format_key;
use super::mask_edits::Edits;
use super::node::{Kind, Node};
use super::secret::parse_env_ref;
use super::sensitive::{
    assigned_secret, comment_ranges, comment_start, is_secret_key, may_hold_secrets,
};
use crate::redact::{credential_ranges, mask_userinfo};

/// The display copy of a file that parsed into `tree`.
pub(super) fn display_text(text: &str, tree: &Node) -> String {
    let mut edits = Edits::default();
    if matches!(tree.kind, Kind::Str(_)) {
        // The whole file is one string (a stray `|` or `>` on the first line): it holds every
        // secret in it.
        edits.mask(tree.span);
    }
    walk(text, tree, Place::Top, &mut edits);
    mask_comments(text, &mut edits);
    edits.apply(text)
}

/// The display copy of a file that did not parse, or `None` when it may hold a secret.
pub(super) fn display_unparsed(text: &str) -> Option<String> {
    (!may_hold_secrets(text)).then(|| Edits::default().apply(text))
}

/// A copy with nothing but the line breaks, for a problem shown without its snippet: its spans
/// and line numbers stay right, and nothing of the file is in it.
pub(super) fn blanked(text: &str) -> String {
    text.bytes()
        .map(|b| if b == b'\n' { '\n' } else { ' ' })
        .collect()
}

/// Where a node stands in the file's structure: what its keys are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The top level: settings (`portal`, `webhooks`).
    Top,
    /// Under `webhooks`: keys are webhook names, never secrets.
    Webhooks,
    /// Under `portals`: keys are portal names.
    Portals,
    /// One portal: settings (`url`, `apiKey`, `webhooks`).
    Portal,
    /// A webhook entry, or anything deeper: keys are settings.
    Settings,
}

fn walk(text: &str, node: &Node, place: Place, edits: &mut Edits) {
    match &node.kind {
        Kind::Str(_) => string(text, node, false, edits),
        Kind::Seq(items) => items
            .iter()
            .for_each(|n| walk(text, n, Place::Settings, edits)),
        Kind::Map(entries) => {
            for (key, value) in entries {
                let name = match &key.kind {
                    Kind::Str(k) => Some(k.as_str()),
                    _ => None,
                };
                walk(text, key, Place::Settings, edits);
                // A portal's name is no secret, but a scalar under a secret-looking one is a
                // portal's setting indented one level too far out (`apiKey: sk-...`).
                let names_here = match place {
                    Place::Webhooks => true,
                    Place::Portals => matches!(value.kind, Kind::Map(_) | Kind::Null),
                    _ => false,
                };
                match name {
                    Some(k) if !names_here && is_secret_key(k) => {
                        secret_value(text, key, value, edits);
                    }
                    // A key the file format does not have is reported by its name alone; its
                    // value is never needed, and may be a secret under a name no list of
                    // secret words foresees (`assword:`, a misspelt `secretKey`). A number,
                    // bool or null is no secret, and stays.
                    _ if matches!(place, Place::Top | Place::Portal | Place::Settings)
                        && !name.is_some_and(is_format_key)
                        && !matches!(
                            value.kind,
                            Kind::Bool(_) | Kind::Int(_) | Kind::Float | Kind::Null
                        ) =>
                    {
                        secret_value(text, key, value, edits);
                    }
                    _ if place == Place::Portals => walk(text, value, Place::Portal, edits),
                    Some("uri" | "portal" | "url")
                        if place != Place::Webhooks && matches!(value.kind, Kind::Str(_)) =>
                    {
                        string(text, value, true, edits);
                    }
                    Some("webhooks") if matches!(place, Place::Top | Place::Portal) => {
                        walk(text, value, Place::Webhooks, edits);
                    }
                    Some("portals") if place == Place::Top => {
                        walk(text, value, Place::Portals, edits);
                    }
                    _ => walk(text, value, Place::Settings, edits),
                }
            }
        }
        _ => {}
    }
}

/// A string scalar: masked whole when it spans lines, else only its URL credentials (also
/// `user:pass@host` without a scheme when `address` says it is one).
fn string(text: &str, node: &Node, address: bool, edits: &mut Edits) {
    let Kind::Str(value) = &node.kind else {
        return;
    };
    let ranges_of = |s: &str| {
        if address {
            crate::redact::scheme_less_credential_ranges(s)
        } else {
            credential_ranges(s)
        }
    };
    let value_has_credentials = !ranges_of(value).is_empty();
    for span in spans(node) {
        let raw = &text[span.clone()];
        if raw.contains('\n') {
            edits.mask_range(span);
            continue;
        }
        if let Some(from) = assigned_secret(raw) {
            // The rest of the value is masked, and with it any credentials before it (all of
            // the value when they are written with escapes and cannot be found in it).
            let from = match (value_has_credentials, ranges_of(raw).first()) {
                (false, _) => from,
                (true, Some(userinfo)) => from.min(userinfo.start),
                (true, None) => 0,
            };
            edits.mask_range(span.start + from..span.end);
            continue;
        }
        let ranges = ranges_of(raw);
        if unquoted(raw) != value.as_str() && value_has_credentials {
            // Written with escapes (`\"`, `''`, `\u0069`): the credentials as parsed are not
            // the text as written, so the userinfo is masked where it is written.
            escaped_userinfo(raw, value, span, edits);
            continue;
        }
        if ranges.is_empty() {
            continue;
        }
        let shortened = if address {
            mask_userinfo(raw)
        } else {
            crate::redact::mask_credentials(raw)
        };
        if shortened.len() <= raw.len() && !raw.contains(is_unsafe) {
            edits.rewrite(span, shortened);
        } else {
            for r in ranges {
                edits.mask_range(span.start + r.start..span.start + r.end);
            }
        }
    }
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

/// Masks the userinfo of `value` in `raw`, the text it was parsed from with escapes: the text
/// before the userinfo and from its `@` on are found as written at both ends of `raw`, and all
/// between them (user and password) is masked. When they are not (an escape there too, or
/// several URLs), the whole scalar is masked.
fn escaped_userinfo(raw: &str, value: &str, span: Range<usize>, edits: &mut Edits) {
    let whole = crate::redact::userinfo_ranges(value);
    let inner = unquoted(raw);
    let quote = (raw.len() - inner.len()) / 2;
    let mapped = match whole.as_slice() {
        [userinfo] => {
            let (before, after) = (&value[..userinfo.start], &value[userinfo.end..]);
            (inner.len() >= before.len() + after.len()
                && inner.starts_with(before)
                && inner.ends_with(after))
            .then(|| quote + before.len()..quote + inner.len() - after.len())
        }
        _ => None,
    };
    match mapped {
        Some(r) if r.len() >= 3 && !raw.contains(is_unsafe) => {
            let shown = format!("{}***{}", &raw[..r.start], &raw[r.end..]);
            edits.rewrite(span, shown);
        }
        Some(r) => edits.mask_range(span.start + r.start..span.start + r.end),
        None => edits.mask_range(span),
    }
}

/// The value of a secret-looking key: every scalar in it (mapping keys too, since
/// `secretKey: {MySecret}`, a typo for `${...}`, makes the secret a key) except `${VAR}`
/// references, the rest of the key's line (a comment there may hold the secret), and the lines
/// indented under the key (a value continued there, or commented out).
fn secret_value(text: &str, key: &Node, value: &Node, edits: &mut Edits) {
    all_scalars(value, edits);
    let reference = matches!(&value.kind, Kind::Str(s) if parse_env_ref(s).is_some());
    let from = if reference {
        value.span.offset() + value.span.len()
    } else {
        // After the key and its `:` (which stays visible).
        let key_end = key.span.offset() + key.span.len();
        let after = &text[key_end..];
        let gap = after.len() - after.trim_start_matches(['"', '\'', ' ', '\t']).len();
        key_end + gap + usize::from(after[gap..].starts_with(':'))
    };
    let line_start = text[..key.span.offset()].rfind('\n').map_or(0, |i| i + 1);
    let indent = indentation(&text[line_start..]);
    let mut end = text[from..].find('\n').map_or(text.len(), |i| from + i);
    if !reference {
        for line in text[end..].split_inclusive('\n').skip(1) {
            if !line.trim().is_empty() && indentation(line) <= indent {
                break;
            }
            end += line.len();
        }
    }
    edits.mask_range(from..end.min(text.len()));
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn all_scalars(node: &Node, edits: &mut Edits) {
    match &node.kind {
        Kind::Str(s) if parse_env_ref(s).is_some() => {}
        Kind::Seq(items) => items.iter().for_each(|n| all_scalars(n, edits)),
        Kind::Map(entries) => entries.iter().for_each(|(k, v)| {
            all_scalars(k, edits);
            all_scalars(v, edits);
        }),
        _ => spans(node).for_each(|s| edits.mask_range(s)),
    }
}

/// Where a node is used and, for an alias, where its value is written.
fn spans(node: &Node) -> impl Iterator<Item = Range<usize>> {
    let range = |s: miette::SourceSpan| s.offset()..s.offset() + s.len();
    let used = range(node.span);
    let defined = range(node.defined);
    std::iter::once(used.clone()).chain((defined != used).then_some(defined))
}

fn mask_comments(text: &str, edits: &mut Edits) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(at) = comment_start(body) {
            for r in comment_ranges(&body[at..], offset + at) {
                edits.mask_range(r);
            }
        }
        offset += line.len();
    }
}
