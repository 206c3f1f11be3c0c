//! The Terraform-like plan shown on a terminal and in CI logs.
//!
//! Layout: one block per change (`+ create`, `~ update`, `- delete`), one line per field that
//! changes as `old -> new`, triggers as the names added and removed, then the unmanaged
//! webhooks and the closing summary line. Pipelines grep the summary line; keep its wording.
//! A delete shows every value it removes; a change the portal probably caused itself gets a
//! `!` note under its header. User strings are printed only through `quoted`/`plain`.

use std::fmt::Write;

use super::style::{self, paint};
use super::{plain, quoted};
use crate::plan::{Action, Change, Field, FieldChange, LastFailure, Plan, Value};

/// Width of the field-name column: the longest key, `secretKey`.
const KEY_WIDTH: usize = 9;

pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Portal: {}", plain(&plan.portal));
    for change in &plan.changes {
        out.push('\n');
        change_block(&mut out, change);
    }
    if !plan.unmanaged.is_empty() {
        let _ = writeln!(
            out,
            "\nUnmanaged (on the portal, not in the file; left alone):"
        );
        for u in &plan.unmanaged {
            let _ = writeln!(
                out,
                "  {} {}",
                paint(style::DIM, format!("#{}", u.id)),
                quoted(&u.name)
            );
        }
    }
    out.push('\n');
    if !plan.has_changes() {
        let _ = writeln!(out, "No changes. The portal matches the file.");
    }
    let _ = writeln!(out, "{}", paint(style::BOLD, plan.summary()));
    out
}

fn change_block(out: &mut String, change: &Change) {
    let (sigil, verb, color) = match change.action {
        Action::Create => ("+", "create", style::CREATE),
        Action::Update => ("~", "update", style::UPDATE),
        Action::Delete => ("-", "delete", style::DELETE),
    };
    let id = change.id.map(|id| format!(" #{id}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "  {}{} {}",
        paint(color.bold(), format!("{sigil} {verb}")),
        id,
        quoted(&change.name)
    );
    if let Some(failure) = &change.failure {
        for line in failure_note(failure) {
            let _ = writeln!(out, "      {}", paint(style::WARN, format!("! {line}")));
        }
    }
    for field in &change.fields {
        field_lines(out, change.action, field);
    }
}

fn field_lines(out: &mut String, action: Action, f: &FieldChange) {
    let key = format!("{:<KEY_WIDTH$}", f.field.key());
    match (&f.before, &f.after) {
        (Value::Triggers(before), Value::Triggers(after)) if action == Action::Update => {
            let mut first = true;
            for (sign, names, color) in [
                ("+", after.minus(*before), style::ADDED),
                ("-", before.minus(*after), style::REMOVED),
            ] {
                for name in names {
                    let label = if first { key.as_str() } else { "" };
                    first = false;
                    let _ = writeln!(
                        out,
                        "      {label:<KEY_WIDTH$} {}",
                        paint(color, format!("{sign} {name}"))
                    );
                }
            }
        }
        // Before the secret arm: a delete's secretKey has no "after" to show.
        _ if action == Action::Delete => {
            let _ = writeln!(out, "      {key} = {}", value_text(&f.before));
        }
        _ if action == Action::Create || f.field == Field::SecretKey || f.before == f.after => {
            let _ = writeln!(out, "      {key} = {}", value_text(&f.after));
        }
        _ => {
            let _ = writeln!(
                out,
                "      {key} = {} -> {}",
                paint(style::REMOVED, value_text(&f.before)),
                paint(style::ADDED, value_text(&f.after))
            );
        }
    }
}

/// The two lines under a change the portal probably caused: the planner sets `failure` when
/// the live webhook is disabled, the file says enabled and the portal recorded failed
/// deliveries (it disables such a webhook by itself), so enabling it aims at a failing target.
fn failure_note(failure: &LastFailure) -> [String; 2] {
    let last = match (&failure.on, &failure.excerpt) {
        (Some(on), Some(excerpt)) => format!("; last failure {} — {}", plain(on), quoted(excerpt)),
        (Some(on), None) => format!("; last failure {}", plain(on)),
        (None, Some(excerpt)) => format!("; last failure: {}", quoted(excerpt)),
        (None, None) => String::new(),
    };
    [
        format!("probably disabled by the portal after failed deliveries{last}"),
        "enabling it sends events to that target again: check that it answers first".to_string(),
    ]
}

/// How one value reads in a plan: strings quoted (so trailing spaces show), `(none)` for an
/// absent value, `(sensitive)` for a secret.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::None => "(none)".to_string(),
        Value::Text(s) => quoted(s),
        Value::Bool(b) => b.to_string(),
        Value::Triggers(t) => t.to_string(),
        Value::Sensitive => "(sensitive)".to_string(),
    }
}
