//! `redeliver` (docs/redelivery.md): read every portal (its webhooks, then its log newest first
//! down to the window's start), show the failed deliveries, ask, resend them oldest first.
//!
//! Invariants: nothing is sent before every portal was read and the list shown and approved;
//! only listed deliveries are sent, each once; a row the portal still has queued is never
//! listed, since resending it would deliver the event twice.

use std::io::Write;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::ValueEnum;

use super::confirm::{Asking, approve};
use super::portals;
use super::{Exit, Output, Session, prefix};
use crate::Error;
use crate::api::{
    ApiError, Client, Delivery, LOG_PAGE, LiveWebhook, LogQuery, LogRead, StatusClass,
    UNREADABLE_DATE,
};
use crate::cli::{RedeliverArgs, WebhookKey};
use crate::config::Config;
use crate::halt::StopReason;
use crate::redact::{plain, quoted};
use crate::render::style::{self, paint};
use crate::run::{Part, Run};

/// The portal's limit on each retry path (docs/docspace-api.md §17): more bulk requests than
/// this wait for the 15-minute window.
const RETRY_REQUESTS_PER_WINDOW: usize = 5;

/// One webhook's failed deliveries in the window, oldest first.
struct Group {
    id: i32,
    name: String,
    rows: Vec<Delivery>,
}

struct Found {
    client: Client,
    /// The portal's webhooks, to tell one portal listed twice under two host names.
    live: Vec<LiveWebhook>,
    /// Webhooks whose deliveries are resent, in the portal's list order.
    groups: Vec<Group>,
    /// Disabled webhooks' failures, left out without `--include-disabled`.
    disabled: Vec<Group>,
    /// Rows the portal still has queued.
    queued: usize,
    /// Rows the log answered that the query did not ask for, or under a second webhook or under
    /// none the list has.
    outside: usize,
}

impl Found {
    fn ids(&self) -> Vec<i32> {
        self.groups
            .iter()
            .flat_map(|g| g.rows.iter().map(|r| r.id))
            .collect()
    }

    /// The bulk requests that resend them.
    fn requests(&self) -> usize {
        self.ids().len().div_ceil(LOG_PAGE as usize)
    }
}

pub(super) fn run(args: &RedeliverArgs, session: &Session, out: &mut Output) -> Exit {
    let document = session.load(&args.file.file, None)?;
    let wanted = portals::wanted(&document, &session.settings)?;
    let since = crate::settings::now()
        .checked_sub(args.since)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let runs = portals::each(
        session,
        wanted,
        args.portal_parallelism,
        |client, wanted, _| find(client, wanted.config, args, since),
    )?;
    // Each entry would resend the other's failures too: every one twice.
    portals::one_portal_twice(&runs, |found| &found.live)?;
    let run = portals::into_run(runs);

    for (i, part) in run.portals.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out);
        }
        show(out, part, args);
    }
    let total: usize = run.results().map(|f| f.ids().len()).sum();
    if total == 0 {
        let _ = writeln!(
            out,
            "\nNothing to resend in the last {}.",
            crate::duration::show(args.since)
        );
        return finish(run.failed(), run.portals.len(), 0, 0);
    }
    let _ = writeln!(out, "\n{}", paint(style::BOLD, summary(&run, total)));
    let _ = writeln!(
        out,
        "Each is sent as a new delivery: its receiver sees a new event id, signed with the \
         webhook's current secret and sent to its current uri."
    );
    approve(out, Asking::Redeliver, args.auto_approve)?;
    resend(session, &run, total, out)
}

