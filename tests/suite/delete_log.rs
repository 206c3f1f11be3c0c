//! Deletes say what they erase: a planned delete shows how many deliveries of its webhook's log
//! go with it, read with one request per delete (none when nothing is deleted), in every plan
//! format and in a saved plan; a delete refused with a 500 while the log has rows explains the
//! PostgreSQL case (docs/docspace-api.md §12).

use std::time::{Duration, Instant};

use crate::support::fake_portal::{
    Deliveries, FakePortal, Fault, FaultBody, FaultKind, LogQuirks, Seed, delete_path,
};
use crate::support::run::Run;

/// Keeps "Kept"; with --prune deletes "Busy" (3 deliveries) and "Quiet" (none).
const FILE: &str = "webhooks:\n  Kept:\n    uri: https://kept.example.com/h\n";

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Kept", "https://kept.example.com/h"));
    portal.seed(Seed::new("Busy", "https://busy.example.com/h"));
    portal.seed(Seed::new("Quiet", "https://quiet.example.com/h"));
    portal.seed_deliveries(1, Deliveries::new(2));
    portal.seed_deliveries(2, Deliveries::new(3).status(500));
    portal
}

fn gets(portal: &FakePortal) -> Vec<String> {
    portal
        .requests()
        .iter()
        .map(|r| match &r.query {
            Some(query) => format!("{} {}?{query}", r.method, r.path),
            None => format!("{} {}", r.method, r.path),
        })
        .collect()
}

