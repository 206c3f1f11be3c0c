//! The plan as one JSON document for pipelines (`plan --format json`).
//!
//! Format (version 1). Keys appear in this order, and all of them always appear except
//! `failure` (and a warning's `punycode`, which is `null` rather than absent); pretty-printed,
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
//!       "failure": { "on": "2026-11-20T10:00:00", "excerpt": "502 Bad Gateway" }
//!     }
//!   ],
//!   "unmanaged": [ { "id": 12, "name": "legacy" } ]
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
//!   tell whether it differs).
//! - `warnings` is always an array (added within version 1; empty for most changes). The one
//!   kind so far, `lookalike_host`: the uri the change writes (a create's or an update's
//!   `after`) has a host with non-ASCII characters; `host` is it as written, `punycode` its
//!   ASCII form (what DocSpace will connect to) or `null` when it is not a valid domain name,
//!   `message` the sentence the other formats show.
//! - `failure` is present only when the portal probably disabled the webhook itself after
//!   failed deliveries, so enabling it aims at a failing target. `on` (the portal's own
//!   timestamp, tenant-local time) and `excerpt` (a short excerpt of the target's answer) may
//!   each be `null`.
//! - `unmanaged` lists the live webhooks the file does not mention; they are never touched.
//!
//! Beyond JSON's own escaping, DEL, C1 controls and invisible or bidi characters in strings are
//! written as `\uXXXX`, so the raw document is also safe to print on a terminal.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::lookalike::{self, HostWarning};
use crate::plan::{Action, Change, FieldChange, LastFailure, Plan, Unmanaged, Value};

const FORMAT_VERSION: u32 = 1;

/// Renders `plan` as the JSON document described in this module's documentation.
pub fn render_json(plan: &Plan) -> String {
    let view = JsonPlan {
        format_version: FORMAT_VERSION,
        portal: &plan.portal,
        summary: Summary {
            create: plan.count(Action::Create),
            update: plan.count(Action::Update),
            delete: plan.count(Action::Delete),
            unchanged: plan.unchanged.len(),
        },
        changes: plan.changes.iter().map(JsonChange::from).collect(),
        unmanaged: plan.unmanaged.iter().map(JsonUnmanaged::from).collect(),
    };
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeFormatter::default());
    // Derived structs of strings, numbers and bools into a Vec, each string written whole or
    // cut at a character boundary (`SafeFormatter`): neither step can fail.
    if let Err(e) = view.serialize(&mut ser) {
        unreachable!("a plan always serializes: {e}");
    }
    let mut out = match String::from_utf8(buf) {
        Ok(out) => out,
        Err(e) => unreachable!("serde_json writes UTF-8: {e}"),
    };
    out.push('\n');
    out
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    format_version: u32,
    portal: &'a str,
    summary: Summary,
    changes: Vec<JsonChange<'a>>,
    unmanaged: Vec<JsonUnmanaged<'a>>,
}

#[derive(Serialize)]
struct Summary {
    create: usize,
    update: usize,
    delete: usize,
    unchanged: usize,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    action: &'static str,
    id: Option<i32>,
    name: &'a str,
    fields: Vec<JsonField<'a>>,
    warnings: Vec<JsonWarning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<JsonFailure<'a>>,
}

#[derive(Serialize)]
struct JsonWarning {
    code: &'static str,
    field: &'static str,
    host: String,
    punycode: Option<String>,
    message: String,
}

#[derive(Serialize)]
struct JsonField<'a> {
    field: &'static str,
    before: JsonValue<'a>,
    after: JsonValue<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonValue<'a> {
    Null,
    Text(&'a str),
    Bool(bool),
    List(Vec<String>),
}

#[derive(Serialize)]
struct JsonFailure<'a> {
    on: Option<&'a str>,
    excerpt: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonUnmanaged<'a> {
    id: i32,
    name: &'a str,
}

impl<'a> From<&'a Change> for JsonChange<'a> {
    fn from(c: &'a Change) -> Self {
        JsonChange {
            action: match c.action {
                Action::Create => "create",
                Action::Update => "update",
                Action::Delete => "delete",
            },
            id: c.id,
            name: &c.name,
            fields: c.fields.iter().map(JsonField::from).collect(),
            warnings: lookalike::warnings(c)
                .into_iter()
                .map(JsonWarning::from)
                .collect(),
            failure: c.failure.as_ref().map(JsonFailure::from),
        }
    }
}

impl<'a> From<&'a FieldChange> for JsonField<'a> {
    fn from(f: &'a FieldChange) -> Self {
        JsonField {
            field: f.field.key(),
            before: JsonValue::from(&f.before),
            after: JsonValue::from(&f.after),
        }
    }
}

impl<'a> From<&'a Value> for JsonValue<'a> {
    fn from(v: &'a Value) -> Self {
        match v {
            Value::None => JsonValue::Null,
            Value::Text(s) => JsonValue::Text(s),
            Value::Bool(b) => JsonValue::Bool(*b),
            Value::Triggers(t) => JsonValue::List(t.names()),
            Value::Sensitive => JsonValue::Text("(sensitive)"),
        }
    }
}

impl From<HostWarning> for JsonWarning {
    fn from(w: HostWarning) -> Self {
        JsonWarning {
            code: "lookalike_host",
            field: w.field.key(),
            message: w.sentence(|s| format!("\"{s}\""), str::to_string),
            host: w.host.host,
            punycode: w.host.ascii,
        }
    }
}

impl<'a> From<&'a LastFailure> for JsonFailure<'a> {
    fn from(f: &'a LastFailure) -> Self {
        JsonFailure {
            on: f.on.as_deref(),
            excerpt: f.excerpt.as_deref(),
        }
    }
}

impl<'a> From<&'a Unmanaged> for JsonUnmanaged<'a> {
    fn from(u: &'a Unmanaged) -> Self {
        JsonUnmanaged {
            id: u.id,
            name: &u.name,
        }
    }
}

/// serde_json's pretty layout, plus `\uXXXX` for the characters serde_json passes through raw
/// but a terminal would act on or hide (DEL, C1 controls such as CSI, bidi overrides).
#[derive(Default)]
struct SafeFormatter(PrettyFormatter<'static>);

/// What Rust's `Debug` would escape, minus the quotes and backslash that JSON handles itself.
fn needs_escape(c: char) -> bool {
    !matches!(c, '"' | '\'' | '\\') && c.escape_debug().nth(1).is_some()
}

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(w, "\\u{unit:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    // The rest is PrettyFormatter's layout, forwarded.
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}
