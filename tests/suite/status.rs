//! `status`: each webhook's health from the delivery log over a window, managed or not, the
//! file's secrets checked against the recorded signatures, in every format, for one portal and
//! a `portals:` file; exit codes with `--detailed-exitcode`; never a secret in any output.

use crate::support::fake_portal::{Deliveries, FakePortal, LogQuirks, Outcome, Seed};
use crate::support::run::{Outcome as Ran, Run};

/// 2026-12-01T12:00:00Z: the tool's now (DOCSPACE_WEBHOOKS_TEST_NOW) and the fake's clock.
const NOW: i64 = 1_796_126_400;
const HOUR: i64 = 3600;
const CREATED: &str = "2026-11-01T00:00:00.0000000+00:00";
/// The seeded webhooks' secret, which AUDIT_SECRET holds.
const SECRET: &str = "seeded-secret-1";
const WRONG: &str = "another-secret-2";

/// Audit ok and verified; Crm failing, its secret differing, its receiver echoing a secret;
/// Billing at risk with its variable unset; Legacy unmanaged and silent; Paused disabled by
/// the file; Archive delivering only before the window, its literal secret verified.
fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let seed = |name: &str| {
        Seed::new(
            name,
            &format!("https://{}.example.com/h", name.to_lowercase()),
        )
        .created_on(CREATED)
    };
    let audit = portal.seed(seed("Audit"));
    let crm = portal.seed(seed("Crm"));
    let billing = portal.seed(seed("Billing").success("2026-11-29T09:00:00.0000000+00:00"));
    portal.seed(seed("Legacy"));
    let paused = portal.seed(seed("Paused").enabled(false));
    let archive = portal.seed(seed("Archive"));
    portal.seed_deliveries(audit, Deliveries::new(3).newest_at(NOW - 60).every(HOUR));
    portal.seed_deliveries(
        crm,
        Deliveries::new(4).newest_at(NOW - 3 * HOUR).every(HOUR),
    );
    let echo = format!("bad gateway: token={SECRET}\n\u{1b}[31mretry later");
    portal.seed_deliveries(
        crm,
        Deliveries::new(2)
            .newest_at(NOW - 120)
            .every(60)
            .outcome(Outcome::Answer {
                status: 502,
                body: echo,
            }),
    );
    portal.seed_deliveries(
        billing,
        Deliveries::new(48)
            .status(0)
            .newest_at(NOW - 600)
            .every(HOUR),
    );
    portal.seed_deliveries(paused, Deliveries::new(2).newest_at(NOW - 2 * HOUR));
    portal.seed_deliveries(archive, Deliveries::new(2).newest_at(NOW - 3 * 24 * HOUR));
    portal
}

const FILE: &str = "\
webhooks:
  Audit:
    secretKey: ${AUDIT_SECRET}
  Crm:
    secretKey: ${CRM_SECRET}
  Billing:
    secretKey: ${BILLING_SECRET}
  Paused:
    enabled: false
  Archive:
    secretKey: seeded-secret-1
";

fn status(args: &[&str], portal: &FakePortal) -> Ran {
    status_of(FILE, args, portal)
}

/// `status ARGS` of `file` against `portal` at `NOW`, AUDIT_SECRET and CRM_SECRET set.
fn status_of(file: &str, args: &[&str], portal: &FakePortal) -> Ran {
    let mut all = vec!["status"];
    all.extend(args);
    Run::new(&all)
        .file(file)
        .portal(portal)
        .env("DOCSPACE_WEBHOOKS_TEST_NOW", &NOW.to_string())
        .env("AUDIT_SECRET", SECRET)
        .env("CRM_SECRET", WRONG)
        .run()
}

