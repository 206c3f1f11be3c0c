//! One file per subcommand; this module dispatches and turns the outcome into an exit code.
//!
//! Exit codes (kept stable for pipelines): 0 success or no changes, 1 any error, 2 changes
//! present with `plan --detailed-exitcode`.

mod apply;
mod plan;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use crate::Error;
use crate::cli::{Cli, ColorWhen, Command};

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
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(stderr_colored)
                .unicode(stderr_colored)
                .build(),
        )
    }));

    let mut out = anstream::stdout();
    let result = run(cli.command, &mut out);
    let _ = out.flush();
    match result {
        Ok(code) => code,
        // A closed pipe (`plan | head`) is the reader's choice, not a failure.
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(anstream::stderr(), "{:?}", miette::Report::new(error));
            ExitCode::from(1)
        }
    }
}

fn run(command: Command, out: &mut dyn Write) -> Result<ExitCode, Error> {
    match command {
        Command::Validate(args) => validate::run(&args, out),
        Command::Plan(args) => plan::run(&args, out),
        Command::Apply(args) => apply::run(&args, out),
    }
}

/// The commands that talk to the portal run on one thread: the work is I/O-bound and
/// concurrency comes from async, not from threads.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
