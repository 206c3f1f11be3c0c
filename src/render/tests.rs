//! Snapshots of all three formats for hand-built plans, plus the properties a user relies on:
//! JSON shape, Markdown size cap and inertness, and no secret or stray escape anywhere.

/// Pins a plan in the three formats as `{name}_text`, `{name}_markdown` and `{name}_json`: a
/// macro, so that the snapshots keep the name and folder of the module that pins them.
macro_rules! snapshot_every_format {
    ($name:expr, $plan:expr) => {{
        let (name, plan) = ($name, $plan);
        insta::assert_snapshot!(
            format!("{name}_text"),
            $crate::render::tests::plain_text(plan)
        );
        insta::assert_snapshot!(
            format!("{name}_markdown"),
            $crate::render::render_markdown(plan)
        );
        insta::assert_snapshot!(format!("{name}_json"), $crate::render::render_json(plan));
    }};
}

mod fixtures;
mod fleet;
mod inert;
mod inline;
mod lookalike;
mod notes;

use fixtures::{EVIL_EXCERPT, EVIL_NAME, EVIL_URI, SECRET};
use inert::assert_inert;

use super::*;
use crate::plan::Plan;
use crate::run::{Part, Run};

/// The run of a `portal:` file: its one portal, unnamed.
fn one(plan: &Plan) -> Run<Plan> {
    Run {
        portals: vec![Part {
            name: None,
            portal: plan.portal.clone(),
            result: Some(plan.clone()),
            error: None,
        }],
    }
}

/// The text plan as a CI log or `NO_COLOR` shows it.
fn plain_text(plan: &Plan) -> String {
    let text = render_text(plan, false);
    assert!(!text.contains('\u{1b}'), "an escape without color:\n{text}");
    text
}

/// The block of a text plan (its lines between blank ones) that holds `marker`.
fn block_of<'a>(text: &'a str, marker: &str) -> &'a str {
    text.split("\n\n")
        .find(|b| b.contains(marker))
        .unwrap_or_else(|| panic!("no block with {marker:?} in\n{text}"))
}

/// The text plan on a color terminal, ESC shown as `␛` so snapshots stay readable.
fn colored_text(plan: &Plan) -> String {
    render_text(plan, true).replace('\u{1b}', "␛")
}

// --- snapshots -------------------------------------------------------------------------------

#[test]
fn snapshots_of_the_sample_the_empty_and_the_hostile_plan() {
    for (fixture, plan) in [
        ("sample", fixtures::sample()),
        ("empty", fixtures::empty()),
        ("hostile", fixtures::hostile()),
    ] {
        insta::assert_snapshot!(format!("text_{fixture}"), plain_text(&plan));
        insta::assert_snapshot!(format!("json_{fixture}"), render_json(&plan));
        insta::assert_snapshot!(format!("markdown_{fixture}"), render_markdown(&plan));
    }
}

#[test]
fn text_colors_are_pinned() {
    insta::assert_snapshot!("text_sample_colored", colored_text(&fixtures::sample()));
}

#[test]
fn render_dispatches_on_format() {
    let plan = fixtures::sample();
    for color in [true, false] {
        assert_eq!(
            render(&one(&plan), Format::Text, color),
            render_text(&plan, color)
        );
        assert_eq!(render(&one(&plan), Format::Json, color), render_json(&plan));
        assert_eq!(
            render(&one(&plan), Format::Markdown, color),
            render_markdown(&plan)
        );
    }
}

// --- text ------------------------------------------------------------------------------------

#[test]
fn text_delete_shows_every_live_value() {
    let text = plain_text(&fixtures::sample());
    let block = block_of(&text, "- delete #9900");
    for line in [
        r#"name      = "legacy-export""#,
        r#"uri       = "https://legacy.example.com/in""#,
        "enabled   = true",
        "ssl       = true",
        "triggers  = [*]",
        r#"targetId  = "7""#,
    ] {
        assert!(block.contains(line), "missing {line:?} in\n{block}");
    }
    assert!(!block.contains("(none)"), "{block}");
}

#[test]
fn text_failure_note_sits_under_its_change() {
    let text = plain_text(&fixtures::sample());
    let block = block_of(&text, "~ update #9850");
    assert!(
        block.contains(
            r#"! probably disabled by the portal after failed deliveries; last failure 2026-11-20T10:00:00 — "502 Bad Gateway""#
        ),
        "{block}"
    );
    assert!(block.contains("enabling it sends events to that target again"));
    assert_eq!(text.matches("last failure").count(), 1);
}

