//! Pairs each entry of the file with the live webhook it manages. Names are not unique
//! (docs/docspace-api.md §15): a name key is trusted only when it names exactly one live
//! webhook, anything ambiguous is an error at the entry, never a guess, and every problem is
//! collected so the user fixes the file in one pass.

use std::collections::HashMap;

use crate::api::LiveWebhook;
use crate::config::{Config, ConfigError, Key, Problem, problem_at};
use crate::redact::quoted;

/// What an entry of the file manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Match<'c> {
    /// The live webhook at this index of the list.
    Live(usize),
    /// None yet: the entry is keyed by this name, which no live webhook has, so it is created.
    New(&'c str),
}

impl Match<'_> {
    /// The index in the live list of the webhook this entry manages, if there is one yet.
    pub(super) fn live_index(&self) -> Option<usize> {
        match self {
            Match::Live(i) => Some(*i),
            Match::New(_) => None,
        }
    }
}

/// For each entry in file order, what it manages, or why it manages nothing.
pub(super) fn match_entries<'c>(
    config: &'c Config,
    live: &[LiveWebhook],
) -> Vec<Result<Match<'c>, Problem>> {
    let mut matched = Vec::with_capacity(config.webhooks.len());
    // Indexed once: a portal may have thousands of webhooks, and each entry looks up one.
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_id: HashMap<i32, usize> = HashMap::new();
    for (i, w) in live.iter().enumerate() {
        by_name.entry(w.name.as_str()).or_default().push(i);
        by_id.insert(w.id, i);
    }
    // Which entry first claimed a live webhook, to catch two entries landing on one.
    let mut claimed: HashMap<usize, usize> = HashMap::new();

    for (entry_index, entry) in config.webhooks.iter().enumerate() {
        let found = match &entry.key {
            Key::Id(id) => match by_id.get(id) {
                Some(&i) => Match::Live(i),
                None => {
                    matched.push(Err(problem_at(
                        &config.source,
                        entry.span,
                        "plan::unknown_id",
                        format!("no live webhook has id {id}"),
                        "not on the portal".into(),
                        Some(
                            "an integer key names an existing webhook; key the entry by name \
                             to create it"
                                .into(),
                        ),
                    )));
                    continue;
                }
            },
            Key::Name(name) => {
                let hits = by_name.get(name.as_str()).map_or(&[][..], Vec::as_slice);
                match hits {
                    [] => Match::New(name),
                    [one] => Match::Live(*one),
                    many => {
                        let ids: Vec<String> =
                            many.iter().map(|&i| live[i].id.to_string()).collect();
                        matched.push(Err(problem_at(
                            &config.source,
                            entry.span,
                            "plan::ambiguous_name",
                            format!(
                                "{} live webhooks are named {} (ids {})",
                                many.len(),
                                quoted(name),
                                ids.join(", ")
                            ),
                            "matches more than one webhook".into(),
                            Some(format!(
                                "key the entry by id instead, e.g. `{}:`, and add an entry \
                                 per webhook you mean to manage",
                                ids[0]
                            )),
                        )));
                        continue;
                    }
                }
            }
        };
        if let Match::Live(live_index) = found {
            if let Some(&first) = claimed.get(&live_index) {
                let w = &live[live_index];
                matched.push(Err(problem_at(
                    &config.source,
                    entry.span,
                    "plan::claimed_twice",
                    format!(
                        "this entry and {} both manage webhook {} ({})",
                        config.webhooks[first].label(),
                        w.id,
                        quoted(&w.name)
                    ),
                    "second entry for the same webhook".into(),
                    Some("keep one entry per webhook".into()),
                )));
                continue;
            }
            claimed.insert(live_index, entry_index);
        }
        matched.push(Ok(found));
    }
    matched
}

/// Every entry's match, or all the problems at once.
pub(super) fn all<'c>(
    matched: Vec<Result<Match<'c>, Problem>>,
) -> Result<Vec<Match<'c>>, ConfigError> {
    let (found, problems): (Vec<_>, Vec<_>) = matched.into_iter().partition(Result::is_ok);
    match problems.is_empty() {
        true => Ok(found.into_iter().flatten().collect()),
        false => Err(ConfigError::from_problems(
            problems.into_iter().filter_map(Result::err).collect(),
        )),
    }
}
