//! `plan`: one GET of the live list, a diff, a rendering. Never writes.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::PlanArgs;
use crate::{Error, config, plan, render, settings};

pub fn run(args: &PlanArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let config = config::load(&args.file.file)?;
    let (portal, client) = settings::client(args.portal.portal.as_deref(), &config)?;
    let live = super::runtime()?.block_on(client.list())?;
    let plan = plan::plan(&config, &live, portal.as_str())?;
    write!(out, "{}", render::render_text(&plan))?;
    Ok(if args.detailed_exitcode && plan.has_changes() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
