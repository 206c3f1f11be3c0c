//! The Terraform-like plan shown on a terminal and in CI logs (docs/using.md shows how to read
//! it); the plans of a `portals:` file as a section per portal with this body, then the totals.
//! Pipelines grep the summary line: keep its wording. What changed inside a string value is in
//! reverse video with color; without, a long value gets a line of `^` under its first and last
//! changed character (`inline`).

use std::fmt::Write;

use super::inline::{self, InlineDiff, Side};
use super::lookalike::beside;
use super::notes;
use super::style::{self, paint};
use crate::plan::{Action, Change, Field, FieldChange, Plan, Value};
use crate::redact::{message, plain, quoted};
use crate::run::Run;
use crate::triggers::TriggerSet;

/// Width of the field-name column: the longest key, `secretKey`.
const KEY_WIDTH: usize = 9;

/// Where a field's values start: the indent, the key column, then ` = `, ` - ` or ` + `.
const VALUE_COLUMN: usize = 6 + KEY_WIDTH + 3;

/// The plan for a terminal (`color`: emphasis inside changed values) or a log (no escapes at
/// all; marker lines under long changed values).
pub fn render_text(plan: &Plan, color: bool) -> String {
    let out = portal_heading(None, &plan.portal) + "\n" + &body(plan, color);
    finished(out, color)
}

/// `out` as laid out for `color`: as it is with color, every escape stripped without.
fn finished(out: String, color: bool) -> String {
    if color {
        out
    } else {
        anstream::adapter::strip_str(&out).to_string()
    }
}

/// Everything after the `Portal:` line, colors included (the caller strips them when `color`
/// is off): each portal's section of a `portals:` plan is this under its own heading. Starts
/// with a blank line and ends with the summary line.
fn body(plan: &Plan, color: bool) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        out.push('\n');
        change_block(&mut out, plan, change, color);
    }
    if !plan.unmanaged.is_empty() {
        out.push_str("\nUnmanaged (on the portal, not in the file; left alone):\n");
        for u in &plan.unmanaged {
            let id = paint(style::DIM, format!("#{}", u.id));
            let _ = writeln!(out, "  {id} {}", quoted(&u.name));
        }
    }
    let notes = notes::plan_notes(plan, &|s| s.to_string());
    if !notes.is_empty() {
        let _ = write!(out, "\n{}\n", notes.join("\n"));
    }
    out.push('\n');
    if !plan.has_changes() {
        let _ = writeln!(out, "{}", plan.no_changes_line());
    }
    let _ = writeln!(out, "{}", paint(style::BOLD, plan.summary()));
    out
}

