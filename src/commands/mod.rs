//! One file per subcommand; this module dispatches and turns the outcome into an exit code.
//!
//! Exit codes (kept stable for pipelines): 0 success or no changes, 1 any error (a usage error
//! included), 2 changes present with `plan --detailed-exitcode`, 130/143 after SIGINT/SIGTERM
//! (see `signals`). A closed stdout never changes them (see `output`).

mod apply;
mod atomic;
mod completions;
mod export;
mod output;
mod panic;
mod plan;
mod progress;
mod report;
mod saved_file;
mod show;
mod signals;
mod validate;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use crate::api::{Client, ClientEvent, ClientOptions, PortalUrl};
use crate::cli::{Cli, ColorWhen, Command, NetworkArgs, PlanInput};
use crate::plan::{Plan, PlanOptions, Selection, guard};
use crate::{Error, config, settings};

pub use output::Output;

/// Runs the parsed command line; prints any error as a diagnostic on stderr.
pub fn main(cli: Cli) -> ExitCode {
    let choice = match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    let stderr_colored =
        anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
    // In a CI log nobody resizes the window, and a message cut across lines defeats grep.
    let stderr_terminal = std::io::stderr().is_terminal();
    let _ = miette::set_hook(Box::new(move |_| {
        let handler = miette::MietteHandlerOpts::new()
            .color(stderr_colored)
            .unicode(stderr_colored)
            .wrap_lines(stderr_terminal)
            .build();
        if stderr_terminal {
            Box::new(handler)
        } else {
            Box::new(report::MessageFirst(handler))
        }
    }));

    panic::install();
    let mut out = Output::new(anstream::stdout());
    // A bug that panics is an error like any other (exit 1); the hook has reported it.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings::test_panic();
        signals::install().and_then(|()| run(cli.command, &mut out))
    }));
    let _ = out.flush();
    let Ok(result) = result else {
        return ExitCode::from(1);
    };
    let code = match result {
        Ok(code) => code,
        Err(error) => fail(error),
    };
    match out.take_lost() {
        // A reader that stopped reading (`plan | head -1`) ends the output, not the work: the
        // exit code stays the work's. Commands whose output is the work failed already.
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => fail(Error::Output(e)),
        _ => code,
    }
}

/// A command line clap refused, or `--help`/`--version`, which clap prints. A usage error
/// exits 1 like any other error: clap's own 2 would read as "changes" to a pipeline running
/// `plan --detailed-exitcode`.
pub fn usage(error: &clap::Error) -> ExitCode {
    let _ = error.print();
    if error.use_stderr() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn fail(error: Error) -> ExitCode {
    let _ = writeln!(anstream::stderr(), "{:?}", miette::Report::new(error));
    ExitCode::from(1)
}

fn run(command: Command, out: &mut Output) -> Result<ExitCode, Error> {
    match command {
        Command::Validate(args) => validate::run(&args, out),
        Command::Plan(args) => plan::run(&args, out),
        Command::Apply(args) => apply::run(&args, out),
        Command::Export(args) => export::run(&args, out),
        Command::Show(args) => show::run(&args, out),
        Command::Schema => {
            let _ = write!(out, "{}", config::schema::schema_json());
            out.finish("schema")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions(args) => completions::run(&args, out),
        Command::Man(args) => completions::man(&args, out),
    }
}

/// The commands that talk to the portal run on one thread: the work is I/O-bound and
/// concurrency comes from async, not from threads.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// A fresh plan of a file, and the client it was made with.
struct Planned {
    plan: Plan,
    client: Client,
    /// Refusal by the deletion guard, kept apart so `plan` can still show what it refused.
    guard: Result<(), guard::TooManyDeletes>,
    /// The explicit deletion limit the guard checked, recorded in a saved plan.
    max_deletes: Option<guard::MaxDeletes>,
    /// The file planned, for errors that point into it after planning.
    config: config::Config,
}

/// Loads the file, lists the portal (one GET) and plans. Shared by `plan` and `apply`.
fn plan_file(input: &PlanInput, runtime: &tokio::runtime::Runtime) -> Result<Planned, Error> {
    let PlanInput {
        file,
        portal,
        planning,
    } = input;
    let config = load_config(&file.file)?;
    config.register_secrets(&settings::env);
    // Before the portal is contacted: a mistyped key is a usage error, not a plan of nothing.
    let selection = Selection::of(&config, &planning.targets)?;
    let url = settings::portal_for(portal.portal.as_deref(), &config)?;
    let client = client(&url, &portal.network)?;
    let live = runtime.block_on(client.list())?;
    let options = PlanOptions {
        prune: planning.prune,
        rotate_secrets: planning.rotate_secrets,
    };
    let plan = crate::plan::plan_selected(&config, &live, url.as_str(), options, &selection)?;
    let max_deletes = guard::MaxDeletes::of(planning.max_deletes, config.max_deletes);
    let guard = guard::check(&plan, live.len(), max_deletes);
    Ok(Planned {
        plan,
        max_deletes,
        client,
        guard,
        config,
    })
}

/// A client whose retries and waits are told on stderr as they happen, and with `-v` every
/// request too (method, path, status, time: events carry nothing more).
fn client(portal: &PortalUrl, network: &NetworkArgs) -> Result<Client, Error> {
    let verbose = network.verbose;
    let sink = Arc::new(move |event: &ClientEvent| {
        if verbose || !matches!(event, ClientEvent::Request { .. }) {
            let _ = writeln!(anstream::stderr(), "{event}");
        }
    });
    let options = ClientOptions {
        halt: signals::halt(),
        ..settings::client_options(network, Some(sink))
    };
    settings::client(portal, options)
}

/// Loads the file and shows its warnings (a literal secret, a quoted id) on stderr; they never
/// stop a run.
fn load_config(path: &std::path::Path) -> Result<config::Config, Error> {
    let config = config::load(path)?;
    for warning in config.warnings() {
        let _ = writeln!(anstream::stderr(), "{:?}", miette::Report::new(warning));
    }
    Ok(config)
}
