//! How errors read in a CI log (stderr not a terminal): the message first. miette puts a
//! diagnostic's code (`config::invalid`) on a line above it, and each related problem under an
//! `Error: config::yaml` line: the first thing a log search meets, and nothing to act on.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, ReportHandler, Severity, SourceCode};

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
    /// Draws `diagnostic` without its code, then each related problem the same way.
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

/// A diagnostic less its code and related problems, with its own source code or its parent's,
/// as miette would lend it. No diagnostic here has a URL or a diagnostic source to forward.
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
    let causes = std::iter::successors(e.source(), |cause| cause.source());
    causes.fold(e.to_string(), |text, cause| match cause.to_string() {
        cause if text.contains(&cause) => text,
        cause => format!("{text}: {cause}"),
    })
}
