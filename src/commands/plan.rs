//! `plan`: one GET of the live list, a diff, a rendering. Never writes to the portal.
//!
//! With `--out` the saved plan is written before the plan is printed, so a reader that stops
//! reading (`| head -1`) cannot keep it from being saved; the exit code is the plan's either
//! way.

use std::io::Write;
use std::process::ExitCode;

use super::{Output, saved_file};
use crate::cli::PlanArgs;
use crate::config::{Config, ConfigError, Document};
use crate::plan::{guard, saved};
use crate::render::{Format, ProblemFormat};
use crate::settings::Settings;
use crate::{Error, render};

pub(super) fn run(
    args: &PlanArgs,
    settings: &Settings,
    out: &mut Output,
) -> Result<ExitCode, Error> {
    let document = match super::load_config(&args.input.file.file) {
        Ok(document) => document,
        Err(Error::Config(e)) => return Err(file_problems(args, out, e)),
        Err(e) => return Err(e),
    };
    document.register_secrets(&|name| settings.var(name));
    match &document {
        Document::One(config) => plan_one(args, settings, out, config),
        Document::Portals(fleet) => super::fleet::plan(args, settings, out, fleet),
    }
}

fn plan_one(
    args: &PlanArgs,
    settings: &Settings,
    out: &mut Output,
    config: &Config,
) -> Result<ExitCode, Error> {
    let planned = match super::plan_one(config, &args.input, settings, &super::runtime()?) {
        Ok(planned) => planned,
        Err(Error::Config(e)) => return Err(file_problems(args, out, e)),
        Err(e) => return Err(e),
    };
    let plan = &planned.plan;
    // A plan the guard refuses is shown, then refused, and never saved.
    let saved = match (&args.out, &planned.guard) {
        (Some(path), Ok(())) => {
            let text = saved::to_json(plan, planned.max_deletes.map(guard::MaxDeletes::value))?;
            Some((path, saved_file::save(path, &text)?))
        }
        _ => None,
    };
    let _ = write!(
        out,
        "{}",
        render::render(plan, args.format, settings.color.stdout)
    );
    let _ = out.flush();
    planned.guard?;
    if let Some((path, digest)) = saved {
        saved_file::tell_saved(path, &digest);
    }
    Ok(super::plan_exit_code(args, plan.has_changes()))
}

/// Problems in the file stopped the plan: stdout gets them in the `--problems` form instead of
/// a plan (JSON by default with `--format json`, so stdout stays a JSON document); the
/// diagnostics go to stderr as in every form.
pub(super) fn file_problems(args: &PlanArgs, out: &mut Output, error: ConfigError) -> Error {
    let format = args.problems.unwrap_or(match args.format {
        Format::Json => ProblemFormat::Json,
        Format::Text | Format::Markdown => ProblemFormat::Text,
    });
    let name = args.input.file.file.display().to_string();
    let report = render::render_problems(format, &name, &error.reported());
    let _ = write!(out, "{report}");
    let _ = out.flush();
    error.into()
}
