//! Uris as secret as a `uri: ${VAR}`'s value (docs/file-format.md): the values read, and how
//! another uri is found to equal one or hold a piece of it.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

/// The values the `uri: ${VAR}`s were read as, each found by the uri as written and by the URL
/// it parses to (scheme and host in any case, a default port written or not), with its
/// variable: a uri equal to one either way is as secret as the variable wherever it appears,
/// in any webhook's record on any portal (docs/file-format.md). So is a uri that holds a piece
/// of one `redact` looks for in echoes (`redact::secret_pieces`: a token, a path that holds
/// one), in any case or escape: a trailing slash, a query reordered, `%61` for `a` leave the
/// token in it. No `Debug`: it holds the values.
#[derive(Default)]
pub(super) struct Found {
    by_uri: HashMap<String, String>,
    /// Each piece, in lower case, with its variable.
    pieces: Vec<(String, String)>,
}

impl Found {
    pub(super) fn add(&mut self, var: &str, uri: &str) {
        if self.by_uri.contains_key(uri) {
            return;
        }
        self.by_uri.insert(uri.to_string(), var.to_string());
        if let Some(url) = as_url(uri) {
            self.by_uri.entry(url).or_insert_with(|| var.to_string());
        }
        let of_var = crate::redact::secret_pieces(uri).into_iter();
        self.pieces
            .extend(of_var.map(|piece| (piece, var.to_string())));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.by_uri.is_empty()
    }

    fn equal(&self, uri: &str) -> Option<&str> {
        if self.by_uri.is_empty() {
            return None;
        }
        let found = (self.by_uri.get(uri)).or_else(|| self.by_uri.get(as_url(uri)?.as_str()));
        found.map(String::as_str)
    }

    fn holding(&self, spellings: &[String]) -> Option<&str> {
        let holds = |piece: &str| {
            spellings
                .iter()
                .any(|s| crate::redact::holds_piece(s, piece))
        };
        Some(&self.pieces.iter().find(|(piece, _)| holds(piece))?.1)
    }
}

/// Every value `Document::resolve_uris` read, of every portal: a webhook of one portal may
/// hold another's (staging keeps a copy of production's hook). Each portal of the run shares
/// it; empty before the values are read, as `show` has them.
#[derive(Clone, Default)]
pub(super) struct RunUris(pub(super) Arc<Found>);

impl fmt::Debug for RunUris {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RunUris({} read)", self.0.by_uri.len())
    }
}

/// A portal's view of the secret uris (`Config::secret_uris`).
pub struct SecretUris<'c> {
    /// Every value the run read, the portal's own among them.
    pub(super) run: &'c Found,
    /// The live uris of the webhooks whose entries read their uri from a variable: the values
    /// those variables held before (`replaced`), none until the portal is listed.
    pub(super) replaced: Found,
    /// The uris its entries write in the file: in the repository already, and the reviewer's
    /// to read, so never hidden for a piece they share (Teams hooks share `webhookb2`).
    pub(super) literal: HashSet<&'c str>,
}

impl SecretUris<'_> {
    /// Adds `uri`, the live uri of a webhook whose entry reads its uri from `var`: the value
    /// `var` held before, as secret as the one it holds now, wherever it appears.
    pub fn replaced(&mut self, var: &str, uri: &str) {
        self.replaced.add(var, uri);
    }

    /// The variable whose value (or value before) `uri` is, exactly or as a URL, else whose
    /// value's piece it holds (unless the portal's file writes `uri` itself).
    pub fn var_of(&self, uri: &str) -> Option<&str> {
        let found = [self.run, &self.replaced];
        if let Some(var) = found.iter().find_map(|f| f.equal(uri)) {
            return Some(var);
        }
        if self.literal.contains(uri) || found.iter().all(|f| f.pieces.is_empty()) {
            return None;
        }
        // As the URL parser writes it too: `:443` gone, the host in lower case.
        let mut spellings = crate::redact::spellings(uri);
        spellings.extend(
            as_url(uri)
                .iter()
                .flat_map(|url| crate::redact::spellings(url)),
        );
        found.iter().find_map(|f| f.holding(&spellings))
    }
}

/// `uri` as the URL parser writes it back, when it parses.
fn as_url(uri: &str) -> Option<String> {
    reqwest::Url::parse(uri).ok().map(String::from)
}
