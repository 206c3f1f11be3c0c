//! Where each line of a file starts, counted once for all of its problems: placing each
//! problem (its line and column, the lines of its snippet) by reading the file from its start
//! made a file with many problems take time in their number times its size.

use miette::SourceSpan;

use super::node;

/// Line starts, and how many characters come before each block of `BLOCK` bytes (so that a
/// column far along a long line is counted from the block it is in).
pub(super) struct Lines {
    starts: Vec<usize>,
    chars: Vec<usize>,
}

const BLOCK: usize = 4096;

#[cfg(test)]
thread_local! {
    /// Bytes read to place problems, for a test of the cost.
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

pub(super) fn scanned(_bytes: usize) {
    #[cfg(test)]
    SCANNED.with(|s| s.set(s.get() + _bytes));
}

impl Lines {
    /// YAML's line breaks: LF, CR LF and a CR alone.
    pub(super) fn new(text: &str) -> Lines {
        let breaks = (text.bytes().enumerate())
            .filter(|&(i, b)| b == b'\n' || node::lone_cr(text, i))
            .map(|(i, _)| i + 1);
        let mut chars = vec![0];
        for block in text.as_bytes().chunks(BLOCK) {
            chars.push(chars[chars.len() - 1] + char_starts(block));
        }
        Lines {
            starts: std::iter::once(0).chain(breaks).collect(),
            chars,
        }
    }

    pub(super) fn start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// The start of the line `at` is on, and its index.
    pub(super) fn line_of(&self, at: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= at) - 1;
        (self.starts[line], line)
    }

    /// The 1-based line and column (in characters) of byte `offset` of `text`.
    pub(super) fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let (start, line) = self.line_of(end);
        let column = match end - start {
            short if short <= BLOCK => {
                scanned(short);
                char_starts(&text.as_bytes()[start..end])
            }
            _ => self.chars_before(text, end) - self.chars_before(text, start),
        };
        // A byte order mark is no column an editor shows.
        let bom = usize::from(line == 0 && end > 0 && text.starts_with('\u{feff}'));
        (line + 1, column + 1 - bom)
    }

    /// The length in bytes (without its line break) of the longest line a snippet of `span`
    /// shows: its own, and one before and after it.
    pub(super) fn widest_line(&self, text: &str, span: SourceSpan) -> usize {
        let first = self.line_of(span.offset()).1.saturating_sub(1);
        let last = self.line_of(span.offset() + span.len()).1 + 1;
        let end = |line: usize| (self.starts.get(line + 1)).map_or(text.len(), |s| s - 1);
        (first..=last.min(self.starts.len() - 1))
            .map(|line| end(line) - self.starts[line])
            .max()
            .unwrap_or(0)
    }

    fn chars_before(&self, text: &str, at: usize) -> usize {
        let block = at / BLOCK;
        scanned(at - block * BLOCK);
        self.chars[block] + char_starts(&text.as_bytes()[block * BLOCK..at])
    }
}

/// The characters that start in `bytes` (UTF-8): those that are not continuation bytes.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each problem is placed and shown from the lines around it, not by reading the file
    /// from its start: 2,000 problems in a file of 2,000 entries took 30 s.
    #[test]
    fn placing_and_showing_problems_reads_each_problem_s_lines_only() {
        let entry = |i| format!("  W{i}:\n    uri: https://a.example.com/h{i}\n    enabled: yes\n");
        let text = format!("webhooks:\n{}", (0..2000).map(entry).collect::<String>());
        let err = super::super::load_document_str(&text, "w.yaml").unwrap_err();
        SCANNED.with(|s| s.set(0));
        let shown = super::super::tests::render(&err);
        let reported = err.reported();
        assert_eq!(reported.len(), 2000);
        assert_eq!(reported[1999].start, Some((6001, 14)));
        assert!(shown.contains("6001 │     enabled: yes"), "{shown}");
        let scanned = SCANNED.with(|s| s.get());
        assert!(
            scanned < 10 * text.len(),
            "{scanned} bytes for a file of {}",
            text.len()
        );
    }
}
