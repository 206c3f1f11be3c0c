//! What changed inside a value, as a reviewer reads it in each format (the plan here also
//! holds the look-alike hosts `lookalike` checks).

use unicode_width::UnicodeWidthStr;

use super::fixtures::{body, create, field, text};
use super::inert::assert_inert;
use super::{colored_text, plain_text};
use crate::api::LiveWebhook;
use crate::plan::{Change, Field, Op, Plan};
use crate::render::inline::InlineDiff;
use crate::render::render_markdown;

pub(super) const OLD_URI: &str = "https://billing.example.com/hooks/docspace?tenant=42";
const NEW_URI: &str = "https://billing.example.com/hooks/docspace?tenant=43";
/// `billing` with a Cyrillic `і` (U+0456), behind masked credentials.
pub(super) const LOOKALIKE_URI: &str =
    "https://bot:***@b\u{456}lling.example.com/hooks/docspace?tenant=42";

fn update(id: i32, name: &str, fields: Vec<crate::plan::FieldChange>) -> Change {
    Change {
        fields,
        op: Op::Update {
            live: LiveWebhook::listed(id, name, OLD_URI),
            body: body(name, OLD_URI),
        },
        failure: None,
        uri_var: None,
        uri_hidden: false,
        deliveries: None,
    }
}

/// One change of each kind a reviewer meets: a one-character change in a long uri, short
/// renames, a look-alike host in an update and in a create, and long values with wide,
/// combining and hostile characters.
pub(super) fn reviewer_plan() -> Plan {
    let changes = vec![
        update(
            9846,
            "Billing sync v2",
            vec![
                field(Field::Name, text("Billing sync"), text("Billing sync v2")),
                field(Field::Uri, text(OLD_URI), text(NEW_URI)),
                field(Field::TargetId, text("room-42"), text("room-43")),
            ],
        ),
        update(
            9847,
            "Billing mirror",
            vec![field(
                Field::Uri,
                text("https://bot:***@billing.example.com/hooks/docspace?tenant=42"),
                text(LOOKALIKE_URI),
            )],
        ),
        create("Look-alike", "https://\u{456}ntegrations.example.com/in"),
        update(
            9848,
            "会議室予約通知ウェブフック本番環境用設定です",
            vec![field(
                Field::Name,
                text("会議室予約通知ウェブフック検証環境用設定です"),
                text("会議室予約通知ウェブフック本番環境用設定です"),
            )],
        ),
        update(
            9849,
            "hostile",
            vec![
                field(
                    Field::Name,
                    text("cafe\u{301} \u{1b}[2J\u{202e}orders\tsync for the whole team"),
                    text("cafe\u{301} \u{1b}[2J\u{202e}orders\tsync for the whole tean"),
                ),
                field(
                    Field::TargetId,
                    text("\u{1b}]8;;https://e.example\u{7}-target-that-is-long-enough-1"),
                    text("\u{1b}]8;;https://e.example\u{7}-target-that-is-long-enough-2"),
                ),
            ],
        ),
    ];
    Plan {
        portal: super::fixtures::PORTAL.to_string(),
        changes,
        unchanged: vec![],
        unmanaged: vec![],
        notes: Default::default(),
    }
}

// --- snapshots -------------------------------------------------------------------------------

#[test]
fn inline_changes_snapshot_in_every_format() {
    let plan = reviewer_plan();
    snapshot_every_format!("inline", &plan);
    insta::assert_snapshot!("inline_text_colored", colored_text(&plan));
}

// --- the marker line -------------------------------------------------------------------------

/// The character printed at each display column of `line` (a wide one fills two).
fn columns(line: &str) -> Vec<char> {
    line.chars()
        .flat_map(|c| std::iter::repeat_n(c, c.to_string().width()))
        .collect()
}

/// The opening quote's column and the value's columns, quotes included (a note such as the
/// punycode form may follow the closing quote; it holds no quote).
fn value_columns(line: &str) -> (usize, Vec<char>) {
    let cols = columns(line);
    let open = cols.iter().position(|&c| c == '"').expect("a quoted value");
    let close = cols
        .iter()
        .rposition(|&c| c == '"')
        .expect("a closing quote");
    (open, cols[open..=close].to_vec())
}

