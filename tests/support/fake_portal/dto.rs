//! The webhook as the API shows it (docs/docspace-api.md §6) and the portal's date format.
//!
//! Invariants: no secret in any shape here; null members are omitted, not written as null;
//! field order follows the server's DTO.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::state::Stored;

/// The caller every request acts as: the portal owner's account.
pub(super) const CALLER: &str = "Administrator";

/// `WebhooksConfigDto` (§6): no secret, nulls omitted.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConfigDto<'a> {
    id: i32,
    name: &'a str,
    uri: &'a str,
    enabled: bool,
    ssl: bool,
    triggers: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by: Option<Employee>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_on: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified_by: Option<Employee>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified_on: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_failure_on: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_failure_content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_success_on: Option<&'a str>,
}

impl<'a> ConfigDto<'a> {
    /// `owner` is the id of this portal's owner, the caller every request acts as.
    pub fn of(stored: &'a Stored, owner: &str) -> ConfigDto<'a> {
        ConfigDto {
            id: stored.id,
            name: &stored.name,
            uri: &stored.uri,
            enabled: stored.enabled,
            ssl: stored.ssl,
            // The column is a bigint: the wire carries the signed value.
            triggers: stored.triggers as i64,
            target_id: stored.target_id.as_deref(),
            created_by: stored
                .created_by
                .as_deref()
                .map(|n| Employee::named(n, owner)),
            created_on: stored.created_on.as_deref(),
            modified_by: stored
                .modified_by
                .as_deref()
                .map(|n| Employee::named(n, owner)),
            modified_on: stored.modified_on.as_deref(),
            last_failure_on: stored.last_failure_on.as_deref(),
            last_failure_content: stored.last_failure_content.as_deref(),
            last_success_on: stored.last_success_on.as_deref(),
        }
    }
}

/// `WebhooksConfigWithStatusDto` (§6), the list item.
#[derive(Serialize)]
pub(super) struct ListItem<'a> {
    configs: ConfigDto<'a>,
    status: i32,
}

impl<'a> ListItem<'a> {
    pub fn of(stored: &'a Stored, owner: &str) -> ListItem<'a> {
        ListItem {
            configs: ConfigDto::of(stored, owner),
            status: stored.delivery_status,
        }
    }
}

/// `EmployeeDto`, with a stable made-up id per display name; the caller's is its portal's
/// owner's, which differs from portal to portal, as a real owner's random id does.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Employee {
    id: String,
    display_name: String,
    avatar: &'static str,
    avatar_original: &'static str,
    avatar_max: &'static str,
    avatar_medium: &'static str,
    avatar_small: &'static str,
    profile_url: String,
    has_avatar: bool,
    is_anonim: bool,
}

impl Employee {
    fn named(name: &str, owner: &str) -> Employee {
        let id = if name == CALLER {
            owner.to_owned()
        } else {
            // FNV-1a: stable across runs, unlike the std hasher.
            let hash = name.bytes().fold(0xcbf29ce484222325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
            });
            format!("00000000-0000-4000-8000-{:012x}", hash & 0xffff_ffff_ffff)
        };
        let photo = "/static/images/default_user_photo_size_82-82.png";
        Employee {
            profile_url: format!("/accounts/people/filter?search={id}"),
            id,
            display_name: name.to_owned(),
            avatar: photo,
            avatar_original: photo,
            avatar_max: photo,
            avatar_medium: photo,
            avatar_small: photo,
            has_avatar: false,
            is_anonim: false,
        }
    }
}

/// A new portal's owner id: the documented example's first, each portal of the process its own.
pub(super) fn owner_id() -> String {
    static PORTALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PORTALS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(
        "66faa6e4-f133-11ea-b126-{:012x}",
        0x00ff_eec8_b4ef_u64.wrapping_add(n) & 0xffff_ffff_ffff
    )
}

/// Now, the way the portal writes dates: `2026-06-30T13:05:11.0000000+00:00`.
pub(super) fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    date(since.as_secs() as i64, since.subsec_nanos())
}

/// Unix seconds (and nanoseconds) the way the portal writes dates.
pub(super) fn date(secs: i64, nanos: u32) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:07}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        nanos / 100
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