/// Read as `status` reads logs, several at once (one after another, 50 deletes at 0.1 s took
/// 8.2 s), and shown in the plan's order all the same.
#[test]
fn the_counts_of_many_deletes_are_read_at_once_and_shown_in_order() {
    let portal = FakePortal::start();
    for i in 1..=6 {
        portal.seed(Seed::new(
            &format!("Gone {i}"),
            &format!("https://g{i}.example.com/h"),
        ));
        portal.seed_deliveries(i, Deliveries::new(usize::try_from(i).unwrap()));
    }
    portal.set_latency(Duration::from_secs(1));
    let out = Run::new(&["plan", "--prune", "--max-deletes", "6"])
        .file("webhooks: {}\n")
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let reads: Vec<Instant> = (portal.requests().iter())
        .filter(|r| r.path.ends_with("/log"))
        .map(|r| r.at)
        .collect();
    assert_eq!(reads.len(), 6);
    // One after another, the last would arrive five latencies (5 s) after the first; at once,
    // all within a moment. Two latencies apart tells the two on a loaded machine.
    let span = reads
        .iter()
        .max()
        .unwrap()
        .duration_since(*reads.iter().min().unwrap());
    assert!(span < Duration::from_secs(2), "{span:?}");
    let counts = out
        .stdout
        .lines()
        .filter(|l| l.contains("delete #") || l.contains("erases"));
    insta::assert_snapshot!(counts.collect::<Vec<_>>().join("\n"), @r#"
    - delete #1 "Gone 1"
        ! erases its delivery log too: 1 delivery
    - delete #2 "Gone 2"
        ! erases its delivery log too: 2 deliveries
    - delete #3 "Gone 3"
        ! erases its delivery log too: 3 deliveries
    - delete #4 "Gone 4"
        ! erases its delivery log too: 4 deliveries
    - delete #5 "Gone 5"
        ! erases its delivery log too: 5 deliveries
    - delete #6 "Gone 6"
        ! erases its delivery log too: 6 deliveries
    "#);
}

#[test]
fn a_plan_without_deletes_reads_only_the_list() {
    let portal = portal();
    let out = Run::new(&["plan"]).file(FILE).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(gets(&portal), ["GET /api/2.0/settings/webhook"]);
}

#[test]
fn each_delete_shows_the_deliveries_it_erases_in_text() {
    let portal = portal();
    let out = Run::new(&["plan", "--prune", "--max-deletes", "2"])
        .file(FILE)
        .portal(&portal)
        .run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      - delete #2 "Busy"
          ! erases its delivery log too: 3 deliveries
          name      = "Busy"
          uri       = "https://busy.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #3 "Quiet"
          its delivery log is empty
          name      = "Quiet"
          uri       = "https://quiet.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 2 to delete, 1 unchanged.
    ----- stderr -----
    ----- end -----
    "#);
    // The log reads go out together, in any order.
    let mut gets = gets(&portal);
    gets[1..].sort();
    assert_eq!(
        gets,
        [
            "GET /api/2.0/settings/webhook",
            "GET /api/2.0/settings/webhooks/log?count=1&startIndex=0&configId=2",
            "GET /api/2.0/settings/webhooks/log?count=1&startIndex=0&configId=3",
        ]
    );
}

#[test]
fn markdown_and_json_show_it_too() {
    let portal = portal();
    let run = |format: &str| {
        Run::new(&["plan", "--prune", "--max-deletes", "2", "--format", format])
            .file(FILE)
            .portal(&portal)
            .run()
    };
    insta::assert_snapshot!(run("markdown").user_view(), @r#"
    exit: 0
    ----- stdout -----
    **Plan: 0 to create, 0 to update, 2 to delete, 1 unchanged.** Portal: `[PORTAL]`

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 0 | 0 | 2 | 1 | 0 |

    #### - delete `#2 "Busy"`

    > **Warning:** erases its delivery log too: 3 deliveries.

    ```diff
    - name: "Busy"
    - uri: "https://busy.example.com/h"
    - enabled: true
    - ssl: true
    - triggers: [*]
      targetId: (none)
    ```

    #### - delete `#3 "Quiet"`

    > Its delivery log is empty.

    ```diff
    - name: "Quiet"
    - uri: "https://quiet.example.com/h"
    - enabled: true
    - ssl: true
    - triggers: [*]
      targetId: (none)
    ```
    ----- stderr -----
    ----- end -----
    "#);
    let json: serde_json::Value = serde_json::from_str(&run("json").stdout).unwrap();
    let deliveries: Vec<(String, Option<u64>)> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c.get("deliveries").map(|n| n.as_u64().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        deliveries,
        [("Busy".to_owned(), Some(3)), ("Quiet".to_owned(), Some(0))]
    );
}

#[test]
fn a_saved_plan_keeps_the_count_for_show() {
    let portal = portal();
    let saved = Run::new(&["plan", "--prune", "--max-deletes", "2", "--out", "p.json"])
        .file(FILE)
        .portal(&portal);
    let out = saved.run();
    assert_eq!(out.code, 0, "{out:?}");
    let plan = saved.path("p.json");
    let out = Run::new(&["show", plan.to_str().unwrap()]).file(FILE).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      - delete #2 "Busy"
          ! erases its delivery log too: 3 deliveries
          name      = "Busy"
          uri       = "https://busy.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #3 "Quiet"
          its delivery log is empty
          name      = "Quiet"
          uri       = "https://quiet.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 2 to delete, 1 unchanged.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY

    Saved plan [TMP]/p.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/p.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----
    "#);
}

#[test]
fn a_500_on_deleting_a_webhook_with_deliveries_explains_postgresql() {
    let portal = portal();
    portal.set_delete_restrict(true);
    let out = Run::new(&[
        "apply",
        "--prune",
        "--max-deletes",
        "2",
        "--auto-approve",
        "--parallelism",
        "1",
    ])
    .file(FILE)
    .portal(&portal)
    .run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      - delete #2 "Busy"
          ! erases its delivery log too: 3 deliveries
          name      = "Busy"
          uri       = "https://busy.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #3 "Quiet"
          its delivery log is empty
          name      = "Quiet"
          uri       = "https://quiet.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 2 to delete, 1 unchanged.

      [1/2] [TIME] failed "Busy" #2 was not deleted: DELETE /api/2.0/settings/webhook/2 failed (HTTP 500): An error occurred while saving the entity changes. See the inner exception for details.
          it still has 3 deliveries in its log: a portal on PostgreSQL refuses to delete a webhook while its log has rows, and the API cannot delete them. Keep it disabled instead (enabled: false in the file), or have the portal's administrator remove its log rows from the database, then delete it again
      [2/2] [TIME] ok deleted #3 "Quiet"

    Apply complete: 1 done, 1 failed.
    ----- stderr -----
      x 1 of 2 change(s) failed
      help: the changes reported as done are on the portal; fix the cause and rerun apply, whose plan shows only what is left

    ----- end -----
    "#);
    let deletes: Vec<(String, u16)> = portal
        .writes()
        .iter()
        .map(|r| (r.path.clone(), r.status))
        .collect();
    assert_eq!(deletes.len(), 2, "{deletes:?}");
    assert!(deletes.contains(&(delete_path(2), 500)), "{deletes:?}");
    assert!(deletes.contains(&(delete_path(3), 200)), "{deletes:?}");
}

#[test]
fn the_docs_plan_is_what_plan_prints() {
    let portal = portal();
    let out = Run::new(&["plan", "--prune", "--max-deletes", "2"])
        .file(FILE)
        .portal(&portal)
        .run();
    let shown = out
        .stdout
        .replace(&portal.url(), "https://yourportal.onlyoffice.com");
    assert_eq!(
        shown,
        super::redeliver::doc_block("## What a delete erases"),
        "docs/redelivery.md is out of date"
    );
}

/// A portal refusing every log read is not asked for the rest once one read failed: 30
/// deletes made 30 refused reads (150 with retries of a 503) before the same error.
#[test]
fn the_first_log_read_that_fails_ends_the_counting() {
    let portal = FakePortal::start();
    for i in 1..=30 {
        portal.seed(Seed::new(
            &format!("Gone {i}"),
            &format!("https://g{i}.example.com/h"),
        ));
    }
    portal.inject(
        Fault::new(
            "GET",
            "/api/2.0/settings/webhooks/log",
            FaultKind::Status {
                status: 403,
                body: FaultBody::Empty,
            },
        )
        .times(1000),
    );
    let out = Run::new(&["plan", "--prune", "--max-deletes", "30"])
        .file("webhooks: {}\n")
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    let reads = (portal.requests().iter())
        .filter(|r| r.path.ends_with("/log"))
        .count();
    // At most the reads in flight when the first failed.
    assert!((1..=16).contains(&reads), "{reads} log reads");
}

#[test]
fn a_proxys_500_on_a_delete_that_landed_says_it_may_have_been_deleted() {
    let portal = portal();
    portal.inject(Fault::new(
        "DELETE",
        &delete_path(2),
        FaultKind::AfterHandling {
            status: 500,
            body: FaultBody::Html("<html>Internal Server Error</html>".into()),
        },
    ));
    let out = Run::new(&[
        "apply",
        "--prune",
        "--max-deletes",
        "2",
        "--auto-approve",
        "--parallelism",
        "1",
    ])
    .file(FILE)
    .portal(&portal)
    .run();
    assert_eq!(out.code, 1, "{out:?}");
    let view = out.user_view();
    let report: Vec<&str> = view.lines().skip_while(|l| !l.contains("[1/2]")).collect();
    insta::assert_snapshot!(report.join("\n"), @r#"
      [1/2] [TIME] failed "Busy" #2 may have been deleted, the portal's answer was not read: DELETE /api/2.0/settings/webhook/2 failed (HTTP 500); the answer is not from the DocSpace API: Internal Server Error
      [2/2] [TIME] ok deleted #3 "Quiet"

    Apply complete: 1 done, 1 failed.
    ----- stderr -----
      x 1 of 2 change(s) failed
      help: the changes reported as done are on the portal; fix the cause and rerun apply, whose plan shows only what is left

    ----- end -----
    "#);
    assert!(portal.get(2).is_none(), "it was deleted");
    assert_eq!(portal.writes().len(), 2, "not sent again");
}

/// A portal (or a cache in front of it) that ignores `configId` answers the whole log, and its
/// `total`, for each delete: the row it answers is another webhook's, so the count is left out
/// (text and JSON alike) rather than shown as the deleted webhook's.
#[test]
fn a_log_that_ignores_config_id_is_not_counted_as_the_deletes() {
    let portal = portal();
    portal.seed_deliveries(1, Deliveries::new(1));
    portal.set_log_quirks(LogQuirks {
        ignore_filters: true,
        ..LogQuirks::default()
    });
    let run = |format: &str| {
        Run::new(&["plan", "--prune", "--max-deletes", "2", "--format", format])
            .file(FILE)
            .portal(&portal)
            .run()
    };
    insta::assert_snapshot!(run("text").user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      - delete #2 "Busy"
          name      = "Busy"
          uri       = "https://busy.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #3 "Quiet"
          name      = "Quiet"
          uri       = "https://quiet.example.com/h"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Plan: 0 to create, 0 to update, 2 to delete, 1 unchanged.
    ----- stderr -----
    ----- end -----
    "#);
    let json: serde_json::Value = serde_json::from_str(&run("json").stdout).unwrap();
    let counted: Vec<&serde_json::Value> = (json["changes"].as_array().unwrap().iter())
        .filter_map(|c| c.get("deliveries"))
        .collect();
    assert!(counted.is_empty(), "{counted:?}");
}
