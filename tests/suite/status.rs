//! `status`: each webhook's health from the delivery log over a window, managed or not, the
//! file's secrets checked against the recorded signatures, in every format, for one portal and
//! a `portals:` file; exit codes with `--detailed-exitcode`; never a secret in any output.

use crate::support::fake_portal::{Deliveries, FakePortal, Outcome, Seed};
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
    let mut all = vec!["status"];
    all.extend(args);
    Run::new(&all)
        .file(FILE)
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