#[test]
fn each_health_state_with_its_counts_failure_and_secret() {
    let portal = portal();
    let out = status(&[], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Audit": ok
          deliveries    3: 3 2xx
          secret        verified: delivery #3 at 2026-12-01T11:59:00Z was signed with AUDIT_SECRET

      #2 "Crm": failing
          deliveries    6: 4 2xx, 2 5xx (2 failed)
          last failure  2026-12-01T11:58:00Z, status 502: "bad gateway: token=[redacted] retry later"
          last success  2026-12-01T09:00:00Z
          secret        differs: delivery #9 at 2026-12-01T11:58:00Z was signed with another secret than CRM_SECRET (`apply --rotate-secrets` sends the file's)

      #3 "Billing": at risk
          deliveries    24: 24 unsent (24 failed)
          last failure  2026-12-01T11:50:00Z, no answer: "Connection refused (receiver:443)"
          last success  2026-11-29T09:00:00Z, over a day ago: the portal disables a webhook after 3 days of failures
          secret        unverifiable: BILLING_SECRET is not set

      #4 "Legacy" (unmanaged): no deliveries
          deliveries    none

      #5 "Paused": disabled
          deliveries    2: 2 2xx

      #6 "Archive": no deliveries
          deliveries    none
          secret        verified: delivery #61 at 2026-11-28T12:00:00Z was signed with the file's secretKey

    Health: 1 ok, 1 failing, 1 at risk, 1 disabled, 2 no deliveries; 1 secret differs.
    ----- stderr -----
      ! the secretKey of 'Archive' is written in the file
        ,-[webhooks.yaml:10:3]
      9 |     enabled: false
     10 |   Archive:
        :   ^^^|^^^
        :      `-- secret written literally in this entry
     11 |     secretKey: ***            
        `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

    ----- end -----
    "#);
    for secret in [SECRET, WRONG] {
        assert!(!out.all().contains(secret), "{out:?}");
    }
    // Reads only: one list, then one log query per webhook, each one page here.
    let requests = portal.requests();
    assert!(requests.iter().all(|r| r.method == "GET"), "{requests:?}");
    assert_eq!(requests.len(), 1 + 6, "{requests:?}");
}

#[test]
fn the_window_counts_only_its_deliveries_and_reads_only_its_pages() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let id = portal.seed(Seed::new("Busy", "https://busy.example.com/h").created_on(CREATED));
    // 250 deliveries a minute apart: the last 30 minutes hold 30 of them (and 31 with the
    // one at the window's very start), all on the first page.
    portal.seed_deliveries(id, Deliveries::new(250).newest_at(NOW - 60).every(60));
    let out = status_of("webhooks: {}\n", &["--since", "30m"], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-12-01T11:30:00Z to 2026-12-01T12:00:00Z (--since 30m).

      #1 "Busy" (unmanaged): ok
          deliveries    30: 30 2xx

    Health: 1 ok, 0 failing, 0 at risk, 0 disabled, 0 no deliveries.
    ----- stderr -----
    ----- end -----
    "#);
    assert_eq!(portal.requests().len(), 2, "{:?}", portal.requests());
    portal.clear_requests();
    // Three hours: 180 rows, on two pages; the third is never read.
    let out = status_of("webhooks: {}\n", &["--since", "3h"], &portal);
    assert_eq!(out.code, 0, "{out:?}");
    let paths: Vec<String> = portal.requests().into_iter().map(|r| r.path).collect();
    insta::assert_debug_snapshot!(paths, @r#"
    [
        "/api/2.0/settings/webhook",
        "/api/2.0/settings/webhooks/log",
        "/api/2.0/settings/webhooks/log",
    ]
    "#);
}

#[test]
fn a_window_that_is_not_a_duration_is_a_usage_error() {
    let portal = FakePortal::start();
    let out = status(&["--since", "yesterday"], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'yesterday' for '--since <DURATION>': "yesterday" does not start with a whole number (24h, 30m, 7d)

    For more information, try '--help'.
    ----- end -----
    "#);
    // A fraction is refused as one, by each command with a window.
    for command in ["status", "redeliver"] {
        let out = Run::new(&[command, "--since", "1.5h"])
            .file(FILE)
            .portal(&portal)
            .run();
        assert_eq!(
            (out.code, out.stderr.lines().next()),
            (
                1,
                Some(
                    "error: invalid value '1.5h' for '--since <DURATION>': \"1.5h\" is not a \
                     whole number: use a smaller unit (90m, not 1.5h)"
                )
            ),
            "{command}"
        );
    }
    assert!(portal.requests().is_empty());
}

#[test]
fn json_has_a_format_version_and_every_key() {
    let portal = portal();
    let out = status(&["--format", "json"], &portal);
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(crate::support::view::stable(&out.stdout), @r#"
    {
      "format_version": 1,
      "since": "2026-11-30T12:00:00Z",
      "until": "2026-12-01T12:00:00Z",
      "portals": [
        {
          "name": null,
          "portal": "[PORTAL]",
          "error": null,
          "summary": {
            "at risk": 1,
            "disabled": 1,
            "failing": 1,
            "no deliveries": 2,
            "ok": 1
          },
          "webhooks": [
            {
              "id": 1,
              "name": "Audit",
              "managed": true,
              "health": "ok",
              "last_success": null,
              "deliveries": {
                "2xx": 3,
                "3xx": 0,
                "4xx": 0,
                "5xx": 0,
                "unsent": 0
              },
              "failures": 0,
              "latest_failure": null,
              "secret": {
                "verdict": "verified",
                "delivery": 3,
                "at": "2026-12-01T11:59:00Z"
              },
              "secret_from": "AUDIT_SECRET",
              "other_webhooks_deliveries": 0
            },
            {
              "id": 2,
              "name": "Crm",
              "managed": true,
              "health": "failing",
              "last_success": "2026-12-01T09:00:00Z",
              "deliveries": {
                "2xx": 4,
                "3xx": 0,
                "4xx": 0,
                "5xx": 2,
                "unsent": 0
              },
              "failures": 2,
              "latest_failure": {
                "delivery": 9,
                "at": "2026-12-01T11:58:00Z",
                "status": 502,
                "excerpt": "bad gateway: token=[redacted] retry later"
              },
              "secret": {
                "verdict": "differs",
                "delivery": 9,
                "at": "2026-12-01T11:58:00Z"
              },
              "secret_from": "CRM_SECRET",
              "other_webhooks_deliveries": 0
            },
            {
              "id": 3,
              "name": "Billing",
              "managed": true,
              "health": "at risk",
              "last_success": "2026-11-29T09:00:00Z",
              "deliveries": {
                "2xx": 0,
                "3xx": 0,
                "4xx": 0,
                "5xx": 0,
                "unsent": 24
              },
              "failures": 24,
              "latest_failure": {
                "delivery": 57,
                "at": "2026-12-01T11:50:00Z",
                "status": 0,
                "excerpt": "Connection refused (receiver:443)"
              },
              "secret": {
                "verdict": "unverifiable",
                "reason": "BILLING_SECRET is not set"
              },
              "secret_from": "BILLING_SECRET",
              "other_webhooks_deliveries": 0
            },
            {
              "id": 4,
              "name": "Legacy",
              "managed": false,
              "health": "no deliveries",
              "last_success": null,
              "deliveries": {
                "2xx": 0,
                "3xx": 0,
                "4xx": 0,
                "5xx": 0,
                "unsent": 0
              },
              "failures": 0,
              "latest_failure": null,
              "secret": null,
              "secret_from": null,
              "other_webhooks_deliveries": 0
            },
            {
              "id": 5,
              "name": "Paused",
              "managed": true,
              "health": "disabled",
              "last_success": null,
              "deliveries": {
                "2xx": 2,
                "3xx": 0,
                "4xx": 0,
                "5xx": 0,
                "unsent": 0
              },
              "failures": 0,
              "latest_failure": null,
              "secret": null,
              "secret_from": null,
              "other_webhooks_deliveries": 0
            },
            {
              "id": 6,
              "name": "Archive",
              "managed": true,
              "health": "no deliveries",
              "last_success": null,
              "deliveries": {
                "2xx": 0,
                "3xx": 0,
                "4xx": 0,
                "5xx": 0,
                "unsent": 0
              },
              "failures": 0,
              "latest_failure": null,
              "secret": {
                "verdict": "verified",
                "delivery": 61,
                "at": "2026-11-28T12:00:00Z"
              },
              "secret_from": null,
              "other_webhooks_deliveries": 0
            }
          ]
        }
      ]
    }
    "#);
    for secret in [SECRET, WRONG] {
        assert!(!out.all().contains(secret), "{out:?}");
    }
}

#[test]
fn markdown_is_one_table_per_portal() {
    let portal = portal();
    let out = status(&["--format", "markdown"], &portal);
    insta::assert_snapshot!(crate::support::view::stable(&out.stdout), @"
    ### Webhook health of `[PORTAL]`

    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

    | Webhook | Health | Deliveries | Last failure | Secret |
    |---|---|---|---|---|
    | #1 `Audit` | ok | 3: 3 2xx |  | verified |
    | #2 `Crm` | failing | 6: 4 2xx, 2 5xx (2 failed) | 2026-12-01T11:58:00Z `502 bad gateway: token=[redacted] retry later` | differs |
    | #3 `Billing` | at risk | 24: 24 unsent (24 failed) | 2026-12-01T11:50:00Z `0 Connection refused (receiver:443)` | unverifiable |
    | #4 `Legacy` (unmanaged) | no deliveries | none |  |  |
    | #5 `Paused` | disabled | 2: 2 2xx |  |  |
    | #6 `Archive` | no deliveries | none |  | verified |

    Health: 1 ok, 1 failing, 1 at risk, 1 disabled, 2 no deliveries; 1 secret differs.
    ");
}

/// A portal of more webhooks than a job summary holds: the Markdown stays under 65,000
/// characters, keeps the ones that need a look (the last two here) and the `Health:` line of
/// them all, and says how many rows it left out.
#[test]
fn markdown_of_many_webhooks_stays_under_the_cap_and_keeps_the_failing_ones() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    for n in 1..=250 {
        let name = format!("hook-{n:03}-{}", "n".repeat(200));
        let id = portal.seed(Seed::new(&name, "https://r.example.com/h").created_on(CREATED));
        if n > 248 {
            portal.seed_deliveries(id, Deliveries::new(1).status(500).newest_at(NOW - 60));
        }
    }
    let out = status_of("webhooks: {}\n", &["--format", "markdown"], &portal);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.len() < 65_000, "{} bytes", out.stdout.len());
    let ids: Vec<&str> = (out.stdout.lines())
        .filter_map(|l| l.strip_prefix("| #")?.split(' ').next())
        .collect();
    assert_eq!(ids[..2], ["1", "2"], "{ids:?}");
    assert_eq!(ids[ids.len() - 3..], ["240", "249", "250"], "{ids:?}");
    let tail: Vec<&str> = out.stdout.lines().rev().take(4).collect();
    insta::assert_debug_snapshot!(tail, @r#"
    [
        "",
        "Health: 0 ok, 0 failing, 2 at risk, 0 disabled, 248 no deliveries.",
        "",
        "**8 of 250 webhooks are not shown** (those that need a look are shown first) to keep this under 65000 characters. See the full report in the job log (`status --format text` or `status --format json`).",
    ]
    "#);
}

/// When rows that need a look are cut, no row that is fine takes the room left: the note says
/// those that need a look come first.
#[test]
fn markdown_cut_shows_no_ok_row_while_a_failing_one_is_left_out() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    for n in 1..=250 {
        // The one that is fine has the shortest row, so room a failing row cannot use fits it.
        let name = match n {
            250 => "ok".to_string(),
            _ => format!("hook-{n:03}-{}", "n".repeat(400)),
        };
        let id = portal.seed(Seed::new(&name, "https://r.example.com/h").created_on(CREATED));
        let status = if n == 250 { 200 } else { 500 };
        portal.seed_deliveries(id, Deliveries::new(1).status(status).newest_at(NOW - 60));
    }
    let out = status_of("webhooks: {}\n", &["--format", "markdown"], &portal);
    assert_eq!(out.code, 0, "{out:?}");
    let ids: Vec<usize> = (out.stdout.lines())
        .filter_map(|l| l.strip_prefix("| #")?.split(' ').next()?.parse().ok())
        .collect();
    let expected: Vec<usize> = (1..=ids.len()).collect();
    assert_eq!(
        ids, expected,
        "the failing ones in order, and not #250 (ok)"
    );
    let tail: Vec<&str> = out.stdout.lines().rev().take(4).collect();
    insta::assert_debug_snapshot!(tail, @r#"
    [
        "",
        "Health: 1 ok, 0 failing, 249 at risk, 0 disabled, 0 no deliveries.",
        "",
        "**127 of 250 webhooks are not shown** (those that need a look are shown first) to keep this under 65000 characters. See the full report in the job log (`status --format text` or `status --format json`).",
    ]
    "#);
}

#[test]
fn detailed_exitcode_is_2_when_any_webhook_is_unhealthy_and_0_when_all_are() {
    let portal = portal();
    assert_eq!(status(&["--detailed-exitcode"], &portal).code, 2);
    let healthy = FakePortal::start();
    healthy.set_time(NOW);
    let audit = healthy.seed(Seed::new("Audit", "https://audit.example.com/h").created_on(CREATED));
    healthy.seed(
        Seed::new("Paused", "https://paused.example.com/h")
            .enabled(false)
            .created_on(CREATED),
    );
    // Disabled by someone, and not in the file: the file leaves it alone, so does the verdict.
    healthy.seed(
        Seed::new("Legacy", "https://legacy.example.com/h")
            .enabled(false)
            .created_on(CREATED),
    );
    healthy.seed_deliveries(audit, Deliveries::new(1).newest_at(NOW - 60));
    let file =
        "webhooks:\n  Audit:\n    secretKey: ${AUDIT_SECRET}\n  Paused:\n    enabled: false\n";
    let run = |args: &[&str]| {
        let mut all = vec!["status"];
        all.extend(args);
        Run::new(&all)
            .file(file)
            .portal(&healthy)
            .env("DOCSPACE_WEBHOOKS_TEST_NOW", &NOW.to_string())
            .env("AUDIT_SECRET", SECRET)
            .run()
    };
    // Disabled as the file says, or unmanaged, is healthy.
    assert_eq!(run(&["--detailed-exitcode"]).code, 0);
    // The receiver starts failing: 2.
    healthy.set_outcome(audit, Outcome::status(503));
    healthy.fire(audit, 128, "{\"id\":1}").unwrap();
    assert_eq!(run(&["--detailed-exitcode"]).code, 2);
    // Without the flag, unhealthy is still 0.
    assert_eq!(run(&[]).code, 0);
}

#[test]
fn a_portals_file_reports_each_portal_in_file_order_and_a_failed_one_alone() {
    use crate::support::fleet::Fleet;
    let fleet = Fleet::start(&["staging", "prod"]).with_down("dr");
    for (i, (_, fake)) in fleet.up().enumerate() {
        fake.set_time(NOW);
        let id = fake.seed(Seed::new("Audit", "https://audit.example.com/h").created_on(CREATED));
        let status = if i == 0 { 200 } else { 500 };
        fake.seed_deliveries(id, Deliveries::new(2).status(status).newest_at(NOW - 60));
    }
    let file = fleet.portals_yaml(&[
        (
            "staging",
            "webhooks:\n  Audit:\n    secretKey: ${AUDIT_SECRET}\n",
        ),
        ("prod", "webhooks: {}\n"),
    ]);
    let out = Run::new(&["status", "--detailed-exitcode"])
        .file(&file)
        .fleet(&fleet)
        .env("DOCSPACE_WEBHOOKS_TEST_NOW", &NOW.to_string())
        .env("AUDIT_SECRET", SECRET)
        .env("DOCSPACE_WEBHOOKS_RETRY_BASE_MS", "1")
        .run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    === portal staging ([PORTAL]) ===
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Audit": ok
          deliveries    2: 2 2xx
          secret        verified: delivery #2 at 2026-12-01T11:59:00Z was signed with AUDIT_SECRET

    Health: 1 ok, 0 failing, 0 at risk, 0 disabled, 0 no deliveries.

    === portal prod ([PORTAL-2]) ===
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Audit" (unmanaged): at risk
          deliveries    2: 2 5xx (2 failed)
          last failure  2026-12-01T11:59:00Z, status 500: "receiver error 500"
          last success  2026-11-01T00:00:00Z, over a day ago: the portal disables a webhook after 3 days of failures

    Health: 0 ok, 0 failing, 1 at risk, 0 disabled, 0 no deliveries.

    === portal dr ([PORTAL-3]) ===
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

    Error: could not connect to [PORTAL-3]: Connection refused (os error 111)
    ----- stderr -----
    [dr] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 2 of 5): could not connect: Connection refused (os error 111)
    [dr] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 3 of 5): could not connect: Connection refused (os error 111)
    [dr] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 4 of 5): could not connect: Connection refused (os error 111)
    [dr] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 5 of 5): could not connect: Connection refused (os error 111)
    Portal dr failed:
      x could not connect to [PORTAL-3]: Connection refused (os error 111)
      help: check that the portal URL is right and the portal is up and reachable from here

      x 1 of 3 portal(s) could not be read
      help: each failed portal's section says why; the other portals are reported in full

    ----- end -----
    "#);
}

