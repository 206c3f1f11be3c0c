//! The deletion guard: a truncated or wrong file must not wipe the portal (docs/adopting.md,
//! `--prune`, gives the limits). A plan that deletes every live webhook (an empty
//! `webhooks: {}` is the classic) needs an explicit limit of at least that many, whatever the
//! default would allow; a limit in the reviewed file is as deliberate as the flag.

use super::Plan;

/// Deletes always allowed without `--max-deletes`.
const MIN_LIMIT: usize = 3;
/// Share of the live webhooks a plan may delete when that is more than `MIN_LIMIT`.
const SHARE_PERCENT: usize = 30;

/// An explicit deletion limit, by where it was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxDeletes {
    /// `--max-deletes N`.
    Flag(usize),
    /// `prune: { maxDeletes: N }` in the file.
    File(usize),
    /// The limit a saved plan was made with.
    Saved(usize),
}

impl MaxDeletes {
    /// `--max-deletes` when given, else the file's limit.
    pub fn of(flag: Option<usize>, file: Option<usize>) -> Option<MaxDeletes> {
        flag.map(MaxDeletes::Flag).or(file.map(MaxDeletes::File))
    }

    pub fn value(self) -> usize {
        match self {
            MaxDeletes::Flag(n) | MaxDeletes::File(n) | MaxDeletes::Saved(n) => n,
        }
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}", self.message())]
#[diagnostic(code(plan::too_many_deletes), help("{}", self.help()))]
pub struct TooManyDeletes {
    pub deletes: usize,
    pub live: usize,
    pub limit: usize,
    pub explicit: Option<MaxDeletes>,
    /// Refused as `apply PLAN_FILE`, which takes no limit but its plan's own (`Saved`, or none).
    pub saved: bool,
}

impl TooManyDeletes {
    /// Every live webhook would go, and no explicit limit said that is meant.
    fn empties_the_portal(&self) -> bool {
        self.explicit.is_none() && self.deletes == self.live
    }

    /// When the deletes are meant: the kind of limit that stopped the plan, raised.
    fn help(&self) -> String {
        let deletes = self.deletes;
        let raise = match self.explicit {
            None if !self.saved => format!(
                "set `prune: {{ maxDeletes: {deletes} }}` in the file, where reviewers see it, or \
                 rerun with --max-deletes {deletes}"
            ),
            Some(MaxDeletes::Flag(_)) => format!("rerun with --max-deletes {deletes}"),
            Some(MaxDeletes::File(_)) => format!(
                "raise it to `prune: {{ maxDeletes: {deletes} }}` in the file, or rerun with \
                 --max-deletes {deletes}"
            ),
            // `apply PLAN_FILE` takes no limit but the plan's own.
            None | Some(MaxDeletes::Saved(_)) => {
                format!("make the plan again with a limit of at least {deletes}")
            }
        };
        format!(
            "if the file is really meant to drop them, {raise}; if not, check the file is complete"
        )
    }

    fn message(&self) -> String {
        let (deletes, live, limit) = (self.deletes, self.live, self.limit);
        if self.empties_the_portal() {
            return format!(
                "refusing a plan that deletes every live webhook ({deletes} of {live}) without \
                 an explicit limit (--max-deletes, or prune.maxDeletes in the file); nothing was \
                 written"
            );
        }
        let source = match self.explicit {
            Some(MaxDeletes::Flag(_)) => " (--max-deletes)",
            Some(MaxDeletes::File(_)) => " (prune.maxDeletes in the file)",
            Some(MaxDeletes::Saved(_)) => " (the saved plan's limit)",
            None => "",
        };
        format!(
            "refusing a plan that deletes {deletes} of {live} live webhooks: the limit is \
             {limit}{source}; nothing was written"
        )
    }
}

/// Refuses `plan` when it deletes more than `max_deletes` (or the default limit), or, without
/// `max_deletes`, when it deletes every one of the `live` webhooks.
pub fn check(
    plan: &Plan,
    live: usize,
    max_deletes: Option<MaxDeletes>,
) -> Result<(), TooManyDeletes> {
    let deletes = plan.counts().delete;
    let default_limit = MIN_LIMIT.max(live * SHARE_PERCENT / 100);
    let limit = max_deletes.map_or(default_limit, MaxDeletes::value);
    let refused = TooManyDeletes {
        deletes,
        live,
        limit,
        explicit: max_deletes,
        saved: false,
    };
    if deletes > limit || (deletes > 0 && refused.empties_the_portal()) {
        return Err(refused);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::LiveWebhook;
    use crate::plan::{Change, Op};

    fn deleting(n: usize) -> Plan {
        let changes = (0..n)
            .map(|i| i32::try_from(i).unwrap())
            .map(|id| Change {
                fields: Vec::new(),
                op: Op::Delete(LiveWebhook::listed(id, &format!("h{id}"), "")),
                failure: None,
                uri_var: None,
                uri_hidden: false,
                deliveries: None,
            })
            .collect();
        Plan {
            portal: "https://p.example.com".into(),
            changes,
            unchanged: Vec::new(),
            unmanaged: Vec::new(),
            notes: Default::default(),
        }
    }

    #[test]
    fn emptying_the_portal_needs_an_explicit_limit_of_at_least_that_many() {
        let refused = check(&deleting(3), 3, None).unwrap_err();
        assert!(refused.empties_the_portal());
        assert!(
            refused
                .to_string()
                .contains("deletes every live webhook (3 of 3)"),
            "{refused}"
        );
        assert!(check(&deleting(1), 1, None).is_err(), "even one of one");
        assert!(check(&deleting(3), 3, Some(MaxDeletes::Flag(2))).is_err());
        assert!(check(&deleting(3), 3, Some(MaxDeletes::File(3))).is_ok());
        // Below the default limit and not everything: allowed as before.
        assert!(check(&deleting(2), 3, None).is_ok());
        assert!(check(&deleting(0), 0, None).is_ok(), "nothing to delete");
    }

    #[test]
    fn the_default_limit_is_three_or_thirty_percent() {
        assert!(check(&deleting(3), 10, None).is_ok());
        let refused = check(&deleting(4), 10, None).unwrap_err();
        assert!(!refused.empties_the_portal());
        assert_eq!(refused.limit, 3);
        assert!(check(&deleting(30), 100, None).is_ok());
        assert!(check(&deleting(31), 100, None).is_err());
        assert!(check(&deleting(4), 10, Some(MaxDeletes::Saved(4))).is_ok());
    }
}
