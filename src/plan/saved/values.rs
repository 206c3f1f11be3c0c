//! A stored body is held to the rules the config loader applies (`config::rules`): a hand-edited
//! plan cannot send a value no file could. A value the webhook already has on the portal passes
//! whatever it is, as it does when a file leaves the field out and the planner keeps it.

use crate::api::LiveWebhook;
use crate::config::rules::{self, MAX_NAME_CHARS, MAX_TARGET_CHARS, NameProblem, UrlProblem};
use crate::plan::PlannedBody;

/// Refuses a value of `body` that the loader would refuse and `live` (the record an update was
/// computed against; `None` for a create) does not already hold.
pub(super) fn check(body: &PlannedBody, live: Option<&LiveWebhook>) -> Result<(), String> {
    let who = match live {
        Some(w) => format!("the update of #{}", w.id),
        None => "a create".to_string(),
    };
    let kept = |same: fn(&LiveWebhook, &PlannedBody) -> bool| live.is_some_and(|w| same(w, body));

    if !kept(|w, b| w.name == b.name) {
        match rules::check_name(&body.name) {
            Ok(()) => {}
            Err(NameProblem::Blank) => return Err(format!("{who} has a blank name")),
            Err(NameProblem::TooLong { chars }) => {
                return Err(format!(
                    "{who} has a name of {chars} characters (at most {MAX_NAME_CHARS})"
                ));
            }
        }
    }
    if !kept(|w, b| w.uri == b.uri) {
        // The uri itself is not quoted: it may hold credentials.
        let problem = match rules::check_url(&body.uri) {
            Ok(_) => None,
            Err(UrlProblem::Spaces) => Some("leading or trailing spaces"),
            Err(UrlProblem::NotAbsolute(_)) => Some("not an absolute URL"),
            Err(UrlProblem::Scheme(_)) => Some("a scheme other than http or https"),
            Err(UrlProblem::NoHost) => Some("no host"),
        };
        if let Some(problem) = problem {
            return Err(format!("{who} has a uri with {problem}"));
        }
    }
    if !kept(|w, b| w.target_id == b.target_id)
        && let Some(Err(chars)) = body.target_id.as_deref().map(rules::check_target_id)
    {
        return Err(format!(
            "{who} has a targetId of {chars} characters (at most {MAX_TARGET_CHARS})"
        ));
    }
    // A trigger no file can name is sent only as the webhook already has it.
    let new_bits = body.triggers.bits() & !live.map_or(0, |w| w.triggers.bits());
    let unknown = crate::triggers::TriggerSet::from_bits(new_bits).unknown_bits();
    if unknown != 0 {
        return Err(format!(
            "{who} has a trigger this version does not know (bit {})",
            unknown.trailing_zeros()
        ));
    }
    Ok(())
}
