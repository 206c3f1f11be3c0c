//! Stage 1 of the data flow: read the YAML file into the desired state, checking everything
//! that can be known without the portal and reporting every problem at once, at its value.
//! The files: docs/contributing.md; the format's open choices: docs/file-format.md ("Where YAML
//! leaves room"). Imports flow one way, from this file down to the leaves.

mod checker;
mod desired;
mod display;
mod entry;
mod events;
mod lines;
mod node;
mod portals;
mod problem;
pub mod rules;
pub mod schema;
mod secret;
mod secret_uris;
#[cfg(test)]
mod tests;
mod uri_var;
mod validate;
mod warnings;
pub(crate) use warnings::id_like;

use std::path::Path;
use std::sync::Arc;

use miette::SourceSpan;

use crate::bounded_read::ReadError;
use crate::redact::escaped;
use events::{Fail, Failed};

pub use desired::{Config, DesiredWebhook, Document, KEY_VAR, Key, Portal};
pub use display::Source;
pub use problem::Reported;
pub use problem::{ConfigError, MAX_FILE_BYTES, Problem, problem_at, shell_word};
pub use secret::{SecretError, SecretRef, parse_env_ref};
pub use secret_uris::SecretUris;

pub fn load_document(path: &Path) -> Result<Document, ConfigError> {
    let (text, name) = read(path)?;
    load_document_str(&text, &name)
}

/// Checks `text` as a file called `display_name` in diagnostics.
pub fn load_document_str(text: &str, display_name: &str) -> Result<Document, ConfigError> {
    if text.len() as u64 > MAX_FILE_BYTES {
        let (name, size) = (display_name.to_string(), text.len() as u64);
        return Err(ConfigError::TooLarge { name, size });
    }
    let (tree, duplicates) = match node::parse(text) {
        Ok(parsed) => parsed,
        Err(failure) => return Err(unparsed(display_name.to_string(), text, failure)),
    };
    let source = Arc::new(Source::new(display_name.to_string(), text.to_string()));
    validate::build(&tree, &source, duplicates).map_err(ConfigError::from_problems)
}

/// The text of the file at `path` and its display name.
fn read(path: &Path) -> Result<(String, String), ConfigError> {
    let name = path.display().to_string();
    let bytes = crate::bounded_read::regular(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::Io(source) => ConfigError::io(path, source),
        ReadError::NotRegular(kind) => ConfigError::NotRegular {
            name: name.clone(),
            kind,
        },
        ReadError::TooLarge(size) => ConfigError::TooLarge {
            name: name.clone(),
            size,
        },
    })?;
    // What Windows PowerShell 5 writes with `>` (UTF-16), or UTF-32: a byte order mark, or NULs
    // beside an ASCII first character. ASCII in it is valid UTF-8 with NULs between characters.
    let ascii = |c: u8| c.is_ascii_graphic() || c.is_ascii_whitespace();
    let utf32 = bytes.starts_with(b"\xff\xfe\0\0")
        || bytes.starts_with(b"\0\0\xfe\xff")
        || matches!(bytes[..], [0, 0, 0, c, ..] | [c, 0, 0, 0, ..] if ascii(c));
    let utf16 = bytes.starts_with(b"\xff\xfe")
        || bytes.starts_with(b"\xfe\xff")
        || matches!(bytes[..], [0, c, ..] | [c, 0, ..] if ascii(c));
    let wide = [(utf32, "UTF-32"), (utf16, "UTF-16")]
        .into_iter()
        .find(|w| w.0);
    let (text, span) = match String::from_utf8(bytes) {
        Ok(text) if wide.is_none() => return Ok((text, name)),
        Ok(text) => (text, SourceSpan::from(0..0)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // The lossy copy has U+FFFD where the first bad byte was.
            (text, SourceSpan::from(at..at + '\u{FFFD}'.len_utf8()))
        }
    };
    // A wide file is told at its start: UTF-32BE's first bad byte is its third.
    let (kind, span) = match wide {
        Some((_, wide)) => (Fail::Wide(wide), SourceSpan::from(0..0)),
        None => (Fail::NotUtf8, span),
    };
    Err(unparsed(name, &text, Failed { kind, span }))
}

/// The error for a file that could not be read as YAML. Its values cannot be located, so when
/// it may hold a secret none of its lines is shown (nor any text the parser quoted from it),
/// and the message says where instead. Invariant: the parser's messages are quoted only escaped
/// (`redact::escaped`), so no control character from the file reaches the terminal.
fn unparsed(file: String, text: &str, failed: Failed) -> ConfigError {
    let span = match &failed.kind {
        Fail::Yaml(message) if message.contains("tab") => {
            node::indenting_tab(text, failed.span.offset())
                .map_or(failed.span, |at| SourceSpan::from(at..at + 1))
        }
        _ => failed.span,
    };
    let (code, mut message, label, help) = match failed.kind {
        Fail::MultipleDocuments => (
            "config::multiple_documents",
            "the file holds more than one YAML document".to_string(),
            "a second document starts here",
            Some(
                "keep every webhook in one document: remove the `---` line, or the `...` line and what follows it",
            ),
        ),
        Fail::TooComplex(message) => (
            "config::too_complex",
            format!("the file is too complex to read: {}", escaped(&message)),
            "limit reached here",
            Some("a webhook file needs no deep nesting and few aliases; check for an alias bomb"),
        ),
        Fail::Yaml(message) => (
            "config::yaml",
            format!("invalid YAML: {}", escaped(&message)),
            "here",
            node::syntax_help(text, span),
        ),
        Fail::NotUtf8 => (
            "config::encoding",
            "the file is not UTF-8 text".to_string(),
            "not UTF-8",
            Some("save the file as UTF-8"),
        ),
        Fail::Wide(wide) => (
            "config::encoding",
            format!("the file is {wide} text, not UTF-8"),
            wide,
            Some("save the file as UTF-8"),
        ),
    };
    let mut help = help.map(str::to_string);
    let display = display::display_unparsed(text);
    let snippet = display.is_some();
    if !snippet {
        let (line, column) = lines::Lines::new(text).line_column(text, span.offset());
        let unquoted = node::unquoted(&message);
        message = format!("{unquoted} (at {}:{line}:{column})", escaped(&file));
        let why = "the file's lines are not shown: it may hold a secret or credentials, which \
                   cannot be told apart from the rest in a file that does not parse";
        help = Some(match help {
            Some(help) => format!("{help}\n{why}"),
            None => why.to_string(),
        });
    }
    let shown = display.unwrap_or_else(|| display::blanked(text));
    let source = Arc::new(Source::with_display(file, shown));
    let problem = problem_at(&source, span, code, message, label.to_string(), help);
    ConfigError::from_problems(vec![problem.with_snippet(snippet)])
}
