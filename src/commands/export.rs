//! `export`: one GET, printed as a config file that `plan --prune` finds nothing to change in.
//!
//! With `--out FILE` the config is written atomically (`atomic`) and only after the portal
//! answered in full, so a portal that is down leaves no empty or partial config behind. An
//! existing FILE is typically the reviewed config: it is kept, checked before the portal is
//! contacted and again by the rename itself, unless `--force` says to replace it.

use std::io::Write;
use std::process::ExitCode;

use super::atomic::{self, Existing};
use crate::cli::ExportArgs;
use crate::settings::Settings;
use crate::{Error, render};

pub(super) fn run(
    args: &ExportArgs,
    settings: &Settings,
    out: &mut super::Output,
) -> Result<ExitCode, Error> {
    if let Some(path) = &args.out
        && !args.force
        && std::fs::symlink_metadata(path).is_ok()
    {
        return Err(Error::Exists {
            path: path.display().to_string(),
        });
    }
    let portal = settings.portal(None)?;
    let client = super::client(settings, &portal)?;
    let live = super::runtime()?.block_on(client.list())?;
    let text = render::export::render_export(portal.as_str(), &live);
    let Some(path) = &args.out else {
        let _ = write!(out, "{text}");
        // A config cut short would be read as one that drops webhooks.
        out.finish("export")?;
        return Ok(ExitCode::SUCCESS);
    };
    let existing = if args.force {
        Existing::Replace
    } else {
        Existing::Keep
    };
    atomic::write(path, &text, "export", existing)?;
    let _ = writeln!(
        anstream::stderr(),
        "Exported {} webhook(s) from {} to {}.",
        live.len(),
        portal.as_str(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
