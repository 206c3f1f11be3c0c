//! YAML-level failures: the file could not be read as one YAML document (syntax, duplicate
//! keys, several documents, limits). Each becomes one `ParseFailure`, with a code and a hint
//! for the mistakes people make most, and a byte span converted from the parser's location.
//!
//! Invariant: messages quote the file only escaped (`escape`), so no control character in it
//! reaches the terminal.

use miette::SourceSpan;

use super::escape::escaped;
use super::span::span_of;

/// A YAML-level error: the file could not be read as one YAML document.
#[derive(Debug)]
pub(super) struct ParseFailure {
    pub span: SourceSpan,
    pub code: &'static str,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

pub(super) fn failure(err: &serde_saphyr::Error, text: &str) -> ParseFailure {
    let mut err = err;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = err
    {
        err = error;
    }
    let span = err
        .location()
        .map_or_else(|| SourceSpan::from(0..0), |l| span_of(&l, text));
    match err {
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => ParseFailure {
            span,
            code: "config::duplicate_key",
            message: match key {
                Some(k) => format!("duplicate key `{}`", escaped(k)),
                None => "duplicate key".to_string(),
            },
            label: "already used above in this mapping".to_string(),
            help: Some("each key may appear once in a mapping; merge the two entries".to_string()),
        },
        serde_saphyr::Error::MultipleDocuments { .. } => ParseFailure {
            span,
            code: "config::multiple_documents",
            message: "the file holds more than one YAML document".to_string(),
            label: "a second document starts here".to_string(),
            help: Some("keep every webhook in one document: remove the `---` line".to_string()),
        },
        serde_saphyr::Error::Budget { .. }
        | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
        | serde_saphyr::Error::AliasExpansionLimitExceeded { .. }
        | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. }
        | serde_saphyr::Error::AliasReplayCounterOverflow { .. } => ParseFailure {
            span,
            code: "config::too_complex",
            message: format!("the file is too complex to read: {}", message_of(err)),
            label: "limit reached here".to_string(),
            help: Some(
                "a webhook file needs no deep nesting and few aliases; check for an alias bomb"
                    .to_string(),
            ),
        },
        _ => ParseFailure {
            span,
            code: "config::yaml",
            message: format!("invalid YAML: {}", message_of(err)),
            label: "here".to_string(),
            help: syntax_help(text, span),
        },
    }
}

/// Hints for the two syntax errors people make most in this file.
fn syntax_help(text: &str, span: SourceSpan) -> Option<String> {
    let line_start = text[..span.offset().min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let at = text[span.offset().min(text.len())..].chars().next();
    if line.trim_start_matches(' ').starts_with('\t') {
        Some("indent with spaces: YAML does not allow tabs in indentation".to_string())
    } else if at == Some('*') {
        Some("`*` starts an alias in YAML; for every event write `\"*\"`, with quotes".to_string())
    } else {
        None
    }
}

fn message_of(err: &serde_saphyr::Error) -> String {
    use serde_saphyr::MessageFormatter;
    escaped(&serde_saphyr::UserMessageFormatter.format_message(err))
}

/// The parser's message without the text it quotes from the file (a tag, a key): for a file
/// that may hold a secret, where such a quote could be one (`secretKey: !s3cr3t` is a tag).
/// A single quoted character (`unexpected character: `@'`) stays, as it says what to fix.
pub(super) fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        match inner.find(['`', '\'']) {
            Some(close) => {
                if inner[..close].chars().count() > 1 {
                    out.push('…');
                } else {
                    out.push_str(&inner[..close]);
                }
                out.push_str(&inner[close..=close]);
                rest = &inner[close + 1..];
            }
            None => {
                out.push('…');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