/// Resends the `total` listed deliveries, each portal's in its bulk requests, and tells what
/// became of them.
fn resend(session: &Session, run: &Run<Found>, total: usize, out: &mut Output) -> Exit {
    // A signal from now on lets a request in flight finish and be reported.
    super::signals::writes_start("run status to see their new deliveries");

    let (mut not_resent, mut unsure, mut signal) = (0, 0, None);
    for part in &run.portals {
        let Some(found) = part.result.as_ref().filter(|f| !f.groups.is_empty()) else {
            continue;
        };
        let ids = found.ids();
        let done = session.runtime.block_on(found.client.redeliver(&ids));
        let pre = prefix(part.name.as_deref());
        let new: Vec<i32> = done.rows.iter().map(|r| r.id).collect();
        if !new.is_empty() {
            out.record(&format!(
                "{pre}{} resent {} of {}: new deliveries {}",
                paint(style::OK, "ok"),
                done.resent(),
                ids.len(),
                id_runs(&new)
            ));
        }
        if done.extra > 0 {
            out.record(&format!(
                "{pre}{} {} of these new deliveries are more than the portal was asked for (its \
                 answer held more new rows than ids sent): it may send some events twice",
                paint(style::WARN, "warning"),
                done.extra
            ));
        }
        if done.skipped() > 0 {
            out.record(&format!(
                "{pre}{} {} of {} were skipped by the portal without a word: their log rows are \
                 gone (the webhook was deleted) or not this key's to resend",
                paint(style::FAILED, "failed"),
                done.skipped(),
                ids.len()
            ));
        }
        let unanswered = done.asked - done.answered;
        if let Some(error) = &done.error {
            let landed = may_have_landed(error);
            out.record(&format!(
                "{pre}{} {unanswered} of {} {}: {}",
                paint(style::FAILED, "failed"),
                ids.len(),
                if landed {
                    "may have been resent, the portal's answer was not read"
                } else {
                    "were not sent"
                },
                super::report::chain(error)
            ));
            if landed {
                unsure += unanswered;
            } else {
                not_resent += unanswered;
            }
        }
        not_resent += done.skipped();
        match found.client.halt().reason() {
            Some(StopReason::Signal { exit_code, .. }) => signal = Some(*exit_code),
            // A write refused after the stop says only the portal's 429: as apply, the stop
            // says what --max-wait had to do with it.
            Some(StopReason::Throttled { message }) => {
                out.record(&format!("{pre}Stopped ({message})."))
            }
            None => {}
        }
    }
    if let Some(code) = signal {
        return Ok(ExitCode::from(code));
    }
    if unsure > 0 {
        return Err(Error::RedeliverUnsure { unsure, total });
    }
    finish(run.failed(), run.portals.len(), not_resent, total)
}

/// Whether a retry request that failed may still have been carried out: only a failure before
/// the portal handled it (no connection, a stop before sending, a 429, a refused key, a 4xx)
/// says it was not. A timeout, a 5xx, a redirect or an answer that cannot be read may follow a
/// retry the portal queued (docs/docspace-api.md §21), and resending then sends the events twice.
fn may_have_landed(error: &ApiError) -> bool {
    match error {
        ApiError::NotRetried { last, .. } => may_have_landed(last),
        // An answer, but not the portal's (a proxy's page, a redirect): what was behind it is
        // unknown.
        ApiError::NotDocSpace { .. } | ApiError::Redirect { .. } => true,
        ApiError::PortalUrl { .. }
        | ApiError::ApiKey { .. }
        | ApiError::ClientSetup { .. }
        | ApiError::Dns { .. }
        | ApiError::Connect { .. }
        | ApiError::Tls { .. }
        | ApiError::NotSent { .. } => false,
        // A 4xx (a refused key, 429 included) refused the request.
        _ => !error
            .status()
            .is_some_and(|status| (400..500).contains(&status)),
    }
}

