//! A `portals:` file: the selected portals are planned concurrently, `--portal-parallelism`
//! at a time, each on its own. A portal that cannot be planned (unreachable, its key refused
//! or its key's variable unset) fails alone, in its own section; the others still plan, and
//! the run exits 1. Each portal has its own client, key and stop switch (a child of the run's,
//! so a signal stops every portal and a throttle stop only the portal that was throttled).

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use futures::StreamExt;

use super::{Output, Planned, plan_against, saved_file, signals};
use crate::api::{ApiError, PortalUrl};
use crate::cli::{PlanArgs, PlanInput};
use crate::config::{Config, Fleet};
use crate::halt::Halt;
use crate::plan::{FleetPlan, PortalPlan, Selection, guard, saved};
use crate::settings::Settings;
use crate::{Error, render};

/// One selected portal of a `portals:` file, and how planning it went.
pub(super) struct PortalRun<'a> {
    pub name: String,
    /// As `PortalUrl::as_str` shows it.
    pub url: String,
    pub api_key_env: String,
    /// The portal's desired state; `None` for a saved plan, which has only the variables.
    pub config: Option<&'a Config>,
    /// Shared, so a failure can be both shown in the portal's section and drawn whole.
    pub outcome: Result<Planned, Arc<Error>>,
}

/// `plan` of a `portals:` file.
pub(super) fn plan(
    args: &PlanArgs,
    settings: &Settings,
    out: &mut Output,
    fleet: &Fleet,
) -> Result<ExitCode, Error> {
    let runtime = super::runtime()?;
    let runs = plan_portals(fleet, &args.input, settings, &runtime)?;
    tell_failures(&runs);
    let plans = fleet_plan(&runs);
    // Only a plan every portal could make, and none refused, is saved: applying part of a
    // fleet's plan as if it were the whole would surprise its reviewer.
    let saved = match &args.out {
        Some(path) if plans.failed() == 0 => {
            let parts: Vec<saved::PortalToSave<'_>> = runs
                .iter()
                .filter_map(|r| {
                    let planned = r.outcome.as_ref().ok()?;
                    Some((
                        r.name.as_str(),
                        r.api_key_env.as_str(),
                        &planned.plan,
                        planned.max_deletes.map(guard::MaxDeletes::value),
                    ))
                })
                .collect();
            let text = saved::fleet_to_json(&parts)?;
            Some((path, saved_file::save(path, &text)?))
        }
        Some(path) => {
            let _ = writeln!(
                anstream::stderr(),
                "The plan was not saved to {}: a portal failed, and only a plan of every \
                 selected portal is saved.",
                path.display()
            );
            None
        }
        None => None,
    };
    let _ = write!(
        out,
        "{}",
        render::render_fleet(&plans, args.format, settings.color.stdout)
    );
    let _ = out.flush();
    if plans.failed() > 0 {
        return Err(Error::PortalsFailed {
            failed: plans.failed(),
            total: plans.portals.len(),
            wrote: false,
        });
    }
    if let Some((path, digest)) = saved {
        saved_file::tell_saved(path, &digest);
    }
    Ok(super::plan_exit_code(args, plans.has_changes()))
}

/// Plans every portal `--portal` selects (all by default), `--portal-parallelism` at a time;
/// in file order. Errors only when nothing should be contacted at all: an unknown portal name
/// or `--target` key.
pub(super) fn plan_portals<'a>(
    fleet: &'a Fleet,
    input: &PlanInput,
    settings: &Settings,
    runtime: &tokio::runtime::Runtime,
) -> Result<Vec<PortalRun<'a>>, Error> {
    let portals = selected(&fleet.portals, |p| p.name.as_str(), settings.portal_names())?;
    let configs: Vec<&Config> = portals.iter().map(|p| &p.config).collect();
    let selections = Selection::of_each(&configs, &input.planning.targets)
        .map_err(|unknown| target_elsewhere(fleet, unknown))?;
    let planning = &input.planning;
    let runs = futures::stream::iter(portals.into_iter().zip(selections))
        .map(|(portal, selection)| async move {
            let written = portal.url();
            let (url, outcome) =
                match open_url(settings, written, &portal.api_key_var, &portal.name) {
                    Ok(client) => {
                        let url = client.portal().as_str().to_string();
                        (
                            url,
                            plan_against(&portal.config, client, &selection, planning)
                                .await
                                .map_err(Arc::new),
                        )
                    }
                    Err(e) => (written.to_string(), Err(Arc::new(e))),
                };
            PortalRun {
                name: portal.name.clone(),
                url,
                api_key_env: portal.api_key_var.clone(),
                config: Some(&portal.config),
                outcome,
            }
        })
        .buffered(usize::from(input.portal_parallelism));
    Ok(runtime.block_on(runs.collect::<Vec<_>>()))
}

/// A `--target` key none of the selected portals has: when a portal `--portal` left out has
/// it, say so, rather than that the file lacks it.
fn target_elsewhere(fleet: &Fleet, unknown: crate::plan::UnknownTarget) -> Error {
    for key in &unknown.unknown {
        let owners: Vec<String> = fleet
            .portals
            .iter()
            .filter(|p| Selection::of_each(&[&p.config], std::slice::from_ref(&key.key)).is_ok())
            .map(|p| format!("`{}`", p.name))
            .collect();
        if !owners.is_empty() {
            return Error::TargetNotSelected {
                key: format!("{:?}", render::plain(&key.key)),
                portals: owners,
            };
        }
    }
    unknown.into()
}

