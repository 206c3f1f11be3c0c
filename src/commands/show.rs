//! `show PLAN_FILE` (docs/plans.md, "Saved plans"): a saved plan as `apply PLAN_FILE` would
//! show it, with what only the config file decides and both digests. Offline: no portal, no key.
//! Both files are read by `apply`'s loaders, so what `apply` would refuse is refused here too;
//! only staleness needs the portal.

use std::io::Write;
use std::process::ExitCode;

use super::{Exit, Output, portals, saved_file};
use crate::Error;
use crate::api::PortalUrl;
use crate::cli::ShowArgs;
use crate::plan::saved;
use crate::render::{self, BoundPortal, Format, style};
use crate::run::{Part, Run};

pub(super) fn run(args: &ShowArgs, out: &mut Output) -> Exit {
    let path = &args.saved_plan;
    let loaded = saved_file::load(path, None, &args.file.file).map_err(Error::shown)?;
    let document = super::load_config(&args.file.file, out.printer())?;
    let saved =
        saved::read(&loaded.text, &loaded.shown, &document).map_err(|e| Error::from(e).shown())?;
    let mut portals = Vec::with_capacity(saved.len());
    for part in &saved {
        // Nothing is read or sent for a portal that failed: its section says so.
        let Ok(plan) = &part.plan else {
            continue;
        };
        // A URL `apply` would refuse is refused here: the reviewer must not approve it.
        PortalUrl::parse(&part.url)?;
        portals.push(BoundPortal {
            name: part.name.as_deref(),
            url: &part.url,
            recorded: part.pinned_by == Some(saved::RECORDED),
            key_var: &part.api_key_var,
            secrets: plan.secrets_needed(),
        });
    }
    let config_digest = saved::config_digest(&document);
    let binding = render::saved_plan_binding(
        args.format,
        &crate::redact::path(&args.file.file),
        &config_digest,
        &portals,
    );
    let run = Run {
        portals: (saved.iter())
            .map(|p| Part {
                name: p.name.clone(),
                portal: PortalUrl::as_client_reads(&p.url),
                result: p.plan.as_ref().ok().cloned(),
                // Shown as `apply` will show it, scrubbed of every secret this run knows.
                error: (p.plan.as_ref().err()).map(|error| portals::not_planned(error).to_string()),
            })
            .collect(),
    };
    let digest = &loaded.digest;
    let command = saved_file::apply_command(path, digest, &args.file.file);
    let footer =
        render::saved_plan_footer(args.format, &crate::redact::path(path), digest, &command);
    let json = args.format == Format::Json;
    // After the plan on stdout, except JSON's: stdout stays the one document `plan` prints.
    let trailer = if json {
        String::new()
    } else {
        format!("\n{binding}\n{footer}")
    };
    let color = style::stdout_colored();
    let shown = render::render_before(&run, args.format, color, trailer.len());
    let _ = write!(out, "{shown}{trailer}");
    if json {
        out.printer().note(binding.trim_end_matches('\n'));
        out.printer().note(footer.trim_end_matches('\n'));
    }
    // A plan cut short could hide a change from its reviewer.
    out.finish("saved plan")?;
    Ok(ExitCode::SUCCESS)
}
