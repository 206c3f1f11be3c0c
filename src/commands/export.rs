//! `export`: one GET, printed as a config file that `plan --prune` finds nothing to change in.
//! With `--out FILE`, written atomically once the portal answered in full; an existing FILE (the
//! reviewed config, typically) is kept unless `--force` (docs/adopting.md).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::atomic::{self, Existing};
use super::{Exit, Session, portals};
use crate::api::{LiveWebhook, PortalUrl};
use crate::cli::ExportArgs;
use crate::{Error, render};

pub(super) fn run(args: &ExportArgs, session: &Session, out: &mut super::Output) -> Exit {
    let Target {
        portal,
        key_var,
        file,
    } = target(args, session)?;
    // Once the file's keys are known, which a path may hold (`redact::shown_path`), and before
    // the portal is asked: a mistyped path costs no request.
    if let Some(path) = &args.out {
        atomic::refuse_unwritable(path)?;
        if !args.force && std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::Exists {
                path: crate::redact::shown_path(path),
            });
        }
    }
    // No name: the one portal's `-v` lines are the command's own, unprefixed.
    let client = session.client(&portal, None, key_var.as_deref())?;
    let config = file.as_ref().and_then(|(document, name)| {
        let portal = document.portals.iter().find(|p| p.name == *name)?;
        Some(&portal.config)
    });
    let live = match config {
        Some(config) => session.runtime.block_on(portals::listed(&client, config))?,
        None => session.runtime.block_on(client.list())?,
    };
    // Secret: a uri the run read from a variable, and, as plans hide them, one that a webhook
    // an entry manages with `uri: ${VAR}` holds (set or not) or that is one as a URL.
    let secrets = crate::redact::Registered::now();
    let planned = config.map(|config| crate::plan::secret_uris(config, &live));
    let secret_uri = |uri: &str| {
        secrets.uri_in(uri) || planned.as_ref().is_some_and(|p| p.var_of(uri).is_some())
    };
    for var in config.map(|c| unsure_vars(c, &live)).unwrap_or_default() {
        session.printer.note(format_args!(
            "warning: {var} is not set, and the entry that reads its uri from it (`uri: \
             ${{{var}}}`) names no webhook on the portal: if that webhook was renamed there, \
             its uri, a secret, is written out; set {var} for export to leave it out"
        ));
    }
    let text = render::export::render_export(portal.as_str(), &live, &secret_uri);
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
    // Told before the rename, as a signal may come right after it (`signals::saving`).
    let digest = crate::plan::saved::digest(text.as_bytes());
    super::signals::saving(path, "export", &digest);
    atomic::write(path, &text, "export", existing)?;
    session.printer.note(format_args!(
        "Exported {} webhook(s) from {} to {}.",
        live.len(),
        portal.as_str(),
        crate::redact::shown_path(path)
    ));
    Ok(ExitCode::SUCCESS)
}

/// The unset variables of the `uri: ${VAR}` entries that name no live webhook, in file order,
/// each once. Export leaves out the uri of a webhook such an entry names, but the value of one
/// that names none is unknown: a webhook renamed since may hold it.
fn unsure_vars<'c>(config: &'c crate::config::Config, live: &[LiveWebhook]) -> Vec<&'c str> {
    let mut vars: Vec<&str> = Vec::new();
    for entry in &config.webhooks {
        if let Some(var) = entry.uri_var.as_deref()
            && !vars.contains(&var)
            && crate::settings::env(var).is_err()
            && !live.iter().any(|w| crate::plan::has_key(w, &entry.key))
        {
            vars.push(var);
        }
    }
    vars
}

/// The portal to export, its key variable if it is named, and the file read with the name of
/// the portal in it.
struct Target {
    portal: PortalUrl,
    key_var: Option<String>,
    file: Option<(crate::config::Document, Option<String>)>,
}

/// The portal to export: from `--portal URL` or DOCSPACE_URL, or from the file (`-f`, or
/// webhooks.yaml for `--portal NAME`): its `portal:`, which `--portal` may only repeat, or the
/// one portal `--portal NAME` picks from its `portals:`.
fn target(args: &ExportArgs, session: &Session) -> Result<Target, Error> {
    let settings = &session.settings;
    let names = settings.portal.as_slice();
    let by_name = matches!(names, [name] if !name.contains("://"));
    let file = args
        .file
        .clone()
        .or_else(|| by_name.then(|| PathBuf::from("webhooks.yaml")));
    let Some(path) = file else {
        let portal = settings.one_portal(None)?;
        return Ok(Target {
            portal,
            key_var: None,
            file: None,
        });
    };
    let mut document = super::load_config(&path, session.printer)?;
    // Read as plans read them, for the same `(sensitive)` test (`plan::secret_uris`): a live uri
    // is one as a URL too. Export sends no uri, so one unset or unusable is no error here.
    let _ = document.resolve_uris(&crate::settings::env, &[]);
    if document.unnamed().is_none() && names.len() != 1 {
        let defined = document
            .portals
            .iter()
            .filter_map(|p| p.name.clone())
            .collect();
        return Err(Error::WhichPortal { defined });
    }
    let wanted = portals::wanted(&document, settings)?;
    // A `portal:` file has one portal, and one name selects one: names are unique.
    let [portal] = wanted.as_slice() else {
        unreachable!("one portal is selected");
    };
    let (url, key_var) = (
        portal.portal(settings)?,
        portal.key_var().map(str::to_string),
    );
    let name = portal.name.map(str::to_string);
    Ok(Target {
        portal: url,
        key_var,
        file: Some((document, name)),
    })
}
