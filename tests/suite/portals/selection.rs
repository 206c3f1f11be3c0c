use super::{named, run};
use crate::support::fake_portal::{FakePortal, Seed, WEBHOOK_PATH};
use crate::support::fleet::Fleet;

const SHARED: &str = "\
webhooks:
  Crm:
    uri: https://crm.example.com/h
    ssl: false
";

/// alpha, bravo and charlie, each with Crm (ssl on: one update each) and a webhook of its own.
fn fleet() -> (Fleet, String) {
    let fleet = Fleet::start(&["alpha", "bravo", "charlie"]);
    for (name, fake) in fleet.up() {
        fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
        fake.seed(Seed::new(
            &format!("Only on {name}"),
            "https://own.example.com/h",
        ));
    }
    let file = format!("{}{SHARED}", fleet.portals_yaml(&[]));
    (fleet, file)
}

fn assert_one_get(name: &str, fake: &FakePortal) {
    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{name}: {requests:?}");
    assert_eq!(requests[0].method, "GET", "{name}");
    assert_eq!(requests[0].path, WEBHOOK_PATH, "{name}");
}

#[test]
fn plan_sends_exactly_one_get_per_portal_and_writes_nothing() {
    let (fleet, file) = fleet();
    let out = run(&["plan"], &fleet, &file).run();
    assert_eq!(out.code, 0, "{out:?}");
    for (name, fake) in fleet.up() {
        assert_one_get(name, fake);
        assert!(named(fake, "Crm").ssl, "{name}: plan never writes");
    }
}

#[test]
fn portal_names_select_and_the_others_are_not_contacted() {
    let (fleet, file) = fleet();
    let out = run(
        &["plan", "--portal", "alpha", "--portal", "charlie"],
        &fleet,
        &file,
    )
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_one_get("alpha", fleet.portal("alpha"));
    assert_one_get("charlie", fleet.portal("charlie"));
    assert!(fleet.portal("bravo").requests().is_empty());
    assert!(
        !out.stdout.contains(fleet.url("bravo")),
        "no section for bravo: {out:?}"
    );

    fleet.clear_requests();
    let out = run(
        &["apply", "--auto-approve", "--portal", "bravo"],
        &fleet,
        &file,
    )
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!named(fleet.portal("bravo"), "Crm").ssl, "bravo applied");
    for name in ["alpha", "charlie"] {
        let fake = fleet.portal(name);
        assert!(fake.requests().is_empty(), "{name}: {:?}", fake.requests());
        assert!(named(fake, "Crm").ssl, "{name} untouched");
    }
}

#[test]
fn an_unknown_portal_name_lists_the_defined_ones_and_contacts_none() {
    let (fleet, file) = fleet();
    for args in [
        &["plan", "--portal", "bravoo"][..],
        &["plan", "--portal", "alpha", "--portal", "delta"],
        &["apply", "--auto-approve", "--portal", "delta"],
    ] {
        let out = run(args, &fleet, &file).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        for name in ["alpha", "bravo", "charlie"] {
            assert!(out.stderr.contains(name), "{args:?} lists {name}: {out:?}");
        }
    }
    assert_eq!(fleet.request_count(), 0);
}

#[test]
fn docspace_url_and_key_are_ignored_by_a_portals_file() {
    let (fleet, file) = fleet();
    let elsewhere = FakePortal::start();
    let out = run(&["apply", "--auto-approve"], &fleet, &file)
        .portal(&elsewhere)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
    for (name, fake) in fleet.up() {
        assert!(!named(fake, "Crm").ssl, "{name} applied");
    }
}

#[test]
fn export_writes_the_named_portals_webhooks_only() {
    let (fleet, file) = fleet();
    let out = run(
        &["export", "-f", "webhooks.yaml", "--portal", "bravo"],
        &fleet,
        &file,
    )
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Only on bravo"), "{out:?}");
    assert!(!out.stdout.contains("Only on alpha"), "{out:?}");
    assert!(fleet.portal("alpha").requests().is_empty());
    assert!(fleet.portal("charlie").requests().is_empty());
}

#[test]
fn a_file_error_in_a_portals_file_contacts_no_portal() {
    let fleet = Fleet::start(&["alpha", "bravo"]);
    let portals = fleet.portals_yaml(&[]);
    let cases = [
        // An id key among the shared entries.
        format!("{portals}webhooks:\n  7: {{ enabled: false }}\n"),
        // only: names a portal the file does not define.
        format!(
            "{portals}webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n    only: [alpah]\n"
        ),
        // A literal key instead of a ${VAR}.
        format!(
            "{}webhooks: {{}}\n",
            portals.replace("${FLEET_KEY_ALPHA}", "sk-literal-0123456789")
        ),
    ];
    for file in &cases {
        for args in [&["validate"][..], &["plan"], &["apply", "--auto-approve"]] {
            let out = run(args, &fleet, file).run();
            assert_eq!(out.code, 1, "{args:?} {file}: {out:?}");
        }
    }
    assert_eq!(fleet.request_count(), 0);
}

#[test]
fn a_portal_parallelism_of_zero_is_a_usage_error() {
    let (fleet, file) = fleet();
    for args in [
        &["plan", "--portal-parallelism", "0"][..],
        &["apply", "--auto-approve", "--portal-parallelism", "0"],
    ] {
        let out = run(args, &fleet, &file).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
    }
    assert_eq!(fleet.request_count(), 0);
}

/// A pipeline's job for one portal holds that portal's variables only: the uri variable of an
/// entry another portal gets is not read when `--portal` leaves that portal out, nor when a
/// saved plan does.
#[test]
fn portal_names_select_whose_uri_variables_are_read() {
    let (fleet, file) = fleet();
    let file = format!(
        "{file}  Charlie hook:\n    uri: ${{CHARLIE_URI}}\n    secretKey: ${{CHARLIE_SECRET}}\n    \
         only: [charlie]\n"
    );
    let out = run(&["plan", "--portal", "alpha"], &fleet, &file).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_one_get("alpha", fleet.portal("alpha"));

    // A plan saved for alpha is applied, without --portal, with alpha's variables alone.
    let planned = run(
        &["plan", "--portal", "alpha", "--out", "plan.json"],
        &fleet,
        &file,
    );
    assert_eq!(planned.run().code, 0);
    let path = planned.path("plan.json");
    let out = run(&["apply", path.to_str().unwrap()], &fleet, &file)
        .reviewed(&path)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!named(fleet.portal("alpha"), "Crm").ssl, "{out:?}");
    assert!(named(fleet.portal("charlie"), "Crm").ssl, "{out:?}");

    let out = run(&["plan", "--portal", "charlie"], &fleet, &file).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("environment variable CHARLIE_URI (the uri of 'Charlie hook') is not set"),
        "{out:?}"
    );
    assert!(fleet.portal("charlie").requests().is_empty(), "{out:?}");
}
