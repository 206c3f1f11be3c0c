//! The plans of a `portals:` file as one JSON document, format version 2 (a `portal:` file
//! keeps version 1). Keys in this order, all always present; pretty-printed, with a trailing
//! newline, every string written as version 1 writes it:
//!
//! ```text
//! {
//!   "format_version": 2,
//!   "portals": [
//!     {
//!       "name": "staging",                 // the portal's key under `portals:`
//!       "portal": "https://staging.docs.example.com",
//!       "summary": { "create": 1, "update": 0, "delete": 0, "unchanged": 3 },
//!       "changes": [ ... ],                // version 1's `changes`, element for element
//!       "unmanaged": [ { "id": 12, "name": "legacy" } ],
//!       "left_out": 0,
//!       "secrets_needed": ["BILLING_WEBHOOK_SECRET"],
//!       "secrets_not_sent": [],
//!       "error": null                      // or why this portal failed, one line
//!     }
//!   ],
//!   "summary": { "create": 1, "update": 0, "delete": 0, "unchanged": 3, "failed": 0, "portals": 1 }
//! }
//! ```
//!
//! - Each element has, from `summary` to `secrets_not_sent`, exactly the keys and shapes of a
//!   version-1 document of that portal's plan, so a consumer of version 1 reads an element
//!   with the same code.
//! - A portal that could not be planned (unreachable, its key refused or unset) has
//!   `summary: null` (nothing was compared), empty lists, `left_out: 0`, and `error`. A
//!   portal whose plan was refused (the deletion guard) has its plan and `error` both.
//! - The top-level `summary` adds the counts of every portal that has a plan, with two more
//!   keys: `failed`, the portals with an error, and `portals`, how many portals the document
//!   holds.

use serde::Serialize;

use super::{Details, Summary, pretty};
use crate::plan::FleetPlan;
use crate::redact::mask_credentials;

/// The version of the document of a `portals:` file.
const FORMAT_VERSION: u32 = 2;

/// Renders `fleet` as the JSON document described in this module's documentation.
pub(in crate::render) fn render_fleet_json(fleet: &FleetPlan) -> String {
    let totals = fleet.totals();
    pretty(&JsonFleet {
        format_version: FORMAT_VERSION,
        portals: fleet
            .portals
            .iter()
            .map(|p| JsonPortal {
                name: mask_credentials(p.name.as_deref().unwrap_or_default()),
                portal: mask_credentials(&p.portal),
                summary: p.plan.as_ref().map(Summary::of),
                details: p.plan.as_ref().map(Details::of).unwrap_or_default(),
                error: p.error.as_deref().map(mask_credentials),
            })
            .collect(),
        summary: FleetSummary {
            counts: Summary {
                create: totals.create,
                update: totals.update,
                delete: totals.delete,
                unchanged: totals.unchanged,
            },
            failed: totals.failed,
            portals: fleet.portals.len(),
        },
    })
}

#[derive(Serialize)]
struct JsonFleet<'a> {
    format_version: u32,
    portals: Vec<JsonPortal<'a>>,
    summary: FleetSummary,
}

#[derive(Serialize)]
struct JsonPortal<'a> {
    name: String,
    portal: String,
    summary: Option<Summary>,
    #[serde(flatten)]
    details: Details<'a>,
    error: Option<String>,
}

#[derive(Serialize)]
struct FleetSummary {
    #[serde(flatten)]
    counts: Summary,
    failed: usize,
    portals: usize,
}
