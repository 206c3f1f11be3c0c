//! The keys a webhook file may use, and the one a mistyped key most likely meant.
//!
//! A leaf: the entry check, the top level, the schema and the secret masking all read these
//! lists, and none of them is read back from here. The fields of an entry are the crate's one
//! table of webhook fields (`crate::field`).

use crate::field::Field;

/// The keys of the top level.
pub(super) const TOP_FIELDS: &[&str] = &[PORTAL, PORTALS, PRUNE, WEBHOOKS];
pub(super) const PORTAL: &str = "portal";
pub(super) const PORTALS: &str = "portals";
pub(super) const PRUNE: &str = "prune";
pub(super) const WEBHOOKS: &str = "webhooks";

/// The keys under `prune:`.
pub(super) const PRUNE_FIELDS: &[&str] = &[MAX_DELETES];
pub(super) const MAX_DELETES: &str = "maxDeletes";

/// The keys of one portal under `portals:`.
pub(super) const PORTAL_FIELDS: &[&str] = &[URL, API_KEY, PRUNE, WEBHOOKS];
pub(super) const URL: &str = "url";
pub(super) const API_KEY: &str = "apiKey";

/// The keys of a webhook entry.
pub(super) const ENTRY_FIELDS: &[&str] = Field::KEYS;
/// `only: [portal names]`: in a shared entry of a `portals:` file only. Not a webhook field
/// (`crate::field` is what the portal stores), so it is not in `ENTRY_FIELDS`.
pub(super) const ONLY: &str = "only";

/// Field names people reach for that strsim would not map to ours.
const ALIASES: &[(&str, &str)] = &[
    ("url", Field::Uri.key()),
    ("secret", Field::SecretKey.key()),
    ("target", Field::TargetId.key()),
    ("events", Field::Triggers.key()),
    ("active", Field::Enabled.key()),
];

/// The key of `valid` that `field` most likely meant: an alias people reach for, or one close
/// in spelling (ignoring case, `_`, `-` and spaces).
pub(super) fn closest_field<'v>(field: &str, valid: &[&'v str]) -> Option<&'v str> {
    let normal = |s: &str| s.to_ascii_lowercase().replace(['_', '-', ' '], "");
    let wanted = normal(field);
    if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == wanted)
        && valid.contains(to)
    {
        return Some(to);
    }
    valid
        .iter()
        .map(|f| (strsim::jaro_winkler(&wanted, &normal(f)), *f))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, f)| f)
}
