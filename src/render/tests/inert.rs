//! A small Markdown reader for the tests: enough of CommonMark (fences, code spans) to say
//! whether user strings in a rendering stay inert.

/// Checks Markdown the way a forge would read it: fences balanced and holding only diff lines;
/// outside them, once code spans are removed, nothing that could start HTML, a link, a mention
/// or an issue reference, and only our own `<details>` tags.
pub(super) fn assert_inert(md: &str) {
    let mut fence: Option<&str> = None;
    for line in md.lines() {
        if let Some(open) = fence {
            if line == open {
                fence = None;
            } else {
                let marker = line.get(..2).unwrap_or_default();
                assert!(["+ ", "- ", "  "].contains(&marker), "fence line {line:?}");
                assert!(!line.contains(|c: char| c.is_control()), "{line:?}");
            }
            continue;
        }
        if let Some(open) = line.strip_suffix("diff").filter(|l| l.starts_with("```")) {
            fence = Some(open);
            continue;
        }
        if ["<details><summary>", "</details>"]
            .iter()
            .any(|tag| line.starts_with(tag))
        {
            continue;
        }
        let outside = without_code_spans(line);
        let outside = outside.strip_prefix("> ").unwrap_or(&outside);
        for c in ['`', '<', '>', '[', ']', '@', '#', '&', '\\'] {
            let heading = ["## ", "### ", "#### "].iter().any(|h| line.starts_with(h));
            let allowed = c == '#' && heading;
            assert!(
                allowed || !outside.contains(c),
                "{c:?} outside code in {line:?}"
            );
        }
    }
    assert!(fence.is_none(), "unclosed fence");
}

/// `line` with every CommonMark code span removed: a run of n backticks up to the next run of
/// exactly n. An unmatched run stays, so the caller sees it.
fn without_code_spans(line: &str) -> String {
    let runs = |s: &str| -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'`' {
                let start = i;
                while i < b.len() && b[i] == b'`' {
                    i += 1;
                }
                out.push((start, i - start));
            } else {
                i += 1;
            }
        }
        out
    };
    let all = runs(line);
    let mut out = String::new();
    let (mut pos, mut k) = (0, 0);
    while k < all.len() {
        let (start, len) = all[k];
        if let Some(close) = (k + 1..all.len()).find(|&j| all[j].1 == len) {
            out.push_str(&line[pos..start]);
            pos = all[close].0 + len;
            k = close + 1;
        } else {
            k += 1;
        }
    }
    out.push_str(&line[pos..]);
    out
}
