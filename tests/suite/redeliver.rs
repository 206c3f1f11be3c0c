//! `redeliver`: the failed deliveries of a window, shown, approved, resent, against the fake
//! portal's delivery log. The log's rows carry fixed dates (`AT`), inside a window of ten
//! years, and one row from 2010, outside it, so the snapshots hold whole outputs.

use std::io::Write;

use crate::support::fake_portal::{
    Deliveries, FakePortal, Fault, FaultBody, FaultKind, LOG_PATH, LogQuirks, Outcome, RETRY_PATH,
    RetryLimit, Seed,
};
use crate::support::fleet::Fleet;
use crate::support::run::Run;
use crate::support::spawn::Terminal;

/// 2026-11-30T12:00:00Z: the deliveries in the window are at most an hour before it.
const AT: i64 = 1_796_040_000;
/// 2010-01-01T00:00:00Z: outside any window this file uses.
const OLD: i64 = 1_262_304_000;
const WINDOW: &str = "3650d";

const FILE: &str = "webhooks:\n  Billing:\n    uri: https://billing.example.com/h\n";

/// #1 "Billing": an old failure, two successes, two 500s and one delivery still queued;
/// #2 "Crm": a 404 and one without an answer; #3 "Legacy", disabled: a 502.
fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    portal.seed(Seed::new("Legacy", "https://legacy.example.com/h").enabled(false));
    portal.seed_deliveries(1, Deliveries::new(1).status(503).newest_at(OLD));
    portal.seed_deliveries(1, Deliveries::new(2).newest_at(AT - 3000));
    portal.seed_deliveries(1, Deliveries::new(2).status(500).newest_at(AT - 1800));
    portal.seed_deliveries(2, Deliveries::new(1).status(404).newest_at(AT - 1200));
    portal.seed_deliveries(2, Deliveries::new(1).status(0).newest_at(AT - 600));
    portal.seed_deliveries(3, Deliveries::new(1).status(502).newest_at(AT - 300));
    portal.seed_deliveries(
        1,
        Deliveries::new(1)
            .outcome(Outcome::Pending)
            .newest_at(AT - 60),
    );
    // Redeliveries are logged an hour later, and answered.
    portal.set_time(AT + 3600);
    portal
}

fn redeliver(portal: &FakePortal, args: &[&str]) -> Run {
    let mut all = vec!["redeliver", "--since", WINDOW];
    all.extend(args);
    Run::new(&all).file(FILE).portal(portal)
}

