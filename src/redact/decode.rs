//! The canonical form of text that came back from outside (a portal, a proxy, a target): every
//! escape decoded (JSON and JavaScript escapes, HTML entities, percent-encoding, as
//! docs/faults-and-security.md lists them), layer after layer, so a secret is found whichever
//! way it was spelled. `+` is left alone: matching reads it as a space (form encoding), but the
//! text people read keeps its plus signs.

use std::borrow::Cow;

use super::escape::is_invisible_format;

/// More layers than any real echo has (JSON in HTML in a query string is three). Text still
/// changing after this many rounds is withheld rather than shown half-decoded.
const MAX_ROUNDS: usize = 8;

/// `text` fully decoded and cleaned (see `clean`), or `None` when it keeps decoding past
/// `MAX_ROUNDS`, which no honest answer does.
pub(crate) fn normalize(text: &str) -> Option<String> {
    let mut current = clean(text);
    for _ in 0..MAX_ROUNDS {
        let next = clean(&decode_once(&current));
        if next == current {
            return Some(current);
        }
        current = next;
    }
    None
}

/// Removes terminal escape sequences, control and bidi-override characters and collapses
/// whitespace into single spaces, so text from outside cannot garble or spoof a terminal.
pub(crate) fn clean(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            match chars.next() {
                // CSI: parameters, then one final byte in @..~.
                Some('[') => {
                    chars.find(|c| ('@'..='~').contains(c));
                }
                // OSC: up to BEL or ESC \.
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            }
        } else if c.is_control() {
            plain.push(' ');
        } else if !is_invisible_format(c) {
            plain.push(c);
        }
    }
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One layer of escapes decoded, left to right. Borrowed when no escape can start in it.
fn decode_once(text: &str) -> Cow<'_, str> {
    if !text.contains(['\\', '&', '%']) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut pending = Vec::new(); // percent-decoded bytes, turned into text together
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = hex_at(bytes, i + 1, 2).and_then(|b| u8::try_from(b).ok())
        {
            pending.push(byte);
            i += 3;
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&std::mem::take(&mut pending)));
        let decoded = match bytes[i] {
            b'\\' => backslash(bytes, i),
            b'&' => entity(bytes, i),
            // `%uXXXX`, the old JavaScript `escape()` spelling.
            b'%' if matches!(bytes.get(i + 1), Some(b'u' | b'U')) => {
                hex_at(bytes, i + 2, 4).map(|code| (char_or_replacement(code), 6))
            }
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                i += len;
            }
            None => {
                // Copy up to the next byte that may start an escape (all ASCII, so this
                // always ends on a character boundary).
                let next = bytes[i + 1..]
                    .iter()
                    .position(|b| matches!(b, b'\\' | b'&' | b'%'))
                    .map_or(bytes.len(), |p| i + 1 + p);
                out.push_str(&text[i..next]);
                i = next;
            }
        }
    }
    out.push_str(&String::from_utf8_lossy(&pending));
    Cow::Owned(out)
}

/// The value of `len` hex digits at `at`, if they are all there.
fn hex_at(bytes: &[u8], at: usize, len: usize) -> Option<u32> {
    let digits = bytes.get(at..at + len)?;
    digits.iter().try_fold(0u32, |acc, b| {
        let d = (*b as char).to_digit(16)?;
        Some(acc * 16 + d)
    })
}

fn char_or_replacement(code: u32) -> char {
    char::from_u32(code).unwrap_or('\u{FFFD}')
}

/// A backslash escape at `i`: the character and how many bytes it took.
fn backslash(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let simple = |c: char| Some((c, 2));
    match *bytes.get(i + 1)? {
        b'u' | b'U' => {
            if bytes[i + 1] == b'U'
                && let Some(code) = hex_at(bytes, i + 2, 8)
            {
                return Some((char_or_replacement(code), 10));
            }
            let unit = hex_at(bytes, i + 2, 4)?;
            if (0xD800..0xDC00).contains(&unit)
                && bytes.get(i + 6) == Some(&b'\\')
                && matches!(bytes.get(i + 7), Some(b'u' | b'U'))
                && let Some(low) = hex_at(bytes, i + 8, 4).filter(|l| (0xDC00..0xE000).contains(l))
            {
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Some((char_or_replacement(code), 12));
            }
            Some((char_or_replacement(unit), 6))
        }
        b'x' | b'X' => hex_at(bytes, i + 2, 2).map(|b| (char_or_replacement(b), 4)),
        itself @ (b'"' | b'\'' | b'\\' | b'/') => simple(char::from(itself)),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'0' => simple('\0'),
        _ => None,
    }
}

