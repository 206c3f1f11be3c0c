//! Markup and spaces a secret may be split by (`sk<b>-AB+cd9E</b>Fgh`): the forms of a text
//! without them, where such a secret is whole again (`Redactor::scrub`, `Registered::in_text`).

/// The forms of `text` in which a secret split by markup or spaces (`sk<b>-AB+cd9E</b>Fgh`) is
/// whole again: without whitespace, and without markup too, read as HTML reads it
/// (`markup_len`: `sk<!-- > -->-AB`) and as ending at its first `>` (`tag_to_first_gt`), since
/// a reader may take either for markup. A secret's own `<` stays in one of them at least
/// (`P<<i>L`, `P<L</b>`). No position maps back to the text, so a text where a secret is found
/// this way is withheld whole.
pub(super) fn squeezed_forms(text: &str) -> [String; 3] {
    [
        Some(markup_len as fn(&str) -> usize),
        Some(tag_to_first_gt),
        None,
    ]
    .map(|m| squeezed(text, m))
}

/// `needle` as it is looked for in `squeezed_forms`: without whitespace, and without what looks
/// like a tag in it too (`ab<cd>ef`), which the text's forms lose; that only while what is left
/// is a secret still (8 characters or more, two thirds of it): `<Secret>2024` is not looked for
/// as `2024`, which dates and names hold.
pub(super) fn needle_forms(needle: &str) -> Vec<String> {
    let [spaces, tags] =
        [None, Some(tag_to_first_gt as fn(&str) -> usize)].map(|m| squeezed(needle, m));
    let (left, all) = (tags.chars().count(), spaces.chars().count());
    let strong = left >= 8 && 3 * left >= 2 * all && tags != spaces;
    let mut forms = vec![spaces];
    forms.extend(strong.then_some(tags));
    forms
}

/// `text` without whitespace and, with `markup`, without what it measures at each `<` (a `<`
/// it measures as 0 is text); without `markup` too, so a stray `<` cannot hide what follows it.
pub(super) fn squeezed(text: &str, markup: Option<fn(&str) -> usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        match markup
            .filter(|_| c == '<')
            .map_or(0, |len| len(&text[at..]))
        {
            0 if c.is_whitespace() => at += c.len_utf8(),
            0 => {
                out.push(c);
                at += c.len_utf8();
            }
            len => at += len,
        }
    }
    out
}

/// A tag as a reader who ends it at its first `>` takes it, or 0: only where a tag can start
/// (`starts_tag`) and a `>` comes before any other `<`, so the `<` of `P<L</b>` is text.
fn tag_to_first_gt(text: &str) -> usize {
    match text.get(1..).and_then(|t| t.find(['<', '>'])) {
        Some(at) if starts_tag(text) && text[1 + at..].starts_with('>') => at + 2,
        _ => 0,
    }
}

/// Whether `text` starts with a `<` that can start markup, as HTML reads it: before a letter,
/// `/`, `!` or `?`; `a < b`, `<<` and `<3` are text.
fn starts_tag(text: &str) -> bool {
    let after = text.strip_prefix('<').unwrap_or("");
    after.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
}

/// How much of `text`, which starts with `<` and is in lower case, is markup as HTML reads it:
/// a comment to its `-->` or `--!>` (`<!-->` and `<!--->` are empty ones), a tag to the first
/// `>` outside a quoted attribute value (`<b t=">">`), a `<script>` or `<style>` to the end of
/// its closing tag; all of `text` when it does not end; 0 when no markup starts there
/// (`starts_tag`). Not an HTML parser: what hides text from a reader of a page.
pub(crate) fn markup_len(text: &str) -> usize {
    if !starts_tag(text) {
        return 0;
    }
    if let Some(comment) = text.strip_prefix("<!--") {
        if let Some(empty) = [">", "->"].into_iter().find(|e| comment.starts_with(e)) {
            return 4 + empty.len();
        }
        let ends = ["-->", "--!>"].map(|e| comment.find(e).map(|at| 4 + at + e.len()));
        return ends.into_iter().flatten().min().unwrap_or(text.len());
    }
    let (mut quote, mut last, mut end) = (None, '<', text.len());
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => (quote, last) = (None, c),
            Some(_) => {}
            None if c == '>' => {
                end = i + 1;
                break;
            }
            None if last == '=' && matches!(c, '"' | '\'') => quote = Some(c),
            None if !c.is_whitespace() => last = c,
            None => {}
        }
    }
    let Some(raw) = ["script", "style"]
        .into_iter()
        .find(|t| text[1..].starts_with(t))
    else {
        return end;
    };
    match text[end..].find(&format!("</{raw}")) {
        Some(close) => end + close + markup_len(&text[end + close..]),
        None => text.len(),
    }
}
