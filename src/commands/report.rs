//! How errors read in a CI log: the message first.
//!
//! miette's graphical handler puts a diagnostic's code (`config::invalid`) on a line of its own
//! above the message, and each related problem under an `Error: config::yaml` line. On a
//! terminal that header is coloured and easy to skip; in a pipeline log (stderr not a terminal)
//! it is the first thing a reader or a log search meets, and it says nothing they can act on.
//! So when stderr is not a terminal, diagnostics are drawn without their codes: every error, and
//! every problem under it, starts with its own message (`  x the webhook file has 2 problems`).

use std::fmt;

use miette::{Diagnostic, LabeledSpan, ReportHandler, Severity, SourceCode};

/// Wraps the handler that draws diagnostics so that they lead with their messages.
pub(super) struct MessageFirst<H>(pub H);

impl<H: ReportHandler> ReportHandler for MessageFirst<H> {
    fn debug(&self, diagnostic: &dyn Diagnostic, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return fmt::Debug::fmt(diagnostic, f);
        }
        self.draw(diagnostic, None, f)
    }
}

impl<H: ReportHandler> MessageFirst<H> {
    /// Draws `diagnostic` without its code, then each related problem the same way, separated
    /// by a blank line (drawn by miette, they would each get an `Error: code` line instead).
    fn draw(
        &self,
        diagnostic: &dyn Diagnostic,
        parent_source: Option<&dyn SourceCode>,
        f: &mut fmt::Formatter<'_>,
    ) -> fmt::Result {
        let source = diagnostic.source_code().or(parent_source);
        self.0.debug(&Uncoded { diagnostic, source }, f)?;
        for related in diagnostic.related().into_iter().flatten() {
            writeln!(f)?;
            self.draw(related, source, f)?;
        }
        Ok(())
    }
}

/// A diagnostic as it is, less its code and its related problems (drawn one by one instead).
/// `source` is its own source code or, for a related problem without one, its parent's, as
/// miette would have lent it. No diagnostic of this tool has a URL or a diagnostic source, so
/// neither is forwarded.
struct Uncoded<'a> {
    diagnostic: &'a dyn Diagnostic,
    source: Option<&'a dyn SourceCode>,
}

impl fmt::Debug for Uncoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Uncoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl std::error::Error for Uncoded<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.diagnostic.source()
    }
}

impl Diagnostic for Uncoded<'_> {
    fn severity(&self) -> Option<Severity> {
        self.diagnostic.severity()
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }
}

/// An error and its causes on one line, for a result that must fit beside its webhook.
pub(super) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}
