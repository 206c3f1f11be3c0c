//! The plan as one JSON document for pipelines (`plan --format json`): version 1 for the plan
//! of a `portal:` file, version 2 for the plans of a `portals:` file, whose portals hold
//! version 1's shapes. docs/plans.md documents both (keys, their order, what may be `null` or
//! absent); within a version keys are only ever added.

use serde::Serialize;

use super::lookalike;
use super::notes;
use crate::plan::{Action, Change, Counts, LastFailure, Named, Plan, Totals, Value};
use crate::redact::mask_credentials;
use crate::run::Run;

/// The version of a `portal:` file's document (docs/plans.md, "Plan formats").
const FORMAT_VERSION: u32 = 1;
/// The version of a `portals:` file's document (docs/plans.md, "Several portals").
const PORTALS_VERSION: u32 = 2;

/// Renders `plan` as the version-1 document.
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
/// printable (U+3164). The layout's only control character is its line break, so any other
/// one is inside a string. Views are derived structs of strings, numbers and bools: they
/// always serialize.
pub(super) fn pretty(view: &impl Serialize) -> String {
    let json = serde_json::to_string_pretty(view)
        .unwrap_or_else(|e| unreachable!("a view always serializes: {e}"));
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
    #[serde(serialize_with = "named")]
    unmanaged: &'a [Named],
    left_out: usize,
    secrets_needed: Vec<&'a str>,
    #[serde(serialize_with = "named")]
    secrets_not_sent: &'a [Named],
    /// Only with `--verify-secrets`.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    secrets_checked: &'a [crate::plan::SecretChecked],
}

impl<'a> Details<'a> {
    fn of(plan: &'a Plan) -> Self {
        Details {
            changes: plan.changes.iter().map(|c| change(plan, c)).collect(),
            unmanaged: &plan.unmanaged,
            left_out: plan.notes.left_out,
            secrets_needed: plan.secrets_needed(),
            secrets_not_sent: &plan.notes.secrets_not_sent,
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

/// A warning; `code` tells its kind, and each kind has its own keys.
#[derive(Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
enum JsonWarning {
    LookalikeHost {
        field: &'static str,
        host: String,
        punycode: Option<String>,
        message: String,
    },
    PossibleRename {
        id: i32,
        name: String,
        deleted: bool,
        message: String,
    },
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

/// Webhooks as `{ "id", "name" }`, their names masked.
fn named<S: serde::Serializer>(list: &&[Named], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(list.iter().map(|u| Named {
        id: u.id,
        name: mask_credentials(&u.name),
    }))
}

fn change<'a>(plan: &'a Plan, c: &'a Change) -> JsonChange<'a> {
    let hosts = lookalike::warnings(c).map(|(field, host)| JsonWarning::LookalikeHost {
        field: field.key(),
        message: lookalike::sentence(field.key(), &host, |s| format!("\"{s}\""), str::to_string),
        host: host.host,
        punycode: host.ascii,
    });
    let renames = plan.renames_of(c).map(|r| JsonWarning::PossibleRename {
        id: r.id,
        name: mask_credentials(&r.name),
        deleted: r.deleted,
        message: notes::rename(r, &|s| s.to_string()),
    });
    JsonChange {
        action: c.action(),
        id: c.id(),
        name: mask_credentials(c.name()),
        fields: c
            .fields
            .iter()
            .map(|f| JsonField {
                field: f.field.key(),
                before: &f.before,
                after: &f.after,
            })
            .collect(),
        warnings: hosts.chain(renames).collect(),
        failure: c.failure.as_ref(),
        deliveries: c.deliveries,
    }
}

/// Renders named portals' plans as the version-2 document.
pub(super) fn render_portals(fleet: &Run<Plan>) -> String {
    pretty(&JsonFleet {
        format_version: PORTALS_VERSION,
        portals: fleet
            .portals
            .iter()
            .map(|p| JsonPortal {
                name: mask_credentials(p.name.as_deref().unwrap_or_default()),
                portal: mask_credentials(&p.portal),
                summary: p.result.as_ref().map(Plan::counts),
                details: p.result.as_ref().map(Details::of).unwrap_or_default(),
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
