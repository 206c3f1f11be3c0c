//! `plan`: one GET of each portal's live list, a diff, a rendering. Never writes to a portal.
//!
//! With `--out` the saved plan is written before the plan is printed, so a reader that stops
//! reading (`| head -1`) cannot keep it from being saved. Which plans are saved when a portal
//! failed (issue 22): docs/portals.md, "Saved plans".

use std::io::Write;
use std::process::ExitCode;

use super::portals::{self, PortalRun};
use super::{Exit, Output, Session, saved_file};
use crate::cli::PlanArgs;
use crate::plan::{guard, saved};
use crate::render::{Format, ProblemFormat};
use crate::{Error, render};

pub(super) fn run(args: &PlanArgs, session: &Session, out: &mut Output) -> Exit {
    let (printer, settings) = (session.printer, &session.settings);
    let document = (session.load(&args.input.file.file, Some(&[])))
        .map_err(|e| file_problems(args, out, e))?;
    // Once the file's keys are known, which a path may hold (`redact::shown_path`).
    if let Some(path) = &args.out {
        saved_file::refuse_unsavable(path)?;
    }
    let mut runs = portals::plan_fresh(session, &document, &args.input)
        .map_err(|e| file_problems(args, out, e))?;
    portals::tell_failures(&runs, printer);
    let plans = portals::fleet_plan(&runs);
    let failed: Vec<String> = (runs.iter())
        .filter(|r| r.outcome.is_err())
        .map(|r| crate::redact::plain(r.wanted.name.unwrap_or_default()))
        .collect();
    let saved = match (&args.out, unsaved(&runs, failed.len(), args.all_or_nothing)) {
        (Some(path), None) => {
            // Each planned portal's key fingerprints its uris read from variables (`saved`);
            // it was planned with it.
            let keys = (runs.iter())
                .map(|r| match &r.outcome {
                    Ok(_) => settings.key(r.wanted.api_key_env).map(Some),
                    Err(_) => Ok(None),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let parts: Vec<saved::PortalToSave<'_>> = (runs.iter().zip(&plans.portals).zip(&keys))
                .map(|((r, shown), key)| saved::PortalToSave {
                    name: r.wanted.name,
                    plan: match (&r.outcome, key) {
                        (Ok(planned), Some(key)) => Ok((&planned.plan, key, &planned.live)),
                        _ => Err(shown.error.as_deref().unwrap_or_default()),
                    },
                    max_deletes: (r.outcome.as_ref().ok())
                        .and_then(|p| p.max_deletes.map(guard::MaxDeletes::value)),
                })
                .collect();
            let text = saved::to_json(&parts, &document)?;
            // Saved before the plan is shown: a signal while stdout blocks ends the run there,
            // naming the saved file. Told before the rename, as a signal may come right after.
            let digest = saved::digest(text.as_bytes());
            super::signals::saving(path, "saved plan", &digest);
            saved_file::save(path, &text)?;
            Some((path, digest))
        }
        // The unnamed portal's refusal is told as the run's error.
        (Some(path), Some(reason)) if runs.iter().any(|r| r.wanted.name.is_some()) => {
            printer.note(format_args!(
                "The plan was not saved to {}: {reason}.",
                crate::redact::shown_path(path)
            ));
            None
        }
        _ => None,
    };
    let _ = write!(
        out,
        "{}",
        render::render(&plans, args.format, settings.color.stdout)
    );
    let _ = out.flush();
    // A plan the guard refuses is shown, then refused, and never saved.
    portals::unnamed_refusal(&mut runs)?;
    // On stderr: stdout stays one clean document in every format.
    if let Some((path, digest)) = saved {
        let left_out = match failed.as_slice() {
            [] => String::new(),
            names => format!(
                "\nIt has no plan for {0}, which failed: applying it writes to the other portals, \
                 then exits 1 naming {0}.",
                names.join(", ")
            ),
        };
        printer.note(format_args!(
            "Saved this plan to {} (SHA-256 {digest}).{left_out}\nApply exactly it with: {}",
            crate::redact::shown_path(path),
            saved_file::apply_command(path, &digest, &args.input.file.file)
        ));
    }
    portals::finish(plans.failed(), plans.portals.len(), false)?;
    // 2 for changes under `--detailed-exitcode`, else 0: errors never get here.
    if args.detailed_exitcode && plans.has_changes() {
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Why the plan of `runs`, of which `failed` failed, must not be saved; `None` if it may be.
fn unsaved(runs: &[PortalRun<'_>], failed: usize, all_or_nothing: bool) -> Option<&'static str> {
    if runs
        .iter()
        .any(|r| r.outcome.as_ref().is_ok_and(|p| p.guard.is_err()))
    {
        Some("the deletion guard refused a portal's plan, and `apply` would refuse the whole run")
    } else if failed == runs.len() {
        Some("no portal could be planned")
    } else if failed > 0 && all_or_nothing {
        Some("a portal failed, and --all-or-nothing saves only a plan of every selected portal")
    } else {
        None
    }
}

/// Problems in the file stopped the plan: stdout gets them in the `--problems` form instead of
/// a plan (JSON by default with `--format json`, so stdout stays a JSON document).
fn file_problems(args: &PlanArgs, out: &mut Output, error: Error) -> Error {
    let Error::Config(error) = error else {
        return error;
    };
    let format = args.problems.unwrap_or(match args.format {
        Format::Json => ProblemFormat::Json,
        Format::Text | Format::Markdown => ProblemFormat::Text,
    });
    let name = crate::redact::path(&args.input.file.file);
    let report = render::render_problems(format, &name, None, &error.reported());
    let _ = write!(out, "{report}");
    let _ = out.flush();
    error.into()
}
