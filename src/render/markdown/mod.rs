//! The plan as Markdown, for a pull-request comment or a GitHub job summary (docs/plans.md
//! describes the layout). A forge colors whole lines only, so a long changed value gets a
//! context line of `^` under its first and last changed character.
//!
//! Invariants:
//! - Inert: every user string is Rust-escaped (no newline, control character or ESC survives)
//!   and, outside a fence, sits in a code span whose backtick delimiter is longer than any run
//!   in it, so names, uris and excerpts cannot open HTML, links, mentions or issue references.
//!   Inside a fence every line starts with a fixed marker and a fixed key, and the fence is
//!   longer than any backtick run in the block anyway.
//! - Bounded: shorter than [`MAX_MARKDOWN_LEN`] bytes (so characters), below GitHub's 65,536
//!   characters; change blocks that do not fit are left out whole (deletes too, once they
//!   alone pass the cap), and a line says how many, and how many of them are deletes.

mod portals;

pub(super) use portals::render_portals;

use std::fmt::Write;

use super::lookalike::beside;
use super::{inline, notes, value_text};
use crate::plan::{Action, Change, Counts, Field, FieldChange, Plan, Value};
use crate::redact::{plain, quoted};

/// The output is always strictly shorter than this many bytes.
pub const MAX_MARKDOWN_LEN: usize = 65_000;

/// Past this many changes the creates and updates are folded, so the summary stays readable in
/// a PR thread.
const FOLD_AFTER: usize = 10;

/// Room kept for the `<details>` wrapper and the "not shown" line.
const RESERVED: usize = 600;

/// The unmanaged list may use at most this much; it is informational.
const UNMANAGED_BUDGET: usize = 6_000;

/// The plan's notes may use at most this much.
const NOTES_BUDGET: usize = 8_000;

const SEE_FULL_PLAN: &str =
    "See the full plan in the job log (`plan --format text` or `plan --format json`).";

/// Longest portal shown; a portal is a checked URL, but the size cap must hold regardless.
const PORTAL_MAX: usize = 300;

/// Longest portal name in a heading, and error in a section (errors quote what a portal
/// answered), in a plan's and in `status`'s Markdown.
pub(super) const NAME_MAX: usize = 100;
pub(super) const ERROR_MAX: usize = 2_000;

pub fn render_markdown(plan: &Plan) -> String {
    render_within(plan, MAX_MARKDOWN_LEN)
}

/// The plan in fewer than `max` bytes: `show` prints more after it, within the same cap.
pub(super) fn render_within(plan: &Plan, max: usize) -> String {
    let url = code(&portal(&plan.portal));
    let out = format!("**{}** Portal: {url}\n", plan.summary());
    let limit = max.saturating_sub(out.len());
    out + &body(plan, limit)
}

/// Everything after the summary line: the counts table, the notes, the change blocks (as many
/// as fit) and the unmanaged list. Shorter than `limit` bytes unless the counts, notes and
/// unmanaged list alone (at most about 14,000 bytes) do not fit in it. Each portal's section
/// of a `portals:` plan is this under its own heading.
pub(super) fn body(plan: &Plan, limit: usize) -> String {
    let mut out = counts_table(plan);
    if !plan.has_changes() {
        let _ = writeln!(out, "\n{}", plan.no_changes_line());
    }
    out.push_str(&notes_section(plan));
    let unmanaged = unmanaged_section(plan);

    let room = limit.saturating_sub(out.len() + unmanaged.len() + RESERVED + 1);
    // Deletes first and never folded: they are what a reviewer must not miss.
    let (deletes, others): (Vec<&Change>, Vec<&Change>) = plan
        .changes
        .iter()
        .partition(|c| c.action() == Action::Delete);
    let total = plan.changes.len();
    let fold = total > FOLD_AFTER && !others.is_empty();
    let (mut open, mut folded) = (String::new(), String::new());
    let mut shown = 0;
    for (i, change) in deletes.iter().chain(&others).enumerate() {
        let block = change_block(plan, change);
        if open.len() + folded.len() + block.len() > room {
            break;
        }
        if fold && i >= deletes.len() {
            folded.push_str(&block);
        } else {
            open.push_str(&block);
        }
        shown += 1;
    }

    out.push_str(&open);
    // The summary counts the blocks inside: under the cap, fewer than the plan's.
    let deletes_shown = shown.min(deletes.len());
    if fold && shown > deletes_shown {
        let n = shown - deletes_shown;
        let what = if n == 1 {
            "create or update"
        } else {
            "creates and updates"
        };
        let _ = writeln!(out, "\n<details><summary>{n} {what}</summary>");
        out.push_str(&folded);
        let _ = writeln!(out, "\n</details>");
    }
    if shown < total {
        let deletes_cut = match deletes.len() - deletes_shown {
            0 => String::new(),
            n => format!(" ({n} of them deletes)"),
        };
        let _ = writeln!(
            out,
            "\n**{} of {total} changes are not shown{deletes_cut}** to keep this under \
             {MAX_MARKDOWN_LEN} characters. {SEE_FULL_PLAN}",
            total - shown
        );
    }
    out.push_str(&unmanaged);
    out
}

/// The counts of the summary line as a table, for a reader who scans.
fn counts_table(plan: &Plan) -> String {
    format!(
        "\n| create | update | delete | unchanged | unmanaged |\n\
         |---:|---:|---:|---:|---:|\n\
         | {} | {} |\n",
        cells(plan.counts()),
        plan.unmanaged.len()
    )
}

