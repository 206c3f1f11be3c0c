//! Every color the tool uses, in one place. Output goes through anstream, which drops these
//! escapes when the stream is not a terminal, NO_COLOR is set or `--color never` was given.

use anstyle::{AnsiColor, Style};

pub const CREATE: Style = AnsiColor::Green.on_default();
pub const UPDATE: Style = AnsiColor::Yellow.on_default();
pub const DELETE: Style = AnsiColor::Red.on_default();
pub const ADDED: Style = AnsiColor::Green.on_default();
pub const REMOVED: Style = AnsiColor::Red.on_default();
/// A note the reviewer should read before approving (e.g. a failing target).
pub const WARN: Style = AnsiColor::Yellow.on_default();
pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const OK: Style = AnsiColor::Green.on_default().bold();
pub const FAILED: Style = AnsiColor::Red.on_default().bold();

/// Whether what is written through `anstream::stdout()` keeps its colors: the same decision
/// anstream makes (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, a terminal or not). The text plan
/// is laid out for it: emphasis on a terminal, marker lines where there is no color.
pub fn stdout_colored() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}