/// One portal's webhooks, and the selected ones' failures in the window.
async fn find(
    client: Client,
    config: &Config,
    args: &RedeliverArgs,
    since: SystemTime,
) -> Result<Found, Error> {
    // Before the log is read, the secret uris are registered: what a receiver answered is
    // scrubbed as it is decoded.
    let live = portals::listed(&client, config).await?;
    let chosen = chosen(&live, &args.webhooks)?;
    // Every failure class by default.
    let classes = match args.statuses.as_slice() {
        [] => StatusClass::value_variants(),
        chosen => chosen,
    };
    let query = classes
        .iter()
        .fold(LogQuery::new(), |query, class| query.status(*class));
    // One read of the whole log, whose rows name their webhook only by name: unless a few
    // webhooks are named (then theirs alone), or two share a name (the portal allows it,
    // docs/docspace-api.md §15), which would put one row under both.
    let mut names = std::collections::HashSet::new();
    let unique = chosen.iter().all(|w| names.insert(w.name.as_str()));
    let all = if args.webhooks.is_empty() && unique {
        Some(failures_since(&client, &query, since).await?)
    } else {
        None
    };
    let mut found = Found {
        client,
        live: Vec::new(),
        groups: Vec::new(),
        disabled: Vec::new(),
        queued: 0,
        // A row under no listed webhook's name (one renamed or deleted since the list) too.
        outside: all.as_ref().map_or(0, |all| {
            let named = |r: &&Delivery| r.config_name.as_deref().is_some_and(|n| names.contains(n));
            all.outside + all.rows.iter().filter(|r| !named(r)).count()
        }),
    };
    // A portal that ignores `configId` answers one row under each webhook of its name.
    let mut listed = std::collections::HashSet::new();
    for w in chosen {
        let mut of: Vec<Delivery> = match &all {
            Some(all) => (all.rows.iter())
                .filter(|r| r.config_name.as_deref() == Some(w.name.as_str()))
                .cloned()
                .collect(),
            None => {
                let query = query.clone().webhook(w.id, &w.name);
                let read = failures_since(&found.client, &query, since).await?;
                found.outside += read.outside;
                read.rows
            }
        };
        let read = of.len();
        of.retain(|r| listed.insert(r.id));
        found.outside += read - of.len();
        let before = of.len();
        let now = crate::settings::now();
        of.retain(|r| !queued(r, now));
        found.queued += before - of.len();
        if of.is_empty() {
            continue;
        }
        // Resent in the order they happened, so a receiver sees them in that order too.
        of.reverse();
        let group = Group {
            id: w.id,
            name: w.name.clone(),
            rows: of,
        };
        if w.enabled || args.include_disabled {
            found.groups.push(group);
        } else {
            found.disabled.push(group);
        }
    }
    found.live = live;
    Ok(found)
}

/// The query's failures logged since `since`. One whose date cannot be read is in the window when
/// the row logged before it is dated in it, whatever that row's status (docs/redelivery.md): when
/// the read of failures alone leaves such a row out, the window is read again with every status
/// (a broken portal's rare case; the pages a window of successes takes).
async fn failures_since(
    client: &Client,
    query: &LogQuery,
    since: SystemTime,
) -> Result<LogRead, ApiError> {
    let read = client.log_since(query, since).await?;
    if read.undated.is_empty() {
        return Ok(read);
    }
    let mut every = client.log_since(&query.clone().any_status(), since).await?;
    every.rows.retain(|row| query.admits(row));
    Ok(every)
}

/// A row the portal will send by itself: one it has queued (`Delivery::is_queued`), or, on a
/// server that retries by itself, a failure whose `nextAttemptOn` is still to come
/// (docs/docspace-api.md §21). Resending either would deliver the event twice.
fn queued(row: &Delivery, now: SystemTime) -> bool {
    let retry_pending = (row.next_attempt_on.as_deref())
        .and_then(crate::api::portal_time)
        .is_some_and(|at| at > now);
    row.is_queued() || retry_pending
}