/// Audit signs with AUDIT_SECRET's value, Crm with another than CRM_SECRET's, Billing's
/// variable is unset.
fn plan_verify(args: &[&str], portal: &FakePortal) -> Ran {
    let mut all = vec!["plan", "--verify-secrets"];
    all.extend(args);
    Run::new(&all)
        .file(FILE)
        .portal(portal)
        .env("AUDIT_SECRET", SECRET)
        .env("CRM_SECRET", WRONG)
        .run()
}

#[test]
fn plan_verify_secrets_sends_the_secret_that_differs_and_reports_each() {
    let portal = portal();
    let out = plan_verify(&[], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #2 "Crm"
          secretKey = (sensitive)

    Unmanaged (on the portal, not in the file; left alone):
      #4 "Legacy"

    Secrets are not compared (the portal never returns them): this plan does not send the secretKey the file sets for #3 "Billing". apply --rotate-secrets sends it.
    Secret of #1 "Audit": verified: delivery #3 at 2026-12-01T11:59:00Z was signed with AUDIT_SECRET.
    Secret of #2 "Crm": differs: delivery #9 at 2026-12-01T11:58:00Z was signed with another secret than CRM_SECRET; this plan sends the file's.
    Secret of #3 "Billing": unverifiable: BILLING_SECRET is not set.
    Secret of #6 "Archive": verified: delivery #61 at 2026-11-28T12:00:00Z was signed with the file's secretKey.
    Apply will read: CRM_SECRET

    Plan: 0 to create, 1 to update, 0 to delete, 4 unchanged.
    ----- stderr -----
      ! the secretKey of 'Archive' is written in the file
        ,-[webhooks.yaml:10:3]
      9 |     enabled: false
     10 |   Archive:
        :   ^^^|^^^
        :      `-- secret written literally in this entry
     11 |     secretKey: ***            
        `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

    ----- end -----
    "#);
    // One list, and the latest page of the log of each managed webhook with a secret.
    let requests = portal.requests();
    assert!(requests.iter().all(|r| r.method == "GET"), "{requests:?}");
    assert_eq!(requests.len(), 1 + 4, "{requests:?}");
    let json = plan_verify(&["--format", "json"], &portal);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc["secrets_checked"]).unwrap(), @r#"
    [
      {
        "detail": "delivery #3 at 2026-12-01T11:59:00Z was signed with AUDIT_SECRET",
        "id": 1,
        "name": "Audit",
        "verdict": "verified"
      },
      {
        "detail": "delivery #9 at 2026-12-01T11:58:00Z was signed with another secret than CRM_SECRET",
        "id": 2,
        "name": "Crm",
        "verdict": "differs"
      },
      {
        "detail": "BILLING_SECRET is not set",
        "id": 3,
        "name": "Billing",
        "verdict": "unverifiable"
      },
      {
        "detail": "delivery #61 at 2026-11-28T12:00:00Z was signed with the file's secretKey",
        "id": 6,
        "name": "Archive",
        "verdict": "verified"
      }
    ]
    "#);
    let markdown = plan_verify(&["--format", "markdown"], &portal);
    for out in [&out, &json, &markdown] {
        for secret in [SECRET, WRONG] {
            assert!(!out.all().contains(secret), "{out:?}");
        }
    }
}

