//! `validate`: check the file alone. Needs neither the portal nor the API key.

use std::io::Write;
use std::process::ExitCode;

use crate::Error;
use crate::cli::FileArgs;

/// The exit code is the verdict; the line on stdout only repeats it.
pub(super) fn run(args: &FileArgs, out: &mut super::Output) -> Result<ExitCode, Error> {
    let config = super::load_config(&args.file)?;
    let _ = writeln!(
        out,
        "{} is valid: {} webhook(s).",
        args.file.display(),
        config.webhooks.len()
    );
    Ok(ExitCode::SUCCESS)
}
