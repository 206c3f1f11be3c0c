//! The plans of a `portals:` file in every format: one section per portal with the
//! single-portal body inside, the failed portal isolated in its own section, the totals; the
//! Markdown cap with hundreds of portals; version 2 JSON holding version 1's shapes.

use super::fixtures;
use super::inert::assert_inert;
use crate::plan::{Op, Plan};
use crate::render::{Format, MAX_MARKDOWN_LEN, render, render_json, render_text};
use crate::run::{Part, Run};

/// What a portal that could not be planned answered: a pipe, a newline and an ESC.
const EVIL_ERROR: &str = "portal answered 502 | Bad Gateway\n\u{1b}[2Jcleared";

fn portal(name: &str, url: &str, plan: Option<Plan>, error: Option<&str>) -> Part<Plan> {
    let plan = plan.map(|mut plan| {
        plan.portal = url.to_string();
        plan
    });
    Part {
        name: Some(name.to_string()),
        portal: url.to_string(),
        result: plan,
        error: error.map(str::to_string),
    }
}

/// Staging has changes (`sample`), production none, broken could not be planned.
fn three() -> Run<Plan> {
    Run {
        portals: vec![
            portal(
                "staging",
                "https://staging.example.com",
                Some(fixtures::sample()),
                None,
            ),
            portal(
                "production",
                "https://docs.example.com",
                Some(fixtures::empty()),
                None,
            ),
            portal(
                "broken",
                "https://broken.example.com",
                None,
                Some(EVIL_ERROR),
            ),
        ],
    }
}

fn text(fleet: &Run<Plan>) -> String {
    let text = render(fleet, Format::Text, false);
    assert!(!text.contains('\u{1b}'), "an escape without color:\n{text}");
    text
}

#[test]
fn fleet_snapshots() {
    let fleet = three();
    insta::assert_snapshot!("fleet_text", text(&fleet));
    insta::assert_snapshot!(
        "fleet_text_colored",
        render(&fleet, Format::Text, true).replace('\u{1b}', "␛")
    );
    let md = render(&fleet, Format::Markdown, false);
    assert_inert(&md);
    insta::assert_snapshot!("fleet_markdown", md);
    insta::assert_snapshot!("fleet_json", render(&fleet, Format::Json, false));
}

#[test]
fn text_sections_are_the_single_portal_plans_without_their_portal_line() {
    let fleet = three();
    let out = text(&fleet);
    let staging = render_text(fleet.portals[0].result.as_ref().unwrap(), false);
    let body = staging
        .strip_prefix("Portal: https://staging.example.com\n")
        .unwrap();
    assert!(
        out.starts_with(&format!(
            "=== portal staging (https://staging.example.com) ===\n{body}\n=== portal production"
        )),
        "{out}"
    );
    assert!(out.ends_with(
        "\n=== portal broken (https://broken.example.com) ===\n\n\
         Error: portal answered 502 | Bad Gateway\\n\\u{1b}[2Jcleared\n\n\
         Total: 1 to create, 2 to update, 1 to delete, 2 unchanged, on 3 portals (1 failed).\n"
    ));
    assert_eq!(out.matches("Portal: ").count(), 0);
    // With color, the only escapes are ours: the user's ESC stays escaped text.
    let colored = render(&fleet, Format::Text, true);
    assert!(colored.contains("\u{1b}[1m=== portal staging"), "{colored}");
    assert!(colored.contains(r"\u{1b}[2Jcleared"));
    assert!(!colored.contains("\u{1b}[2J"));
}

