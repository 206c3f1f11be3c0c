//! A run is a list of portals (docs/portals.md), each worked on with its own client, key and
//! stop switch (a child of the run's: a signal stops every portal, a throttle only its own),
//! `--portal-parallelism` at a time, the results in file order. A named portal fails alone, in
//! its own section; the unnamed portal has none, so its failure is the run's error.

use std::process::ExitCode;

use super::{Exit, Printer, Session, same_portal};
use crate::Error;
use crate::api::{ApiError, Client, LiveWebhook, LogQuery, PortalUrl};
use crate::cli::PlanInput;
use crate::config::{Config, Document, Portal};
use crate::plan::saved::{self, SavedPortal};
use crate::plan::{Action, Plan, PlanOptions, Selection, TargetError, guard};
use crate::run::{Part, Run};
use crate::settings::Settings;
use futures::{StreamExt, TryStreamExt};

/// A plan of one portal (fresh, or read from a saved plan), and the client it was made with.
pub(super) struct Planned {
    pub plan: Plan,
    pub client: Client,
    /// Refusal by the deletion guard, kept apart so `plan` can still show what it refused.
    pub guard: Result<(), guard::TooManyDeletes>,
    /// The explicit deletion limit the guard checked, recorded in a saved plan.
    pub max_deletes: Option<guard::MaxDeletes>,
    /// The listed webhooks, to tell one portal listed twice under two host names.
    pub live: Vec<LiveWebhook>,
}

impl Planned {
    /// `plan`, with the deletion guard checked against the `live` webhooks it was made from.
    fn guarded(
        plan: Plan,
        client: Client,
        live: Vec<LiveWebhook>,
        max_deletes: Option<guard::MaxDeletes>,
    ) -> Planned {
        let guard = guard::check(&plan, live.len(), max_deletes);
        Planned {
            plan,
            client,
            guard,
            max_deletes,
            live,
        }
    }
}

/// One portal of a run, and how working on it went.
pub(super) struct PortalRun<'a, T = Planned> {
    pub wanted: Wanted<'a>,
    /// As `PortalUrl::as_str` shows it.
    pub url: String,
    /// A report, so a failure can be both drawn whole and shown in the portal's section; always
    /// a report of an `Error` (`each` makes it), read back by `failure`. Always `Ok` for the
    /// unnamed portal, whose failure is the run's.
    pub outcome: Result<T, miette::Report>,
}

impl<T> PortalRun<'_, T> {
    /// What stopped this portal, as the `Error` it was.
    pub(super) fn failure(&self) -> Option<&Error> {
        self.outcome.as_ref().err().and_then(|e| e.downcast_ref())
    }
}

#[derive(Clone, Copy)]
pub(super) struct Wanted<'a> {
    /// `None` for the one portal of a `portal:` file.
    pub name: Option<&'a str>,
    /// The file's `url:` or `portal:`, or the one a saved plan recorded; `None` when the
    /// settings give it.
    url: Option<&'a str>,
    /// Where the unnamed portal's URL comes from, which the settings may repeat but not change.
    pinned_by: Option<&'static str>,
    pub api_key_env: &'a str,
    /// Its desired state in the file (a saved plan's too: its variables are read from it).
    pub config: &'a Config,
    /// Why a saved plan has no plan for it: it is then never contacted.
    not_planned: Option<&'a str>,
}

impl<'a> Wanted<'a> {
    /// Where it is: its `url:`, or the unnamed portal as the settings complete it.
    pub(super) fn portal(&self, settings: &Settings) -> Result<PortalUrl, Error> {
        Ok(match (self.url, self.pinned_by) {
            (Some(written), None) => PortalUrl::parse(written)?,
            (url, pinned_by) => {
                // A URL the plan recorded is never trusted alone: the command line or the
                // environment must name that portal again, as for the plan.
                if pinned_by == Some(saved::RECORDED) {
                    settings.one_portal(None)?;
                }
                settings.one_portal(url.zip(pinned_by))?
            }
        })
    }

    /// Its key variable if it is named (`ClientOptions::portal_key`).
    pub(super) fn key_var(&self) -> Option<&'a str> {
        self.name.and(Some(self.api_key_env))
    }

    fn of(p: &'a Portal) -> Wanted<'a> {
        Wanted {
            name: p.name.as_deref(),
            url: p.config.portal.as_ref().map(|(url, _)| url.as_str()),
            pinned_by: p.name.is_none().then_some(saved::PINNED_BY_FILE),
            api_key_env: &p.api_key_var,
            config: &p.config,
            not_planned: None,
        }
    }
}

