use std::path::Path;

use super::{named, run};
use crate::support::fake_portal::{Fault, FaultBody, FaultKind, Seed, WEBHOOK_PATH};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

const SECRET: &str = "fleet-Saved-Secret-1";

/// Each portal: Crm's ssl turned off, Billing created with a secret.
const SHARED: &str = "\
webhooks:
  Crm:
    uri: https://crm.example.com/h
    ssl: false
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
";

fn fleet() -> (Fleet, String) {
    let fleet = Fleet::start(&["alpha", "bravo", "charlie"]);
    for (_, fake) in fleet.up() {
        fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
    }
    let file = format!("{}{SHARED}", fleet.portals_yaml(&[]));
    (fleet, file)
}

/// Plans the fleet into `plan.json`; returns the run (which keeps the file) and its path.
fn saved(fleet: &Fleet, file: &str) -> (Run, std::path::PathBuf) {
    let run = run(&["plan", "--out", "plan.json"], fleet, file);
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = run.path("plan.json");
    (run, path)
}

fn apply_saved(fleet: &Fleet, path: &Path) -> Outcome {
    Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(path)
        .fleet(fleet)
        .env("BILLING_SECRET", SECRET)
        .run()
}

#[test]
fn a_saved_multi_portal_plan_applies_exactly_and_holds_no_key_or_secret() {
    let (fleet, file) = fleet();
    let (_run, path) = saved(&fleet, &file);
    assert_eq!(fleet.write_count(), 0, "plan --out writes nothing");
    let text = std::fs::read_to_string(&path).unwrap();
    for name in fleet.names() {
        assert!(
            !text.contains(fleet.key(name)),
            "{name}'s key in the plan file"
        );
    }
    assert!(!text.contains(SECRET));

    let out = apply_saved(&fleet, &path);
    assert_eq!(out.code, 0, "{out:?}");
    for (name, fake) in fleet.up() {
        assert_eq!(fake.writes().len(), 2, "{name}: {:?}", fake.writes());
        assert!(!named(fake, "Crm").ssl, "{name}");
        assert_eq!(named(fake, "Billing").secret, SECRET, "{name}");
    }
    let again = run(&["plan", "--detailed-exitcode"], &fleet, &file).run();
    assert_eq!(again.code, 0, "{again:?}");
}

#[test]
fn one_stale_portal_refuses_the_saved_plan_with_nothing_written_anywhere() {
    // Stale on the first portal, then on the last: wherever it is, nothing is written.
    for stale in ["alpha", "charlie"] {
        let (fleet, file) = fleet();
        let (_run, path) = saved(&fleet, &file);
        fleet.portal(stale).update_stored(1, |w| w.enabled = false);

        let out = apply_saved(&fleet, &path);
        assert_eq!(out.code, 1, "{stale}: {out:?}");
        assert_eq!(fleet.write_count(), 0, "{stale}: no write on any portal");
        for (name, fake) in fleet.up() {
            assert!(named(fake, "Crm").ssl, "{stale}: {name} untouched");
        }
    }
}

/// alpha and bravo as in `fleet`; charlie up, but answering its one GET of the plan with a
/// 500 whose message carries a terminal sequence (which no output may pass on).
fn charlie_fails_once() -> (Fleet, String) {
    let (fleet, file) = fleet();
    fleet.portal("charlie").inject(Fault::new(
        "GET",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 500,
            body: FaultBody::Json(serde_json::json!({
                "error": {"message": "database \u{1b}[2Jis down"},
                "statusCode": 500
            })),
        },
    ));
    (fleet, file)
}