#[test]
fn a_refused_plan_shows_the_plan_then_its_error() {
    let fleet = Run {
        portals: vec![portal(
            "production",
            "https://docs.example.com",
            Some(fixtures::sample()),
            Some("refusing to delete 1 of 2 webhooks"),
        )],
    };
    let out = text(&fleet);
    assert!(
        out.ends_with(
            "Plan: 1 to create, 2 to update, 1 to delete, 1 unchanged.\n\
             Error: refusing to delete 1 of 2 webhooks\n\n\
             Total: 1 to create, 2 to update, 1 to delete, 1 unchanged, on 1 portal (1 failed).\n"
        ),
        "{out}"
    );
    assert!(out.contains("  - delete #9900"));
    let md = render(&fleet, Format::Markdown, false);
    assert!(md.contains("| 1 | 2 | 1 | 1 | `refusing to delete 1 of 2 webhooks` |"));
    assert!(md.contains("#### - delete `#9900 \"legacy-export\"`"));
    assert!(
        md.trim_end()
            .ends_with("**Error:** `refusing to delete 1 of 2 webhooks`")
    );
}

#[test]
fn portal_names_cannot_inject_lines_escapes_or_cells() {
    let evil = "prod\u{1b}[2J\n| x | y |\u{202e}";
    let fleet = Run {
        portals: vec![portal(evil, "https://docs.example.com", None, Some(evil))],
    };
    let out = render(&fleet, Format::Text, true);
    assert_eq!(out.lines().count(), 5, "{out}");
    assert!(!out.contains("\u{1b}[2J") && !out.contains('\u{202e}'));
    let md = render(&fleet, Format::Markdown, false);
    assert_inert(&md);
    // Every pipe of the name and error is escaped, so the row keeps its six cells.
    let row = md.lines().find(|l| l.starts_with("| `prod")).unwrap();
    let unescaped = row
        .char_indices()
        .filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\'))
        .count();
    assert_eq!(unescaped, 7, "{row}");
    let json = render(&fleet, Format::Json, false);
    assert!(!json.contains('\u{1b}') && !json.contains('\u{202e}'));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["portals"][0]["name"], evil);
    assert_eq!(doc["portals"][0]["error"], evil);
}

#[test]
fn json_is_version_2_with_version_1_shapes_inside() {
    let fleet = three();
    let doc: serde_json::Value =
        serde_json::from_str(&render(&fleet, Format::Json, false)).expect("valid JSON");
    assert_eq!(
        doc.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["format_version", "portals", "summary"]
    );
    assert_eq!(doc["format_version"], 2);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"create": 1, "update": 2, "delete": 1, "unchanged": 2,
                           "failed": 1, "portals": 3})
    );
    let v1: serde_json::Value =
        serde_json::from_str(&render_json(fleet.portals[0].result.as_ref().unwrap())).unwrap();
    let staging = &doc["portals"][0];
    let mut keys: Vec<&String> = staging.as_object().unwrap().keys().collect();
    keys.sort();
    let mut expected: Vec<&str> = ["name", "portal", "error"]
        .into_iter()
        .chain(fixtures::PLAN_PARTS)
        .collect();
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(staging["name"], "staging");
    assert_eq!(staging["portal"], "https://staging.example.com");
    for key in fixtures::PLAN_PARTS {
        assert_eq!(staging[key], v1[key], "{key}");
    }
    assert!(staging["error"].is_null());
    assert_eq!(doc["portals"][1]["changes"], serde_json::json!([]));
    let broken = &doc["portals"][2];
    assert!(broken["summary"].is_null());
    assert_eq!(broken["changes"], serde_json::json!([]));
    assert_eq!(broken["unmanaged"], serde_json::json!([]));
    assert_eq!(broken["error"], EVIL_ERROR);
}

/// `n` portals, each with 5 deletes and 20 creates, every fifth one failed.
fn big_fleet(n: usize, name_len: usize) -> Run<Plan> {
    let portals = (0..n)
        .map(|i| {
            let name = format!("p{i:04}-{}", "n".repeat(name_len));
            let url = format!("https://tenant-{i:04}.docspace.example.com");
            if i % 5 == 4 {
                let error = format!(
                    "could not reach {url}: {}",
                    "connection refused ".repeat(30)
                );
                return portal(&name, &url, None, Some(&error));
            }
            let mut plan = fixtures::many(20, 3);
            for d in 0..5 {
                let mut delete = fixtures::delete();
                if let Op::Delete(live) = &mut delete.op {
                    live.id = 10_000 + d;
                }
                plan.changes.push(delete);
            }
            portal(&name, &url, Some(plan), None)
        })
        .collect();
    Run { portals }
}

