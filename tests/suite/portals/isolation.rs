use super::{apply, named, run};
use crate::support::fake_portal::Seed;
use crate::support::fleet::Fleet;
use crate::support::run::Run;

/// Every portal has Crm with ssl on; the file turns it off: one update per portal.
const SHARED: &str = "\
webhooks:
  Crm:
    uri: https://crm.example.com/h
    ssl: false
";

fn seeded(fleet: &Fleet) {
    for (_, fake) in fleet.up() {
        fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
    }
}

fn file(fleet: &Fleet) -> String {
    format!("{}{SHARED}", fleet.portals_yaml(&[]))
}

/// `alpha` and `bravo` hold the file's state; `plan` over them alone has nothing to do.
fn assert_converged(fleet: &Fleet, file: &str) {
    for name in ["alpha", "bravo"] {
        assert!(!named(fleet.portal(name), "Crm").ssl, "{name} converged");
    }
    let again = run(
        &[
            "plan",
            "--detailed-exitcode",
            "--portal",
            "alpha",
            "--portal",
            "bravo",
        ],
        fleet,
        file,
    )
    .run();
    assert_eq!(again.code, 0, "{again:?}");
}

#[test]
fn a_portal_that_is_down_fails_alone_and_the_others_converge() {
    let fleet = Fleet::start(&["alpha", "bravo"]).with_down("charlie");
    seeded(&fleet);
    let file = file(&fleet);

    let planned = run(&["plan"], &fleet, &file).run();
    assert_eq!(planned.code, 1, "{planned:?}");
    assert_eq!(fleet.write_count(), 0, "plan never writes");
    assert!(
        planned.stdout.contains(&format!(
            "=== portal charlie ({}) ===",
            fleet.url("charlie")
        )),
        "the failed portal has its section: {planned:?}"
    );

    let out = apply(&fleet, &file, &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_converged(&fleet, &file);
}

#[test]
fn a_portal_whose_key_variable_is_unset_fails_alone_without_being_contacted() {
    let fleet = Fleet::start(&["alpha", "bravo", "charlie"]);
    seeded(&fleet);
    let file = file(&fleet);
    let charlie = fleet.portal("charlie");
    // DOCSPACE_API_KEY is not a fallback for a portal of a portals: file.
    let unset = |args: &[&str]| {
        Run::new(args)
            .file(&file)
            .fleet_except(&fleet, &["charlie"])
            .env("DOCSPACE_API_KEY", fleet.key("charlie"))
            .run()
    };

    let planned = unset(&["plan"]);
    assert_eq!(planned.code, 1, "{planned:?}");
    assert!(
        planned.all().contains("FLEET_KEY_CHARLIE"),
        "names the variable to set: {planned:?}"
    );
    assert_eq!(fleet.portal("alpha").requests().len(), 1, "alpha planned");

    let out = unset(&["apply", "--auto-approve"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_converged(&fleet, &file);
    assert!(
        charlie.requests().is_empty(),
        "no request without its key: {:?}",
        charlie.requests()
    );
    assert!(named(charlie, "Crm").ssl, "charlie untouched");
}

#[test]
fn a_portal_that_refuses_its_key_fails_alone() {
    let fleet = Fleet::start(&["alpha", "bravo", "charlie"]);
    seeded(&fleet);
    let file = file(&fleet);
    // charlie's variable holds alpha's key, which charlie refuses (401).
    let out = run(&["apply", "--auto-approve"], &fleet, &file)
        .env("FLEET_KEY_CHARLIE", fleet.key("alpha"))
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_converged(&fleet, &file);
    let charlie = fleet.portal("charlie");
    assert!(charlie.writes().is_empty(), "{:?}", charlie.writes());
    assert!(
        charlie.requests().iter().all(|r| r.status == 401),
        "{:?}",
        charlie.requests()
    );
    assert!(named(charlie, "Crm").ssl);
    assert!(!out.all().contains(fleet.key("alpha")), "key never printed");
}

/// The help of a refused key names the variable the portal reads its key from, whichever
/// command reads the portal: DOCSPACE_API_KEY is not read with `portals:`, so naming it would
/// send the user to the wrong variable.
#[test]
fn every_command_names_the_refused_portals_own_key_variable() {
    let fleet = Fleet::start(&["alpha", "charlie"]);
    seeded(&fleet);
    let file = file(&fleet);
    for args in [
        &["plan"][..],
        &["status"],
        &["redeliver", "--auto-approve"],
        &["export", "--portal", "charlie"],
    ] {
        let out = run(args, &fleet, &file)
            .env("FLEET_KEY_CHARLIE", fleet.key("alpha"))
            .run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        let all = out.all();
        assert!(!all.contains("DOCSPACE_API_KEY"), "{args:?}: {all}");
        if args[0] != "redeliver" {
            assert!(
                all.contains("the portal's `apiKey` reads its key from FLEET_KEY_CHARLIE"),
                "{args:?}: {all}"
            );
        }
    }
}

/// What the test above leaves out: `apply`, fresh and of a saved plan, and a key the client
/// cannot send at all (a space in it) name the named portal's own variable too; the unnamed
/// portal (a file without `portal:`, `export` of DOCSPACE_URL) names DOCSPACE_API_KEY.
#[test]
fn apply_and_an_unusable_key_name_the_portals_own_key_variable_and_the_unnamed_one_the_default() {
    let fleet = Fleet::start(&["alpha", "charlie"]);
    seeded(&fleet);
    let file = file(&fleet);
    let planned = run(&["plan", "--out", "plan.json"], &fleet, &file);
    assert_eq!(planned.run().code, 0);
    let plan = planned.path("plan.json");
    let saved = ["apply", plan.to_str().unwrap(), "--portal", "charlie"];
    let fresh = ["apply", "--auto-approve", "--portal", "charlie"];
    let (refused, unusable) = (fleet.key("alpha"), "sk-with a space");
    for (args, key) in [
        (&saved[..], refused),
        (&fresh, refused),
        (&saved, unusable),
        (&fresh, unusable),
        (&["plan"], unusable),
    ] {
        let out = Run::new(args)
            .reviewed(&plan)
            .fleet(&fleet)
            .env("FLEET_KEY_CHARLIE", key)
            .run();
        assert_eq!(out.code, 1, "{args:?} {key:?}: {out:?}");
        let all = out.all();
        assert!(!all.contains("DOCSPACE_API_KEY"), "{args:?} {key:?}: {all}");
        assert!(
            all.contains("the portal's `apiKey` reads its key from FLEET_KEY_CHARLIE"),
            "{args:?} {key:?}: {all}"
        );
    }
    assert!(fleet.portal("charlie").writes().is_empty());

    let portal = crate::support::fake_portal::FakePortal::start();
    for args in [&["plan"][..], &["export"]] {
        let out = Run::new(args)
            .file(SHARED)
            .portal(&portal)
            .env("DOCSPACE_API_KEY", refused)
            .run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        let all = out.all();
        assert!(
            all.contains("set DOCSPACE_API_KEY to a valid API key"),
            "{args:?}: {all}"
        );
        assert!(!all.contains("reads its key from"), "{args:?}: {all}");
    }
}

#[test]
fn a_missing_secret_on_one_portal_stops_every_portal_before_any_write() {
    let fleet = Fleet::start(&["alpha", "bravo"]);
    seeded(&fleet);
    // bravo alone creates a webhook whose secret is not set; alpha has an update to make.
    let own = [(
        "bravo",
        "webhooks:\n  Billing:\n    uri: https://billing.example.com/h\n    secretKey: ${BRAVO_BILLING_SECRET}\n",
    )];
    let file = format!("{}{SHARED}", fleet.portals_yaml(&own));
    let out = apply(&fleet, &file, &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("BRAVO_BILLING_SECRET"), "{out:?}");
    assert_eq!(fleet.write_count(), 0, "no write anywhere");
}

#[test]
fn the_deletion_guard_on_one_portal_stops_every_portal_before_any_write() {
    let fleet = Fleet::start(&["alpha", "bravo"]);
    seeded(&fleet);
    // bravo would lose two webhooks to --prune; alpha one, within the limit.
    fleet
        .portal("alpha")
        .seed(Seed::new("Old", "https://old.example.com/h"));
    for i in 0..2 {
        fleet
            .portal("bravo")
            .seed(Seed::new(&format!("Old {i}"), "https://old.example.com/h"));
    }
    let file = file(&fleet);
    let out = run(
        &["apply", "--auto-approve", "--prune", "--max-deletes", "1"],
        &fleet,
        &file,
    )
    .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(fleet.write_count(), 0, "no write anywhere");
    assert_eq!(fleet.portal("alpha").webhooks().len(), 2);
    assert_eq!(fleet.portal("bravo").webhooks().len(), 3);
}