#[test]
fn a_portal_that_fails_is_recorded_in_the_saved_plan_and_the_others_apply() {
    let (fleet, file) = charlie_fails_once();
    let planned = run(
        &["plan", "--out", "plan.json", "--retries", "0"],
        &fleet,
        &file,
    );
    let out = planned.run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    === portal alpha ([PORTAL]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal bravo ([PORTAL-2]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal charlie ([PORTAL-3]) ===

    Error: GET /api/2.0/settings/webhook failed (HTTP 500): database is down (the portal failed; try again later)

    Total: 2 to create, 2 to update, 0 to delete, 0 unchanged, on 3 portals (1 failed).
    ----- stderr -----
    Portal charlie failed:
      x GET /api/2.0/settings/webhook failed (HTTP 500): database is down
      help: the portal failed; try again later

    Saved this plan to plan.json (SHA-256 [SHA256]).
    It has no plan for charlie, which failed: applying it writes to the other portals, then exits 1 naming charlie.
    Apply exactly it with: docspace-webhooks apply plan.json --expect-digest [SHA256]
      x 1 of 3 portal(s) failed
      help: each failed portal's section says why; the other portals were planned, and a rerun's plan shows only what is left

    ----- end -----
    "#);
    let path = planned.path("plan.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        saved["failed"],
        serde_json::json!([{
            "name": "charlie",
            "error": "GET /api/2.0/settings/webhook failed (HTTP 500): database is down \
                      (the portal failed; try again later)"
        }]),
    );
    // docs/plans.md shows this part of the file as it is.
    let text = std::fs::read_to_string(&path).unwrap();
    let failed: Vec<&str> = (text.lines())
        .skip_while(|l| *l != "  \"failed\": [")
        .take_while(|l| *l != "  ]")
        .chain(["  ]"])
        .map(|l| &l[2..])
        .collect();
    let readme = std::fs::read_to_string("docs/plans.md").unwrap();
    let shown = format!("```json\n{}\n```", failed.join("\n")).replace('\n', "\n  ");
    assert!(readme.contains(&shown), "docs/plans.md shows:\n{shown}");
    let names: Vec<&str> = (saved["portals"].as_array().unwrap().iter())
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "bravo"]);

    let show = |format: &str| {
        Run::new(&["show", path.to_str().unwrap(), "--format", format])
            .reviewed(&path)
            .run()
    };
    insta::assert_snapshot!(show("text").user_view(), @r#"
    exit: 0
    ----- stdout -----
    === portal alpha ([PORTAL]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal bravo ([PORTAL-2]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal charlie ([PORTAL-3]) ===

    Error: could not be planned when the saved plan was made: GET /api/2.0/settings/webhook failed (HTTP 500): database is down (the portal failed; try again later)

    Total: 2 to create, 2 to update, 0 to delete, 0 unchanged, on 3 portals (1 failed).

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal alpha: [PORTAL]
        API key from: FLEET_KEY_ALPHA
        Reads: FLEET_KEY_ALPHA, BILLING_SECRET
      Portal bravo: [PORTAL-2]
        API key from: FLEET_KEY_BRAVO
        Reads: FLEET_KEY_BRAVO, BILLING_SECRET

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----
    "#);
    insta::assert_snapshot!(show("markdown").user_view(), @r#"
    exit: 0
    ----- stdout -----
    ## Plan of 3 portals

    **Total: 2 to create, 2 to update, 0 to delete, 0 unchanged, on 3 portals (1 failed).**

    | portal | create | update | delete | unchanged | error |
    |---|---:|---:|---:|---:|---|
    | `alpha` (`[PORTAL]`) | 1 | 1 | 0 | 0 | — |
    | `bravo` (`[PORTAL-2]`) | 1 | 1 | 0 | 0 | — |
    | `charlie` (`[PORTAL-3]`) | — | — | — | — | `could not be planned when the saved plan was made: GET /api/2.0/settings/webhook failed (HTTP 500): database is down (the portal failed; try again later)` |
    | **Total** | 2 | 2 | 0 | 0 | 1 failed |

    ### `alpha` (`[PORTAL]`)

    **Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.**

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 1 | 1 | 0 | 0 | 0 |

    Apply will read: `BILLING_SECRET`

    #### ~ update `#1 "Crm"`

    ```diff
    - ssl: true
    + ssl: false
    ```

    #### + create `"Billing"`

    ```diff
    + name: "Billing"
    + uri: "https://billing.example.com/h"
    + secretKey: (sensitive)
    + enabled: true
    + ssl: true
    + triggers: [*]
    ```

    ### `bravo` (`[PORTAL-2]`)

    **Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.**

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 1 | 1 | 0 | 0 | 0 |

    Apply will read: `BILLING_SECRET`

    #### ~ update `#1 "Crm"`

    ```diff
    - ssl: true
    + ssl: false
    ```

    #### + create `"Billing"`

    ```diff
    + name: "Billing"
    + uri: "https://billing.example.com/h"
    + secretKey: (sensitive)
    + enabled: true
    + ssl: true
    + triggers: [*]
    ```

    ### `charlie` (`[PORTAL-3]`)

    **Error:** `could not be planned when the saved plan was made: GET /api/2.0/settings/webhook failed (HTTP 500): database is down (the portal failed; try again later)`

    Made from the config file `webhooks.yaml` (SHA-256 `[SHA256]`); apply takes from it alone, and refuses any other file:

    - Portal `alpha`: `[PORTAL]`; API key from `FLEET_KEY_ALPHA`; reads `FLEET_KEY_ALPHA`, `BILLING_SECRET`
    - Portal `bravo`: `[PORTAL-2]`; API key from `FLEET_KEY_BRAVO`; reads `FLEET_KEY_BRAVO`, `BILLING_SECRET`

    Saved plan `[TMP]/plan.json`, SHA-256 `[SHA256]`. Apply exactly it with `docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]`.
    ----- stderr -----
    ----- end -----
    "#);
    insta::assert_snapshot!(show("json").user_view(), @r#"
    exit: 0
    ----- stdout -----
    {
      "format_version": 2,
      "portals": [
        {
          "name": "alpha",
          "portal": "[PORTAL]",
          "summary": {
            "create": 1,
            "update": 1,
            "delete": 0,
            "unchanged": 0
          },
          "changes": [
            {
              "action": "update",
              "id": 1,
              "name": "Crm",
              "fields": [
                {
                  "field": "ssl",
                  "before": true,
                  "after": false
                }
              ],
              "warnings": []
            },
            {
              "action": "create",
              "id": null,
              "name": "Billing",
              "fields": [
                {
                  "field": "name",
                  "before": null,
                  "after": "Billing"
                },
                {
                  "field": "uri",
                  "before": null,
                  "after": "https://billing.example.com/h"
                },
                {
                  "field": "secretKey",
                  "before": null,
                  "after": "(sensitive)"
                },
                {
                  "field": "enabled",
                  "before": null,
                  "after": true
                },
                {
                  "field": "ssl",
                  "before": null,
                  "after": true
                },
                {
                  "field": "triggers",
                  "before": null,
                  "after": [
                    "*"
                  ]
                }
              ],
              "warnings": []
            }
          ],
          "unmanaged": [],
          "left_out": 0,
          "secrets_needed": [
            "BILLING_SECRET"
          ],
          "secrets_not_sent": [],
          "error": null
        },
        {
          "name": "bravo",
          "portal": "[PORTAL-2]",
          "summary": {
            "create": 1,
            "update": 1,
            "delete": 0,
            "unchanged": 0
          },
          "changes": [
            {
              "action": "update",
              "id": 1,
              "name": "Crm",
              "fields": [
                {
                  "field": "ssl",
                  "before": true,
                  "after": false
                }
              ],
              "warnings": []
            },
            {
              "action": "create",
              "id": null,
              "name": "Billing",
              "fields": [
                {
                  "field": "name",
                  "before": null,
                  "after": "Billing"
                },
                {
                  "field": "uri",
                  "before": null,
                  "after": "https://billing.example.com/h"
                },
                {
                  "field": "secretKey",
                  "before": null,
                  "after": "(sensitive)"
                },
                {
                  "field": "enabled",
                  "before": null,
                  "after": true
                },
                {
                  "field": "ssl",
                  "before": null,
                  "after": true
                },
                {
                  "field": "triggers",
                  "before": null,
                  "after": [
                    "*"
                  ]
                }
              ],
              "warnings": []
            }
          ],
          "unmanaged": [],
          "left_out": 0,
          "secrets_needed": [
            "BILLING_SECRET"
          ],
          "secrets_not_sent": [],
          "error": null
        },
        {
          "name": "charlie",
          "portal": "[PORTAL-3]",
          "summary": null,
          "changes": [],
          "unmanaged": [],
          "left_out": 0,
          "secrets_needed": [],
          "secrets_not_sent": [],
          "error": "could not be planned when the saved plan was made: GET /api/2.0/settings/webhook failed (HTTP 500): database is down (the portal failed; try again later)"
        }
      ],
      "summary": {
        "create": 2,
        "update": 2,
        "delete": 0,
        "unchanged": 0,
        "failed": 1,
        "portals": 3
      }
    }
    ----- stderr -----
    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal alpha: [PORTAL]
        API key from: FLEET_KEY_ALPHA
        Reads: FLEET_KEY_ALPHA, BILLING_SECRET
      Portal bravo: [PORTAL-2]
        API key from: FLEET_KEY_BRAVO
        Reads: FLEET_KEY_BRAVO, BILLING_SECRET
    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- end -----
    "#);

    // charlie answers again: still, the plan has nothing for it, and nothing is sent to it.
    fleet.clear_requests();
    // One write at a time, so the report's order is fixed.
    let one_at_a_time = ["--portal-parallelism", "1", "--parallelism", "1"];
    let applied = Run::new(&[&["apply", path.to_str().unwrap()][..], &one_at_a_time].concat())
        .reviewed(&path)
        .fleet(&fleet)
        .env("BILLING_SECRET", SECRET)
        .run();
    insta::assert_snapshot!(applied.user_view(), @r#"
    exit: 1
    ----- stdout -----
    === portal alpha ([PORTAL]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal bravo ([PORTAL-2]) ===

      ~ update #1 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    === portal charlie ([PORTAL-3]) ===

    Error: could not be planned when the saved plan was made: GET /api/2.0/settings/webhook failed (HTTP 500): database is down (the portal failed; try again later)

    Total: 2 to create, 2 to update, 0 to delete, 0 unchanged, on 3 portals (1 failed).

      [1/4] [TIME] [alpha] ok updated #1 "Crm"
      [2/4] [TIME] [alpha] ok created #2 "Billing"
      [3/4] [TIME] [bravo] ok updated #1 "Crm"
      [4/4] [TIME] [bravo] ok created #2 "Billing"

    [alpha] Apply complete: 2 done, 0 failed.
    [bravo] Apply complete: 2 done, 0 failed.

    Total: 4 done, 0 failed, on 3 portals (1 failed).
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
    Portal charlie failed:
      x could not be planned when the saved plan was made: GET /api/2.0/settings/webhook failed (HTTP 500): database is down (the portal failed; try again later)
      help: the saved plan has nothing for this portal, and nothing is sent to it; once it is fixed, run `plan --out` again and review the new plan

      x 1 of 3 portal(s) failed
      help: each failed portal's section says why; the other portals were planned and applied, and a rerun's plan shows only what is left

    ----- end -----
    "#);
    assert_eq!(fleet.portal("charlie").requests().len(), 0);
    for name in ["alpha", "bravo"] {
        let fake = fleet.portal(name);
        assert_eq!(fake.writes().len(), 2, "{name}: {:?}", fake.writes());
        assert!(!named(fake, "Crm").ssl, "{name}");
    }
}

#[test]
fn all_or_nothing_saves_no_plan_when_a_portal_fails() {
    let (fleet, file) = charlie_fails_once();
    let args = [
        "plan",
        "--out",
        "plan.json",
        "--retries",
        "0",
        "--all-or-nothing",
    ];
    let planned = run(&args, &fleet, &file);
    let out = planned.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr.lines().find(|l| l.contains("not saved")),
        Some(
            "The plan was not saved to plan.json: a portal failed, and --all-or-nothing saves \
             only a plan of every selected portal."
        ),
        "{out:?}"
    );
    assert!(!planned.path("plan.json").exists());
    assert_eq!(fleet.write_count(), 0);

    // Nothing failed: the flag changes nothing.
    let planned = run(&args, &fleet, &file);
    assert_eq!(planned.run().code, 0);
    assert!(planned.path("plan.json").exists());
}

#[test]
fn a_saved_plan_with_a_failed_portal_still_exits_1_under_detailed_exitcode() {
    let (fleet, file) = charlie_fails_once();
    let args = ["plan", "--out", "plan.json", "--retries", "0"];
    let planned = run(
        &[&args[..], &["--detailed-exitcode"]].concat(),
        &fleet,
        &file,
    );
    let out = planned.run();
    assert_eq!(out.code, 1, "an error wins over changes: {out:?}");
    assert!(planned.path("plan.json").exists(), "{out:?}");
}

#[test]
fn a_plan_where_every_portal_failed_is_not_saved() {
    let fleet = Fleet::start(&[]).with_down("alpha").with_down("bravo");
    let file = format!("{}{SHARED}", fleet.portals_yaml(&[]));
    let planned = run(
        &["plan", "--out", "plan.json", "--retries", "0"],
        &fleet,
        &file,
    );
    let out = planned.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr.lines().find(|l| l.contains("not saved")),
        Some("The plan was not saved to plan.json: no portal could be planned."),
        "{out:?}"
    );
    assert!(!planned.path("plan.json").exists());
}

#[test]
fn a_portal_moved_between_planned_and_failed_by_hand_fails_the_reviewed_digest() {
    let (fleet, file) = charlie_fails_once();
    let planned = run(
        &["plan", "--out", "plan.json", "--retries", "0"],
        &fleet,
        &file,
    );
    assert_eq!(planned.run().code, 1);
    let path = planned.path("plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let digest = docspace_webhooks::plan::saved::digest(text.as_bytes());
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    // alpha recorded as failed, so its writes are dropped; charlie given a plan of nothing.
    let mut alpha_failed = original.clone();
    let alpha = alpha_failed["portals"].as_array_mut().unwrap().remove(0);
    alpha_failed["failed"].as_array_mut().unwrap().insert(
        0,
        serde_json::json!({"name": alpha["name"], "error": "down"}),
    );
    let mut charlie_planned = original;
    charlie_planned["failed"] = serde_json::json!([]);
    let mut nothing = charlie_planned["portals"][0].clone();
    nothing["name"] = "charlie".into();
    nothing["writes"] = serde_json::json!([]);
    charlie_planned["portals"]
        .as_array_mut()
        .unwrap()
        .push(nothing);

    let outs: Vec<String> = [alpha_failed, charlie_planned]
        .iter()
        .map(|edited| {
            std::fs::write(&path, serde_json::to_string_pretty(edited).unwrap()).unwrap();
            fleet.clear_requests();
            let out = Run::new(&["apply", path.to_str().unwrap(), "--expect-digest", &digest])
                .reviewed(&path)
                .fleet(&fleet)
                .env("BILLING_SECRET", SECRET)
                .run();
            assert_eq!(fleet.request_count(), 0, "no portal contacted: {out:?}");
            out.user_view()
        })
        .collect();
    assert_eq!(outs[0], outs[1], "the same refusal for both edits");
    // The file binding cannot tell (the file is the same): only the digest can. Without it,
    // what the edited plan would do is what `show` lists.
    let shown = Run::new(&["show", path.to_str().unwrap()])
        .reviewed(&path)
        .run();
    assert_eq!(shown.code, 0, "{shown:?}");
    let charlie = format!("=== portal charlie ({}) ===", fleet.url("charlie"));
    let section: Vec<&str> = shown.stdout.lines().skip_while(|l| *l != charlie).collect();
    assert_eq!(
        section[..4],
        [
            charlie.as_str(),
            "",
            "No changes. The portal matches the file.",
            "Plan: 0 to create, 0 to update, 0 to delete, 0 unchanged."
        ],
        "{shown:?}"
    );
    insta::assert_snapshot!(outs[0], @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json has SHA-256 [SHA256], not the [SHA256] given with --expect-digest; nothing was written
      help: the file is not the plan that was approved: apply the approved file, or review this one and pass its digest

    ----- end -----
    ");
}

/// The guard refuses a saved plan once the portal holds fewer webhooks than when it was made:
/// the help says to make the plan again, since neither --max-deletes nor an edited file can
/// change a saved plan.
#[test]
fn a_saved_plan_the_guard_refuses_says_to_make_it_again() {
    let fleet = Fleet::start(&["alpha", "bravo"]);
    let alpha = fleet.portal("alpha");
    let crm = alpha.seed(Seed::new("Crm", "https://crm.example.com/h"));
    alpha.seed(Seed::new("Old", "https://old.example.com/h"));
    fleet
        .portal("bravo")
        .seed(Seed::new("Crm", "https://crm.example.com/h"));
    let file = format!(
        "{}webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n",
        fleet.portals_yaml(&[])
    );
    let run = run(&["plan", "--prune", "--out", "plan.json"], &fleet, &file);
    assert_eq!(run.run().code, 0);
    alpha.remove_stored(crm);
    let out = apply_saved(&fleet, &run.path("plan.json"));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("review the deletes, then make the plan again with a limit that allows them")
            && !out.stderr.contains("--max-deletes or the portal's"),
        "{out:?}"
    );
    assert!(fleet.write_count() == 0, "{out:?}");
}

/// A plan made for some portals holds those only: `--portal` naming another says so of the
/// plan, not of the file, which has it.
#[test]
fn a_portal_the_saved_plan_does_not_hold_is_named_as_missing_from_the_plan() {
    let fleet = Fleet::start(&["alpha", "bravo"]);
    let file = format!("{}webhooks: {{}}\n", fleet.portals_yaml(&[]));
    let run = run(
        &["plan", "--portal", "alpha", "--out", "plan.json"],
        &fleet,
        &file,
    );
    assert_eq!(run.run().code, 0);
    let path = run.path("plan.json");
    let out = super::run(
        &["apply", path.to_str().unwrap(), "--portal", "bravo"],
        &fleet,
        &file,
    )
    .reviewed(&path)
    .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("the saved plan holds no portal named \"bravo\"")
            && out
                .stderr
                .contains("of the portals the saved plan holds: alpha"),
        "{out:?}"
    );
    assert_eq!(fleet.write_count(), 0);
}

/// A portal's error that echoed a secret the plan job did not hold (it is given only to
/// `apply`) is saved as it was: `show` scrubs it of every secret it knows, as `apply` does.
#[test]
fn show_scrubs_a_failed_portals_error_of_a_secret_the_plan_job_did_not_hold() {
    // Not `SECRET`: its `fleet-` is also the start of the fleet's keys, which the plan scrubs.
    const SECRET: &str = "echoed-Billing-Secret-7";
    let (fleet, file) = fleet();
    let echo =
        serde_json::json!({"error": {"message": format!("bad {SECRET}")}, "statusCode": 500});
    fleet.portal("charlie").inject(Fault::new(
        "GET",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 500,
            body: FaultBody::Json(echo),
        },
    ));
    let planned = run(
        &["plan", "--out", "plan.json", "--retries", "0"],
        &fleet,
        &file,
    );
    assert_eq!(planned.run().code, 1);
    let path = planned.path("plan.json");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains(SECRET), "{saved}");
    for format in ["text", "markdown", "json"] {
        let out = Run::new(&["show", path.to_str().unwrap(), "--format", format])
            .reviewed(&path)
            .env("BILLING_SECRET", SECRET)
            .run();
        assert_eq!(out.code, 0, "{out:?}");
        assert!(!out.stdout.contains(SECRET), "{format}: {out:?}");
        let at = out.stdout.find("HTTP 500").expect("the error is shown");
        assert_eq!(
            &out.stdout[at..at + 62],
            "HTTP 500): bad [redacted] (the portal failed; try again later)",
            "{format}"
        );
    }
}

/// A portal's name edited to hold a known secret, planned or failed, is refused as any text
/// from outside is, before the name is quoted (a name the file does not hold is inconsistent).
#[test]
fn a_secret_edited_into_a_portals_name_is_refused_before_it_is_quoted() {
    let (fleet, file) = charlie_fails_once();
    let run = run(&["plan", "--out", "plan.json"], &fleet, &file);
    assert_eq!(run.run().code, 1);
    let path = run.path("plan.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let percent: String = SECRET.bytes().map(|b| format!("%{b:02X}")).collect();
    let edits = [
        ("/failed/0/name", percent),
        ("/portals/0/name", SECRET.replace('-', "&#45;")),
    ];
    let mut refusals = Vec::new();
    for (at, value) in edits {
        std::fs::write(&path, &original).unwrap();
        crate::suite::saved_plan::edit(&path, |plan| *plan.pointer_mut(at).unwrap() = value.into());
        let out = apply_saved(&fleet, &path);
        assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{out:?}");
        let view = out.user_view();
        let refusal = view.lines().find(|l| l.contains(" x ")).unwrap();
        refusals.push(refusal.trim().to_string());
    }
    assert_eq!(fleet.write_count(), 0);
    insta::assert_snapshot!(refusals.join("\n"), @"
    x [TMP]/plan.json holds the secretKey from environment variable BILLING_SECRET in a failed portal's name (failed[0]), so nothing of the plan is shown or written
    x [TMP]/plan.json holds the secretKey from environment variable BILLING_SECRET in a portal's name (portals[0]), so nothing of the plan is shown or written
    ");
}
