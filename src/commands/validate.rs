//! `validate`: check the file alone. Needs neither the portal nor the API key.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::ValidateArgs;
use crate::config::Problem;
use crate::render::render_problems;
use crate::{Error, config};

/// The exit code is the verdict. stdout repeats it in the chosen format; the diagnostics on
/// stderr are the same in every format, so a CI log shows the snippets either way.
pub(super) fn run(args: &ValidateArgs, out: &mut super::Output) -> Result<ExitCode, Error> {
    let path = &args.file.file;
    let name = path.display().to_string();
    match super::load_config(path) {
        Ok(config) => {
            let warnings: Vec<config::Reported> =
                config.warnings().iter().map(Problem::reported).collect();
            let report = render_problems(
                args.format,
                &name,
                Some(config.configs().iter().map(|c| c.webhooks.len()).sum()),
                &warnings,
            );
            let _ = write!(out, "{report}");
            Ok(ExitCode::SUCCESS)
        }
        Err(Error::Config(e)) => {
            let _ = write!(
                out,
                "{}",
                render_problems(args.format, &name, None, &e.reported())
            );
            let _ = out.flush();
            Err(e.into())
        }
        Err(e) => Err(e),
    }
}
