//! The reviewer's notes of a saved plan: every plan `plan --out` writes keeps them as they fit
//! its writes, whatever the options, and a hand-edited note that does not fit is refused.

use crate::support::fake_portal::{Deliveries, FakePortal, Seed};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

/// The seeded webhooks' secret (`Seed::new`), which AUDIT_SECRET holds.
const SECRET: &str = "seeded-secret-1";
const WRONG: &str = "another-secret-2";

/// Audit unchanged and its secret verified; Crm's secret differs; Billing and Paused have no
/// delivery to verify by, Paused is disabled by the file; New is created; Legacy is unmanaged.
const WEBHOOKS: &str = "\
webhooks:
  Audit:
    secretKey: ${AUDIT_SECRET}
  Crm:
    secretKey: ${CRM_SECRET}
  Billing:
    secretKey: ${BILLING_SECRET}
  Paused:
    enabled: false
    secretKey: ${BILLING_SECRET}
  New:
    uri: https://new.example.com/h
    secretKey: ${BILLING_SECRET}
";

fn seed(portal: &FakePortal) {
    let hook = |name: &str| Seed::new(name, &format!("https://{name}.example.com/h"));
    for name in ["Audit", "Crm", "Billing", "Paused", "Legacy"] {
        let id = portal.seed(hook(name));
        if matches!(name, "Audit" | "Crm") {
            portal.seed_deliveries(id, Deliveries::new(2));
        }
    }
}

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    seed(&portal);
    portal
}

fn with_secrets(run: Run) -> Run {
    run.env("AUDIT_SECRET", SECRET)
        .env("CRM_SECRET", WRONG)
        .env("BILLING_SECRET", WRONG)
}

/// Plans `portal` with `options` into `plan.json`; returns its path (kept by the run).
fn saved(portal: &FakePortal, options: &[&str]) -> (Run, std::path::PathBuf) {
    let mut args = vec!["plan", "--out", "plan.json"];
    args.extend(options);
    let run = with_secrets(Run::new(&args).file(WEBHOOKS).portal(portal));
    let planned = run.run();
    assert_eq!(planned.code, 0, "{options:?}: {planned:?}");
    let path = run.path("plan.json");
    (run, path)
}

fn notes(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    plan["portals"][0]["notes"].clone()
}

fn apply_saved(portal: &FakePortal, path: &std::path::Path) -> Outcome {
    let run = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(path)
        .portal(portal);
    with_secrets(run).run()
}

#[test]
fn every_plan_the_tool_writes_is_shown_and_applied_with_its_notes() {
    let cases: [&[&str]; 8] = [
        &[],
        &["--target", "Crm", "--target", "New"],
        &["--prune"],
        &["--rotate-secrets"],
        &["--verify-secrets"],
        &["--verify-secrets", "--target", "Crm", "--target", "New"],
        &["--verify-secrets", "--rotate-secrets", "--prune"],
        &["--verify-secrets", "--target", "Paused", "--rotate-secrets"],
    ];
    for options in cases {
        let portal = portal();
        let (_run, path) = saved(&portal, options);
        let verify = options.contains(&"--verify-secrets");
        let noted = notes(&path);
        assert_eq!(
            noted["secrets_checked"].as_array().map_or(0, Vec::len),
            if verify { 4 } else { 0 },
            "every managed webhook whose entry sets a secret, targeted or not: {noted}"
        );
        let show = Run::new(&["show", path.to_str().unwrap()])
            .reviewed(&path)
            .run();
        assert_eq!(show.code, 0, "{options:?}: {show:?}");
        let applied = apply_saved(&portal, &path);
        assert_eq!(applied.code, 0, "{options:?}: {applied:?}");
        assert!(!portal.writes().is_empty(), "{options:?}: nothing written");
    }
}

#[test]
fn a_plan_with_a_failed_portal_keeps_its_notes_for_the_others() {
    let fleet = Fleet::start(&["alpha"]).with_down("bravo");
    seed(fleet.portal("alpha"));
    let file = format!("{}{WEBHOOKS}", fleet.portals_yaml(&[]));
    let args = [
        "plan",
        "--verify-secrets",
        "--target",
        "Crm",
        "--out",
        "plan.json",
    ];
    let run = with_secrets(Run::new(&args).file(&file).fleet(&fleet));
    assert_eq!(run.run().code, 1, "bravo failed");
    let path = run.path("plan.json");
    assert_eq!(notes(&path)["left_out"], 4);
    let run = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
        .fleet(&fleet);
    let applied = with_secrets(run).run();
    assert_eq!(applied.code, 1, "{applied:?}");
    assert!(applied.stderr.contains("bravo"), "{applied:?}");
    assert_eq!(
        fleet.write_count(),
        1,
        "Crm's secret sent on alpha: {applied:?}"
    );
}