#[test]
fn text_user_strings_cannot_emit_escapes_or_lines() {
    let (evil, tame) = (
        render_text(&fixtures::hostile(), true),
        render_text(&fixtures::tame(), true),
    );
    // Every ESC in the output is one of our own color codes, and no user newline splits a line.
    assert_eq!(
        evil.matches('\u{1b}').count(),
        tame.matches('\u{1b}').count()
    );
    assert_eq!(evil.lines().count(), tame.lines().count());
    for bad in ['\r', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!evil.contains(bad), "{bad:?} reached the text output");
    }
    let stripped = plain_text(&fixtures::hostile());
    assert!(
        stripped.contains(r"evil\u{1b}[2J\r\n```\n<img"),
        "{stripped}"
    );
    assert!(stripped.contains(r"Portal: https://portal.example.com/evil\u{1b}[2J"));
}

// --- json ------------------------------------------------------------------------------------

#[test]
fn json_has_the_documented_shape() {
    let doc: serde_json::Value =
        serde_json::from_str(&render_json(&fixtures::sample())).expect("valid JSON");
    let keys: Vec<&str> = doc
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted: Vec<&str> = ["format_version", "portal"]
        .into_iter()
        .chain(fixtures::PLAN_PARTS)
        .collect();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["portal"], fixtures::PORTAL);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"create": 1, "update": 2, "delete": 1, "unchanged": 1})
    );
    assert!(doc["summary"]["update"].is_u64());

    let changes = doc["changes"].as_array().expect("changes");
    assert_eq!(changes[0]["action"], "create");
    assert!(changes[0]["id"].is_null());
    assert_eq!(changes[1]["id"], 9846);
    let field = |c: &serde_json::Value, name: &str| {
        c["fields"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["field"] == name).cloned())
            .unwrap_or_else(|| panic!("no {name} field"))
    };
    let triggers = field(&changes[1], "triggers");
    assert_eq!(
        triggers["before"],
        serde_json::json!(["file.created", "room.created"])
    );
    assert_eq!(field(&changes[1], "ssl")["after"], false);
    assert!(field(&changes[1], "targetId")["before"].is_null());
    assert_eq!(
        field(&changes[3], "triggers")["before"],
        serde_json::json!(["*"])
    );
    assert!(field(&changes[3], "uri")["after"].is_null());

    assert!(changes[0].get("failure").is_none());
    assert_eq!(
        changes[2]["failure"],
        serde_json::json!({"on": "2026-11-20T10:00:00", "excerpt": "502 Bad Gateway"})
    );
    assert_eq!(
        doc["unmanaged"][0],
        serde_json::json!({"id": 12, "name": "made by hand"})
    );
}

#[test]
fn json_keeps_hostile_strings_exact_but_escaped() {
    let json = render_json(&fixtures::hostile());
    for bad in ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}'] {
        assert!(!json.contains(bad), "{bad:?} raw in the JSON");
    }
    assert!(json.contains(r"\u202e") && json.contains(r"\u009b"));
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(doc["changes"][0]["name"], EVIL_NAME);
    assert_eq!(doc["changes"][0]["fields"][1]["after"], EVIL_URI);
    assert_eq!(doc["changes"][2]["failure"]["excerpt"], EVIL_EXCERPT);
}

#[test]
fn json_ends_with_a_newline() {
    assert!(render_json(&fixtures::empty()).ends_with("}\n"));
}

// --- markdown --------------------------------------------------------------------------------

#[test]
fn markdown_diff_lines_start_in_the_first_column() {
    let md = render_markdown(&fixtures::sample());
    for line in [
        r#"- uri: "https://old.example.com/hook""#,
        r#"+ uri: "https://new.example.com/hook""#,
        "  secretKey: (sensitive)",
        "+ secretKey: (sensitive)",
        "-   file.created",
        "+   file.uploaded",
        r#"+ targetId: "42""#,
        "- triggers: [*]",
        "- enabled: false",
        "+ enabled: true",
    ] {
        assert!(md.lines().any(|l| l == line), "no line {line:?} in\n{md}");
    }
    assert!(md.starts_with("**Plan: 1 to create, 2 to update, 1 to delete, 1 unchanged.**"));
    assert!(md.contains(
        "> **Warning:** probably disabled by the portal after failed deliveries; last failure \
         `2026-11-20T10:00:00` — `\"502 Bad Gateway\"`."
    ));
    assert!(!md.contains("<details>"), "four changes are not folded");
}

#[test]
fn markdown_folds_more_than_ten_changes() {
    let md = render_markdown(&fixtures::many(11, 0));
    assert!(md.contains("\n<details><summary>11 creates and updates</summary>\n\n#### + create"));
    assert!(md.trim_end().ends_with("</details>"));
    assert!(!render_markdown(&fixtures::many(10, 0)).contains("<details>"));
}

