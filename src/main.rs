//! The binary: parse the command line, run, exit with the code the run chose.

use clap::Parser;

fn main() -> std::process::ExitCode {
    docspace_webhooks::commands::main(docspace_webhooks::cli::Cli::parse())
}