/// The writes, with their bodies.
fn retries(portal: &FakePortal) -> Vec<String> {
    portal
        .writes()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.path,
                r.body.clone().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn without_a_terminal_it_shows_the_list_and_sends_nothing() {
    let portal = portal();
    let out = redeliver(&portal, &[]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 2 failed deliveries to resend
          log #4      2026-11-30T11:29:00+00:00  500     file.created
          log #5      2026-11-30T11:30:00+00:00  500     file.created

      #2 "Crm": 2 failed deliveries to resend
          log #6      2026-11-30T11:40:00+00:00  404     file.created
          log #7      2026-11-30T11:50:00+00:00  unsent  file.created

      ! #3 "Legacy" is disabled: its 1 failed delivery is left out (--include-disabled resends it)

      1 delivery still queued by the portal (not sent yet) left out.

    Redeliver: 4 failed deliveries of 2 webhooks, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.
    ----- stderr -----
      x refusing to resend without confirmation: there is no terminal to ask on; nothing was sent
      help: review the list, then rerun with --auto-approve

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());
}

#[test]
fn approved_it_resends_exactly_the_failures_of_the_window() {
    let portal = portal();
    let out = redeliver(&portal, &["--auto-approve"]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 2 failed deliveries to resend
          log #4      2026-11-30T11:29:00+00:00  500     file.created
          log #5      2026-11-30T11:30:00+00:00  500     file.created

      #2 "Crm": 2 failed deliveries to resend
          log #6      2026-11-30T11:40:00+00:00  404     file.created
          log #7      2026-11-30T11:50:00+00:00  unsent  file.created

      ! #3 "Legacy" is disabled: its 1 failed delivery is left out (--include-disabled resends it)

      1 delivery still queued by the portal (not sent yet) left out.

    Redeliver: 4 failed deliveries of 2 webhooks, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.

    ok resent 4 of 4: new deliveries #10 to #13
    ----- stderr -----
    ----- end -----
    "#);
    assert_eq!(
        retries(&portal),
        [format!("PUT {RETRY_PATH} {{\"ids\":[4,5,6,7]}}")]
    );
    // The new rows repeat those events (the same entity), for the same webhooks, answered.
    let log = portal.deliveries();
    let event = |id: i32| {
        log.iter()
            .find(|d| d.id == id)
            .map(|d| (d.config_id, d.entity.clone()))
    };
    let new: Vec<_> = log
        .iter()
        .filter(|d| d.id >= 10)
        .map(|d| {
            (
                d.id,
                Some((d.config_id, d.entity.clone())),
                d.status,
                d.creation_time,
            )
        })
        .collect();
    let expected: Vec<_> = [4, 5, 6, 7]
        .into_iter()
        .zip(10..)
        .map(|(old, id)| (id, event(old), 200, AT + 3600))
        .collect();
    assert_eq!(new, expected);
}

#[test]
fn status_selects_the_kinds_of_failure() {
    let portal = portal();
    let out = redeliver(&portal, &["--status", "4xx", "--status", "unsent"]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #2 "Crm": 2 failed deliveries to resend
          log #6      2026-11-30T11:40:00+00:00  404     file.created
          log #7      2026-11-30T11:50:00+00:00  unsent  file.created

      1 delivery still queued by the portal (not sent yet) left out.

    Redeliver: 2 failed deliveries of 1 webhook, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.
    ----- stderr -----
      x refusing to resend without confirmation: there is no terminal to ask on; nothing was sent
      help: review the list, then rerun with --auto-approve

    ----- end -----
    "#);
}

#[test]
fn webhook_selects_by_name_or_id_and_reads_only_their_logs() {
    let portal = portal();
    let out = redeliver(
        &portal,
        &["--webhook", "Crm", "--webhook", "id:1", "--status", "5xx"],
    )
    .run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 2 failed deliveries to resend
          log #4      2026-11-30T11:29:00+00:00  500     file.created
          log #5      2026-11-30T11:30:00+00:00  500     file.created

    Redeliver: 2 failed deliveries of 1 webhook, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.
    ----- stderr -----
      x refusing to resend without confirmation: there is no terminal to ask on; nothing was sent
      help: review the list, then rerun with --auto-approve

    ----- end -----
    "#);
    let queries: Vec<String> = portal
        .requests()
        .iter()
        .filter_map(|r| r.query.clone())
        .collect();
    assert_eq!(
        queries,
        [
            "count=100&startIndex=0&configId=1&groupStatus=16",
            "count=100&startIndex=0&configId=2&groupStatus=16"
        ]
    );
}

#[test]
fn an_unknown_webhook_is_refused_before_the_log_is_read() {
    let portal = portal();
    let out = redeliver(&portal, &["--webhook", "Nope", "--webhook", "id:9"]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the portal has no webhook "Nope", id:9; nothing was sent
      help: --webhook takes a webhook's name as the portal lists it, or id:N

    ----- end -----
    "#);
    assert_eq!(portal.requests().len(), 1, "the list only");
}

#[test]
fn a_disabled_webhook_is_resent_only_when_included() {
    let portal = portal();
    let args = ["--webhook", "Legacy", "--auto-approve"];
    let left_out = redeliver(&portal, &args).run();
    insta::assert_snapshot!(left_out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ! #3 "Legacy" is disabled: its 1 failed delivery is left out (--include-disabled resends it)

    Nothing to resend in the last 3650d.
    ----- stderr -----
    ----- end -----
    "#);
    assert!(portal.writes().is_empty());

    let mut args = args.to_vec();
    args.push("--include-disabled");
    let included = redeliver(&portal, &args).run();
    insta::assert_snapshot!(included.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      #3 "Legacy": 1 failed delivery to resend
          log #8      2026-11-30T11:55:00+00:00  502     file.created

    Redeliver: 1 failed delivery of 1 webhook, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.

    ok resent 1 of 1: new deliveries #10
    ----- stderr -----
    ----- end -----
    "#);
    assert_eq!(
        retries(&portal),
        [format!("PUT {RETRY_PATH} {{\"ids\":[8]}}")]
    );
}

/// Log ids run into the millions on a busy portal: the column widens for them, so an id never
/// runs into the date and the dates stay in line.
#[test]
fn log_ids_of_seven_digits_and_more_stay_apart_from_the_date() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.set_next_log_id(999_999);
    portal.seed_deliveries(1, Deliveries::new(2).status(500).newest_at(AT));
    portal.set_next_log_id(10_000_008);
    portal.seed_deliveries(1, Deliveries::new(1).status(500).newest_at(AT + 60));
    let out = redeliver(&portal, &[]).run();
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains(" log #"))
        .collect();
    insta::assert_debug_snapshot!(rows, @r#"
    [
        "      log #999999    2026-11-30T11:59:00+00:00  500     file.created",
        "      log #1000000   2026-11-30T12:00:00+00:00  500     file.created",
        "      log #10000008  2026-11-30T12:01:00+00:00  500     file.created",
    ]
    "#);
}

/// The help names the list's columns in the order the list shows them.
#[test]
fn the_help_names_the_columns_in_the_order_of_the_list() {
    let help = Run::new(&["redeliver", "--help"]).run().stdout;
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let columns = (help.split_once("(per webhook: "))
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(columns, _)| columns);
    assert_eq!(columns, Some("log id, time, status, event"), "{help}");
}

#[test]
fn nothing_to_resend_exits_0() {
    let portal = portal();
    let out = redeliver(&portal, &["--webhook", "Billing", "--status", "4xx"]).run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

    Nothing to resend in the last 3650d.
    ----- stderr -----
    ----- end -----
    ");
}

#[test]
fn ids_the_portal_skips_are_a_failure() {
    let portal = portal();
    let terminal = Terminal::open();
    let run = redeliver(&portal, &[]);
    let process = run.spawn_with(terminal.stdin());
    process.wait_for_output("the prompt", |out, _| {
        out.contains("Only 'yes' will be accepted:")
    });
    // Crm goes, its log with it, between the list and the answer.
    portal.remove_stored(2);
    writeln!(terminal.controller(), "yes").unwrap();
    let out = process.finish();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 2 failed deliveries to resend
          log #4      2026-11-30T11:29:00+00:00  500     file.created
          log #5      2026-11-30T11:30:00+00:00  500     file.created

      #2 "Crm": 2 failed deliveries to resend
          log #6      2026-11-30T11:40:00+00:00  404     file.created
          log #7      2026-11-30T11:50:00+00:00  unsent  file.created

      ! #3 "Legacy" is disabled: its 1 failed delivery is left out (--include-disabled resends it)

      1 delivery still queued by the portal (not sent yet) left out.

    Redeliver: 4 failed deliveries of 2 webhooks, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.

    Do you want to resend these deliveries? Only 'yes' will be accepted: 
    ok resent 2 of 4: new deliveries #10, #11
    failed 2 of 4 were skipped by the portal without a word: their log rows are gone (the webhook was deleted) or not this key's to resend
    ----- stderr -----
      x 2 of 4 failed deliveries were not resent
      help: the deliveries reported as resent are queued on the portal; a rerun lists the failures again, the ones resent included (their new deliveries have new log ids)

    ----- end -----
    "#);
    drop(terminal);
}

#[test]
fn a_150_failures_go_in_two_requests_the_second_waiting_out_a_429() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.seed_deliveries(1, Deliveries::new(150).status(500).newest_at(AT));
    portal.set_time(AT + 3600);
    // A window of one (short) second: the 429 always asks for 1 s, which is then enough.
    portal.set_retry_limit(Some(RetryLimit {
        requests: 1,
        window: std::time::Duration::from_millis(300),
        second: std::time::Duration::from_millis(300),
    }));
    let out = redeliver(&portal, &["--auto-approve"])
        .env("DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS", "300")
        .run();
    insta::assert_snapshot!(out.user_view());
    let sent: Vec<(u16, usize)> = portal
        .writes()
        .iter()
        .map(|r| {
            let body: serde_json::Value =
                serde_json::from_str(r.body.as_deref().unwrap_or("null")).unwrap();
            (r.status, body["ids"].as_array().map_or(0, Vec::len))
        })
        .collect();
    assert_eq!(sent, [(200, 100), (429, 50), (200, 50)]);
    assert_eq!(portal.deliveries().len(), 300);
}

#[test]
fn two_webhooks_of_one_name_each_resend_only_their_own() {
    // The log's rows name their webhook only by name, which the portal lets two share.
    let portal = FakePortal::start();
    portal.seed(Seed::new("Twin", "https://a.example.com/h"));
    portal.seed(Seed::new("Twin", "https://b.example.com/h"));
    portal.seed_deliveries(1, Deliveries::new(1).status(500).newest_at(AT - 120));
    portal.seed_deliveries(2, Deliveries::new(1).status(503).newest_at(AT - 60));
    let out = Run::new(&["redeliver", "--since", WINDOW])
        .file(FILE)
        .portal(&portal)
        .run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Twin": 1 failed delivery to resend
          log #1      2026-11-30T11:58:00+00:00  500     file.created

      #2 "Twin": 1 failed delivery to resend
          log #2      2026-11-30T11:59:00+00:00  503     file.created

    Redeliver: 2 failed deliveries of 2 webhooks, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.
    ----- stderr -----
      x refusing to resend without confirmation: there is no terminal to ask on; nothing was sent
      help: review the list, then rerun with --auto-approve

    ----- end -----
    "#);
}

#[test]
fn each_portal_of_a_portals_file_is_listed_and_resent_a_down_one_fails_alone() {
    let fleet = Fleet::start(&["staging", "production"]).with_down("eu");
    for (i, (_, portal)) in fleet.up().enumerate() {
        portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
        portal.seed_deliveries(1, Deliveries::new(i + 1).status(500).newest_at(AT));
        portal.set_time(AT + 3600);
    }
    let file = format!("{}webhooks: {{}}\n", fleet.portals_yaml(&[]));
    let out = Run::new(&[
        "redeliver",
        "--since",
        WINDOW,
        "--auto-approve",
        "--retries",
        "0",
    ])
    .file(&file)
    .fleet(&fleet)
    .run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    === portal staging ([PORTAL]) ===

      #1 "Billing": 1 failed delivery to resend
          log #1      2026-11-30T12:00:00+00:00  500     file.created

    === portal production ([PORTAL-2]) ===

      #1 "Billing": 2 failed deliveries to resend
          log #1      2026-11-30T11:59:00+00:00  500     file.created
          log #2      2026-11-30T12:00:00+00:00  500     file.created

    === portal eu ([PORTAL-3]) ===
    Error: could not connect to [PORTAL-3]: Connection refused (os error 111)

    Redeliver: 3 failed deliveries of 2 webhooks on 2 portals, in 2 requests.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.

    [staging] ok resent 1 of 1: new deliveries #2
    [production] ok resent 2 of 2: new deliveries #3, #4
    ----- stderr -----
      x 1 of 3 portal(s) could not be read
      help: each failed portal's section says why; the other portals' deliveries were listed, and resent when approved

    ----- end -----
    "#);
    let resent: Vec<usize> = fleet.up().map(|(_, p)| p.writes().len()).collect();
    assert_eq!(resent, [1, 1]);
}

/// The ```text block of docs/redelivery.md after `heading`, without its `$ ` command line.
pub fn doc_block(heading: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/redelivery.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let block = &doc[doc.find(heading).expect("the section")..];
    let block = &block[block.find("```text\n").expect("a block") + "```text\n".len()..];
    let block = &block[..block.find("```").expect("a closed block")];
    block
        .lines()
        .filter(|line| !line.starts_with("$ "))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn the_docs_session_is_what_redeliver_prints() {
    let portal = portal();
    let out = redeliver(&portal, &["--auto-approve"]).run();
    // The docs show the prompt answered on a terminal; --auto-approve skips that line.
    let expected = doc_block("## `redeliver`").replace(
        "\nDo you want to resend these deliveries? Only 'yes' will be accepted: yes\n",
        "",
    );
    let shown = out
        .stdout
        .replace(&portal.url(), "https://yourportal.onlyoffice.com");
    assert_eq!(
        shown, expected,
        "docs/redelivery.md is out of date: {out:?}"
    );
}

#[test]
fn a_retry_whose_answer_is_lost_is_not_called_unsent() {
    use crate::support::fake_portal::{Fault, FaultBody, FaultKind};
    let portal = portal();
    // The portal queues the four, then a proxy answers 502 in its place.
    portal.inject(Fault::new(
        "PUT",
        RETRY_PATH,
        FaultKind::AfterHandling {
            status: 502,
            body: FaultBody::Html("<html>bad gateway</html>".into()),
        },
    ));
    let out = redeliver(&portal, &["--auto-approve"]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 2 failed deliveries to resend
          log #4      2026-11-30T11:29:00+00:00  500     file.created
          log #5      2026-11-30T11:30:00+00:00  500     file.created

      #2 "Crm": 2 failed deliveries to resend
          log #6      2026-11-30T11:40:00+00:00  404     file.created
          log #7      2026-11-30T11:50:00+00:00  unsent  file.created

      ! #3 "Legacy" is disabled: its 1 failed delivery is left out (--include-disabled resends it)

      1 delivery still queued by the portal (not sent yet) left out.

    Redeliver: 4 failed deliveries of 2 webhooks, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.

    failed 4 of 4 may have been resent, the portal's answer was not read: PUT /api/2.0/settings/webhook/retry failed (HTTP 502); the answer is not from the DocSpace API: bad gateway
    ----- stderr -----
      x 4 of 4 failed deliveries may or may not have been resent
      help: the portal may have queued them before its answer was lost: `status` or the portal's delivery log shows their new deliveries; a rerun before checking may send their events twice

    ----- end -----
    "#);
    // Sent once, and queued.
    assert_eq!(portal.writes().len(), 1);
    assert_eq!(portal.deliveries().len(), 13);
}

/// `redeliver --auto-approve` of the 4 failures, the portal handling the retry but answering
/// new rows of these ids.
fn resent_as(ids: &[i64]) -> crate::support::run::Outcome {
    let portal = portal();
    let rows: Vec<serde_json::Value> = (ids.iter())
        .map(|id| {
            serde_json::json!({"id": id, "configName": "Billing", "trigger": 128,
                "creationTime": "2026-11-30T13:00:00.0000000+00:00", "status": 0})
        })
        .collect();
    let count = rows.len();
    let body =
        serde_json::json!({"response": rows, "count": count, "status": 0, "statusCode": 200});
    portal.inject(Fault::new(
        "PUT",
        RETRY_PATH,
        FaultKind::AfterHandling {
            status: 200,
            body: FaultBody::Json(body),
        },
    ));
    redeliver(&portal, &["--auto-approve"]).run()
}

/// A retry answered with more new rows than ids sent (the portal, or something in front of
/// it, doubled them): no more ids are said to be resent than were sent, and a warning says the
/// rest are extra. Every new row is still listed, so they can be found in the log.
#[test]
fn more_new_rows_than_ids_sent_are_not_counted_as_resent() {
    let out = resent_as(&(20..28).collect::<Vec<_>>());
    let tail: Vec<&str> = out.stdout.lines().rev().take(2).collect();
    insta::assert_debug_snapshot!((out.code, tail, out.stderr), @r#"
    (
        0,
        [
            "warning 4 of these new deliveries are more than the portal was asked for (its answer held more new rows than ids sent): it may send some events twice",
            "ok resent 4 of 4: new deliveries #20 to #27",
        ],
        "",
    )
    "#);
}

/// A retry answered with one new row twice (a proxy or cache that doubled it): no row is
/// counted twice as resent; the answer cannot say what the portal queued, so the ids may have
/// been resent, and a rerun before a look at the log may send them twice.
#[test]
fn a_retry_answer_that_repeats_a_new_row_is_not_counted_as_resent() {
    let out = resent_as(&[20, 20, 21, 22]);
    let tail: Vec<&str> = out.stdout.lines().rev().take(1).collect();
    insta::assert_debug_snapshot!((out.code, tail, out.stderr), @r#"
    (
        1,
        [
            "failed 4 of 4 may have been resent, the portal's answer was not read: PUT /api/2.0/settings/webhook/retry: unexpected answer at `response[1].id`: found #20 again (expected each new delivery once, under an id not sent)",
        ],
        "  x 4 of 4 failed deliveries may or may not have been resent\n  help: the portal may have queued them before its answer was lost: `status` or the portal's delivery log shows their new deliveries; a rerun before checking may send their events twice\n\n",
    )
    "#);
}

/// A retry answered with the very rows sent (an echo, status and all): no row of it is new, so
/// none is counted as resent, and the ids may have been (it was "ok resent 4 of 4", exit 0).
#[test]
fn a_retry_answer_that_echoes_the_rows_sent_is_not_counted_as_resent() {
    let out = resent_as(&[4, 5, 6, 7]);
    let tail: Vec<&str> = out.stdout.lines().rev().take(1).collect();
    insta::assert_debug_snapshot!((out.code, tail, out.stderr), @r#"
    (
        1,
        [
            "failed 4 of 4 may have been resent, the portal's answer was not read: PUT /api/2.0/settings/webhook/retry: unexpected answer at `response[0].id`: found #4 again (expected each new delivery once, under an id not sent)",
        ],
        "  x 4 of 4 failed deliveries may or may not have been resent\n  help: the portal may have queued them before its answer was lost: `status` or the portal's delivery log shows their new deliveries; a rerun before checking may send their events twice\n\n",
    )
    "#);
}

/// Two retry requests answered with the same rows (a replayed answer): the second's are not
/// new (it was "new deliveries #1000 to #1099, #1000 to #1099", exit 0).
#[test]
fn a_retry_answer_that_repeats_an_earlier_answer_is_not_counted_as_resent() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.seed_deliveries(1, Deliveries::new(150).status(500).newest_at(AT));
    portal.set_time(AT + 3600);
    let rows: Vec<serde_json::Value> = (1000..1100)
        .map(|id| {
            serde_json::json!({"id": id, "configName": "Billing", "trigger": 128,
                "creationTime": "2026-11-30T13:00:00.0000000+00:00", "status": 0})
        })
        .collect();
    let body = serde_json::json!({"response": rows, "count": 100, "status": 0, "statusCode": 200});
    let answer = FaultKind::AfterHandling {
        status: 200,
        body: FaultBody::Json(body),
    };
    portal.inject(Fault::new("PUT", RETRY_PATH, answer).times(2));
    let out = redeliver(&portal, &["--auto-approve"]).run();
    let tail: Vec<&str> = out.stdout.lines().rev().take(2).collect();
    insta::assert_debug_snapshot!((out.code, tail, out.stderr), @r#"
    (
        1,
        [
            "failed 50 of 150 may have been resent, the portal's answer was not read: PUT /api/2.0/settings/webhook/retry: unexpected answer at `response[0].id`: found #1000 again (expected each new delivery once, under an id not sent)",
            "ok resent 100 of 150: new deliveries #1000 to #1099",
        ],
        "  x 50 of 150 failed deliveries may or may not have been resent\n  help: the portal may have queued them before its answer was lost: `status` or the portal's delivery log shows their new deliveries; a rerun before checking may send their events twice\n\n",
    )
    "#);
}

/// A retry refused with a 429 asking for more than --max-wait: the stop says so, as apply's
/// does (it said only the portal's 429).
#[test]
fn a_retry_stopped_by_max_wait_says_the_budget_stopped_it() {
    let portal = portal();
    portal.inject(Fault::new(
        "PUT",
        RETRY_PATH,
        FaultKind::RetryAfter { seconds: 5 },
    ));
    let out = redeliver(&portal, &["--auto-approve", "--max-wait", "2"]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 2 failed deliveries to resend
          log #4      2026-11-30T11:29:00+00:00  500     file.created
          log #5      2026-11-30T11:30:00+00:00  500     file.created

      #2 "Crm": 2 failed deliveries to resend
          log #6      2026-11-30T11:40:00+00:00  404     file.created
          log #7      2026-11-30T11:50:00+00:00  unsent  file.created

      ! #3 "Legacy" is disabled: its 1 failed delivery is left out (--include-disabled resends it)

      1 delivery still queued by the portal (not sent yet) left out.

    Redeliver: 4 failed deliveries of 2 webhooks, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.

    failed 4 of 4 were not sent: PUT /api/2.0/settings/webhook/retry: the portal is limiting the request rate (HTTP 429); it asks to retry after 5 s ([DATE])
    Stopped (the portal's rate limit (X-RateLimit-Limit: 1500) is reached and it accepts requests again at [DATE], in 5 s: more waiting than the run's --max-wait 2 s allows).
    ----- stderr -----
      x 4 of 4 failed deliveries were not resent
      help: the deliveries reported as resent are queued on the portal; a rerun lists the failures again, the ones resent included (their new deliveries have new log ids)

    ----- end -----
    "#);
}

/// A 429 whose `Retry-After` asks for no wait (0 s, or a date already past) is said to be
/// one, not to have none; the refused request goes again.
#[test]
fn a_429_whose_retry_after_asks_for_no_wait_is_said_to() {
    use crate::support::fake_portal::{Fault, FaultKind};
    let pauses: Vec<String> = ["0", "Wed, 21 Oct 2015 07:28:00 GMT"]
        .into_iter()
        .map(|retry_after| {
            let portal = portal();
            portal.inject(Fault::new(
                "PUT",
                RETRY_PATH,
                FaultKind::RetryAt {
                    retry_after: retry_after.into(),
                    limit: 5,
                },
            ));
            let out = redeliver(&portal, &["--auto-approve"])
                .env("DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS", "10")
                .run();
            assert_eq!(out.code, 0, "{out:?}");
            let pause = out.stderr.lines().find(|l| l.contains("HTTP 429"));
            pause.unwrap_or(&out.stderr).to_owned()
        })
        .collect();
    insta::assert_debug_snapshot!(pauses, @r#"
    [
        "the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook/retry): pausing all requests for 1 ms (its Retry-After asks for no wait: 0 s, or a time already past), then at most 1 write(s) at a time; 1 ms of --max-wait 300 s used",
        "the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook/retry): pausing all requests for 1 ms (its Retry-After asks for no wait: 0 s, or a time already past), then at most 1 write(s) at a time; 1 ms of --max-wait 300 s used",
    ]
    "#);
}

/// 150 failures of #1 (two requests), the first request held for 3 s, and `redeliver`
/// started on them, once that request is at the portal.
fn resending_slowly(portal: &FakePortal) -> (Run, crate::support::spawn::Spawned) {
    use crate::support::fake_portal::{Fault, FaultKind};
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.seed_deliveries(1, Deliveries::new(150).status(500).newest_at(AT));
    portal.set_time(AT + 3600);
    let held = FaultKind::Delay(std::time::Duration::from_secs(3));
    portal.inject(Fault::new("PUT", RETRY_PATH, held));
    let run = redeliver(portal, &["--auto-approve"]);
    let process = run.spawn();
    crate::support::spawn::wait_until("the first retry", || !portal.writes().is_empty());
    (run, process)
}

#[test]
fn sigint_mid_resend_counts_the_request_in_flight_and_reports_it() {
    let portal = FakePortal::start();
    let (_run, process) = resending_slowly(&portal);
    process.signal(libc::SIGINT);
    let out = process.finish();
    assert_eq!(out.code, 130);
    assert_eq!(
        out.stderr,
        "SIGINT received: starting no new write; waiting for the 1 in flight to finish (send \
         SIGINT again to exit at once)\n"
    );
    assert!(
        out.stdout.ends_with(
            "\nok resent 100 of 150: new deliveries #151 to #250\nfailed 50 of 150 were not \
             sent: PUT /api/2.0/settings/webhook/retry was not sent: SIGINT received\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn a_second_sigint_mid_resend_names_the_request_that_may_land() {
    let portal = FakePortal::start();
    let (_run, process) = resending_slowly(&portal);
    process.signal(libc::SIGINT);
    process.wait_for_output("the first signal's notice", |_, err| {
        err.contains("send SIGINT again")
    });
    process.signal(libc::SIGINT);
    let out = process.finish();
    assert_eq!(out.code, 130);
    assert_eq!(
        out.stderr,
        "SIGINT received: starting no new write; waiting for the 1 in flight to finish (send \
         SIGINT again to exit at once)\nA second signal (SIGINT) received: exiting at once. \
         These writes were in flight and may or may not have been carried out (run status to see their new \
         deliveries):\n  resend of 100 deliveries\n"
    );
}

/// On a server that retries by itself, a failure whose `nextAttemptOn` is still to come is the
/// portal's to resend: `redeliver` leaves it out as queued, and resends only the failure whose
/// retries are over.
#[test]
fn a_failure_the_portal_will_retry_by_itself_is_not_resent() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    // Rows #1 to #8 exist to be resent; the log read is answered as a newer server would.
    portal.seed_deliveries(1, Deliveries::new(8).status(500).newest_at(AT - 600));
    let row = |id: i32, next: &str| {
        serde_json::json!({
            "id": id, "configName": "Billing", "trigger": 1,
            "creationTime": "2026-11-30T11:30:00+00:00",
            "requestHeaders": null, "requestPayload": "{}",
            "responseHeaders": null, "responsePayload": "boom",
            "status": 500, "delivery": null, "attempts": 3, "nextAttemptOn": next,
        })
    };
    let page = serde_json::json!({
        "count": 2, "total": 2, "status": 0, "statusCode": 200,
        "response": [row(8, "2099-01-01T00:00:00+00:00"), row(7, "2026-11-30T11:40:00+00:00")],
    });
    portal.inject(
        Fault::new(
            "GET",
            LOG_PATH,
            FaultKind::Status {
                status: 200,
                body: FaultBody::Json(page),
            },
        )
        .times(10),
    );
    let out = redeliver(&portal, &["--auto-approve"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("log #7 "), "{}", out.stdout);
    assert!(!out.stdout.contains("log #8 "), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("1 delivery still queued by the portal (not sent yet) left out"),
        "{}",
        out.stdout
    );
    assert_eq!(
        retries(&portal),
        [format!("PUT {RETRY_PATH} {{\"ids\":[7]}}")]
    );
}

/// A portal, or a cache in front of it, that ignores `configId`, `groupStatus` and `trigger`.
fn ignoring_filters(portal: &FakePortal) {
    portal.set_log_quirks(LogQuirks {
        ignore_filters: true,
        ..LogQuirks::default()
    });
}

#[test]
fn a_portal_that_ignores_the_filters_gets_only_the_failures_asked_for_resent() {
    let portal = portal();
    ignoring_filters(&portal);
    let out = redeliver(&portal, &["--status", "5xx", "--auto-approve"]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 2 failed deliveries to resend
          log #4      2026-11-30T11:29:00+00:00  500     file.created
          log #5      2026-11-30T11:30:00+00:00  500     file.created

      ! #3 "Legacy" is disabled: its 1 failed delivery is left out (--include-disabled resends it)

      ! The portal's log answered 5 deliveries the query did not ask for (another webhook's, a success, or a status not chosen: it ignored a filter); left out.

    Redeliver: 2 failed deliveries of 1 webhook, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.

    ok resent 2 of 2: new deliveries #10, #11
    ----- stderr -----
    ----- end -----
    "#);
    assert_eq!(
        retries(&portal),
        [r#"PUT /api/2.0/settings/webhook/retry {"ids":[4,5]}"#]
    );
}

#[test]
fn a_delivery_the_log_gives_under_two_webhooks_is_sent_once() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Twin", "https://a.example.com/h"));
    portal.seed(Seed::new("Twin", "https://b.example.com/h"));
    portal.seed_deliveries(1, Deliveries::new(1).status(500).newest_at(AT - 120));
    portal.seed_deliveries(2, Deliveries::new(1).status(503).newest_at(AT - 60));
    ignoring_filters(&portal);
    let out = redeliver(&portal, &["--auto-approve"]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Twin": 2 failed deliveries to resend
          log #1      2026-11-30T11:58:00+00:00  500     file.created
          log #2      2026-11-30T11:59:00+00:00  503     file.created

      ! The portal's log answered 2 deliveries the query did not ask for (another webhook's, a success, or a status not chosen: it ignored a filter); left out.

    Redeliver: 2 failed deliveries of 1 webhook, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.

    ok resent 2 of 2: new deliveries #3, #4
    ----- stderr -----
    ----- end -----
    "#);
    // The rows name their webhook only by name: each is listed, and sent, once.
    assert_eq!(
        retries(&portal),
        [r#"PUT /api/2.0/settings/webhook/retry {"ids":[1,2]}"#]
    );
}

/// A row under a name the list does not have (its webhook renamed or deleted since the list
/// was read, or not this key's to list) is left out, and said to be, as with `--webhook`.
#[test]
fn a_failure_of_a_webhook_not_in_the_list_is_said_to_be_left_out() {
    let portal = portal();
    portal.hide_from_list(2, true);
    let out = redeliver(&portal, &[]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 2 failed deliveries to resend
          log #4      2026-11-30T11:29:00+00:00  500     file.created
          log #5      2026-11-30T11:30:00+00:00  500     file.created

      ! #3 "Legacy" is disabled: its 1 failed delivery is left out (--include-disabled resends it)

      1 delivery still queued by the portal (not sent yet) left out.

      ! The portal's log answered 2 deliveries the query did not ask for (another webhook's, a success, or a status not chosen: it ignored a filter); left out.

    Redeliver: 2 failed deliveries of 1 webhook, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.
    ----- stderr -----
      x refusing to resend without confirmation: there is no terminal to ask on; nothing was sent
      help: review the list, then rerun with --auto-approve

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());
}

#[test]
fn a_date_that_cannot_be_read_hides_no_older_failure_of_the_window() {
    // Newest first: a 502 and a 500 whose dates are not dates, around a 404 and a 500 of the
    // window; then one more, below the window's last, before a failure of 2010.
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    let seed =
        |status, at| portal.seed_deliveries(1, Deliveries::new(1).status(status).newest_at(at))[0];
    let ids = [
        seed(503, OLD),
        seed(500, AT - 1800),
        seed(500, AT - 1200),
        seed(500, AT - 900),
        seed(404, AT - 600),
        seed(502, AT - 300),
    ];
    let undated = [ids[1], ids[3], ids[5]].map(|id| (id, "yesterday-ish".to_owned()));
    portal.set_log_quirks(LogQuirks {
        dates: undated.into(),
        ..LogQuirks::default()
    });
    let out = redeliver(&portal, &[]).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      #1 "Billing": 4 failed deliveries to resend
          log #3      2026-11-30T11:40:00+00:00  500     file.created
          log #4      (unreadable date)          500     file.created
          log #5      2026-11-30T11:50:00+00:00  404     file.created
          log #6      (unreadable date)          502     file.created

    Redeliver: 4 failed deliveries of 1 webhook, in 1 request.
    Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.
    ----- stderr -----
      x refusing to resend without confirmation: there is no terminal to ask on; nothing was sent
      help: review the list, then rerun with --auto-approve

    ----- end -----
    "#);
}

/// The rule is the log's order, whatever the status: a failure whose date is not a date, above a
/// success of the window, is in it (as `status` counts it) though the failure below that is not.
/// The failures alone do not show the success: the window is read again with every status.
#[test]
fn a_date_that_cannot_be_read_is_in_the_window_above_a_success_of_it() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    let seed =
        |status, at| portal.seed_deliveries(1, Deliveries::new(1).status(status).newest_at(at))[0];
    let ids = [seed(503, OLD), seed(200, AT - 600), seed(500, AT - 300)];
    portal.set_log_quirks(LogQuirks {
        dates: [(ids[2], "yesterday-ish".to_owned())].into(),
        ..LogQuirks::default()
    });
    for args in [&[][..], &["--webhook", "Billing"]] {
        let out = redeliver(&portal, args).run();
        // The whole log in one read, and one webhook's own: the same rows.
        insta::allow_duplicates! {
            insta::assert_snapshot!(out.user_view(), @r#"
            exit: 1
            ----- stdout -----
            Portal: [PORTAL]

              #1 "Billing": 1 failed delivery to resend
                  log #3      (unreadable date)  500     file.created

            Redeliver: 1 failed delivery of 1 webhook, in 1 request.
            Each is sent as a new delivery: its receiver sees a new event id, signed with the webhook's current secret and sent to its current uri.
            ----- stderr -----
              x refusing to resend without confirmation: there is no terminal to ask on; nothing was sent
              help: review the list, then rerun with --auto-approve

            ----- end -----
            "#);
        }
    }
}

/// 150 failures of "Billing" in the window, read through a log that pages as `quirks` says.
fn paged(quirks: LogQuirks) -> (FakePortal, crate::support::run::Outcome) {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.seed_deliveries(1, Deliveries::new(150).status(500).newest_at(AT));
    portal.set_log_quirks(quirks);
    let out = redeliver(&portal, &["--auto-approve"]).run();
    (portal, out)
}

#[test]
fn a_log_that_ends_before_its_total_sends_nothing() {
    let (portal, out) = paged(LogQuirks {
        empty_from: Some(100),
        ..LogQuirks::default()
    });
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhooks/log?count=100&startIndex=100&groupStatus=29: the portal's log answered no rows past the first 100 of 150, so not every delivery asked for could be read
      help: the portal (or a proxy or cache in front of it) pages or orders the delivery log inconsistently; run again, and if it persists, report it to the portal's administrator

    ----- end -----
    ");
    assert!(portal.writes().is_empty());
}

/// A cache that serves the log oldest first: its rows are not dropped as repeats (which left
/// one delivery of 150 to resend), the read fails and nothing is sent.
#[test]
fn a_log_served_oldest_first_is_an_error_and_sends_nothing() {
    let (portal, out) = paged(LogQuirks {
        oldest_first: true,
        ..LogQuirks::default()
    });
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhooks/log?count=100&startIndex=0&groupStatus=29: the portal's log answered a page whose log ids do not descend (the log is not newest first), so not every delivery asked for could be read
      help: the portal (or a proxy or cache in front of it) pages or orders the delivery log inconsistently; run again, and if it persists, report it to the portal's administrator

    ----- end -----
    ");
    assert!(portal.writes().is_empty());
}

#[test]
fn a_log_that_repeats_its_first_page_stops_at_the_second_and_sends_nothing() {
    let (portal, out) = paged(LogQuirks {
        ignore_start: true,
        ..LogQuirks::default()
    });
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhooks/log?count=100&startIndex=100&groupStatus=29: the portal's log answered the same rows again past the first 100 (it ignores `startIndex`), so not every delivery asked for could be read
      help: the portal (or a proxy or cache in front of it) pages or orders the delivery log inconsistently; run again, and if it persists, report it to the portal's administrator

    ----- end -----
    ");
    assert!(portal.writes().is_empty());
    assert_eq!(portal.requests().len(), 3, "the list and two pages");
}

#[test]
fn a_log_of_short_pages_is_read_to_its_total() {
    let (portal, out) = paged(LogQuirks {
        page_cap: Some(40),
        ..LogQuirks::default()
    });
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("ok resent 150 of 150"),
        "{}",
        out.stdout
    );
    let pages = portal
        .requests()
        .iter()
        .filter(|r| r.path == LOG_PATH)
        .count();
    assert_eq!(pages, 4);
}

/// Rows past the `total` prove it too small: the log is read on to a page without rows.
#[test]
fn a_log_whose_total_is_too_small_is_read_to_a_page_without_rows() {
    let (portal, out) = paged(LogQuirks {
        total: Some(5),
        ..LogQuirks::default()
    });
    assert!(out.stdout.contains("ok resent 150 of 150"), "{}", out.all());
    let pages = portal
        .requests()
        .iter()
        .filter(|r| r.path == LOG_PATH)
        .count();
    assert_eq!(pages, 3);
}

/// A log read past its `total` ends, with an error, once it is more than 1,000 rows past the
/// largest: a portal whose pages never end would be read on and on (nothing is sent).
#[test]
fn a_log_that_goes_on_far_past_its_total_is_an_error_and_sends_nothing() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.seed_deliveries(1, Deliveries::new(1200).status(500).newest_at(AT));
    portal.set_log_quirks(LogQuirks {
        total: Some(30),
        ..LogQuirks::default()
    });
    let out = redeliver(&portal, &["--auto-approve"]).run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhooks/log?count=100&startIndex=1000&groupStatus=29: the portal's log answered rows on to the 1100th, more than 1000 past the largest total it gave (30), so not every delivery asked for could be read
      help: the portal (or a proxy or cache in front of it) pages or orders the delivery log inconsistently; run again, and if it persists, report it to the portal's administrator

    ----- end -----
    ");
    assert!(portal.writes().is_empty());
}

/// Pages capped at 50 under a `total` of 30: the first page, short of the 100 asked, went past
/// the total, and was taken for the end of the log (50 of the 150 failures resent, exit 0).
#[test]
fn short_pages_past_a_total_too_small_are_read_to_a_page_without_rows() {
    let (portal, out) = paged(LogQuirks {
        page_cap: Some(50),
        total: Some(30),
        ..LogQuirks::default()
    });
    let last = out.stdout.lines().last();
    let pages = (portal.requests().iter())
        .filter(|r| r.path == LOG_PATH)
        .count();
    assert_eq!(
        (out.code, last, pages),
        (
            0,
            Some("ok resent 150 of 150: new deliveries #151 to #300"),
            4
        ),
        "{}",
        out.all()
    );
}