#[test]
fn markdown_of_a_huge_plan_stays_under_the_cap_and_says_what_was_cut() {
    let plan = fixtures::many(2_000, 2_000);
    let md = render_markdown(&plan);
    assert!(md.chars().count() < 65_000, "{} chars", md.chars().count());
    let shown = md.matches("\n#### + create").count();
    assert!(shown > 100, "only {shown} changes shown");
    let cut = 2_000 - shown;
    assert!(
        md.contains(&format!("**{cut} of 2000 changes are not shown**")),
        "no cut note"
    );
    assert!(md.contains("See the full plan in the job log (`plan --format text`"));
    assert!(md.contains("- and "), "the unmanaged list is cut too");
    assert_inert(&md);
    // The cut note comes after the folded list is closed, so it is visible.
    assert!(md.find("</details>") < md.find("changes are not shown"));
}

/// Cut under the cap, at each place it can fall: the summary counts the folded blocks shown, a
/// fold with nothing in it is not printed, and the closing line counts the deletes cut.
#[test]
fn markdown_cut_under_the_cap_counts_what_is_shown_and_the_deletes_left_out() {
    let mut plan = fixtures::many(8, 0);
    plan.changes
        .splice(0..0, (0..4).map(|_| fixtures::delete()));
    let skeleton = |deletes: usize, creates: usize| {
        let md = (0..20_000)
            .step_by(10)
            .map(|max| markdown::render_within(&plan, max))
            .find(|md| {
                md.matches("#### - delete").count() == deletes
                    && md.matches("#### + create").count() == creates
            })
            .expect("a cap that cuts there");
        let kept = ["####", "<details>", "</details>", "**"];
        let lines = md.lines().filter(|l| kept.iter().any(|k| l.starts_with(k)));
        lines.collect::<Vec<_>>().join("\n")
    };
    insta::assert_snapshot!(skeleton(2, 0), @r#"
    **Plan: 8 to create, 0 to update, 4 to delete, 0 unchanged.** Portal: `https://portal.example.com`
    #### - delete `#9900 "legacy-export"`
    #### - delete `#9900 "legacy-export"`
    **10 of 12 changes are not shown (2 of them deletes)** to keep this under 65000 characters. See the full plan in the job log (`plan --format text` or `plan --format json`).
    "#);
    insta::assert_snapshot!(skeleton(4, 0), @r#"
    **Plan: 8 to create, 0 to update, 4 to delete, 0 unchanged.** Portal: `https://portal.example.com`
    #### - delete `#9900 "legacy-export"`
    #### - delete `#9900 "legacy-export"`
    #### - delete `#9900 "legacy-export"`
    #### - delete `#9900 "legacy-export"`
    **8 of 12 changes are not shown** to keep this under 65000 characters. See the full plan in the job log (`plan --format text` or `plan --format json`).
    "#);
    insta::assert_snapshot!(skeleton(4, 3), @r#"
    **Plan: 8 to create, 0 to update, 4 to delete, 0 unchanged.** Portal: `https://portal.example.com`
    #### - delete `#9900 "legacy-export"`
    #### - delete `#9900 "legacy-export"`
    #### - delete `#9900 "legacy-export"`
    #### - delete `#9900 "legacy-export"`
    <details><summary>3 creates and updates</summary>
    #### + create `"hook-0000"`
    #### + create `"hook-0001"`
    #### + create `"hook-0002"`
    </details>
    **5 of 12 changes are not shown** to keep this under 65000 characters. See the full plan in the job log (`plan --format text` or `plan --format json`).
    "#);
}

#[test]
fn markdown_with_one_enormous_change_still_fits() {
    let mut plan = fixtures::many(1, 0);
    let huge = "x".repeat(100_000);
    plan.changes[0].fields[1].after = crate::plan::Value::Text(huge);
    let md = render_markdown(&plan);
    assert!(md.len() < 65_000);
    assert!(md.contains("**1 of 1 changes are not shown**"));
}

#[test]
fn markdown_neutralizes_hostile_strings() {
    let (evil, tame) = (
        render_markdown(&fixtures::hostile()),
        render_markdown(&fixtures::tame()),
    );
    assert_eq!(evil.lines().count(), tame.lines().count());
    assert_inert(&evil);
    assert_inert(&render_markdown(&fixtures::sample()));
    // The five-backtick run in the uri forces a longer fence.
    assert!(evil.contains("\n``````diff\n"));
}

// --- secrets and escapes, every format -------------------------------------------------------

#[test]
fn no_format_shows_a_secret_only_sensitive() {
    for format in [Format::Text, Format::Json, Format::Markdown] {
        let out = render(&one(&fixtures::sample()), format, true);
        assert!(!out.contains(SECRET), "{format:?} leaked the secret");
        assert!(
            out.contains("(sensitive)"),
            "{format:?} hides that a secret is set"
        );
    }
}

#[test]
fn markdown_and_json_never_contain_escapes() {
    for plan in [
        fixtures::sample(),
        fixtures::hostile(),
        fixtures::many(30, 3),
    ] {
        for out in [render_markdown(&plan), render_json(&plan)] {
            assert!(!out.contains('\u{1b}'), "ESC in\n{out}");
            assert!(!out.contains('\u{9b}'), "CSI in\n{out}");
        }
    }
}
