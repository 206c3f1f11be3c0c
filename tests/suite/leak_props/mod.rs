//! Property tests of the promise that secrets never get out, with secrets and keys drawn from
//! the whole printable ASCII range (heavy on `+ / = % & < > ' " \` and what escapes are made
//! of, so that `%2B`, `&#43;` or `\u002B` turn up inside them too).
//!
//! - Echoes: the fake portal answers with the request itself, in every spelling of `echo`, cut
//!   at a random length, as an error body, a proxy page or a redirect's `Location`, on the
//!   first attempt only or on every retry. Most cases drive the client library in-process
//!   (its retry lines, which `-v` and stderr print, and its errors as miette renders them);
//!   a few run the real binary for the channels only it has: text, JSON and Markdown plans,
//!   a saved plan, `apply`'s results, with the echo also stored as a webhook's last failure.
//! - Config files: a valid file with literal secrets, mutated (keys renamed to near misses,
//!   lines moved or duplicated, syntax errors inserted, values moved to their own line or into
//!   block scalars, a stray `|` on top); nothing `validate` or `plan` prints holds a secret.
//!
//! Case counts are fixed and small enough for the suite to stay within seconds on two cores.

mod echoes;
mod files;

use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;

pub fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: n,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

/// For the cases that run the binary (a few runs each): few shrink steps, so that even a
/// failure ends within a minute or so.
pub fn binary_cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        max_shrink_iters: 16,
        ..cases(n)
    }
}

/// Printable ASCII without the space, biased towards the characters escapes are made of.
pub fn printable(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    let special = prop::sample::select(
        b"+/=%&<>'\"\\#;:xXuU0123456789abcdefABCDEF"
            .iter()
            .map(|b| *b as char)
            .collect::<Vec<_>>(),
    );
    let any_char = (0x21u8..=0x7e).prop_map(char::from);
    prop::collection::vec(prop_oneof![2 => any_char, 3 => special], len)
        .prop_map(|chars| chars.into_iter().collect())
}

pub fn render(diagnostic: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    let _ = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, diagnostic);
    out
}
