//! Problems with a file that loaded: the warnings (docs/file-format.md, "Warnings"), and a
//! secret that `apply` could not resolve, shown where the file asks for it.

use std::sync::Arc;

use miette::SourceSpan;

use super::KEY_VAR;
use super::desired::{Config, DesiredWebhook, Document, Key};
use super::display::Source;
use super::problem::{Problem, problem_at, shown};
use super::secret::{POLICY, SecretError, SecretRef};
use crate::idn;

impl Document {
    /// The warnings for this file, in file order. They are about what the file writes: an entry
    /// of a `portals:` file is looked at as written, once, however many portals get it.
    pub fn warnings(&self) -> Vec<Problem> {
        let source = &self.source;
        // The variables that hold a portal's API key: each portal's, and DOCSPACE_API_KEY,
        // which a `portals:` file does not read but a shell may still hold.
        let mut key_vars: Vec<&str> = (self.portals.iter())
            .map(|p| p.api_key_var.as_str())
            .collect();
        key_vars.push(KEY_VAR);
        // The host the API key is sent to (issue 19).
        let mut out: Vec<Problem> = (self.portals.iter())
            .filter_map(|p| {
                let (url, span) = p.config.portal.as_ref()?;
                let subject = || match &p.name {
                    Some(name) => format!("the url of portal '{}'", shown(name)),
                    None => "the portal URL".to_string(),
                };
                let label = "look-alike host in the portal's address";
                lookalike(
                    source,
                    *span,
                    url,
                    subject,
                    label,
                    "the API key is sent to it",
                )
            })
            .collect();
        for w in &self.written {
            if let Some(SecretRef::Literal(_)) = w.secret {
                out.push(warning(
                    source,
                    w.span,
                    "config::literal_secret",
                    format!("the secretKey of '{}' is written in the file", w.label()),
                    "secret written literally in this entry",
                    "read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`",
                ));
            }
            // Every delivery would be signed with the admin key, and the target would hold it.
            if let (Some(SecretRef::Env(var)), Some(span)) = (&w.secret, w.secret_span)
                && key_vars.contains(&var.as_str())
            {
                out.push(warning(
                    source,
                    span,
                    "config::key_as_secret",
                    format!(
                        "the secretKey of '{}' is read from {var}, which holds a portal's API key",
                        w.label()
                    ),
                    "an API key as a webhook secret",
                    "the target of the webhook would learn the admin key: give the webhook a secret of its own",
                ));
            }
            // A uri read from a variable is never quoted, not even its host.
            let literal_uri = w.uri.as_deref().filter(|_| w.uri_var.is_none());
            out.extend(literal_uri.and_then(|uri| {
                let subject = || format!("the uri of '{}'", shown(&w.label()));
                let label = "look-alike host in this entry's uri";
                lookalike(
                    source,
                    w.span,
                    uri,
                    subject,
                    label,
                    "DocSpace sends every event to it",
                )
            }));
            out.extend(literal_uri.and_then(|uri| secret_in_uri(source, w, uri)));
            let warned = match &w.key {
                Key::Name(name) => id_like(name)
                    .map(|(m, help)| (m, format!("{help} to manage the webhook with that id"))),
                Key::Id(id) => {
                    let at = w.span.offset()..w.span.offset() + w.span.len();
                    zero_led(source.text().get(at).unwrap_or(""), *id)
                }
            };
            if let Some((message, help)) = warned {
                out.push(warning(
                    source,
                    w.span,
                    "config::quoted_id",
                    message,
                    if matches!(w.key, Key::Id(_)) {
                        "an id"
                    } else {
                        "a name"
                    },
                    help,
                ));
            }
        }
        out.sort_by_key(|w| w.span().offset());
        out
    }
}

/// The message and help of a name that looks like an id: a positive integer quoted, or a
/// number in YAML 1.1 only (`yaml_1_1_number`). Ids are positive: no webhook has the id `0` or
/// `-1`, so such a name is no slip.
pub(crate) fn id_like(name: &str) -> Option<(String, String)> {
    if let Some(id) = name.parse::<i32>().ok().filter(|id| *id > 0) {
        let message = format!("\"{name}\" is quoted, so it is a webhook name, not an id");
        return Some((message, format!("write {id} without quotes")));
    }
    let id = yaml_1_1_number(name)?;
    let message = format!(
        "`{name}` is a webhook name, not an id: written plain, YAML 1.1 read it as the number \
         {id}; this tool reads YAML 1.2"
    );
    Some((message, format!("write {id}")))
}

