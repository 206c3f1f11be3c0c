//! Big portals and big fleets round-trip: the file `export` writes for a portal of 10,000
//! webhooks, and a `portals:` file of 10,000 portals, load (the loader's limits stop alias
//! bombs, not size), and an exported portal plans with no changes.

use proptest::prelude::*;

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

/// Every trigger bit the server knows (docs/docspace-api.md §7): bits 0 to 35.
const TRIGGER_BITS: u32 = 36;

/// Webhook `i` of a seeded portal: names, uris, triggers and flags varied from `i` and `salt`,
/// so the export holds every shape of entry (every event, a few, many; disabled; no ssl).
fn seed(i: usize, salt: u64) -> Seed {
    let mix = (i as u64 ^ salt).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let triggers = match mix % 4 {
        0 => 0,
        1 => 1 << ((mix >> 8) % u64::from(TRIGGER_BITS)),
        _ => (mix >> 16) & ((1 << TRIGGER_BITS) - 1),
    };
    let words = [
        "billing",
        "Audit trail",
        "crm sync",
        "archive",
        "Room events",
    ];
    let name = format!("{} {i}", words[i % words.len()]);
    Seed::new(
        &name,
        &format!("https://h{i}.example.com/hooks/{}", mix % 97),
    )
    .triggers(triggers)
    .enabled(!mix.is_multiple_of(5))
    .ssl(!mix.is_multiple_of(7))
}

fn seeded(count: usize, salt: u64) -> FakePortal {
    let portal = FakePortal::start();
    for i in 0..count {
        portal.seed(seed(i, salt));
    }
    portal
}

/// Exports `portal` to a file, then checks that `validate` accepts it (when `validate`: `plan`
/// checks the file as `validate` does and refuses an invalid one, so the property test, which
/// pays for each run, leaves it out) and `plan` finds it in step with the portal.
fn export_validate_plan(
    portal: &FakePortal,
    count: usize,
    validate: bool,
) -> Result<(), TestCaseError> {
    let run = Run::new(&["export", "--out", "webhooks.yaml"]).portal(portal);
    let out = run.run();
    prop_assert_eq!(out.code, 0, "{:?}", out);
    let file = run.path("webhooks.yaml");
    let file = file.to_str().unwrap();

    if validate {
        let valid = Run::new(&["validate", "-f", file]).run();
        prop_assert_eq!(valid.code, 0, "{:?}", valid);
        prop_assert_eq!(
            valid.stdout,
            format!("{file} is valid: {count} webhook(s).\n")
        );
    }

    let plan = Run::new(&["plan", "--detailed-exitcode", "-f", file])
        .portal(portal)
        .run();
    prop_assert_eq!(plan.code, 0, "{:?}", plan);
    prop_assert!(plan.stdout.contains("No changes."), "{:?}", plan);
    Ok(())
}

#[test]
fn a_portal_of_ten_thousand_webhooks_exports_validates_and_plans_no_changes() {
    let portal = seeded(10_000, 0);
    export_validate_plan(&portal, 10_000, true).unwrap();
}

#[test]
fn a_fleet_of_ten_thousand_portals_validates() {
    let mut file = String::from("portals:\n");
    for i in 0..10_000 {
        file.push_str(&format!(
            "  portal-{i}:\n    url: https://p{i}.docs.example.com\n    apiKey: ${{KEY_{i}}}\n"
        ));
    }
    file.push_str("webhooks:\n  Audit trail:\n    uri: https://audit.example.com/h\n");
    let out = Run::new(&["validate"]).file(&file).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("webhooks.yaml is valid: 10000 portal(s).\n"),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
}

#[test]
fn a_list_shared_by_alias_over_thousands_of_webhooks_loads() {
    // 5,000 aliases of one anchor: many uses of a value are no bomb, only what they expand to
    // (25,000 events here) is bounded.
    let mut file = String::from("webhooks:\n");
    for i in 0..5_000 {
        let triggers = if i == 0 {
            "&common [file.created, room.created, form.submit]"
        } else {
            "*common"
        };
        file.push_str(&format!(
            "  hook-{i}:\n    uri: https://h{i}.example.com/h\n    triggers: {triggers}\n"
        ));
    }
    let out = Run::new(&["validate"]).file(&file).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "webhooks.yaml is valid: 5000 webhook(s).\n");
}

proptest! {
    // Few cases: each seeds a portal of up to 10,000 webhooks and runs the binary three times.
    #![proptest_config(ProptestConfig {
        cases: 4,
        max_shrink_iters: 8,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_portal_the_fake_holds_exports_to_a_file_that_plans_no_changes(
        count in 0usize..=10_000,
        salt in any::<u64>(),
    ) {
        export_validate_plan(&seeded(count, salt), count, false)?;
    }
}
