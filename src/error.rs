//! The top-level error: every layer's miette diagnostic, plus the commands' own failures. No
//! `From<io::Error>`: each variant with one says what was being done. All exit with 1, but
//! `Interrupted`, which the signal watcher reports before exiting with 130, 143 or 129.

use crate::api::ApiError;
use crate::apply::SecretsError;
use crate::config::ConfigError;
use crate::settings::SettingsError;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Settings(#[from] SettingsError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Api(#[from] ApiError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Secrets(#[from] SecretsError),

    #[error(
        "refusing to apply without confirmation: there is no terminal to ask on; nothing was written"
    )]
    #[diagnostic(
        code(apply::no_terminal),
        help("review the plan, then rerun with --auto-approve")
    )]
    NoTerminal,

    #[error("apply cancelled; nothing was written")]
    #[diagnostic(code(apply::cancelled))]
    Cancelled,

    #[error(
        "refusing to resend without confirmation: there is no terminal to ask on; nothing was sent"
    )]
    #[diagnostic(
        code(redeliver::no_terminal),
        help("review the list, then rerun with --auto-approve")
    )]
    RedeliverNoTerminal,

    #[error("redeliver cancelled; nothing was sent")]
    #[diagnostic(code(redeliver::cancelled))]
    RedeliverCancelled,

    #[error(
        "refusing to resend: the list could not be shown (stdout could not be written), so it cannot be confirmed; nothing was sent"
    )]
    #[diagnostic(
        code(redeliver::list_not_shown),
        help("rerun with stdout open, or with --auto-approve")
    )]
    ListNotShown,

    #[error("{failed} of {total} failed deliveries were not resent")]
    #[diagnostic(
        code(redeliver::failed),
        help(
            "the deliveries reported as resent are queued on the portal; a rerun lists the failures again, the ones resent included (their new deliveries have new log ids)"
        )
    )]
    RedeliverFailed { failed: usize, total: usize },

    #[error("{unsure} of {total} failed deliveries may or may not have been resent")]
    #[diagnostic(
        code(redeliver::unsure),
        help(
            "the portal may have queued them before its answer was lost: `status` or the portal's delivery log shows their new deliveries; a rerun before checking may send their events twice"
        )
    )]
    RedeliverUnsure { unsure: usize, total: usize },

    #[error("{failed} of {total} portal(s) could not be read")]
    #[diagnostic(
        code(redeliver::portals_failed),
        help(
            "each failed portal's section says why; the other portals' deliveries were listed, and resent when approved"
        )
    )]
    PortalsNotRead { failed: usize, total: usize },

    #[error("the portal has no webhook {unknown}; nothing was sent")]
    #[diagnostic(
        code(redeliver::unknown_webhook),
        help("--webhook takes a webhook's name as the portal lists it, or id:N")
    )]
    UnknownWebhook { unknown: String },

    #[error("{failed} of {total} change(s) failed")]
    #[diagnostic(
        code(apply::failed),
        help(
            "the changes reported as done are on the portal; fix the cause and rerun apply, whose plan shows only what is left"
        )
    )]
    ApplyFailed { failed: usize, total: usize },

    /// The `Stopped (...); not started:` line above names what was not started, if anything.
    #[error("apply stopped: {reason}")]
    #[diagnostic(
        code(apply::stopped),
        help(
            "the changes reported as done are on the portal, and a rerun's plan shows only what is left"
        )
    )]
    Stopped { reason: String },

    #[error("{holder} no portal named {}", .unknown.join(", "))]
    #[diagnostic(
        code(portals::unknown),
        help("--portal selects by the names {among}: {}", .defined.join(", "))
    )]
    UnknownPortal {
        unknown: Vec<String>,
        defined: Vec<String>,
        /// "the file defines", or "the saved plan holds" (a plan made for some portals only).
        holder: &'static str,
        among: &'static str,
    },

    #[error(
        "--target {key} is an entry of portal {} only, which --portal did not select; nothing was planned",
        .portals.join(", ")
    )]
    #[diagnostic(
        code(plan::target_not_selected),
        help("add --portal for the portal that has the entry, or leave out --portal")
    )]
    TargetNotSelected { key: String, portals: Vec<String> },

    #[error(
        "portals {first} and {second} are one portal: both list webhook {webhook} (same id, \
         name, uri, creation time and creator); nothing was written"
    )]
    #[diagnostic(
        code(portals::same_portal),
        help(
            "list each portal once (under one host name): with --prune each entry would delete \
             the webhooks the other manages, and redeliver would resend every failure twice"
        )
    )]
    SamePortalTwice {
        first: String,
        second: String,
        webhook: String,
    },

    #[error("export writes one portal, and the file defines several")]
    #[diagnostic(
        code(export::which_portal),
        help("name one with --portal NAME: {}", .defined.join(", "))
    )]
    WhichPortal { defined: Vec<String> },

    #[error("{failed} of {total} portal(s) failed")]
    #[diagnostic(
        code(portals::failed),
        help(
            "each failed portal's section says why; the other portals were planned{}, and a rerun's plan shows only what is left",
            if *.wrote { " and applied" } else { "" }
        )
    )]
    PortalsFailed {
        failed: usize,
        total: usize,
        wrote: bool,
    },

    /// A portal a saved plan records as failed: `error` is the plan's one escaped line.
    #[error("could not be planned when the saved plan was made: {error}")]
    #[diagnostic(
        code(saved_plan::not_planned),
        help(
            "the saved plan has nothing for this portal, and nothing is sent to it; once it is fixed, run `plan --out` again and review the new plan"
        )
    )]
    NotPlanned { error: String },

    /// `status`: portals whose webhooks or log could not be read.
    #[error("{failed} of {total} portal(s) could not be read")]
    #[diagnostic(
        code(portals::unread),
        help("each failed portal's section says why; the other portals are reported in full")
    )]
    PortalsUnread { failed: usize, total: usize },

    #[error("refusing to apply: {reason}; nothing was written to any portal")]
    #[diagnostic(code(portals::refused), help("{help}"))]
    PortalsRefused { reason: String, help: String },

    /// SIGINT, SIGTERM or SIGHUP before the first write: the process ends at once (130, 143
    /// or 129).
    #[error("interrupted by {signal}; {written}")]
    #[diagnostic(code(run::interrupted))]
    Interrupted {
        signal: &'static str,
        written: String,
    },

    #[error("could not watch for SIGINT, SIGTERM and SIGHUP")]
    #[diagnostic(code(run::signals))]
    Signals(#[source] std::io::Error),

    #[error(transparent)]
    #[diagnostic(transparent)]
    TooManyDeletes(#[from] crate::plan::guard::TooManyDeletes),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Target(#[from] crate::plan::TargetError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    SavedPlan(#[from] crate::plan::saved::SavedPlanError),

    #[error("{path} is a webhook file, not a saved plan")]
    #[diagnostic(
        code(apply::not_a_plan),
        help(
            "to plan and apply a webhook file, pass it with -f: `docspace-webhooks apply -f {quoted}`; `apply PLAN_FILE` takes what `plan --out PLAN_FILE` saved"
        )
    )]
    ConfigAsPlan {
        path: String,
        /// The path as one shell word, for the suggested command.
        quoted: String,
    },

    #[error("no body to check: stdin is a terminal")]
    #[diagnostic(
        code(verify::no_body),
        help("pass the body as it was received with --body-file PATH, or on stdin: `< body.json`")
    )]
    NoBody,

    #[error("{path} is larger than {mib} MiB, more than a delivery's body")]
    #[diagnostic(
        code(verify::too_large),
        help("pass the body of one delivery, as it was received")
    )]
    BodyTooLarge { path: String, mib: u64 },

    #[error("could not read {path}")]
    #[diagnostic(code(io::read))]
    ReadFile {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("could not write {path}")]
    #[diagnostic(code(io::write))]
    WriteFile {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("refusing to read {path} as a saved plan: {reason}{written}")]
    #[diagnostic(code(saved_plan::file), help("pass the file `plan --out` wrote"))]
    PlanFile {
        path: String,
        reason: String,
        /// `saved::NOTHING_WRITTEN`, or nothing for `show`.
        written: &'static str,
    },

    #[error(
        "refusing to save the plan to {path}: {reason}, and only a saved plan is overwritten; nothing was saved"
    )]
    #[diagnostic(
        code(saved_plan::overwrite),
        help("choose another --out path, e.g. webhooks.plan.json")
    )]
    WouldOverwrite { path: String, reason: String },

    #[error("refusing to write {path}: it already exists; nothing was written")]
    #[diagnostic(
        code(io::exists),
        help("pass --force to replace it (after reviewing what it holds), or choose another path")
    )]
    Exists { path: String },

    #[error("the {what} was cut short: stdout was closed before all of it was written")]
    #[diagnostic(code(io::output_closed))]
    OutputClosed { what: &'static str },

    #[error(
        "refusing to apply: the plan could not be shown (stdout could not be written), so it cannot be confirmed; nothing was written"
    )]
    #[diagnostic(
        code(apply::plan_not_shown),
        help("review the plan with `plan`, then rerun with --auto-approve, or apply a saved plan")
    )]
    PlanNotShown,

    #[error("could not write the output: {0}")]
    #[diagnostic(code(io::output))]
    Output(#[source] std::io::Error),

    #[error("could not start the runtime that talks to the portal")]
    #[diagnostic(code(run::runtime))]
    Runtime(#[source] std::io::Error),

    #[error("could not read the answer at the prompt; nothing was written")]
    #[diagnostic(code(apply::prompt))]
    Prompt(#[source] std::io::Error),

    #[error("refusing to write the manual pages into {path}: {reason}; nothing was written")]
    #[diagnostic(
        code(man::dir),
        help("pass an existing directory, such as ~/.local/share/man/man1 (create it first)")
    )]
    NoManDir { path: String, reason: &'static str },

    #[error("could not render the manual page")]
    #[diagnostic(code(man::render))]
    ManPage(#[source] std::io::Error),
}

impl Error {
    /// This refusal of a saved plan as `show` gives it: `apply`'s words but "nothing was
    /// written", as `show` never writes.
    pub fn shown(mut self) -> Error {
        use crate::plan::saved::SavedPlanError as Saved;
        if let Error::PlanFile { written, .. }
        | Error::SavedPlan(
            Saved::Unreadable { written, .. }
            | Saved::Version { written, .. }
            | Saved::Inconsistent { written, .. }
            | Saved::ConfigDigest { written, .. },
        ) = &mut self
        {
            *written = "";
        }
        self
    }
}

#[cfg(test)]
mod tests {
    /// Compiles only while `Error` has no `From<std::io::Error>`: with one, `?` on any I/O call
    /// would compile again and report it as whatever that conversion says, whatever failed.
    /// (The call below is ambiguous exactly when both impls apply.)
    #[test]
    fn no_io_error_becomes_an_error_without_saying_what_failed() {
        trait AmbiguousIfFromIo<A> {
            fn check() {}
        }
        struct FromIo;
        impl<T> AmbiguousIfFromIo<()> for T {}
        impl<T: From<std::io::Error>> AmbiguousIfFromIo<FromIo> for T {}
        <super::Error as AmbiguousIfFromIo<_>>::check();
    }
}