/// A webhook `--target` leaves out is checked too, but not written: its secret that differs is
/// not said to be sent.
#[test]
fn a_secret_that_differs_on_a_webhook_target_left_out_is_not_said_to_be_sent() {
    let portal = portal();
    let out = plan_verify(&["--target", "Audit"], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

    Unmanaged (on the portal, not in the file; left alone):
      #4 "Legacy"

    Left out by --target: 4 entries of the file, neither compared nor written.
    Secret of #1 "Audit": verified: delivery #3 at 2026-12-01T11:59:00Z was signed with AUDIT_SECRET.
    Secret of #2 "Crm": differs: delivery #9 at 2026-12-01T11:58:00Z was signed with another secret than CRM_SECRET; this plan does not send the file's.
    Secret of #3 "Billing": unverifiable: BILLING_SECRET is not set.
    Secret of #6 "Archive": verified: delivery #61 at 2026-11-28T12:00:00Z was signed with the file's secretKey.

    No changes. The portal matches the targeted entries of the file.
    Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
      ! the secretKey of 'Archive' is written in the file
        ,-[webhooks.yaml:10:3]
      9 |     enabled: false
     10 |   Archive:
        :   ^^^|^^^
        :      `-- secret written literally in this entry
     11 |     secretKey: ***            
        `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

    ----- end -----
    "#);
    assert!(portal.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_saved_plan_with_verify_secrets_sends_the_secret_and_status_then_says_verified() {
    let portal = portal();
    let plan = Run::new(&["plan", "--verify-secrets", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal)
        .env("AUDIT_SECRET", SECRET)
        .env("CRM_SECRET", WRONG);
    let planned = plan.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = plan.path("plan.json");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(!saved.contains(SECRET) && !saved.contains(WRONG), "{saved}");
    let applied = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
        .portal(&portal)
        .env("AUDIT_SECRET", SECRET)
        .env("CRM_SECRET", WRONG)
        .run();
    insta::assert_snapshot!(applied.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #2 "Crm"
          secretKey = (sensitive)

    Unmanaged (on the portal, not in the file; left alone):
      #4 "Legacy"

    Secrets are not compared (the portal never returns them): this plan does not send the secretKey the file sets for #3 "Billing". apply --rotate-secrets sends it.
    Secret of #1 "Audit": verified: delivery #3 at 2026-12-01T11:59:00Z was signed with AUDIT_SECRET.
    Secret of #2 "Crm": differs: delivery #9 at 2026-12-01T11:58:00Z was signed with another secret than CRM_SECRET; this plan sends the file's.
    Secret of #3 "Billing": unverifiable: BILLING_SECRET is not set.
    Secret of #6 "Archive": verified: delivery #61 at 2026-11-28T12:00:00Z was signed with the file's secretKey.
    Apply will read: CRM_SECRET

    Plan: 0 to create, 1 to update, 0 to delete, 4 unchanged.

      [1/1] [TIME] ok updated #2 "Crm"

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
      ! the secretKey of 'Archive' is written in the file
        ,-[webhooks.yaml:10:3]
      9 |     enabled: false
     10 |   Archive:
        :   ^^^|^^^
        :      `-- secret written literally in this entry
     11 |     secretKey: ***            
        `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
    ----- end -----
    "#);
    assert_eq!(portal.get(2).unwrap().secret_key, WRONG);
    // The next delivery is signed with the file's secret, and status says so.
    portal.fire(2, 128, "{\"id\":7}").unwrap();
    let out = status(&[], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Audit": ok
          deliveries    3: 3 2xx
          secret        verified: delivery #3 at 2026-12-01T11:59:00Z was signed with AUDIT_SECRET

      #2 "Crm": ok
          deliveries    7: 5 2xx, 2 5xx (2 failed)
          last failure  2026-12-01T11:58:00Z, status 502: "bad gateway: token=[redacted] retry later"
          secret        verified: delivery #62 at 2026-12-01T12:00:00Z was signed with CRM_SECRET

      #3 "Billing": at risk
          deliveries    24: 24 unsent (24 failed)
          last failure  2026-12-01T11:50:00Z, no answer: "Connection refused (receiver:443)"
          last success  2026-11-29T09:00:00Z, over a day ago: the portal disables a webhook after 3 days of failures
          secret        unverifiable: BILLING_SECRET is not set

      #4 "Legacy" (unmanaged): no deliveries
          deliveries    none

      #5 "Paused": disabled
          deliveries    2: 2 2xx

      #6 "Archive": no deliveries
          deliveries    none
          secret        verified: delivery #61 at 2026-11-28T12:00:00Z was signed with the file's secretKey

    Health: 2 ok, 0 failing, 1 at risk, 1 disabled, 2 no deliveries.
    ----- stderr -----
      ! the secretKey of 'Archive' is written in the file
        ,-[webhooks.yaml:10:3]
      9 |     enabled: false
     10 |   Archive:
        :   ^^^|^^^
        :      `-- secret written literally in this entry
     11 |     secretKey: ***            
        `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

    ----- end -----
    "#);
}

/// docs/delivery-health.md shows what `status` and `plan --verify-secrets` print for the
/// portal of these tests, named as the docs name a portal.
#[test]
fn the_docs_examples_are_what_status_and_plan_print() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/delivery-health.md"
    ))
    .unwrap();
    let portal = portal();
    for out in [status(&[], &portal), plan_verify(&[], &portal)] {
        let shown = out
            .stdout
            .replace(&portal.url(), "https://yourportal.onlyoffice.com");
        assert!(
            docs.contains(&format!("```text\n{shown}```")),
            "docs/delivery-health.md is out of date; the command prints:\n{shown}"
        );
    }
}

#[test]
fn a_signature_the_receiver_echoes_is_not_shown() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let id = portal.seed(Seed::new("Echo", "https://echo.example.com/h").created_on(CREATED));
    portal.seed_deliveries(id, Deliveries::new(1).newest_at(NOW - 600));
    let headers = portal.deliveries()[0].request_headers.clone().unwrap();
    let headers: serde_json::Value = serde_json::from_str(&headers).unwrap();
    let signature = &headers["x-docspace-signature-256"];
    let signature = signature.as_str().or(signature[0].as_str()).unwrap();
    // A receiver that answers with the header it refused, computed with the secret.
    portal.seed_deliveries(
        id,
        Deliveries::new(1)
            .newest_at(NOW - 60)
            .outcome(Outcome::Answer {
                status: 400,
                body: format!("bad signature {signature}"),
            }),
    );
    let file = "webhooks:\n  Echo:\n    secretKey: ${AUDIT_SECRET}\n";
    let out = status_of(file, &[], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Echo": failing
          deliveries    2: 1 2xx, 1 4xx (1 failed)
          last failure  2026-12-01T11:59:00Z, status 400: "bad signature sha256=[redacted]"
          last success  2026-12-01T11:50:00Z
          secret        verified: delivery #2 at 2026-12-01T11:59:00Z was signed with AUDIT_SECRET

    Health: 0 ok, 1 failing, 0 at risk, 0 disabled, 0 no deliveries.
    ----- stderr -----
    ----- end -----
    "#);
    let json = status_of(file, &["--format", "json"], &portal);
    assert!(!json.stdout.contains(&signature[7..20]), "{}", json.stdout);
}

#[test]
fn a_log_page_of_large_error_pages_is_read_in_smaller_pages() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let id = portal.seed(Seed::new("Big", "https://big.example.com/h").created_on(CREATED));
    // 100 answers of 200 KB: a page of 100 rows is past the client's 16 MiB.
    portal.seed_deliveries(
        id,
        Deliveries::new(100)
            .newest_at(NOW - 6000)
            .outcome(Outcome::Answer {
                status: 502,
                body: format!("<html>{}</html>", "x".repeat(200_000)),
            }),
    );
    let out = status_of("webhooks:\n  Big: {}\n", &[], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Big": at risk
          deliveries    100: 100 5xx (100 failed)
          last failure  2026-12-01T10:20:00Z, status 502: "<html>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"
          last success  2026-11-01T00:00:00Z, over a day ago: the portal disables a webhook after 3 days of failures

    Health: 0 ok, 0 failing, 1 at risk, 0 disabled, 0 no deliveries.
    ----- stderr -----
    ----- end -----
    "#);
}

#[test]
fn a_date_past_any_calendar_from_the_portal_is_unreadable_not_a_crash() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let id = portal.seed(
        Seed::new("Odd", "https://odd.example.com/h")
            .created_on("2026-11-01T00:00:00+99999999999999:00")
            .success("9223372036854775807-01-01T00:00:00Z"),
    );
    portal.seed_deliveries(id, Deliveries::new(1).status(500).newest_at(NOW - 60));
    let out = status_of("webhooks:\n  Odd: {}\n", &[], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Odd": failing
          deliveries    1: 1 5xx (1 failed)
          last failure  2026-12-01T11:59:00Z, status 500: "receiver error 500"

    Health: 0 ok, 1 failing, 0 at risk, 0 disabled, 0 no deliveries.
    ----- stderr -----
    ----- end -----
    "#);
}

/// A receiver that answers big error pages: the webhook's newest 10 log rows outgrow what the
/// client reads in one answer, and `plan --verify-secrets` reads them in smaller pages instead
/// of failing the portal's plan.
#[test]
fn plan_verify_secrets_reads_smaller_pages_when_ten_rows_are_too_large() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let id = portal.seed(Seed::new("Audit", "https://audit.example.com/h").created_on(CREATED));
    portal.seed_deliveries(
        id,
        Deliveries::new(10)
            .newest_at(NOW - 600)
            .outcome(Outcome::Answer {
                status: 502,
                body: format!("<html>{}</html>", "x".repeat(2_000_000)),
            }),
    );
    let out = Run::new(&["plan", "--verify-secrets"])
        .file("webhooks:\n  Audit:\n    secretKey: ${AUDIT_SECRET}\n")
        .portal(&portal)
        .env("AUDIT_SECRET", SECRET)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("#1 \"Audit\": verified"),
        "{}",
        out.stdout
    );
}

/// Another webhook's rows are not counted, and every format says how many there were: stderr
/// in each, the JSON in `other_webhooks_deliveries` (the only key that changes), the Markdown
/// in the deliveries' cell.
#[test]
fn a_portal_that_ignores_config_id_does_not_count_another_webhooks_deliveries() {
    let portal = portal();
    let honest = status(&["--format", "json"], &portal);
    portal.set_log_quirks(LogQuirks {
        ignore_filters: true,
        ..LogQuirks::default()
    });
    let out = status(&["--format", "json"], &portal);
    let counts = |out: &Ran| {
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let webhooks = doc["portals"][0]["webhooks"].as_array().unwrap().clone();
        let mut rest = doc.clone();
        for w in rest["portals"][0]["webhooks"].as_array_mut().unwrap() {
            w.as_object_mut()
                .unwrap()
                .remove("other_webhooks_deliveries");
        }
        let counts: Vec<String> = (webhooks.iter())
            .map(|w| format!("{} {}", w["name"], w["other_webhooks_deliveries"]))
            .collect();
        (counts, rest)
    };
    let ((honest_counts, honest_rest), (quirk_counts, quirk_rest)) =
        (counts(&honest), counts(&out));
    assert_eq!(quirk_rest, honest_rest);
    assert!(
        honest_counts.iter().all(|c| c.ends_with(" 0")),
        "{honest_counts:?}"
    );
    insta::assert_debug_snapshot!(quirk_counts, @r#"
    [
        "\"Audit\" 58",
        "\"Crm\" 55",
        "\"Billing\" 4",
        "\"Legacy\" 61",
        "\"Paused\" 59",
        "\"Archive\" 0",
    ]
    "#);
    let markdown = status(&["--format", "markdown"], &portal);
    let rows: Vec<&str> = (markdown.stdout.lines())
        .filter(|l| l.starts_with("| #"))
        .collect();
    insta::assert_debug_snapshot!(rows, @r#"
    [
        "| #1 `Audit` | ok | 3: 3 2xx; 58 of another webhook not counted |  | verified |",
        "| #2 `Crm` | failing | 6: 4 2xx, 2 5xx (2 failed); 55 of another webhook not counted | 2026-12-01T11:58:00Z `502 bad gateway: token=[redacted] retry later` | differs |",
        "| #3 `Billing` | at risk | 24: 24 unsent (24 failed); 4 of another webhook not counted | 2026-12-01T11:50:00Z `0 Connection refused (receiver:443)` | unverifiable |",
        "| #4 `Legacy` (unmanaged) | no deliveries | none; 61 of another webhook not counted |  |  |",
        "| #5 `Paused` | disabled | 2: 2 2xx; 59 of another webhook not counted |  |  |",
        "| #6 `Archive` | no deliveries | none |  | verified |",
    ]
    "#);
    assert!(
        out.stderr.contains(
            "#4 \"Legacy\": the portal's log answered 61 deliveries of another webhook (it \
             ignored `configId`): not counted"
        ),
        "{}",
        out.stderr
    );
}

/// One delivery of another webhook is said as one.
#[test]
fn one_delivery_of_another_webhook_is_said_in_the_singular() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    for name in ["Audit", "Crm"] {
        let url = format!("https://{}.example.com/h", name.to_lowercase());
        let id = portal.seed(Seed::new(name, &url).created_on(CREATED));
        portal.seed_deliveries(id, Deliveries::new(1).newest_at(NOW - 60));
    }
    portal.set_log_quirks(LogQuirks {
        ignore_filters: true,
        ..LogQuirks::default()
    });
    let out = status_of("webhooks:\n  Audit:\n    enabled: true\n", &[], &portal);
    insta::assert_snapshot!(out.stderr, @r#"
    #1 "Audit": the portal's log answered 1 delivery of another webhook (it ignored `configId`): not counted
    #2 "Crm": the portal's log answered 1 delivery of another webhook (it ignored `configId`): not counted
    "#);
}

/// A success whose date cannot be read says nothing of when it was: the last success is the
/// newest the tool can date, not the list's older `lastSuccessOn`, which made this `at risk`.
#[test]
fn a_success_whose_date_cannot_be_read_hides_no_newer_dated_one() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let five_days_ago = "2026-11-26T12:00:00.0000000+00:00";
    portal.seed(
        Seed::new("Audit", "https://audit.example.com/h")
            .created_on(CREATED)
            .success(five_days_ago),
    );
    let seed =
        |status, at| portal.seed_deliveries(1, Deliveries::new(1).status(status).newest_at(at))[0];
    seed(200, NOW - 5 * 60);
    let undated = seed(200, NOW - 3 * 60);
    seed(500, NOW - 60);
    portal.set_log_quirks(LogQuirks {
        dates: [(undated, "not a date".to_owned())].into(),
        ..LogQuirks::default()
    });
    let out = status_of("webhooks:\n  Audit:\n    enabled: true\n", &[], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Audit": failing
          deliveries    3: 2 2xx, 1 5xx (1 failed)
          last failure  2026-12-01T11:59:00Z, status 500: "receiver error 500"
          last success  2026-12-01T11:55:00Z

    Health: 0 ok, 1 failing, 0 at risk, 0 disabled, 0 no deliveries.
    ----- stderr -----
    ----- end -----
    "#);
}

#[test]
fn a_date_that_cannot_be_read_hides_no_older_delivery_of_the_window() {
    // Newest first: a 502 whose date is not a date, two 500s of the last hour, then one more
    // not a date, below the window's last, before a success two hours ago.
    let portal = FakePortal::start();
    portal.set_time(NOW);
    portal.seed(Seed::new("Audit", "https://audit.example.com/h").created_on(CREATED));
    let seed =
        |status, at| portal.seed_deliveries(1, Deliveries::new(1).status(status).newest_at(at))[0];
    let ids = [
        seed(200, NOW - 2 * HOUR),
        seed(500, NOW - 90 * 60),
        seed(500, NOW - 20 * 60),
        seed(500, NOW - 10 * 60),
        seed(502, NOW - 60),
    ];
    let undated = [ids[1], ids[4]].map(|id| (id, "yesterday-ish".to_owned()));
    portal.set_log_quirks(LogQuirks {
        dates: undated.into(),
        ..LogQuirks::default()
    });
    let file = "webhooks:\n  Audit:\n    secretKey: ${AUDIT_SECRET}\n";
    let out = status_of(file, &["--since", "1h"], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-12-01T11:00:00Z to 2026-12-01T12:00:00Z (--since 1h).

      #1 "Audit": failing
          deliveries    3: 3 5xx (3 failed)
          last failure  (unreadable date), status 502: "receiver error 502"
          last success  2026-12-01T10:00:00Z
          secret        verified: delivery #5 at (unreadable date) was signed with AUDIT_SECRET

    Health: 0 ok, 1 failing, 0 at risk, 0 disabled, 0 no deliveries.
    ----- stderr -----
    ----- end -----
    "#);
    let json = status_of(file, &["--since", "1h", "--format", "json"], &portal);
    // The secret's delivery too: said to be unreadable, not null, and never the portal's text.
    assert!(!json.stdout.contains(r#""at": null"#), "{}", json.stdout);
    assert!(!json.stdout.contains("yesterday-ish"), "{}", json.stdout);
    assert_eq!(
        json.stdout.matches(r#""at": "(unreadable date)""#).count(),
        2
    );
}

/// February 30th is not March 2nd: a failure dated so is unreadable, and counts in the window
/// above a delivery of the window, instead of ending the window as a delivery of March.
#[test]
fn a_day_its_month_does_not_have_is_unreadable_not_the_next_month() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    portal.seed(Seed::new("Audit", "https://audit.example.com/h").created_on(CREATED));
    portal.seed_deliveries(1, Deliveries::new(1).status(200).newest_at(NOW - 600));
    let failed = portal.seed_deliveries(1, Deliveries::new(1).status(503).newest_at(NOW - 60));
    let feb30 = "2026-02-30T10:00:00.0000000+00:00".to_owned();
    portal.set_log_quirks(LogQuirks {
        dates: [(failed[0], feb30)].into(),
        ..LogQuirks::default()
    });
    let out = status_of("webhooks: {}\n", &[], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-11-30T12:00:00Z to 2026-12-01T12:00:00Z (--since 24h).

      #1 "Audit" (unmanaged): failing
          deliveries    2: 1 2xx, 1 5xx (1 failed)
          last failure  (unreadable date), status 503: "receiver error 503"
          last success  2026-12-01T11:50:00Z

    Health: 0 ok, 1 failing, 0 at risk, 0 disabled, 0 no deliveries.
    ----- stderr -----
    ----- end -----
    "#);
}

#[test]
fn a_log_that_repeats_its_first_page_is_an_error_not_an_endless_read() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    portal.seed(Seed::new("Audit", "https://audit.example.com/h").created_on(CREATED));
    portal.seed_deliveries(1, Deliveries::new(150).newest_at(NOW).every(60));
    portal.set_log_quirks(LogQuirks {
        ignore_start: true,
        ..LogQuirks::default()
    });
    let out = status_of("webhooks: {}\n", &[], &portal);
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhooks/log?count=100&startIndex=100&configId=1: the portal's log answered the same rows again past the first 100 (it ignores `startIndex`), so not every delivery asked for could be read
      help: the portal (or a proxy or cache in front of it) pages or orders the delivery log inconsistently; run again, and if it persists, report it to the portal's administrator

    ----- end -----
    ");
    assert_eq!(portal.requests().len(), 3, "the list and two pages");
}

#[test]
fn a_log_served_oldest_first_is_an_error_not_a_window_of_one() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    portal.seed(Seed::new("Audit", "https://audit.example.com/h").created_on(CREATED));
    portal.seed_deliveries(1, Deliveries::new(10).newest_at(NOW).every(60));
    portal.set_log_quirks(LogQuirks {
        oldest_first: true,
        ..LogQuirks::default()
    });
    let out = status_of("webhooks: {}\n", &[], &portal);
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhooks/log?count=100&startIndex=0&configId=1: the portal's log answered a page whose log ids do not descend (the log is not newest first), so not every delivery asked for could be read
      help: the portal (or a proxy or cache in front of it) pages or orders the delivery log inconsistently; run again, and if it persists, report it to the portal's administrator

    ----- end -----
    ");
}

/// A queued delivery is not sent, so it records no signature and is never the evidence:
/// behind 15 of them (as many as `plan --verify-secrets` reads first, and more), the newest
/// delivery that was sent is; with more than 100 queued ahead, none is read and the verdict
/// says how far the tool looked.
#[test]
fn the_secret_is_checked_against_the_newest_sent_delivery_past_queued_ones() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let seed = |name: &str| Seed::new(name, "https://audit.example.com/h").created_on(CREATED);
    let (audit, crm) = (portal.seed(seed("Audit")), portal.seed(seed("Crm")));
    for (id, queued) in [(audit, 15), (crm, 120)] {
        portal.seed_deliveries(id, Deliveries::new(1).newest_at(NOW - 3 * HOUR));
        portal.seed_deliveries(
            id,
            Deliveries::new(queued)
                .outcome(Outcome::Pending)
                .newest_at(NOW - 2 * HOUR),
        );
    }
    let file = "webhooks:\n  Audit:\n    secretKey: ${AUDIT_SECRET}\n  Crm:\n    secretKey: ${AUDIT_SECRET}\n";
    let out = status_of(file, &["--since", "1h"], &portal);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]
    Deliveries from 2026-12-01T11:00:00Z to 2026-12-01T12:00:00Z (--since 1h).

      #1 "Audit": no deliveries
          deliveries    none
          secret        verified: delivery #1 at 2026-12-01T09:00:00Z was signed with AUDIT_SECRET

      #2 "Crm": no deliveries
          deliveries    none
          secret        unverifiable: none of the latest 100 deliveries was sent with a signature

    Health: 0 ok, 0 failing, 0 at risk, 0 disabled, 2 no deliveries.
    ----- stderr -----
    ----- end -----
    "#);
    let plan = Run::new(&["plan", "--verify-secrets"])
        .file(file)
        .portal(&portal)
        .env("AUDIT_SECRET", SECRET)
        .run();
    let notes: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|l| l.starts_with("Secret of"))
        .collect();
    insta::assert_debug_snapshot!(notes, @r#"
    [
        "Secret of #1 \"Audit\": verified: delivery #1 at 2026-12-01T09:00:00Z was signed with AUDIT_SECRET.",
        "Secret of #2 \"Crm\": unverifiable: none of the latest 100 deliveries was sent with a signature.",
    ]
    "#);
}

/// The secret's evidence is sought past a whole window; a portal that ignores `startIndex`
/// fails that read, which costs the evidence, not the window: the window is reported, and the
/// secret is unverifiable, for that reason (not "none of the latest 50 deliveries was sent with
/// a signature", as if the rows past them had been looked at).
#[test]
fn a_log_that_pages_wrong_past_the_window_still_reports_the_window() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    portal.seed(Seed::new("Audit", "https://audit.example.com/h").created_on(CREATED));
    portal.seed_deliveries(1, Deliveries::new(1).newest_at(NOW - 3 * HOUR));
    let queued = |n, at| {
        Deliveries::new(n)
            .outcome(Outcome::Pending)
            .newest_at(at)
            .every(60)
    };
    portal.seed_deliveries(1, queued(60, NOW - 2 * HOUR));
    portal.seed_deliveries(1, queued(50, NOW - 60));
    portal.set_log_quirks(LogQuirks {
        ignore_start: true,
        ..LogQuirks::default()
    });
    let file = "webhooks:\n  Audit:\n    secretKey: ${AUDIT_SECRET}\n";
    let out = status_of(file, &["--since", "1h"], &portal);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("deliveries    50: 50 unsent"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "secret        unverifiable: no delivery of the window was sent with a signature, \
             and the log past it could not be read: GET \
             /api/2.0/settings/webhooks/log?count=100&startIndex=100&configId=1: the portal's log \
             answered the same rows again past the first 100 (it ignores `startIndex`)"
        ),
        "{}",
        out.stdout
    );
}

/// A secret whose variable is unset cannot be checked: no delivery past the window is read for
/// it (the window's 50 are on the first page; the read past would take a second).
#[test]
fn no_evidence_is_sought_past_the_window_for_a_secret_whose_variable_is_unset() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    portal.seed(Seed::new("Billing", "https://billing.example.com/h").created_on(CREATED));
    let queued = |n, at| Deliveries::new(n).outcome(Outcome::Pending).newest_at(at);
    portal.seed_deliveries(1, queued(150, NOW - 2 * HOUR));
    portal.seed_deliveries(1, queued(50, NOW - 60));
    let file = "webhooks:\n  Billing:\n    secretKey: ${BILLING_SECRET}\n";
    let out = status_of(file, &["--since", "1h"], &portal);
    assert!(
        out.stdout
            .contains("secret        unverifiable: BILLING_SECRET is not set"),
        "{}",
        out.stdout
    );
    assert_eq!(portal.requests().len(), 2, "the list and one page");
}