/// A client for one portal of a `portals:` file, at `url`: the key its variable holds, and a
/// stop switch of its own under the run's.
pub(super) fn open_url(
    settings: &Settings,
    url: &str,
    api_key_env: &str,
    name: &str,
) -> Result<crate::api::Client, Error> {
    let url = PortalUrl::parse(url)?;
    let key = settings.portal_key(api_key_env)?;
    super::client(
        settings,
        &url,
        key,
        Halt::child(&signals::halt(), &render::plain(name)),
        Some(name),
    )
}

/// The portals `names` (`--portal`) selects from `portals`, named by `name`, in their order;
/// all when `names` is empty. A name none of them has is an error listing the defined ones.
pub(super) fn selected<T>(
    portals: impl IntoIterator<Item = T>,
    name: impl Fn(&T) -> &str,
    names: &[String],
) -> Result<Vec<T>, Error> {
    let portals: Vec<T> = portals.into_iter().collect();
    let defined: Vec<String> = portals.iter().map(|p| name(p).to_string()).collect();
    let unknown: Vec<String> = names
        .iter()
        .filter(|n| !defined.contains(n))
        .map(|n| format!("{:?}", render::plain(n)))
        .collect();
    if !unknown.is_empty() {
        return Err(Error::UnknownPortal { unknown, defined });
    }
    Ok(portals
        .into_iter()
        .filter(|p| names.is_empty() || names.iter().any(|n| n == name(p)))
        .collect())
}

/// What each portal's section shows.
pub(super) fn fleet_plan(runs: &[PortalRun<'_>]) -> FleetPlan {
    let portals = runs
        .iter()
        .map(|run| {
            let (plan, error) = match &run.outcome {
                Ok(planned) => (
                    Some(planned.plan.clone()),
                    planned.guard.as_ref().err().map(|e| one_line(e)),
                ),
                Err(e) => (None, Some(failure_line(&portal_error(e, &run.api_key_env)))),
            };
            PortalPlan {
                name: run.name.clone(),
                portal: run.url.clone(),
                plan,
                error,
            }
        })
        .collect();
    FleetPlan { portals }
}

/// Each failed portal's whole diagnostic on stderr (its section has one line): the file
/// problems a portal's live list revealed point at their lines here.
pub(super) fn tell_failures(runs: &[PortalRun<'_>]) {
    for run in runs {
        if let Err(e) = &run.outcome {
            let _ = writeln!(
                anstream::stderr(),
                "Portal {} failed:\n{:?}",
                render::plain(&run.name),
                miette::Report::new(portal_error(e, &run.api_key_env))
            );
        }
    }
}

/// An error, its causes and its help on one line, for a portal's section.
pub(super) fn one_line(e: &dyn miette::Diagnostic) -> String {
    one_line_with(e, &[])
}

/// `one_line`, with `details` after the causes and before the help.
fn one_line_with(e: &dyn miette::Diagnostic, details: &[String]) -> String {
    let mut text = super::report::chain(e);
    if !details.is_empty() {
        text = format!("{text}: {}", details.join("; "));
    }
    if let Some(help) = e.help() {
        text = format!("{text} ({help})");
    }
    text.replace('\n', " ")
}

/// A portal's failure on one line. The file's problems this portal's live list revealed are
/// each named with its place, as `validate --format json` places them: a pull-request
/// comment shows only this line, and must say what to fix and where.
fn failure_line(error: &Shared) -> String {
    let problems: Vec<String> = match error.error.as_ref() {
        Error::Config(config) => config
            .reported()
            .iter()
            .map(|problem| match problem.start {
                Some((line, column)) => {
                    format!("{} (line {line}, column {column})", problem.message)
                }
                None => problem.message.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    one_line_with(error, &problems)
}

/// One portal's error as its section and stderr show it: the error itself, except that a
/// refused or unusable key points at the portal's own variable, not at DOCSPACE_API_KEY.
fn portal_error(error: &Arc<Error>, api_key_env: &str) -> Shared {
    let key_help = matches!(
        error.as_ref(),
        Error::Api(ApiError::Unauthorized { .. } | ApiError::ApiKey { .. })
    )
    .then(|| {
        format!(
            "the portal's `apiKey` reads its key from {api_key_env}: set it to a valid API key \
             (`sk-...`) of a DocSpace admin of this portal, without quotes or line breaks; the \
             key may have expired or been revoked"
        )
    });
    Shared {
        error: Arc::clone(error),
        help: key_help,
    }
}

/// A shared error, drawn as the diagnostic it is, with `help` in place of its own when set.
#[derive(Debug)]
struct Shared {
    error: Arc<Error>,
    help: Option<String>,
}

impl std::fmt::Display for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Shared {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl miette::Diagnostic for Shared {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.error.code()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        match &self.help {
            Some(help) => Some(Box::new(help)),
            None => self.error.help(),
        }
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.error.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.error.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        self.error.related()
    }
}
