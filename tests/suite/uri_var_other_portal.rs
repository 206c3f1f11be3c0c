//! In a `portals:` file, the value of one portal's `uri: ${VAR}` held by a webhook of another
//! (staging keeps a copy of production's hook): no plan format, saved plan or `show` shows it,
//! `apply` of the saved plan deletes or keeps the right webhook, the stale check still sees it
//! move, and a placeholder moved by hand cannot send it.

use crate::support::fake_portal::{Echo, Fault, FaultKind, Seed, Spelling, Wrapper, delete_path};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

/// Production's hook: the receiver authenticates by the path and the token.
const URI: &str = "https://hooks.example.com/services/T0/Cap7Path/x?token=Cap7Token99";
/// `URI` as another URL parser may write it.
const SHOUTED: &str = "HTTPS://Hooks.Example.COM:443/services/T0/Cap7Path/x?token=Cap7Token99";
/// Staging's own hook.
const TWO: &str = "https://hooks.example.com/services/T0/Cap7Two/x";

const SECRETS: [(&str, &str); 3] = [("HOOK", URI), ("HOOK2", TWO), ("SEC", "Sup3r-Secret-42")];

/// Production reads HOOK; staging's entries, `staging` (after `webhooks:`), read HOOK2 or none.
fn file(fleet: &Fleet, staging: &str) -> String {
    let production = "webhooks:\n  Slack:\n    uri: ${HOOK}\n    secretKey: ${SEC}\n";
    let staging = format!("webhooks:\n{staging}");
    let portals = [("production", production), ("staging", staging.as_str())];
    format!("{}webhooks: {{}}\n", fleet.portals_yaml(&portals))
}

/// Production has no webhook yet: its plan creates Slack.
fn fleet() -> Fleet {
    Fleet::start(&["production", "staging"])
}

/// Fails when `text` shows any part of a hook past its scheme, in any case.
fn assert_hidden_in(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for part in ["cap7", "services/t0", "hooks.example", "sup3r"] {
        assert!(!lower.contains(part), "{what}: {part:?} shown:\n{text}");
    }
}

fn with_env(run: Run) -> Run {
    (SECRETS.iter()).fold(run, |run, (var, value)| run.env(var, value))
}

/// `args` on `file` over the fleet: nothing of a hook shown.
fn run(fleet: &Fleet, file: &str, args: &[&str]) -> Outcome {
    let out = with_env(Run::new(args).file(file).fleet(fleet)).run();
    assert_hidden_in("output", &out.all());
    out
}

/// The plan in every format, and `plan --out`, its saved plan and `show` of it (offline, no
/// variable set): none shows a hook. Gives the text plan, the run holding the saved plan, the
/// saved plan and `show`'s outcome.
fn planned(fleet: &Fleet, file: &str, args: &[&str]) -> (Outcome, Run, serde_json::Value, Outcome) {
    for format in ["json", "markdown"] {
        let out = run(
            fleet,
            file,
            &[&["plan"], args, &["--format", format]].concat(),
        );
        assert_eq!(out.code, 0, "{format}: {out:?}");
    }
    let text = run(fleet, file, &[&["plan"], args].concat());
    assert_eq!(text.code, 0, "{text:?}");
    let saving = with_env(
        Run::new(&[&["plan", "--out", "plan.json"], args].concat())
            .file(file)
            .fleet(fleet),
    );
    let out = saving.run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_hidden_in("plan --out", &out.all());
    let path = saving.path("plan.json");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert_hidden_in("the saved plan", &saved);
    let show = Run::new(&["show", path.to_str().unwrap()])
        .reviewed(&path)
        .run();
    assert_eq!(show.code, 0, "{show:?}");
    assert_hidden_in("show", &show.all());
    (text, saving, serde_json::from_str(&saved).unwrap(), show)
}

fn apply_saved(saving: &Run, fleet: &Fleet) -> Outcome {
    let path = saving.path("plan.json");
    let run = Run::new(&[
        "apply",
        path.to_str().unwrap(),
        "--parallelism",
        "1",
        "--portal-parallelism",
        "1",
    ])
    .reviewed(&path)
    .fleet(fleet);
    let out = with_env(run).run();
    assert_hidden_in("apply", &out.all());
    out
}

