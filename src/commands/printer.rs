//! Stderr, written from one place: every diagnostic, note and progress line a command shows
//! goes through a `Printer`, which owns `--quiet`.
//!
//! Stdout is the work (a plan, a config, apply's report: `Output`); stderr tells what happens
//! around it. With `--quiet` only what a failed run must say stays: errors (each portal's
//! failure included), apply's report once stdout no longer takes it, the writes that may be in
//! flight when a second signal ends the run, and a panic's report. Warnings of the file,
//! notes (a saved plan read or written and its digest, an export written, a pause for the rate
//! limit, a retry, `-v`'s request lines, the first signal's message) and the progress line
//! are left out. The exit code never depends on what was printed.

use std::fmt::Display;
use std::io::{IsTerminal, Write};

/// Where stderr output goes; `Copy`, so the signal watcher and a client's event sink hold
/// their own.
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
        let _ = writeln!(anstream::stderr(), "{line}");
    }

    /// Whether a progress line may be drawn: on a terminal, without `--quiet`.
    pub fn progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }
}