/// The live webhooks `--webhook` names, in list order (all without it). A key no webhook has
/// is an error before any log is read.
fn chosen<'a>(live: &'a [LiveWebhook], keys: &[WebhookKey]) -> Result<Vec<&'a LiveWebhook>, Error> {
    let matches = |w: &LiveWebhook, key: &WebhookKey| match key {
        WebhookKey::Name(name) => &w.name == name,
        WebhookKey::Id(id) => w.id == *id,
    };
    let unknown: Vec<String> = keys
        .iter()
        .filter(|key| !live.iter().any(|w| matches(w, key)))
        .map(|key| match key {
            WebhookKey::Name(name) => quoted(name),
            WebhookKey::Id(id) => format!("id:{id}"),
        })
        .collect();
    if !unknown.is_empty() {
        return Err(Error::UnknownWebhook {
            unknown: unknown.join(", "),
        });
    }
    Ok(live
        .iter()
        .filter(|w| keys.is_empty() || keys.iter().any(|key| matches(w, key)))
        .collect())
}

/// One portal's part of the list: a heading, then per webhook its deliveries, oldest first.
fn show(out: &mut Output, part: &Part<Found>, args: &RedeliverArgs) {
    let heading = crate::render::portal_heading(part.name.as_deref(), &part.portal);
    let _ = writeln!(out, "{}", paint(style::BOLD, heading));
    if let Some(error) = &part.error {
        let _ = writeln!(out, "{}", paint(style::FAILED, format!("Error: {error}")));
        return;
    }
    let Some(found) = &part.result else { return };
    // `#id` padded to one width for the portal, two spaces past the longest (7 digits and more
    // ran into the date), so the dates line up.
    let longest = (found.groups.iter().flat_map(|g| &g.rows))
        .map(|row| format!("#{}", row.id).len())
        .max();
    let width = longest.map_or(0, |n| n + 2).max(8);
    // Dates are padded to the portal's longest too: one written without an offset, or
    // `(unreadable date)`, is shorter than the rest and would shift the status under it.
    let date = |row: &Delivery| match row.created_at() {
        Some(_) => plain(&shown_time(&row.creation_time)),
        None => UNREADABLE_DATE.to_owned(),
    };
    let dates = (found.groups.iter().flat_map(|g| &g.rows)).map(|row| date(row).chars().count());
    let date_width = dates.max().unwrap_or(0);
    for group in &found.groups {
        let n = group.rows.len();
        let _ = writeln!(
            out,
            "\n  #{} {}: {n} failed deliver{} to resend",
            group.id,
            quoted(&group.name),
            if n == 1 { "y" } else { "ies" }
        );
        for row in &group.rows {
            let _ = writeln!(
                out,
                "      log {:<width$}{:<date_width$}  {:<6}  {}",
                format!("#{}", row.id),
                date(row),
                status(row),
                row.trigger.names().join(", ")
            );
        }
    }
    for group in &found.disabled {
        let n = group.rows.len();
        let line = format!(
            "! #{} {} is disabled: its {n} failed deliver{} left out (--include-disabled resends \
             {})",
            group.id,
            quoted(&group.name),
            if n == 1 { "y is" } else { "ies are" },
            if n == 1 { "it" } else { "them" }
        );
        let _ = writeln!(out, "\n  {}", paint(style::WARN, line));
    }
    if found.queued > 0 {
        let _ = writeln!(
            out,
            "\n  {} deliver{} still queued by the portal (not sent yet) left out.",
            found.queued,
            if found.queued == 1 { "y" } else { "ies" }
        );
    }
    if found.outside > 0 {
        let line = format!(
            "! The portal's log answered {} deliver{} the query did not ask for (another \
             webhook's, a success, or a status not chosen: it ignored a filter); left out.",
            found.outside,
            if found.outside == 1 { "y" } else { "ies" }
        );
        let _ = writeln!(out, "\n  {}", paint(style::WARN, line));
    }
    if let Some(note) = rate_note(found.requests(), args.portal.network.max_wait) {
        let _ = writeln!(out, "\n  {}", paint(style::WARN, note));
    }
    if found.groups.is_empty() && part.name.is_some() {
        let _ = writeln!(out, "\n  Nothing to resend.");
    }
}

