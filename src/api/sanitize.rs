//! Makes text that came from the portal safe and short enough to put in an error message.
//!
//! Invariant: the output has no markup, terminal escape sequences, control characters or bidi
//! overrides, and is bounded in length, whatever the portal (or a proxy in front of it) sent.

/// Longest excerpt of a body that is not the DocSpace API.
pub(crate) const EXCERPT_CHARS: usize = 200;
/// Longest message taken from the portal's own error envelope.
pub(crate) const MESSAGE_CHARS: usize = 500;

/// A short, printable excerpt of a body that is not the DocSpace API.
pub(crate) fn excerpt(body: &[u8], content_type: Option<&str>) -> String {
    let text = String::from_utf8_lossy(body);
    if text.trim().is_empty() {
        return "(empty body)".into();
    }
    let html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"))
        || text.trim_start().starts_with('<');
    let text = if html {
        strip_html(&text)
    } else {
        text.into_owned()
    };
    let cleaned = clean(&text, EXCERPT_CHARS);
    if cleaned.is_empty() {
        "(no readable text)".into()
    } else {
        cleaned
    }
}

/// Drops tags, comments and the contents of `<script>`/`<style>`, and decodes the common
/// entities. Not an HTML parser: enough to show what a proxy's error page says.
fn strip_html(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
        } else if let Some(skip) = ["script", "style"]
            .iter()
            .find(|t| rest.starts_with(&format!("<{t}")))
        {
            let close = format!("</{skip}");
            i += rest.find(&close).map_or(rest.len(), |e| {
                e + rest[e..].find('>').map_or(rest.len() - e, |g| g + 1)
            });
            out.push(' ');
        } else if rest.starts_with('<') {
            i += rest.find('>').map_or(rest.len(), |e| e + 1);
            out.push(' ');
        } else {
            let next = rest.find('<').unwrap_or(rest.len());
            out.push_str(&html[i..i + next]);
            i += next;
        }
    }
    [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(out, |s, (from, to)| s.replace(from, to))
}

/// Removes terminal escape sequences, control and bidi-override characters, collapses
/// whitespace and cuts to `max` characters, so portal text cannot garble or spoof the terminal.
pub(crate) fn clean(text: &str, max: usize) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            match chars.next() {
                // CSI: parameters, then one final byte in @..~.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
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
        } else if !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            plain.push(c);
        }
    }
    let collapsed = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