/// Checks every marker line in `out` against the two value lines above it: both values start
/// at the same column, they read the same left of the first `^`, differ under it, and read the
/// same again right of the last `^` (aligned at their ends). Returns how many it checked.
pub(super) fn assert_markers_aligned(out: &str) -> usize {
    let lines: Vec<&str> = out.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with('^') {
            continue;
        }
        assert!(line.chars().all(|c| c == ' ' || c == '^'), "{line:?}");
        let (open, old) = value_columns(lines[i - 2]);
        let (open_new, new) = value_columns(lines[i - 1]);
        assert_eq!(open, open_new, "values not aligned above {line:?}");
        let first = line.find('^').expect("a marker") - open;
        let last = line.rfind('^').expect("a marker") - open;
        assert_eq!(old[..first], new[..first], "left of {line:?}");
        assert_ne!(
            old.get(first),
            new.get(first),
            "under the first ^ of {line:?}"
        );
        // Past the whole character under the last marker (a wide one fills two columns).
        let past = |v: &[char]| v.get(last).map_or(1, |c| c.to_string().width().max(1));
        let tail = (old.len().saturating_sub(last + past(&old)))
            .min(new.len().saturating_sub(last + past(&new)));
        assert_eq!(
            old[old.len() - tail..],
            new[new.len() - tail..],
            "right of {line:?}"
        );
        checked += 1;
    }
    checked
}

#[test]
fn markers_sit_under_what_is_printed_in_text_and_markdown() {
    let plan = reviewer_plan();
    let text = plain_text(&plan);
    // The long uri, the look-alike uri, the wide name, the hostile name and target.
    assert_eq!(assert_markers_aligned(&text), 5, "{text}");
    let md = render_markdown(&plan);
    assert_eq!(assert_markers_aligned(&md), 5, "{md}");
    assert_inert(&md);
}

#[test]
fn a_one_character_change_in_a_long_uri_is_marked_under_that_character() {
    let text = plain_text(&reviewer_plan());
    let expected = [
        format!("      uri       - {OLD_URI:?}"),
        format!("                + {NEW_URI:?}"),
        format!("{}^", " ".repeat(18 + 1 + OLD_URI.len() - 1)),
    ]
    .join("\n");
    assert!(text.contains(&expected), "{text}");
}

#[test]
fn short_values_keep_old_arrow_new_and_get_no_marker() {
    let text = plain_text(&reviewer_plan());
    assert!(text.contains(r#"      name      = "Billing sync" -> "Billing sync v2""#));
    assert!(text.contains(r#"      targetId  = "room-42" -> "room-43""#));
}

#[test]
fn wide_characters_count_two_columns() {
    let diff = InlineDiff::new("会議室検証", "会議室本番");
    assert_eq!(diff.markers(), "      ^ ^");
    let diff = InlineDiff::new("ab\u{1b}cd", "ab\u{1b}ce");
    // `\u{1b}` is printed as six characters.
    assert_eq!(diff.markers(), format!("{}^", " ".repeat(9)));
}

#[test]
fn a_pure_insertion_or_deletion_is_marked_on_the_side_that_has_it() {
    assert_eq!(InlineDiff::new("abcdef", "abcXYdef").markers(), "   ^^");
    assert_eq!(InlineDiff::new("abcXYdef", "abcdef").markers(), "   ^^");
    assert_eq!(
        InlineDiff::new("tenant=42", "tenant=4").markers(),
        "        ^"
    );
}

#[test]
fn a_rewrite_is_emphasised_as_a_whole_not_letter_by_letter() {
    let diff = InlineDiff::new(
        "https://old.example.com/hook",
        "https://new.example.com/hook",
    );
    let changed: Vec<&str> = diff
        .new
        .changed
        .iter()
        .map(|range| &diff.new.text[range.clone()])
        .collect();
    assert_eq!(changed, ["new"]);
}

#[test]
fn huge_values_are_marked_quickly_between_the_common_ends() {
    let old = format!("https://e.example/{}", "ab".repeat(50_000));
    let new = format!("https://e.example/{}", "ba".repeat(50_000));
    let started = std::time::Instant::now();
    let diff = InlineDiff::new(&old, &new);
    assert_eq!(diff.markers().trim_start().len(), 100_000);
    // Generous: the exact diff of these would take minutes, the fallback microseconds.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

// --- color -----------------------------------------------------------------------------------

#[test]
fn color_emphasises_the_changed_characters_and_draws_no_marker() {
    let colored = colored_text(&reviewer_plan());
    // `3` in reverse video inside the green new value; `2` likewise inside the red old one.
    assert!(colored.contains("tenant=4␛[0m␛[7m␛[32m3␛[0m"), "{colored}");
    assert!(colored.contains("tenant=4␛[0m␛[7m␛[31m2␛[0m"), "{colored}");
    let stripped = anstream::adapter::strip_str(&colored.replace('␛', "\u{1b}")).to_string();
    assert!(!stripped.lines().any(|l| l.trim_start().starts_with('^')));
}
