//! TEMPORARY stub until the fleet renderers land (issue 12).
use super::Format;
use crate::plan::FleetPlan;

pub fn render_fleet(fleet: &FleetPlan, format: Format, color: bool) -> String {
    let mut out = String::new();
    for p in &fleet.portals {
        out.push_str(&format!("=== portal {} ({}) ===\n", p.name, p.portal));
        if let Some(plan) = &p.plan {
            out.push_str(&super::render(plan, format, color));
        }
        if let Some(e) = &p.error {
            out.push_str(&format!("Error: {e}\n"));
        }
        out.push('\n');
    }
    out.push_str(&fleet.total_line());
    out.push('\n');
    out
}