/// The read past the window for the secret's evidence is bounded by the log's rows, another
/// webhook's included: a portal that ignores `configId` answers 300 rows of Other between
/// Audit's queued deliveries and its last signed one, and the tool reads one page past the
/// window's, not the four that reach it; the verdict counts Audit's rows it looked at.
#[test]
fn the_secrets_evidence_is_sought_at_most_a_page_past_the_window_whatever_the_portal_answers() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let seed = |name: &str| Seed::new(name, "https://audit.example.com/h").created_on(CREATED);
    let (audit, other) = (portal.seed(seed("Audit")), portal.seed(seed("Other")));
    let queued = |n, at| Deliveries::new(n).outcome(Outcome::Pending).newest_at(at);
    portal.seed_deliveries(audit, Deliveries::new(1).newest_at(NOW - 4 * HOUR));
    portal.seed_deliveries(other, Deliveries::new(300).newest_at(NOW - 3 * HOUR));
    portal.seed_deliveries(audit, queued(1, NOW - 2 * HOUR));
    portal.seed_deliveries(audit, queued(50, NOW - 60));
    let file = "webhooks:\n  Audit:\n    secretKey: ${AUDIT_SECRET}\n";
    let out = status_of(file, &["--since", "1h"], &portal);
    assert!(
        out.stdout.contains("secret        verified: delivery #1 "),
        "{}",
        out.stdout
    );
    portal.set_log_quirks(LogQuirks {
        ignore_filters: true,
        ..LogQuirks::default()
    });
    portal.clear_requests();
    let out = status_of(file, &["--since", "1h"], &portal);
    assert!(
        out.stdout.contains(
            "secret        unverifiable: none of the latest 51 deliveries was sent with a \
             signature"
        ),
        "{}",
        out.stdout
    );
    let audit_pages = (portal.requests().iter())
        .filter(|r| (r.query.as_deref()).is_some_and(|q| q.ends_with(&format!("configId={audit}"))))
        .count();
    assert_eq!(audit_pages, 2, "{:?}", portal.requests());
}

