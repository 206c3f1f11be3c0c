//! `--target KEY`: which entries of the file a plan covers.
//!
//! A key is matched against the entries' keys as written in the file: a name key by its text,
//! an id key by its digits (`--target 9846`). A key that matches no entry is an error naming the
//! closest key, before the portal is contacted: a typo must not quietly plan nothing.
//!
//! The entries left out still count as managed (the planner matches every entry), so the live
//! webhooks they manage are neither listed as unmanaged nor deleted. `--target` with `--prune`
//! is refused on the command line anyway.

use crate::config::{Config, Key};

/// For each entry of the file, in file order, whether the plan covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection(Vec<bool>);

impl Selection {
    /// Every entry: a plan without `--target`.
    pub fn all(config: &Config) -> Selection {
        Selection(vec![true; config.webhooks.len()])
    }

    /// For each of `configs` (one per portal; a key may be one portal's only), the entries
    /// keyed by one of `keys`, every entry when `keys` is empty; refused with the keys none of
    /// `configs` has, each named with the closest key of them all.
    pub fn of_each(configs: &[&Config], keys: &[String]) -> Result<Vec<Selection>, UnknownTarget> {
        let written: Vec<Vec<String>> = configs
            .iter()
            .map(|c| c.webhooks.iter().map(|w| key_text(&w.key)).collect())
            .collect();
        let unknown: Vec<Unknown> = keys
            .iter()
            .filter(|k| !written.iter().any(|w| w.contains(k)))
            .map(|k| Unknown {
                key: k.clone(),
                closest: closest(k, &written.concat()),
            })
            .collect();
        if let (false, Some(first)) = (unknown.is_empty(), configs.first()) {
            return Err(UnknownTarget {
                file: first.source.name().to_string(),
                unknown,
            });
        }
        Ok(written
            .iter()
            .map(|w| {
                Selection(
                    w.iter()
                        .map(|k| keys.is_empty() || keys.contains(k))
                        .collect(),
                )
            })
            .collect())
    }

    pub fn includes(&self, entry: usize) -> bool {
        self.0.get(entry).copied().unwrap_or(false)
    }

    /// How many entries the plan does not cover.
    pub fn left_out(&self) -> usize {
        self.0.iter().filter(|covered| !**covered).count()
    }
}

/// A key as the file writes it.
fn key_text(key: &Key) -> String {
    match key {
        Key::Name(name) => name.clone(),
        Key::Id(id) => id.to_string(),
    }
}

/// The key of the file most like `wanted`, whatever the distance: the user meant one of them.
fn closest(wanted: &str, keys: &[String]) -> Option<String> {
    let lower = wanted.to_lowercase();
    keys.iter()
        .map(|k| (strsim::jaro_winkler(&lower, &k.to_lowercase()), k))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub key: String,
    pub closest: Option<String>,
}

/// `--target` named keys the file does not have. Each is named with the closest key there is.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}", self.message())]
#[diagnostic(
    code(plan::unknown_target),
    help(
        "--target takes an entry's key as written in the file: a name, or an id; nothing was planned"
    )
)]
pub struct UnknownTarget {
    pub file: String,
    pub unknown: Vec<Unknown>,
}

impl UnknownTarget {
    fn message(&self) -> String {
        let each: Vec<String> = self
            .unknown
            .iter()
            .map(|u| {
                let closest = match &u.closest {
                    Some(k) => format!("the closest key is {k:?}"),
                    None => "the file has no entries".to_string(),
                };
                format!(
                    "--target {:?}: no entry of {} has this key ({closest})",
                    u.key, self.file
                )
            })
            .collect();
        each.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Document, load_document_str};

    fn of(config: &Config, keys: &[String]) -> Result<Selection, UnknownTarget> {
        Selection::of_each(&[config], keys).map(|mut s| s.remove(0))
    }

    fn config() -> Config {
        load_document_str(
            "webhooks:\n  Billing: {}\n  9846: {}\n  \"7\": {}\n  Crm: {}\n",
            "webhooks.yaml",
        )
        .and_then(Document::single)
        .unwrap()
    }

    #[test]
    fn keys_select_entries_as_written_names_and_ids_alike() {
        let config = config();
        let s = of(&config, &["Billing".into(), "9846".into()]).unwrap();
        assert_eq!(s, Selection(vec![true, true, false, false]));
        assert_eq!(s.left_out(), 2);
        // A quoted number is a name, and is selected by its text too.
        let s = of(&config, &["7".into(), "7".into()]).unwrap();
        assert_eq!(s, Selection(vec![false, false, true, false]));
        assert_eq!(of(&config, &[]).unwrap().left_out(), 0);
    }

    #[test]
    fn an_unknown_key_names_the_closest_one() {
        let config = config();
        let e = of(&config, &["biling".into(), "Crm".into(), "9847".into()]).unwrap_err();
        let message = e.to_string();
        assert!(
            message.contains(
                "--target \"biling\": no entry of webhooks.yaml has this key (the closest key is \"Billing\")"
            ),
            "{message}"
        );
        assert!(
            message.contains("--target \"9847\"") && message.contains("closest key is \"9846\""),
            "{message}"
        );
        assert!(
            !message.contains("\"Crm\":"),
            "a known key is not reported: {message}"
        );
    }
}