/// The deletes a Markdown fleet plan shows as blocks plus those its closing line counts.
fn deletes_shown_or_counted(md: &str) -> usize {
    let counted: usize = md
        .lines()
        .filter(|l| l.contains("portal sections are not shown**"))
        .map(|l| {
            let (_, rest) = l.split_once(" to delete").unwrap();
            let before = &l[..l.len() - rest.len() - " to delete".len()];
            before.rsplit(' ').next().unwrap().parse::<usize>().unwrap()
        })
        .sum();
    md.matches("\n#### - delete ").count() + counted
}

#[test]
fn markdown_of_200_portals_fits_keeps_every_row_and_accounts_for_every_delete() {
    for name_len in [0, 120] {
        let fleet = big_fleet(200, name_len);
        let md = render(&fleet, Format::Markdown, false);
        assert!(md.len() < MAX_MARKDOWN_LEN, "{} bytes", md.len());
        assert_inert(&md);
        for i in 0..200 {
            let row = format!("| `p{i:04}-");
            assert_eq!(md.matches(&row).count(), 1, "row {i} (names of {name_len})");
        }
        assert!(md.contains("| **Total** | 3200 | 0 | 800 | 0 | 40 failed |"));
        assert!(!md.contains("not in this table"));
        let shown = md.matches("\n### ").count();
        assert!(shown >= 2, "only {shown} sections shown");
        assert!(md.contains(&format!(
            "**{} of 200 portal sections are not shown** (from `p{:04}-",
            200 - shown,
            shown
        )));
        assert_eq!(deletes_shown_or_counted(&md), 800);
        if name_len > 0 {
            assert!(
                md.contains("nnnnn…` (`https://"),
                "names are cut in the table"
            );
        }
    }
}

#[test]
fn markdown_of_thousands_of_portals_counts_the_rows_it_cannot_keep() {
    let fleet = big_fleet(3_000, 0);
    let md = render(&fleet, Format::Markdown, false);
    assert!(md.len() < MAX_MARKDOWN_LEN, "{} bytes", md.len());
    assert_inert(&md);
    let rows = md.lines().filter(|l| l.starts_with("| `p")).count();
    assert!(rows > 800, "only {rows} rows");
    assert!(md.contains(&format!(
        "**{} of 3000 portals are not in this table** (from `p{rows:04}-",
        3000 - rows
    )));
    assert!(md.contains("URLs and errors are left out of this table"));
    assert!(md.contains("| **Total** | 48000 | 0 | 12000 | 0 | 600 failed |"));
}

#[test]
fn a_section_too_big_for_the_rest_is_cut_like_a_single_plan() {
    let mut fleet = big_fleet(1, 0);
    fleet.portals[0].result = Some(fixtures::many(2_000, 0));
    let md = render(&fleet, Format::Markdown, false);
    assert!(md.len() < MAX_MARKDOWN_LEN);
    assert!(md.contains("changes are not shown** to keep this under"));
    assert!(md.contains("\n### `p0000-` (`https://tenant-0000.docspace.example.com`)\n"));
}

#[test]
fn an_error_reads_as_prose_with_its_quotes_but_no_escape_or_credentials() {
    let error = "the portal's key \"K\" was refused by https://u:hunter22@x.example.com\u{202e}";
    let fleet = Run {
        portals: vec![portal("p", "https://p.example.com", None, Some(error))],
    };
    let out = text(&fleet);
    assert!(
        out.contains(
            "Error: the portal's key \"K\" was refused by https://u:***@x.example.com\\u{202e}\n"
        ),
        "{out}"
    );
    assert!(!out.contains("hunter22"), "{out}");
}