/// Past 5 bulk requests the rest wait (`RETRY_REQUESTS_PER_WINDOW`): said before asking.
fn rate_note(requests: usize, max_wait: u64) -> Option<String> {
    (requests > RETRY_REQUESTS_PER_WINDOW).then(|| {
        format!(
            "! {requests} requests of up to 100: the portal takes {RETRY_REQUESTS_PER_WINDOW} a \
             15-minute window, so the rest wait for the next (--max-wait is {max_wait} s; each \
             wait may be up to 900 s)"
        )
    })
}

/// `Redeliver: 3 failed deliveries of 2 webhooks, in 1 request.`, and the portals' count.
fn summary(run: &Run<Found>, total: usize) -> String {
    let found: Vec<&Found> = run.results().collect();
    let webhooks: usize = found.iter().map(|f| f.groups.len()).sum();
    let requests: usize = found.iter().map(|f| f.requests()).sum();
    let portals = found.iter().filter(|f| !f.groups.is_empty()).count();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    let on = if run.portals.iter().any(|p| p.name.is_some()) {
        format!(" on {portals} portal{}", s(portals))
    } else {
        String::new()
    };
    format!(
        "Redeliver: {total} failed deliver{} of {webhooks} webhook{}{on}, in {requests} \
         request{}.",
        if total == 1 { "y" } else { "ies" },
        s(webhooks),
        s(requests),
    )
}

