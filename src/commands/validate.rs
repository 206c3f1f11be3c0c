//! `validate`: check the file alone, one portal's or several (`portals:`). Needs neither the
//! portals nor their API keys.

use std::io::Write;
use std::process::ExitCode;

use super::Exit;
use crate::cli::ValidateArgs;
use crate::config;
use crate::config::Problem;
use crate::render::{PortalCount, Valid, render_problems};

/// The exit code is the verdict. stdout repeats it in the chosen format; the diagnostics on
/// stderr are the same in every format, so a CI log shows the snippets either way.
pub(super) fn run(args: &ValidateArgs, out: &mut super::Output) -> Exit {
    let path = &args.file.file;
    // Its portals' keys, as every command knows them once the file is read: the path (its own
    // name, in each warning) shows none, nor does the file hold any where the portal lists it.
    let printer = out.printer();
    match super::load(path, printer).and_then(refuse_secret_uris) {
        Ok(document) => {
            let name = crate::redact::path(path);
            let warnings = document.warnings();
            let reported: Vec<config::Reported> = warnings.iter().map(Problem::reported).collect();
            // Warnings never stop a run; the diagnostics show them on stderr, as `plan` does.
            for warning in warnings {
                out.printer().warn(warning);
            }
            let portals: Vec<PortalCount>;
            let valid = match document.unnamed() {
                Some(config) => Valid::Webhooks(config.webhooks.len()),
                None => {
                    portals = (document.portals.iter())
                        .map(|p| PortalCount {
                            name: p.name.clone().unwrap_or_default(),
                            url: p.url().to_string(),
                            webhooks: p.config.webhooks.len(),
                        })
                        .collect();
                    Valid::Portals(&portals)
                }
            };
            let _ = write!(
                out,
                "{}",
                render_problems(args.format, &name, Some(valid), &reported)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let _ = write!(
                out,
                "{}",
                render_problems(args.format, &crate::redact::path(path), None, &e.reported())
            );
            let _ = out.flush();
            Err(e.into())
        }
    }
}

/// `plan` and `apply` refuse a `uri: ${VAR}` whose value holds another secret of the run
/// (`Document::resolve_uris`). `validate` reads the same variables (`load`), so it refuses that
/// too, in the same words; an unset or unusable value is theirs to refuse, as `validate` needs
/// no environment.
fn refuse_secret_uris(
    mut document: config::Document,
) -> Result<config::Document, config::ConfigError> {
    let Err(config::ConfigError::Invalid { problems, .. }) =
        document.resolve_uris(&crate::settings::env, &[])
    else {
        return Ok(document);
    };
    let mut held: Vec<Problem> = (problems.into_iter())
        .filter(|p| p.code_str() == "config::secret_in_field")
        .collect();
    if held.is_empty() {
        return Ok(document);
    }
    // The file loads: its warnings are shown with the refusal, as `plan` shows them.
    let count = held.len();
    held.extend(document.warnings());
    Err(config::ConfigError::Invalid {
        count,
        problems: held,
    })
}
