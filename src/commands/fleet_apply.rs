//! `apply` of a `portals:` file or of the saved plan of one: every selected portal is planned
//! (or, for a saved plan, listed and checked for staleness), the plans are shown, and then each
//! portal's writes run concurrently, `--portal-parallelism` portals at a time, each with its
//! own `--parallelism`.
//!
//! What stops the whole run before any write anywhere: a stale saved plan of any portal, a plan
//! any portal's deletion guard refuses, a secret that cannot be read, no confirmation. What
//! fails one portal alone: it cannot be reached, refuses its key, its key's variable is unset,
//! a write fails, or its rate limit asks for a wait longer than `--max-wait`.

use std::cell::RefCell;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use futures::StreamExt;

use super::fleet::{PortalRun, fleet_plan, open_url, plan_portals, selected, tell_failures};
use super::progress::Progress;
use super::writes::{confirm, not_started, result_line, secrets_of, summary_line};
use super::{Output, Planned};
use crate::apply::{self, StopReason};
use crate::cli::ApplyArgs;
use crate::config::Fleet;
use crate::plan::guard;
use crate::plan::saved::{self, SavedPlanError, SavedPortal};
use crate::render::style::{self, paint};
use crate::settings::Settings;
use crate::{Error, render};

/// `apply -f FILE` of a `portals:` file.
pub(super) fn fresh(
    fleet: &Fleet,
    args: &ApplyArgs,
    settings: &Settings,
    out: &mut Output,
    runtime: &tokio::runtime::Runtime,
) -> Result<ExitCode, Error> {
    let runs = plan_portals(fleet, &args.input, settings, runtime)?;
    write_all(runs, args, settings, out, runtime)
}

