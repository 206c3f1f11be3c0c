//! `plan --out FILE` then `apply FILE`: exactly that plan, or nothing when it went stale.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::fixtures::crm_and_other as portal;
use crate::support::run::Run;

const SECRET: &str = "saved-Plan-Secret-1";

const FILE: &str = crate::support::fixtures::UPDATE_AND_CREATE;

/// Plans into `plan.json` inside a run directory and returns that directory's run builder.
fn saved(portal: &FakePortal) -> (Run, std::path::PathBuf) {
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(portal);
    let path = run.path("plan.json");
    (run, path)
}

fn apply_saved(portal: &FakePortal, path: &std::path::Path) -> crate::support::run::Outcome {
    Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(path)
        .portal(portal)
        .env("BILLING_SECRET", SECRET)
        .run()
}

#[test]
fn a_saved_plan_applies_exactly_without_asking_and_holds_no_secret() {
    let portal = portal();
    let (run, path) = saved(&portal);
    let run = run.env("BILLING_SECRET", SECRET);
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(SECRET), "no secret value in the file");
    assert!(
        !text.contains("BILLING_SECRET"),
        "not even the variable's name: the file names it"
    );
    assert!(
        portal.writes().is_empty(),
        "plan --out writes nothing to the portal"
    );

    let out = apply_saved(&portal, &path);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.writes().len(), 2, "{:?}", portal.writes());
    assert!(!portal.get(1).unwrap().ssl);
    let billing = portal
        .webhooks()
        .into_iter()
        .find(|w| w.name == "Billing")
        .unwrap();
    assert_eq!(billing.secret_key, SECRET);
}

#[test]
fn a_plan_gone_stale_is_refused_with_nothing_written() {
    let portal = portal();
    let (run, path) = saved(&portal);
    assert_eq!(run.run().code, 0);
    portal.update_stored(1, |w| {
        w.enabled = false;
        w.target_id = Some("room-7".into());
    });

    let out = apply_saved(&portal, &path);
    assert_eq!(out.code, 1, "{out:?}");
    // Names what changed, each value as a plan shows it.
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - #1 "Crm" changed on the portal: enabled true -> false, targetId (none) -> "room-7"
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----
    "#);
    assert!(portal.writes().is_empty(), "{:?}", portal.writes());
}

#[test]
fn a_create_that_now_exists_makes_the_plan_stale() {
    let portal = portal();
    let (run, path) = saved(&portal);
    assert_eq!(run.run().code, 0);
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    let out = apply_saved(&portal, &path);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - "Billing" would be created, but now exists as #3 "Billing"
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());
}

#[test]
fn a_create_is_stale_only_for_a_same_pair_without_case_that_is_new_since_the_plan() {
    // The portal (on MySQL) takes "hook" and "Hook" for one name. A webhook the plan deletes
    // is gone before its creates run, and one it was made beside is no news: a fresh plan
    // would create "Hook" all the same.
    let file = "webhooks:\n  Hook:\n    uri: https://hook.example.com/h\n    secretKey: ${BILLING_SECRET}\n  A: {uri: \"https://a.example.com/h\"}\n";
    for (prune, sent) in [(true, &["DELETE", "POST"][..]), (false, &["POST"])] {
        let portal = FakePortal::start();
        portal.seed(Seed::new("hook", "https://hook.example.com/h"));
        portal.seed(Seed::new("A", "https://a.example.com/h"));
        let args = ["plan", "--out", "plan.json", "--prune"];
        let run = Run::new(&args[..if prune { 4 } else { 3 }])
            .file(file)
            .portal(&portal);
        assert_eq!(run.run().code, 0);
        let out = apply_saved(&portal, &run.path("plan.json"));
        assert_eq!(out.code, 0, "{out:?}");
        let methods: Vec<String> = portal.writes().into_iter().map(|r| r.method).collect();
        assert_eq!(methods, sent, "{out:?}");
    }

    // One that appears after the plan is news.
    let portal = FakePortal::start();
    portal.seed(Seed::new("hook", "https://hook.example.com/h"));
    portal.seed(Seed::new("A", "https://a.example.com/h"));
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(file)
        .portal(&portal);
    assert_eq!(run.run().code, 0);
    portal.seed(Seed::new("HOOK", "https://HOOK.example.com/h"));
    let out = apply_saved(&portal, &run.path("plan.json"));
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - "Hook" would be created, but now exists as #3 "HOOK"
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());
}

