//! A problem as data, for the machine-readable reports (`validate --format json|github`, and
//! `plan`'s file problems): where it is as line and column, and the same words the diagnostic
//! shows.
//!
//! Nothing here reads the file again: the position is counted in the display copy every
//! `Problem` already points into (secrets blanked, see `display`), which keeps the file's byte
//! offsets, and the message and help are the diagnostic's own, written by this crate. So the
//! reports can hold no text the diagnostics would not show.

use miette::Diagnostic;

use super::escape::escaped;
use super::problem::{ConfigError, Problem};
use super::span::line_column;

/// One problem of the file, ready for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    /// The file as the diagnostics name it.
    pub file: String,
    /// 1-based line and column (in characters) of the start and the end of what the problem
    /// points at; `None` for a problem with the file as a whole (it cannot be read).
    pub start: Option<(usize, usize)>,
    pub end: Option<(usize, usize)>,
    /// The stable code, e.g. `config::unknown_field`.
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub warning: bool,
}

impl Problem {
    pub fn reported(&self) -> Reported {
        let text = self.source().inner();
        let span = self.span();
        Reported {
            file: self.source().name().to_string(),
            start: Some(line_column(text, span.offset())),
            end: Some(line_column(text, span.offset() + span.len())),
            code: self.code(),
            message: self.message().to_string(),
            help: self.help_text().map(str::to_string),
            warning: self.is_warning(),
        }
    }
}

impl ConfigError {
    /// Every problem this error reports, in the order the diagnostic shows them.
    pub fn reported(&self) -> Vec<Reported> {
        let whole = |file: String| Reported {
            file,
            start: None,
            end: None,
            code: "config::io",
            message: with_cause(self),
            help: self.help().map(|h| h.to_string()),
            warning: false,
        };
        match self {
            ConfigError::Invalid { problems, .. } => {
                problems.iter().map(Problem::reported).collect()
            }
            ConfigError::Io { path, .. } => vec![whole(escaped(&path.display().to_string()))],
            ConfigError::TooLarge { name, .. } => vec![Reported {
                code: "config::too_large",
                ..whole(name.clone())
            }],
        }
    }
}

/// The error's message followed by its cause, as the diagnostic shows them one under the other.
fn with_cause(error: &ConfigError) -> String {
    match std::error::Error::source(error) {
        Some(cause) => format!("{error}: {cause}"),
        None => error.to_string(),
    }
}