fn cells(c: Counts) -> String {
    format!(
        "{} | {} | {} | {}",
        c.create, c.update, c.delete, c.unchanged
    )
}

/// The plan's notes, a paragraph each; replaced by one line in the unlikely case that names
/// from the portal make them longer than [`NOTES_BUDGET`].
fn notes_section(plan: &Plan) -> String {
    let notes = notes::plan_notes(plan, &code);
    let out: String = notes.iter().map(|line| format!("\n{line}\n")).collect();
    if out.len() > NOTES_BUDGET {
        return "\nThe plan's notes are too long to show here: see `plan --format text`.\n"
            .to_string();
    }
    out
}

/// One change: the heading line, the failure note, the diff block. Starts with a blank line.
fn change_block(plan: &Plan, change: &Change) -> String {
    let (sigil, verb) = match change.action() {
        Action::Create => ("+", "create"),
        Action::Update => ("~", "update"),
        Action::Delete => ("-", "delete"),
    };
    // The id goes inside the code span: a bare `#9846` would become an issue link.
    let who = match change.id() {
        Some(id) => format!("#{id} {}", quoted(change.name())),
        None => quoted(change.name()),
    };
    let mut out = String::new();
    let _ = writeln!(out, "\n#### {sigil} {verb} {}", code(&who));
    for (warning, mut sentences) in notes::change_notes(plan, change, &code) {
        // A warning's first sentence follows `**Warning:**`; every other starts the sentence.
        for s in &mut sentences[usize::from(warning)..] {
            *s = upper_first(s);
        }
        let label = if warning { "**Warning:** " } else { "" };
        let _ = writeln!(out, "\n> {label}{}.", sentences.join(". "));
    }
    let mut lines = Vec::new();
    for field in &change.fields {
        diff_lines(&mut lines, change.action(), field);
    }
    let diff: String = lines.iter().map(|line| format!("{line}\n")).collect();
    let fence = "`".repeat(3.max(longest_backtick_run(&diff) + 1));
    let _ = write!(out, "\n{fence}diff\n{diff}{fence}\n");
    out
}

/// Diff lines for one field: `-` for the value removed, `+` for the value set, two spaces for
/// a value that stays (a secret sent again) and for the marker line under a long changed
/// string. An absent value has no line, so a create is all `+` and a delete all `-`.
fn diff_lines(lines: &mut Vec<String>, action: Action, f: &FieldChange) {
    let key = f.field.key();
    let shown = |v: &Value| value_text(v) + &beside(f.field, v);
    match (&f.before, &f.after) {
        (Value::Triggers(before), Value::Triggers(after)) if before != after => {
            lines.push(format!("  {key}:"));
            lines.extend(before.minus(*after).iter().map(|n| format!("-   {n}")));
            lines.extend(after.minus(*before).iter().map(|n| format!("+   {n}")));
        }
        // A sensitive uri is `(sensitive)` on both sides, yet listed only when it changes.
        (before, after) if before == after && f.field != Field::Uri => {
            lines.push(format!("  {key}: {}", shown(after)));
        }
        (before, after) => {
            if *before != Value::None {
                lines.push(format!("- {key}: {}", shown(before)));
            }
            if *after != Value::None {
                lines.push(format!("+ {key}: {}", shown(after)));
            }
            if let Some(diff) = inline::of_field(action, f).filter(|d| d.is_long()) {
                // Under the first character of the value: past `- `, `key: ` and the quote.
                let indent = key.len() + 3;
                lines.push(format!("  {:indent$}{}", "", diff.markers()));
            }
        }
    }
}

/// The unmanaged webhooks as a list, cut with a count past [`UNMANAGED_BUDGET`].
fn unmanaged_section(plan: &Plan) -> String {
    if plan.unmanaged.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nUnmanaged (on the portal, not in the file; left alone):\n\n");
    for (i, u) in plan.unmanaged.iter().enumerate() {
        let item = format!("- {}\n", code(&format!("#{} {}", u.id, quoted(&u.name))));
        if out.len() + item.len() > UNMANAGED_BUDGET {
            let _ = writeln!(out, "- and {} more", plan.unmanaged.len() - i);
            break;
        }
        out.push_str(&item);
    }
    out
}

/// `s` as a code span, which Markdown renders literally (no HTML, links or mentions). `s` must
/// hold no newline: callers pass it through `quoted`/`plain` first.
pub(super) fn code(s: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(s) + 1);
    // Markdown strips one space from each end when both ends have one; padding keeps them.
    let edge = |c: char| s.starts_with(c) || s.ends_with(c);
    if edge('`') || (s.starts_with(' ') && s.ends_with(' ')) {
        format!("{ticks} {s} {ticks}")
    } else {
        format!("{ticks}{s}{ticks}")
    }
}

/// A table cell's text: pipes escaped, even inside code spans, where GFM unescapes them.
pub(super) fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A portal's URL as shown (escaped, cut past [`PORTAL_MAX`]), to put in a code span.
pub(super) fn portal(url: &str) -> String {
    truncated(&plain(url), PORTAL_MAX)
}

/// At most `max` bytes of `s`, cut on a character boundary, with `…` when cut.
pub(super) fn truncated(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let end = (0..=max).rfind(|&i| s.is_char_boundary(i)).unwrap_or(0);
    format!("{}…", &s[..end])
}

/// `its` -> `Its`: a note that starts a blockquote.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