/// `apply PLAN_FILE` of a saved plan of a `portals:` file: each selected portal is listed
/// again first, and if the plan of any went stale nothing is written anywhere.
pub(super) fn saved(
    portals: Vec<SavedPortal>,
    args: &ApplyArgs,
    settings: &Settings,
    out: &mut Output,
    runtime: &tokio::runtime::Runtime,
) -> Result<ExitCode, Error> {
    let selected = selected(portals, |p| p.name.as_str(), settings.portal_names())?;
    let runs = futures::stream::iter(selected)
        .map(|part| async move {
            let SavedPortal {
                name,
                api_key_env,
                saved,
            } = part;
            let url = saved.plan.portal.clone();
            let outcome = check_saved(saved, &name, &api_key_env, settings)
                .await
                .map_err(Arc::new);
            PortalRun {
                name,
                url,
                api_key_env,
                config: None,
                outcome,
            }
        })
        .buffered(usize::from(args.input.portal_parallelism));
    let runs: Vec<PortalRun<'_>> = runtime.block_on(runs.collect());
    let stale: Vec<&str> = runs
        .iter()
        .filter(|r| {
            matches!(
                r.outcome.as_ref().map_err(AsRef::as_ref),
                Err(Error::SavedPlan(SavedPlanError::Stale { .. }))
            )
        })
        .map(|r| r.name.as_str())
        .collect();
    if !stale.is_empty() {
        tell_failures(&runs);
        return Err(Error::PortalsRefused {
            reason: format!(
                "the saved plan is stale for {}",
                stale
                    .iter()
                    .map(|n| render::plain(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help: "those portals changed after the plan was made (see above); run `plan --out` \
                   again and review it"
                .to_string(),
        });
    }
    write_all(runs, args, settings, out, runtime)
}

/// One portal of a saved plan: its client, and its plan checked against the live list.
async fn check_saved(
    saved: saved::Saved,
    name: &str,
    api_key_env: &str,
    settings: &Settings,
) -> Result<Planned, Error> {
    let saved::Saved { plan, max_deletes } = saved;
    let client = open_url(settings, &plan.portal, api_key_env, name)?;
    let live = client.list().await?;
    saved::check_fresh(&plan, client.portal().as_str(), &live)?;
    let max_deletes = max_deletes.map(guard::MaxDeletes::Saved);
    Ok(Planned::guarded(plan, client, live.len(), max_deletes))
}

/// Shows every portal's plan, refuses the whole run when a guard or a secret says so, asks,
/// then writes every portal that could be planned.
fn write_all(
    runs: Vec<PortalRun<'_>>,
    args: &ApplyArgs,
    settings: &Settings,
    out: &mut Output,
    runtime: &tokio::runtime::Runtime,
) -> Result<ExitCode, Error> {
    tell_failures(&runs);
    let plans = fleet_plan(&runs);
    let _ = write!(
        out,
        "{}",
        render::render_fleet(&plans, render::Format::Text, settings.color.stdout)
    );
    let refused: Vec<String> = runs
        .iter()
        .filter(|r| r.outcome.as_ref().is_ok_and(|p| p.guard.is_err()))
        .map(|r| render::plain(&r.name))
        .collect();
    if !refused.is_empty() {
        return Err(Error::PortalsRefused {
            reason: format!(
                "the deletion guard refused the plan of {}",
                refused.join(", ")
            ),
            help: "each refused portal's section says why; review the deletes, then raise the \
                   limit with --max-deletes or the portal's prune.maxDeletes"
                .to_string(),
        });
    }
    // Every secret of every portal is read before the first write anywhere.
    let mut ready = Vec::new();
    for run in &runs {
        if let Ok(planned) = &run.outcome
            && planned.plan.has_changes()
        {
            let secrets = secrets_of(&planned.plan, run.config, settings)?;
            ready.push((run.name.as_str(), planned, secrets));
        }
    }
    let failed_to_plan = plans.failed();
    if ready.is_empty() {
        return finish(failed_to_plan, runs.len(), false);
    }
    if !args.auto_approve && args.saved_plan.is_none() {
        confirm(out)?;
    }

    let _ = writeln!(out);
    super::signals::writes_start();
    let total = ready.iter().map(|(_, p, _)| p.plan.changes.len()).sum();
    let shared = RefCell::new((out, Progress::new(total)));
    let parallelism = usize::from(args.parallelism);
    let reports = futures::stream::iter(&ready)
        .map(|(name, planned, secrets)| {
            let shared = &shared;
            async move {
                let prefix = format!("[{}] ", render::plain(name));
                apply::apply(
                    &planned.client,
                    &planned.plan,
                    secrets,
                    parallelism,
                    planned.client.halt(),
                    |change, result, took| {
                        let (out, progress) = &mut *shared.borrow_mut();
                        let line = format!("{prefix}{}", result_line(change, result));
                        progress.result(out, result.is_err(), took, &line);
                    },
                )
                .await
            }
        })
        .buffered(usize::from(args.input.portal_parallelism));
    let reports: Vec<apply::Report> = runtime.block_on(reports.collect());
    let (out, progress) = shared.into_inner();
    progress.finish();

    let mut failed = failed_to_plan;
    let mut signal = None;
    // What was not started, portal by portal, then one closing line per portal.
    for ((name, planned, _), report) in ready.iter().zip(&reports) {
        if let Some(reason) = planned.client.halt().reason() {
            let text = not_started(&planned.plan, report, reason);
            out.record(&format!("\n[{}] {text}", render::plain(name)));
        }
    }
    out.record("");
    for ((name, planned, _), report) in ready.iter().zip(&reports) {
        let halt = planned.client.halt();
        out.record(&format!(
            "[{}] {}",
            render::plain(name),
            summary_line(report, &planned.plan)
        ));
        match halt.reason() {
            Some(StopReason::Signal { exit_code, .. }) => signal = Some(*exit_code),
            Some(StopReason::Throttled { .. }) => failed += 1,
            None if report.failed() > 0 => failed += 1,
            None => {}
        }
    }
    out.record(&format!(
        "\n{}",
        paint(style::BOLD, total_line(&reports, runs.len(), failed))
    ));
    if let Some(code) = signal {
        return Ok(ExitCode::from(code));
    }
    finish(failed, runs.len(), true)
}

fn finish(failed: usize, total: usize, wrote: bool) -> Result<ExitCode, Error> {
    if failed > 0 {
        return Err(Error::PortalsFailed {
            failed,
            total,
            wrote,
        });
    }
    Ok(ExitCode::SUCCESS)
}

/// `Total: 5 done, 1 failed, 0 not started, on 3 portals (1 failed).`
fn total_line(reports: &[apply::Report], portals: usize, failed: usize) -> String {
    let sum = |f: &dyn Fn(&apply::Report) -> usize| reports.iter().map(f).sum::<usize>();
    let mut line = format!(
        "Total: {} done, {} failed",
        sum(&apply::Report::done),
        sum(&apply::Report::failed)
    );
    let interrupted = sum(&apply::Report::interrupted);
    if interrupted > 0 {
        line.push_str(&format!(", {interrupted} interrupted"));
    }
    let not_started = sum(&|r| r.not_started.len());
    if not_started > 0 {
        line.push_str(&format!(", {not_started} not started"));
    }
    line.push_str(&format!(
        ", on {portals} portal{}",
        if portals == 1 { "" } else { "s" }
    ));
    if failed > 0 {
        line.push_str(&format!(" ({failed} failed)"));
    }
    line.push('.');
    line
}
