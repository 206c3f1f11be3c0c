//! Saved plans read back as exactly the plan that was saved, and nothing else reads at all.

use super::*;
use crate::api::LiveWebhook;
use crate::config::{Document, load_document_str};
use crate::plan::{PlanOptions, plan};
use crate::render::{render_json, render_text};
use crate::triggers::TriggerSet;

const PORTAL: &str = "https://portal.example.com";

/// The saved plan of a `portal:` file: one unnamed part.
fn one_to_json(
    (plan, document): &(Plan, Document),
    max_deletes: Option<usize>,
) -> Result<String, SavedPlanError> {
    to_json(
        &[PortalToSave {
            name: None,
            plan: Ok((plan, &secrecy::SecretString::from("sk-test-key"), &[])),
            max_deletes,
        }],
        document,
    )
}

/// The one part of a saved plan of a `portal:` file made from `document`.
/// The one part of a saved plan of a `portal:` file made from `document`, and its plan.
fn from_json(
    text: &str,
    path: &str,
    document: &Document,
) -> Result<(SavedPortal, Plan), SavedPlanError> {
    let mut parts = read(text, path, document)?;
    assert_eq!(parts.len(), 1, "one part");
    let part = parts.remove(0);
    let plan = part
        .plan
        .clone()
        .expect("a `portal:` file's part is planned");
    Ok((part, plan))
}

/// Every kind of write the planner makes: a create, a PUT with a secret, a PUT without, the
/// enable call with a failure note, a delete, a rotation, a trigger this build does not know
/// and credentials in a uri; and the file it is planned from.
fn every_kind_of_change() -> (Plan, Document) {
    let mut failing = LiveWebhook::listed(3, "Failing", "https://c.example.com/h");
    failing.enabled = false;
    failing.last_failure_on = Some("2026-11-20T10:00:00".into());
    // As `Client::list` gives it, scrubbed (whitespace flattened): a saved plan scrubs it again.
    let scrubbed = crate::redact::Redactor::registered().scrub("502   Bad\nGateway");
    failing.last_failure_content = Some(scrubbed);
    let mut newer = LiveWebhook::listed(4, "Newer", "https://user:pw@d.example.com/h");
    newer.triggers = TriggerSet::from_bits((1 << 40) | 128);
    newer.target_id = Some("room-1".into());
    let live = [
        LiveWebhook::listed(1, "Moved", "https://a.example.com/h"),
        LiveWebhook::listed(2, "Renamed", "https://b.example.com/h"),
        failing,
        newer,
        LiveWebhook::listed(5, "Rotated", "https://e.example.com/h"),
        LiveWebhook::listed(6, "Gone", "https://f.example.com/h"),
    ];
    let yaml = "webhooks:
  New:
    uri: https://n.example.com/h
    secretKey: ${NEW_SECRET}
    enabled: false
    triggers: [file.created, room.created]
    targetId: room-9
  Moved:
    uri: https://a2.example.com/h
    secretKey: ${MOVED_SECRET}
  2:
    name: Renamed again
  Failing:
    enabled: true
  Newer:
    uri: https://user:pw2@d.example.com/h
  Rotated:
    secretKey: ${ROTATED_SECRET}
";
    let document = load_document_str(yaml, "webhooks.yaml").expect("valid");
    let config = document.unnamed().expect("a `portal:` file");
    let options = PlanOptions {
        prune: true,
        rotate_secrets: true,
        ..PlanOptions::default()
    };
    let plan = plan(config, &live, PORTAL, options).expect("plans");
    (plan, document)
}

#[test]
fn a_saved_plan_reads_back_as_the_plan_that_was_saved() {
    let made = every_kind_of_change();
    let plan = &made.0;
    assert_eq!(plan.changes.len(), 7, "{}", render_text(plan, false));
    let text = one_to_json(&made, Some(5)).unwrap();
    let (back, plan_back) = from_json(&text, "plan.json", &made.1).unwrap();
    assert_eq!(back.max_deletes, Some(5));
    assert_eq!(render_text(&plan_back, false), render_text(plan, false));
    assert_eq!(render_json(&plan_back), render_json(plan));
    for (read, made) in plan_back.changes.iter().zip(&plan.changes) {
        assert_eq!(format!("{:?}", read.op), format!("{:?}", made.op));
        assert_eq!(read.action(), made.action());
    }
    // The variables are the file's: the plan says only that a secret is sent.
    assert!(!text.contains("NEW_SECRET"), "{text}");
    assert!(text.contains("\"secretKey\": true"));
    assert!(text.contains(&config_digest(&made.1)));
    assert_eq!(plan_back.secrets_needed().len(), 3);
    assert!(text.contains("\"bit:40\""), "an unknown trigger survives");
}

#[test]
fn each_write_is_stored_once_without_any_derived_part() {
    let text = one_to_json(&every_kind_of_change(), None).unwrap();
    for derived in [
        "\"action\"",
        "\"fields\"",
        "\"op\"",
        "\"failure\"",
        "\"before\"",
    ] {
        assert!(!text.contains(derived), "{derived} in {text}");
    }
}