/// The number YAML 1.1 reads `name`, written plain, as, when YAML 1.2 reads it as a string:
/// `9_846`, `+9_846`, `0b11`, `0x26_76`, `0_17` (octal) and base 60 (`2:44:06`), positive.
fn yaml_1_1_number(name: &str) -> Option<i32> {
    let unsigned = name.strip_prefix('+').unwrap_or(name);
    let number = |text: &str, radix: u32| {
        let digits = text.chars().all(|c| c == '_' || c.is_digit(radix));
        let value = i32::from_str_radix(&text.replace('_', ""), radix).ok();
        value.filter(|_| digits && !text.is_empty())
    };
    let id = if let Some(hex) = unsigned.strip_prefix("0x") {
        number(hex, 16)?
    } else if let Some(bits) = unsigned.strip_prefix("0b") {
        number(bits, 2)?
    } else if let Some((head, tail)) = unsigned.split_once(':') {
        // `[1-9][0-9_]*(:[0-5]?[0-9])+`
        let mut id = number(head, 10).filter(|_| !head.starts_with(['0', '_']))?;
        for part in tail.split(':') {
            let sixty = part.len() <= 2 && part.chars().all(|c| c.is_ascii_digit());
            let part: i32 = part.parse().ok().filter(|p| sixty && *p < 60)?;
            id = id.checked_mul(60)?.checked_add(part)?;
        }
        id
    } else if let Some(octal) = unsigned.strip_prefix('0') {
        number(octal, 8)?
    } else {
        number(unsigned, 10).filter(|_| !unsigned.starts_with('_'))?
    };
    // What YAML 1.2 reads as a number is an id already, not a name.
    let hex_1_2 =
        (name.strip_prefix("0x")).is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
    let plain_1_2 = unsigned.chars().all(|c| c.is_ascii_digit()) || hex_1_2;
    (id > 0 && !plain_1_2).then_some(id)
}

/// An id key written with a leading zero (`0755:`): the id its digits spell (755), as YAML 1.2
/// and `--target 0755` read it, but YAML 1.1, which other tools reading the file may use, read
/// it as octal (493; `007` is 7 either way), or as a string when a digit is 8 or 9 (`09846`).
fn zero_led(written: &str, id: i32) -> Option<(String, String)> {
    if written.len() < 2
        || !written.starts_with('0')
        || !written.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let read = match i64::from_str_radix(written, 8) {
        Ok(octal) if octal == i64::from(id) => return None,
        Ok(octal) => format!("the number {octal} (octal)"),
        Err(_) => "a string, a webhook name".to_string(),
    };
    let message = format!(
        "`{written}` is the id {id}, but written plain, YAML 1.1 read it as {read}; this tool \
         reads YAML 1.2"
    );
    Some((
        message,
        format!("write {id}, which every YAML version reads as that id"),
    ))
}

fn warning(
    source: &Arc<Source>,
    span: SourceSpan,
    code: &'static str,
    message: String,
    label: &str,
    help: impl Into<String>,
) -> Problem {
    problem_at(source, span, code, message, label.into(), Some(help.into())).warning()
}

/// `w`'s literal `uri`, when its query carries a secret (`?token=...`): it is masked wherever
/// the uri is shown, but it is in the file, and so in every copy of it; a variable keeps it out.
fn secret_in_uri(source: &Arc<Source>, w: &DesiredWebhook, uri: &str) -> Option<Problem> {
    let names = crate::redact::secret_param_names(uri);
    if names.is_empty() {
        return None;
    }
    let names: Vec<String> = names.iter().map(|n| format!("`{}`", shown(n))).collect();
    Some(warning(
        source,
        w.uri_span.unwrap_or(w.span),
        "config::secret_in_uri",
        format!(
            "the uri of '{}' carries a secret in its query ({})",
            shown(&w.label()),
            names.join(", ")
        ),
        "a secret in the file",
        "read the whole uri from the environment instead, e.g. `uri: ${BILLING_HOOK_URI}`: \
         no output shows it then",
    ))
}

/// The look-alike warning for `text` (a uri or a portal's address), when its host has
/// non-ASCII characters. Only the host is quoted, never the userinfo. The `subject` is only
/// made for a warning to show: every entry of the file is looked at, and few have one.
fn lookalike(
    source: &Arc<Source>,
    span: SourceSpan,
    text: &str,
    subject: impl FnOnce() -> String,
    label: &str,
    sent: &str,
) -> Option<Problem> {
    let found = idn::lookalike_host(text)?;
    let resolves = match &found.ascii {
        Some(ascii) => format!("it is `{}`", shown(ascii)),
        None => "it is not a valid domain name".to_string(),
    };
    let (subject, host) = (subject(), shown(&found.host));
    Some(warning(
        source,
        span,
        "config::lookalike_host",
        format!(
            "{subject} has a look-alike host: `{host}` {}",
            idn::LOOKALIKE
        ),
        label,
        format!("{resolves}: check that this is the host you mean, since {sent}"),
    ))
}

impl Config {
    /// `error` at the `secretKey` that reads its variable for the webhook `id`/`name` (the entry
    /// whose key names it, else the first that reads it).
    pub fn secret_problem(
        &self,
        error: &SecretError,
        id: Option<i32>,
        name: &str,
    ) -> Option<Problem> {
        let var = error.var();
        let reads = |w: &&DesiredWebhook| matches!(&w.secret, Some(SecretRef::Env(v)) if v == var);
        let names = |w: &&DesiredWebhook| match &w.key {
            Key::Id(key) => Some(*key) == id,
            Key::Name(key) => key == name,
        };
        let entry = self
            .webhooks
            .iter()
            .filter(reads)
            .find(names)
            .or_else(|| self.webhooks.iter().find(reads))?;
        let set = match error {
            SecretError::Unset { .. } => "in the environment that runs `apply`".to_string(),
            SecretError::NotUtf8 { .. } => format!("to the secret as text ({POLICY})"),
            SecretError::Policy { .. } => format!("to what the server accepts ({POLICY})"),
        };
        Some(problem_at(
            &self.source,
            entry.secret_span?,
            error.code_str(),
            error.to_string(),
            format!("{var} is read here"),
            Some(format!("set {var} {set}, or change `secretKey` here")),
        ))
    }
}
