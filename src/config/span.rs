//! Byte spans in the file's text: from the YAML parser's locations, and back to the line and
//! column a person reads.
//!
//! A leaf: the node tree (`node`) and the parser's failures (`parse_error`) both take their
//! spans from here.

use miette::SourceSpan;
use serde_saphyr::Location;

/// Byte span of a location. serde-saphyr gives byte offsets for values read from a string,
/// but its parser errors carry only character offsets, so those are converted here.
pub(super) fn span_of(location: &Location, text: &str) -> SourceSpan {
    if *location == Location::UNKNOWN {
        return SourceSpan::from(0..0);
    }
    let span = location.span();
    if let (Some(offset), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = clamp(offset, text);
        let end = clamp(offset.saturating_add(len), text);
        return SourceSpan::from(start..end);
    }
    let start = byte_of_char(text, span.offset());
    let end = byte_of_char(text, span.offset().saturating_add(span.len()));
    SourceSpan::from(start..end.max(start))
}

fn clamp(offset: u64, text: &str) -> usize {
    usize::try_from(offset).map_or(text.len(), |o| o.min(text.len()))
}

fn byte_of_char(text: &str, chars: u64) -> usize {
    let chars = usize::try_from(chars).unwrap_or(usize::MAX);
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// The 1-based line and column (in characters) of byte `offset`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}
