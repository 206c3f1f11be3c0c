//! Saved plans: `plan --out FILE` writes one, `apply FILE` carries out exactly that plan.
//!
//! Two promises, where other tools fall short:
//! - No secret values in the file. A secret is recorded only as the name of the environment
//!   variable `apply` reads; a literal `secretKey` cannot be saved at all.
//! - A plan never goes stale silently. Every change records the live webhook it was computed
//!   against; `apply` lists the portal again and refuses, writing nothing, when any webhook it
//!   would write changed since, or a webhook it would create now exists.

use serde::{Deserialize, Serialize};

use super::{Change, Plan};
use crate::api::{LiveWebhook, mask_credentials};
use crate::config::SecretRef;

/// Bumped whenever a saved plan's meaning changes; `apply` refuses any other version.
pub const FORMAT_VERSION: u32 = 1;
const KIND: &str = "docspace-webhooks saved plan";

#[derive(Serialize, Deserialize)]
struct Envelope {
    kind: String,
    format_version: u32,
    /// The tool that wrote it, for a human reading the file.
    written_by: String,
    /// `--max-deletes` when the plan was made (`null`: the default limit). `apply FILE` checks
    /// the deletion guard again with it, so an edited file cannot delete past the limit.
    max_deletes: Option<usize>,
    plan: Plan,
}

/// A saved plan as read back.
pub struct Saved {
    pub plan: Plan,
    pub max_deletes: Option<usize>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SavedPlanError {
    #[error("cannot save a plan that sends the literal secretKey of {name:?}")]
    #[diagnostic(
        code(saved_plan::literal_secret),
        help(
            "a saved plan never holds secret values: write `secretKey: ${{SOME_VAR}}` in the file and set SOME_VAR when you apply"
        )
    )]
    LiteralSecret { name: String },

    #[error("{path} is not a saved plan of docspace-webhooks: {reason}")]
    #[diagnostic(
        code(saved_plan::unreadable),
        help("make one with `docspace-webhooks plan --out FILE`")
    )]
    Unreadable { path: String, reason: String },

    #[error(
        "{path} is a saved plan of format_version {found}, but this build reads only version {FORMAT_VERSION}"
    )]
    #[diagnostic(
        code(saved_plan::version),
        help("make the plan again with this build of docspace-webhooks")
    )]
    Version { path: String, found: u32 },

    #[error("the saved plan is for {planned}, not for {target}; nothing was written")]
    #[diagnostic(
        code(saved_plan::other_portal),
        help("apply it against the portal it was made for, or make a new plan")
    )]
    OtherPortal { planned: String, target: String },

    #[error("the saved plan is stale, nothing was written:\n{}", .changes.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n"))]
    #[diagnostic(
        code(saved_plan::stale),
        help("the portal changed after the plan was made; run `plan --out` again and review it")
    )]
    Stale { changes: Vec<String> },
}

/// The saved form of `plan`. Refuses a plan that would have to store a literal secret.
pub fn to_json(plan: &Plan, max_deletes: Option<usize>) -> Result<String, SavedPlanError> {
    for change in &plan.changes {
        if let super::Op::Create(body) | super::Op::Update { body, .. } = &change.op
            && matches!(body.secret, Some(SecretRef::Literal(_)))
        {
            return Err(SavedPlanError::LiteralSecret {
                name: change.name.clone(),
            });
        }
    }
    let envelope = Envelope {
        kind: KIND.to_string(),
        format_version: FORMAT_VERSION,
        written_by: format!("docspace-webhooks {}", env!("CARGO_PKG_VERSION")),
        max_deletes,
        plan: plan.clone(),
    };
    let mut text = serde_json::to_string_pretty(&envelope).map_err(|e| {
        // Only a literal secret can fail to serialise, and that was refused above.
        SavedPlanError::Unreadable {
            path: "(plan)".into(),
            reason: e.to_string(),
        }
    })?;
    text.push('\n');
    Ok(text)
}

