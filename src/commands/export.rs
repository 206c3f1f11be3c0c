//! `export`: one GET, printed as a config file that `plan --prune` finds nothing to change in.

use std::io::Write;
use std::process::ExitCode;

use crate::settings::Settings;
use crate::{Error, render};

pub(super) fn run(settings: &Settings, out: &mut super::Output) -> Result<ExitCode, Error> {
    let portal = settings.portal(None)?;
    let client = super::client(settings, &portal)?;
    let live = super::runtime()?.block_on(client.list())?;
    let _ = write!(
        out,
        "{}",
        render::export::render_export(portal.as_str(), &live)
    );
    // A config cut short would be read as one that drops webhooks.
    out.finish("export")?;
    Ok(ExitCode::SUCCESS)
}
