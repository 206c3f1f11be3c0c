//! A stored body is held to the rules the config loader applies (`config::rules`): a hand-edited
//! plan cannot send a value no file could. A value the webhook already has on the portal passes
//! whatever it is, as it does when a file leaves the field out and the planner keeps it. Every
//! field is decided here (`Field::ALL`, no wildcard arm), so a new one cannot go unchecked.

use crate::api::LiveWebhook;
use crate::config::rules::{self, NameProblem};
use crate::plan::{Field, PlannedBody};
use crate::triggers::TriggerSet;

/// Refuses a value of `body` that the loader would refuse and `live` (the record an update was
/// computed against; `None` for a create) does not already hold.
pub(super) fn check(body: &PlannedBody, live: Option<&LiveWebhook>) -> Result<(), String> {
    let who = match live {
        Some(w) => format!("the update of #{}", w.id),
        None => "a create".to_string(),
    };
    let live = live.map(LiveWebhook::settings);
    for &field in Field::ALL {
        if live
            .as_ref()
            .is_some_and(|w| w.value(field) == body.value(field))
        {
            continue;
        }
        let problem = match field {
            Field::Name => match rules::check_name(&body.name) {
                Ok(()) => None,
                Err(NameProblem::Blank) => Some("a blank name".to_string()),
                Err(NameProblem::TooLong(t)) => Some(format!("a name too long: {t}")),
            },
            // The uri itself is not quoted: it may hold credentials. One read from a variable
            // stands as its placeholder, checked against the file's variable (`sensitive`).
            Field::Uri if super::sensitive::var_of(&body.uri).is_some() => None,
            Field::Uri => (rules::check_url(&body.uri).err())
                .map(|problem| format!("a uri that {}", problem.reason())),
            // A variable's name, checked as it is read (`format`); never a value.
            Field::SecretKey => None,
            // Any value a file could hold.
            Field::Enabled | Field::Ssl => None,
            // A trigger no file can name is sent only as the webhook already has it.
            Field::Triggers => {
                let had = live.as_ref().map_or(0, |w| w.triggers.bits());
                let unknown = TriggerSet::from_bits(body.triggers.bits() & !had).unknown_bits();
                (unknown != 0).then(|| {
                    format!(
                        "a trigger this version does not know (bit {})",
                        unknown.trailing_zeros()
                    )
                })
            }
            Field::TargetId => match body.target().map(rules::check_target_id) {
                Some(Err(t)) => Some(format!("a targetId too long: {t}")),
                _ => None,
            },
        };
        if let Some(problem) = problem {
            return Err(format!("{who} has {problem}"));
        }
    }
    Ok(())
}
