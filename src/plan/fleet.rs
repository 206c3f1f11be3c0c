//! The plans of a `portals:` file: one per selected portal, each made and shown on its own, so
//! a portal that cannot be planned (unreachable, its key refused or unset) is reported in its
//! own section while the others still plan and apply.

use super::{Counts, Plan};

/// The plans of the selected portals of a `portals:` file, in file order.
#[derive(Debug, Clone)]
pub struct FleetPlan {
    pub portals: Vec<PortalPlan>,
}

/// One portal's part of a `FleetPlan`.
#[derive(Debug, Clone)]
pub struct PortalPlan {
    /// The portal's key under `portals:`; `None` for the one portal of a `portal:` file, which
    /// is shown without a heading or totals, as a plan of one portal always was.
    pub name: Option<String>,
    /// Its `url:`, as `PortalUrl::as_str` shows it.
    pub portal: String,
    /// `None` when the portal could not be planned; `error` says why.
    pub plan: Option<Plan>,
    /// Why this portal failed: it could not be planned (`plan` is `None`), or its plan was
    /// refused (the deletion guard; `plan` is shown all the same). One line, free of secrets.
    pub error: Option<String>,
}

/// Counts over every portal that has a plan, then the portals with an error and all portals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    #[serde(flatten)]
    pub counts: Counts,
    pub failed: usize,
    pub portals: usize,
}

impl PortalPlan {
    /// The error its section shows; a portal without a plan always shows one, even if
    /// (against this type's contract) nothing said why.
    pub fn shown_error(&self) -> Option<&str> {
        match (&self.plan, &self.error) {
            (_, Some(error)) => Some(error),
            (None, None) => Some("not planned"),
            (Some(_), None) => None,
        }
    }
}

impl FleetPlan {
    /// The plan of the one portal of a `portal:` file, which is shown as it always was: no
    /// heading, no totals, JSON version 1.
    pub fn unnamed(&self) -> Option<&Plan> {
        match self.portals.as_slice() {
            [
                PortalPlan {
                    name: None,
                    plan: Some(plan),
                    ..
                },
            ] => Some(plan),
            _ => None,
        }
    }

    pub fn has_changes(&self) -> bool {
        self.portals
            .iter()
            .filter_map(|p| p.plan.as_ref())
            .any(Plan::has_changes)
    }

    /// Portals with an error.
    pub fn failed(&self) -> usize {
        self.portals.iter().filter(|p| p.error.is_some()).count()
    }

    pub fn totals(&self) -> Totals {
        let mut counts = Counts::default();
        for c in self
            .portals
            .iter()
            .filter_map(|p| p.plan.as_ref().map(Plan::counts))
        {
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

    /// The closing line over all portals, e.g.
    /// `Total: 1 to create, 2 to update, 0 to delete, 5 unchanged, on 3 portals (1 failed).`
    pub fn total_line(&self) -> String {
        let t = self.totals();
        let mut line = format!(
            "Total: {}, on {} portal{}",
            t.counts,
            t.portals,
            if t.portals == 1 { "" } else { "s" }
        );
        if t.failed > 0 {
            line.push_str(&format!(" ({} failed)", t.failed));
        }
        line.push('.');
        line
    }
}
