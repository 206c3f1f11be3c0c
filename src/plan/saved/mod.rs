//! Saved plans: `plan --out FILE` writes one, `apply FILE` carries out exactly that plan
//! (docs/plans.md, "Saved plans"). Each change is stored as its write and the live record it
//! was computed against, and read back through the planner's own constructors (`plan::change`).
//! Every URL (but one a file without `portal:` leaves to the command line) and every variable
//! comes from the config file the plan is bound to by its SHA-256, never from the plan.

mod format;
mod fresh;
mod header;
mod notes;
mod sensitive;
#[cfg(test)]
mod tests;
mod values;

use std::collections::{HashMap, HashSet};

use self::format::{Body, Failed, File, Part, Write, with_secret};
use self::header::{KIND, parse};
use super::change::ssl_needs_https;
use super::{Change, Op, Plan, PlannedBody};
use crate::api::{LiveWebhook, PortalUrl};
use crate::config::{Config, DesiredWebhook, Document, Key, Portal, SecretUris};
use crate::redact;
use crate::triggers::TriggerSet;
use secrecy::SecretString;

pub use fresh::check_fresh;
pub use header::{FORMAT_VERSION, NOTHING_WRITTEN, SavedPlanError, is_saved_plan};
pub use sensitive::bind as bind_uris;

/// One portal's part of a saved plan as read back, with what the config file says of it.
#[derive(Debug)]
pub struct SavedPortal {
    /// `None` for a `portal:` file's one portal.
    pub name: Option<String>,
    /// Its key's variable, as the file's `Portal` has it.
    pub api_key_var: String,
    /// Its URL as written in the file, or as the plan recorded `--portal`/DOCSPACE_URL.
    pub url: String,
    /// Where a `portal:` file's `url` comes from, which `--portal` or DOCSPACE_URL may repeat
    /// but not change; `None` for a named portal.
    pub pinned_by: Option<&'static str>,
    /// Its plan, or why a named portal could not be planned (one line, redacted, escaped).
    pub plan: Result<Plan, String>,
    /// The deletion limit the plan was checked against (`guard`).
    pub max_deletes: Option<usize>,
}

/// One portal's part of a plan to save, as `SavedPortal` reads it back.
pub struct PortalToSave<'a> {
    pub name: Option<&'a str>,
    /// With the plan, the portal's API key: it keys the fingerprints of the uris read from
    /// variables (`sensitive`); and the live webhooks it was made from, whose uris those
    /// variables replace are as secret (`plan::secret_uris`).
    pub plan: Result<(&'a Plan, &'a SecretString, &'a [LiveWebhook]), &'a str>,
    pub max_deletes: Option<usize>,
}

/// The longest reason a failed portal is recorded with, in characters: its section's line is
/// rarely a tenth of it, and an answer quoted in it is already cut shorter.
const MAX_FAILURE_CHARS: usize = 2000;

/// Where a `portal:` file's portal comes from when the file names it.
pub const PINNED_BY_FILE: &str = "`portal:` in the file";
/// Where it comes from when the file does not: the plan recorded what `--portal` or
/// DOCSPACE_URL gave, which `apply` requires again.
pub const RECORDED: &str = "the saved plan";

/// The SHA-256 of a saved plan's bytes, in lowercase hex (what `sha256sum` prints).
pub fn digest(bytes: &[u8]) -> String {
    hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref())
}

/// `bytes` in lowercase hex, as a digest or a fingerprint is written.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of the config file `document` was read from (what `sha256sum` prints for it).
pub fn config_digest(document: &Document) -> String {
    digest(document.source.text().as_bytes())
}

