//! What `apply` says around its writes: asking, and the lines that report each write and how
//! a run ended.

use std::io::{BufRead, IsTerminal, Write};

use super::Output;
use crate::Error;
use crate::apply::{self, Done, Failure, StopReason};
use crate::plan::{Change, Plan};
use crate::render::style::{self, paint};

pub(super) fn summary_line(report: &apply::Report, plan: &Plan) -> String {
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
pub(super) fn not_started(plan: &Plan, report: &apply::Report, reason: &StopReason) -> String {
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
pub(super) fn confirm(out: &mut Output) -> Result<(), Error> {
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

pub(super) fn result_line(change: &Change, result: &Result<Done, Failure>) -> String {
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
                super::report::chain(e)
            )
        }
    }
}
