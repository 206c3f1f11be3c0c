//! What changed inside a string value (`name`, `uri`, `targetId`), so a reviewer does not have
//! to find a one-character difference in two long strings by eye.
//!
//! The diff is computed on the display strings, each side escaped exactly as
//! [`quoted`] prints it (uris arrive masked from the planner), so every range
//! and column refers to what is on the screen: an escape such as `\u{1b}` counts as the
//! characters it prints, a wide (East Asian, emoji) character as two columns, and a combining
//! or invisible character is already escaped into visible text. Escaped strings hold no
//! newline, so the line-based inline diff of `similar` sees exactly one line per side.

use std::ops::Range;

use similar::{ChangeTag, InlineChangeMode, InlineChangeOptions, TextDiff};
use unicode_width::UnicodeWidthStr;

use crate::plan::{Action, Field, FieldChange, Value};
use crate::redact::quoted;
use crate::redact::{common, merged};

/// A changed value wider than this many columns (either side, quotes excluded) is shown as an
/// old line and a new line, aligned, rather than `old -> new`.
pub(super) const LONG: usize = 40;

/// Past this many bytes on a side, the character diff is skipped (its cost grows with the
/// product of the lengths, and portal strings are unbounded) and the stretch between the
/// common prefix and suffix is marked as one change.
const EXACT_LIMIT: usize = 2_000;

/// What the planner appends to a uri whose only change is its credentials (`plan::values`):
/// masked, both sides read the same, so that change keeps today's `old -> new` form.
const CREDENTIALS_CHANGED: &str = " (credentials changed)";

/// The inline diff of a string field an update changes; `None` for any other field change.
pub(super) fn of_field(action: Action, f: &FieldChange) -> Option<InlineDiff> {
    match (action, f.field, &f.before, &f.after) {
        (
            Action::Update,
            Field::Name | Field::Uri | Field::TargetId,
            Value::Text(old),
            Value::Text(new),
        ) if old != new && new.strip_suffix(CREDENTIALS_CHANGED) != Some(old.as_str()) => {
            Some(InlineDiff::new(old, new))
        }
        _ => None,
    }
}

/// The changed byte ranges of the old and of the new display text.
type Changed = (Vec<Range<usize>>, Vec<Range<usize>>);

/// One side of a changed value: its display text and the byte ranges of it that changed.
pub(super) struct Side {
    pub text: String,
    pub changed: Vec<Range<usize>>,
}

pub(super) struct InlineDiff {
    pub old: Side,
    pub new: Side,
}

impl InlineDiff {
    /// Diffs two raw values (as the plan holds them; uris already masked).
    pub(super) fn new(old: &str, new: &str) -> InlineDiff {
        let (old, new) = (inner(old), inner(new));
        let refined = (old.len().max(new.len()) <= EXACT_LIMIT).then(|| refined(&old, &new));
        let (old_changed, new_changed) =
            refined.flatten().unwrap_or_else(|| outer_span(&old, &new));
        let side = |text, changed| Side { text, changed };
        InlineDiff {
            old: side(old, old_changed),
            new: side(new, new_changed),
        }
    }

    /// Whether the value is shown on two aligned lines.
    pub(super) fn is_long(&self) -> bool {
        self.old.text.width().max(self.new.text.width()) > LONG
    }

    /// The marker line, as columns counted from the first character after the opening quote:
    /// `^` under the first and the last changed character of either side (both sides are
    /// printed starting at the same column). A deletion marks the characters removed from the
    /// old line, an insertion those added to the new one. Empty when nothing changed.
    pub(super) fn markers(&self) -> String {
        let cols: Vec<(usize, usize)> = [&self.old, &self.new]
            .into_iter()
            .filter_map(Side::columns)
            .collect();
        let (Some(first), Some(last)) = (
            cols.iter().map(|c| c.0).min(),
            cols.iter().map(|c| c.1).max(),
        ) else {
            return String::new();
        };
        // `repeat`, not a format width: widths past u16::MAX panic.
        let mut line = " ".repeat(first) + "^";
        if last > first {
            line.push_str(&" ".repeat(last - first - 1));
            line.push('^');
        }
        line
    }
}

impl Side {
    /// The columns of the first and of the last changed character (a wide character is
    /// marked at its first column).
    fn columns(&self) -> Option<(usize, usize)> {
        let (first, last) = (self.changed.first()?, self.changed.last()?);
        let last_char = self.text[..last.end].char_indices().next_back()?.0;
        Some((
            self.text[..first.start].width(),
            self.text[..last_char].width(),
        ))
    }
}

/// `s` as `quoted` prints it, without the quotes.
fn inner(s: &str) -> String {
    let q = quoted(s);
    q[1..q.len() - 1].to_string()
}

/// The changed ranges from `similar`'s inline refinement (characters, with its semantic
/// cleanup so scattered one-letter matches inside a rewrite do not fragment the emphasis).
/// `None` when it finds nothing to emphasise.
fn refined(old: &str, new: &str) -> Option<Changed> {
    let diff = TextDiff::configure().diff_lines(old, new);
    let mut options = InlineChangeOptions::new();
    options
        .mode(InlineChangeMode::Chars)
        .semantic_cleanup(true)
        .min_ratio(0.0);
    let (mut old_changed, mut new_changed) = (Vec::new(), Vec::new());
    for op in diff.ops() {
        for change in diff.iter_inline_changes_with_options_deadline(op, options, None) {
            let ranges = match change.tag() {
                ChangeTag::Delete => &mut old_changed,
                ChangeTag::Insert => &mut new_changed,
                ChangeTag::Equal => continue,
            };
            let mut at = 0;
            for (emphasized, piece) in change.values() {
                if *emphasized && !piece.is_empty() {
                    ranges.push(at..at + piece.len());
                }
                at += piece.len();
            }
        }
    }
    // Touching pieces become one range, painted as one.
    (!old_changed.is_empty() || !new_changed.is_empty())
        .then(|| (merged(old_changed), merged(new_changed)))
}

/// Everything between the common prefix and the common suffix, on each side.
fn outer_span(old: &str, new: &str) -> Changed {
    let prefix = common(old.chars(), new.chars());
    let suffix = common(old[prefix..].chars().rev(), new[prefix..].chars().rev());
    let span = |s: &str| Vec::from_iter(Some(prefix..s.len() - suffix).filter(|r| !r.is_empty()));
    (span(old), span(new))
}