/// The saved plan's writes of staging, its second portal.
fn staging_writes(plan: &serde_json::Value) -> &Vec<serde_json::Value> {
    assert_eq!(plan["portals"][1]["name"], "staging");
    plan["portals"][1]["writes"].as_array().unwrap()
}

/// `uri` is the placeholder of `var`.
fn assert_placeholder(uri: &serde_json::Value, var: &str) {
    let uri = uri.as_str().unwrap();
    let prefix = format!("${{{var}}} hmac-sha256:");
    let hex = uri.strip_prefix(&prefix).unwrap_or_else(|| panic!("{uri}"));
    assert_eq!(hex.len(), 64, "{uri}");
}

/// Staging holds production's hook, as written and spelled otherwise, on webhooks no entry of
/// staging manages: listed as unmanaged, pruned, saved, shown and applied without showing it.
#[test]
fn another_portal_s_hook_on_an_unmanaged_webhook_is_listed_and_pruned_without_showing_it() {
    let fleet = fleet();
    let staging = fleet.portal("staging");
    let copies = [URI, SHOUTED].map(|uri| staging.seed(Seed::new("Copy", uri)));
    let file = file(&fleet, "  Own:\n    uri: ${HOOK2}\n    secretKey: ${SEC}\n");
    let listed = run(&fleet, &file, &["plan"]);
    assert_eq!(listed.code, 0, "{listed:?}");
    let prune = ["--prune", "--max-deletes", "2"];
    let (text, saving, plan, show) = planned(&fleet, &file, &prune);
    let writes = staging_writes(&plan);
    assert_placeholder(&writes[0]["webhook"]["uri"], "HOOK2");
    for delete in &writes[1..] {
        assert_eq!(delete["write"], "delete");
        assert_placeholder(&delete["against"]["uri"], "HOOK");
    }

    fleet.clear_requests();
    let applied = apply_saved(&saving, &fleet);
    assert_eq!(applied.code, 0, "{applied:?}");
    let deleted: Vec<String> = (staging.writes().iter())
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(deleted, copies.map(delete_path));
    assert!(copies.iter().all(|id| staging.get(*id).is_none()));
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}",
        text.user_view(),
        show.user_view(),
        applied.user_view()
    ));
}

/// Staging's webhook holding production's hook moved after the plan: stale, named without
/// either uri, and nothing is written on any portal.
#[test]
fn another_portal_s_hook_that_moved_makes_the_saved_plan_stale_without_showing_either() {
    let fleet = fleet();
    let staging = fleet.portal("staging");
    let copy = staging.seed(Seed::new("Copy", URI));
    let file = file(&fleet, "  Own:\n    uri: ${HOOK2}\n    secretKey: ${SEC}\n");
    let (_, saving, _, _) = planned(&fleet, &file, &["--prune", "--max-deletes", "1"]);
    staging.update_stored(copy, |w| {
        w.uri = "https://hooks.example.com/services/T0/Cap7Moved/x".into();
    });
    fleet.clear_requests();
    let out = apply_saved(&saving, &fleet);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(fleet.write_count(), 0);
    assert!(
        out.stderr
            .contains("#1 \"Copy\" changed on the portal: uri (sensitive) -> (sensitive)"),
        "{out:?}"
    );
}

/// An entry of staging keyed by id keeps production's hook on its webhook and sends it back:
/// stored as HOOK's placeholder, and bound only to the live uri: production's own placeholder
/// of HOOK moved there by hand is refused, nothing written, and the plan as made applies.
#[test]
fn a_kept_uri_of_another_portal_is_sent_back_and_a_moved_placeholder_cannot_send_it() {
    let fleet = fleet();
    let staging = fleet.portal("staging");
    let kept = staging.seed(Seed::new("Copy", URI));
    let file = file(&fleet, &format!("  {kept}:\n    name: Renamed\n"));
    let (text, saving, plan, show) = planned(&fleet, &file, &[]);
    let update = &staging_writes(&plan)[0];
    assert_placeholder(&update["against"]["uri"], "HOOK");
    assert_eq!(update["webhook"]["uri"], update["against"]["uri"]);

    // Production's create of Slack sends HOOK's value: its placeholder (keyed with
    // production's key) in staging's update is bound to nothing.
    let path = saving.path("plan.json");
    let production = plan["portals"][0]["writes"][0]["webhook"]["uri"].clone();
    assert_placeholder(&production, "HOOK");
    let mut edited = plan.clone();
    edited["portals"][1]["writes"][0]["webhook"]["uri"] = production;
    std::fs::write(&path, serde_json::to_string_pretty(&edited).unwrap()).unwrap();
    fleet.clear_requests();
    let refused = apply_saved(&saving, &fleet);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert_eq!(fleet.write_count(), 0);

    std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let applied = apply_saved(&saving, &fleet);
    assert_eq!(applied.code, 0, "{applied:?}");
    let stored = staging.get(kept).unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.uri.as_str()),
        ("Renamed", URI)
    );
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}\n{}",
        text.user_view(),
        show.user_view(),
        refused.user_view(),
        applied.user_view()
    ));
}

