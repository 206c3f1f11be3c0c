//! One file per subcommand; this module dispatches and turns the outcome into an exit code:
//! a contract (docs/exit-codes.md) that a closed stdout never changes (see `output`).

mod apply;
mod atomic;
mod completions;
mod confirm;
mod export;
mod output;
mod panic;
mod plan;
mod portals;
mod progress;
mod redeliver;
mod report;
mod same_portal;
mod saved_file;
mod show;
mod signals;
mod status;
mod validate;
mod verified;
mod verify_signature;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use futures::StreamExt;

use crate::api::{Client, ClientEvent, ClientOptions, EventSink, PortalUrl};
use crate::cli::{Cli, Command, PortalArgs};
use crate::halt::{Halt, StopReason};
use crate::settings::{self, Color, Settings};
use crate::{Error, config};

pub use output::{Output, Printer};

/// What a command ends with: its exit code, or the error that makes it 1.
type Exit = Result<ExitCode, Error>;

/// Runs the parsed command line; prints any error as a diagnostic on stderr.
pub fn main(cli: Cli) -> ExitCode {
    let color = Color::decide(cli.color);
    let _ = miette::set_hook(Box::new(move |_| {
        let handler = miette::MietteHandlerOpts::new()
            .color(color.stderr)
            .unicode(color.stderr)
            // In a CI log nobody resizes the window, and a message cut across lines defeats
            // grep.
            .wrap_lines(color.stderr_terminal)
            .build();
        if color.stderr_terminal {
            Box::new(handler)
        } else {
            Box::new(report::MessageFirst(handler))
        }
    }));

    let printer = Printer::new(cli.quiet);
    panic::install(printer);
    // Known before any file is read: a path or message that holds it shows `[redacted]`, also
    // when the webhook file that names the other keys cannot be read. A list or file is refused
    // for it once the run uses it (`register_key`): a `portals:` file may not.
    if let Ok(key) = settings::env(crate::config::KEY_VAR) {
        crate::redact::register_key(&key, crate::config::KEY_VAR, false);
    }
    let mut out = Output::new(anstream::stdout(), printer);
    // A bug that panics is an error like any other (exit 1); the hook has reported it.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings::test_panic();
        signals::install(printer).and_then(|()| run(cli.command, color, &mut out))
    }));
    let _ = out.flush();
    let code = match result {
        Err(_panic) => return ExitCode::from(1),
        Ok(Ok(code)) => code,
        Ok(Err(error)) => fail(error, printer),
    };
    match out.take_lost() {
        // A reader that stopped reading (`plan | head -1`) ends the output, not the work: the
        // exit code stays the work's. Commands whose output is the work failed already. Any
        // other loss is an error (1), but a signal's code says more and stays (exit-codes.md).
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let failed = fail(Error::Output(e), printer);
            match signals::halt().reason() {
                Some(StopReason::Signal { exit_code, .. })
                    if ExitCode::from(*exit_code) == code =>
                {
                    code
                }
                _ => failed,
            }
        }
        _ => code,
    }
}

/// A command line clap refused, or `--help`/`--version`, which clap prints. A usage error
/// exits 1: clap's own 2 would read as "changes" under `plan --detailed-exitcode`. Help that
/// could not be written (a closed pipe included) was the work, and failed: 1 too.
pub fn usage(error: &clap::Error) -> ExitCode {
    Color::decide(crate::cli::color_asked());
    if error.use_stderr() {
        // clap quotes the value it refused: the key typed where something else belongs
        // (`--format sk-...`) is hidden there as in any message.
        if let Ok(key) = settings::env(crate::config::KEY_VAR) {
            crate::redact::register_key(&key, crate::config::KEY_VAR, false);
        }
        let rendered = error.render().ansi().to_string();
        Printer::new(false).always(rendered.strip_suffix('\n').unwrap_or(&rendered));
        return ExitCode::from(1);
    }
    // Through anstream, whose choice `--color` has made; clap's own print would read only the
    // environment.
    let help = error.render().ansi().to_string();
    let mut stdout = anstream::stdout();
    match write!(stdout, "{help}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Before any command line, so before `--quiet`: an error is shown anyway.
            Printer::new(false).always(format_args!(
                "error: could not write the {} to stdout: {e}",
                match error.kind() {
                    clap::error::ErrorKind::DisplayVersion => "version",
                    _ => "help",
                }
            ));
            ExitCode::from(1)
        }
    }
}

fn fail(error: Error, printer: Printer) -> ExitCode {
    printer.error(error);
    ExitCode::from(1)
}

