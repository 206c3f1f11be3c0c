//! The warning for a `uri` whose host has non-ASCII characters (see [`crate::idn`]): it loads,
//! since such a host can be meant, but a reviewer should see what it resolves to.

use super::parse_error::shown;
use super::{Config, DesiredWebhook, Problem, problem_at};
use crate::idn;

/// The warning for `w`'s uri, when its host is a look-alike. Only the host is quoted, never
/// the userinfo.
pub(super) fn lookalike_uri(config: &Config, w: &DesiredWebhook) -> Option<Problem> {
    let found = idn::lookalike_host(w.uri.as_deref()?)?;
    let resolves = match &found.ascii {
        Some(ascii) => format!("it is `{}`", shown(ascii)),
        None => "it is not a valid domain name".to_string(),
    };
    let problem = problem_at(
        &config.source,
        w.span,
        "config::lookalike_host",
        format!(
            "the uri of '{}' has a look-alike host: `{}` {}",
            shown(&w.label()),
            shown(&found.host),
            idn::LOOKALIKE
        ),
        "look-alike host in this entry's uri".to_string(),
        Some(format!(
            "{resolves}: check that this is the host you mean, since DocSpace sends every event \
             to it"
        )),
    );
    Some(problem.warning())
}
