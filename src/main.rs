//! The binary: parse the command line, run, exit with the code the run chose.

use clap::Parser;
use docspace_webhooks::{cli::Cli, commands};

fn main() -> std::process::ExitCode {
    match Cli::try_parse() {
        Ok(cli) => commands::main(cli),
        Err(usage) => commands::usage(&usage),
    }
}