/// The portals of `document` that `--portal` selects (all by default), in file order.
pub(super) fn wanted<'a>(
    document: &'a Document,
    settings: &Settings,
) -> Result<Vec<Wanted<'a>>, Error> {
    let portals = selected(&document.portals, |p| p.name.as_deref(), settings, false)?;
    Ok(portals.into_iter().map(Wanted::of).collect())
}

/// Runs `work` on each portal of `wanted` with a client of its own and its place in `wanted`,
/// and gives back how each went, in file order. Errors when the unnamed portal fails.
pub(super) fn each<'a, T, F>(
    session: &Session,
    wanted: Vec<Wanted<'a>>,
    parallelism: u16,
    work: impl Fn(Client, Wanted<'a>, usize) -> F,
) -> Result<Vec<PortalRun<'a, T>>, Error>
where
    F: Future<Output = Result<T, Error>>,
{
    let work = &work;
    let jobs = wanted
        .into_iter()
        .enumerate()
        .map(|(i, wanted)| async move {
            let mut url = wanted
                .url
                .map_or_else(String::new, PortalUrl::as_client_reads);
            let outcome = async {
                if let Some(error) = wanted.not_planned {
                    return Err(not_planned(error));
                }
                let portal = wanted.portal(&session.settings)?;
                url = portal.as_str().to_string();
                let client = session.client(&portal, wanted.name, wanted.key_var())?;
                work(client, wanted, i).await
            }
            .await;
            Ok(PortalRun {
                wanted,
                url,
                outcome: match (wanted.name, outcome) {
                    // The unnamed portal has no section to fail in.
                    (None, Err(e)) => return Err(e),
                    (_, outcome) => outcome.map_err(miette::Report::new),
                },
            })
        });
    session
        .runtime
        .block_on(super::in_file_order(jobs, parallelism))
}

/// Plans every portal of `document` that `--portal` selects. Errors when nothing should be
/// contacted at all (an unknown portal name or `--target` key), or when the unnamed portal fails.
pub(super) fn plan_fresh<'a>(
    session: &Session,
    document: &'a Document,
    input: &PlanInput,
) -> Result<Vec<PortalRun<'a>>, Error> {
    let wanted = wanted(document, &session.settings)?;
    let configs: Vec<&Config> = wanted.iter().map(|w| w.config).collect();
    // Before any portal is contacted: a mistyped key is a usage error, not a plan of nothing.
    let selections = Selection::of_each(&configs, &input.planning.targets)
        .map_err(|unknown| target_elsewhere(document, unknown))?;
    let (planning, parallelism) = (&input.planning, input.portal_parallelism);
    let runs = each(session, wanted, parallelism, |client, wanted, i| {
        let selection = &selections[i];
        async move {
            let live = listed(&client, wanted.config).await?;
            let checked = if planning.verify_secrets {
                super::verified::secrets_checked(&client, wanted.config, &live).await?
            } else {
                Vec::new()
            };
            let options = PlanOptions {
                prune: planning.prune,
                rotate_secrets: planning.rotate_secrets,
                secrets_checked: checked,
                selection: Some(selection.clone()),
            };
            let url = client.portal().as_str();
            let plan = crate::plan::plan(wanted.config, &live, url, options)?;
            let max_deletes =
                guard::MaxDeletes::of(planning.max_deletes, wanted.config.max_deletes);
            let mut planned = Planned::guarded(plan, client, live, max_deletes);
            // A plan the guard refuses is not applied: its deletes erase nothing.
            if planned.guard.is_ok() {
                count_deliveries(&planned.client, &mut planned.plan).await?;
            }
            Ok(planned)
        }
    })?;
    one_portal_twice(&runs, |planned| &planned.live)?;
    Ok(runs)
}

/// Counts what each delete of `plan` erases with its webhook, the deliveries of its log
/// (docs/docspace-api.md §12): the total of a page of one row per delete, so a plan without
/// deletes still reads only the list. Not counted when that row is another webhook's: a portal
/// or cache that ignores `configId` answers the whole log's total. Read as `status` reads logs,
/// [`verified::LOG_READS`] at a time: one after another, 50 deletes took 50 round trips.
async fn count_deliveries(client: &Client, plan: &mut Plan) -> Result<(), ApiError> {
    let deletes = plan
        .changes
        .iter_mut()
        .filter_map(|change| match change.action() {
            Action::Delete => change.id().map(|id| (id, change)),
            _ => None,
        });
    let reads = deletes.map(|(id, change)| async move {
        let query = LogQuery::new().webhook(id, change.name());
        let page = client.log_page(&query, 0, 1).await?;
        let admitted = page.rows.iter().all(|r| query.admits(r));
        change.deliveries = admitted.then_some(page.total);
        Ok(())
    });
    // In order, and ended by the first read that fails: a portal failing every read is not
    // asked for the rest (30 deletes made 30 refused reads, each retried).
    let reads = futures::stream::iter(reads).buffered(usize::from(super::verified::LOG_READS));
    reads.try_collect().await
}

