//! The edits that make the display copy of a file (`mask`): ranges masked as `***`, spans
//! rewritten shorter, control characters neutralised, every byte kept in its place.

use std::ops::Range;

use super::escape::is_unsafe;

/// What to change in the display copy: ranges to mask, and spans to replace by a shorter text.
#[derive(Default)]
pub(super) struct Edits {
    masked: Vec<Range<usize>>,
    rewritten: Vec<(Range<usize>, String)>,
}

impl Edits {
    pub(super) fn mask(&mut self, span: miette::SourceSpan) {
        self.mask_range(span.offset()..span.offset() + span.len());
    }

    pub(super) fn mask_range(&mut self, range: Range<usize>) {
        if range.start < range.end {
            self.masked.push(range);
        }
    }

    /// `range` (on one line) shows `with` instead, padded with spaces to its length.
    pub(super) fn rewrite(&mut self, range: Range<usize>, with: String) {
        self.rewritten.push((range, with));
    }

    pub(super) fn apply(&self, text: &str) -> String {
        let mut masked = vec![false; text.len()];
        for r in &self.masked {
            let end = r.end.min(text.len());
            masked[r.start.min(end)..end].fill(true);
        }
        let mut rewritten: Vec<&(Range<usize>, String)> = self
            .rewritten
            .iter()
            .filter(|(r, _)| !masked[r.start..r.end].contains(&true))
            .collect();
        rewritten.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut out = String::with_capacity(text.len());
        let mut stars = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            while rewritten.last().is_some_and(|(r, _)| r.start < i) {
                rewritten.pop();
            }
            if let Some((range, with)) = rewritten.last().filter(|(r, _)| r.start == i) {
                out.push_str(with);
                out.extend(std::iter::repeat_n(' ', range.len() - with.len()));
                while chars.next_if(|(j, _)| *j < range.end).is_some() {}
                rewritten.pop();
                continue;
            }
            // Each line of a masked run shows one `***` where its text starts, then spaces.
            if masked[i] && c != '\n' && c != '\r' && (stars > 0 || !c.is_whitespace()) {
                if stars == 0 {
                    stars = 1;
                }
                for _ in 0..c.len_utf8() {
                    out.push(if (1..=3).contains(&stars) { '*' } else { ' ' });
                    stars += 1;
                }
                continue;
            }
            if !masked[i] || c == '\n' {
                stars = 0;
            }
            if is_unsafe(c) {
                out.extend(std::iter::repeat_n('?', c.len_utf8()));
            } else {
                out.push(c);
            }
        }
        out
    }
}
