//! A saved plan whose stored values no config file could hold (a blank or over-long name, as the
//! portal counts its length, a
//! relative or `javascript:` uri, one with a line break or not written as `scheme://host`, an
//! over-long targetId, a trigger no file can name) is refused whole by `apply FILE`, with
//! nothing sent: not the update, not the create.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

const SECRET: &str = "saved-Values-Secret-1";

/// Write 1 updates Crm (its ssl), write 2 creates Billing.
const FILE: &str = crate::support::fixtures::UPDATE_AND_CREATE;

type Edit = fn(&mut serde_json::Value, &str);

#[test]
fn values_no_config_file_could_hold_are_refused_with_nothing_sent() {
    let cases: [(&str, &str, Edit); 11] = [
        ("blank name", "", |w, v| w["name"] = v.into()),
        (
            "name too long: at most 50 characters, this one has 5000",
            "",
            |w, _| w["name"] = "n".repeat(5000).into(),
        ),
        // 26 characters, which the portal counts as 52 (docs/docspace-api.md §8).
        (
            "name too long: at most 50 UTF-16 units, this one has 52 (an emoji or another \
             character beyond U+FFFF counts as 2, as the portal counts)",
            "\u{1F680}",
            |w, v| w["name"] = v.repeat(26).into(),
        ),
        (
            "uri that is not an absolute URL",
            "/hooks/docspace",
            |w, v| w["uri"] = v.into(),
        ),
        (
            "uri that has a scheme other than http or https; only http and https are allowed",
            "javascript:alert(1)//https://crm.example.com/h",
            |w, v| w["uri"] = v.into(),
        ),
        (
            "uri that has a tab or a line break inside",
            "https://crm.example.com/\nh",
            |w, v| w["uri"] = v.into(),
        ),
        (
            "uri that is not written as `scheme://host`",
            "https:crm.example.com/h",
            |w, v| w["uri"] = v.into(),
        ),
        (
            "targetId too long: at most 255 characters, this one has 256",
            "",
            |w, _| w["targetId"] = "7".repeat(256).into(),
        ),
        (
            "targetId too long: at most 255 UTF-16 units, this one has 256 (an emoji or another \
             character beyond U+FFFF counts as 2, as the portal counts)",
            "\u{1F680}",
            |w, v| w["targetId"] = format!("77{}", v.repeat(127)).into(),
        ),
        (
            "trigger this version does not know (bit 63)",
            "bit:63",
            |w, v| w["triggers"] = serde_json::json!([v]),
        ),
        (
            "trigger this version does not know (bit 40)",
            "bit:40",
            |w, v| w["triggers"] = serde_json::json!(["file.created", v]),
        ),
    ];

    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    let planned = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal);
    assert_eq!(planned.run().code, 0);
    let path = planned.path("plan.json");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();

    for (index, who) in [(0, "the update of #1"), (1, "a create")] {
        for (expected, value, change) in cases {
            let mut plan = original.clone();
            change(&mut plan["portals"][0]["writes"][index]["webhook"], value);
            std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
            let out = Run::new(&["apply", path.to_str().unwrap()])
                .reviewed(&path)
                .portal(&portal)
                .env("BILLING_SECRET", SECRET)
                .run();
            let what = format!("{who}: {expected}");
            assert_eq!(out.code, 1, "{what}: {out:?}");
            assert!(
                out.stderr.contains(&format!("{who} has a {expected}"))
                    && out.stderr.contains("nothing was written"),
                "{what}: {out:?}"
            );
            assert!(out.stdout.is_empty(), "nothing is shown: {what}: {out:?}");
            assert!(portal.writes().is_empty(), "{what}: {:?}", portal.writes());
        }
    }

    // The unedited plan is still applied whole: the checks refuse only what was edited in.
    std::fs::write(&path, serde_json::to_string_pretty(&original).unwrap()).unwrap();
    let out = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
        .portal(&portal)
        .env("BILLING_SECRET", SECRET)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.writes().len(), 2, "{:?}", portal.writes());
}

#[test]
fn a_value_the_webhook_already_has_is_kept_whatever_it_is() {
    // The portal holds a trigger this build does not know; a file that leaves `triggers` out
    // keeps it, and so does the saved plan of it.
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h").triggers(1 << 40 | 1));
    let planned = Run::new(&["plan", "--out", "plan.json"])
        .file("webhooks:\n  Crm:\n    ssl: false\n")
        .portal(&portal);
    assert_eq!(planned.run().code, 0);
    let out = Run::new(&["apply", planned.path("plan.json").to_str().unwrap()])
        .reviewed(&planned.path("plan.json"))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.get(1).unwrap().triggers, 1 << 40 | 1);
}
