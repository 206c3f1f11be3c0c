//! The approval between what a command shows and what it writes (`apply`, `redeliver`): given
//! (`--auto-approve`), or the `yes` prompt's. Asked, nothing is approved that was not shown (a
//! closed stdout refuses) or without a terminal to ask on; only `yes` approves.

use std::io::{BufRead, IsTerminal, Write};

use super::Output;
use crate::Error;

#[derive(Debug, Clone, Copy)]
pub(super) enum Asking {
    Apply,
    Redeliver,
}

/// Approves the writes just shown: `given` (`--auto-approve`, a saved plan), or asked for. Either
/// way a blank line then parts them from the lines of the writes.
pub(super) fn approve(out: &mut Output, asking: Asking, given: bool) -> Result<(), Error> {
    if given {
        let _ = writeln!(out);
        return Ok(());
    }
    let (question, no_terminal, not_shown, cancelled) = match asking {
        Asking::Apply => (
            "Do you want to apply these changes?",
            Error::NoTerminal,
            Error::PlanNotShown,
            Error::Cancelled,
        ),
        Asking::Redeliver => (
            "Do you want to resend these deliveries?",
            Error::RedeliverNoTerminal,
            Error::ListNotShown,
            Error::RedeliverCancelled,
        ),
    };
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(no_terminal);
    }
    let _ = write!(out, "\n{question} Only 'yes' will be accepted: ");
    let _ = out.flush();
    // Nobody can approve what they were not shown.
    if out.lost().is_some() {
        return Err(not_shown);
    }
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).map_err(Error::Prompt)?;
    if answer.trim() != "yes" {
        return Err(cancelled);
    }
    // A reader that left after the question reached its pipe (`| head -1`) shows only at the
    // next write: this line's end.
    let _ = writeln!(out);
    let _ = out.flush();
    match out.lost() {
        Some(_) => Err(not_shown),
        None => Ok(()),
    }
}
