//! `--target KEY`: which entries of the file a plan covers (docs/adopting.md, *Targeting*, gives
//! the rules). The entries left out still count as managed (the planner matches every entry),
//! so the live webhooks they manage are neither listed as unmanaged nor deleted.

use crate::config::{Config, Key};
use crate::redact::quoted;

/// One `--target` value as written, and the key it selects: its text as the file writes it
/// (an id's digits without leading zeros) and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetKey {
    written: String,
    text: String,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `id:N`.
    Id,
    /// `name:TEXT`.
    Name,
    /// A bare key: an id key's digits or a name key's text.
    Either,
}

impl TargetKey {
    /// clap's parser for `--target`.
    pub fn parse(written: &str) -> Result<TargetKey, String> {
        let (text, kind) = if let Some(name) = written.strip_prefix("name:") {
            (name.to_string(), Kind::Name)
        } else if let Some(id) = written.strip_prefix("id:") {
            match id.parse::<i32>() {
                Ok(n) if id.bytes().all(|b| b.is_ascii_digit()) => (n.to_string(), Kind::Id),
                _ => {
                    return Err(format!(
                        "`id:` takes a webhook id (digits); for a name that starts with `id:`, \
                         write name:{written}"
                    ));
                }
            }
        } else {
            (written.to_string(), Kind::Either)
        };
        Ok(TargetKey {
            written: written.to_string(),
            text,
            kind,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// A bare key of digits is also the id it spells, as the file reads `09846:` (9846).
    fn matches(&self, key: &Key) -> bool {
        let digits = self.text.bytes().all(|b| b.is_ascii_digit());
        self.looks_for(key)
            && match key {
                Key::Id(id) => digits && self.text.parse() == Ok(*id),
                Key::Name(name) => *name == self.text,
            }
    }

    /// Whether `key` is of the kind this looks for: the closest key is sought among those.
    fn looks_for(&self, key: &Key) -> bool {
        matches!(
            (self.kind, key),
            (Kind::Either, _) | (Kind::Id, Key::Id(_)) | (Kind::Name, Key::Name(_))
        )
    }
}

/// For each entry of the file, in file order, whether the plan covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection(Vec<bool>);

impl Selection {
    pub fn all(config: &Config) -> Selection {
        Selection(vec![true; config.webhooks.len()])
    }

    /// For each of `configs` (one per portal), the entries keyed by one of `keys` (all when
    /// none); refused with the keys none of them has, each with the closest key, or else with
    /// the bare keys that are both an id key and a name key.
    pub fn of_each(configs: &[&Config], keys: &[TargetKey]) -> Result<Vec<Selection>, TargetError> {
        let Some(first) = configs.first() else {
            return Ok(Vec::new());
        };
        let file = first.source.name().to_string();
        let all: Vec<&Key> = configs
            .iter()
            .flat_map(|c| c.webhooks.iter().map(|w| &w.key))
            .collect();
        let unknown: Vec<Unknown> = keys
            .iter()
            .filter(|k| !all.iter().any(|key| k.matches(key)))
            .map(|k| Unknown {
                key: k.clone(),
                // The key is there, of the other kind (`name:9846` for an id entry `9846:`):
                // the spelling that selects it is the help.
                closest: (all.iter().find(|key| key_text(key) == k.text))
                    .map(|key| match key {
                        Key::Id(id) => format!("id:{id}"),
                        Key::Name(name) => format!("name:{name}"),
                    })
                    .or_else(|| closest(&k.text, all.iter().filter(|key| k.looks_for(key)))),
            })
            .collect();
        if !unknown.is_empty() {
            return Err(TargetError::Unknown { file, unknown });
        }
        let ambiguous: Vec<String> = keys
            .iter()
            .filter(|k| k.kind == Kind::Either)
            .filter(|k| {
                let matched = || all.iter().filter(|key| k.matches(key));
                matched().any(|key| matches!(key, Key::Id(_)))
                    && matched().any(|key| matches!(key, Key::Name(_)))
            })
            .map(|k| k.as_str().to_string())
            .collect();
        if !ambiguous.is_empty() {
            let keys = ambiguous;
            return Err(TargetError::Ambiguous { file, keys });
        }
        Ok(configs
            .iter()
            .map(|c| {
                Selection(
                    c.webhooks
                        .iter()
                        .map(|w| keys.is_empty() || keys.iter().any(|k| k.matches(&w.key)))
                        .collect(),
                )
            })
            .collect())
    }

    pub fn includes(&self, entry: usize) -> bool {
        self.0.get(entry).copied().unwrap_or(false)
    }

    pub fn left_out(&self) -> usize {
        self.0.iter().filter(|covered| !**covered).count()
    }
}

fn key_text(key: &Key) -> String {
    match key {
        Key::Name(name) => name.clone(),
        Key::Id(id) => id.to_string(),
    }
}

/// The key of `keys` most like `wanted`, whatever the distance: the user meant one of them.
fn closest<'a>(wanted: &str, keys: impl Iterator<Item = &'a &'a Key>) -> Option<String> {
    let texts: Vec<String> = keys.map(|k| key_text(k)).collect();
    crate::config::schema::closest(wanted, texts.iter().map(String::as_str), -1.0).map(Into::into)
}

/// Why `--target` selects nothing: refused before any portal is contacted.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TargetError {
    /// Keys the file does not have, each named with the closest key there is.
    #[error("{}", unknown_lines(file, unknown))]
    #[diagnostic(
        code(plan::unknown_target),
        help(
            "--target takes an entry's key: a name as written in the file, or an id's digits; nothing was planned"
        )
    )]
    Unknown { file: String, unknown: Vec<Unknown> },
    /// Bare keys that are both an id key and a name key (`5:` and `"5":`). Such a key is all
    /// digits, so the spellings in the help are safe to print as they are.
    #[error("{}", each(keys, "\n", |k| format!(
        "--target {k:?}: {file} has both an id entry `{k}:` and a name entry `\"{k}\":`"
    )))]
    #[diagnostic(
        code(plan::ambiguous_target),
        help("say which: {}; nothing was planned", each(keys, "; ", |k| format!(
            "--target id:{k} for the id entry, --target name:{k} for the name entry"
        )))
    )]
    Ambiguous { file: String, keys: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub key: TargetKey,
    pub closest: Option<String>,
}

