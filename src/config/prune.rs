//! `prune:` at the top level: the deletion limit, kept in the reviewed file so that a pull
//! request that drops webhooks raises the limit in the same diff (see `plan::guard`).

use super::checker::Checker;
use super::keys::{MAX_DELETES, PRUNE, PRUNE_FIELDS};
use super::node::{Kind, Node};

impl Checker<'_> {
    /// `prune: { maxDeletes: N }`: the limit, or `None` (recording a problem) when it is not a
    /// non-negative integer. `prune: {}` sets no limit.
    pub(super) fn prune(&mut self, value: &Node) -> Option<usize> {
        let Kind::Map(entries) = &value.kind else {
            self.wrong_type(
                value,
                PRUNE,
                "a mapping",
                Some("write `prune: { maxDeletes: 5 }`".to_string()),
            );
            return None;
        };
        let mut limit = None;
        for (key, value) in entries {
            match &key.kind {
                Kind::Str(k) if k == MAX_DELETES => limit = self.max_deletes(value),
                _ => self.unknown_field(key, PRUNE_FIELDS, "under `prune`"),
            }
        }
        limit
    }

    fn max_deletes(&mut self, value: &Node) -> Option<usize> {
        let field = "prune.maxDeletes";
        match &value.kind {
            Kind::Int(n) => match usize::try_from(*n) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.error(
                        value.span,
                        "config::bad_max_deletes",
                        format!("`{field}` must be 0 or more, found {n}"),
                        "a negative limit",
                        Some("the most webhooks one run may delete, e.g. `maxDeletes: 5`".into()),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(
                    value,
                    field,
                    "a whole number",
                    Some("the most webhooks one run may delete, e.g. `maxDeletes: 5`".into()),
                );
                None
            }
        }
    }
}
