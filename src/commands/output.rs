//! Stdout is the work (`Output`); stderr tells what happens around it (`Printer`, the one place
//! that writes it, which owns `--quiet`: docs/using.md).
//!
//! Rust ignores SIGPIPE, so once the reader goes away (`| head -1`) every write fails with
//! EPIPE. That must never stop the work or change its exit code (docs/exit-codes.md): a failed
//! write is recorded here rather than returned, the rest of the output is dropped, and each
//! command decides what the loss means (`record`, `finish`, `commands::main`).

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};
use std::sync::{Mutex, PoisonError};

use indicatif::ProgressBar;

use crate::Error;

pub struct Output {
    inner: Box<dyn Write>,
    printer: Printer,
    /// The first error stdout gave; nothing is written after it.
    lost: Option<io::Error>,
    /// Whether stderr was told that the report continues there.
    moved: bool,
}

impl Output {
    pub fn new(inner: impl Write + 'static, printer: Printer) -> Output {
        Output {
            inner: Box::new(inner),
            printer,
            lost: None,
            moved: false,
        }
    }

    pub fn printer(&self) -> Printer {
        self.printer
    }

    pub fn lost(&self) -> Option<&io::Error> {
        self.lost.as_ref()
    }

    pub fn take_lost(&mut self) -> Option<io::Error> {
        self.lost.take()
    }

    /// Writes one line of a record that must not be lost (what apply did to the portal): to
    /// stdout while it takes output, to stderr once it does not.
    pub fn record(&mut self, line: &str) {
        let _ = writeln!(self, "{line}");
        let _ = self.flush();
        let Some(lost) = &self.lost else {
            return;
        };
        if !self.moved {
            self.printer.always(format_args!(
                "stdout stopped taking output ({lost}); the report continues here:"
            ));
            self.moved = true;
        }
        self.printer.always(line);
    }

    /// For a command whose output is its work (export, schema): all of it reached stdout.
    pub fn finish(&mut self, what: &'static str) -> Result<(), Error> {
        let _ = self.flush();
        match &self.lost {
            Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Error::OutputClosed { what }),
            // Any other loss fails the run in `commands::main`, with its reason.
            _ => Ok(()),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.lost.is_none()
            && let Err(e) = self.inner.write_all(buf)
        {
            self.lost = Some(e);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.lost.is_none()
            && let Err(e) = self.inner.flush()
        {
            self.lost = Some(e);
        }
        Ok(())
    }
}

/// Apply's progress line while it is drawn: stderr lines go above it, not onto its end.
static PROGRESS: Mutex<Option<ProgressBar>> = Mutex::new(None);

pub(super) fn show_progress(bar: Option<ProgressBar>) {
    *PROGRESS.lock().unwrap_or_else(PoisonError::into_inner) = bar;
}

/// Runs `write` with the progress line, if shown, cleared; `Printer` lines written meanwhile
/// (from `write` or another thread) go straight out.
pub(super) fn above_progress(write: impl FnOnce()) {
    match PROGRESS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
    {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// `Copy`, so the signal watcher and a client's event sink hold their own.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    quiet: bool,
}

impl Printer {
    pub fn new(quiet: bool) -> Printer {
        Printer { quiet }
    }

    /// An error, drawn as the diagnostic it is: always shown.
    pub fn error(&self, error: impl miette::Diagnostic + Send + Sync + 'static) {
        self.always(format_args!("{:?}", miette::Report::new(error)));
    }

    /// A warning (of the file), drawn as a diagnostic: not with `--quiet`.
    pub fn warn(&self, warning: impl miette::Diagnostic + Send + Sync + 'static) {
        self.note(format_args!("{:?}", miette::Report::new(warning)));
    }

    /// A line telling what happens: not with `--quiet`.
    pub fn note(&self, line: impl Display) {
        if !self.quiet {
            self.always(line);
        }
    }

    /// A line a failed or cut-short run must show, `--quiet` or not.
    pub fn always(&self, line: impl Display) {
        let line = line.to_string();
        let write = || {
            drop(writeln!(
                anstream::stderr(),
                "{}",
                crate::redact::guarded(&line)
            ))
        };
        // Busy (`above_progress`) while the progress line is cleared: written straight out.
        match PROGRESS.try_lock().as_deref() {
            Ok(Some(bar)) => bar.suspend(write),
            _ => write(),
        }
    }

    /// Whether a progress line may be drawn: on a terminal, without `--quiet`.
    pub fn progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader has gone: every write fails as a closed pipe does.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_stdout_is_recorded_not_returned() {
        let mut out = Output::new(Closed, Printer::new(false));
        assert!(writeln!(out, "Plan: 1 to create").is_ok());
        assert!(writeln!(out, "more").is_ok());
        assert_eq!(
            out.lost().map(io::Error::kind),
            Some(io::ErrorKind::BrokenPipe)
        );
        assert!(matches!(
            out.finish("export"),
            Err(Error::OutputClosed { what: "export" })
        ));
    }

    #[test]
    fn an_open_stdout_finishes() {
        let mut out = Output::new(Vec::new(), Printer::new(false));
        writeln!(out, "webhooks:").unwrap();
        assert!(out.finish("export").is_ok());
        assert!(out.lost().is_none());
    }
}