/// The plans of named portals, each in a section under its `portal_heading` (its plan's
/// `body`, then its error, as docs/plans.md shows), then `Run::total_line`.
pub(super) fn render_portals(fleet: &Run<Plan>, color: bool) -> String {
    let mut out = String::new();
    for portal in &fleet.portals {
        let heading = portal_heading(portal.name.as_deref(), &portal.portal);
        let _ = writeln!(out, "{}", paint(style::BOLD, heading));
        match &portal.result {
            Some(plan) => out.push_str(&body(plan, color)),
            // The body starts with a blank line; so does a portal without one.
            None => out.push('\n'),
        }
        if let Some(error) = &portal.error {
            let line = format!("Error: {}", message(error));
            let _ = writeln!(out, "{}", paint(style::FAILED, line));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", paint(style::BOLD, fleet.total_line()));
    finished(out, color)
}

/// A portal's heading, in a plan, `status` and `redeliver`: the one portal of a `portal:` file
/// (unnamed) has only its URL.
pub fn portal_heading(name: Option<&str>, portal: &str) -> String {
    match name {
        Some(name) => format!("=== portal {} ({}) ===", plain(name), plain(portal)),
        None => format!("Portal: {}", plain(portal)),
    }
}

fn change_block(out: &mut String, plan: &Plan, change: &Change, color: bool) {
    let (sigil, verb, tone) = match change.action() {
        Action::Create => ("+", "create", style::CREATE),
        Action::Update => ("~", "update", style::UPDATE),
        Action::Delete => ("-", "delete", style::DELETE),
    };
    let id = change.id().map(|id| format!(" #{id}")).unwrap_or_default();
    let verb = paint(tone.bold(), format!("{sigil} {verb}"));
    let _ = writeln!(out, "  {verb}{id} {}", quoted(change.name()));
    for (warning, sentences) in notes::change_notes(plan, change, &|s| s.to_string()) {
        for line in sentences {
            let line = if warning {
                paint(style::WARN, format!("! {line}"))
            } else {
                line
            };
            let _ = writeln!(out, "      {line}");
        }
    }
    for field in &change.fields {
        field_lines(out, change.action(), field, color);
    }
}

/// A field of a change: `key = value` where one side tells it, else what an update changes.
fn field_lines(out: &mut String, action: Action, f: &FieldChange, color: bool) {
    let value = match (&f.before, &f.after) {
        (Value::Triggers(before), Value::Triggers(after)) if action == Action::Update => {
            return trigger_lines(out, f.field.key(), *before, *after);
        }
        // Before the secret arm: a delete's secretKey has no "after" to show.
        _ if action == Action::Delete => &f.before,
        // A sensitive uri is `(sensitive)` on both sides, yet listed only when it changes.
        _ if action == Action::Create
            || f.field == Field::SecretKey
            || (f.before == f.after && f.field != Field::Uri) =>
        {
            &f.after
        }
        _ => return change_lines(out, action, f, color),
    };
    let shown = value_text(value) + &note(f.field, value);
    let _ = writeln!(out, "      {:<KEY_WIDTH$} = {shown}", f.field.key());
}

/// The triggers an update adds, then those it removes, a line each, the key on the first.
fn trigger_lines(out: &mut String, key: &str, before: TriggerSet, after: TriggerSet) {
    let mut label = key;
    for (sign, names, color) in [
        ("+", after.minus(before), style::ADDED),
        ("-", before.minus(after), style::REMOVED),
    ] {
        for name in names {
            let line = paint(color, format!("{sign} {name}"));
            let _ = writeln!(out, "      {label:<KEY_WIDTH$} {line}");
            label = "";
        }
    }
}

/// An update's change: `key = old -> new`, or when long two aligned lines (and `^` markers).
fn change_lines(out: &mut String, action: Action, f: &FieldChange, color: bool) {
    let key = f.field.key();
    let diff = inline::of_field(action, f);
    let (old, new) = match &diff {
        Some(d) => (
            shown(&d.old, style::REMOVED, color),
            shown(&d.new, style::ADDED, color),
        ),
        None => (
            paint(style::REMOVED, value_text(&f.before)),
            paint(style::ADDED, value_text(&f.after)),
        ),
    };
    let old = old + &note(f.field, &f.before);
    let new = new + &note(f.field, &f.after);
    let Some(diff) = diff.filter(InlineDiff::is_long) else {
        let _ = writeln!(out, "      {key:<KEY_WIDTH$} = {old} -> {new}");
        return;
    };
    let _ = writeln!(out, "      {key:<KEY_WIDTH$} - {old}");
    let _ = writeln!(out, "      {:<KEY_WIDTH$} + {new}", "");
    if !color {
        // One column further in: the opening quote.
        let _ = writeln!(out, "{:1$}{2}", "", VALUE_COLUMN + 1, diff.markers());
    }
}

/// One side of a changed string in quotes; with color, the changed pieces emphasised in
/// reverse video, so a single character stands out (the unchanged ones and the quotes in one
/// run each, so an unchanged side reads as before).
fn shown(side: &Side, base: anstyle::Style, color: bool) -> String {
    if !color {
        return format!("\"{}\"", side.text);
    }
    let (mut out, mut run, mut at) = (String::new(), String::from('"'), 0);
    for range in &side.changed {
        run.push_str(&side.text[at..range.start]);
        out.push_str(&paint(base, std::mem::take(&mut run)));
        out.push_str(&paint(base.invert(), &side.text[range.clone()]));
        at = range.end;
    }
    run.push_str(&side.text[at..]);
    run.push('"');
    out + &paint(base, run)
}

/// The punycode form beside a uri with a look-alike host, in the warning color.
fn note(field: Field, value: &Value) -> String {
    let text = beside(field, value);
    if text.is_empty() {
        text
    } else {
        paint(style::WARN, text)
    }
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
