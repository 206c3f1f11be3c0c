//! The last guard of what the tool itself prints: every line of stderr and every path shown
//! passes through `guarded`, behind `Redactor::scrub` where outside text was read. It finds a
//! registered secret as the list check does (`Registered::in_text`), but hides it where it
//! stands rather than withholding the text.

use std::borrow::Cow;
use std::ops::Range;

use super::markup::squeezed;
use super::{
    REDACTED, REGISTRY, URIS, credentials, decode, folded, hidden, holds_nothing_to_decode,
    matches_of, matching_form, message, needles_of, read,
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
/// case; then, as the list check finds them (`found`: decoded, fully lower-cased, and with
/// spaces and line ends taken out), each word that holds one only so, whole, since no position
/// maps back from the decoded text; one held across words only (a `+` written as a space, a
/// control sequence with a space in it) hides the shortest run of words of its line that holds
/// it, each one. Not split by markup: the tool's own lines are no markup, and outside text in them was scrubbed
/// (`Redactor::scrub`).
fn guarded_marks(text: &str) -> Vec<(Range<usize>, String)> {
    let (registry, uris) = (read(&REGISTRY), read(&URIS));
    let needles = || {
        let uris = uris.iter().map(|((n, _), (source, _))| (n, source, true));
        (registry.iter().map(|(n, (source, _))| (n, source, false))).chain(uris)
    };
    let haystack = matching_form(text);
    let mut marks: Vec<(Range<usize>, String)> = needles()
        .flat_map(|(n, source, uri)| {
            matches_of(&haystack, n, uri).map(move |found| (found, source.clone()))
        })
        .collect();
    // As `found` tells text with nothing to decode: a tab or a line end may split a secret,
    // and an ASCII text may spell a letter that is not (`STRASSE` for `straße`).
    let wide = || needles().any(|(n, _, _)| !n.is_ascii());
    if (holds_nothing_to_decode(text) && !wide()) || registry.is_empty() && uris.is_empty() {
        return marks;
    }
    // Folded and without spaces once, not per word: a file may set a secret per webhook.
    let lowered: Vec<(String, String, &String, bool)> = needles()
        .map(|(n, source, uri)| {
            let n = folded(n);
            (squeezed(&n, None), n, source, uri)
        })
        .collect();
    let decoded_holds = |at: Range<usize>, marks: &[(Range<usize>, String)]| {
        let hidden = |i| marks.iter().any(|(m, _)| m.contains(&(at.start + i)));
        let left: String = (text[at.clone()].char_indices())
            .map(|(i, c)| if hidden(i) { ' ' } else { c })
            .collect();
        // Text encoded too deeply hides only what it holds as written: no secret is found in it.
        let form = folded(&matching_form(&decode::normalize(&left)?));
        let squeezed_form = squeezed(&form, None);
        lowered.iter().find_map(|(whole, n, source, uri)| {
            let holds = matches_of(&form, n, *uri).next().is_some()
                || matches_of(&squeezed_form, whole, *uri).next().is_some();
            holds.then(|| (*source).clone())
        })
    };
    if decoded_holds(0..text.len(), &marks).is_none() {
        return marks;
    }
    let range = |w: &str| {
        let start = w.as_ptr() as usize - text.as_ptr() as usize;
        start..start + w.len()
    };
    for word in text.split_whitespace() {
        // Without the quotes and brackets around it, unless the secret ends in one.
        let bare = word.trim_matches(|c| "'\"`()<>[]{},;:".contains(c));
        let mut found = [bare, word].map(range).into_iter();
        if let Some(mark) = found.find_map(|w| Some((w.clone(), decoded_holds(w, &marks)?))) {
            marks.push(mark);
        }
    }
    // Held across words only, in a line: the shortest run of words that holds it (its end the
    // first word that holds it with every word before, its start the last that still does),
    // again while the line holds one; should decoding make that no run, the line. Never across
    // a line end, so a snippet keeps its lines.
    let first = |n: usize, f: &dyn Fn(usize) -> bool| {
        (0..n).collect::<Vec<_>>().partition_point(|&k| !f(k))
    };
    for line in text.split('\n') {
        let line = range(line.strip_suffix('\r').unwrap_or(line));
        let words: Vec<Range<usize>> = text[line.clone()].split_whitespace().map(range).collect();
        for _ in 0..=words.len() {
            let holds = |run: Range<usize>| decoded_holds(run, &marks);
            let Some(source) = holds(line.clone()) else {
                break;
            };
            let end = first(words.len(), &|j| holds(line.start..words[j].end).is_some());
            let run = (end < words.len()).then(|| {
                let start = first(end + 1, &|i| {
                    holds(words[i].start..words[end].end).is_none()
                });
                words[start.saturating_sub(1)].start..words[end].end
            });
            match run.and_then(|run| Some((run.clone(), holds(run)?))) {
                Some(mark) => marks.push(mark),
                None => {
                    marks.push((line, source));
                    break;
                }
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