/// Lists every portal `--portal` selects from a saved plan and checks its part against what it
/// holds now: the plan goes stale when a webhook it writes changed.
pub(super) fn check_saved<'a>(
    session: &Session,
    parts: &'a [SavedPortal],
    document: &'a Document,
    parallelism: u16,
) -> Result<Vec<PortalRun<'a>>, Error> {
    let settings = &session.settings;
    let parts = selected(parts, |p| p.name.as_deref(), settings, true)?;
    let wanted = (parts.iter())
        .map(|part| {
            let portal = (document.portals.iter()).find(|p| p.name == part.name);
            Wanted {
                url: Some(&part.url),
                pinned_by: part.pinned_by,
                not_planned: part.plan.as_ref().err().map(String::as_str),
                ..Wanted::of(portal.expect("saved::read refuses a part the file does not have"))
            }
        })
        .collect();
    let runs = each(session, wanted, parallelism, |client, wanted, i| {
        let part = parts[i];
        async move {
            let live = listed(&client, wanted.config).await?;
            let mut plan = part.plan.clone().map_err(|e| not_planned(&e))?;
            let key = settings.key(wanted.api_key_env)?;
            saved::bind_uris(&mut plan, wanted.config, &key, &live)?;
            saved::check_fresh(&plan, &live)?;
            let max_deletes = part.max_deletes.map(guard::MaxDeletes::Saved);
            let mut planned = Planned::guarded(plan, client, live, max_deletes);
            if let Err(refused) = &mut planned.guard {
                refused.saved = true;
            }
            // The unnamed portal's refusal is the run's error, before its plan is shown.
            if wanted.name.is_none() {
                std::mem::replace(&mut planned.guard, Ok(()))?;
            }
            Ok(planned)
        }
    })?;
    one_portal_twice(&runs, |planned| &planned.live)?;
    Ok(runs)
}

/// A portal the saved plan has no plan for, its reason scrubbed of every secret this run knows
/// like any text from outside: a hand-edited plan may quote one.
pub(super) fn not_planned(error: &str) -> Error {
    let error = crate::redact::Redactor::registered().scrub(error);
    Error::NotPlanned { error }
}

