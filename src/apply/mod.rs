//! Stage 4b: carry out a plan against the portal.
//!
//! Invariants: every request sent is one `Change::op` of the plan (plus the one corrective call
//! a create may need, see `create`); secrets are resolved for the whole plan before the first
//! write, so a missing variable stops the run with nothing written; writes run concurrently up
//! to a bound, and one failure does not stop the others, except that a create refused as the
//! duplicate of a webhook the list does not show stops further creates (`create`); once the
//! stop switch is thrown no change starts, and each change under way is listed on the switch
//! so a forced exit can name it.

mod create;
mod secrets;

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use secrecy::SecretString;

use crate::api::{self, ApiError, Client, LiveWebhook, WebhookBody};
use crate::plan::{Action, Change, Field, Op, Plan, PlannedBody};
pub use secrets::{SecretProblem, Secrets, SecretsError, resolve_secrets};

/// What one change came to.
#[derive(Debug)]
pub struct Done {
    /// The webhook as the portal returned it after the last write.
    pub webhook: LiveWebhook,
    /// Set when a create needed a corrective call (docs/docspace-api.md §9).
    pub corrected: bool,
}

/// Why a change failed.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Failure {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Api(#[from] ApiError),
    /// The webhook exists, but not yet as the file says; a rerun's plan shows what is left.
    #[error("the follow-up call to set enabled/ssl failed: {source}")]
    #[diagnostic(code(apply::correction))]
    Correction {
        id: i32,
        #[source]
        source: Box<Failure>,
    },
    /// The portal refused a create as a duplicate of a webhook that a fresh list shows.
    #[error("webhook #{id} {name:?} already has this name and uri: {source}")]
    #[diagnostic(
        code(apply::taken),
        help(
            "it was created since the plan, or differs only in letter case (DocSpace on MySQL \
             compares name and uri without case); run plan again"
        )
    )]
    Taken {
        id: i32,
        name: String,
        #[source]
        source: ApiError,
    },
    /// The portal refused a create as a duplicate of a webhook its list does not show.
    #[error(
        "the portal's list is incomplete: it refused the create because a webhook with this \
         name and uri exists, which its list does not show; no further creates are started"
    )]
    #[diagnostic(
        code(apply::list_incomplete),
        help(
            "the list of an API key that is not a DocSpace admin's leaves out other users' \
             webhooks: use an admin's key, then run plan again"
        )
    )]
    ListIncomplete {
        #[source]
        source: ApiError,
    },
    /// A write answered with a record that is not its own (a cache, a proxy): another
    /// webhook's (for a create: another name or uri, an id the plan's list had, or another
    /// create's answer), or the webhook written to without the values sent (a stale record).
    /// Whether the write took effect is unknown, and no follow-up call goes to that webhook.
    #[error(
        "the portal answered with webhook #{id}{how}: not this write's answer, so whether the \
         write took effect is unknown (a new plan shows it)"
    )]
    #[diagnostic(
        code(apply::answered_other),
        help("run plan again to see what took effect")
    )]
    AnsweredOther { id: i32, how: &'static str },
    /// A create not attempted after `ListIncomplete`: the plan was made from that list.
    #[error(
        "not attempted: the portal's list is incomplete (another create was refused as the \
         duplicate of a webhook it does not show), so a create planned from it could duplicate \
         a webhook"
    )]
    #[diagnostic(code(apply::creates_held))]
    CreatesHeld,
}

impl Failure {
    /// The change was cut short by the stop switch: a retry it needed was not sent.
    pub fn interrupted(&self) -> bool {
        matches!(self, Failure::Api(ApiError::NotRetried { .. }))
    }

    /// The write may have been carried out: its answer was not read (`ApiError::may_have_landed`).
    pub fn may_have_landed(&self) -> bool {
        match self {
            Failure::Api(e) => e.may_have_landed(),
            Failure::AnsweredOther { .. } => true,
            _ => false,
        }
    }
}

/// One result per change that was started, in completion order, and the changes that were not
/// started because the run was stopped (see `crate::halt::Halt`), in plan order.
pub struct Report {
    pub results: Vec<(usize, Result<Done, Failure>)>,
    pub not_started: Vec<usize>,
}

impl Report {
    /// Changes that failed on their own, not because the run was stopped.
    pub fn failed(&self) -> usize {
        self.count(|e| !e.interrupted())
    }
    /// Changes cut short by the stop switch (a retry they needed was not sent).
    pub fn interrupted(&self) -> usize {
        self.count(Failure::interrupted)
    }
    fn count(&self, which: impl Fn(&Failure) -> bool) -> usize {
        let failures = self.results.iter().filter_map(|(_, r)| r.as_ref().err());
        failures.filter(|e| which(e)).count()
    }
    pub fn done(&self) -> usize {
        self.results.len() - self.failed() - self.interrupted()
    }
}

