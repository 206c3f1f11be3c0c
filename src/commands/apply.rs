//! `apply`: plan every portal of the run (for a saved plan, list each again and check it for
//! staleness), show the plans, confirm, then write only what the plans show.
//!
//! Everything that can stop the run (a bad file, a stale saved plan of any portal, a plan any
//! portal's deletion guard refuses, a secret that cannot be read, no confirmation) is checked
//! before the first write anywhere, so a refusal always means nothing was written.

use std::cell::RefCell;
use std::io::Write;
use std::process::ExitCode;
use std::slice;

use super::confirm::{Asking, approve};
use super::portals::{self, Planned, PortalRun, fleet_plan, tell_failures};
use super::progress::Progress;
use super::{Exit, Output, Session, prefix, saved_file};
use crate::api::ApiError;
use crate::apply::{self, Done, Failure};
use crate::cli::ApplyArgs;
use crate::halt::StopReason;
use crate::plan::saved::{self, SavedPlanError};
use crate::plan::{Action, Change, Plan};
use crate::render::style::{self, paint};
use crate::{Error, render};

pub(super) fn run(args: &ApplyArgs, session: &Session, out: &mut Output) -> Exit {
    let saved = (args.saved_plan.as_deref())
        .map(|path| saved_file::load(path, args.expect_digest.as_deref(), &args.input.file.file))
        .transpose()?;
    // A saved plan too is applied with the reviewed file: every URL and variable is its. A
    // plan made for some portals needs only their uri variables.
    let in_plan = (saved.as_ref()).map_or_else(Vec::new, |l| saved::portal_names(&l.text));
    let document = session.load(&args.input.file.file, Some(&in_plan))?;
    let parts;
    let mut runs = match saved {
        Some(loaded) => {
            parts = saved::read(&loaded.text, &loaded.shown, &document)?;
            session.printer.note(format_args!(
                "Read the saved plan {} (SHA-256 {}).",
                loaded.shown, loaded.digest
            ));
            let parallelism = args.input.portal_parallelism;
            portals::check_saved(session, &parts, &document, parallelism)?
        }
        None => portals::plan_fresh(session, &document, &args.input)?,
    };
    tell_failures(&runs, out.printer());
    // A saved plan that went stale for any portal is applied to none.
    refuse(
        &runs,
        |r| {
            matches!(
                r.failure(),
                Some(Error::SavedPlan(SavedPlanError::Stale { .. }))
            )
        },
        "the saved plan is stale for",
        "those portals changed after the plan was made (see above); run `plan --out` again and \
         review it",
    )?;
    let plans = fleet_plan(&runs);
    let _ = write!(
        out,
        "{}",
        render::render(&plans, render::Format::Text, session.settings.color.stdout)
    );
    portals::unnamed_refusal(&mut runs)?;
    refuse(
        &runs,
        |r| r.outcome.as_ref().is_ok_and(|p| p.guard.is_err()),
        "the deletion guard refused the plan of",
        match args.saved_plan {
            // Neither --max-deletes nor an edited file can change a saved plan.
            Some(_) => {
                "each refused portal's section says why; review the deletes, then make the plan \
                 again with a limit that allows them"
            }
            None => {
                "each refused portal's section says why; review the deletes, then raise the limit \
                 with --max-deletes or the portal's prune.maxDeletes"
            }
        },
    )?;
    // Every secret of every portal is read before the first write anywhere; each error points
    // at its `secretKey` in the file, a saved plan's too (its variables come from the file).
    let mut ready = Vec::new();
    for run in &runs {
        if let Ok(planned) = &run.outcome
            && planned.plan.has_changes()
        {
            let plan = &planned.plan;
            let secrets = apply::resolve_secrets(plan, run.wanted.config, &crate::settings::env)?;
            ready.push((run.wanted.name, planned, secrets));
        }
    }
    let failed_to_plan = plans.failed();
    if ready.is_empty() {
        return portals::finish(failed_to_plan, runs.len(), false);
    }
    // Applying a saved plan is its approval.
    let given = args.auto_approve || args.saved_plan.is_some();
    approve(out, Asking::Apply, given)?;
    super::signals::writes_start(super::signals::PLAN_CHECK);
    let total = ready.iter().map(|(_, p, _)| p.plan.changes.len()).sum();
    let progress = Progress::new(total, out.printer());
    let shared = RefCell::new((out, progress));
    let parallelism = usize::from(args.parallelism);
    let reports = ready.iter().map(|(name, planned, secrets)| {
        let shared = &shared;
        async move {
            let prefix = prefix(*name);
            apply::apply(
                &planned.client,
                &planned.plan,
                secrets,
                parallelism,
                |change, result, took| {
                    let (out, progress) = &mut *shared.borrow_mut();
                    let line = format!("{prefix}{}", result_line(change, result));
                    progress.result(out, result.is_err(), took, &line);
                },
            )
            .await
        }
    });
    let reports: Vec<apply::Report> = session
        .runtime
        .block_on(super::in_file_order(reports, args.input.portal_parallelism));
    let (out, progress) = shared.into_inner();
    progress.finish();
    for ((name, planned, _), report) in ready.iter().zip(&reports) {
        if let Some(reason) = planned.client.halt().reason() {
            let text = not_started(&planned.plan, report, reason);
            out.record(&format!("\n{}{text}", prefix(*name)));
        }
    }
    summarize(&ready, &reports, runs.len(), failed_to_plan, out)
}

