//! Makes text that came from the portal safe and short enough to put in an error message.
//!
//! Invariant: the output has no markup, terminal escape sequences, control characters or bidi
//! overrides, no secret in any spelling (see `redact`: decoded, then redacted, then cut), and is
//! bounded in length, whatever the portal (or a proxy in front of it) sent.

use crate::redact::Redactor;

/// Longest excerpt of a body that is not the DocSpace API.
pub(crate) const EXCERPT_CHARS: usize = 200;
/// Longest message taken from the portal's own error envelope.
pub(crate) const MESSAGE_CHARS: usize = 500;
/// How much of a body is looked at for an excerpt. The excerpt shows 200 characters; a proxy
/// page with a large script or style block still has its text well within this.
const EXCERPT_SOURCE_BYTES: usize = 256 * 1024;

/// A short, printable, redacted excerpt of a body that is not the DocSpace API.
pub(crate) fn excerpt(body: &[u8], content_type: Option<&str>, redactor: &Redactor) -> String {
    let head = &body[..body.len().min(EXCERPT_SOURCE_BYTES)];
    let text = String::from_utf8_lossy(head);
    if text.trim().is_empty() {
        return "(empty body)".into();
    }
    let html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"))
        || text.trim_start().starts_with('<');
    // Tags are taken out of a page redacted as it came: a secret echoed raw with `<...>` in
    // it would otherwise lose its middle to the tag stripper and no longer match.
    let text = if html {
        strip_html(&redactor.scrub(&text))
    } else {
        text.into_owned()
    };
    let shown = redactor.shown(&text, EXCERPT_CHARS);
    if shown.is_empty() {
        "(no readable text)".into()
    } else {
        shown
    }
}

/// Drops tags, comments and the contents of `<script>`/`<style>`, leaving a space for each.
/// Entities are left for the redactor, which decodes them with every other escape. Not an HTML
/// parser: enough to show what a proxy's error page says.
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
    out
}
