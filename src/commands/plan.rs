//! `plan`: one GET of the live list, a diff, a rendering. Never writes to the portal.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::PlanArgs;
use crate::plan::saved;
use crate::{Error, render};

pub fn run(args: &PlanArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let planned = super::plan_file(&args.input, &super::runtime()?)?;
    let plan = &planned.plan;
    // Serialised before anything is shown, so a plan that cannot be saved fails as a whole.
    let saved = args
        .out
        .as_ref()
        .map(|_| saved::to_json(plan, args.input.planning.max_deletes))
        .transpose()?;
    write!(
        out,
        "{}",
        render::render(plan, args.format, render::style::stdout_colored())
    )?;
    // Shown, then refused: the reviewer sees what the guard stopped, and no file is saved.
    planned.guard?;
    if let (Some(path), Some(text)) = (&args.out, saved) {
        std::fs::write(path, text).map_err(|source| Error::WriteFile {
            path: path.display().to_string(),
            source,
        })?;
        // On stderr, so stdout stays one clean document in every format.
        let _ = writeln!(
            anstream::stderr(),
            "Saved this plan to {0}. Apply exactly it with: docspace-webhooks apply {0}",
            path.display()
        );
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
