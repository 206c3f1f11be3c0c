use super::{Held, apply, held, named, run};
use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::fleet::Fleet;

const BILLING_SECRET: &str = "fleet-Billing-Secret-1";
const EU_SECRET: &str = "fleet-Eu-Billing-Secret-2";
/// file.created | file.uploaded.
const BILLING_TRIGGERS: u64 = 128 | 256;

/// Billing on every portal, Audit on production only.
const SHARED: &str = "\
webhooks:
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
    triggers: [file.created, file.uploaded]
  Audit:
    uri: https://audit.example.com/h
    secretKey: ${BILLING_SECRET}
    only: [production]
";

/// staging overlays Billing's uri, eu overlays its secret; staging also has an entry of its own.
fn file(fleet: &Fleet) -> String {
    let own = [
        (
            "staging",
            "webhooks:\n  Billing:\n    uri: https://billing.staging.example.com/h\n  Staging probe:\n    uri: https://probe.staging.example.com/h\n    secretKey: ${BILLING_SECRET}\n",
        ),
        (
            "eu",
            "webhooks:\n  Billing:\n    secretKey: ${EU_BILLING_SECRET}\n",
        ),
    ];
    format!("{}{SHARED}", fleet.portals_yaml(&own))
}

fn fleet() -> Fleet {
    let fleet = Fleet::start(&["staging", "production", "eu"]);
    // production: Billing at an old uri (an update), a webhook no entry manages.
    let production = fleet.portal("production");
    production.seed(Seed::new("Billing", "https://billing-old.example.com/h").triggers(128));
    production.seed(Seed::new("Legacy", "https://legacy.example.com/h"));
    fleet
}

const SECRETS: &[(&str, &str)] = &[
    ("BILLING_SECRET", BILLING_SECRET),
    ("EU_BILLING_SECRET", EU_SECRET),
];

#[test]
fn overlays_only_and_per_portal_secrets_converge_every_portal() {
    let fleet = fleet();
    let file = file(&fleet);
    let legacy = named(fleet.portal("production"), "Legacy");

    let out = apply(&fleet, &file, SECRETS);
    assert_eq!(out.code, 0, "{out:?}");

    // staging: the overlay's uri, everything else from the shared entry; its own entry too.
    let staging = fleet.portal("staging");
    let billing = named(staging, "Billing");
    assert_eq!(billing.uri, "https://billing.staging.example.com/h");
    assert_eq!(
        billing.triggers, BILLING_TRIGGERS,
        "triggers from the shared entry"
    );
    assert_eq!(
        billing.secret, BILLING_SECRET,
        "secret from the shared entry"
    );
    assert_eq!(
        named(staging, "Staging probe").uri,
        "https://probe.staging.example.com/h"
    );
    // production: the shared values, Audit (only: [production]), Legacy untouched.
    let production = fleet.portal("production");
    let billing = named(production, "Billing");
    assert_eq!(billing.uri, "https://billing.example.com/h");
    assert_eq!(billing.triggers, BILLING_TRIGGERS);
    assert_eq!(
        named(production, "Audit").uri,
        "https://audit.example.com/h"
    );
    assert_eq!(named(production, "Legacy"), legacy, "unmanaged, untouched");
    // eu: the shared uri with its own secret.
    let eu = fleet.portal("eu");
    let billing = named(eu, "Billing");
    assert_eq!(billing.uri, "https://billing.example.com/h");
    assert_eq!(billing.triggers, BILLING_TRIGGERS);
    assert_eq!(billing.secret, EU_SECRET, "the overlay's secret");

    let names =
        |fake: &FakePortal| -> Vec<String> { held(fake).into_iter().map(|w| w.name).collect() };
    assert_eq!(
        names(staging),
        ["Billing", "Staging probe"],
        "Audit is production's only"
    );
    assert_eq!(names(eu), ["Billing"], "no Audit, no staging entry");
    assert_eq!(names(production), ["Audit", "Billing", "Legacy"]);

    let again = run(&["plan", "--detailed-exitcode"], &fleet, &file).run();
    assert_eq!(again.code, 0, "converged everywhere: {again:?}");
    // staging: two creates; production: an update and a create; eu: a create.
    for (name, writes) in [("staging", 2), ("production", 2), ("eu", 1)] {
        let fake = fleet.portal(name);
        assert_eq!(fake.writes().len(), writes, "{name}: {:?}", fake.writes());
    }
}

#[test]
fn an_id_key_under_a_portal_touches_that_portal_only() {
    let fleet = Fleet::start(&["staging", "production"]);
    for (_, fake) in fleet.up() {
        let id = fake.seed(Seed::new("Old", "https://old.example.com/h"));
        assert_eq!(id, 1, "both portals have a webhook #1");
    }
    let own = [("staging", "webhooks:\n  1: { enabled: false }\n")];
    let file = format!("{}webhooks: {{}}\n", fleet.portals_yaml(&own));
    let out = apply(&fleet, &file, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!fleet.portal("staging").get(1).unwrap().enabled);
    assert!(
        fleet.portal("production").get(1).unwrap().enabled,
        "production's #1 is not staging's"
    );
    assert!(fleet.portal("production").writes().is_empty());
}

/// Each portal of `fleet` with five webhooks that drift (triggers; ssl on three) and one to
/// create (the last entry, the one with a secret).
fn drifted(fleet: &Fleet) -> String {
    for (_, fake) in fleet.up() {
        for i in 0..5 {
            let uri = format!("https://h{i}.example.com/h");
            fake.seed(Seed::new(&format!("hook-{i}"), &uri).ssl(i >= 3));
        }
    }
    let mut shared = String::from("webhooks:\n");
    for i in 0..6 {
        shared.push_str(&format!(
            "  hook-{i}:\n    uri: https://h{i}.example.com/h\n    ssl: true\n    triggers: [file.uploaded]\n"
        ));
    }
    shared.push_str("    secretKey: ${HOOK_SECRET}\n");
    format!("{}{shared}", fleet.portals_yaml(&[]))
}

#[test]
fn one_portal_at_a_time_reaches_the_same_end_state_as_the_default() {
    let names = ["alpha", "bravo", "charlie", "delta"];
    let mut ends: Vec<Vec<(String, Vec<Held>)>> = Vec::new();
    for args in [
        &["apply", "--auto-approve"][..],
        &["apply", "--auto-approve", "--portal-parallelism", "1"],
        &[
            "apply",
            "--auto-approve",
            "--portal-parallelism",
            "1",
            "--parallelism",
            "1",
        ],
    ] {
        let fleet = Fleet::start(&names);
        let file = drifted(&fleet);
        let out = run(args, &fleet, &file)
            .env("HOOK_SECRET", "fleet-Hook-Secret-3")
            .run();
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        // Per portal: 5 updates (triggers; ssl on three) and 1 create.
        for (name, fake) in fleet.up() {
            assert_eq!(
                fake.writes().len(),
                6,
                "{args:?} {name}: {:?}",
                fake.writes()
            );
        }
        let again = run(&["plan", "--detailed-exitcode"], &fleet, &file).run();
        assert_eq!(again.code, 0, "{args:?}: {again:?}");
        ends.push(
            fleet
                .up()
                .map(|(name, fake)| (name.to_owned(), held(fake)))
                .collect(),
        );
    }
    assert_eq!(ends[0], ends[1]);
    assert_eq!(ends[0], ends[2]);
}