/// Reads a saved plan; `path` is only for messages.
pub fn from_json(text: &str, path: &str) -> Result<Saved, SavedPlanError> {
    let unreadable = |reason: String| SavedPlanError::Unreadable {
        path: path.to_string(),
        reason,
    };
    // The version is checked before the shape, so an old or newer file gets the right message.
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| unreadable(format!("not JSON ({e})")))?;
    if value.get("kind").and_then(|k| k.as_str()) != Some(KIND) {
        return Err(unreadable(format!("no `\"kind\": \"{KIND}\"`")));
    }
    let found = value.get("format_version").and_then(|v| v.as_u64());
    if found != Some(u64::from(FORMAT_VERSION)) {
        return Err(SavedPlanError::Version {
            path: path.to_string(),
            found: found.and_then(|v| u32::try_from(v).ok()).unwrap_or(0),
        });
    }
    let envelope: Envelope =
        serde_json::from_value(value).map_err(|e| unreadable(e.to_string()))?;
    Ok(Saved {
        plan: envelope.plan,
        max_deletes: envelope.max_deletes,
    })
}

/// Refuses `plan` when the portal moved on since it was made. `live` is a fresh list.
pub fn check_fresh(
    plan: &Plan,
    target_portal: &str,
    live: &[LiveWebhook],
) -> Result<(), SavedPlanError> {
    if plan.portal != target_portal {
        return Err(SavedPlanError::OtherPortal {
            planned: plan.portal.clone(),
            target: target_portal.to_string(),
        });
    }
    let changes: Vec<String> = plan
        .changes
        .iter()
        .filter_map(|c| staleness(c, live))
        .collect();
    if changes.is_empty() {
        Ok(())
    } else {
        Err(SavedPlanError::Stale { changes })
    }
}

/// What changed on the portal that this change was computed without, if anything.
fn staleness(change: &Change, live: &[LiveWebhook]) -> Option<String> {
    if let super::Op::Create(body) = &change.op {
        // Same name: a fresh plan would update it instead. Same (name, uri) without case: the
        // portal (on MySQL) would refuse the create as a duplicate.
        let lower = |s: &str| s.to_lowercase();
        let clash = |w: &&LiveWebhook| {
            w.name == body.name
                || (lower(&w.name) == lower(&body.name) && lower(&w.uri) == lower(&body.uri))
        };
        return live.iter().find(clash).map(|w| {
            format!(
                "{:?} would be created, but now exists as #{} {:?}",
                body.name, w.id, w.name
            )
        });
    }
    let before = change.before.as_ref()?;
    let Some(now) = live.iter().find(|w| w.id == before.id) else {
        return Some(format!(
            "#{} {:?} was deleted on the portal",
            before.id, before.name
        ));
    };
    let target = |w: &LiveWebhook| w.target_id.clone().filter(|t| !t.is_empty());
    let mut moved = Vec::new();
    let mut compare = |field: &str, was: String, is: String| {
        if was != is {
            moved.push(format!("{field} {was} -> {is}"));
        }
    };
    compare(
        "name",
        format!("{:?}", before.name),
        format!("{:?}", now.name),
    );
    let uri = |w: &LiveWebhook| format!("{:?}", mask_credentials(&w.uri));
    compare("uri", uri(before), uri(now));
    compare(
        "enabled",
        before.enabled.to_string(),
        now.enabled.to_string(),
    );
    compare("ssl", before.ssl.to_string(), now.ssl.to_string());
    compare(
        "triggers",
        before.triggers.to_string(),
        now.triggers.to_string(),
    );
    compare(
        "targetId",
        format!("{:?}", target(before)),
        format!("{:?}", target(now)),
    );
    (!moved.is_empty()).then(|| {
        format!(
            "#{} {:?} changed on the portal: {}",
            before.id,
            before.name,
            moved.join(", ")
        )
    })
}

/// Serde for `PlannedBody::secret`: only a variable's name is ever written.
pub(crate) mod secret_ref {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::config::SecretRef;

    #[derive(Serialize, Deserialize)]
    struct FromEnv {
        env: String,
    }

    pub fn serialize<S: Serializer>(secret: &Option<SecretRef>, s: S) -> Result<S::Ok, S::Error> {
        match secret {
            None => s.serialize_none(),
            Some(SecretRef::Env(var)) => Some(FromEnv { env: var.clone() }).serialize(s),
            Some(SecretRef::Literal(_)) => Err(serde::ser::Error::custom(
                "a literal secret cannot be saved in a plan",
            )),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretRef>, D::Error> {
        Ok(Option::<FromEnv>::deserialize(d)?.map(|f| SecretRef::Env(f.env)))
    }
}
