//! Look-alike hosts in a plan (see [`crate::idn`], docs/using.md): the punycode form beside
//! every uri whose host has non-ASCII characters, and a warning on a change that writes one
//! (the `after` of a create or an update: where DocSpace will deliver). The host never includes
//! the userinfo, so no credential reaches a warning.

use crate::idn::{self, LookalikeHost};
use crate::plan::{Action, Change, Field, Value};

/// The look-alike hosts of the uris `change` writes, with their field, in field order.
pub(super) fn warnings(change: &Change) -> impl Iterator<Item = (Field, LookalikeHost)> {
    let written = change.action() != Action::Delete;
    let fields = change.fields.iter().filter(move |_| written);
    fields.filter_map(|f| Some((f.field, lookalike(f.field, &f.after)?)))
}

fn lookalike(field: Field, value: &Value) -> Option<LookalikeHost> {
    match (field, value) {
        (Field::Uri, Value::Text(uri)) => idn::lookalike_host(uri),
        _ => None,
    }
}

/// What follows a uri value whose host is a look-alike, e.g. ` (host xn--blling-l1a.example.com)`;
/// empty for any other value. The ASCII form is plain ASCII, escaped all the same.
pub(super) fn beside(field: Field, value: &Value) -> String {
    match lookalike(field, value) {
        Some(LookalikeHost {
            ascii: Some(ascii), ..
        }) => format!(" (host {})", crate::redact::plain(&ascii)),
        Some(_) => " (host is not a valid domain name)".to_string(),
        None => String::new(),
    }
}

/// The warning for a look-alike `host` in the value of `key` (`uri`, `portal URL`).
pub(super) fn sentence(
    key: &str,
    host: &LookalikeHost,
    show: impl Fn(&str) -> String,
    show_ascii: impl Fn(&str) -> String,
) -> String {
    let shown = show(&host.host);
    match &host.ascii {
        Some(ascii) => format!(
            "look-alike host in the {key}: {shown} {}; it is {}, check that this is the host you mean",
            idn::LOOKALIKE,
            show_ascii(ascii)
        ),
        None => format!(
            "look-alike host in the {key}: {shown} {} and is not a valid domain name",
            idn::LOOKALIKE
        ),
    }
}
