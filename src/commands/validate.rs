//! `validate`: check the file alone. Needs neither the portal nor the API key.

use std::io::Write;
use std::process::ExitCode;

use crate::Error;
use crate::cli::FileArgs;

pub fn run(args: &FileArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let config = super::load_config(&args.file)?;
    writeln!(
        out,
        "{} is valid: {} webhook(s).",
        args.file.display(),
        config.webhooks.len()
    )?;
    Ok(ExitCode::SUCCESS)
}
