//! The last guard of what the tool itself prints: every line of stderr and every path shown
//! passes through `guarded`, behind `Redactor::scrub` where outside text was read. It finds a
//! registered secret as the list check does (`Registered::in_text`), but hides it where it
//! stands rather than withholding the text.

use std::borrow::Cow;
use std::ops::Range;

use super::{
    REDACTED, Registered, TOO_DEEP, credentials, hidden, holds_nothing_to_decode, matching_form,
    message, needles_of,
};

/// `text` with every registered secret replaced by `[redacted]`, in any case, and each word that
/// holds one decoded (`guarded_marks`): the last guard of what reaches stderr, behind
/// `Redactor::scrub` where outside text is read, and of every path shown on stdout (`path`).
pub fn guarded(text: &str) -> Cow<'_, str> {
    let marks = guarded_ranges(text);
    if marks.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(credentials::replaced(text, &marks, REDACTED))
}

/// Where `guarded` would replace `text`, in order: the webhook file's snippets blank these
/// themselves, each byte in its place, so the marks under a line stay under their text.
pub fn guarded_ranges(text: &str) -> Vec<Range<usize>> {
    credentials::merged(guarded_marks(text).into_iter().map(|(r, _)| r).collect())
}

/// Where a secret `guarded` hides in `text` comes from (`register`), the first one's: the
/// API key's hidden from the start too, which refuses nothing (`register_key`).
pub fn guarded_source(text: &str) -> Option<String> {
    guarded_marks(text)
        .into_iter()
        .next()
        .map(|(_, source)| source)
}

/// Where `text` holds a registered secret or uri, each with its source: as written, in any
/// case; then, as the list check finds them (`Registered::in_text`: decoded, folded, split by
/// spaces, line ends or markup), each word that holds one only so, whole, since no position
/// maps back from the decoded text; one held across words only (a `+` written as a space, a
/// secret split by a space, a tab or a line end) hides the shortest run of words that holds
/// it, each line's part apart, so a snippet keeps its lines. One cached search over every
/// needle (`Registered::built`) for each text or run read, however many secrets are
/// registered; a text that holds none is read twice, as written and as the list check reads it.
fn guarded_marks(text: &str) -> Vec<(Range<usize>, String)> {
    let every = Registered::built(true);
    let haystack = matching_form(text);
    // Folded needles find an ASCII text's other spellings in place (`STRASSE`); a secret with
    // a letter whose lower case is longer or shorter is found decoded.
    let as_written = [&every.secrets, &every.uris].map(|n| n.in_form(&haystack));
    let mut marks: Vec<(Range<usize>, String)> = (as_written.into_iter().flatten())
        .map(|(found, source)| (found, source.to_string()))
        .collect();
    // Which bytes are hidden, kept with `marks`: each search reads its text once, not once for
    // each mark (thousands of secrets, each hidden where it stands).
    let mut hidden = vec![false; text.len()];
    (marks.iter()).for_each(|(m, _)| hidden[m.clone()].fill(true));
    let decoded_holds = |at: Range<usize>, hidden: &[bool]| {
        let left: String = (text[at.clone()].char_indices())
            .map(|(i, c)| if hidden[at.start + i] { ' ' } else { c })
            .collect();
        // Text encoded too deeply hides only what it holds undecoded.
        let source = every.in_text(&left, true).filter(|s| *s != TOO_DEEP);
        source.map(str::to_string)
    };
    if decoded_holds(0..text.len(), &hidden).is_none() {
        return marks;
    }
    let range = |w: &str| {
        let start = w.as_ptr() as usize - text.as_ptr() as usize;
        start..start + w.len()
    };
    // A word with nothing to decode, markup or space held nothing the first search missed.
    let words = text.split_whitespace();
    // Without the quotes and brackets around it, unless the secret ends in one.
    let bare = |w: &str| range(w.trim_matches(|c| "'\"`()<>[]{},;:".contains(c)));
    for word in words.filter(|w| !holds_nothing_to_decode(w) || w.contains('<')) {
        let mut found = [bare(word), range(word)].into_iter();
        if let Some(mark) = found.find_map(|w| Some((w.clone(), decoded_holds(w, &hidden)?))) {
            hidden[mark.0.clone()].fill(true);
            marks.push(mark);
        }
    }
    // Held across words only: the shortest run of words that holds it (its end the first word
    // that holds it with every word before, its start the last that still does), in a line,
    // then two, then the text, again while it holds one; should decoding make that no run, or
    // hiding it hide nothing new, every line of it. Each decoded once or twice over, not once
    // for each word; pairs of lines and the text only while the text still holds one.
    let first = |n: usize, f: &dyn Fn(usize) -> bool| {
        (0..n).collect::<Vec<_>>().partition_point(|&k| !f(k))
    };
    let lines: Vec<Range<usize>> = text.split('\n').map(range).collect();
    let pairs = lines.windows(2).map(|two| two[0].start..two[1].end);
    let spans = (lines.iter().cloned().chain(pairs)).chain(std::iter::once(0..text.len()));
    for (k, span) in spans.enumerate() {
        if k == lines.len() && decoded_holds(0..text.len(), &hidden).is_none() {
            break;
        }
        let words: Vec<Range<usize>> = text[span.clone()].split_whitespace().map(range).collect();
        for _ in 0..=words.len() {
            let holds = |run: Range<usize>| decoded_holds(run, &hidden);
            let Some(source) = holds(span.clone()) else {
                break;
            };
            let end = first(words.len(), &|j| holds(span.start..words[j].end).is_some());
            let run = (end < words.len()).then(|| {
                let start = first(end + 1, &|i| {
                    holds(words[i].start..words[end].end).is_none()
                });
                words[start.saturating_sub(1)].start..words[end].end
            });
            let mut run = run.into_iter().flat_map(|r| [bare(&text[r.clone()]), r]);
            let run = run.find_map(|run| Some((run.clone(), holds(run)?)));
            let parts = |run: Range<usize>| {
                let lines = text[run].split('\n').map(str::trim);
                lines
                    .filter(|l| !l.is_empty())
                    .map(range)
                    .collect::<Vec<_>>()
            };
            let new = |(run, _): &(Range<usize>, String)| {
                (parts(run.clone()).iter()).any(|p| hidden[p.clone()].contains(&false))
            };
            let whole = run.as_ref().is_none_or(|run| !new(run));
            let (run, source) = run.filter(|_| !whole).unwrap_or((span.clone(), source));
            for part in parts(run) {
                hidden[part.clone()].fill(true);
                marks.push((part, source.clone()));
            }
            if whole {
                break;
            }
        }
    }
    marks
}

/// `path` as the tool shows it, on stdout as on stderr: with every registered secret in it (an
/// API key in a directory's name) replaced by `[redacted]`, as `guarded` does to each line of
/// stderr. Only the path is searched, not the output around it: that may be a plan of thousands
/// of webhooks (docs/performance.md).
pub fn path(path: &std::path::Path) -> String {
    guarded(&path.display().to_string()).into_owned()
}

/// `path` on a line of its own text: hidden as [`path`], with a line break or ESC in a name
/// escaped (`\n`, `\u{1b}`) so it can neither split the line nor drive the terminal, and its
/// quotes as they are (`it\'s` names no file).
pub fn shown_path(path: &std::path::Path) -> String {
    message(&self::path(path))
}

/// `shown_path`, with `secret`, which is not registered, hidden in it too, as written in any
/// case (`verify-signature`, whose secret must not blank the words of its verdict).
pub fn shown_path_without(path: &std::path::Path, secret: &str) -> String {
    message(&hidden(&self::path(path), needles_of(secret).iter()))
}
