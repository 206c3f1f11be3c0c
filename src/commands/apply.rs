//! `apply`: plan, show, confirm, then write only what the plan shows.
//!
//! Everything that can stop the run (a bad file, a missing secret, no confirmation) is checked
//! before the first write, so a refusal always means nothing was written.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use super::progress::Progress;
use super::{Output, saved_file};
use crate::apply::{self, Done, Failure, StopReason};
use crate::cli::ApplyArgs;
use crate::plan::{Change, Plan, guard, saved};
use crate::render::style::{self, paint};
use crate::settings::Settings;
use crate::{Error, render};

pub(super) fn run(
    args: &ApplyArgs,
    settings: &Settings,
    out: &mut Output,
) -> Result<ExitCode, Error> {
    let runtime = super::runtime()?;
    let (plan, client, config) = match &args.saved_plan {
        Some(path) => {
            let (saved, digest) = saved_file::load(path, args.expect_digest.as_deref())?;
            let saved::Saved { plan, max_deletes } = saved;
            let _ = writeln!(
                anstream::stderr(),
                "Read the saved plan {} (SHA-256 {digest}).",
                path.display()
            );
            let from_plan = Some((plan.portal.as_str(), "the saved plan"));
            let portal = settings.portal(from_plan)?;
            let client = super::client(settings, &portal)?;
            let live = runtime.block_on(client.list())?;
            saved::check_fresh(&plan, portal.as_str(), &live)?;
            guard::check(&plan, live.len(), max_deletes.map(guard::MaxDeletes::Saved))?;
            (plan, client, None)
        }
        None => {
            let planned = super::plan_file(&args.input, settings, &runtime)?;
            let _ = write!(
                out,
                "{}",
                render::render_text(&planned.plan, settings.color.stdout)
            );
            planned.guard?;
            (planned.plan, planned.client, Some(planned.config))
        }
    };
    if args.saved_plan.is_some() {
        let _ = write!(out, "{}", render::render_text(&plan, settings.color.stdout));
    }
    if !plan.has_changes() {
        return Ok(ExitCode::SUCCESS);
    }

    // With a file, each error points at its `secretKey`; a saved plan has only the variables.
    let secrets =
        apply::resolve_secrets(&plan, &|name| settings.var(name)).map_err(|e| match &config {
            Some(config) => e.in_file(&plan, config),
            None => e,
        })?;
    // A saved plan was reviewed when it was made; applying it is the approval.
    if !args.auto_approve && args.saved_plan.is_none() {
        confirm(out)?;
    }

    let _ = writeln!(out);
    let halt = client.halt().clone();
    super::signals::writes_start();
    let mut progress = Progress::new(plan.changes.len());
    // A closed stdout stops neither the writes nor their report: `record` moves it to stderr.
    let report = runtime.block_on(apply::apply(
        &client,
        &plan,
        &secrets,
        usize::from(args.parallelism),
        &halt,
        |change, result, took| {
            progress.result(out, result.is_err(), took, &result_line(change, result));
        },
    ));
    progress.finish();
    if let Some(reason) = halt.reason() {
        out.record(&format!("\n{}", not_started(&plan, &report, reason)));
    }
    out.record(&format!(
        "\n{}",
        paint(style::BOLD, summary_line(&report, &plan))
    ));
    match halt.reason() {
        Some(StopReason::Signal { exit_code, .. }) => return Ok(ExitCode::from(*exit_code)),
        Some(StopReason::Throttled { message }) => {
            return Err(Error::Stopped {
                reason: message.clone(),
                not_started: report.not_started.len(),
            });
        }
        None => {}
    }
    if report.failed() > 0 {
        return Err(Error::ApplyFailed {
            failed: report.failed(),
            total: report.results.len(),
        });
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_line(report: &apply::Report, plan: &Plan) -> String {
    let mut line = format!(
        "Apply complete: {} done, {} failed",
        report.done(),
        report.failed()
    );
    if report.interrupted() > 0 {
        line.push_str(&format!(", {} interrupted", report.interrupted()));
    }
    if !report.not_started.is_empty() {
        line.push_str(&format!(
            ", {} of {} not started",
            report.not_started.len(),
            plan.changes.len()
        ));
    }
    line.push('.');
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

/// Asks for `yes` on the terminal, as Terraform does; anything else cancels.
fn confirm(out: &mut Output) -> Result<(), Error> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Error::NoTerminal);
    }
    let _ = write!(
        out,
        "\nDo you want to apply these changes? Only 'yes' will be accepted: "
    );
    let _ = out.flush();
    // Nobody can approve a plan they were not shown.
    if out.lost().is_some() {
        return Err(Error::PlanNotShown);
    }
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).map_err(Error::Prompt)?;
    if answer.trim() == "yes" {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}

fn result_line(change: &Change, result: &Result<Done, Failure>) -> String {
    let verb = format!("{}d", apply::infinitive(change.action));
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
                done.webhook.id,
                crate::render::quoted(&done.webhook.name)
            )
        }
        Err(e) => {
            let id = change.id.map(|id| format!(" #{id}")).unwrap_or_default();
            // Cut short by a signal (or another stop), not refused by the portal.
            let label = if e.interrupted() {
                "interrupted"
            } else {
                "failed"
            };
            format!(
                "{} {}{id} was not {verb}: {}",
                paint(style::FAILED, label),
                crate::render::quoted(&change.name),
                error_chain(e)
            )
        }
    }
}

/// An error and its causes on one line, for a result that must fit beside its webhook.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}
