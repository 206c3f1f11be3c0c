//! The plans of a `portals:` file as Markdown: a summary table, then a section per portal
//! (docs/plans.md, "Several portals"). Under [`MAX_MARKDOWN_LEN`], a delete always shown or
//! counted. Inert as `render_markdown` is; in a table cell a user string's pipes are escaped
//! too (GFM splits cells on `|` even inside a code span, and unescapes `\|` there).

use std::fmt::Write;

use super::{ERROR_MAX, MAX_MARKDOWN_LEN, NAME_MAX, SEE_FULL_PLAN, cell, cells, code, truncated};
use crate::plan::Plan;
use crate::redact::{message, plain};
use crate::run::{Part, Run};

/// Room kept for the lines that say what was left out.
const RESERVED: usize = 1_000;

/// A section that does not fit whole is cut only if at least this much room remains.
const SECTION_MIN: usize = 4_000;

/// How much of each portal a row of the summary table shows: the first level at which the
/// whole table fits is used.
struct Level {
    name: usize,
    url: Option<usize>,
    error: Option<usize>,
    note: &'static str,
}

const LEVELS: [Level; 4] = [
    Level {
        name: NAME_MAX,
        url: Some(200),
        error: Some(300),
        note: "",
    },
    Level {
        name: 60,
        url: Some(80),
        error: Some(80),
        note: "Names, URLs and errors are cut short in this table",
    },
    Level {
        name: 40,
        url: None,
        error: Some(40),
        note: "URLs are left out of this table, names and errors cut short,",
    },
    Level {
        name: 24,
        url: None,
        error: None,
        note: "URLs and errors are left out of this table, names cut short,",
    },
];

/// Shorter than `max` bytes (at most [`MAX_MARKDOWN_LEN`]; `show` prints more after it).
pub(in crate::render) fn render_portals(fleet: &Run<Plan>, max: usize) -> String {
    let n = fleet.portals.len();
    let s = if n == 1 { "" } else { "s" };
    let mut out = format!("## Plan of {n} portal{s}\n\n**{}**\n", fleet.total_line());
    let budget = max.saturating_sub(out.len() + RESERVED);
    out.push_str(&summary_table(fleet, budget));

    let mut room = max.saturating_sub(out.len() + RESERVED);
    let mut shown = 0;
    for portal in &fleet.portals {
        let Some(section) = section(portal, room) else {
            break;
        };
        room -= section.len();
        out.push_str(&section);
        shown += 1;
    }
    left_out(
        &mut out,
        fleet,
        shown,
        "portal sections are not shown",
        NAME_MAX,
    );
    out
}

/// One portal's section, if it fits in `room` (shorter than it). Starts with a blank line.
fn section(portal: &Part<Plan>, room: usize) -> Option<String> {
    let url = code(&super::portal(&portal.portal));
    let mut head = format!("\n### {} ({url})\n", name(portal, NAME_MAX));
    let error = (portal.error.as_deref()).map(|e| code(&truncated(&message(e), ERROR_MAX)));
    let error = error
        .map(|e| format!("\n**Error:** {e}\n"))
        .unwrap_or_default();
    let body = match &portal.result {
        None => String::new(),
        Some(plan) => {
            let _ = writeln!(head, "\n**{}**", plan.summary());
            let fixed = head.len() + error.len();
            let whole = super::body(plan, MAX_MARKDOWN_LEN);
            if fixed + whole.len() < room {
                whole
            } else if room >= SECTION_MIN {
                super::body(plan, room.saturating_sub(fixed))
            } else {
                return None;
            }
        }
    };
    let section = head + &body + &error;
    (section.len() < room).then_some(section)
}

/// The summary table in at most `budget` bytes, the rows as long as that allows. Starts with
/// a blank line.
fn summary_table(fleet: &Run<Plan>, budget: usize) -> String {
    let head = "\n| portal | create | update | delete | unchanged | error |\n\
                |---|---:|---:|---:|---:|---|\n";
    let t = fleet.totals();
    let failed = match t.failed {
        0 => "—".to_string(),
        n => format!("{n} failed"),
    };
    let total = format!("| **Total** | {} | {failed} |\n", cells(t.counts));
    // What follows the rows: the totals, a level's note and the line counting rows left out.
    let tail = total.len() + 600;
    let (level, rows) = LEVELS
        .iter()
        .map(|level| (level, rows(fleet, level)))
        .find(|(_, rows)| head.len() + rows.iter().map(String::len).sum::<usize>() + tail < budget)
        .unwrap_or_else(|| (&LEVELS[3], rows(fleet, &LEVELS[3])));

    let mut out = head.to_string();
    let mut kept = 0;
    for row in rows {
        if out.len() + row.len() + tail >= budget {
            break;
        }
        out.push_str(&row);
        kept += 1;
    }
    out.push_str(&total);
    if !level.note.is_empty() {
        let _ = writeln!(
            out,
            "\n{} to keep this under {MAX_MARKDOWN_LEN} characters; `plan --format text` \
             shows them whole.",
            level.note
        );
    }
    left_out(
        &mut out,
        fleet,
        kept,
        "portals are not in this table",
        LEVELS[3].name,
    );
    out
}

fn rows(fleet: &Run<Plan>, level: &Level) -> Vec<String> {
    fleet.portals.iter().map(|p| row(p, level)).collect()
}

fn row(portal: &Part<Plan>, level: &Level) -> String {
    let mut who = name(portal, level.name);
    if let Some(max) = level.url {
        let url = code(&truncated(&plain(&portal.portal), max));
        who = format!("{who} ({url})");
    }
    let counts = match &portal.result {
        Some(plan) => cells(plan.counts()),
        None => "— | — | — | —".to_string(),
    };
    let error = match (portal.error.as_deref(), level.error) {
        (None, _) => "—".to_string(),
        (Some(e), Some(max)) => code(&truncated(&message(e), max)),
        (Some(_), None) => "failed".to_string(),
    };
    format!("| {} | {counts} | {} |\n", cell(&who), cell(&error))
}

/// The portal's name as a code span, cut past `max` bytes.
fn name(portal: &Part<Plan>, max: usize) -> String {
    code(&truncated(
        &plain(portal.name.as_deref().unwrap_or_default()),
        max,
    ))
}

/// The line that counts the portals from `from` on, left out of `what`, and their deletes;
/// nothing when none is.
fn left_out(out: &mut String, fleet: &Run<Plan>, from: usize, what: &str, name_max: usize) {
    let (left, n) = (&fleet.portals[from..], fleet.portals.len());
    let Some(first) = left.first() else { return };
    let deletes: usize = left
        .iter()
        .filter_map(|p| p.result.as_ref())
        .map(|p| p.counts().delete)
        .sum();
    let _ = writeln!(
        out,
        "\n**{} of {n} {what}** (from {} on), with {deletes} to delete, to keep this under \
         {MAX_MARKDOWN_LEN} characters. {SEE_FULL_PLAN}",
        left.len(),
        name(first, name_max),
    );
}
