//! The deletion guard: a truncated or wrong file must not wipe the portal.
//!
//! With `--prune`, every live webhook the file omits becomes a delete, so a file cut short by a
//! bad merge would delete most of the portal. A plan that deletes more than the limit is
//! refused as a whole, before anything is written.

use super::{Action, Plan};

/// Deletes always allowed without `--max-deletes`.
pub const MIN_LIMIT: usize = 3;
/// Share of the live webhooks a plan may delete when that is more than `MIN_LIMIT`.
pub const SHARE_PERCENT: usize = 30;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("refusing a plan that deletes {deletes} of {live} live webhooks: the limit is {limit}{}; nothing was written", if *.explicit { " (--max-deletes)" } else { "" })]
#[diagnostic(
    code(plan::too_many_deletes),
    help(
        "if the file is really meant to drop them, rerun with --max-deletes {deletes}; if not, check the file is complete"
    )
)]
pub struct TooManyDeletes {
    pub deletes: usize,
    pub live: usize,
    pub limit: usize,
    pub explicit: bool,
}

/// The default limit: 3, or 30% of the live webhooks when that is larger.
pub fn default_limit(live: usize) -> usize {
    MIN_LIMIT.max(live * SHARE_PERCENT / 100)
}

/// Refuses `plan` when it deletes more than `max_deletes` (or the default limit).
pub fn check(plan: &Plan, live: usize, max_deletes: Option<usize>) -> Result<(), TooManyDeletes> {
    let deletes = plan.count(Action::Delete);
    let limit = max_deletes.unwrap_or_else(|| default_limit(live));
    if deletes > limit {
        return Err(TooManyDeletes {
            deletes,
            live,
            limit,
            explicit: max_deletes.is_some(),
        });
    }
    Ok(())
}
