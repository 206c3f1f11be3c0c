//! `uri: ${VAR}` (docs/file-format.md): the loader keeps only the variable's name, and
//! `resolve_uris` reads every such variable before anything is planned.
//!
//! Invariant: the value is never shown. Errors name the variable and give a static reason, and
//! every value read is registered with `redact`, so no echo from outside can show it either.
//! Nor is a uri equal to one (`SecretUris`): the live uri of a webhook another entry, or none,
//! manages may hold it, on any portal of the run.

use std::collections::{HashMap, HashSet};
use std::env::VarError;
use std::sync::RwLock;

use super::desired::{Config, Document};
use super::problem::{ConfigError, problem_at, shown};
use super::rules::{UrlProblem, check_url};

impl Document {
    /// Sets the uri of every `uri: ${VAR}` entry of the portals named in `only` (every portal
    /// when it is empty, and the unnamed one always) to the variable's value: a pipeline's job
    /// for one portal holds that portal's variables only. Every variable that cannot be used is
    /// reported, at its reference in the file, once.
    pub fn resolve_uris(
        &mut self,
        lookup: &dyn Fn(&str) -> Result<String, VarError>,
        only: &[String],
    ) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        let mut reported = HashSet::new();
        let selected = |name: &Option<String>| name.as_ref().is_none_or(|n| only.contains(n));
        for portal in (self.portals.iter_mut()).filter(|p| only.is_empty() || selected(&p.name)) {
            let on = (portal.name.as_ref()).map_or(String::new(), |n| format!(" on `{n}`"));
            let config = &mut portal.config;
            let source = config.source.clone();
            for w in &mut config.webhooks {
                let (Some(var), Some(span)) = (&w.uri_var, w.uri_span) else {
                    continue;
                };
                let whose = format!("the uri of '{}'", shown(&w.label()));
                let unusable = |why: &str| {
                    let start = format!("the value of environment variable {var} ({whose})");
                    format!("{start} is not a usable uri: {why}")
                };
                let mut fix = format!(
                    "set {var} to the webhook's URL (https://...) in the environment that runs \
                     `plan` and `apply`; its value is never shown"
                );
                let (code, message) = match lookup(var) {
                    Ok(value) => {
                        crate::redact::register_uri(&value);
                        (READ.write().unwrap_or_else(|e| e.into_inner()))
                            .push((var.clone(), value.clone()));
                        match check_url(&value) {
                            // The portal refuses it (docs/docspace-api.md §13); `ssl` may come
                            // from a portal's overlay, so the portal is named.
                            Ok(url) if w.ssl == Some(true) && url.scheme() == "http" => {
                                fix = format!(
                                    "set {var} to an https:// URL, or set `ssl: false` (which also \
                                     stops the portal checking the target's certificate); its \
                                     value is never shown"
                                );
                                let why =
                                    format!("it is plain http, and `ssl: true`{on} requires https");
                                ("config::uri_var_needs_https", unusable(&why))
                            }
                            Ok(_) => {
                                w.uri = Some(value);
                                continue;
                            }
                            Err(e) => ("config::uri_var_invalid", unusable(&reason(&e))),
                        }
                    }
                    Err(VarError::NotPresent) => (
                        "config::uri_var_unset",
                        format!("environment variable {var} ({whose}) is not set"),
                    ),
                    Err(VarError::NotUnicode(_)) => (
                        "config::uri_var_not_utf8",
                        format!(
                            "environment variable {var} ({whose}) is set, but its value is not \
                             valid UTF-8"
                        ),
                    ),
                };
                // Once for each reference, but once for each portal whose `ssl` refuses it.
                if reported.insert((span.offset(), message.clone())) {
                    let label = format!("{var} is read here");
                    problems.push(problem_at(&source, span, code, message, label, Some(fix)));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::from_problems(problems))
        }
    }
}

/// Every value `Document::resolve_uris` read in this process, with its variable, whichever
/// portal's entry read it: a webhook of one portal may hold another's (staging keeps a copy of
/// production's hook). Process-wide like `redact`'s registry, which holds the same values.
static READ: RwLock<Vec<(String, String)>> = RwLock::new(Vec::new());

/// The values the `uri: ${VAR}`s were read as, each found by the uri as written and by the URL
/// it parses to (scheme and host in any case, a default port written or not), with its
/// variable: a uri equal to one either way is as secret as the variable wherever it appears,
/// in any webhook's record on any portal (docs/file-format.md). So is a uri that holds a piece
/// of one `redact` looks for in echoes (`redact::secret_pieces`: its path, a token), in any
/// case or escape: a trailing slash, a query reordered, `%61` for `a` leave the token in it.
/// No `Debug`: it holds the values.
pub struct SecretUris {
    by_uri: HashMap<String, String>,
    /// Each piece, in lower case, with its variable.
    pieces: Vec<(String, String)>,
}

impl Config {
    /// The values of this portal's `uri: ${VAR}`s, then of every other this run read
    /// (`Document::resolve_uris`): those of the portals `--portal` selects, or the saved plan
    /// holds; none before, as `show` has them.
    pub fn secret_uris(&self) -> SecretUris {
        let read = READ.read().unwrap_or_else(|e| e.into_inner());
        let own =
            (self.webhooks.iter()).filter_map(|w| Some((w.uri_var.as_ref()?, w.uri.as_ref()?)));
        let (mut by_uri, mut pieces) = (HashMap::new(), Vec::new());
        for (var, uri) in own.chain(read.iter().map(|(var, uri)| (var, uri))) {
            by_uri.entry(uri.clone()).or_insert_with(|| var.clone());
            if let Some(url) = as_url(uri) {
                by_uri.entry(url).or_insert_with(|| var.clone());
            }
            let of_var = crate::redact::secret_pieces(uri).into_iter();
            pieces.extend(of_var.map(|piece| (piece, var.clone())));
        }
        SecretUris { by_uri, pieces }
    }
}

impl SecretUris {
    /// The variable whose value `uri` is, exactly or as a URL, else whose value's piece it
    /// holds.
    pub fn var_of(&self, uri: &str) -> Option<&str> {
        if self.by_uri.is_empty() {
            return None;
        }
        let equal = (self.by_uri.get(uri)).or_else(|| self.by_uri.get(as_url(uri)?.as_str()));
        if let Some(var) = equal {
            return Some(var);
        }
        let spellings = crate::redact::spellings(uri);
        let holds = |piece: &str| spellings.iter().any(|s| s.contains(piece));
        Some(&self.pieces.iter().find(|(piece, _)| holds(piece))?.1)
    }
}

/// `uri` as the URL parser writes it back, when it parses.
fn as_url(uri: &str) -> Option<String> {
    reqwest::Url::parse(uri).ok().map(String::from)
}

/// Why a value is not a uri, without the value (a parser's reason names no part of it).
fn reason(problem: &UrlProblem) -> String {
    match problem {
        UrlProblem::Spaces => "it has leading or trailing spaces".into(),
        UrlProblem::NotAbsolute(e) => format!("it is not an absolute URL ({e})"),
        UrlProblem::Scheme(_) => "only http and https are allowed".into(),
        UrlProblem::NoHost => "it has no host".into(),
        UrlProblem::TabOrBreak => "it has a tab or a line break inside".into(),
        UrlProblem::Slashes => "it is not written as `scheme://host`".into(),
    }
}