/// An HTML character reference at `i`.
fn entity(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    if bytes.get(i + 1) == Some(&b'#') {
        let hex = matches!(bytes.get(i + 2), Some(b'x' | b'X'));
        let start = i + 2 + usize::from(hex);
        let radix = if hex { 16 } else { 10 };
        let digits = bytes[start..]
            .iter()
            .take_while(|b| (**b as char).is_digit(radix))
            .count();
        if digits == 0 {
            return None;
        }
        // Any number of leading zeros parses; a number past u32 is no character anyway.
        let text = std::str::from_utf8(&bytes[start..start + digits]).ok()?;
        let code = u32::from_str_radix(text, radix).unwrap_or(0xFFFD);
        let end = start + digits;
        let len = end - i + usize::from(bytes.get(end) == Some(&b';'));
        return Some((char_or_replacement(code), len));
    }
    let name_len = bytes[i + 1..]
        .iter()
        .take(24)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || bytes.get(i + 1 + name_len) != Some(&b';') {
        return None;
    }
    let name = std::str::from_utf8(&bytes[i + 1..i + 1 + name_len])
        .ok()?
        .to_ascii_lowercase();
    named(&name).map(|c| (c, name_len + 2))
}

/// The HTML5 names of the ASCII punctuation characters, plus the no-break space and the two
/// whitespace names, compared without case.
fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "excl" => '!',
        "num" => '#',
        "dollar" => '$',
        "percnt" => '%',
        "lpar" => '(',
        "rpar" => ')',
        "ast" | "midast" => '*',
        "plus" => '+',
        "comma" => ',',
        "period" => '.',
        "sol" => '/',
        "colon" => ':',
        "semi" => ';',
        "equals" => '=',
        "quest" => '?',
        "commat" => '@',
        "lsqb" | "lbrack" => '[',
        "bsol" => '\\',
        "rsqb" | "rbrack" => ']',
        "hat" => '^',
        "lowbar" | "underbar" => '_',
        "grave" | "diacriticalgrave" => '`',
        "lcub" | "lbrace" => '{',
        "verbar" | "vert" | "verticalline" => '|',
        "rcub" | "rbrace" => '}',
        "tab" => '\t',
        "newline" => '\n',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(s: &str) -> String {
        normalize(s).expect("converges")
    }

    /// Each case's text decodes to its second half.
    fn decodes(cases: &[(&str, &str)]) {
        for (spelled, decoded) in cases {
            assert_eq!(full(spelled), *decoded, "{spelled}");
        }
    }

    #[test]
    fn every_spelling_of_a_plus_decodes_to_it() {
        for spelled in [
            "a+b",
            "a\\u002Bb",
            "a\\u002bb",
            "a\\U002Bb",
            "a\\x2Bb",
            "a&#43;b",
            "a&#043;b",
            "a&#43b",
            "a&#x2B;b",
            "a&#X2b;b",
            "a&#x2b;b",
            "a&plus;b",
            "a&PLUS;b",
            "a%2Bb",
            "a%2bb",
            "a%u002Bb",
        ] {
            assert_eq!(full(spelled), "a+b", "{spelled}");
        }
    }

    #[test]
    fn layers_are_undone_one_after_another() {
        decodes(&[
            // .NET's JSON escaping inside an HTML page inside a query string.
            ("Zq%26amp%3B%2343%3B9", "Zq+9"),
            ("%255C%2575002F", "/"),
            ("&amp;quot;x&amp;quot;", "\"x\""),
        ]);
    }

    #[test]
    fn utf8_and_surrogates_decode_whole() {
        decodes(&[
            ("%C3%A9t%C3%A9", "été"),
            ("\\uD83D\\uDE00", "😀"),
            ("\\ud83d\\ude00", "😀"),
            ("\\uD83Dx", "\u{FFFD}x"),
            ("%FF", "\u{FFFD}"),
            ("&#x110000;", "\u{FFFD}"),
            ("&#0000000000000000000043;", "+"),
            ("a&#x00000000000000000041;b", "aAb"),
            ("&#99999999999;", "\u{FFFD}"),
        ]);
    }

    #[test]
    fn text_without_escapes_is_kept_and_cleaned() {
        decodes(&[
            ("100% sure & done\\", "100% sure & done\\"),
            ("a &unknown; b", "a &unknown; b"),
            ("  two\t\nlines \u{202E}x\u{1b}[31mred ", "two lines xred"),
            // A decoded control character or escape sequence is cleaned too.
            ("a\\u001b[2Jb", "ab"),
            ("a%0Ab", "a b"),
        ]);
    }

    #[test]
    fn endless_layers_are_not_decoded_forever() {
        let deep = format!("%{}41", "25".repeat(20));
        assert_eq!(normalize(&deep), None);
        assert!(normalize(&format!("%{}41", "25".repeat(3))).is_some());
    }
}
