//! `export`: the live webhooks as a config file (docs/adopting.md). The output is valid input
//! and describes the portal exactly: `plan --prune` of it shows no changes (a test holds it to
//! that). Every string is a double-quoted scalar, which YAML reads back verbatim, so a name
//! like `123` or `yes: no` stays a name.

use std::collections::HashMap;
use std::fmt::Write;

use crate::api::LiveWebhook;
use crate::config::rules;
use crate::field::{Field, Value};

/// `secret_uri`: whether a live uri holds the value of a `uri: ${VAR}` the run read (left out:
/// the file must not hold it, and its entry reads it from the variable).
pub fn render_export(
    portal: &str,
    live: &[LiveWebhook],
    secret_uri: &dyn Fn(&str) -> bool,
) -> String {
    let mut named: HashMap<&str, usize> = HashMap::new();
    for w in live {
        *named.entry(w.name.as_str()).or_default() += 1;
    }
    let mut hooks: Vec<&LiveWebhook> = live.iter().collect();
    hooks.sort_by_key(|w| w.id);

    let mut out = format!(
        "# Exported from {portal} by docspace-webhooks.\n\
         # secretKey is write-only: the portal never returns it, so none is exported. To manage a\n\
         # webhook's secret, add `secretKey: ${{SOME_VAR}}` to its entry and run\n\
         # `docspace-webhooks apply --rotate-secrets` with SOME_VAR set.\n\
         portal: {}\n",
        quote(portal)
    );
    if hooks.is_empty() {
        return out + "webhooks: {}\n";
    }
    out.push_str("webhooks:\n");
    for w in hooks {
        // A name that reads as an id (`"1"`) is keyed by id too: as a key it draws a warning
        // whose help would key it by another webhook's id, maybe one keyed so here (a blank
        // name's `1:`).
        let by_id = named[w.name.as_str()] > 1
            || unwritable(Field::Name, &w.name).is_some()
            || crate::config::id_like(&w.name).is_some();
        entry(&mut out, w, by_id, secret_uri);
    }
    out
}

/// One webhook's entry, its fields in `Field::ALL` order, each as its `Value` reads in YAML.
/// `by_id` when its name repeats, reads as an id, or is one no file may write, so only the id
/// identifies it.
fn entry(out: &mut String, w: &LiveWebhook, by_id: bool, secret_uri: &dyn Fn(&str) -> bool) {
    let id = w.id;
    if by_id {
        let _ = writeln!(out, "  {id}:");
    } else {
        let _ = writeln!(out, "  {}: # id {id}", quote(&w.name));
    }
    let settings = w.settings();
    for &field in Field::ALL {
        let key = field.key();
        // Ok: the value as YAML; Err: why it is left out, which a comment says in its place.
        let value = match settings.value(field) {
            // The key is the name.
            Some(_) if field == Field::Name && !by_id => continue,
            // A secret is write-only: the portal never returns it (the file's header says so).
            // No target is written by leaving `targetId` out.
            None | Some(Value::None | Value::Sensitive) => continue,
            Some(Value::Text(text)) if field == Field::Uri && secret_uri(&text) => Err(
                "it holds the value of a `uri: ${VAR}`, a secret; write `uri: ${VAR}` to manage \
                 it, the portal keeps its own meanwhile"
                    .to_string(),
            ),
            Some(Value::Text(text)) => match unwritable(field, &text) {
                Some(why) => Err(format!("{why}; the portal keeps its own")),
                None => Ok(quote(&text)),
            },
            // A create probably stores `ssl: false` as true (docs/docspace-api.md §9), so an
            // http webhook another client made may have it; a file refuses the pair (§13).
            Some(Value::Bool(true)) if field == Field::Ssl && rules::is_plain_http(&w.uri) => Err(
                "a file cannot hold `ssl: true` with the portal's plain http uri; the portal \
                 keeps its own"
                    .to_string(),
            ),
            Some(Value::Bool(b)) => Ok(b.to_string()),
            Some(Value::Triggers(triggers)) if triggers.unknown_bits() == 0 => {
                let names: Vec<String> = triggers.names().iter().map(|n| quote(n)).collect();
                Ok(format!("[{}]", names.join(", ")))
            }
            Some(Value::Triggers(triggers)) => Err(format!(
                "the portal has events this version does not know ({})",
                triggers.bits()
            )),
        };
        let _ = match value {
            Ok(value) => writeln!(out, "    {key}: {value}"),
            Err(why) => writeln!(out, "    # {key} left out: {why}"),
        };
    }
}

/// Why a file cannot hold the portal's `text` for `field`, which the loader would refuse: a
/// portal may hold a uri that no file can write, and the output must stay valid input.
fn unwritable(field: Field, text: &str) -> Option<&'static str> {
    match field {
        Field::Uri if text.contains("${") => Some("a file reads `${` in a uri as a variable"),
        Field::Uri => {
            (rules::check_url(text).err()).map(|_| "the portal's uri is not one a file may write")
        }
        // Blank or too long: older portals, or another client, may have stored one.
        Field::Name => (rules::check_name(text).err())
            .map(|_| "the portal's name is not one a file may write (blank, or too long)"),
        Field::TargetId => (rules::check_target_id(text).err())
            .map(|_| "the portal's targetId is longer than a file may write"),
        // Not text a file writes: a new field decides here whether the loader may refuse it.
        Field::SecretKey | Field::Enabled | Field::Ssl | Field::Triggers => None,
    }
}

/// A YAML double-quoted scalar that reads back as `s` exactly. Every character the YAML reader
/// refuses to read raw (C0 and C1 controls, DEL, noncharacters such as U+FFFE) is escaped, and
/// so is everything that could garble a terminal or mislead a reader of the file (bidi
/// overrides, zero-width characters, line and paragraph separators), so the output is valid
/// input and safe to print.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) && (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn needs_escape(c: char) -> bool {
    let code = c as u32;
    c.is_control()
        || (0xFDD0..=0xFDEF).contains(&code)
        || code & 0xFFFE == 0xFFFE
        || matches!(c, '\u{2028}' | '\u{2029}')
        || crate::redact::is_invisible_format(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, Key};

    #[test]
    fn names_the_reader_would_refuse_are_escaped_and_read_back_exactly() {
        let names = [
            "next\u{85}line",
            "csi\u{9b}31m",
            "not\u{FFFE}char",
            "not\u{1FFFF}either",
            "bidi\u{202E}txt.exe",
            "del\u{7f} and\u{1b}[2J esc",
            "zero\u{200B}width\u{2028}sep",
            "quote \" and \\ backslash",
            "plain é 😀",
        ];
        let live: Vec<LiveWebhook> = names
            .iter()
            .zip(1..)
            .map(|(name, id)| {
                LiveWebhook::listed(id, name, &format!("https://h.example/{id}?q=\u{9b}"))
            })
            .collect();
        let out = render_export("https://portal.example.com", &live, &|_| false);
        assert!(
            !out.chars()
                .any(|c| c != '\n' && (needs_escape(c) || c.is_control())),
            "{out}"
        );
        let document =
            config::load_document_str(&out, "export.yaml").expect("the export is valid input");
        let config = document.unnamed().expect("one portal");
        let read: Vec<String> = config
            .webhooks
            .iter()
            .map(|w| match &w.key {
                Key::Name(n) => n.clone(),
                Key::Id(_) => panic!("names are unique"),
            })
            .collect();
        assert_eq!(read, names);
        assert_eq!(
            config.webhooks[1].uri.as_deref(),
            Some("https://h.example/2?q=\u{9b}")
        );
    }
}
