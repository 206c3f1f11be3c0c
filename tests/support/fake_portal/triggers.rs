//! `GET /api/2.0/settings/webhook/triggers` in the 3.7 shape (docs/docspace-api.md §7).

use super::envelope::{self, Ctx};
use super::reply::Reply;
use super::state::Inner;

/// `GET .../triggers`, the 3.7 shape (§7). No role check: a guest gets 200, all unavailable.
pub(super) fn list(inner: &Inner, ctx: &Ctx) -> Reply {
    #[derive(serde::Serialize)]
    struct TriggerDto {
        name: &'static str,
        id: i64,
        available: bool,
    }
    let available = !inner.forbidden;
    let list: Vec<TriggerDto> = TRIGGERS
        .iter()
        .map(|&(name, id)| TriggerDto {
            name,
            id,
            available,
        })
        .collect();
    let count = list.len();
    // A LINQ Select is an IEnumerable<object>, so here `count` is the real length.
    envelope::success(ctx, list, count)
}

/// Every trigger in the server's `[Order]` (§7), kept apart from the crate's own table so the
/// fake stays an independent oracle.
pub(super) const TRIGGERS: &[(&str, i64)] = &[
    ("*", 0),
    ("user.created", 1),
    ("user.invited", 1 << 1),
    ("user.updated", 1 << 2),
    ("user.deleted", 1 << 3),
    ("group.created", 1 << 4),
    ("group.updated", 1 << 5),
    ("group.deleted", 1 << 6),
    ("file.created", 1 << 7),
    ("file.uploaded", 1 << 8),
    ("file.updated", 1 << 9),
    ("file.trashed", 1 << 10),
    ("file.deleted", 1 << 11),
    ("file.restored", 1 << 12),
    ("file.copied", 1 << 13),
    ("file.moved", 1 << 14),
    ("file.downloaded", 1 << 34),
    ("folder.created", 1 << 15),
    ("folder.updated", 1 << 16),
    ("folder.trashed", 1 << 17),
    ("folder.deleted", 1 << 18),
    ("folder.restored", 1 << 19),
    ("folder.copied", 1 << 20),
    ("folder.moved", 1 << 21),
    ("folder.downloaded", 1 << 35),
    ("room.created", 1 << 22),
    ("room.updated", 1 << 23),
    ("room.archived", 1 << 24),
    ("room.deleted", 1 << 25),
    ("room.restored", 1 << 26),
    ("room.copied", 1 << 27),
    ("form.submit", 1 << 28),
    ("form.filled.out", 1 << 29),
    ("form.stopped", 1 << 30),
    ("agent.created", 1 << 31),
    ("agent.updated", 1 << 32),
    ("agent.deleted", 1 << 33),
];