#[test]
fn the_digest_is_the_sha256_of_the_bytes() {
    assert_eq!(
        digest(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn a_plan_of_the_first_format_is_refused_by_version() {
    let old = r#"{"kind": "docspace-webhooks saved plan", "format_version": 1, "written_by": "x",
        "max_deletes": null, "plan": {"portal": "https://p", "changes": [], "unchanged": [], "unmanaged": []}}"#;
    let err = from_json(old, "old.json", &every_kind_of_change().1).unwrap_err();
    assert!(
        matches!(&err, SavedPlanError::Version { found, .. } if found == "1"),
        "{err}"
    );
    assert!(is_saved_plan(old), "an old plan may still be overwritten");
    assert!(!is_saved_plan("webhooks:\n  A: {}\n"));
    assert!(!is_saved_plan(r#"{"kind": "other"}"#));
}

#[test]
fn a_plan_of_the_previous_format_says_to_plan_again() {
    // Version 5 had no `failed`: read as this version, it would be a plan of every portal.
    let v5 = r#"{"kind": "docspace-webhooks saved plan", "format_version": 5, "written_by": "x",
        "config_sha256": "x", "portals": [{"name": null, "portal": "https://p",
        "max_deletes": null, "writes": [], "unchanged": [], "unmanaged": [],
        "notes": {"left_out": 0, "secrets_not_sent": [], "renames": []}}]}"#;
    let err = from_json(v5, "old.json", &every_kind_of_change().1).unwrap_err();
    assert_eq!(
        format!("{err} / {}", miette::Diagnostic::help(&err).unwrap()),
        "old.json is a saved plan of format_version 5, but this build reads only version 6; \
         nothing was written / a saved plan is made to be applied minutes later, by the same \
         build: run `plan --out` again with this build of docspace-webhooks and review it"
    );
}

#[test]
fn what_is_not_json_or_not_a_plan_says_so() {
    let made = every_kind_of_change();
    let read = |text: &str, path: &str| from_json(text, path, &made.1).unwrap_err().to_string();
    let not_json = read("webhooks: {}", "w.yaml");
    assert!(not_json.contains("not JSON"), "{not_json}");
    let not_plan = read("{}", "x.json");
    assert!(not_plan.contains("no `\"kind\""), "{not_plan}");
    let mut shape = one_to_json(&made, None).unwrap();
    shape = shape.replacen("\"writes\"", "\"changes\"", 1);
    let wrong_shape = read(&shape, "p.json");
    assert!(
        wrong_shape.contains("unknown field `changes`"),
        "{wrong_shape}"
    );
}

#[test]
fn the_reviewers_notes_are_saved_and_must_fit_the_plan() {
    let live = [
        LiveWebhook::listed(1, "Billing", "https://billing.example.com/h"),
        LiveWebhook::listed(2, "Old name", "https://o.example.com/h"),
        LiveWebhook::listed(3, "Left", "https://left.example.com/h"),
    ];
    let yaml = "webhooks:
  Billing:
    secretKey: ${BILLING_SECRET}
  New name:
    uri: https://o.example.com/h
    secretKey: ${NEW_SECRET}
  Left:
    ssl: false
";
    let document = load_document_str(yaml, "webhooks.yaml").expect("valid");
    let config = document.unnamed().expect("a `portal:` file");
    let selection = crate::plan::Selection::of_each(
        &[config],
        &["Billing", "New name"].map(|k| crate::plan::TargetKey::parse(k).unwrap()),
    )
    .unwrap()
    .remove(0);
    let options = PlanOptions {
        selection: Some(selection),
        ..PlanOptions::default()
    };
    let plan = crate::plan::plan(config, &live, PORTAL, options).unwrap();
    assert_eq!(plan.notes.left_out, 1);
    assert_eq!(plan.notes.secrets_not_sent.len(), 1);
    assert_eq!(plan.notes.renames.len(), 1);

    let made = (plan, document);
    let (plan, document) = (&made.0, &made.1);
    let text = one_to_json(&made, None).unwrap();
    let (_, plan_back) = from_json(&text, "plan.json", document).unwrap();
    assert_eq!(plan_back.notes, plan.notes);
    assert_eq!(render_text(&plan_back, false), render_text(plan, false));
    assert_eq!(
        plan_back.secrets_needed(),
        ["NEW_SECRET"],
        "derived, not stored"
    );

    let edited = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        edit(&mut doc);
        from_json(&doc.to_string(), "plan.json", document)
            .unwrap_err()
            .to_string()
    };
    let wrong_rename = edited(&|d| d["portals"][0]["notes"]["renames"][0]["id"] = 1.into());
    assert!(wrong_rename.contains("rename note"), "{wrong_rename}");
    let wrong_secret =
        edited(&|d| d["portals"][0]["notes"]["secrets_not_sent"][0]["id"] = 2.into());
    assert!(wrong_secret.contains("gets no secret"), "{wrong_secret}");
}

/// A `portals:` file of three portals, `alpha` planned (nothing to change) and the others
/// failed with `error`, saved; and the file.
fn with_failed(error: &str) -> (String, Document) {
    let yaml = "portals:
  alpha:
    url: https://alpha.example.com
    apiKey: ${ALPHA_KEY}
  bravo:
    url: https://bravo.example.com
    apiKey: ${BRAVO_KEY}
  charlie:
    url: https://charlie.example.com
    apiKey: ${CHARLIE_KEY}
webhooks:
  Hook:
    uri: https://h.example.com/h
";
    let document = load_document_str(yaml, "webhooks.yaml").expect("valid");
    let fleet = &document;
    let live = [LiveWebhook::listed(1, "Hook", "https://h.example.com/h")];
    let alpha = plan(
        &fleet.portals[0].config,
        &live,
        "https://alpha.example.com",
        PlanOptions::default(),
    )
    .expect("plans");
    let key = secrecy::SecretString::from("sk-test-key");
    let parts = [
        PortalToSave {
            name: Some("alpha"),
            plan: Ok((&alpha, &key, &live)),
            max_deletes: None,
        },
        PortalToSave {
            name: Some("bravo"),
            plan: Err(error),
            max_deletes: None,
        },
        PortalToSave {
            name: Some("charlie"),
            plan: Err("refused"),
            max_deletes: None,
        },
    ];
    let text = to_json(&parts, &document).expect("saves");
    (text, document)
}

#[test]
fn a_failed_portal_is_saved_as_failed_in_file_order_with_a_redacted_one_line_error() {
    // Terminal sequences and line breaks are cleaned away, keys and URL credentials masked.
    crate::redact::register("sk-registered-Key-1234", "a test's key");
    let (text, document) =
        with_failed("down\n\u{1b}[2J key sk-registered-Key-1234 https://u:pw@x.example.com");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["failed"],
        serde_json::json!([
            {"name": "bravo", "error": "down key [redacted] https://u:***@x.example.com"},
            {"name": "charlie", "error": "refused"},
        ])
    );
    let parts = read(&text, "plan.json", &document).unwrap();
    let shown: Vec<(Option<&str>, Result<&str, &str>)> = parts
        .iter()
        .map(|p| {
            let plan = p.plan.as_ref().map(|plan| plan.portal.as_str());
            (p.name.as_deref(), plan.map_err(String::as_str))
        })
        .collect();
    assert_eq!(
        shown,
        [
            (Some("alpha"), Ok("https://alpha.example.com")),
            (
                Some("bravo"),
                Err("down key [redacted] https://u:***@x.example.com")
            ),
            (Some("charlie"), Err("refused")),
        ]
    );
    assert_eq!(parts[1].api_key_var, "BRAVO_KEY");
    assert_eq!(parts[1].url, "https://bravo.example.com");
}

#[test]
fn a_failed_portal_the_file_does_not_have_or_that_is_also_planned_is_refused() {
    let (text, document) = with_failed("down");
    let not_one_line =
        "the error of the failed portal \"bravo\" is not one line as `plan` writes it";
    // The failed portal at .0 gets .2 as its .1.
    let cases = [
        (
            0,
            "name",
            "delta",
            "it names the failed portal \"delta\", which webhooks.yaml does not",
        ),
        (0, "name", "alpha", "the portal \"alpha\" appears twice"),
        (1, "name", "bravo", "the portal \"bravo\" appears twice"),
        (0, "error", "a\u{1b}[2Jb", not_one_line),
        (0, "error", " ", not_one_line),
    ];
    for (at, field, value, reason) in cases {
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["failed"][at][field] = value.into();
        let error = read(&doc.to_string(), "plan.json", &document).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "plan.json is not a plan this version would make: {reason}; nothing was written"
            )
        );
    }
}

#[test]
fn a_portal_file_plan_with_failed_portals_is_refused() {
    let made = every_kind_of_change();
    let text = one_to_json(&made, None).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["failed"] = serde_json::json!([{"name": "x", "error": "down"}]);
    let err = read(&doc.to_string(), "plan.json", &made.1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plan.json is not a plan this version would make: it lists failed portals, but the file \
         has one portal without a name (no `portals:`), whose failure is never saved; nothing \
         was written"
    );
}

/// A hand-edit that repeats the one portal's part would have its writes sent twice.
#[test]
fn a_portal_file_plan_with_two_parts_is_refused() {
    let made = every_kind_of_change();
    let text = one_to_json(&made, None).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let part = doc["portals"][0].clone();
    doc["portals"].as_array_mut().unwrap().push(part);
    let err = read(&doc.to_string(), "plan.json", &made.1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plan.json is not a plan this version would make: it holds 2 portals, but the file has \
         one portal without a name (no `portals:`); nothing was written"
    );
}
