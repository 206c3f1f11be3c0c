//! `completions` and `man`: the command line described for shells and for `man`, generated from
//! the same clap definitions that parse it, so they cannot drift from the real flags.
//!
//! Both render into memory first: clap_complete panics when its writer fails, and a closed pipe
//! must end as an error (exit 1), never a panic.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::Error;
use crate::cli::{Cli, CompletionsArgs, ManArgs};

/// The name the scripts complete: the installed binary's.
const BIN: &str = "docspace-webhooks";

pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN, &mut script);
    out.write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// The main page on stdout; with `--dir`, the main page and one page per visible command
/// written into the directory, each path printed as it is written.
pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    // Building gives each subcommand its display name (`docspace-webhooks-plan`), which names
    // its page.
    cli.build();
    let Some(dir) = &args.dir else {
        out.write_all(&page(clap_mangen::Man::new(cli))?)?;
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
        writeln!(out, "{}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn page(man: clap_mangen::Man) -> Result<Vec<u8>, Error> {
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    Ok(roff)
}
