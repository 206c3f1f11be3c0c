//! Markup and spaces a secret may be split by (`sk<b>-AB+cd9E</b>Fgh`): the forms of a text
//! without them, where such a secret is whole again (`Redactor::scrub`, `Registered::in_text`).

/// The forms of `text` in which a secret split by markup or spaces (`sk<b>-AB+cd9E</b>Fgh`) is
/// whole again: without whitespace, and without markup too, read as HTML reads it
/// (`markup_len`: `sk<!-- > -->-AB`) and as ending at its first `>`, since a reader may take
/// either for markup. No position maps back to the text, so a text where a secret is found
/// this way is withheld whole.
pub(super) fn squeezed_forms(text: &str) -> [String; 3] {
    let first_gt = |t: &str| t.find('>').map_or(t.len(), |e| e + 1);
    [Some(markup_len as fn(&str) -> usize), Some(first_gt), None].map(|m| squeezed(text, m))
}

/// `text` without whitespace and, with `markup`, without what it measures at each `<`; without
/// `markup` too, so a stray `<` cannot hide what follows it.
pub(super) fn squeezed(text: &str, markup: Option<fn(&str) -> usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        match markup {
            Some(len) if c == '<' => at += len(&text[at..]),
            _ if c.is_whitespace() => at += c.len_utf8(),
            _ => {
                out.push(c);
                at += c.len_utf8();
            }
        }
    }
    out
}

/// How much of `text`, which starts with `<` and is in lower case, is markup as HTML reads it:
/// a comment to its `-->` or `--!>` (`<!-->` and `<!--->` are empty ones), a tag to the first
/// `>` outside a quoted attribute value (`<b t=">">`), a `<script>` or `<style>` to the end of
/// its closing tag; all of `text` when it does not end. Not an HTML parser: what hides text
/// from a reader of a page.
pub(crate) fn markup_len(text: &str) -> usize {
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
