//! The plans of a `portals:` file (`FleetPlan`), in the three formats. Each portal's body is
//! the single-portal renderer's own, so a portal reads the same in a `portals:` file as in a
//! `portal:` file; what is added is a heading per portal, its error, and the totals.
//!
//! Text: one section per portal, in order, headed `=== portal NAME (URL) ===`, then the plan
//! as `render_text` shows it without its `Portal:` line, then `Error: MESSAGE` when the portal
//! failed (alone when it could not be planned, under its plan when the plan was refused);
//! sections separated by a blank line, then a blank line and `FleetPlan::total_line`.
//! Markdown: `fleet::markdown`. JSON: `json::fleet` (format version 2).

mod markdown;

use std::fmt::Write;

use super::json::fleet::render_fleet_json;
use super::style::{self, paint};
use super::{Format, message, plain, text};
use crate::plan::{FleetPlan, PortalPlan};

/// Renders `fleet` in `format`; `color` (text only) says whether the output keeps colors.
pub(super) fn render_fleet(fleet: &FleetPlan, format: Format, color: bool) -> String {
    match format {
        Format::Text => fleet_text(fleet, color),
        Format::Json => render_fleet_json(fleet),
        Format::Markdown => markdown::render_fleet_markdown(fleet),
    }
}

fn fleet_text(fleet: &FleetPlan, color: bool) -> String {
    let mut out = String::new();
    for (i, portal) in fleet.portals.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let heading = format!(
            "=== portal {} ({}) ===",
            plain(portal.name.as_deref().unwrap_or_default()),
            plain(&portal.portal)
        );
        let _ = writeln!(out, "{}", paint(style::BOLD, heading));
        match &portal.plan {
            Some(plan) => out.push_str(&text::body(plan, color)),
            // The body starts with a blank line; so does a portal without one.
            None => out.push('\n'),
        }
        if let Some(error) = error_of(portal) {
            let line = format!("Error: {}", message(error));
            let _ = writeln!(out, "{}", paint(style::FAILED, line));
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", paint(style::BOLD, fleet.total_line()));
    text::finished(out, color)
}

/// The portal's error; a portal without a plan always shows one, even if (against
/// `PortalPlan`'s contract) nothing said why.
fn error_of(portal: &PortalPlan) -> Option<&str> {
    match (&portal.plan, &portal.error) {
        (_, Some(error)) => Some(error),
        (None, None) => Some("not planned"),
        (Some(_), None) => None,
    }
}
