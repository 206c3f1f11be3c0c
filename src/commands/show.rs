//! `show PLAN_FILE`: a saved plan as `apply PLAN_FILE` would show it, then its SHA-256, so a
//! reviewer can read and pin exactly the file a pipeline will apply.
//!
//! Offline by design: no portal, no API key, no network. The file is read and checked by the
//! same loader `apply` uses (`saved_file::load`), so a file `apply` would refuse (not a plan,
//! another version, edited inconsistently) is refused here too, and what is shown is derived
//! from the writes exactly as `apply` derives what it sends. Whether the plan has gone stale is
//! only known against the portal: `apply` checks that.

use std::io::Write;
use std::process::ExitCode;

use super::{Output, saved_file};
use crate::Error;
use crate::cli::ShowArgs;
use crate::plan::{FleetPlan, PortalPlan};
use crate::render::{self, Format, style};

pub(super) fn run(args: &ShowArgs, out: &mut Output) -> Result<ExitCode, Error> {
    let path = &args.saved_plan;
    let loaded = saved_file::load(path, None)?;
    let document = super::load_config(&args.file.file, out.err())?;
    let (saved, digest) = (loaded.parts(&document)?, loaded.digest);
    let run = FleetPlan {
        portals: saved
            .into_iter()
            .map(|p| PortalPlan {
                name: p.name,
                portal: p.plan.portal.clone(),
                plan: Some(p.plan),
                error: None,
            })
            .collect(),
    };
    let shown = render::render(&run, args.format, style::stdout_colored());
    let _ = write!(out, "{shown}");
    let command = saved_file::apply_command(path, &digest);
    let footer =
        render::saved_plan_footer(args.format, &path.display().to_string(), &digest, &command);
    if args.format == Format::Json {
        // stdout stays the one JSON document `plan --format json` prints.
        out.err().note(footer.trim_end_matches('\n'));
    } else {
        let _ = write!(out, "\n{footer}");
    }
    // A plan cut short could hide a change from its reviewer.
    out.finish("saved plan")?;
    Ok(ExitCode::SUCCESS)
}
