//! The text diagnostics show: the file with literal secrets masked and terminal control
//! characters neutralised.
//!
//! A rendered diagnostic prints the labelled line and the lines around it, so a literal
//! `secretKey` one line above an unknown trigger would land in a CI log. Every byte of such a
//! value is replaced by `*`, and every control character by `?`, one ASCII byte per byte, so
//! all spans taken from the original text stay valid (spans are byte offsets). The masked copy
//! is only ever displayed; the values in `Config` come from the original text.

use std::ops::Range;

use super::node::{Kind, Node};
use super::secret::parse_env_ref;

/// The display copy of `text`. `tree` is the parsed file, or `None` when it did not parse, in
/// which case secrets are found line by line.
pub(super) fn display_text(text: &str, tree: Option<&Node>) -> String {
    let mut ranges = Vec::new();
    match tree {
        Some(node) => {
            secret_ranges(node, &mut ranges);
            userinfo_ranges(text, node, &mut ranges);
        }
        None => secret_lines(text, &mut ranges),
    }
    let mut masked = vec![false; text.len()];
    for range in ranges {
        let end = range.end.min(text.len());
        masked[range.start.min(end)..end].fill(true);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let masked = masked[i];
        let replacement = if masked && !c.is_whitespace() {
            Some('*')
        } else if is_unsafe(c) {
            Some('?')
        } else {
            None
        };
        match replacement {
            Some(r) => out.extend(std::iter::repeat_n(r, c.len_utf8())),
            None => out.push(c),
        }
    }
    out
}

/// Characters that could move the cursor, recolour the terminal or reorder a line (bidi
/// overrides, as in "Trojan Source").
pub(super) fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Keys whose values are treated as secrets: `secretKey` and its misspellings, which are
/// reported as unknown fields but most likely hold a secret all the same.
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("secret") || key.contains("password")
}

fn secret_ranges(node: &Node, out: &mut Vec<Range<usize>>) {
    match &node.kind {
        Kind::Seq(items) => items.iter().for_each(|n| secret_ranges(n, out)),
        Kind::Map(entries) => {
            for (key, value) in entries {
                match &key.kind {
                    Kind::Str(k) if is_secret_key(k) => all_scalars(value, out),
                    _ => secret_ranges(value, out),
                }
            }
        }
        _ => {}
    }
}

fn all_scalars(node: &Node, out: &mut Vec<Range<usize>>) {
    match &node.kind {
        Kind::Str(s) if parse_env_ref(s).is_some() => {}
        Kind::Seq(items) => items.iter().for_each(|n| all_scalars(n, out)),
        // Keys too: `secretKey: {MySecret}` (a typo for `${...}`) makes the secret a key.
        Kind::Map(entries) => entries.iter().for_each(|(k, v)| {
            all_scalars(k, out);
            all_scalars(v, out)
        }),
        _ => {
            for span in [node.span, node.defined] {
                out.push(span.offset()..span.offset() + span.len());
            }
        }
    }
}

/// Without a tree: on a line like `secretKey: value`, mask from after the colon to the end of
/// the line, and for a block scalar (`secretKey: |`) the more indented lines below it.
fn secret_lines(text: &str, out: &mut Vec<Range<usize>>) {
    let mut offset = 0;
    let mut block_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let blank = line.trim().is_empty();
        match block_indent {
            Some(parent) if blank || indent > parent => {
                out.push(offset..offset + line.len());
                offset += line.len();
                continue;
            }
            _ => block_indent = None,
        }
        if let Some(value_start) = secret_value_start(line) {
            let value = line[value_start..].trim();
            let unquoted = value.trim_matches(|c| c == '"' || c == '\'');
            if value.starts_with('|') || value.starts_with('>') {
                block_indent = Some(indent);
            }
            if !value.is_empty() && parse_env_ref(unquoted).is_none() {
                out.push(offset + value_start..offset + line.len());
            }
        }
        offset += line.len();
    }
}

/// Byte offset in `line` just after the first `:` that follows a secret-looking key. Any colon
/// counts, not only YAML's `: `: in flow or JSON style (`"secretKey":"value"`) none follows, and
/// masking too much of a broken line is the safe side.
fn secret_value_start(line: &str) -> Option<usize> {
    let lower = line.to_ascii_lowercase();
    let key_at = lower.find("secret").or_else(|| lower.find("password"))?;
    lower[key_at..].find(':').map(|i| key_at + i + 1)
}

/// The password of every scalar written like a uri with credentials (`https://user:pass@host`),
/// wherever it stands: plans show such a uri as `user:***@`, so the snippet of a diagnostic
/// about that entry (a look-alike host, `ssl: true` with `http://`) must not show it either.
fn userinfo_ranges(text: &str, node: &Node, out: &mut Vec<Range<usize>>) {
    match &node.kind {
        Kind::Seq(items) => items.iter().for_each(|n| userinfo_ranges(text, n, out)),
        Kind::Map(entries) => entries.iter().for_each(|(k, v)| {
            userinfo_ranges(text, k, out);
            userinfo_ranges(text, v, out)
        }),
        Kind::Str(_) => {
            let start = node.span.offset();
            let raw = text.get(start..start + node.span.len()).unwrap_or_default();
            if let Some(range) = password_in(raw) {
                out.push(start + range.start..start + range.end);
            }
        }
        _ => {}
    }
}

/// The bytes of `raw` between `user:` and `@` in its authority (all of the userinfo when it
/// has no `:`).
fn password_in(raw: &str) -> Option<Range<usize>> {
    let authority_start = raw.find("://")? + 3;
    let rest = &raw[authority_start..];
    let end = rest
        .find(|c: char| matches!(c, '/' | '\\' | '?' | '#' | '"' | '\'') || c.is_whitespace())
        .unwrap_or(rest.len());
    let at = rest[..end].rfind('@')?;
    let from = rest[..at].find(':').map_or(0, |colon| colon + 1);
    Some(authority_start + from..authority_start + at)
}