/// Refuses, before anything is shown or written, one portal listed twice (`same_portal`):
/// `live` is what a portal's run listed.
pub(super) fn one_portal_twice<T>(
    runs: &[PortalRun<'_, T>],
    live: fn(&T) -> &[LiveWebhook],
) -> Result<(), Error> {
    let listed: Vec<_> = runs
        .iter()
        .filter_map(|run| {
            let seen = live(run.outcome.as_ref().ok()?);
            Some((run.wanted.name?, run.url.as_str(), seen))
        })
        .collect();
    same_portal::check(&listed)
}

/// A `--target` key none of the selected portals has: when a portal `--portal` left out has
/// it, say so, rather than that the file lacks it.
fn target_elsewhere(document: &Document, error: TargetError) -> Error {
    let TargetError::Unknown { unknown, .. } = &error else {
        return error.into();
    };
    for key in unknown {
        let owners: Vec<String> = (document.portals.iter())
            .filter(|p| {
                let one = Selection::of_each(&[&p.config], std::slice::from_ref(&key.key));
                !matches!(one, Err(TargetError::Unknown { .. }))
            })
            .filter_map(|p| Some(format!("`{}`", p.name.as_ref()?)))
            .collect();
        if !owners.is_empty() {
            return Error::TargetNotSelected {
                key: format!("{:?}", crate::redact::plain(key.key.as_str())),
                portals: owners,
            };
        }
    }
    error.into()
}

/// The portals `--portal` selects by name from `portals`, named by `name`, in their order; all
/// when it names none, or when they have no names (`--portal` is then the unnamed portal's
/// URL). A name none of them has is an error listing the defined ones (those of a saved plan,
/// when `portals` are its parts).
fn selected<T>(
    portals: impl IntoIterator<Item = T>,
    name: impl Fn(&T) -> Option<&str>,
    settings: &Settings,
    saved_plan: bool,
) -> Result<Vec<T>, Error> {
    let portals: Vec<T> = portals.into_iter().collect();
    let defined: Vec<String> = portals
        .iter()
        .filter_map(|p| Some(name(p)?.into()))
        .collect();
    let names = match defined.is_empty() {
        true => &[],
        false => settings.portal.as_slice(),
    };
    let unknown: Vec<String> = names
        .iter()
        .filter(|n| !defined.contains(n))
        .map(|n| format!("{:?}", crate::redact::plain(n)))
        .collect();
    if !unknown.is_empty() {
        let (holder, among) = match saved_plan {
            false => ("the file defines", "under `portals:` in the file"),
            true => (
                "the saved plan holds",
                "of the portals the saved plan holds",
            ),
        };
        return Err(Error::UnknownPortal {
            unknown,
            defined,
            holder,
            among,
        });
    }
    Ok(portals
        .into_iter()
        .filter(|p| names.is_empty() || names.iter().any(|n| Some(n.as_str()) == name(p)))
        .collect())
}

/// The run as its sections show it: each failure on one line.
pub(super) fn into_run<T>(runs: Vec<PortalRun<'_, T>>) -> Run<T> {
    let portals = runs.into_iter().map(|run| Part {
        name: run.wanted.name.map(str::to_string),
        error: (run.outcome.as_ref().err()).map(|e| super::report::chain(&**e)),
        result: run.outcome.ok(),
        portal: run.url,
    });
    Run {
        portals: portals.collect(),
    }
}

/// What each portal's section of a plan shows.
pub(super) fn fleet_plan(runs: &[PortalRun<'_>]) -> Run<Plan> {
    let portals = runs.iter().map(|run| {
        // A plan the deletion guard refuses is shown with the refusal.
        let (result, error) = match (&run.outcome, run.failure()) {
            (Ok(planned), _) => (
                Some(planned.plan.clone()),
                (planned.guard.as_ref().err()).map(|refused| one_line(refused, &[])),
            ),
            // As `show` lists it: its help is for stderr (`tell_failures`).
            (Err(e), Some(Error::NotPlanned { .. })) => (None, Some(e.to_string())),
            (Err(e), failure) => (None, Some(failure_line(e, failure))),
        };
        Part {
            name: run.wanted.name.map(str::to_string),
            portal: run.url.clone(),
            result,
            error,
        }
    });
    Run {
        portals: portals.collect(),
    }
}

/// Each failed portal's whole diagnostic on stderr (its section has one line): the file
/// problems a portal's live list revealed point at their lines here.
pub(super) fn tell_failures<T>(runs: &[PortalRun<'_, T>], printer: Printer) {
    for run in runs {
        if let Err(e) = &run.outcome {
            printer.always(format_args!(
                "Portal {} failed:\n{e:?}",
                crate::redact::plain(run.wanted.name.unwrap_or_default()),
            ));
        }
    }
}

/// An error, its causes, `details` and its help on one line, for a portal's section.
fn one_line(e: &dyn miette::Diagnostic, details: &[String]) -> String {
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
fn failure_line(error: &miette::Report, failure: Option<&Error>) -> String {
    let mut problems = Vec::new();
    if let Some(Error::Config(config)) = failure {
        problems = (config.reported().iter())
            .map(|problem| match problem.start {
                Some((line, column)) => {
                    format!("{} (line {line}, column {column})", problem.message)
                }
                None => problem.message.clone(),
            })
            .collect();
    }
    one_line(&**error, &problems)
}

/// Exit 0, or the error that `failed` of `total` portals failed (after writing to the others,
/// when `wrote`).
pub(super) fn finish(failed: usize, total: usize, wrote: bool) -> Exit {
    if failed > 0 {
        return Err(Error::PortalsFailed {
            failed,
            total,
            wrote,
        });
    }
    Ok(ExitCode::SUCCESS)
}

/// The unnamed portal's plan refused by the deletion guard: the run's error (a named
/// portal's refusal is told in its section).
pub(super) fn unnamed_refusal(runs: &mut [PortalRun<'_>]) -> Result<(), Error> {
    if let [run] = runs
        && run.wanted.name.is_none()
        && let Ok(planned) = &mut run.outcome
    {
        std::mem::replace(&mut planned.guard, Ok(()))?;
    }
    Ok(())
}

/// The portal's webhooks, refused as `Client::list` refuses them also for the live uris that
/// `config`'s `uri: ${VAR}` entries manage (the value a variable held before, set or not),
/// which only the list tells: such a uri in another webhook's name is as secret as the
/// variable's value (docs/faults-and-security.md, "Secrets").
pub(super) async fn listed(client: &Client, config: &Config) -> Result<Vec<LiveWebhook>, ApiError> {
    let live = client.list().await?;
    let hidden = crate::plan::secret_live_uris(config, &live);
    // Without them, the list was checked as this would check it (`Client::list`).
    if !hidden.is_empty() {
        let secrets = crate::redact::Registered::now().with_uris(&hidden);
        crate::api::refuse_echoes(&live, &secrets)?;
    }
    Ok(live)
}
