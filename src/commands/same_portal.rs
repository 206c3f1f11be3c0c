//! Two entries of a `portals:` file that are one portal under two host names, each planning
//! the other's webhooks as unmanaged: refused once every portal has been listed, before any
//! write (docs/portals.md, "One portal listed twice", says what makes a webhook the same).

use std::collections::{HashMap, HashSet};

use crate::Error;
use crate::api::LiveWebhook;

/// What tells one webhook from another across portals (the creator tells two fresh portals
/// given one entry in the same second); `None` without a creation time.
fn sighting(w: &LiveWebhook) -> Option<(i32, &str, &str, &str, Option<&str>)> {
    let created_on = w.created_on.as_deref()?;
    Some((w.id, &w.name, &w.uri, created_on, w.created_by.as_deref()))
}

/// Refuses the first pair of `portals` (name, URL, what it listed; in file order) that list the
/// same webhook, naming the first webhook (by id) they share. Each webhook is hashed once, with
/// the first portal that listed it (docs/performance.md: comparing every pair took seconds).
pub(super) fn check(portals: &[(&str, &str, &[LiveWebhook])]) -> Result<(), Error> {
    let mut first_seen = HashMap::new();
    for (at, later) in portals.iter().enumerate() {
        let (_, _, listed) = *later;
        let sightings = || listed.iter().filter_map(sighting);
        let earliest = sightings()
            .filter_map(|s| first_seen.get(&s).copied())
            .min();
        if let Some(earlier) = earliest.map(|i: usize| &portals[i]) {
            let seen: HashSet<_> = sightings().collect();
            let shared = |w: &&LiveWebhook| sighting(w).is_some_and(|s| seen.contains(&s));
            let (_, _, listed_earlier) = *earlier;
            if let Some(webhook) = listed_earlier.iter().find(shared) {
                let entry = |&(name, url, _)| {
                    format!(
                        "`{}` ({})",
                        crate::redact::plain(name),
                        crate::redact::plain(url)
                    )
                };
                return Err(Error::SamePortalTwice {
                    first: entry(earlier),
                    second: entry(later),
                    webhook: format!("#{} {:?}", webhook.id, crate::redact::plain(&webhook.name)),
                });
            }
        }
        for seen in sightings() {
            first_seen.entry(seen).or_insert(at);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created(id: i32, name: &str, on: Option<&str>) -> LiveWebhook {
        LiveWebhook {
            created_on: on.map(str::to_string),
            ..LiveWebhook::listed(id, name, "https://h.example.com/h")
        }
    }

    fn refused(a: &[LiveWebhook], b: &[LiveWebhook], c: &[LiveWebhook]) -> Option<String> {
        let listed: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .zip([a, b, c])
            .map(|(name, seen)| (name, "https://p.example.com", seen))
            .collect();
        check(&listed).err().map(|e| e.to_string())
    }

    #[test]
    fn the_same_id_name_uri_and_creation_time_is_one_webhook() {
        let at = Some("2026-06-30T13:05:11.0000000+00:00");
        let later = Some("2026-06-30T13:05:12.0000000+00:00");
        let one = [created(1, "Crm", at), created(2, "Billing", at)];
        // Look-alikes: another creation time, none at all, another id or name.
        assert_eq!(refused(&one, &[created(1, "Crm", later)], &[]), None);
        assert_eq!(
            refused(&[created(1, "Crm", None)], &[created(1, "Crm", None)], &[]),
            None
        );
        assert_eq!(
            refused(&one, &[created(3, "Crm", at)], &[created(1, "Audit", at)]),
            None
        );
        // The pair is named in file order, with the first webhook (by id) they share.
        let message = refused(&[], &[created(2, "Billing", at)], &one).unwrap();
        assert!(
            message.starts_with("portals `b` (https://p.example.com) and `c` (https://p.example.com) are one portal: both list webhook #2 \"Billing\""),
            "{message}"
        );
        let message = refused(&one, &[], &one).unwrap();
        assert!(
            message.contains("`a` (") && message.contains("#1 \"Crm\""),
            "{message}"
        );
    }
}
