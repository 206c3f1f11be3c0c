//! `status`: each selected portal's webhooks, their health from the list and the delivery log
//! over a window, and the file's secrets checked against the signatures the log recorded
//! (docs/delivery-health.md). Reads only; portals run as `plan` runs them (`portals`).

use std::io::Write;
use std::process::ExitCode;
use std::time::SystemTime;

use super::{Exit, Output, Printer, Session, portals, verified};
use crate::api::{Client, LogQuery};
use crate::cli::StatusArgs;
use crate::config::{Config, SecretRef};
use crate::health::{self, Report, WebhookHealth};
use crate::{Error, render};

pub(super) fn run(args: &StatusArgs, session: &Session, out: &mut Output) -> Exit {
    let document = session.load(&args.file.file, None)?;
    let now = crate::settings::now();
    let start = now
        .checked_sub(args.since)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let wanted = portals::wanted(&document, &session.settings)?;
    let runs = portals::each(
        session,
        wanted,
        args.portal_parallelism,
        |client, wanted, _| async move {
            let printer = session.printer;
            portal_health(&client, wanted.config, wanted.name, printer, now, start).await
        },
    )?;
    portals::tell_failures(&runs, session.printer);
    let report = Report {
        window: crate::duration::show(args.since),
        since: crate::calendar::utc(start),
        until: crate::calendar::utc(now),
        run: portals::into_run(runs),
    };
    let _ = write!(out, "{}", render::render_health(&report, args.format));
    let _ = out.flush();
    let failed = report.run.failed();
    if failed > 0 {
        return Err(Error::PortalsUnread {
            failed,
            total: report.run.portals.len(),
        });
    }
    if args.detailed_exitcode && report.unhealthy() {
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Every webhook of the portal, by id: the list, then each one's log.
async fn portal_health(
    client: &Client,
    config: &Config,
    portal: Option<&str>,
    printer: Printer,
    now: SystemTime,
    start: SystemTime,
) -> Result<Vec<WebhookHealth>, Error> {
    // Before the log is read, the secret uris are registered: what a receiver answered is
    // scrubbed as it is decoded.
    let mut live = portals::listed(client, config).await?;
    live.sort_by_key(|w| w.id);
    let managing = crate::plan::managing_entries(config, &live)?;
    let jobs = live.iter().zip(&managing).map(|(w, entry)| async move {
        let query = LogQuery::new().webhook(w.id, &w.name);
        let entry = entry.map(|i| &config.webhooks[i]);
        // Without a value to verify against (its variable unset, say), no evidence is sought.
        let secret = entry.and_then(|e| e.secret.as_ref());
        let checked = secret.is_some_and(|s| verified::file_secret(s).is_ok());
        // A read past a whole window that fails (a portal that pages wrong) costs the secret's
        // evidence, not the window: read the window alone again, and say why the evidence is
        // missing, not only that none was seen.
        let mut past_error = None;
        let (read, evidence) =
            match verified::log_and_evidence(client, &query, start, checked).await {
                Err(error) if checked => {
                    past_error = Some(error);
                    verified::log_and_evidence(client, &query, start, false).await?
                }
                read => read?,
            };
        let resolve = |secret: &SecretRef| match (&past_error, &evidence.0) {
            (Some(error), None) => Err(format!(
                "no delivery of the window was sent with a signature, and the log past it could \
                 not be read: {error}"
            )),
            _ => verified::file_secret(secret),
        };
        let evidence = (evidence.0.as_ref(), evidence.1);
        let report = health::assess(w, entry, &read, evidence, now, resolve);
        Ok::<_, Error>(report)
    });
    let reports: Result<Vec<WebhookHealth>, Error> =
        super::in_file_order(jobs, verified::LOG_READS).await;
    let reports = reports?;
    // Said once every log is read, in the list's order: as each read ended, the order changed
    // from run to run.
    for w in reports.iter().filter(|w| w.other_webhooks_deliveries > 0) {
        let outside = w.other_webhooks_deliveries;
        printer.note(format_args!(
            "{}#{} {}: the portal's log answered {outside} deliver{} of another webhook (it \
             ignored `configId`): not counted",
            super::prefix(portal),
            w.id,
            crate::redact::quoted(&w.name),
            if outside == 1 { "y" } else { "ies" }
        ));
    }
    Ok(reports)
}