#[test]
fn a_note_edited_to_claim_what_the_plan_does_not_hold_is_refused() {
    type Edit = fn(&mut serde_json::Value);
    // Each edits the part of a plan made with --verify-secrets, with --target Crm and New
    // (`targeted`) or without.
    let cases: [(bool, &str, Edit); 17] = [
        (
            true,
            "--target left out 9 of the file's 5 entries for this portal, but the plan holds 2 of them",
            |p| p["notes"]["left_out"] = 9.into(),
        ),
        (
            false,
            "--target left out 1 of the file's 5 entries for this portal, but the plan holds 5 of them",
            |p| p["notes"]["left_out"] = 1.into(),
        ),
        (
            false,
            "the secret of #99 the verdict verified, which does not fit the plan: no entry of the file is for it",
            |p| {
                let mut ghost = p["notes"]["secrets_checked"][0].clone();
                ghost["id"] = 99.into();
                ghost["name"] = "Ghost".into();
                p["notes"]["secrets_checked"]
                    .as_array_mut()
                    .unwrap()
                    .push(ghost);
            },
        ),
        (
            false,
            "the secret of #1 the verdict verified, which does not fit the plan: no entry of the file is for it",
            |p| p["notes"]["secrets_checked"][0]["name"] = "Nobody".into(),
        ),
        (
            true,
            "the secret of #4242 the verdict differs, which does not fit the plan: the plan holds its entry as another webhook",
            |p| {
                let forged = serde_json::json!({
                    "id": 4242, "name": "Crm", "verdict": "differs", "detail": "forged"
                });
                p["notes"]["secrets_checked"]
                    .as_array_mut()
                    .unwrap()
                    .push(forged);
            },
        ),
        (
            true,
            "the secret of #4242 the verdict verified, which does not fit the plan: another verdict is on the webhook its entry manages",
            |p| {
                let mut again = p["notes"]["secrets_checked"][0].clone();
                again["id"] = 4242.into();
                p["notes"]["secrets_checked"]
                    .as_array_mut()
                    .unwrap()
                    .push(again);
            },
        ),
        (
            false,
            "unknown variant `trusted`, expected one of `verified`, `differs`, `unverifiable` at line 18 column 32",
            |p| p["notes"]["secrets_checked"][0]["verdict"] = "trusted".into(),
        ),
        (
            false,
            "invalid type: null, expected `verified`, `differs` or `unverifiable` at line 18 column 27",
            |p| p["notes"]["secrets_checked"][0]["verdict"] = serde_json::Value::Null,
        ),
        (false, "gets no secret twice", |p| {
            let again = p["notes"]["secrets_not_sent"][0].clone();
            p["notes"]["secrets_not_sent"]
                .as_array_mut()
                .unwrap()
                .push(again);
        }),
        (false, "gives the secret of #1 two verdicts", |p| {
            let again = p["notes"]["secrets_checked"][0].clone();
            p["notes"]["secrets_checked"]
                .as_array_mut()
                .unwrap()
                .push(again);
        }),
        (
            true,
            "the secret of #1 the verdict verified, which does not fit the plan: the plan does not hold it, and --target left nothing out",
            |p| p["notes"]["left_out"] = 0.into(),
        ),
        (
            false,
            "the secret of #1 the verdict unverifiable, which does not fit the plan: a secret not sent is noted as not sent unless it was verified",
            |p| p["notes"]["secrets_checked"][0]["verdict"] = "unverifiable".into(),
        ),
        (
            false,
            "the secret of #3 the verdict differs, which does not fit the plan: a secret that differs is sent, and the plan does not send it",
            |p| p["notes"]["secrets_checked"][2]["verdict"] = "differs".into(),
        ),
        (
            false,
            "the secret of #1 the verdict verified, which does not fit the plan: the plan holds it under another name",
            |p| p["notes"]["secrets_checked"][0]["name"] = "Crm".into(),
        ),
        (
            false,
            "the secret of #1 the verdict verified, which does not fit the plan: the plan does not manage it",
            |p| {
                let audit = p["unchanged"].as_array_mut().unwrap().remove(0);
                p["unmanaged"].as_array_mut().unwrap().push(audit);
            },
        ),
        // The planner notes a webhook by its live name, and one of the create's very uri.
        (
            false,
            "a rename note pairs the create of \"New\" with #5, which the plan does not hold that way",
            |p| {
                p["notes"]["renames"] = serde_json::json!([
                    { "create": "New", "id": 5, "name": "Other", "deleted": false }
                ])
            },
        ),
        (
            false,
            "a rename note pairs the create of \"New\" with #5, which the plan does not hold that way",
            |p| {
                // Legacy, deleted (as with --prune), has another uri than New.
                p["unmanaged"] = serde_json::json!([]);
                let legacy = serde_json::json!({
                    "id": 5, "name": "Legacy", "uri": "https://Legacy.example.com/h",
                    "enabled": true, "ssl": true, "triggers": ["*"], "targetId": null,
                    "lastFailureOn": null, "lastFailureContent": null
                });
                p["writes"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({ "write": "delete", "against": legacy }));
                p["notes"]["renames"] = serde_json::json!([
                    { "create": "New", "id": 5, "name": "Legacy", "deleted": true }
                ]);
            },
        ),
    ];
    let portal = portal();
    let plain = saved(&portal, &["--verify-secrets"]);
    let targeted = saved(
        &portal,
        &["--verify-secrets", "--target", "Crm", "--target", "New"],
    );
    for (target, expected, change) in cases {
        let path = if target { &targeted.1 } else { &plain.1 };
        let original = std::fs::read_to_string(path).unwrap();
        crate::suite::saved_plan::edit(path, |plan| change(&mut plan["portals"][0]));
        // `show`, which never writes, does not say it wrote nothing.
        for (out, writes) in [
            (apply_saved(&portal, path), true),
            (
                Run::new(&["show", path.to_str().unwrap()])
                    .reviewed(path)
                    .run(),
                false,
            ),
        ] {
            assert_eq!(out.code, 1, "{expected}: {out:?}");
            assert!(
                out.stderr.contains(expected)
                    && out.stderr.contains("nothing was written") == writes,
                "{expected}: {out:?}"
            );
            assert!(out.stdout.is_empty(), "nothing is shown: {out:?}");
        }
        assert!(
            portal.writes().is_empty(),
            "{expected}: {:?}",
            portal.writes()
        );
        std::fs::write(path, original).unwrap();
    }
}