#[test]
fn a_plan_for_another_portal_or_version_is_refused() {
    let portal = portal();
    let (run, path) = saved(&portal);
    assert_eq!(run.run().code, 0);

    let other = FakePortal::start();
    let out = apply_saved(&other, &path);
    assert_eq!(out.code, 1, "{out:?}");
    // The saved plan pins its portal: the environment cannot redirect it.
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan names [PORTAL], but DOCSPACE_URL names [PORTAL-2]; nothing was contacted
      help: the file names no portal, so the plan applies only to the one it was made for: give [PORTAL] (DOCSPACE_URL set to it), or run `plan --out` again for [PORTAL-2] and review that plan

    ----- end -----
    ");
    assert!(other.writes().is_empty() && other.requests().is_empty());

    edit(&path, |plan| plan["format_version"] = 99.into());
    let out = apply_saved(&portal, &path);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is a saved plan of format_version 99, but this build reads only version 6; nothing was written
      help: a saved plan is made to be applied minutes later, by the same build: run `plan --out` again with this build of docspace-webhooks and review it

    ----- end -----
    ");
    // JSON of another type is a version this build cannot read, not "not JSON": a number as
    // written, anything else by its type (a string may hold anything).
    let mut versions = Vec::new();
    for version in [
        "6.0",
        "6e0",
        "-6",
        "18446744073709551622",
        "\"6\"",
        "[6]",
        "true",
    ] {
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text.find("\"format_version\": ").unwrap() + "\"format_version\": ".len();
        let end = at + text[at..].find(',').unwrap();
        std::fs::write(&path, format!("{}{version}{}", &text[..at], &text[end..])).unwrap();
        let out = apply_saved(&portal, &path);
        assert_eq!(out.code, 1, "{out:?}");
        let view = out.user_view();
        versions.push(
            view.lines()
                .find(|l| l.contains(" x "))
                .unwrap()
                .trim()
                .to_string(),
        );
    }
    insta::assert_snapshot!(versions.join("\n"), @"
    x [TMP]/plan.json is a saved plan of format_version 6.0, but this build reads only version 6; nothing was written
    x [TMP]/plan.json is a saved plan of format_version 6e0, but this build reads only version 6; nothing was written
    x [TMP]/plan.json is a saved plan of format_version -6, but this build reads only version 6; nothing was written
    x [TMP]/plan.json is a saved plan of format_version 18446744073709551622, but this build reads only version 6; nothing was written
    x [TMP]/plan.json is a saved plan of format_version (a string), but this build reads only version 6; nothing was written
    x [TMP]/plan.json is a saved plan of format_version (a list), but this build reads only version 6; nothing was written
    x [TMP]/plan.json is a saved plan of format_version (a boolean), but this build reads only version 6; nothing was written
    ");
    // Past u32, and congruent to 2 modulo 2^32: still named as written.
    edit(&path, |plan| {
        plan["format_version"] = 4_294_967_298u64.into()
    });
    let out = apply_saved(&portal, &path);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is a saved plan of format_version 4294967298, but this build reads only version 6; nothing was written
      help: a saved plan is made to be applied minutes later, by the same build: run `plan --out` again with this build of docspace-webhooks and review it

    ----- end -----
    ");
    assert!(portal.writes().is_empty());
}

#[test]
fn a_literal_secret_cannot_be_saved() {
    let portal = portal();
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file("webhooks:\n  New:\n    uri: https://n.example.com/h\n    secretKey: Literal-Secret-1\n")
        .portal(&portal);
    let path = run.path("plan.json");
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    // Suggests a variable.
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      ! the secretKey of 'New' is written in the file
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   New:
       :   ^|^
       :    `-- secret written literally in this entry
     3 |     uri: https://n.example.com/h
       `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

      x cannot save a plan that sends the literal secretKey of "New"
      help: a saved plan never holds secret values: write `secretKey: ${SOME_VAR}` in the file and set SOME_VAR when you apply

    ----- end -----
    "#);
    assert!(!path.exists());
    assert!(!out.all().contains("Literal-Secret-1"), "{out:?}");
}

#[test]
fn the_deletion_guard_is_checked_again_when_a_saved_plan_is_applied() {
    let portal = FakePortal::start();
    for i in 1..=10 {
        portal.seed(Seed::new(
            &format!("Hook {i}"),
            &format!("https://h{i}.example.com/h"),
        ));
    }
    let keep = "webhooks:\n  Hook 1: {}\n  Hook 2: {}\n  Hook 3: {}\n  Hook 4: {}\n  Hook 5: {}\n  Hook 6: {}\n";
    let run = Run::new(&[
        "plan",
        "--prune",
        "--max-deletes",
        "4",
        "--out",
        "plan.json",
    ])
    .file(keep)
    .portal(&portal);
    assert_eq!(run.run().code, 0);
    let path = run.path("plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"max_deletes\": 4"), "{text}");
    // Someone lowers the limit in the file (or forges deletes): apply holds to what it says.
    std::fs::write(
        &path,
        text.replace("\"max_deletes\": 4", "\"max_deletes\": 1"),
    )
    .unwrap();
    let out = apply_saved(&portal, &path);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x refusing a plan that deletes 4 of 10 live webhooks: the limit is 1 (the saved plan's limit); nothing was written
      help: if the file is really meant to drop them, make the plan again with a limit of at least 4; if not, check the file is complete

    ----- end -----
    ");
    assert!(portal.writes().is_empty());
}

#[test]
fn a_saved_plan_made_without_a_limit_and_refused_by_the_guard_says_to_make_it_again() {
    // `apply PLAN_FILE` takes neither --max-deletes nor another file: the help names neither.
    let portal = FakePortal::start();
    for name in ["Audit", "Crm", "Legacy", "Old"] {
        portal.seed(Seed::new(name, &format!("https://{name}.example.com/h")));
    }
    let run = Run::new(&["plan", "--prune", "--out", "plan.json"])
        .file("webhooks:\n  Audit: {}\n")
        .portal(&portal);
    assert_eq!(run.run().code, 0, "3 of 4 is within the default limit");
    // Now the plan deletes every live webhook.
    portal.remove_stored(1);
    let out = apply_saved(&portal, &run.path("plan.json"));
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x refusing a plan that deletes every live webhook (3 of 3) without an explicit limit (--max-deletes, or prune.maxDeletes in the file); nothing was written
      help: if the file is really meant to drop them, make the plan again with a limit of at least 3; if not, check the file is complete

    ----- end -----
    ");
    assert!(portal.writes().is_empty());
}

#[test]
fn a_saved_plan_takes_no_planning_flags() {
    // `-f` it takes: the reviewed file is where its URLs and variables come from.
    let out = Run::new(&["apply", "plan.json", "--prune"]).run();
    assert_eq!(out.code, 1, "a usage error: {out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '[PLAN_FILE]' cannot be used with '--prune'

    Usage: docspace-webhooks apply <PLAN_FILE>

    For more information, try '--help'.
    ----- end -----
    ");
}

/// A webhook renamed on the portal to hold a secret the plan job does not hold (the documented
/// pipeline gives it only to `apply`) is saved as listed: `show` and `apply`, which hold it,
/// refuse the plan as that list is refused, naming where, before any output or request.
#[test]
fn a_secret_the_plan_job_did_not_hold_refuses_the_plan_before_it_is_shown_or_applied() {
    let portal = portal();
    portal.update_stored(2, |w| w.name = format!("Other {SECRET}"));
    let (run, path) = saved(&portal);
    assert_eq!(run.run().code, 0);
    let show = Run::new(&["show", path.to_str().unwrap()])
        .reviewed(&path)
        .env("BILLING_SECRET", SECRET)
        .run();
    insta::assert_snapshot!(show.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json holds the secretKey from environment variable BILLING_SECRET in webhook #2's name (portals[0].unmanaged[0]), so nothing of the plan is shown or written
      help: the portal's list held it when the plan was made by a run that did not know the secret, or the plan was edited: run `plan --out` again where the secret is set, which refuses such a list; if that webhook really holds the value, change that field on the portal, or the secret, key or uri variable it matches

    ----- end -----
    ");
    portal.clear_requests();
    let apply = apply_saved(&portal, &path);
    assert_eq!(apply.stderr, show.stderr, "{apply:?}");
    assert_eq!((apply.code, apply.stdout.as_str()), (1, ""));
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());
}

/// A target's answer that echoed a secret the plan job did not hold is saved as the portal
/// recorded it: `show`, which holds it, scrubs it as a list's is scrubbed, so it shows what a
/// plan made with the secret shows, whichever way the answer spelled it.
#[test]
fn a_last_failure_is_scrubbed_of_a_secret_the_plan_job_did_not_hold() {
    let portal = portal();
    // Enabling it again shows why it failed.
    let file = FILE.replace("ssl: false", "enabled: true");
    let percent: String = SECRET.bytes().map(|b| format!("%{b:02X}")).collect();
    let spaced = SECRET
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ");
    let spellings = [
        SECRET.to_string(),
        percent,
        format!("{}<b>{}</b>", &SECRET[..6], &SECRET[6..]),
        spaced,
    ];
    let mut shown = Vec::new();
    for spelling in spellings {
        portal.update_stored(1, |w| {
            w.enabled = false;
            w.last_failure_content = Some(format!("bad signature, expected {spelling}"));
        });
        let run = Run::new(&["plan", "--out", "plan.json"])
            .file(&file)
            .portal(&portal);
        let path = run.path("plan.json");
        assert_eq!(run.run().code, 0);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("bad signature")
        );
        let show = Run::new(&["show", path.to_str().unwrap()])
            .reviewed(&path)
            .env("BILLING_SECRET", SECRET)
            .run();
        let live = Run::new(&["plan"])
            .file(&file)
            .portal(&portal)
            .env("BILLING_SECRET", SECRET)
            .run();
        let failure = |out: &crate::support::run::Outcome| {
            assert_eq!(out.code, 0, "{out:?}");
            let line = out.stdout.lines().find(|l| l.contains("last failure"));
            line.expect("the last failure is shown").trim().to_string()
        };
        assert_eq!(failure(&show), failure(&live), "{show:?}");
        shown.push(failure(&show));
    }
    insta::assert_snapshot!(shown.join("\n"), @r#"
    ! probably disabled by the portal after failed deliveries; last failure: "bad signature, expected [redacted]"
    ! probably disabled by the portal after failed deliveries; last failure: "bad signature, expected [redacted]"
    ! probably disabled by the portal after failed deliveries; last failure: "[not shown: it holds a secret split by markup or spaces]"
    ! probably disabled by the portal after failed deliveries; last failure: "[not shown: it holds a secret split by markup or spaces]"
    "#);
}

/// A secret edited into what a saved plan sends or shows is refused as one the portal listed:
/// before anything is shown, and before anything is sent.
#[test]
fn a_secret_edited_into_a_saved_plan_is_refused_before_it_is_shown_or_sent() {
    let portal = portal();
    let (run, path) = saved(&portal);
    assert_eq!(run.run().code, 0);
    let key = portal.api_key();
    let original = std::fs::read_to_string(&path).unwrap();
    // Where each is written: the update's body, the create's body, an unmanaged webhook.
    let edits = [
        (
            "/portals/0/writes/0/webhook/uri",
            format!("https://crm.example.com/h?t={SECRET}"),
        ),
        (
            "/portals/0/writes/1/webhook/targetId",
            format!("room-{key}"),
        ),
        ("/portals/0/unmanaged/0/name", format!("Other {key}")),
    ];
    let mut refusals = Vec::new();
    for (at, value) in edits {
        std::fs::write(&path, &original).unwrap();
        edit(&path, |plan| *plan.pointer_mut(at).unwrap() = value.into());
        portal.clear_requests();
        let out = apply_saved(&portal, &path);
        assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{out:?}");
        assert!(portal.requests().is_empty(), "{:?}", portal.requests());
        // `show` knows the key only when it is set: it never reads it otherwise.
        let show = Run::new(&["show", path.to_str().unwrap()])
            .reviewed(&path)
            .env("BILLING_SECRET", SECRET)
            .env("DOCSPACE_API_KEY", &key)
            .run();
        assert_eq!((show.code, show.stdout.as_str()), (1, ""), "{show:?}");
        assert_eq!(show.stderr, out.stderr);
        let view = out.user_view();
        refusals.push(
            view.lines()
                .find(|l| l.contains(" x "))
                .unwrap()
                .trim()
                .to_string(),
        );
    }
    insta::assert_snapshot!(refusals.join("\n"), @"
    x [TMP]/plan.json holds the secretKey from environment variable BILLING_SECRET in webhook #1's uri (portals[0].writes[0].webhook), so nothing of the plan is shown or written
    x [TMP]/plan.json holds the API key from environment variable DOCSPACE_API_KEY in a create's targetId (portals[0].writes[1].webhook), so nothing of the plan is shown or written
    x [TMP]/plan.json holds the API key from environment variable DOCSPACE_API_KEY in webhook #2's name (portals[0].unmanaged[0]), so nothing of the plan is shown or written
    ");
}

/// Rewrites the saved plan at `path` through `f`, as someone editing it by hand would.
pub fn edit(path: &std::path::Path, f: impl FnOnce(&mut serde_json::Value)) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    f(&mut plan);
    std::fs::write(path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
}

#[test]
fn an_edited_uri_is_shown_exactly_as_it_is_sent() {
    let portal = portal();
    let (run, path) = saved(&portal);
    assert_eq!(run.run().code, 0);
    // writes[0] is the update of Crm (ssl), the one description of what is sent.
    edit(&path, |plan| {
        plan["portals"][0]["writes"][0]["webhook"]["uri"] =
            "https://elsewhere.example.com/h".into();
    });
    let out = apply_saved(&portal, &path);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "uri       = \"https://crm.example.com/h\" -> \"https://elsewhere.example.com/h\""
        ),
        "what is sent is what is shown: {out:?}"
    );
    let put = portal
        .writes()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("the update was sent");
    let body: serde_json::Value = serde_json::from_str(put.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["uri"], "https://elsewhere.example.com/h");
    assert_eq!(
        portal.get(1).unwrap().uri,
        "https://elsewhere.example.com/h"
    );
}

#[test]
fn a_saved_plan_whose_parts_disagree_is_refused_with_nothing_written() {
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 12] = [
        ("unknown field `action`", |p| {
            p["portals"][0]["writes"][0]["action"] = "delete".into()
        }),
        ("unknown field `webhook`", |p| {
            p["portals"][0]["writes"][0]["write"] = "delete".into()
        }),
        ("unknown field `fields`", |p| {
            p["fields"] = serde_json::json!([])
        }),
        ("changes nothing", |p| {
            p["portals"][0]["writes"][0]["webhook"]["ssl"] = true.into()
        }),
        ("changes only `enabled`", |p| {
            p["portals"][0]["writes"][0]["webhook"]["ssl"] = true.into();
            p["portals"][0]["writes"][0]["webhook"]["enabled"] = false.into();
        }),
        ("changes nothing: enabled is already true", |p| {
            let against = p["portals"][0]["writes"][0]["against"].clone();
            p["portals"][0]["writes"][0] =
                serde_json::json!({ "write": "set_enabled", "against": against, "enabled": true });
        }),
        ("appears more than once", |p| {
            let again = p["portals"][0]["writes"][0].clone();
            p["portals"][0]["writes"]
                .as_array_mut()
                .unwrap()
                .push(again);
        }),
        ("appears more than once", |p| {
            p["portals"][0]["unchanged"] = serde_json::json!([{ "id": 1, "name": "Crm" }])
        }),
        ("has no secretKey", |p| {
            p["portals"][0]["writes"][1]["webhook"]["secretKey"] = false.into()
        }),
        ("mixes \"*\" with other events", |p| {
            p["portals"][0]["writes"][1]["webhook"]["triggers"] =
                serde_json::json!(["*", "file.created"])
        }),
        // `plan` writes each event once, in the body sent and the live record alike.
        ("triggers names the event \"file.created\" twice", |p| {
            p["portals"][0]["writes"][1]["webhook"]["triggers"] =
                serde_json::json!(["file.created", "file.created"])
        }),
        ("triggers names the event \"FileCreated\" twice", |p| {
            p["portals"][0]["writes"][0]["against"]["triggers"] =
                serde_json::json!(["file.created", "FileCreated"])
        }),
    ];
    let portal = portal();
    let (run, path) = saved(&portal);
    assert_eq!(run.run().code, 0);
    let original = std::fs::read_to_string(&path).unwrap();
    for (expected, change) in cases {
        std::fs::write(&path, &original).unwrap();
        edit(&path, change);
        let out = apply_saved(&portal, &path);
        assert_eq!(out.code, 1, "{expected}: {out:?}");
        assert!(
            out.stderr.contains(expected) && out.stderr.contains("nothing was written"),
            "{expected}: {out:?}"
        );
        assert!(out.stdout.is_empty(), "nothing is shown: {out:?}");
        assert!(
            portal.writes().is_empty(),
            "{expected}: {:?}",
            portal.writes()
        );
    }
}

