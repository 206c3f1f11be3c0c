//! `only: [portal names]` in a shared entry of a `portals:` file: the portals that get the
//! entry. Whether each name is a portal of the file is checked once every portal is read
//! (`portals`), and that it stands in a shared entry by the entry check (`entry`); here only
//! its shape.

use std::collections::HashSet;

use miette::SourceSpan;

use super::checker::Checker;
use super::keys::ONLY;
use super::node::{Kind, Node};

/// A shared entry's `only:`.
pub(super) struct Only {
    /// Where `only` is written, for the error of an overlay in a portal it leaves out.
    pub key_span: SourceSpan,
    /// In file order, each with where it is written.
    pub names: Vec<(String, SourceSpan)>,
    /// The same names, to ask of each portal (a file may have thousands).
    set: HashSet<String>,
}

impl Only {
    /// Whether the portal called `portal` gets the entry.
    pub(super) fn includes(&self, portal: &str) -> bool {
        self.set.contains(portal)
    }
}

impl Checker<'_> {
    /// `only:` in a shared entry: `None` (recording a problem) when it is not a non-empty list
    /// of names.
    pub(super) fn only(&mut self, key: &Node, value: &Node) -> Option<Only> {
        let example = "e.g. `only: [production]`";
        let items = match &value.kind {
            Kind::Seq(items) => items,
            Kind::Str(s) => {
                let help = match self.quote(value, s) {
                    Some(name) => format!("write a list: `only: [{name}]`"),
                    None => example.to_string(),
                };
                self.wrong_type(value, ONLY, "a list of portal names", Some(help));
                return None;
            }
            _ => {
                self.wrong_type(value, ONLY, "a list of portal names", Some(example.into()));
                return None;
            }
        };
        if items.is_empty() {
            self.error(
                value.span,
                "config::empty_only",
                "an empty `only` list gives the entry to no portal".to_string(),
                "empty list",
                Some("list the portals that get the entry, or remove the entry".to_string()),
            );
            return None;
        }
        let mut names = Vec::new();
        let mut ok = true;
        for item in items {
            match &item.kind {
                Kind::Str(name) => {
                    if let Some((_, first)) = names.iter().find(|(n, _)| n == name) {
                        // Harmless, but a second name was most likely meant.
                        let problem = super::problem::problem_at(
                            self.source,
                            item.span,
                            "config::duplicate_only",
                            match self.quote(item, name) {
                                Some(quoted) => format!("`only` names the portal `{quoted}` twice"),
                                None => "`only` names a portal twice".to_string(),
                            },
                            "named again here".to_string(),
                            Some("name each portal once; was another portal meant?".to_string()),
                        )
                        .with_label(*first, "first".to_string());
                        self.problems.push(problem);
                        ok = false;
                    }
                    names.push((name.clone(), item.span));
                }
                other => {
                    ok = false;
                    self.error(
                        item.span,
                        "config::type",
                        format!("a portal name must be a string, not {}", other.describe()),
                        "expected a portal name",
                        Some("use the portal's key under `portals:`".to_string()),
                    );
                }
            }
        }
        ok.then(|| Only {
            key_span: key.span,
            set: names.iter().map(|(name, _)| name.clone()).collect(),
            names,
        })
    }
}