/// Refuses the whole run when `refused` holds for any portal, naming them after `reason`.
fn refuse(
    runs: &[PortalRun<'_>],
    refused: impl Fn(&PortalRun<'_>) -> bool,
    reason: &str,
    help: &str,
) -> Result<(), Error> {
    let names: Vec<String> = runs
        .iter()
        .filter(|r| refused(r))
        .map(|r| crate::redact::plain(r.wanted.name.unwrap_or_default()))
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    Err(Error::PortalsRefused {
        reason: format!("{reason} {}", names.join(", ")),
        help: help.to_string(),
    })
}

/// How the writes ended, and the exit: the unnamed portal's summary line, or one closing line
/// per named portal and the total.
fn summarize(
    ready: &[(Option<&str>, &Planned, apply::Secrets)],
    reports: &[apply::Report],
    portals: usize,
    failed_to_plan: usize,
    out: &mut Output,
) -> Exit {
    let named = !matches!(ready, [(None, ..)]);
    let (mut failed, mut signal) = (failed_to_plan, None);
    if named {
        out.record("");
    }
    for ((name, planned, _), report) in ready.iter().zip(reports) {
        // `Apply complete: 3 done, 1 failed, 2 of 6 not started.`
        let of = format!(" of {}", planned.plan.changes.len());
        let summary = format!("Apply complete: {}.", counts(slice::from_ref(report), &of));
        if named {
            out.record(&format!("{}{summary}", prefix(*name)));
        } else {
            out.record(&format!("\n{}", paint(style::BOLD, summary)));
        }
        match planned.client.halt().reason() {
            Some(StopReason::Signal { exit_code, .. }) => signal = Some(*exit_code),
            Some(StopReason::Throttled { message }) if !named => {
                return Err(Error::Stopped {
                    reason: message.clone(),
                });
            }
            None if !named && report.failed() > 0 => {
                return Err(Error::ApplyFailed {
                    failed: report.failed(),
                    total: report.results.len(),
                });
            }
            Some(StopReason::Throttled { .. }) => failed += 1,
            None if report.failed() > 0 => failed += 1,
            None => {}
        }
    }
    if named {
        let total = crate::run::total_line(&counts(reports, ""), portals, failed);
        out.record(&format!("\n{}", paint(style::BOLD, total)));
    }
    if let Some(code) = signal {
        return Ok(ExitCode::from(code));
    }
    portals::finish(failed, portals, true)
}

/// `5 done, 1 failed`, then those interrupted and not started if any (`2{of} not started`).
fn counts(reports: &[apply::Report], of: &str) -> String {
    let sum = |f: &dyn Fn(&apply::Report) -> usize| reports.iter().map(f).sum::<usize>();
    let mut line = format!(
        "{} done, {} failed",
        sum(&apply::Report::done),
        sum(&apply::Report::failed)
    );
    let interrupted = sum(&apply::Report::interrupted);
    if interrupted > 0 {
        line.push_str(&format!(", {interrupted} interrupted"));
    }
    let not_started = sum(&|r| r.not_started.len());
    if not_started > 0 {
        line.push_str(&format!(", {not_started}{of} not started"));
    }
    line
}

/// The changes a stopped run never started, so the operator knows exactly what is left.
fn not_started(plan: &Plan, report: &apply::Report, reason: &StopReason) -> String {
    let mut text = format!("Stopped ({reason}); not started:");
    if report.not_started.is_empty() {
        text.push_str(" nothing (every change had already started).");
    }
    for &i in &report.not_started {
        text.push_str(&format!(
            "\n  {} {}",
            paint(style::FAILED, "not started"),
            apply::describe(&plan.changes[i])
        ));
    }
    text
}

fn result_line(change: &Change, result: &Result<Done, Failure>) -> String {
    let verb = format!("{}d", apply::infinitive(change.action()));
    match result {
        Ok(done) => {
            let note = if done.corrected {
                " (enabled/ssl set by a follow-up call: the portal ignores them on create)"
            } else {
                ""
            };
            format!(
                "{} {verb} #{} {}{note}",
                paint(style::OK, "ok"),
                // The id written to and the name sent (or the live one deleted), as the plan
                // showed them: the answer is the portal's text, which an echo may fill. A
                // create's id is only in its answer.
                change.id().unwrap_or(done.webhook.id),
                crate::redact::quoted(change.name())
            )
        }
        Err(e) => {
            let id = change.id().map(|id| format!(" #{id}")).unwrap_or_default();
            // Cut short by a signal (or another stop), not refused by the portal.
            let label = if e.interrupted() {
                "interrupted"
            } else {
                "failed"
            };
            let outcome = match e {
                Failure::Correction { id, .. } => {
                    format!("was created as #{id}, but not completed")
                }
                // Read, and not this create's: what became of the POST is unknown all the same.
                Failure::AnsweredOther { .. } => format!("may have been {verb}"),
                e if e.may_have_landed() => {
                    format!("may have been {verb}, the portal's answer was not read")
                }
                _ => format!("was not {verb}"),
            };
            format!(
                "{} {}{id} {outcome}: {}{}",
                paint(style::FAILED, label),
                crate::redact::quoted(change.name()),
                super::report::chain(e),
                log_blocks_delete(change, e).unwrap_or_default()
            )
        }
    }
}

/// Why a delete failed with the portal's 500 of a failed save while its webhook has deliveries,
/// which that message does not say: on PostgreSQL the log's rows keep the webhook from being
/// deleted (docs/docspace-api.md §12). `None` for any other failure (a proxy's 500 page among
/// them).
fn log_blocks_delete(change: &Change, e: &Failure) -> Option<String> {
    let deliveries = change.deliveries.filter(|n| *n > 0)?;
    let save_failed = matches!(
        e,
        Failure::Api(ApiError::Rejected { status: 500, message, .. })
            if message.contains("An error occurred while saving the entity changes")
    );
    (change.action() == Action::Delete && save_failed).then(|| {
        format!(
            "\n      it still has {deliveries} deliver{} in its log: a portal on PostgreSQL refuses to \
             delete a webhook while its log has rows, and the API cannot delete them. Keep it \
             disabled instead (enabled: false in the file), or have the portal's administrator \
             remove its log rows from the database, then delete it again",
            if deliveries == 1 { "y" } else { "ies" }
        )
    })
}
