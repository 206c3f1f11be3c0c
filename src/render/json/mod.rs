//! The plan as one JSON document for pipelines (`plan --format json`). This is the document of
//! a `portal:` file; a `portals:` file gets version 2 (below), whose portals hold these
//! shapes.
//!
//! Format (version 1). Keys appear in this order, and all of them always appear except
//! `failure` and `deliveries` (and a warning's `punycode`, which is `null` rather than absent); pretty-printed,
//! with a trailing newline:
//!
//! ```text
//! {
//!   "format_version": 1,
//!   "portal": "https://yourportal.onlyoffice.com",
//!   "summary": { "create": 1, "update": 2, "delete": 0, "unchanged": 3 },
//!   "changes": [
//!     {
//!       "action": "update",            // "create" | "update" | "delete"
//!       "id": 9846,                    // null for a create
//!       "name": "orders",              // the name after the change (the live name for a delete)
//!       "fields": [
//!         { "field": "uri", "before": "https://old.example/hook", "after": "https://b\u0456lling.example/hook" }
//!       ],
//!       "warnings": [
//!         {
//!           "code": "lookalike_host",
//!           "field": "uri",
//!           "host": "b\u0456lling.example",
//!           "punycode": "xn--blling-l1a.example",
//!           "message": "the host of the uri, ..., contains non-ASCII characters, ..."
//!         }
//!       ],
//!       "failure": { "on": "2026-11-20T10:00:00", "excerpt": "502 Bad Gateway" },
//!       "deliveries": 37               // a delete only
//!     }
//!   ],
//!   "unmanaged": [ { "id": 12, "name": "legacy" } ],
//!   "left_out": 0,
//!   "secrets_needed": ["BILLING_WEBHOOK_SECRET"],
//!   "secrets_not_sent": [ { "id": 7, "name": "audit" } ]
//! }
//! ```
//!
//! - `summary` values are integers; `changes` and `unmanaged` are always arrays (maybe empty).
//! - `field` is the key as the file and the API spell it: `name`, `uri`, `secretKey`,
//!   `enabled`, `ssl`, `triggers`, `targetId`.
//! - `before` / `after`: a string, a boolean, `null` (not set: the `before` of a create, the
//!   `after` of a delete, no target), or for `triggers` a list of event names in the portal's
//!   order, `["*"]` meaning every event. `secretKey` is always the string `"(sensitive)"`: the
//!   secret itself is never in a plan. On an update, a `secretKey` field whose `before` and
//!   `after` are both `"(sensitive)"` means the file's secret is sent again (the portal cannot
//!   tell whether it differs). A `uri` the file reads from a variable (`uri: ${VAR}`) is
//!   `"(sensitive)"` too, on both sides; an update lists it only when it changes.
//! - `warnings` is always an array (added within version 1; empty for most changes); `code`
//!   tells the kind and `message` is the sentence the other formats show.
//!   `lookalike_host`: the uri the change writes (a create's or an update's `after`) has a host
//!   with non-ASCII characters; `field` is `"uri"`, `host` is it as written, `punycode` its
//!   ASCII form (what DocSpace will connect to) or `null` when it is not a valid domain name.
//!   `possible_rename` (on a create only): live webhook `id`, `name`, which no entry manages,
//!   has the uri this create writes; keying the entry by that id would rename it and keep its
//!   id and delivery history. `deleted` is true when this plan deletes it (`--prune`).
//! - `failure` is present only when the portal probably disabled the webhook itself after
//!   failed deliveries, so enabling it aims at a failing target. `on` (the portal's own
//!   timestamp, tenant-local time) and `excerpt` (a short excerpt of the target's answer) may
//!   each be `null`.
//! - `deliveries` (added within version 1) is present only on a delete: how many deliveries of
//!   the webhook's log the delete erases with it (the portal keeps no copy), counted when the
//!   plan was made. Absent when it was not counted (a plan saved by an older version).
//! - `unmanaged` lists the live webhooks the file does not mention; they are never touched.
//! - Added within version 1, after `unmanaged`: `left_out`, the number of entries of the file
//!   that `--target` left out (0 without it); `secrets_needed`, the environment variables
//!   `apply` reads for the secrets it sends (a `secretKey`'s, a `uri: ${VAR}`'s), each once; `secrets_not_sent`, the webhooks whose
//!   entry sets `secretKey` but that this plan sends no secret to (secrets are not compared,
//!   the portal never returns them; `--rotate-secrets` sends them).
//!
//! Beyond JSON's own escaping, DEL, C1 controls and invisible or bidi characters in strings are
//! written as `\uXXXX`, so the raw document is also safe to print on a terminal.
//!
//! Version 2, the plans of a `portals:` file as one JSON document (a `portal:` file keeps
//! version 1). Keys in this order, all always present; pretty-printed, with a trailing
//! newline, every string written as version 1 writes it:
//!
//! ```text
//! {
//!   "format_version": 2,
//!   "portals": [
//!     {
//!       "name": "staging",                 // the portal's key under `portals:`
//!       "portal": "https://staging.docs.example.com",
//!       "summary": { "create": 1, "update": 0, "delete": 0, "unchanged": 3 },
//!       "changes": [ ... ],                // version 1's `changes`, element for element
//!       "unmanaged": [ { "id": 12, "name": "legacy" } ],
//!       "left_out": 0,
//!       "secrets_needed": ["BILLING_WEBHOOK_SECRET"],
//!       "secrets_not_sent": [],
//!       "error": null                      // or why this portal failed, one line
//!     }
//!   ],
//!   "summary": { "create": 1, "update": 0, "delete": 0, "unchanged": 3, "failed": 0, "portals": 1 }
//! }
//! ```
//!
//! - Each element has, from `summary` to `secrets_not_sent`, exactly the keys and shapes of a
//!   version-1 document of that portal's plan, so a consumer of version 1 reads an element
//!   with the same code.
//! - A portal that could not be planned (unreachable, its key refused or unset) has
//!   `summary: null` (nothing was compared), empty lists, `left_out: 0`, and `error`. A
//!   portal whose plan was refused (the deletion guard) has its plan and `error` both.
//! - The top-level `summary` adds the counts of every portal that has a plan, with two more
//!   keys: `failed`, the portals with an error, and `portals`, how many portals the document
//!   holds.

