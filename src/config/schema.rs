//! The file format: the keys a webhook file may use (and the one a mistyped key most likely
//! meant), and its JSON Schema, for editors (`yaml-language-server`) and other tools.
//!
//! The loader is hand-written so that every problem gets a precise diagnostic, so there are no
//! serde types to derive a schema from. Instead the schema is built from the loader's own
//! tables: the key lists, the length limits, the trigger table and the secret policy. A test
//! checks the schema names exactly the loader's fields, and another that the committed
//! `webhooks.schema.json` is this output, so neither can drift from the loader. The fields of
//! an entry are the crate's one table of webhook fields (`crate::field`).

use serde_json::{Value, json};

use super::rules::{MAX_NAME_CHARS, MAX_TARGET_CHARS};
use crate::field::Field;
use crate::triggers::{ALL_NAMES, TRIGGERS};

/// The schema as pretty JSON with a trailing newline, as committed.
pub fn schema_json() -> String {
    // A `Value`'s alternate form is `serde_json::to_string_pretty`'s output, and cannot fail.
    format!("{:#}\n", schema())
}

/// The schema of one entry field; `None` for `name` under a name key (the key is the name).
fn entry_property(field: Field, by_id: bool) -> Option<Value> {
    let property = match field {
        Field::Name if !by_id => return None,
        Field::Name => json!({
            "description": "Renames the webhook (only under an id key; under a name key the key is the name).",
            "type": "string", "minLength": 1, "maxLength": MAX_NAME_CHARS, "pattern": "\\S"
        }),
        Field::Uri => json!({
            "description": "Where DocSpace delivers events: an absolute http or https URL. The portal probes it with a HEAD request on every create and update. `${VAR}` reads it from the environment at plan and apply time and never shows it, for a receiver that authenticates by a secret in its URL.",
            "type": "string",
            "anyOf": [
                {"format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]+"},
                {"pattern": "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$"}
            ]
        }),
        Field::SecretKey => json!({
            "description": "Signs each delivery. `${VAR}` reads the environment at apply time; a literal must be 8 to 30 printable ASCII characters without spaces. Write-only: the portal never returns it.",
            "type": "string", "pattern": "^(\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}|[\\x21-\\x7E]{8,30})$"
        }),
        Field::Enabled => {
            json!({"description": "Whether deliveries are sent.", "type": "boolean"})
        }
        Field::Ssl => json!({
            "description": "true: the uri must be https and its certificate is verified; false: plain http allowed, certificate errors ignored.",
            "type": "boolean"
        }),
        Field::Triggers => json!({
            "description": "Events to deliver: payload names (file.uploaded) or enum names (FileUploaded); \"*\" or All for every event. Compared as a set.",
            "oneOf": [
                {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/$defs/trigger"}},
                {"enum": ALL_NAMES}
            ]
        }),
        Field::TargetId => json!({
            "description": "Fire only for events on this entity id (file, folder or room id; user or group GUID). null or \"\" for none.",
            "type": ["string", "null"], "maxLength": MAX_TARGET_CHARS
        }),
    };
    Some(property)
}

pub fn schema() -> Value {
    let mut trigger_names: Vec<&str> = TRIGGERS.iter().flat_map(|t| [t.name, t.variant]).collect();
    trigger_names.extend(ALL_NAMES);
    let entry_properties = |by_id: bool| -> serde_json::Map<String, Value> {
        Field::ALL
            .iter()
            .filter_map(|&field| Some((field.key().to_string(), entry_property(field, by_id)?)))
            .collect()
    };
    let mut shared_properties = entry_properties(false);
    shared_properties.insert(
        ONLY.to_string(),
        json!({
            "description": "Only these portals (names under `portals`) get this entry; every portal does without it.",
            "type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/$defs/portalName"}
        }),
    );
    let top_properties = json!({
        PORTAL: {
            "description": "The portal, e.g. https://yourportal.onlyoffice.com. Pins the file to this portal: --portal and DOCSPACE_URL may repeat it but not name another. Not in a file with `portals`.",
            "type": "string", "format": "uri"
        },
        PORTALS: {
            "description": "Several portals, by name: each gets the shared `webhooks` (or those whose `only` names it), overlaid by its own. Not in a file with `portal`.",
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"$ref": "#/$defs/portalName"},
            "additionalProperties": {"$ref": "#/$defs/portal"}
        },
        PRUNE: {
            "description": "Settings of --prune, reviewed with the file. This does not turn pruning on.",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                MAX_DELETES: {
                    "description": "The most webhooks one run with --prune may delete; --max-deletes overrides it. Counts as an explicit limit: a plan that deletes every live webhook needs one of at least that many.",
                    "type": "integer", "minimum": 0
                }
            }
        },
        WEBHOOKS: {
            "description": "The webhooks to manage. In a file with `portals`: the entries every portal gets, keyed by name.",
            "type": "object"
        }
    });

    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "docspace-webhooks config",
        "description": "The webhooks an ONLYOFFICE DocSpace portal should have. A field left out of an entry is not managed: the portal's value is kept.",
        "type": "object",
        "additionalProperties": false,
        "properties": top_properties,
        "if": {"required": [PORTALS]},
        "then": {
            "not": {"required": [PORTAL]},
            "properties": {WEBHOOKS: {"$ref": "#/$defs/sharedWebhooks"}}
        },
        "else": {
            "required": [WEBHOOKS],
            "properties": {WEBHOOKS: {"$ref": "#/$defs/webhooks"}}
        },
        "$defs": {
            "webhooks": {
                "description": "A string key is a webhook's name (created when missing); an integer key is an existing webhook's id.",
                "type": "object",
                "patternProperties": {"^[1-9][0-9]*$": {"$ref": "#/$defs/byId"}},
                "additionalProperties": {"$ref": "#/$defs/byName"}
            },
            "sharedWebhooks": {
                "description": "Keyed by name only: an id belongs to one portal, under its own `webhooks`.",
                "type": "object",
                "patternProperties": {"^[1-9][0-9]*$": false},
                "additionalProperties": {"$ref": "#/$defs/shared"}
            },
            "shared": {
                "description": "A webhook every portal gets (or those in `only`), keyed by name. A portal's own entry of the same name overlays it field by field.",
                "type": "object",
                "additionalProperties": false,
                "properties": shared_properties
            },
            "portal": {
                "description": "One portal.",
                "type": "object",
                "required": [URL, API_KEY],
                "additionalProperties": false,
                "properties": {
                    URL: {
                        "description": "The portal's address, e.g. https://docs.example.com. No two portals may have the same.",
                        "type": "string", "format": "uri"
                    },
                    API_KEY: {
                        "description": "The environment variable holding the portal's API key, as `${VAR}`. The key itself is never written in the file.",
                        "type": "string", "pattern": "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$"
                    },
                    PRUNE: {"$ref": "#/properties/prune"},
                    WEBHOOKS: {
                        "description": "This portal's own entries (by name or id), and overlays of the shared entries of the same name.",
                        "$ref": "#/$defs/webhooks"
                    }
                }
            },
            "portalName": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$"},
            "byName": {
                "description": "A webhook keyed by name. Creating it needs uri and secretKey.",
                "type": "object",
                "additionalProperties": false,
                "properties": entry_properties(false)
            },
            "byId": {
                "description": "An existing webhook keyed by id.",
                "type": "object",
                "additionalProperties": false,
                "properties": entry_properties(true)
            },
            "trigger": {"enum": trigger_names}
        }
    })
}

/// The keys of the top level.
pub(super) const TOP_FIELDS: &[&str] = &[PORTAL, PORTALS, PRUNE, WEBHOOKS];
pub(super) const PORTAL: &str = "portal";
pub(super) const PORTALS: &str = "portals";
pub(super) const PRUNE: &str = "prune";
pub(super) const WEBHOOKS: &str = "webhooks";

/// The keys under `prune:`.
pub(super) const PRUNE_FIELDS: &[&str] = &[MAX_DELETES];
pub(super) const MAX_DELETES: &str = "maxDeletes";

/// The keys of one portal under `portals:`.
pub(super) const PORTAL_FIELDS: &[&str] = &[URL, API_KEY, PRUNE, WEBHOOKS];
pub(super) const URL: &str = "url";
pub(super) const API_KEY: &str = "apiKey";

/// The keys of a webhook entry.
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
    use super::*;
    use crate::config::schema::{ENTRY_FIELDS, ONLY, PORTAL_FIELDS, PRUNE_FIELDS, TOP_FIELDS};

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
    fn the_committed_copy_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/webhooks.schema.json");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == schema_json(),
            "{path} is out of date: run `cargo run -- schema > webhooks.schema.json`"
        );
    }
}