/// The saved form of the plans of a run made from `document`: pretty JSON ending in a
/// newline. Refuses a plan that would have to store a literal secret.
pub fn to_json(
    portals: &[PortalToSave<'_>],
    document: &Document,
) -> Result<String, SavedPlanError> {
    // Only a portal the file does not name records its URL.
    let given_url = document
        .unnamed()
        .is_some_and(|config| config.portal.is_none());
    let file = File {
        kind: KIND.to_string(),
        format_version: FORMAT_VERSION,
        written_by: format!("docspace-webhooks {}", env!("CARGO_PKG_VERSION")),
        config_sha256: config_digest(document),
        portals: portals
            .iter()
            .filter_map(|p| Some((p, p.plan.ok()?)))
            .map(|(p, (plan, key, live))| {
                let config = (document.portals.iter())
                    .find(|d| d.name.as_deref() == p.name)
                    .map(|d| &d.config);
                let secret_uris = config.map(|config| super::secret_uris(config, live));
                Ok(Part {
                    name: p.name.map(str::to_string),
                    portal: (given_url && p.name.is_none()).then(|| plan.portal.clone()),
                    max_deletes: p.max_deletes,
                    writes: (plan.changes.iter())
                        .map(|change| write_of(change, key, secret_uris.as_ref()))
                        .collect::<Result<_, _>>()?,
                    unchanged: plan.unchanged.clone(),
                    unmanaged: plan.unmanaged.clone(),
                    notes: plan.notes.clone(),
                })
            })
            .collect::<Result<_, SavedPlanError>>()?,
        failed: portals
            .iter()
            .filter_map(|p| {
                Some(Failed {
                    // An unnamed portal's failure is the run's, never saved; `read` refuses it.
                    name: p.name.unwrap_or_default().to_string(),
                    // Scrubbed (secrets replaced, URL credentials masked), which also leaves
                    // it one line with no control character, and cut.
                    error: redact::Redactor::registered().shown(p.plan.err()?, MAX_FAILURE_CHARS),
                })
            })
            .collect(),
    };
    // serde_json fails only on a map with non-string keys or a failing `Serialize` impl; the
    // format is derived structs of strings, numbers, bools, options and lists.
    let mut text = serde_json::to_string_pretty(&file).expect("a saved plan always serializes");
    text.push('\n');
    // What is saved must be what `apply` reads back; a plan it would refuse is never saved.
    read(&text, "the plan being saved", document)?;
    Ok(text)
}

/// The names of the portals the saved plan `text` holds, read loosely before the file it was
/// made from is loaded (so `apply` reads their uri variables only); `read` checks the plan.
pub fn portal_names(text: &str) -> Vec<String> {
    // Only the names are kept: every other member is skipped, not built.
    #[derive(serde::Deserialize)]
    struct Names {
        portals: Vec<Named>,
    }
    #[derive(serde::Deserialize)]
    struct Named {
        name: Option<String>,
    }
    let names = serde_json::from_str::<Names>(text).map_or_else(|_| Vec::new(), |n| n.portals);
    names.into_iter().filter_map(|part| part.name).collect()
}

/// Reads a saved plan against `document`, the config file `apply` or `show` was given (`path`
/// is for messages): refused unless made from exactly that file, each part a portal of it,
/// once, checked the way the planner would have made it. So no edit of the plan can send a
/// key or secret anywhere the file does not say.
pub fn read(
    text: &str,
    path: &str,
    document: &Document,
) -> Result<Vec<SavedPortal>, SavedPlanError> {
    let mut file = parse(text, path)?;
    let found = config_digest(document);
    if file.config_sha256 != found {
        return Err(SavedPlanError::ConfigDigest {
            path: path.to_string(),
            config: document.source.name().to_string(),
            // From the plan: shown as written only when it is a digest at all.
            planned: if file.config_sha256.len() == 64
                && file.config_sha256.bytes().all(|b| b.is_ascii_hexdigit())
            {
                file.config_sha256
            } else {
                format!("{:?}", file.config_sha256)
            },
            found,
            written: NOTHING_WRITTEN,
        });
    }
    refuse_echoes(&file, path)?;
    let inconsistent = |reason: String| SavedPlanError::Inconsistent {
        path: path.to_string(),
        reason,
        written: NOTHING_WRITTEN,
    };
    if file.portals.is_empty() {
        return Err(inconsistent("it names no portal".into()));
    }
    if document.unnamed().is_some() {
        if file.portals.len() > 1 {
            return Err(inconsistent(format!(
                "it holds {} portals, but the file has one portal without a name (no \
                 `portals:`)",
                file.portals.len()
            )));
        }
        let portal =
            unnamed_portal(file.portals.remove(0), &document.portals[0]).map_err(inconsistent)?;
        if file.failed.is_empty() {
            return Ok(vec![portal]);
        }
        return Err(inconsistent(
            "it lists failed portals, but the file has one portal without a name (no \
             `portals:`), whose failure is never saved"
                .into(),
        ));
    }
    let mut names = HashSet::new();
    // The file's portal `name`, which the plan may name once, planned or failed.
    let mut portal_named = |name: &str, what: &str| {
        if !names.insert(name.to_string()) {
            return Err(inconsistent(format!("the portal {name:?} appears twice")));
        }
        let portal = (document.portals.iter()).find(|p| p.name.as_deref() == Some(name));
        portal.ok_or_else(|| {
            inconsistent(format!(
                "it names the {what} {name:?}, which {} does not",
                document.source.name()
            ))
        })
    };
    // A webhook of one portal may hold the value of another's variable (`config::SecretUris`).
    let uri_vars = (document.portals.iter().flat_map(|p| &p.config.webhooks))
        .filter_map(|w| w.uri_var.as_deref())
        .collect();
    let mut portals = Vec::with_capacity(file.portals.len() + file.failed.len());
    for part in file.portals {
        let Some(name) = part.name.clone() else {
            return Err(inconsistent(
                "it has a portal without a name, but the file names its portals (`portals:`)"
                    .into(),
            ));
        };
        let portal = portal_named(&name, "portal")?;
        if part.portal.is_some() {
            return Err(inconsistent(format!(
                "it gives a URL for the portal {name:?}, whose URL only the file names"
            )));
        }
        let max_deletes = part.max_deletes;
        let plan = plan_of(part, &portal.config, portal.url(), &uri_vars)
            .map_err(|reason| inconsistent(format!("portal {name:?}: {reason}")))?;
        portals.push(SavedPortal::named(portal, Ok(plan), max_deletes));
    }
    for Failed { name, error } in file.failed {
        let portal = portal_named(&name, "failed portal")?;
        // As `to_json` writes one.
        if error.trim().is_empty()
            || error.chars().count() > MAX_FAILURE_CHARS
            || error
                .chars()
                .any(|c| c.is_control() || redact::is_unsafe(c))
        {
            return Err(inconsistent(format!(
                "the error of the failed portal {name:?} is not one line as `plan` writes it"
            )));
        }
        portals.push(SavedPortal::named(portal, Err(error), None));
    }
    // Shown and run in the file's order, failed or not.
    portals.sort_by_key(|p| (document.portals.iter()).position(|f| f.name == p.name));
    Ok(portals)
}

/// Refuses a plan whose text from outside (what the portal listed, or an edit) holds a secret
/// this run knows, checked as the portal's list is (`api::echoed`), before any of it is shown,
/// quoted or sent: the run that made it may not have known that secret (a plan job without
/// the webhook secrets, docs/pipelines.md). A failed portal's error is scrubbed instead, as a
/// last failure is (`commands::portals::not_planned`).
fn refuse_echoes(file: &File, path: &str) -> Result<(), SavedPlanError> {
    let secrets = redact::Registered::now();
    // One record: where it is in the file, whose it is, its fields.
    let check = |at: String, whose: String, fields: &[(&'static str, Option<&String>)]| {
        let Some((field, matched)) = crate::api::echoed(fields.iter().copied(), &secrets) else {
            return Ok(());
        };
        Err(SavedPlanError::EchoedSecret {
            path: path.to_string(),
            place: format!("{whose} {field} ({at})"),
            matched: matched.to_string(),
        })
    };
    let webhook = |id: i32| format!("webhook #{id}'s");
    for (i, part) in file.portals.iter().enumerate() {
        let fields = [
            ("name", part.name.as_ref()),
            ("portal", part.portal.as_ref()),
        ];
        check(format!("portals[{i}]"), "a portal's".into(), &fields)?;
        let at = |list: &str, j: usize| format!("portals[{i}].{list}[{j}]");
        for (j, write) in part.writes.iter().enumerate() {
            let (against, body) = match write {
                Write::Create { webhook } => (None, Some(webhook)),
                Write::Update { against, webhook } => (Some(against), Some(webhook)),
                Write::SetEnabled { against, .. } | Write::Delete { against, .. } => {
                    (Some(against), None)
                }
            };
            let whose = against.map_or_else(|| "a create's".into(), |w| webhook(w.id));
            if let Some(w) = against {
                let fields = crate::api::shown_fields(w);
                check(at("writes", j) + ".against", whose.clone(), &fields)?;
            }
            if let Some(b) = body {
                let (name, uri, target) = (Some(&b.name), Some(&b.uri), b.target_id.as_ref());
                let fields = [("name", name), ("uri", uri), ("targetId", target)];
                check(at("writes", j) + ".webhook", whose, &fields)?;
            }
        }
        let notes = &part.notes;
        let named = [
            ("unchanged", &part.unchanged),
            ("unmanaged", &part.unmanaged),
            ("notes.secrets_not_sent", &notes.secrets_not_sent),
        ];
        for (list, named) in named {
            for (j, n) in named.iter().enumerate() {
                check(at(list, j), webhook(n.id), &[("name", Some(&n.name))])?;
            }
        }
        for (j, r) in notes.renames.iter().enumerate() {
            let fields = [("create", Some(&r.create)), ("name", Some(&r.name))];
            check(at("notes.renames", j), webhook(r.id), &fields)?;
        }
        for (j, c) in notes.secrets_checked.iter().enumerate() {
            let fields = [("name", Some(&c.name)), ("detail", Some(&c.detail))];
            check(at("notes.secrets_checked", j), webhook(c.id), &fields)?;
        }
    }
    for (i, f) in file.failed.iter().enumerate() {
        let name = [("name", Some(&f.name))];
        check(format!("failed[{i}]"), "a failed portal's".into(), &name)?;
    }
    Ok(())
}

/// The one part of a plan of a `portal:` file, for its one `portal`.
fn unnamed_portal(part: Part, portal: &Portal) -> Result<SavedPortal, String> {
    let config = &portal.config;
    if let Some(name) = &part.name {
        return Err(format!(
            "it names the portal {name:?}, but the file has one portal without a name (no \
             `portals:`)"
        ));
    }
    let (url, pinned_by) = match (&config.portal, &part.portal) {
        (Some((url, _)), None) => (url.clone(), PINNED_BY_FILE),
        // Exactly as `plan --out` records one: as the client reads it.
        (None, Some(url)) if PortalUrl::parse(url).is_ok_and(|p| p.as_str() == url) => {
            (url.clone(), RECORDED)
        }
        (None, Some(url)) => {
            return Err(format!(
                "it is planned for {:?}, which is not a portal address as `plan` writes one",
                crate::redact::mask_credentials(url)
            ));
        }
        (Some(_), Some(_)) => {
            return Err(
                "it gives a portal URL, but the file names its portal (`portal:`), \
                        and only the file's is used"
                    .into(),
            );
        }
        (None, None) => {
            return Err("it gives no portal URL, and the file names none (`portal:`)".into());
        }
    };
    Ok(SavedPortal {
        name: None,
        api_key_var: portal.api_key_var.clone(),
        max_deletes: part.max_deletes,
        plan: Ok(plan_of(part, config, &url, &HashSet::new())?),
        url,
        pinned_by: Some(pinned_by),
    })
}

impl SavedPortal {
    fn named(portal: &Portal, plan: Result<Plan, String>, max_deletes: Option<usize>) -> Self {
        SavedPortal {
            name: portal.name.clone(),
            api_key_var: portal.api_key_var.clone(),
            url: portal.url().to_string(),
            pinned_by: None,
            plan,
            max_deletes,
        }
    }
}

/// The stored form of `change`; a uri read from a variable is stored as its placeholder,
/// fingerprinted with `key` (`sensitive`), and so is any other equal to the value of one of
/// `secret_uris` (the run's) or holding a piece of it, naming that variable.
fn write_of(
    change: &Change,
    key: &SecretString,
    secret_uris: Option<&SecretUris>,
) -> Result<Write, SavedPlanError> {
    let hidden = |uri: &mut String| {
        let var = (change.uri_var.as_deref()).or_else(|| {
            let secret = secret_uris.filter(|_| change.uri_hidden)?;
            secret.var_of(uri)
        });
        if let Some(var) = var {
            *uri = sensitive::placeholder(var, uri, key);
        }
    };
    let body = |body: &PlannedBody| {
        let mut body = Body::new(body).ok_or_else(|| SavedPlanError::LiteralSecret {
            name: redact::quoted(change.name()),
        })?;
        hidden(&mut body.uri);
        Ok::<_, SavedPlanError>(body)
    };
    let against = |live: &LiveWebhook| {
        let mut w = live.clone();
        hidden(&mut w.uri);
        w.map_triggers(TriggerSet::names)
    };
    Ok(match &change.op {
        Op::Create(b) => Write::Create { webhook: body(b)? },
        Op::Update { live, body: b } => Write::Update {
            against: against(live),
            webhook: body(b)?,
        },
        Op::SetEnabled { live, enabled } => Write::SetEnabled {
            against: against(live),
            enabled: *enabled,
        },
        Op::Delete(live) => Write::Delete {
            against: against(live),
            deliveries: change.deliveries,
        },
    })
}

/// The plan of one part, for the portal at `url` whose desired state is `config` (where each
/// secret's variable is read), checked the way the planner would have made it; the error is
/// the reason. A placeholder may also name one of `uri_vars`, other portals' variables.
fn plan_of<'c>(
    part: Part,
    config: &'c Config,
    url: &str,
    uri_vars: &HashSet<&'c str>,
) -> Result<Plan, String> {
    let mut entries = Entries::of(config);
    entries.uri_vars.extend(uri_vars);
    let changes = part
        .writes
        .into_iter()
        .enumerate()
        .map(|(i, write)| change_of(write, &entries).map_err(|e| format!("write {}: {e}", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = Plan {
        portal: PortalUrl::as_client_reads(url),
        changes,
        unchanged: part.unchanged,
        unmanaged: part.unmanaged,
        notes: part.notes,
    };
    // No webhook is written twice or both written and listed as untouched, and no name is
    // created twice: a plan made from one file never has either.
    let (mut ids, mut created) = (HashSet::new(), HashSet::new());
    let listed = plan.unchanged.iter().chain(&plan.unmanaged).map(|u| u.id);
    if let Some(id) = (plan.changes.iter().filter_map(|c| c.id()))
        .chain(listed)
        .find(|id| !ids.insert(*id))
    {
        return Err(format!("webhook #{id} appears more than once"));
    }
    let mut creates = plan.changes.iter().filter(|c| c.id().is_none());
    if let Some(c) = creates.find(|c| !created.insert(c.name())) {
        return Err(format!(
            "{} is created more than once",
            redact::quoted(c.name())
        ));
    }
    notes::check(&plan.notes, &plan, &entries, config)?;
    Ok(plan)
}

/// The entries of a portal's config by key, built once: a plan of thousands of webhooks asks
/// for the entry of each, several times; and the variables a placeholder may name: those they
/// read uris from, and in a `portals:` file the other portals' (`plan_of`).
struct Entries<'c> {
    by_key: HashMap<&'c Key, &'c DesiredWebhook>,
    uri_vars: HashSet<&'c str>,
}

impl<'c> Entries<'c> {
    fn of(config: &'c Config) -> Entries<'c> {
        let mut by_key = HashMap::new();
        for w in &config.webhooks {
            by_key.entry(&w.key).or_insert(w);
        }
        let uri_vars = (config.webhooks.iter())
            .filter_map(|w| w.uri_var.as_deref())
            .collect();
        Entries { by_key, uri_vars }
    }

    /// The entry for the webhook `id` (an update's) or `name`: the entry whose key is the id,
    /// else the one whose key is the name.
    fn find(&self, id: Option<i32>, name: &str) -> Option<&'c DesiredWebhook> {
        (id.and_then(|id| self.by_key.get(&Key::Id(id))))
            .or_else(|| self.by_key.get(&Key::Name(name.to_string())))
            .copied()
    }
}

/// The entry for the webhook `id` or `name` (`Entries::find`), and the variable it
/// reads the webhook's uri from, when it does: then each of `uris` (the body's, the live
/// record's) must be a placeholder naming it (`sensitive`). Otherwise one may be a placeholder
/// only of a variable another entry of the file reads: a uri equal to its value (which
/// `bind` checks, and never binds the body's to any uri but the file's or the live one).
fn entry_and_uri_var<'c>(
    entries: &Entries<'c>,
    (id, name): (Option<i32>, &str),
    uris: &[&str],
) -> Result<(Option<&'c DesiredWebhook>, Option<&'c str>), String> {
    let entry = entries.find(id, name);
    let var = entry.and_then(|e| e.uri_var.as_deref());
    let name = crate::redact::mask_credentials(name);
    for found in uris.iter().map(|uri| sensitive::var_of(uri)) {
        match var {
            Some(var) if found != Some(var) => {
                return Err(format!(
                    "the file reads the uri of {name:?} from {var}, and the plan gives another"
                ));
            }
            None if found.is_some_and(|v| !entries.uri_vars.contains(v)) => {
                return Err(format!(
                    "the plan reads the uri of {name:?} from a variable, and the file gives none"
                ));
            }
            _ => {}
        }
    }
    Ok((entry, var))
}

/// The change a stored write stands for, made exactly as the planner makes it, each secret's
/// variable read from the file's `entries`; refused when the planner would never have stored this write
/// for this live record.
fn change_of(write: Write, entries: &Entries) -> Result<Change, String> {
    let (mut change, var) = match write {
        Write::Create { webhook } => {
            let (body, sent) = webhook.into_planned()?;
            let (entry, var) = entry_and_uri_var(entries, (None, &body.name), &[&body.uri])?;
            values::check(&body, None)?;
            if !sent {
                let name = redact::quoted(&body.name);
                return Err(format!("the create of {name} has no secretKey"));
            }
            let body = with_secret(body, sent, entry.and_then(|e| e.secret.as_ref()))?;
            if let Some(refusal) = ssl_needs_https(&body) {
                return Err(refusal);
            }
            (Change::create(body), var)
        }
        Write::Update { against, webhook } => {
            let (w, (body, sent)) = (against.into_live()?, webhook.into_planned()?);
            let id = w.id;
            let (entry, var) =
                entry_and_uri_var(entries, (Some(id), &w.name), &[&body.uri, &w.uri])?;
            // Another variable's placeholder stands for the uri the entry gives or keeps
            // (`sensitive::bind`): an update no entry is for has neither.
            if entry.is_none() && sensitive::var_of(&body.uri).is_some() {
                return Err(format!(
                    "the update of #{id} sends a uri the plan hides, and no entry of the file is \
                     for it"
                ));
            }
            values::check(&body, Some(&w))?;
            let body = with_secret(body, sent, entry.and_then(|e| e.secret.as_ref()))?;
            if let Some(refusal) = ssl_needs_https(&body) {
                return Err(format!("the update of #{id}: {refusal}"));
            }
            // A secret in an update is sent whatever else differs (as --rotate-secrets does).
            let rotate = body.secret_key.is_some();
            match Change::update(w, body, rotate) {
                Some(change) if matches!(change.op, Op::Update { .. }) => (change, var),
                Some(_) => {
                    return Err(format!(
                        "the update of #{id} changes only `enabled`, which this version sends as set_enabled"
                    ));
                }
                None => return Err(format!("the update of #{id} changes nothing")),
            }
        }
        Write::SetEnabled { against, enabled } => {
            let w = against.into_live()?;
            let (_, var) = entry_and_uri_var(entries, (Some(w.id), &w.name), &[&w.uri])?;
            // What the enable call amounts to: the stored secret is kept.
            let body = PlannedBody {
                enabled,
                ..w.settings().map(|()| None, |triggers| triggers)
            };
            let id = w.id;
            let change = Change::update(w, body, false).ok_or_else(|| {
                format!("set_enabled of #{id} changes nothing: enabled is already {enabled}")
            })?;
            (change, var)
        }
        Write::Delete {
            against,
            deliveries,
        } => {
            // Its live uri is as secret as any other of the variable's: shown, and checked for
            // staleness, as the fingerprint only.
            let w = against.into_live()?;
            let (_, var) = entry_and_uri_var(entries, (Some(w.id), &w.name), &[&w.uri])?;
            let change = Change {
                deliveries,
                ..Change::delete(w)
            };
            (change, var)
        }
    };
    // A placeholder of another entry's variable hides that uri alone.
    change.mark_sensitive_uri(var, |uri| sensitive::var_of(uri).is_some());
    Ok(change)
}
