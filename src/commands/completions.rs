//! `completions` and `man`: the command line described for shells and for `man`, generated from
//! the same clap definitions that parse it, so they cannot drift from the real flags.
//!
//! Both render into memory first and then write to `out`: clap_complete panics when its writer
//! fails, and a failed write must end like any other failed output, never in a panic.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::Output;
use crate::Error;
use crate::cli::{Cli, CompletionsArgs, ManArgs};

/// The name the scripts complete: the installed binary's.
const BIN: &str = "docspace-webhooks";

/// The script is the work: cut short by a closed stdout, it fails like `schema`.
pub(super) fn run(args: &CompletionsArgs, out: &mut Output) -> Result<ExitCode, Error> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if args.shell == clap_complete::Shell::Bash {
        script = fix_bash_labels(&script);
    }
    out.write_all(script.as_bytes()).map_err(Error::Output)?;
    out.finish("completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// clap_complete's bash script tracks the subcommand typed so far in a state spelled
/// `docspace__webhooks__subcmd__plan`, but labels the branch that completes its flags
/// `docspace__subcmd__webhooks__subcmd__plan` when the binary's name has a hyphen
/// (clap-rs/clap#6421, open), so no flag of any subcommand would ever complete. Spelling the
/// labels as the state makes them meet; once upstream is fixed this replaces nothing.
fn fix_bash_labels(script: &str) -> String {
    let label = |separator: &str| format!("{}__subcmd__", BIN.replace('-', separator));
    script.replace(&label("__subcmd__"), &label("__"))
}

/// The main page on stdout; with `--dir`, the main page and one page per visible command
/// written into the directory, each path printed as it is written (the pages are the work
/// then, and a reader that stops reading the paths does not fail it).
pub(super) fn man(args: &ManArgs, out: &mut Output) -> Result<ExitCode, Error> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    // Building gives each subcommand its display name (`docspace-webhooks-plan`), which names
    // its page.
    cli.build();
    let Some(dir) = &args.dir else {
        out.write_all(&page(clap_mangen::Man::new(cli))?)
            .map_err(Error::Output)?;
        out.finish("manual page")?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir).map_err(|source| Error::WriteFile {
        path: dir.display().to_string(),
        source,
    })?;
    let commands: Vec<clap::Command> = cli
        .get_subcommands()
        .filter(|command| !command.is_hide_set())
        .cloned()
        .collect();
    for command in std::iter::once(cli).chain(commands) {
        let man = clap_mangen::Man::new(command);
        let path = dir.join(man.get_filename());
        std::fs::write(&path, page(man)?).map_err(|source| Error::WriteFile {
            path: path.display().to_string(),
            source,
        })?;
        writeln!(out, "{}", path.display()).map_err(Error::Output)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn page(man: clap_mangen::Man) -> Result<Vec<u8>, Error> {
    let mut roff = Vec::new();
    man.render(&mut roff).map_err(Error::ManPage)?;
    Ok(roff)
}
