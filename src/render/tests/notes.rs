//! What a plan tells a reviewer beyond its changes, in every format: the variables `apply`
//! reads, secrets not sent, entries `--target` left out, creates that look like renames; and
//! the Markdown layout a reviewer scans (summary and counts first, deletes never folded). The
//! plans are made by the real planner from a file and a live list.

use super::inert::assert_inert;
use super::{block_of, fixtures, plain_text};
use crate::api::LiveWebhook;
use crate::plan::{PlanOptions, Selection};
use crate::render::{render_json, render_markdown};

/// Billing sets a secret and needs nothing; Audit sets one and only gets disabled (the enable
/// call sends no secret); Mirror moves and sends its secret; CRM would be created with the uri
/// of the unmanaged #2 "Old CRM"; Left is not targeted when `targets` is.
const FILE: &str = "\
webhooks:
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
  Audit:
    enabled: false
    secretKey: ${AUDIT_SECRET}
  Mirror:
    uri: https://mirror.example.com/v2
    secretKey: ${MIRROR_SECRET}
  CRM:
    uri: https://crm.example.com/h
    secretKey: ${CRM_SECRET}
  Left:
    ssl: false
";

fn planned(prune: bool, targets: &[&str]) -> crate::plan::Plan {
    let live = [
        LiveWebhook::listed(1, "Billing", "https://billing.example.com/h"),
        LiveWebhook::listed(2, "Old CRM", "https://crm.example.com/h"),
        LiveWebhook::listed(3, "Audit", "https://audit.example.com/h"),
        LiveWebhook::listed(4, "Left", "https://left.example.com/h"),
        LiveWebhook::listed(5, "Mirror", "https://mirror.example.com/v1"),
    ];
    let config = fixtures::document(FILE);
    let targets: Vec<crate::plan::TargetKey> = targets
        .iter()
        .map(|t| crate::plan::TargetKey::parse(t).unwrap())
        .collect();
    let selection = Selection::of_each(&[&config], &targets)
        .expect("known keys")
        .remove(0);
    let options = PlanOptions {
        prune,
        rotate_secrets: false,
        selection: Some(selection),
        ..PlanOptions::default()
    };
    crate::plan::plan(&config, &live, fixtures::PORTAL, options).expect("plans")
}

fn targeted() -> crate::plan::Plan {
    planned(false, &["Billing", "Audit", "Mirror", "CRM"])
}

#[test]
fn notes_snapshot_in_every_format() {
    let plan = targeted();
    snapshot_every_format!("notes", &plan);
    let pruned = planned(true, &[]);
    insta::assert_snapshot!("notes_pruned_text", plain_text(&pruned));
    insta::assert_snapshot!("notes_pruned_markdown", render_markdown(&pruned));
}

#[test]
fn the_plan_names_the_variables_apply_reads_and_the_secrets_it_does_not_send() {
    let plan = targeted();
    assert_eq!(plan.secrets_needed(), ["MIRROR_SECRET", "CRM_SECRET"]);
    let text = plain_text(&plan);
    assert!(
        text.contains("\nApply will read: MIRROR_SECRET, CRM_SECRET\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "the secretKey the file sets for #1 \"Billing\", #3 \"Audit\". \
             apply --rotate-secrets sends them."
        ),
        "{text}"
    );
    assert!(
        text.contains("Left out by --target: 1 entry of the file, neither compared nor written."),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&render_json(&plan)).unwrap();
    assert_eq!(json["left_out"], 1);
    assert_eq!(
        json["secrets_needed"],
        serde_json::json!(["MIRROR_SECRET", "CRM_SECRET"])
    );
    assert_eq!(
        json["secrets_not_sent"],
        serde_json::json!([{"id": 1, "name": "Billing"}, {"id": 3, "name": "Audit"}])
    );
    let md = render_markdown(&plan);
    assert!(
        md.contains("Apply will read: `MIRROR_SECRET`, `CRM_SECRET`"),
        "{md}"
    );
}

