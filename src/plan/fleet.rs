//! The plans of a run, one per selected portal: one that cannot be planned is reported in its
//! own section while the others still plan and apply.

use super::{Counts, Plan};
use crate::run::Run;

/// Counts over every portal that has a plan, then the portals with an error and all portals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    #[serde(flatten)]
    pub counts: Counts,
    pub failed: usize,
    pub portals: usize,
}

impl Run<Plan> {
    pub fn has_changes(&self) -> bool {
        self.results().any(Plan::has_changes)
    }

    pub fn totals(&self) -> Totals {
        let mut counts = Counts::default();
        for c in self.results().map(Plan::counts) {
            counts.create += c.create;
            counts.update += c.update;
            counts.delete += c.delete;
            counts.unchanged += c.unchanged;
        }
        Totals {
            counts,
            failed: self.failed(),
            portals: self.portals.len(),
        }
    }

    /// The closing line over all portals (`run::total_line`).
    pub fn total_line(&self) -> String {
        let t = self.totals();
        crate::run::total_line(&t.counts.to_string(), t.portals, t.failed)
    }
}
