//! What a plan tells a reviewer beyond its changes: what `apply` will read from the
//! environment, the secrets it will not send, the entries `--target` left out, and creates that
//! look like renames, which the planner records (`diff`). A note only ever explains; the
//! variables `apply` reads are derived from the changes (`Plan::secrets_needed`), so they
//! cannot disagree with what is sent.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::config::SecretRef;
use crate::health::SecretVerdict;

use super::{Action, Change, Named, Plan};

/// The notes of one plan; a saved plan stores them as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    /// Entries of the file that `--target` left out: neither compared nor written.
    pub left_out: usize,
    /// Webhooks whose entry sets `secretKey` but that get no secret from this plan (unchanged,
    /// or only enabled): the portal never returns secrets, so whether they differ is unknown.
    pub secrets_not_sent: Vec<Named>,
    /// Creates whose uri a live webhook that no entry manages already has.
    pub renames: Vec<RenameHint>,
    /// `--verify-secrets`: what the delivery log said of each managed webhook's secret.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets_checked: Vec<SecretChecked>,
}

/// The file's secret checked against a webhook's latest signed delivery
/// (`health::check_secret`): its verdict, and `detail` on what evidence. Neither holds a secret
/// or a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretChecked {
    pub id: i32,
    pub name: String,
    pub verdict: SecretVerdict,
    pub detail: String,
}

/// A create that may be meant as a rename: a live webhook no entry manages has its uri.
/// Creating (and, with `--prune`, deleting the old) loses the old one's id and delivery
/// history; keying the entry by that id renames it instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameHint {
    /// The name the plan creates.
    pub create: String,
    /// The live webhook with the same uri.
    pub id: i32,
    pub name: String,
    /// This plan deletes that webhook (`--prune`).
    pub deleted: bool,
}

impl Plan {
    /// The environment variables `apply` reads for the secrets it sends, each once, in the
    /// order of the changes: a sensitive uri's (`uri: ${VAR}`), then the `secretKey`'s.
    pub fn secrets_needed(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.changes
            .iter()
            .flat_map(|c| [c.uri_var.as_deref(), c.secret().and_then(SecretRef::var)])
            .flatten()
            .filter(|var| seen.insert(*var))
            .collect()
    }

    /// The line a plan without changes says, true to what was compared: only the targeted
    /// entries with `--target`, and never the secrets.
    pub fn no_changes_line(&self) -> String {
        let whom = if self.notes.left_out > 0 {
            "the targeted entries of the file"
        } else {
            "the file"
        };
        if self.notes.secrets_not_sent.is_empty() {
            format!("No changes. The portal matches {whom}.")
        } else {
            format!(
                "No changes. The portal matches {whom} in every compared field; secrets are \
                 not compared."
            )
        }
    }

    /// The rename hints about `change`, a create (no other change has any).
    pub fn renames_of<'a>(&'a self, change: &'a Change) -> impl Iterator<Item = &'a RenameHint> {
        let create = change.action() == Action::Create;
        self.notes
            .renames
            .iter()
            .filter(move |r| create && r.create == change.name())
    }
}