#[test]
fn a_secret_alone_is_not_called_a_match() {
    let config = fixtures::document("webhooks:\n  Billing:\n    secretKey: ${BILLING_SECRET}\n");
    let live = [LiveWebhook::listed(
        1,
        "Billing",
        "https://billing.example.com/h",
    )];
    let plan =
        crate::plan::plan(&config, &live, fixtures::PORTAL, PlanOptions::default()).expect("plans");
    assert!(!plan.has_changes());
    for out in [plain_text(&plan), render_markdown(&plan)] {
        assert!(
            !out.contains("The portal matches the file."),
            "a false claim: {out}"
        );
        assert!(
            out.contains(
                "No changes. The portal matches the file in every compared field; secrets are \
                 not compared."
            ),
            "{out}"
        );
        assert!(out.contains("--rotate-secrets"), "{out}");
    }
    assert!(plan.secrets_needed().is_empty(), "nothing is sent");
}

#[test]
fn a_create_with_the_uri_of_an_unmanaged_webhook_suggests_keying_it_by_id() {
    let text = plain_text(&targeted());
    let block = block_of(&text, "+ create \"CRM\"");
    assert!(
        block.contains(
            "! #2 \"Old CRM\" has the same uri and no entry in the file: to rename it rather \
             than create another webhook, key this entry by its id, 2: { name: \"CRM\" }, so its \
             id and delivery history survive"
        ),
        "{block}"
    );

    let pruned = plain_text(&planned(true, &[]));
    assert!(
        pruned.contains(
            "! #2 \"Old CRM\" has the same uri and is deleted by this plan: this create and \
             that delete lose its id and delivery history"
        ),
        "{pruned}"
    );
    let json: serde_json::Value = serde_json::from_str(&render_json(&planned(true, &[]))).unwrap();
    let create = &json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["action"] == "create")
        .unwrap()["warnings"][0];
    assert_eq!(create["code"], "possible_rename");
    assert_eq!(create["id"], 2);
    assert_eq!(create["deleted"], true);
}

#[test]
fn markdown_leads_with_the_summary_and_counts_and_never_folds_a_delete() {
    let mut plan = fixtures::many(12, 0);
    plan.changes.push(fixtures::delete());
    let md = render_markdown(&plan);
    assert!(
        md.starts_with(
            "**Plan: 12 to create, 0 to update, 1 to delete, 0 unchanged.** Portal: \
             `https://portal.example.com`\n\n\
             | create | update | delete | unchanged | unmanaged |\n\
             |---:|---:|---:|---:|---:|\n\
             | 12 | 0 | 1 | 0 | 0 |\n"
        ),
        "{md}"
    );
    let delete = md.find("#### - delete").expect("the delete is shown");
    let fold = md.find("<details><summary>12 creates and updates</summary>");
    assert!(fold.is_some_and(|f| delete < f), "{md}");
    assert_inert(&md);
}

#[test]
fn markdown_notes_stay_bounded_whatever_the_portal_names() {
    let mut plan = fixtures::many(1, 0);
    let huge = format!("{}`<img>", "x".repeat(20_000));
    plan.notes.secrets_not_sent = (0..50)
        .map(|id| crate::plan::Named {
            id,
            name: huge.clone(),
        })
        .collect();
    let md = render_markdown(&plan);
    assert!(md.len() < crate::render::MAX_MARKDOWN_LEN, "{}", md.len());
    assert!(
        md.contains("The plan's notes are too long to show here"),
        "{md}"
    );
    assert!(md.contains("#### + create"), "the change is still shown");
    assert_inert(&md);
    // Text lists the first few and counts the rest.
    let text = plain_text(&plan);
    assert!(text.contains(" and 45 more. "), "cut after five names");
}

#[test]
fn a_delete_says_how_many_deliveries_it_erases_in_the_singular_and_the_plural() {
    for (n, line) in [
        (0, "      its delivery log is empty"),
        (1, "      ! erases its delivery log too: 1 delivery"),
        (2, "      ! erases its delivery log too: 2 deliveries"),
    ] {
        let mut plan = fixtures::sample();
        plan.changes = vec![fixtures::delete()];
        plan.changes[0].deliveries = Some(n);
        let text = plain_text(&plan);
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
}
