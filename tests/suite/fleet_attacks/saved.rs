//! Hand-edited saved plans of a `portals:` file: refused whole, or applied exactly as shown.

use std::path::{Path, PathBuf};

use crate::support::run::{Outcome, Run};

use super::{Fleet, SECRET, key, var};

/// `plan --out plan.json` of `Hook 1` moved on every portal; the run (whose directory holds
/// the plan) and the plan's path.
fn planned(fleet: &Fleet) -> (Run, PathBuf) {
    let run = fleet.run(&["plan", "--out", "plan.json"], &fleet.moving(1, ""));
    let out = run.run();
    assert_eq!(out.code, 0, "{out:?}");
    let path = run.path("plan.json");
    (run, path)
}

fn edit(path: &Path, change: impl FnOnce(&mut serde_json::Value)) {
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    change(&mut doc);
    std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}

/// `ARGS` (a command, then the saved plan) with every member's key and the secret set, in a
/// directory that holds only the reviewed file the plan was made from.
fn with_keys(fleet: &Fleet, args: &[&str]) -> Outcome {
    let mut run = Run::new(args)
        .reviewed(Path::new(args[1]))
        .env("HOOK_SECRET", SECRET);
    for (name, _) in &fleet.members {
        run = run.env(&var(name), &key(name));
    }
    run.run()
}

#[test]
fn a_part_whose_url_plan_would_never_write_refuses_the_whole_saved_plan() {
    // Found in review, fixed: the loader checks that two parts do not name the same url *string*, but not
    // that a part's url is one `plan --out` could have written. `show` shows such a file, and
    // `apply` fails that part alone ("the saved plan is for http://127.0.0.1:P/, not for
    // http://127.0.0.1:P") while it writes every other portal: a file that is not what this
    // version would have planned is applied in part instead of refused with nothing written.
    for spelling in ["{url}/", "HTTP://{host}", "http://ops:hunter2pass@{host}"] {
        let fleet = Fleet::seeded(&["a", "b"], 1);
        let (_run, path) = planned(&fleet);
        let url = fleet.portal("b").url();
        let host = url.trim_start_matches("http://");
        let edited = spelling.replace("{url}", &url).replace("{host}", host);
        edit(&path, |doc| {
            doc["portals"][1]["portal"] = edited.clone().into()
        });
        let plan = path.to_str().unwrap();

        let out = with_keys(&fleet, &["apply", plan]);
        assert_eq!(out.code, 1, "{edited}: {out:?}");
        assert_eq!(fleet.writes(), 0, "{edited}: nothing anywhere: {out:?}");
        let shown = with_keys(&fleet, &["show", plan]);
        assert_eq!(shown.code, 1, "{edited}: show must refuse it: {shown:?}");
        assert!(!shown.all().contains("hunter2pass"), "{shown:?}");
        assert!(!out.all().contains("hunter2pass"), "{out:?}");
    }
}

#[test]
fn a_part_name_no_portals_file_could_hold_is_refused() {
    // Found in review, fixed: a part's `name` is taken as written: empty, with a line break, a bidi override
    // or a space. It is shown escaped (no harm on a terminal), but no `portals:` file could
    // have produced it, `--portal` cannot type some of them, and README promises a file that
    // is not what this version would have planned is refused.
    for name in ["", "st\naging", "stag\u{202e}ing", "two words"] {
        let fleet = Fleet::seeded(&["a", "b"], 1);
        let (_run, path) = planned(&fleet);
        edit(&path, |doc| doc["portals"][0]["name"] = name.into());
        let shown = with_keys(&fleet, &["show", path.to_str().unwrap()]);
        assert_eq!(shown.code, 1, "{name:?}: {shown:?}");
    }
}

#[test]
fn apply_of_one_named_portal_contacts_no_other_and_checks_the_digest_first() {
    let fleet = Fleet::seeded(&["a", "b"], 1);
    let (_run, path) = planned(&fleet);
    let plan = path.to_str().unwrap();
    // Stale on `a`: it is not selected, so it neither blocks `b` nor is contacted.
    fleet
        .portal("a")
        .update_stored(1, |w| w.uri = "https://elsewhere.example.com/h".into());
    for (_, fake) in &fleet.members {
        fake.clear_requests();
    }

    let wrong = with_keys(
        &fleet,
        &[
            "apply",
            plan,
            "--portal",
            "b",
            "--expect-digest",
            &"0".repeat(64),
        ],
    );
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert!(
        fleet.members.iter().all(|(_, f)| f.requests().is_empty()),
        "a wrong digest contacts no portal"
    );

    let out = with_keys(&fleet, &["apply", plan, "--portal", "b"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(fleet.portal("a").requests().is_empty(), "{out:?}");
    assert_eq!(fleet.portal("b").writes().len(), 1, "{out:?}");
    assert!(!out.all().contains(&key("b")), "{out:?}");
}

#[test]
fn one_stale_portal_among_several_refuses_even_when_another_is_down() {
    let fleet = Fleet::seeded(&["a", "b", "c"], 1);
    let (_run, path) = planned(&fleet);
    fleet
        .portal("b")
        .update_stored(1, |w| w.uri = "https://elsewhere.example.com/h".into());
    fleet.portal("c").set_forbidden(true);
    let out = with_keys(&fleet, &["apply", path.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("stale"), "{out:?}");
    assert_eq!(fleet.writes(), 0, "nothing anywhere: {out:?}");
}