/// Runs every change of `plan`, at most `parallelism` at a time, calling `on_result` as each
/// completes (with the time its requests spent on the wire, `api::on_the_wire`, not the
/// waits before them) so the user sees progress
/// as it happens. Once the client's stop switch is thrown no change starts; those already
/// started finish and are reported. While a change runs it is listed on the switch as in
/// flight.
///
/// Deletes that free a (name, uri) pair a create reuses run first: the portal refuses a create
/// that duplicates a live pair (docs/docspace-api.md §15). All else runs in one concurrent wave.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    secrets: &Secrets,
    parallelism: usize,
    mut on_result: impl FnMut(&Change, &Result<Done, Failure>, Duration),
) -> Report {
    let (first, rest): (Vec<usize>, Vec<usize>) =
        (0..plan.changes.len()).partition(|&i| frees_a_pair(plan, i));
    let mut results = Vec::with_capacity(plan.changes.len());
    let mut not_started = Vec::new();
    let creates_held = AtomicBool::new(false);
    // Ids creates of this run were answered with: a second answer naming one is not its own.
    let made = Mutex::new(HashSet::new());
    let listed = plan.listed();
    let halt = client.halt();
    for wave in [first, rest] {
        // The stream builds each future only when a slot frees up, so the check runs at the
        // moment the write would start, not when the wave begins.
        let (creates_held, made, listed) = (&creates_held, &made, &listed[..]);
        let mut stream = futures::stream::iter(wave)
            .map(|i| async move {
                if halt.is_stopped() {
                    return (i, None);
                }
                let change = &plan.changes[i];
                let _in_flight = halt.begin(describe(change));
                let secret = secrets.0.get(i).cloned().flatten();
                // The time its requests took, as the reader of a slow target wants it.
                let call = run(client, change, secret, creates_held, made, listed);
                match api::on_the_wire(call).await {
                    // Stopped before its first request went out: not started after all.
                    (Err(Failure::Api(ApiError::NotSent { .. })), _) => (i, None),
                    (result, took) => (i, Some((result, took))),
                }
            })
            .buffer_unordered(parallelism.max(1));
        while let Some((i, result)) = stream.next().await {
            match result {
                Some((result, took)) => {
                    on_result(&plan.changes[i], &result, took);
                    results.push((i, result));
                }
                None => not_started.push(i),
            }
        }
    }
    not_started.sort_unstable();
    Report {
        results,
        not_started,
    }
}

/// A change in a few words, e.g. `update #7 "Billing"`, for the lists of what is in flight and
/// what was not started.
pub fn describe(change: &Change) -> String {
    let id = change.id().map(|id| format!(" #{id}")).unwrap_or_default();
    let name = crate::redact::mask_credentials(change.name());
    format!("{}{id} {name:?}", infinitive(change.action()))
}

pub fn infinitive(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
    }
}

/// Whether change `i` is a delete whose (name, uri) a create in the same plan reuses.
fn frees_a_pair(plan: &Plan, i: usize) -> bool {
    let change = &plan.changes[i];
    let Op::Delete(gone) = &change.op else {
        return false;
    };
    let reused = |c: &Change| matches!(&c.op, Op::Create(body) if gone.same_pair(body));
    plan.changes.iter().any(reused)
}

async fn run(
    client: &Client,
    change: &Change,
    secret: Option<SecretString>,
    creates_held: &AtomicBool,
    made: &Mutex<HashSet<i32>>,
    listed: &[i32],
) -> Result<Done, Failure> {
    let webhook = match &change.op {
        Op::Create(body) => {
            let made = |id| {
                !made
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(id)
            };
            let taken = |id| listed.contains(&id) || made(id);
            return create::create(client, body, secret, creates_held, listed, &taken).await;
        }
        Op::Update { live, body } => {
            let answer = client.update(live.id, &wire(body, secret)).await?;
            own(live.id, answer, |a| holds(a, body))?
        }
        Op::SetEnabled { live, enabled } => {
            let answer = client.set_enabled(live, *enabled).await?;
            own(live.id, answer, |a| a.enabled == *enabled)?
        }
        // A 404 means someone else already deleted it: the goal is reached either way.
        Op::Delete(gone) => match client.delete(gone.id).await? {
            // The record as it was before the delete (docs/docspace-api.md §12), renamed or not.
            Some(answer) => own(gone.id, answer, |_| true)?,
            None => gone.clone(),
        },
    };
    Ok(Done {
        webhook,
        corrected: false,
    })
}

/// `answer`, when it is the answer to a write to webhook `id`: it names `id` and `holds` what
/// was sent. DocSpace answers a PUT and the enable call with the record it saved, which holds
/// every value sent (docs/docspace-api.md §10, §11), and a delete with the record it removed
/// (§12); another record (a cache's, a proxy's) says nothing of what became of the write.
fn own(
    id: i32,
    answer: LiveWebhook,
    holds: impl Fn(&LiveWebhook) -> bool,
) -> Result<LiveWebhook, Other> {
    let how = if answer.id != id {
        ", another webhook than the one written to"
    } else if !holds(&answer) {
        " without the values sent (a stale record)"
    } else {
        return Ok(answer);
    };
    Err(Other(answer.id, how))
}

/// An answer `own` refused: the id it names and how it is not the write's.
struct Other(i32, &'static str);

impl From<Other> for Failure {
    fn from(Other(id, how): Other) -> Failure {
        Failure::AnsweredOther { id, how }
    }
}

/// Whether `answer` holds every value of `body` (but the secret, never answered), as plans
/// compare them.
fn holds(answer: &LiveWebhook, body: &PlannedBody) -> bool {
    let settings = answer.settings();
    Field::ALL
        .iter()
        .all(|&f| settings.value(f) == body.value(f))
}

/// The request body of `body`, with its secret resolved (`None`: the stored one is kept).
fn wire(body: &PlannedBody, secret: Option<SecretString>) -> WebhookBody {
    body.clone().map(|_| secret, |triggers| triggers)
}
