//! `uri: ${VAR}` (docs/file-format.md): the loader keeps only the variable's name, and
//! `resolve_uris` reads every such variable before anything is planned.
//!
//! Invariant: the value is never shown. Errors name the variable and give a static reason, and
//! every value read is registered with `redact`, so no echo from outside can show it either.
//! Nor is a uri equal to one (`SecretUris`): the live uri of a webhook another entry, or none,
//! manages may hold it, on any portal of the run.

use std::collections::HashSet;
use std::env::VarError;
use std::sync::Arc;

use super::desired::{Config, Document};
use super::problem::{ConfigError, problem_at, shown};
use super::rules::check_url;
use super::secret_uris::{Found, RunUris, SecretUris};

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
        // The run's other secrets (`register_secrets`): the portal would store the one a uri
        // holds, send it with every delivery, and list it, which refuses every later list.
        let secrets = crate::redact::Registered::now();
        let mut read = Found::default();
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
                    Ok(value) if value.is_empty() => {
                        fix.push_str(
                            "; a pipeline passes a secret that is not defined as an empty string",
                        );
                        let message = format!("environment variable {var} ({whose}) is empty");
                        ("config::uri_var_empty", message)
                    }
                    Ok(value) if secrets.in_text(&value, false).is_some() => {
                        let source = secrets.in_text(&value, false).unwrap_or_default();
                        fix = format!(
                            "the portal lists a webhook's uri as it is and sends each delivery to \
                             it: set {var} to a uri without {}; its value is never shown",
                            match source == crate::redact::TOO_DEEP {
                                true => "so many layers of escapes (`%25` for `%`, ...; 8 at most)",
                                false => "that secret, or change the secret",
                            }
                        );
                        let message = format!(
                            "the value of environment variable {var} ({whose}) holds {source}"
                        );
                        ("config::secret_in_field", message)
                    }
                    Ok(value) => {
                        crate::redact::register_uri(&value, var);
                        read.add(var, &value);
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
                            Err(e) => (
                                "config::uri_var_invalid",
                                unusable(&format!("it {}", e.reason())),
                            ),
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
        let read = RunUris(Arc::new(read));
        for portal in &mut self.portals {
            portal.config.run_uris = read.clone();
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::from_problems(problems))
        }
    }
}

impl Config {
    /// Whether a live uri may be secret for this portal: the run read a `uri: ${VAR}` (of any
    /// portal), or one of its entries reads one (set or not). Without either, `secret_uris`
    /// finds none, and a plan need not match entries to look.
    pub fn may_hide_uris(&self) -> bool {
        !self.run_uris.0.is_empty() || self.webhooks.iter().any(|w| w.uri_var.is_some())
    }

    /// The secret uris as this portal's plans see them: the values of every portal of the run
    /// (`resolve_uris`; none before, as `show` has them), and the uris its entries write.
    pub fn secret_uris(&self) -> SecretUris<'_> {
        let literal = (self.webhooks.iter())
            .filter(|w| w.uri_var.is_none())
            .filter_map(|w| w.uri.as_deref())
            .collect();
        SecretUris {
            run: &self.run_uris.0,
            replaced: Found::default(),
            literal,
        }
    }
}
