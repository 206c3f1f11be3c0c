//! How text from the file is quoted in a message: control characters and the invisible
//! characters that could drive or spoof a terminal are escaped, and long values cut short.
//!
//! A leaf: it knows nothing of the file's structure, so every stage of the loader can use it.

use crate::redact::is_invisible_format;

/// Characters that could move the cursor, recolour the terminal or reorder a line (bidi
/// overrides, as in "Trojan Source").
pub(super) fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_invisible_format(c)
}

/// Text from the file as quoted in a message: control characters escaped, so a message cannot
/// drive the terminal, and cut short, so a huge value does not flood it.
pub(super) fn shown(text: &str) -> String {
    const MAX: usize = 60;
    let mut out = escaped(text);
    if out.chars().count() > MAX {
        out = out.chars().take(MAX).collect::<String>() + "…";
    }
    out
}

/// `text` with every control and unsafe character written as its Rust escape (`\u{1b}`), so
/// what the parser quotes, and the file's name, cannot drive the terminal. Nothing is removed.
pub(super) fn escaped(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = c.is_control() || is_unsafe(c);
            let escaped: Vec<char> = if escape {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}