fn unknown_lines(file: &str, unknown: &[Unknown]) -> String {
    each(unknown, "\n", |u| {
        let closest = match &u.closest {
            Some(k) => format!("the closest key is {}", quoted(k)),
            None => "the file has no entries".to_string(),
        };
        format!(
            "--target {}: no entry of {file} has this key ({closest})",
            quoted(u.key.as_str())
        )
    })
}

/// A part of a message for each of `items`, joined by `separator`.
fn each<T>(items: &[T], separator: &str, part: impl Fn(&T) -> String) -> String {
    items.iter().map(part).collect::<Vec<_>>().join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load_document_str;

    fn of(config: &Config, keys: &[&str]) -> Result<Selection, TargetError> {
        let keys: Vec<TargetKey> = keys.iter().map(|k| TargetKey::parse(k).unwrap()).collect();
        Selection::of_each(&[config], &keys).map(|mut s| s.remove(0))
    }

    fn config() -> Config {
        load_document_str(
            "webhooks:\n  Billing: {}\n  9846: {}\n  \"7\": {}\n  Crm: {}\n",
            "webhooks.yaml",
        )
        .map(|mut document| document.portals.remove(0).config)
        .unwrap()
    }

    #[test]
    fn keys_select_entries_as_written_names_and_ids_alike() {
        let config = config();
        let s = of(&config, &["Billing", "9846"]).unwrap();
        assert_eq!(s, Selection(vec![true, true, false, false]));
        assert_eq!(s.left_out(), 2);
        // A quoted number is a name, and is selected by its text too.
        let s = of(&config, &["7", "7"]).unwrap();
        assert_eq!(s, Selection(vec![false, false, true, false]));
        assert_eq!(of(&config, &[]).unwrap().left_out(), 0);
    }

    #[test]
    fn an_unknown_key_names_the_closest_one() {
        let config = config();
        let e = of(&config, &["biling", "Crm", "9847"]).unwrap_err();
        let message = e.to_string();
        assert!(
            message.contains(
                "--target \"biling\": no entry of webhooks.yaml has this key (the closest key is \"Billing\")"
            ),
            "{message}"
        );
        assert!(
            message.contains("--target \"9847\"") && message.contains("closest key is \"9846\""),
            "{message}"
        );
        assert!(
            !message.contains("\"Crm\":"),
            "a known key is not reported: {message}"
        );
    }

    #[test]
    fn id_and_name_prefixes_say_which_kind_of_key() {
        let config = load_document_str(
            "webhooks:\n  5: {}\n  \"5\": {}\n  \"id:5\": {}\n  Crm: {}\n",
            "webhooks.yaml",
        )
        .map(|mut document| document.portals.remove(0).config)
        .unwrap();
        assert_eq!(
            of(&config, &["id:5"]).unwrap(),
            Selection(vec![true, false, false, false])
        );
        assert_eq!(
            of(&config, &["name:5"]).unwrap(),
            Selection(vec![false, true, false, false])
        );
        // Everything after `name:` is the name, prefixes included.
        let s = of(&config, &["name:id:5", "name:Crm"]).unwrap();
        assert_eq!(s, Selection(vec![false, false, true, true]));
        // A bare key that is one kind only is still taken.
        assert_eq!(
            of(&config, &["Crm"]).unwrap(),
            Selection(vec![false, false, false, true])
        );
        let Err(TargetError::Ambiguous { keys, .. }) = of(&config, &["5", "Crm"]) else {
            panic!("a bare 5 is both keys");
        };
        assert_eq!(keys, ["5"]);
        // Digits are the id they spell, as the file reads `05:`; a name keeps its spelling.
        assert_eq!(
            of(&config, &["05", "id:005"]).unwrap(),
            Selection(vec![true, false, false, false])
        );
        // The kind is part of the key: a name is not found by `id:`, nor an id by `name:`.
        let Err(TargetError::Unknown { unknown, .. }) = of(&config, &["name:Crn", "id:6"]) else {
            panic!("unknown keys");
        };
        let found: Vec<_> = unknown
            .iter()
            .map(|u| (u.key.as_str(), u.closest.as_deref()))
            .collect();
        assert_eq!(found, [("name:Crn", Some("Crm")), ("id:6", Some("5"))]);
        // The key is there, of the other kind: the spelling that selects it.
        let config = load_document_str("webhooks:\n  9846: {}\n  Crm: {}\n", "webhooks.yaml")
            .map(|mut document| document.portals.remove(0).config)
            .unwrap();
        let e = of(&config, &["name:9846"]).unwrap_err().to_string();
        assert_eq!(
            e,
            "--target \"name:9846\": no entry of webhooks.yaml has this key (the closest key is \"id:9846\")"
        );
    }

    #[test]
    fn id_takes_digits_only() {
        for bad in ["id:", "id:x", "id:+5", "id:-5", "id:99999999999"] {
            let e = TargetKey::parse(bad).unwrap_err();
            assert!(e.contains("`id:` takes a webhook id"), "{bad}: {e}");
        }
        let key = |k: &str| TargetKey::parse(k).map(|k| (k.text, k.kind)).unwrap();
        assert_eq!(key("id:05"), ("5".to_string(), Kind::Id));
        assert_eq!(key("Name:5"), ("Name:5".to_string(), Kind::Either));
    }
}
