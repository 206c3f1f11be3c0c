//! What every saved plan starts with: its kind and version, the errors of reading one, and
//! the parse that checks the kind and version before the shape.

use super::format::File;

/// Bumped whenever a saved plan's format or meaning changes; `apply` refuses any other
/// version. docs/plans.md says what version 6 holds.
pub const FORMAT_VERSION: u32 = 6;
pub(super) const KIND: &str = "docspace-webhooks saved plan";
/// How `apply` ends the refusals of a plan it shares with `show` (each one's `written`): `show`,
/// which never writes, leaves it out (`Error::shown`).
pub const NOTHING_WRITTEN: &str = "; nothing was written";

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SavedPlanError {
    #[error("cannot save a plan that sends the literal secretKey of {name}")]
    #[diagnostic(
        code(saved_plan::literal_secret),
        help(
            "a saved plan never holds secret values: write `secretKey: ${{SOME_VAR}}` in the file and set SOME_VAR when you apply"
        )
    )]
    /// `name` as messages quote it (`redact::quoted`).
    LiteralSecret { name: String },

    #[error("{path} is not a saved plan of docspace-webhooks: {reason}{written}")]
    #[diagnostic(
        code(saved_plan::unreadable),
        help("make one with `docspace-webhooks plan --out FILE`")
    )]
    Unreadable {
        path: String,
        reason: String,
        written: &'static str,
    },

    #[error(
        "{path} is a saved plan of format_version {found}, but this build reads only version {FORMAT_VERSION}{written}"
    )]
    #[diagnostic(
        code(saved_plan::version),
        help(
            "a saved plan is made to be applied minutes later, by the same build: run `plan --out` again with this build of docspace-webhooks and review it"
        )
    )]
    /// `found` as written when a number, else its type.
    Version {
        path: String,
        found: String,
        written: &'static str,
    },

    #[error("{path} is not a plan this version would make: {reason}{written}")]
    #[diagnostic(
        code(saved_plan::inconsistent),
        help(
            "a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`"
        )
    )]
    Inconsistent {
        path: String,
        reason: String,
        written: &'static str,
    },

    /// `matched` names the secret by where it came from, as a refused list does.
    #[error("{path} holds {matched} in {place}, so nothing of the plan is shown or written")]
    #[diagnostic(
        code(saved_plan::echoed_secret),
        help(
            "the portal's list held it when the plan was made by a run that did not know the \
             secret, or the plan was edited: run `plan --out` again where the secret is set, \
             which refuses such a list; if that webhook really holds the value, change that \
             field on the portal, or the secret, key or uri variable it matches"
        )
    )]
    EchoedSecret {
        path: String,
        place: String,
        matched: String,
    },

    #[error(
        "{path} has SHA-256 {found}, not the {expected} given with --expect-digest; nothing was written"
    )]
    #[diagnostic(
        code(saved_plan::digest),
        help(
            "the file is not the plan that was approved: apply the approved file, or review this one and pass its digest"
        )
    )]
    Digest {
        path: String,
        expected: String,
        found: String,
    },

    #[error(
        "{path} was made from a config file of SHA-256 {planned}, but {config} has SHA-256 {found}{written}"
    )]
    #[diagnostic(
        code(saved_plan::config_digest),
        help(
            "a saved plan is applied with the reviewed file it was made from, which names every portal's URL and every variable read: give that file with -f, or run `plan --out` again with this one and review it"
        )
    )]
    ConfigDigest {
        path: String,
        config: String,
        planned: String,
        found: String,
        written: &'static str,
    },

    #[error("the saved plan is stale, nothing was written:\n{}", .changes.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n"))]
    #[diagnostic(
        code(saved_plan::stale),
        help("the portal changed after the plan was made; run `plan --out` again and review it")
    )]
    Stale { changes: Vec<String> },
}

/// What every version of the file starts with; read first, without building the rest.
#[derive(serde::Deserialize)]
struct Header<'a> {
    kind: Option<String>,
    /// Any JSON value: one of another type is an unreadable version, not a file that is not
    /// JSON.
    #[serde(borrow)]
    format_version: Option<&'a serde_json::value::RawValue>,
}

/// Whether `text` is a saved plan of any version: `plan --out` overwrites only those.
pub fn is_saved_plan(text: &str) -> bool {
    serde_json::from_str::<Header>(text).is_ok_and(|h| h.kind.as_deref() == Some(KIND))
}

/// Parses `text` as a saved plan's JSON of this version, telling what is wrong in order: not
/// JSON, not a plan, another version, the shape.
pub(super) fn parse(text: &str, path: &str) -> Result<File, SavedPlanError> {
    let unreadable = |reason: String| SavedPlanError::Unreadable {
        path: path.to_string(),
        reason,
        written: NOTHING_WRITTEN,
    };
    let header: Header = serde_json::from_str(text)
        .map_err(|e| unreadable(format!("not JSON ({})", reason_of(&e))))?;
    if header.kind.as_deref() != Some(KIND) {
        return Err(unreadable(format!("no `\"kind\": \"{KIND}\"`")));
    }
    // Reported as written: a number past u32 is not some other version's number, nor is 6.0
    // version 6. Of any other value only its type: a string may hold anything.
    let Some(found) = header.format_version.map(serde_json::value::RawValue::get) else {
        return Err(unreadable("no `format_version`".into()));
    };
    if found != FORMAT_VERSION.to_string() {
        let found = match found.as_bytes()[0] {
            // A number is ASCII; one too long to read is cut.
            b'-' | b'0'..=b'9' if found.len() > 40 => format!("{}...", &found[..40]),
            b'-' | b'0'..=b'9' => found.to_string(),
            b'"' => "(a string)".into(),
            b'[' => "(a list)".into(),
            b'{' => "(an object)".into(),
            _ => "(a boolean)".into(),
        };
        return Err(SavedPlanError::Version {
            path: path.to_string(),
            found,
            written: NOTHING_WRITTEN,
        });
    }
    serde_json::from_str(text).map_err(|e| unreadable(reason_of(&e)))
}

/// serde's reason for refusing a plan, without a string value it quotes (`invalid type: string
/// "…", expected …`): the plan is outside text, and a hand-edited one may quote a secret in
/// any place.
fn reason_of(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match (message.find(": string \""), message.rfind("\", expected")) {
        (Some(start), Some(end)) if end > start => {
            format!("{}: a string{}", &message[..start], &message[end + 1..])
        }
        _ => message,
    }
}