use serde::Serialize;

use super::lookalike::{self, HostWarning};
use super::notes;
use crate::plan::{Action, Change, Counts, FleetPlan, LastFailure, Named, Plan, Totals, Value};
use crate::redact::mask_credentials;

const FORMAT_VERSION: u32 = 1;

/// Renders `plan` as the JSON document described in this module's documentation.
pub fn render_json(plan: &Plan) -> String {
    pretty(&JsonPlan {
        format_version: FORMAT_VERSION,
        portal: &plan.portal,
        summary: plan.counts(),
        details: Details::of(plan),
    })
}

/// `view` as pretty JSON with a trailing newline, with `\uXXXX` for the characters serde_json
/// leaves raw but a terminal would act on or hide: what Rust's `Debug` would escape, minus the
/// quotes and backslash JSON escapes itself, plus the invisible characters it counts as
/// printable (U+3164). serde_json escapes every other control character, and the layout's only
/// such character is its line break, so any other one in its output is inside a string.
/// Views are derived structs of strings, numbers and bools: serializing them cannot fail.
pub(super) fn pretty(view: &impl Serialize) -> String {
    let json = match serde_json::to_string_pretty(view) {
        Ok(json) => json,
        Err(e) => unreachable!("a view always serializes: {e}"),
    };
    let mut out = String::with_capacity(json.len() + 1);
    for c in json.chars() {
        let debug_escaped =
            !matches!(c, '"' | '\'' | '\\' | '\n') && c.escape_debug().nth(1).is_some();
        if debug_escaped || crate::redact::is_invisible_format(c) {
            for unit in c.encode_utf16(&mut [0u16; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    format_version: u32,
    portal: &'a str,
    summary: Counts,
    #[serde(flatten)]
    details: Details<'a>,
}

/// A version-1 document after `summary`; each portal of a version-2 document (`fleet`) has
/// the same keys.
#[derive(Serialize, Default)]
struct Details<'a> {
    changes: Vec<JsonChange<'a>>,
    unmanaged: Vec<JsonNamed>,
    left_out: usize,
    secrets_needed: Vec<&'a str>,
    secrets_not_sent: Vec<JsonNamed>,
    /// Only with `--verify-secrets`.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    secrets_checked: &'a [crate::plan::SecretChecked],
}

impl<'a> Details<'a> {
    fn of(plan: &'a Plan) -> Self {
        Details {
            changes: plan.changes.iter().map(|c| change(plan, c)).collect(),
            unmanaged: plan.unmanaged.iter().map(JsonNamed::from).collect(),
            left_out: plan.notes.left_out,
            secrets_needed: plan.secrets_needed(),
            secrets_not_sent: plan
                .notes
                .secrets_not_sent
                .iter()
                .map(JsonNamed::from)
                .collect(),
            secrets_checked: &plan.notes.secrets_checked,
        }
    }
}

#[derive(Serialize)]
struct JsonChange<'a> {
    action: Action,
    id: Option<i32>,
    name: String,
    fields: Vec<JsonField<'a>>,
    warnings: Vec<JsonWarning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<&'a LastFailure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deliveries: Option<u64>,
}

/// A warning of any kind; `code` tells which.
#[derive(Serialize)]
#[serde(untagged)]
enum JsonWarning {
    Host(JsonHostWarning),
    Rename(JsonRename),
}

#[derive(Serialize)]
struct JsonRename {
    code: &'static str,
    id: i32,
    name: String,
    deleted: bool,
    message: String,
}

#[derive(Serialize)]
struct JsonHostWarning {
    code: &'static str,
    field: &'static str,
    host: String,
    punycode: Option<String>,
    message: String,
}

#[derive(Serialize)]
struct JsonField<'a> {
    field: &'static str,
    #[serde(serialize_with = "value")]
    before: &'a Value,
    #[serde(serialize_with = "value")]
    after: &'a Value,
}

/// A value as the module's documentation describes `before` and `after`.
fn value<S: serde::Serializer>(value: &&Value, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Value::None => serializer.serialize_none(),
        Value::Text(text) => serializer.serialize_str(text),
        Value::Bool(b) => serializer.serialize_bool(*b),
        Value::Triggers(triggers) => triggers.names().serialize(serializer),
        Value::Sensitive => serializer.serialize_str("(sensitive)"),
    }
}

