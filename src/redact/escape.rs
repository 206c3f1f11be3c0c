//! Characters that should not reach a terminal as they are: the one place that says which the
//! tool escapes when it quotes text, and how.

use super::mask_credentials;

/// Characters that show nothing of their own: Unicode 16's default-ignorable code points
/// (`DerivedCoreProperties.txt`; a rule, not a list of the ones seen so far: `U+0600`, outside
/// it, shows as a glyph) and the interlinear annotation marks. They reorder or hide what a reader
/// sees (bidi overrides, as in "Trojan Source"), and inside a secret hide it from a search.
pub(crate) fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Characters that could move the cursor, recolour the terminal or reorder a line (bidi
/// overrides, as in "Trojan Source"); line breaks and tabs are layout, not a threat.
pub(crate) fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || is_invisible_format(c)
        // The line and paragraph separators: a line break to some terminals and editors, none
        // to others, so a quoted line may split where the reader cannot see why.
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every control and unsafe character written as its Rust escape (`\u{1b}`), so
/// quoted text (a value, what a parser quotes, a file's name) cannot drive the terminal.
/// Nothing is removed.
pub(crate) fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A user string in quotes, Rust-escaped: control characters, ESC, bidi overrides and other
/// invisible characters become `\u{..}` ([`escaped`] takes those Rust counts as printable,
/// U+3164), and trailing spaces show. Credentials of a URL in it are masked: a name may be a
/// uri (`https://user:pass@host`), and names are shown everywhere.
pub(crate) fn quoted(s: &str) -> String {
    escaped(&format!("{:?}", mask_credentials(s)))
}

/// A user string where quotes would be noise (the portal, a timestamp), escaped as [`quoted`].
pub(crate) fn plain(s: &str) -> String {
    escaped(&mask_credentials(s).escape_debug().to_string())
}

/// A message (an error, as a portal's section shows it) escaped and masked as [`plain`], but
/// with quotes and backslashes as they are, so "the portal's key" does not read `portal\'s`.
pub(crate) fn message(s: &str) -> String {
    // `escape_debug` escapes a quote or backslash by putting one backslash before it.
    let kept = |c: char| usize::from(matches!(c, '\'' | '"' | '\\'));
    let debug: String = mask_credentials(s)
        .chars()
        .flat_map(|c| c.escape_debug().skip(kept(c)))
        .collect();
    escaped(&debug)
}