/// Runs `command`. What `--portal` and the environment mean depends on the file (a portal to
/// pin, or names of portals), so they are checked once the file is read.
fn run(command: Command, color: Color, out: &mut Output) -> Exit {
    let printer = out.printer();
    let session = |args: &PortalArgs| Session::new(args, color, printer);
    match command {
        Command::Validate(args) => validate::run(&args, out),
        Command::Plan(args) => plan::run(&args, &session(&args.input.portal)?, out),
        Command::Apply(args) => apply::run(&args, &session(&args.input.portal)?, out),
        Command::Status(args) => status::run(&args, &session(&args.portal)?, out),
        Command::Export(args) => export::run(&args, &session(&args.portal)?, out),
        Command::Redeliver(args) => redeliver::run(&args, &session(&args.portal)?, out),
        Command::Show(args) => show::run(&args, out),
        Command::VerifySignature(args) => verify_signature::run(&args, out),
        Command::Schema => {
            let _ = write!(out, "{}", config::schema::schema_json());
            out.finish("schema")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions(args) => completions::run(&args, out),
        Command::Man(args) => completions::man(&args, out),
    }
}

/// What a command that talks to portals works with: the settings, the printer for stderr, and
/// the one runtime every portal's client runs on.
struct Session {
    settings: Settings,
    printer: Printer,
    runtime: tokio::runtime::Runtime,
}

impl Session {
    /// The work is I/O-bound and concurrency comes from async, not from threads: one thread.
    fn new(args: &PortalArgs, color: Color, printer: Printer) -> Result<Session, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        Ok(Session {
            settings: Settings::resolve(args, color),
            printer,
            runtime,
        })
    }

    /// Loads the file (`load_config`), reads the variables that hold its uris if `uris_of` says
    /// whose, and registers its secrets, so that no output of the run shows them (a receiver's
    /// answer included). Only commands that send uris read them (`Some`): for the portals
    /// `--portal` selects, or without it those `uris_of` names (a saved plan's; none: every
    /// portal).
    fn load(&self, path: &Path, uris_of: Option<&[String]>) -> Result<config::Document, Error> {
        let mut document = load_config(path, self.printer)?;
        if let Some(in_plan) = uris_of {
            let only = match self.settings.portal.as_slice() {
                [] => in_plan,
                selected => selected,
            };
            document.resolve_uris(&crate::settings::env, only)?;
        }
        Ok(document)
    }

    /// A client for one portal, with the key from `key_var` (`None`: DOCSPACE_API_KEY): its
    /// retries and waits told on stderr, and with `-v` every request (events carry method, path,
    /// status and time, nothing more). A portal's `name` starts its lines (`None`: unprefixed),
    /// and gives it a stop switch of its own under the run's.
    fn client(
        &self,
        url: &PortalUrl,
        name: Option<&str>,
        key_var: Option<&str>,
    ) -> Result<Client, Error> {
        let key = self
            .settings
            .key(key_var.unwrap_or(crate::config::KEY_VAR))?;
        let halt = match name {
            Some(name) => Halt::child(&signals::halt(), &crate::redact::plain(name)),
            None => signals::halt(),
        };
        let (verbose, printer) = (self.settings.verbose, self.printer);
        let prefix = prefix(name);
        let sink = Arc::new(move |event: &ClientEvent| {
            if verbose || !matches!(event, ClientEvent::Request { .. }) {
                printer.note(format_args!("{prefix}{event}"));
            }
        });
        // A clone shares the settings' `waited`: one --max-wait budget for every portal of the
        // run.
        let options = ClientOptions {
            events: Some(EventSink(sink)),
            halt,
            portal_key: key_var.map(str::to_string),
            ..self.settings.network.clone()
        };
        Ok(Client::new(url, key, options)?)
    }
}

/// Runs `jobs`, `parallelism` at a time, and collects what each returned, in `jobs`' order.
/// Results carry their place and are sorted, so one slow job never keeps a finished one's slot.
async fn in_file_order<T, C: FromIterator<T>>(
    jobs: impl IntoIterator<Item = impl Future<Output = T>>,
    parallelism: u16,
) -> C {
    let mut done: Vec<(usize, T)> = futures::stream::iter(jobs.into_iter().enumerate())
        .map(|(place, job)| async move { (place, job.await) })
        .buffer_unordered(usize::from(parallelism).max(1))
        .collect()
        .await;
    done.sort_unstable_by_key(|(place, _)| *place);
    done.into_iter().map(|(_, result)| result).collect()
}

/// `[name] `, which starts each line about a named portal.
fn prefix(name: Option<&str>) -> String {
    name.map(|n| format!("[{}] ", crate::redact::plain(n)))
        .unwrap_or_default()
}

/// Loads the file (`load`), and shows its warnings (a literal secret, a quoted id) on stderr;
/// they never stop a run. Registered first: each warning and error names the path, which may
/// hold a portal's key (`tell_hidden_path`).
fn load_config(path: &Path, printer: Printer) -> Result<config::Document, Error> {
    let config = load(path, printer)?;
    for warning in config.warnings() {
        printer.warn(warning);
    }
    Ok(config)
}

/// The file at `path`, with the secrets it names registered before anything of it is shown.
/// Refused when a field the portal lists holds one (`Document::refuse_registered_secrets`).
fn load(path: &Path, printer: Printer) -> Result<config::Document, config::ConfigError> {
    let document = registered(path);
    tell_hidden_path(path, printer);
    let document = document?;
    document.refuse_registered_secrets()?;
    Ok(document)
}

/// The file at `path` read, and the secrets it names registered: also when it has problems,
/// which may quote a name, key or value that holds one.
fn registered(path: &Path) -> Result<config::Document, config::ConfigError> {
    let loaded = config::load_document(path);
    match &loaded {
        Ok(document) => document.register_secrets(&crate::settings::env),
        Err(e) => e.register_secrets(&crate::settings::env),
    }
    loaded
}

/// Says why the file's `path` shows `[redacted]` once its secrets are registered (loaded or
/// not), naming the secret's source: a secret that is a word of it (a secretKey `webhooks`)
/// would otherwise mask it in every message with no reason given. Any secret the path shows
/// hidden counts, a `uri: ${VAR}`'s and the unused `DOCSPACE_API_KEY` too; searched as the
/// path is shown (`redact::guarded`).
fn tell_hidden_path(path: &Path, printer: Printer) {
    if let Some(source) = crate::redact::guarded_source(&path.display().to_string()) {
        printer.note(format_args!(
            "The file's path is shown as {}: it holds {source}, which every path shown hides. \
             A secret that is an ordinary word hides that word wherever it is; a longer random \
             secret ends it.",
            crate::redact::shown_path(path)
        ));
    }
}
