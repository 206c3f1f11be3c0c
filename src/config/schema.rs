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
/// in spelling (`closest`).
pub(super) fn closest_field<'v>(field: &str, valid: &[&'v str]) -> Option<&'v str> {
    let wanted = field.to_ascii_lowercase().replace(['_', '-', ' '], "");
    if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == wanted)
        && valid.contains(to)
    {
        return Some(to);
    }
    closest(field, valid.iter().copied(), 0.8)
}

/// The one of `candidates` closest to `wanted` in spelling, ignoring case, `_`, `-` and spaces,
/// if it scores above `min` (Jaro-Winkler, 0 to 1): every "did you mean" (a key, a trigger, a
/// portal in `only:`, a `--target`) picks the same way. Of two as close, the one closer as
/// written: `stagng` means `staging` rather than `Staging`.
pub fn closest<'v>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'v str>,
    min: f64,
) -> Option<&'v str> {
    let normal = |s: &str| s.to_lowercase().replace(['_', '-', ' '], "");
    let normal_wanted = normal(wanted);
    let score = |c: &str| {
        let loose = strsim::jaro_winkler(&normal_wanted, &normal(c));
        (loose, strsim::jaro_winkler(wanted, c))
    };
    candidates
        .into_iter()
        .map(|c| (score(c), c))
        .filter(|((loose, _), _)| *loose > min)
        .max_by(|(a, _), (b, _)| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::config::ConfigError;
    use crate::config::rules::{MAX_NAME_UNITS, MAX_TARGET_UNITS};
    use crate::triggers::{ALL_NAMES, TRIGGERS};

    fn schema() -> Value {
        serde_json::from_str(schema_json()).unwrap()
    }

    #[test]
    fn closest_suggests_a_real_name_spelled_as_written_first() {
        let triggers = || TRIGGERS.iter().flat_map(|t| [t.name, t.variant]);
        assert_eq!(
            closest("file.uplaoded", triggers(), 0.75),
            Some("file.uploaded")
        );
        assert_eq!(
            closest("FileUpload", triggers(), 0.75),
            Some("FileUploaded")
        );
        assert_eq!(closest("zzzzzz", triggers(), 0.75), None);
        for (wanted, close) in [("stagng", "staging"), ("STAGNG", "STAGING")] {
            let both = ["staging", "STAGING"];
            assert_eq!(closest(wanted, both, 0.8), Some(close));
            assert_eq!(closest(wanted, both.into_iter().rev(), 0.8), Some(close));
        }
        assert_eq!(closest_field("secret", ENTRY_FIELDS), Some("secretKey"));
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
        assert_eq!(entry["name"]["maxLength"], json!(MAX_NAME_UNITS));
        assert_eq!(entry["targetId"]["maxLength"], json!(MAX_TARGET_UNITS));
        // The literal's length and characters, as the loader's own policy accepts them.
        let accepted = |s: &str| super::super::secret::check_secret_policy(s).is_ok();
        let lengths: Vec<usize> = (1..=100).filter(|&n| accepted(&"a".repeat(n))).collect();
        let (min, max) = (lengths[0], lengths[lengths.len() - 1]);
        assert_eq!(lengths.len(), max - min + 1);
        let (low, high) = ((0u8..=127).map(char::from))
            .filter(|&c| accepted(&c.to_string().repeat(min)))
            .fold((None, None), |(low, _), c| (low.or(Some(c)), Some(c)));
        assert_eq!((low, high), (Some('\x21'), Some('\x7e')));
        let literal = format!("^[\\x21-\\x7E]{{{min},{max}}}$");
        assert_eq!(entry["secretKey"]["anyOf"][1]["pattern"], json!(literal));
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

    /// Every string of up to two characters from an alphabet that reaches each rule's edges,
    /// bare, as a `${VAR}`, and grown to the edges of a literal secret's length.
    fn candidates() -> Vec<String> {
        let alphabet = [
            "a", "Z", "0", "9", "_", "-", ".", "$", "{", "}", " ", "é", "~", "/",
        ];
        let mut short = vec![String::new()];
        for _ in 0..2 {
            let longer: Vec<String> = (short.iter())
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            short.extend(longer);
        }
        short.sort();
        short.dedup();
        let mut all: Vec<String> = (short.iter())
            .flat_map(|s| {
                [6, 28]
                    .map(|n| format!("{}{s}", "k".repeat(n)))
                    .into_iter()
                    .chain([s.clone(), format!("${{{s}}}"), format!("${{A{s}}}")])
            })
            .collect();
        all.extend(
            [
                "https://a.example/h",
                "http://a",
                "HTTPS://A.example?t=1",
                "ftp://a.example",
            ]
            .map(String::from),
        );
        all.extend(["https://", "https:///x", "https://a b", "//a.example"].map(String::from));
        all.sort();
        all.dedup();
        all
    }

    /// Which of `values` the loader takes where `place` puts them, read as one file with an
    /// entry (or a portal) per value: every problem is reported at once, at its entry's lines.
    fn loaded(place: &str, values: &[String]) -> Vec<bool> {
        let per_value = if place.starts_with("portal") || place == "apiKey" {
            4
        } else {
            2
        };
        let mut text = String::from(if per_value == 4 {
            "portals:\n"
        } else {
            "webhooks:\n"
        });
        for (i, value) in values.iter().enumerate() {
            let value = serde_json::to_string(value).unwrap();
            text += &match place {
                "portal name" => format!(
                    "  {value}:\n    url: https://p{i}.example\n    apiKey: ${{K}}\n    webhooks: {{}}\n"
                ),
                "apiKey" => format!(
                    "  p{i}:\n    url: https://p{i}.example\n    apiKey: {value}\n    webhooks: {{}}\n"
                ),
                field => format!("  {}:\n    {field}: {value}\n", i + 1),
            };
        }
        let mut taken = vec![true; values.len()];
        if let Err(ConfigError::Invalid { problems, .. }) =
            crate::config::load_document_str(&text, "webhooks.yaml")
        {
            for problem in problems {
                taken[(problem.line() - 2) / per_value] = false;
            }
        }
        taken
    }

    /// Whether `rule` takes the string `value`, as far as its `pattern`, `anyOf` and `not` say.
    fn takes(rule: &Value, value: &str) -> bool {
        thread_local! {
            static COMPILED: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>> =
                Default::default();
        }
        let matches = |p: &str| {
            COMPILED.with_borrow_mut(|compiled| {
                (compiled.entry(p.to_string()))
                    .or_insert_with(|| regex::Regex::new(p).unwrap())
                    .is_match(value)
            })
        };
        rule["pattern"].as_str().is_none_or(matches)
            && (rule["anyOf"].as_array()).is_none_or(|any| any.iter().any(|r| takes(r, value)))
            && (rule.get("not")).is_none_or(|not| !takes(not, value))
    }

    /// The schema's patterns say what the loader takes: the same strings, or for a uri (whose
    /// whole check the schema leaves to `format: uri`) at least every one the loader takes.
    #[test]
    fn the_patterns_take_what_the_loader_takes() {
        let schema = schema();
        let defs = &schema["$defs"];
        let entry = &defs["byId"]["properties"];
        let exact = [
            ("portal name", &defs["portalName"]),
            ("apiKey", &defs["portal"]["properties"]["apiKey"]),
            ("secretKey", &entry["secretKey"]),
            ("name", &entry["name"]),
        ];
        let values = candidates();
        for (place, rule) in exact {
            for (value, loaded) in values.iter().zip(loaded(place, &values)) {
                // `name`'s length is the schema's minLength and maxLength, held above.
                let schema_takes = takes(rule, value) && !value.is_empty();
                assert_eq!(schema_takes, loaded, "{place}: {value:?}");
            }
        }
        let mut checked = 0;
        for (value, loaded) in values.iter().zip(loaded("uri", &values)) {
            if loaded {
                assert!(takes(&entry["uri"], value), "uri: {value:?}");
                checked += 1;
            }
        }
        assert!(checked >= 4, "only {checked} uris loaded");
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