/// `plan --verify-secrets` reads the newest rows of a webhook's log: against a portal that
/// ignores `configId`, the newest rows of the whole log, a page at the most, never the whole
/// log ten rows at a time looking for the webhook's own.
#[test]
fn plan_verify_secrets_reads_at_most_a_page_whatever_the_portal_answers() {
    let portal = FakePortal::start();
    portal.set_time(NOW);
    let seed = |name: &str| Seed::new(name, "https://audit.example.com/h").created_on(CREATED);
    let (audit, other) = (portal.seed(seed("Audit")), portal.seed(seed("Other")));
    portal.seed_deliveries(audit, Deliveries::new(1).newest_at(NOW - 4 * HOUR));
    portal.seed_deliveries(other, Deliveries::new(600).newest_at(NOW - 60));
    portal.set_log_quirks(LogQuirks {
        ignore_filters: true,
        ..LogQuirks::default()
    });
    let out = Run::new(&["plan", "--verify-secrets"])
        .file("webhooks:\n  Audit:\n    secretKey: ${AUDIT_SECRET}\n")
        .portal(&portal)
        .env("AUDIT_SECRET", SECRET)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let log_reads: Vec<String> = (portal.requests().iter())
        .filter(|r| r.path.ends_with("/webhooks/log"))
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        log_reads,
        [
            format!("count=10&startIndex=0&configId={audit}"),
            format!("count=100&startIndex=0&configId={audit}"),
        ],
        "the newest 10, then a page"
    );
    assert!(
        out.stdout.contains("unverifiable: no delivery in the log"),
        "Audit's one delivery is 600 rows down: {}",
        out.stdout
    );
}