/// `--portal staging` reads staging's variables only: production's HOOK, unset, stops nothing
/// (so a copy of its value on staging is not known to be secret).
#[test]
fn portal_still_limits_which_variables_are_read() {
    let fleet = fleet();
    let file = file(&fleet, "  Own:\n    uri: ${HOOK2}\n    secretKey: ${SEC}\n");
    let out = Run::new(&["plan", "--portal", "staging"])
        .file(&file)
        .fleet(&fleet)
        .env("HOOK2", TWO)
        .env("SEC", "Sup3r-Secret-42")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_hidden_in("output", &out.all());
}

/// The job of one portal holds that portal's variables only: applying staging's part of the
/// plan, whose update sends production's hook back, without HOOK set. A portal that echoes the
/// refused write (with the hook in it) shows none of it: the uri the placeholder was bound to
/// is as secret as the variable the job does not hold.
#[test]
fn a_bound_uri_of_a_variable_the_job_does_not_hold_is_hidden_in_an_echo() {
    let fleet = fleet();
    let staging = fleet.portal("staging");
    let kept = staging.seed(Seed::new("Copy", URI));
    let file = file(&fleet, &format!("  {kept}:\n    name: Renamed\n"));
    let (_, saving, _, _) = planned(&fleet, &file, &[]);
    for spelling in [Spelling::Literal, Spelling::Json, Spelling::PercentUpper] {
        let echo = Echo {
            status: 400,
            spelling,
            wrapper: Wrapper::ErrorMessage,
            keep: usize::MAX,
        };
        staging.inject(Fault::new(
            "PUT",
            "/api/2.0/settings/webhook",
            FaultKind::Echo(echo),
        ));
        let path = saving.path("plan.json");
        let out = Run::new(&["apply", path.to_str().unwrap(), "--portal", "staging"])
            .reviewed(&path)
            .fleet(&fleet)
            .env("HOOK2", TWO)
            .env("SEC", "Sup3r-Secret-42")
            .run();
        assert_eq!(out.code, 1, "{spelling:?}: {out:?}");
        assert!(out.stdout.contains("(HTTP 400)"), "{spelling:?}: {out:?}");
        assert_hidden_in(&format!("{spelling:?}"), &out.all());
    }
}

/// The live uri a production entry replaces is secret on production only (docs/file-format.md):
/// a staging webhook named after it is shown, whichever portal's list is read first, not
/// refused by one run and shown by the next.
#[test]
fn a_live_uri_made_secret_on_one_portal_is_shown_on_another_in_any_order() {
    const OLD: &str = "https://old.example.org/services/Old4Tok";
    for names in [["production", "staging"], ["staging", "production"]] {
        let fleet = Fleet::start(&names);
        fleet.portal("production").seed(Seed::new("Slack", OLD));
        let other = Seed::new(OLD, "https://other.example.com/h");
        fleet.portal("staging").seed(other);
        let production = "webhooks:\n  Slack:\n    uri: ${HOOK}\n    secretKey: ${SEC}\n";
        let file = format!(
            "{}webhooks: {{}}\n",
            fleet.portals_yaml(&[("production", production)])
        );
        let args = ["plan", "--portal-parallelism", "1"];
        let out = with_env(Run::new(&args).file(&file).fleet(&fleet)).run();
        assert_eq!(out.code, 0, "{names:?}: {out:?}");
        assert!(
            out.stdout.contains(&format!("\"{OLD}\"")),
            "{names:?}: {out:?}"
        );
    }
}
