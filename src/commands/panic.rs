//! What a user sees if the tool panics (docs/faults-and-security.md): that it is a bug, where,
//! and the message only when it is a literal from this program's source. A message built at
//! run time may quote anything the program held (a secret under a key no registry knows, one
//! cut in half), which redaction could only partly remove, so it is withheld whole.

use std::any::Any;
use std::backtrace::{Backtrace, BacktraceStatus};
use std::panic::Location;

use crate::redact;

/// Replaces the default hook, which prints the payload as it is. A backtrace
/// (`RUST_BACKTRACE=1`) holds only function names and places.
pub(super) fn install(printer: super::Printer) {
    std::panic::set_hook(Box::new(move |info| {
        let mut report = report(info.payload(), info.location());
        let backtrace = Backtrace::capture();
        if backtrace.status() == BacktraceStatus::Captured {
            report.push_str(&format!("\n{backtrace}"));
        }
        printer.always(report);
    }));
}

pub(super) fn report(payload: &(dyn Any + Send), location: Option<&Location<'_>>) -> String {
    let at = location.map_or_else(
        || "an unknown place".to_string(),
        |l| format!("{}:{}:{}", l.file(), l.line(), l.column()),
    );
    let message = match payload.downcast_ref::<&'static str>() {
        Some(text) => redact::cut(&redact::clean(text), 300),
        None => "(not shown: it was built while running and could quote the file or the \
                 portal's answers, secrets included)"
            .to_string(),
    };
    format!(
        "error: internal error in docspace-webhooks at {at}: {message}\n\
         This is a bug: please report it with the command you ran (not your file or your keys)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_message_is_shown_with_its_location() {
        let payload: Box<dyn Any + Send> = Box::new("the plan has no changes\u{1b}[2J");
        let report = report(payload.as_ref(), Some(Location::caller()));
        assert!(
            report.contains("internal error in docspace-webhooks at src/commands/panic.rs:"),
            "{report}"
        );
        assert!(report.contains(": the plan has no changes"), "{report}");
        assert!(!report.contains('\u{1b}'), "{report}");
    }

    #[test]
    fn a_message_built_at_run_time_is_withheld() {
        let payload: Box<dyn Any + Send> = Box::new(format!(
            "called `Result::unwrap()` on an `Err` value: {}",
            "Zq+9/Wx=Kp7r"
        ));
        let report = report(payload.as_ref(), None);
        assert!(!report.contains("Zq+9"), "{report}");
        assert!(report.contains("not shown"), "{report}");
        assert!(report.contains("an unknown place"), "{report}");
    }
}