/// `#10, #11, #12` as `#10 to #12` (a bulk redelivery's new rows usually are one run).
fn id_runs(ids: &[i32]) -> String {
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for &id in ids {
        match runs.last_mut() {
            Some((_, last)) if last.checked_add(1) == Some(id) => *last = id,
            _ => runs.push((id, id)),
        }
    }
    runs.iter()
        .map(|&(first, last)| match last - first {
            0 => format!("#{first}"),
            1 => format!("#{first}, #{last}"),
            _ => format!("#{first} to #{last}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `500`, or `unsent` for status 0 (no answer: DNS, refused connection, TLS).
fn status(row: &Delivery) -> String {
    match row.status {
        0 => "unsent".into(),
        status => status.to_string(),
    }
}

/// The portal's time without its fraction of a second: `2026-11-30T12:00:00+00:00`.
fn shown_time(text: &str) -> String {
    match text.split_once('.') {
        Some((whole, rest)) => {
            let offset = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{whole}{offset}")
        }
        None => text.to_string(),
    }
}

/// Exit 0 when everything found was resent and every portal read; 1 otherwise.
fn finish(failed_to_read: usize, portals: usize, not_resent: usize, total: usize) -> Exit {
    if not_resent > 0 {
        return Err(Error::RedeliverFailed {
            failed: not_resent,
            total,
        });
    }
    if failed_to_read > 0 {
        return Err(Error::PortalsNotRead {
            failed: failed_to_read,
            total: portals,
        });
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_five_requests_are_announced() {
        assert_eq!(rate_note(5, 300), None);
        assert_eq!(
            rate_note(6, 300).as_deref(),
            Some(
                "! 6 requests of up to 100: the portal takes 5 a 15-minute window, so the rest \
                 wait for the next (--max-wait is 300 s; each wait may be up to 900 s)"
            )
        );
    }

    /// Every kind of failure of a retry request, with the answer that says whether the portal
    /// may have queued it (f37078c turned a list of variants into a rule by status; this pins
    /// what the list said, variant by variant, 4xx and 5xx alike).
    #[test]
    fn whether_a_failed_retry_may_have_landed_for_every_kind_of_failure() {
        use crate::api::Endpoint;
        let endpoint = || Endpoint {
            method: reqwest::Method::PUT,
            path: "/api/2.0/settings/webhook/retry".into(),
        };
        let text = || "x".to_string();
        let rejected = |status| ApiError::Rejected {
            endpoint: endpoint(),
            status,
            message: text(),
            help: None,
        };
        let http = |status| ApiError::HttpStatus {
            endpoint: endpoint(),
            status,
            excerpt: text(),
        };
        let not_docspace = |status| ApiError::NotDocSpace {
            endpoint: endpoint(),
            status,
            excerpt: text(),
        };
        let timeout = || ApiError::Timeout {
            endpoint: endpoint(),
            portal: text(),
            kind: crate::api::TimeoutKind::Request,
            after: std::time::Duration::from_secs(1),
        };
        let connect = || ApiError::Connect {
            portal: text(),
            detail: text(),
        };
        let not_retried = |last| ApiError::NotRetried {
            reason: text(),
            last: Box::new(last),
        };
        let cases = [
            (
                ApiError::PortalUrl {
                    input: text(),
                    reason: text(),
                },
                false,
            ),
            (
                ApiError::ApiKey {
                    reason: "r",
                    portal_key: None,
                },
                false,
            ),
            (ApiError::ClientSetup { detail: text() }, false),
            (
                ApiError::Dns {
                    portal: text(),
                    detail: text(),
                },
                false,
            ),
            (connect(), false),
            (
                ApiError::Tls {
                    portal: text(),
                    detail: text(),
                },
                false,
            ),
            (
                ApiError::Redirect {
                    endpoint: endpoint(),
                    status: 302,
                    location: text(),
                },
                true,
            ),
            (
                ApiError::Unauthorized {
                    endpoint: endpoint(),
                    portal_key: None,
                },
                false,
            ),
            (
                ApiError::Forbidden {
                    endpoint: endpoint(),
                    message: text(),
                },
                false,
            ),
            (
                ApiError::ForbiddenScope {
                    endpoint: endpoint(),
                },
                false,
            ),
            (
                ApiError::RateLimited {
                    endpoint: endpoint(),
                    retry_after: None,
                },
                false,
            ),
            (
                ApiError::NotSent {
                    endpoint: endpoint(),
                    reason: text(),
                },
                false,
            ),
            (rejected(400), false),
            (rejected(499), false),
            (rejected(500), true),
            (http(404), false),
            (http(503), true),
            (http(302), true),
            (timeout(), true),
            (
                ApiError::Transport {
                    endpoint: endpoint(),
                    portal: text(),
                    detail: text(),
                },
                true,
            ),
            (
                ApiError::TooLarge {
                    endpoint: endpoint(),
                    portal: text(),
                    status: 200,
                    mib: 1,
                },
                true,
            ),
            (not_docspace(200), true),
            (not_docspace(404), true),
            (
                ApiError::UnexpectedJson {
                    endpoint: endpoint(),
                    at: text(),
                    expected: "e",
                    detail: text(),
                },
                true,
            ),
            (
                ApiError::RepeatedId {
                    endpoint: endpoint(),
                    id: 1,
                    times: 2,
                },
                true,
            ),
            (not_retried(timeout()), true),
            (not_retried(connect()), false),
            (not_retried(http(404)), false),
        ];
        for (error, landed) in cases {
            assert_eq!(may_have_landed(&error), landed, "{error:?}");
        }
    }

    #[test]
    fn consecutive_ids_are_shown_as_runs() {
        assert_eq!(id_runs(&[10, 11, 12, 13]), "#10 to #13");
        assert_eq!(id_runs(&[3, 4, 7, 9, 10, 11]), "#3, #4, #7, #9 to #11");
        assert_eq!(id_runs(&[5]), "#5");
    }

    #[test]
    fn times_lose_only_their_fraction() {
        assert_eq!(
            shown_time("2026-11-30T12:00:00.0000000+00:00"),
            "2026-11-30T12:00:00+00:00"
        );
        assert_eq!(shown_time("2026-11-30T12:00:00Z"), "2026-11-30T12:00:00Z");
        assert_eq!(shown_time("2026-11-30T12:00:00.5Z"), "2026-11-30T12:00:00Z");
    }
}