/// Notes the planner never writes, edited in: a secret noted as not sent for a webhook whose
/// entry sets none (show would say the portal may hold another), a rename noted twice.
#[test]
fn a_note_the_planner_never_writes_is_refused() {
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 2] = [
        (
            "a note says #1 gets no secret, but the file's entry for it sets none",
            |p| p["notes"]["secrets_not_sent"] = serde_json::json!([p["unchanged"][0]]),
        ),
        (
            "a rename note pairs the create of \"New\" with #2 twice",
            |p| {
                let again = p["notes"]["renames"][0].clone();
                p["notes"]["renames"].as_array_mut().unwrap().push(again);
            },
        ),
    ];
    let portal = FakePortal::start();
    for name in ["Audit", "Old"] {
        portal.seed(Seed::new(name, &format!("https://{name}.example.com/h")));
    }
    let file = "webhooks:\n  Audit:\n    enabled: true\n  New:\n    uri: https://Old.example.com/h\n    \
                secretKey: ${BILLING_SECRET}\n";
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(file)
        .portal(&portal);
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = run.path("plan.json");
    let original = std::fs::read_to_string(&path).unwrap();
    assert_eq!(notes(&path)["renames"].as_array().unwrap().len(), 1);
    for (expected, change) in cases {
        crate::suite::saved_plan::edit(&path, |plan| change(&mut plan["portals"][0]));
        for out in [
            apply_saved(&portal, &path),
            Run::new(&["show", path.to_str().unwrap()])
                .reviewed(&path)
                .run(),
        ] {
            assert_eq!(out.code, 1, "{expected}: {out:?}");
            assert!(out.stderr.contains(expected), "{expected}: {out:?}");
            assert!(out.stdout.is_empty(), "nothing is shown: {out:?}");
        }
        assert!(portal.writes().is_empty(), "{:?}", portal.writes());
        std::fs::write(&path, &original).unwrap();
    }
}
