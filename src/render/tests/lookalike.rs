//! Look-alike hosts and credentials in uris, in every format; the credential cases run through
//! the real planner, which masks them.

use super::fixtures::{field, text};
use super::inline::{LOOKALIKE_URI, OLD_URI, assert_markers_aligned, reviewer_plan};
use super::{colored_text, plain_text};
use crate::api::LiveWebhook;
use crate::plan::{Field, Plan, PlanOptions, Value};
use crate::render::lookalike::beside;
use crate::render::{render_json, render_markdown};

// --- look-alike hosts ------------------------------------------------------------------------

#[test]
fn a_lookalike_host_shows_its_punycode_and_a_warning_in_every_format() {
    let plan = reviewer_plan();
    let text = plain_text(&plan);
    assert!(text.contains("(host xn--blling-pvf.example.com)"), "{text}");
    assert!(text.contains(
        "! look-alike host in the uri: \"b\u{456}lling.example.com\" contains non-ASCII characters"
    ));
    let md = render_markdown(&plan);
    assert!(
        md.contains("> **Warning:** look-alike host in the uri: `\"b\u{456}lling.example.com\"`")
    );
    assert!(md.contains("(host xn--blling-pvf.example.com)"));

    let doc: serde_json::Value = serde_json::from_str(&render_json(&plan)).expect("JSON");
    let warnings = &doc["changes"][1]["warnings"];
    assert_eq!(warnings[0]["code"], "lookalike_host");
    assert_eq!(warnings[0]["field"], "uri");
    assert_eq!(warnings[0]["host"], "b\u{456}lling.example.com");
    assert_eq!(warnings[0]["punycode"], "xn--blling-pvf.example.com");
    assert_eq!(
        doc["changes"][2]["warnings"][0]["punycode"],
        "xn--ntegrations-yvj.example.com"
    );
    // Every change has the key, in its documented place.
    for change in doc["changes"].as_array().expect("changes") {
        let keys: Vec<&String> = change.as_object().expect("object").keys().collect();
        assert!(keys.contains(&&"warnings".to_string()), "{change}");
    }
    assert_eq!(doc["changes"][0]["warnings"], serde_json::json!([]));
}

#[test]
fn a_host_being_replaced_or_deleted_is_annotated_but_not_warned_about() {
    let mut plan = reviewer_plan();
    plan.changes[1].fields[0] = field(Field::Uri, text(LOOKALIKE_URI), text(OLD_URI));
    plan.changes.remove(2); // the create, which does warn
    let mut gone = super::fixtures::delete();
    gone.fields[1] = field(Field::Uri, text(LOOKALIKE_URI), Value::None);
    plan.changes.push(gone);
    let text = plain_text(&plan);
    assert_eq!(
        text.matches("(host xn--blling-pvf.example.com)").count(),
        2,
        "{text}"
    );
    assert!(!text.contains("! look-alike host"), "{text}");
    let md = render_markdown(&plan);
    assert_eq!(
        md.matches("(host xn--blling-pvf.example.com)").count(),
        2,
        "{md}"
    );
    assert!(!md.contains("look-alike host"), "{md}");
    let doc: serde_json::Value = serde_json::from_str(&render_json(&plan)).expect("JSON");
    for change in doc["changes"].as_array().expect("changes") {
        assert_eq!(change["warnings"], serde_json::json!([]), "{change}");
    }
}

// --- through the planner: credentials ------------------------------------------------------

fn planned(file_uri: &str, live_uri: &str) -> Plan {
    let yaml = format!("webhooks:\n  Hook:\n    uri: {file_uri}\n");
    let config = super::fixtures::document(&yaml);
    let live = LiveWebhook::listed(7, "Hook", live_uri);
    crate::plan::plan(
        &config,
        &[live],
        "https://portal.example.com",
        PlanOptions::default(),
    )
    .expect("a plan")
}

fn every_format(plan: &Plan) -> [String; 4] {
    [
        plain_text(plan),
        colored_text(plan),
        render_markdown(plan),
        render_json(plan),
    ]
}

#[test]
fn a_change_of_only_credentials_still_reads_as_it_did() {
    let path = "a.example.com/a/long/path/to/the/hook/endpoint";
    let plan = planned(
        &format!("https://bot:new-pass@{path}"),
        &format!("https://bot:old-pass@{path}"),
    );
    let text = plain_text(&plan);
    assert!(
        text.contains(&format!(
            r#"      uri       = "https://bot:***@{path}" -> "https://bot:***@{path} (credentials changed)""#
        )),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.trim_start().starts_with('^')));
    for out in every_format(&plan) {
        assert!(!out.contains("pass@"), "{out}");
    }
}

#[test]
fn credentials_stay_masked_around_a_lookalike_host() {
    let plan = planned(
        "https://bot:hunter2-pw@b\u{456}lling.example.com/hooks/docspace?tenant=43",
        "https://bot:hunter2-pw@billing.example.com/hooks/docspace?tenant=42",
    );
    for out in every_format(&plan) {
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("xn--blling-pvf.example.com"), "{out}");
    }
    assert_markers_aligned(&plain_text(&plan));
}

#[test]
fn value_with_a_lookalike_host_is_only_a_uri_concern() {
    let name = Value::Text("https://b\u{456}lling.example.com/".into());
    assert_eq!(beside(Field::Name, &name), "");
    assert!(beside(Field::Uri, &name).contains("xn--"));
}
