//! Stage 4a: the plans of a run -> text for people (`text`), Markdown for a pull request or
//! job summary (`markdown`), or JSON for pipelines (`json`), as docs/plans.md describes them.
//!
//! Invariants every renderer keeps:
//! - Pure functions of the plan, which holds no secret (a secret is only ever
//!   `Value::Sensitive`), so no rendering can leak one.
//! - Every user-controlled string (names, uris, target ids, failure excerpts, even the portal)
//!   may hold control characters, ESC sequences or bidi overrides, and goes through `quoted`
//!   or `plain`, so it cannot move the cursor, recolor a terminal or reorder what a reviewer
//!   reads. Text without color emits no escape at all; Markdown and JSON never contain one.
//! - Strings are diffed, and look-alike hosts found, on the uris as the planner masked them,
//!   so no credential reaches a diff or a warning.

mod binding;
pub mod export;
mod health;
mod inline;
mod json;
mod lookalike;
mod markdown;
mod notes;
mod problems;
pub mod style;
mod text;

pub use binding::{BoundPortal, saved_plan_binding};
pub use health::render_health;
pub use json::render_json;
pub use markdown::{MAX_MARKDOWN_LEN, render_markdown};
pub use problems::{PortalCount, ProblemFormat, Valid, render_problems};
pub use text::{portal_heading, render_text, value_text};

use crate::plan::Plan;
use crate::redact::message;
use crate::run::Run;

/// How `plan` (and `apply`, before it asks) shows a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: a terminal (in color) or a CI log.
    Text,
    /// One JSON document for pipelines, with a format_version.
    Json,
    /// For a pull-request comment or a GitHub job summary; stays under 65,000 characters.
    Markdown,
}

/// The plans of a run in `format`; `color` (text only): whether the output keeps colors. The
/// one portal of a `portal:` file (unnamed) has no heading and no totals (JSON version 1);
/// named portals each have a section, then the totals (version 2).
pub fn render(run: &Run<Plan>, format: Format, color: bool) -> String {
    render_before(run, format, color, 0)
}

/// As `render`, followed in the output by `after` more bytes (what `show` adds): Markdown
/// leaves them room, so the whole output stays under [`MAX_MARKDOWN_LEN`].
pub fn render_before(run: &Run<Plan>, format: Format, color: bool, after: usize) -> String {
    let max = MAX_MARKDOWN_LEN.saturating_sub(after);
    match (format, run.unnamed()) {
        (Format::Text, Some(plan)) => render_text(plan, color),
        (Format::Text, None) => text::render_portals(run, color),
        (Format::Json, Some(plan)) => render_json(plan),
        (Format::Json, None) => json::render_portals(run),
        (Format::Markdown, Some(plan)) => markdown::render_within(plan, max),
        (Format::Markdown, None) => markdown::render_portals(run, max),
    }
}

/// What `show` prints after a saved plan: its path, its SHA-256 and the command line that
/// applies exactly it. Text for `Json` too (its stdout stays one document, so this goes to
/// stderr).
pub fn saved_plan_footer(format: Format, path: &str, digest: &str, command: &str) -> String {
    // The path is shown as every path is (`redact::shown_path`), and the command's quotes are
    // shell syntax: neither gets its quotes escaped (`it\'s` names no file; escaped, the
    // command could not be pasted).
    let (path, command) = (message(path), message(command));
    match format {
        Format::Text | Format::Json => {
            format!("Saved plan {path}, SHA-256 {digest}.\nApply exactly it with: {command}\n")
        }
        Format::Markdown => format!(
            "Saved plan {}, SHA-256 {}. Apply exactly it with {}.\n",
            markdown::code(&path),
            markdown::code(digest),
            markdown::code(&command)
        ),
    }
}

#[cfg(test)]
mod tests;
