//! The saved plan of a `portals:` file: one saved plan per portal, as `to_json` writes it for
//! one portal, with the portal's name and the variable its API key is read from.
//!
//! ```text
//! {
//!   "kind": "docspace-webhooks saved plan",
//!   "format_version": 3,
//!   "written_by": "docspace-webhooks 0.1.0",
//!   "portals": [
//!     { "name": "staging", "api_key_env": "DOCSPACE_STAGING_KEY", "plan": PLAN },
//!     ...
//!   ]
//! }
//! PLAN: the saved plan of one portal (see `format`), kind and format_version included
//! ```
//!
//! Every portal's part is checked as a one-portal plan is, and the whole is refused when two
//! parts name one portal or one name: a hand-edited file must not make `apply` write a portal
//! twice.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::format::File;
use super::header::{FORMAT_VERSION, KIND, SavedPlanError, Stamped, parse};
use super::{Saved, file_of, from_file, pretty};
use crate::api::PortalUrl;
use crate::config::parse_env_ref;
use crate::config::rules::is_portal_name;
use crate::plan::Plan;

/// One portal's part of a saved plan: the one part of a `portal:` file's, or one of a
/// `portals:` file's.
#[derive(Debug)]
pub struct SavedPortal {
    /// The portal's name under `portals:`; `None` for a `portal:` file's one portal.
    pub name: Option<String>,
    /// The variable `apply` reads the portal's API key from (the file's `apiKey: ${VAR}`);
    /// `None` for a `portal:` file's, whose key is DOCSPACE_API_KEY.
    pub api_key_env: Option<String>,
    pub saved: Saved,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetFile {
    kind: String,
    format_version: u32,
    written_by: String,
    portals: Vec<PortalPart>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortalPart {
    name: String,
    api_key_env: String,
    plan: File,
}

impl Stamped for FleetFile {
    fn stamp(&self) -> (&str, u32) {
        (&self.kind, self.format_version)
    }
}

/// Just enough to tell the two kinds of saved plan apart.
#[derive(Deserialize)]
struct Kind {
    portals: Option<serde::de::IgnoredAny>,
}

/// One portal's part of a plan to save: its name and the variable of its key (both `None` for
/// a `portal:` file's one portal), its plan and the deletion limit the plan was checked
/// against.
pub struct PortalToSave<'a> {
    pub name: Option<&'a str>,
    pub api_key_env: Option<&'a str>,
    pub plan: &'a Plan,
    pub max_deletes: Option<usize>,
}

/// The saved form of the plans of a run; refused when any part would have to store a literal
/// secret.
pub fn to_json(portals: &[PortalToSave<'_>]) -> Result<String, SavedPlanError> {
    if let [part] = portals
        && part.name.is_none()
    {
        return super::one_to_json(part.plan, part.max_deletes);
    }
    let file = FleetFile {
        kind: KIND.to_string(),
        format_version: FORMAT_VERSION,
        written_by: format!("docspace-webhooks {}", env!("CARGO_PKG_VERSION")),
        portals: portals
            .iter()
            .map(|part| {
                Ok(PortalPart {
                    name: part.name.unwrap_or_default().to_string(),
                    api_key_env: part.api_key_env.unwrap_or_default().to_string(),
                    plan: file_of(part.plan, part.max_deletes)?,
                })
            })
            .collect::<Result<_, SavedPlanError>>()?,
    };
    let text = pretty(&file);
    read(&text, "the plan being saved")?;
    Ok(text)
}

/// Reads a saved plan of either kind; `path` is only for messages.
pub fn read(text: &str, path: &str) -> Result<Vec<SavedPortal>, SavedPlanError> {
    let one = |saved| {
        vec![SavedPortal {
            name: None,
            api_key_env: None,
            saved,
        }]
    };
    // A plan of one portal, the usual kind, is read in one pass. A file that is not one is
    // told apart by its `portals`, which decides whose errors are told.
    match serde_json::from_str::<File>(text) {
        Ok(file) if file.stamp() == (KIND, FORMAT_VERSION) => {
            return from_file(file, path).map(one);
        }
        Ok(_) => return super::from_json(text, path).map(one),
        Err(_) => {}
    }
    if !serde_json::from_str::<Kind>(text).is_ok_and(|k| k.portals.is_some()) {
        return super::from_json(text, path).map(one);
    }
    let file: FleetFile = parse(text, path)?;
    let inconsistent = |reason: String| SavedPlanError::Inconsistent {
        path: path.to_string(),
        reason,
    };
    if file.portals.is_empty() {
        return Err(inconsistent("it names no portal".into()));
    }
    let (mut names, mut urls) = (HashSet::new(), HashSet::new());
    let mut portals = Vec::with_capacity(file.portals.len());
    for part in file.portals {
        let PortalPart {
            name,
            api_key_env,
            plan,
        } = part;
        if !is_portal_name(&name) {
            return Err(inconsistent(format!(
                "{name:?} is not a portal name a `portals:` file can hold"
            )));
        }
        if !names.insert(name.clone()) {
            return Err(inconsistent(format!("the portal {name:?} appears twice")));
        }
        if parse_env_ref(&format!("${{{api_key_env}}}")) != Some(api_key_env.as_str()) {
            return Err(inconsistent(format!(
                "the portal {name:?} reads its key from {api_key_env:?}, which is not a variable name"
            )));
        }
        let saved = from_file(plan, path).map_err(|e| match e {
            SavedPlanError::Inconsistent { reason, .. } => {
                inconsistent(format!("portal {name:?}: {reason}"))
            }
            other => other,
        })?;
        // Exactly as `plan --out` writes a portal: its address as the client reads it.
        let portal = match PortalUrl::parse(&saved.plan.portal) {
            Ok(portal) if portal.as_str() == saved.plan.portal => portal,
            _ => {
                return Err(inconsistent(format!(
                    "the portal {name:?} is planned for {:?}, which is not a portal address as \
                     `plan` writes one",
                    crate::redact::mask_credentials(&saved.plan.portal)
                )));
            }
        };
        if !urls.insert(portal.identity()) {
            return Err(inconsistent(format!(
                "two portals are planned for {}",
                portal.as_str()
            )));
        }
        portals.push(SavedPortal {
            name: Some(name),
            api_key_env: Some(api_key_env),
            saved,
        });
    }
    Ok(portals)
}
