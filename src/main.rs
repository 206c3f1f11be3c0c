//! The binary: parse the command line, run, exit with the code the run chose.

use docspace_webhooks::{cli::Cli, commands};

fn main() -> std::process::ExitCode {
    match Cli::parse_checked() {
        Ok(cli) => commands::main(cli),
        Err(usage) => commands::usage(&usage),
    }
}