#[derive(Serialize)]
struct JsonNamed {
    id: i32,
    name: String,
}

fn change<'a>(plan: &'a Plan, c: &'a Change) -> JsonChange<'a> {
    let renames = plan.renames_of(c).map(|r| {
        JsonWarning::Rename(JsonRename {
            code: "possible_rename",
            id: r.id,
            name: mask_credentials(&r.name),
            deleted: r.deleted,
            message: notes::rename(r, &|s| s.to_string()),
        })
    });
    JsonChange {
        action: c.action,
        id: c.id,
        name: mask_credentials(&c.name),
        fields: c
            .fields
            .iter()
            .map(|f| JsonField {
                field: f.field.key(),
                before: &f.before,
                after: &f.after,
            })
            .collect(),
        warnings: lookalike::warnings(c)
            .into_iter()
            .map(|w| JsonWarning::Host(JsonHostWarning::from(w)))
            .chain(renames)
            .collect(),
        failure: c.failure.as_ref(),
        deliveries: c.deliveries,
    }
}

impl From<HostWarning> for JsonHostWarning {
    fn from(w: HostWarning) -> Self {
        JsonHostWarning {
            code: "lookalike_host",
            field: w.field.key(),
            message: w.sentence(|s| format!("\"{s}\""), str::to_string),
            host: w.host.host,
            punycode: w.host.ascii,
        }
    }
}

impl From<&Named> for JsonNamed {
    fn from(u: &Named) -> Self {
        JsonNamed {
            id: u.id,
            name: mask_credentials(&u.name),
        }
    }
}

/// The version of the document of a `portals:` file.
const PORTALS_VERSION: u32 = 2;

/// Renders named portals' plans as the version-2 document described in this module's
/// documentation.
pub(super) fn render_portals(fleet: &FleetPlan) -> String {
    pretty(&JsonFleet {
        format_version: PORTALS_VERSION,
        portals: fleet
            .portals
            .iter()
            .map(|p| JsonPortal {
                name: mask_credentials(p.name.as_deref().unwrap_or_default()),
                portal: mask_credentials(&p.portal),
                summary: p.plan.as_ref().map(Plan::counts),
                details: p.plan.as_ref().map(Details::of).unwrap_or_default(),
                error: p.error.as_deref().map(mask_credentials),
            })
            .collect(),
        summary: fleet.totals(),
    })
}

#[derive(Serialize)]
struct JsonFleet<'a> {
    format_version: u32,
    portals: Vec<JsonPortal<'a>>,
    summary: Totals,
}

#[derive(Serialize)]
struct JsonPortal<'a> {
    name: String,
    portal: String,
    summary: Option<Counts>,
    #[serde(flatten)]
    details: Details<'a>,
    error: Option<String>,
}