#[test]
fn the_deletion_guard_counts_the_writes_the_file_really_holds() {
    let portal = FakePortal::start();
    for i in 1..=10 {
        portal.seed(Seed::new(
            &format!("Hook {i}"),
            &format!("https://h{i}.example.com/h"),
        ));
    }
    let four = "webhooks:\n  Hook 1: {ssl: false}\n  Hook 2: {ssl: false}\n  Hook 3: {ssl: false}\n  Hook 4: {ssl: false}\n";
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(four)
        .portal(&portal);
    assert_eq!(run.run().code, 0);
    let path = run.path("plan.json");
    // Four updates turned into four deletes: nothing else in the file claims an action.
    edit(&path, |plan| {
        for write in plan["portals"][0]["writes"].as_array_mut().unwrap() {
            let against = write["against"].clone();
            *write = serde_json::json!({ "write": "delete", "against": against });
        }
    });
    let out = apply_saved(&portal, &path);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x refusing a plan that deletes 4 of 10 live webhooks: the limit is 3; nothing was written
      help: if the file is really meant to drop them, make the plan again with a limit of at least 4; if not, check the file is complete

    ----- end -----
    ");
    assert!(portal.writes().is_empty(), "{:?}", portal.writes());
}

#[test]
fn a_password_changed_on_the_portal_makes_the_plan_stale_and_stays_masked() {
    let portal = FakePortal::start();
    portal.seed(Seed::new(
        "Crm",
        "https://user:Old-Pass-1@crm.example.com/h",
    ));
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file("webhooks:\n  Crm:\n    ssl: false\n")
        .portal(&portal);
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    assert!(!planned.all().contains("Old-Pass-1"), "{planned:?}");
    portal.update_stored(1, |w| {
        w.uri = "https://user:New-Pass-2@crm.example.com/h".into()
    });

    let out = apply_saved(&portal, &run.path("plan.json"));
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - #1 "Crm" changed on the portal: uri "https://user:***@crm.example.com/h" -> "https://user:***@crm.example.com/h" (credentials changed)
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----
    "#);
    assert!(
        !out.all().contains("Old-Pass-1") && !out.all().contains("New-Pass-2"),
        "{out:?}"
    );
    assert!(portal.writes().is_empty(), "{:?}", portal.writes());
    assert_eq!(
        portal.get(1).unwrap().uri,
        "https://user:New-Pass-2@crm.example.com/h",
        "the new password is not overwritten by the old one"
    );
}

/// The `apply` line `plan --out` prints can be pasted as it is: a plan file whose name starts
/// with `-` gets `./` before it, which clap would otherwise read as an option.
#[test]
fn the_apply_line_of_a_plan_named_like_an_option_can_be_pasted() {
    let portal = portal();
    let run = Run::new(&["plan", "--out=-p.json"])
        .file(FILE)
        .portal(&portal);
    let plan = run.path("-p.json");
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let line = (planned.stderr.lines())
        .find_map(|l| l.strip_prefix("Apply exactly it with: docspace-webhooks "))
        .unwrap_or_else(|| panic!("no apply line: {planned:?}"));
    let args: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(args[..2], ["apply", "./-p.json"], "{line}");
    let apply = Run::new(&args)
        .reviewed(&plan)
        .portal(&portal)
        .env("BILLING_SECRET", SECRET);
    std::fs::copy(&plan, apply.path("-p.json")).unwrap();
    let applied = apply.run();
    assert_eq!(applied.code, 0, "{applied:?}");
}
