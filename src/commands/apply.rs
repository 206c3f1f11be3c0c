//! `apply`: plan, show, confirm, then write only what the plan shows.
//!
//! Everything that can stop the run (a bad file, a missing secret, no confirmation) is checked
//! before the first write, so a refusal always means nothing was written.

use std::io::Write;
use std::process::ExitCode;

use super::progress::Progress;
use super::writes::{confirm, not_started, result_line, secrets_of, summary_line};
use super::{Output, saved_file};
use crate::api::Client;
use crate::apply::{self, StopReason};
use crate::cli::ApplyArgs;
use crate::config::{Config, Document};
use crate::plan::saved::{self, SavedDocument};
use crate::plan::{Plan, guard};
use crate::render::style::{self, paint};
use crate::settings::Settings;
use crate::{Error, render};

pub(super) fn run(
    args: &ApplyArgs,
    settings: &Settings,
    out: &mut Output,
) -> Result<ExitCode, Error> {
    let runtime = super::runtime()?;
    if let Some(path) = &args.saved_plan {
        let (document, digest) = saved_file::load(path, args.expect_digest.as_deref())?;
        let _ = writeln!(
            anstream::stderr(),
            "Read the saved plan {} (SHA-256 {digest}).",
            path.display()
        );
        return match document {
            SavedDocument::One(saved) => apply_saved(saved, args, settings, out, &runtime),
            SavedDocument::Portals(portals) => {
                super::fleet_apply::saved(portals, args, settings, out, &runtime)
            }
        };
    }
    let document = super::load_config(&args.input.file.file)?;
    document.register_secrets(&|name| settings.var(name));
    let config = match &document {
        Document::One(config) => config,
        Document::Portals(fleet) => {
            return super::fleet_apply::fresh(fleet, args, settings, out, &runtime);
        }
    };
    let planned = super::plan_one(config, &args.input, settings, &runtime)?;
    let _ = write!(
        out,
        "{}",
        render::render_text(&planned.plan, settings.color.stdout)
    );
    planned.guard?;
    apply_one(
        &planned.plan,
        &planned.client,
        Some(config),
        args,
        settings,
        out,
        &runtime,
    )
}

/// `apply PLAN_FILE` of one portal: the portal listed again, the plan refused if it went
/// stale or the guard refuses it now.
fn apply_saved(
    saved: saved::Saved,
    args: &ApplyArgs,
    settings: &Settings,
    out: &mut Output,
    runtime: &tokio::runtime::Runtime,
) -> Result<ExitCode, Error> {
    let saved::Saved { plan, max_deletes } = saved;
    let portal = settings.one_portal(Some((plan.portal.as_str(), "the saved plan")))?;
    let key = settings.api_key()?;
    let client = super::client(settings, &portal, key, super::signals::halt(), None)?;
    let live = runtime.block_on(client.list())?;
    saved::check_fresh(&plan, portal.as_str(), &live)?;
    guard::check(&plan, live.len(), max_deletes.map(guard::MaxDeletes::Saved))?;
    let _ = write!(out, "{}", render::render_text(&plan, settings.color.stdout));
    apply_one(&plan, &client, None, args, settings, out, runtime)
}

/// Resolves the secrets, asks (a fresh plan only: applying a saved plan is its approval), and
/// writes the plan of one portal.
fn apply_one(
    plan: &Plan,
    client: &Client,
    config: Option<&Config>,
    args: &ApplyArgs,
    settings: &Settings,
    out: &mut Output,
    runtime: &tokio::runtime::Runtime,
) -> Result<ExitCode, Error> {
    if !plan.has_changes() {
        return Ok(ExitCode::SUCCESS);
    }
    // With a file, each error points at its `secretKey`; a saved plan has only the variables.
    let secrets = secrets_of(plan, config, settings)?;
    if !args.auto_approve && args.saved_plan.is_none() {
        confirm(out)?;
    }

    let _ = writeln!(out);
    let halt = client.halt().clone();
    super::signals::writes_start();
    let mut progress = Progress::new(plan.changes.len());
    // A closed stdout stops neither the writes nor their report: `record` moves it to stderr.
    let report = runtime.block_on(apply::apply(
        client,
        plan,
        &secrets,
        usize::from(args.parallelism),
        &halt,
        |change, result, took| {
            progress.result(out, result.is_err(), took, &result_line(change, result));
        },
    ));
    progress.finish();
    if let Some(reason) = halt.reason() {
        out.record(&format!("\n{}", not_started(plan, &report, reason)));
    }
    out.record(&format!(
        "\n{}",
        paint(style::BOLD, summary_line(&report, plan))
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
