//! The file format: the keys a webhook file may use (and the one a mistyped key most likely
//! meant), and its JSON Schema, for editors (`yaml-language-server`) and other tools.
//!
//! The schema is the committed `webhooks.schema.json` itself; the tests below hold it to the
//! loader's own tables (the field lists, the length limits, the trigger names), so neither can
//! drift from the other.

use crate::field::Field;

/// As committed: pretty JSON with a trailing newline.
pub fn schema_json() -> &'static str {
    include_str!("../../webhooks.schema.json")
}

pub(super) const TOP_FIELDS: &[&str] = &[PORTAL, PORTALS, PRUNE, WEBHOOKS];
pub(super) const PORTAL: &str = "portal";
pub(super) const PORTALS: &str = "portals";
pub(super) const PRUNE: &str = "prune";
pub(super) const WEBHOOKS: &str = "webhooks";

pub(super) const PRUNE_FIELDS: &[&str] = &[MAX_DELETES];
pub(super) const MAX_DELETES: &str = "maxDeletes";

pub(super) const PORTAL_FIELDS: &[&str] = &[URL, API_KEY, PRUNE, WEBHOOKS];
pub(super) const URL: &str = "url";
pub(super) const API_KEY: &str = "apiKey";

pub(super) const ENTRY_FIELDS: &[&str] = Field::KEYS;
/// `only: [portal names]`: in a shared entry of a `portals:` file only. Not a webhook field
/// (`crate::field` is what the portal stores), so it is not in `ENTRY_FIELDS`.
pub(super) const ONLY: &str = "only";

/// Field names people reach for that strsim would not map to ours.
const ALIASES: &[(&str, &str)] = &[
    ("url", Field::Uri.key()),
    ("secret", Field::SecretKey.key()),
    ("target", Field::TargetId.key()),
    ("events", Field::Triggers.key()),
    ("active", Field::Enabled.key()),
];

/// The key of `valid` that `field` most likely meant: an alias people reach for, or one close
/// in spelling (ignoring case, `_`, `-` and spaces).
pub(super) fn closest_field<'v>(field: &str, valid: &[&'v str]) -> Option<&'v str> {
    let normal = |s: &str| s.to_ascii_lowercase().replace(['_', '-', ' '], "");
    let wanted = normal(field);
    if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == wanted)
        && valid.contains(to)
    {
        return Some(to);
    }
    valid
        .iter()
        .map(|f| (strsim::jaro_winkler(&wanted, &normal(f)), *f))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, f)| f)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::config::rules::{MAX_NAME_CHARS, MAX_TARGET_CHARS};
    use crate::triggers::{ALL_NAMES, TRIGGERS};

    fn schema() -> Value {
        serde_json::from_str(schema_json()).unwrap()
    }

    #[test]
    fn the_schema_names_exactly_the_loaders_fields() {
        let schema = schema();
        let keys = |v: &Value| -> Vec<String> {
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        let mut entry: Vec<String> = ENTRY_FIELDS.iter().map(|f| f.to_string()).collect();
        entry.sort();
        assert_eq!(keys(&schema["$defs"]["byId"]["properties"]), entry);
        entry.retain(|f| f != "name");
        assert_eq!(keys(&schema["$defs"]["byName"]["properties"]), entry);
        entry.push(ONLY.to_string());
        entry.sort();
        assert_eq!(keys(&schema["$defs"]["shared"]["properties"]), entry);
        let mut portal: Vec<String> = PORTAL_FIELDS.iter().map(|f| f.to_string()).collect();
        portal.sort();
        assert_eq!(keys(&schema["$defs"]["portal"]["properties"]), portal);
        let mut top: Vec<String> = TOP_FIELDS.iter().map(|f| f.to_string()).collect();
        top.sort();
        assert_eq!(keys(&schema["properties"]), top);
        let prune: Vec<String> = PRUNE_FIELDS.iter().map(|f| f.to_string()).collect();
        assert_eq!(keys(&schema["properties"]["prune"]["properties"]), prune);
    }

    #[test]
    fn every_trigger_name_the_loader_accepts_is_in_the_enum() {
        let schema = schema();
        let names = schema["$defs"]["trigger"]["enum"].as_array().unwrap();
        for t in TRIGGERS {
            for name in [t.name, t.variant] {
                assert!(names.contains(&json!(name)), "{name}");
                assert!(crate::triggers::parse(name).is_some());
            }
        }
        assert_eq!(names.len(), TRIGGERS.len() * 2 + ALL_NAMES.len());
    }

    #[test]
    fn the_limits_are_the_loaders() {
        let schema = schema();
        let entry = &schema["$defs"]["byId"]["properties"];
        assert_eq!(entry["name"]["maxLength"], json!(MAX_NAME_CHARS));
        assert_eq!(entry["targetId"]["maxLength"], json!(MAX_TARGET_CHARS));
        // The literal's length and characters, as the loader's own policy accepts them.
        let accepted = |s: &str| super::super::secret::check_secret_policy(s).is_ok();
        let lengths: Vec<usize> = (1..=100).filter(|&n| accepted(&"a".repeat(n))).collect();
        let (min, max) = (lengths[0], lengths[lengths.len() - 1]);
        assert_eq!(lengths.len(), max - min + 1);
        let (low, high) = ((0u8..=127).map(char::from))
            .filter(|&c| accepted(&c.to_string().repeat(min)))
            .fold((None, None), |(low, _), c| (low.or(Some(c)), Some(c)));
        assert_eq!((low, high), (Some('\x21'), Some('\x7e')));
        let literal = format!("[\\x21-\\x7E]{{{min},{max}}}");
        let secret = entry["secretKey"]["pattern"].as_str().unwrap();
        assert!(secret.contains(&literal), "{secret} lacks {literal}");
        assert!(schema_json().ends_with("}\n"));
    }

    /// The schema had one builder per field; as a committed file it has a copy of each field
    /// under `byId`, `byName` and `shared`, and the copies must not drift apart (a limit
    /// changed in one of them only).
    #[test]
    fn each_field_is_the_same_wherever_an_entry_has_it() {
        let schema = schema();
        let defs = &schema["$defs"];
        for field in ENTRY_FIELDS.iter().filter(|f| **f != "name") {
            let by_id = &defs["byId"]["properties"][*field];
            assert!(by_id.is_object(), "{field}");
            for def in ["byName", "shared"] {
                assert_eq!(
                    &defs[def]["properties"][*field], by_id,
                    "{field} under {def}"
                );
            }
        }
    }

    #[test]
    fn the_trigger_names_are_exactly_the_loaders() {
        let schema = schema();
        let mut expected: Vec<&str> = TRIGGERS.iter().flat_map(|t| [t.name, t.variant]).collect();
        expected.extend(ALL_NAMES);
        assert_eq!(schema["$defs"]["trigger"]["enum"], json!(expected));
        let triggers = &schema["$defs"]["byId"]["properties"]["triggers"]["oneOf"];
        assert_eq!(triggers[1]["enum"], json!(ALL_NAMES));
    }
}
