//! The value a `uri: ${VAR}` held before: the live uri of the webhook its entry manages, which
//! the plan replaces. Another webhook of the portal that holds it (moved away from it by an
//! entry with a literal uri, kept by one that leaves `uri` out, unmanaged and pruned, spelled
//! otherwise or holding its token) shows it in no plan format, saved plan or `show`, in a
//! `portal:` file and a `portals:` file, and `apply` of the saved plan writes the right uris.

use crate::support::fake_portal::{FakePortal, Seed, delete_path};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

/// What HOOK held before: the receiver authenticates by the path and the token.
const OLD: &str = "https://old.example.com/services/T0/Cap7Old/x?token=Cap7Old99";
/// `OLD` as another URL parser may write it.
const SHOUTED: &str = "HTTPS://Old.Example.COM:443/services/T0/Cap7Old/x?token=Cap7Old99";
/// Another host's uri that holds `OLD`'s token.
const RELAY: &str = "https://relay.example.net/in?token=Cap7Old99";
/// HOOK's value now.
const NEW: &str = "https://hooks.example.com/services/T1/Cap7New/y";
/// Uris no variable ever held, which plans show.
const MOVED: &str = "https://moved.example.com/x";
const PLAIN: &str = "https://plain.example.com/x";

const SECRETS: [(&str, &str); 2] = [("HOOK", NEW), ("SEC", "Sup3r-Secret-42")];

/// Fails when `text` shows any part of `OLD`, `RELAY` or `NEW` past the scheme, in any case.
fn assert_hidden_in(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for part in [
        "cap7",
        "services/t",
        "old.example",
        "relay.example",
        "hooks.example",
    ] {
        assert!(!lower.contains(part), "{what}: {part:?} shown:\n{text}");
    }
}

fn with_env(run: Run) -> Run {
    (SECRETS.iter()).fold(run, |run, (var, value)| run.env(var, value))
}

/// `uri` is the placeholder of `var`.
fn assert_placeholder(uri: &serde_json::Value, var: &str) {
    let uri = uri.as_str().unwrap();
    let prefix = format!("${{{var}}} hmac-sha256:");
    let hex = uri.strip_prefix(&prefix).unwrap_or_else(|| panic!("{uri}"));
    assert_eq!(hex.len(), 64, "{uri}");
}

/// `plan` with `args` on `at` (a run given its file and portal) in every format, then with
/// `--out`, and `show` of the saved plan, offline and with no variable set: none shows a uri a
/// variable holds or held. Gives the text plan, the run that holds the saved plan, the saved
/// plan as JSON and `show`'s outcome.
fn planned(
    at: &dyn Fn(&[&str]) -> Run,
    args: &[&str],
) -> (Outcome, Run, serde_json::Value, Outcome) {
    let run = |args: &[&str]| {
        let out = with_env(at(args)).run();
        assert_eq!(out.code, 0, "{out:?}");
        assert_hidden_in("output", &out.all());
        out
    };
    for format in ["json", "markdown"] {
        run(&[&["plan"], args, &["--format", format]].concat());
    }
    let text = run(&[&["plan"], args].concat());
    let saving = with_env(at(&[&["plan", "--out", "plan.json"], args].concat()));
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

/// Hook's entry reads HOOK, whose value was OLD: four other webhooks hold OLD or its token,
/// one moved away from it, one kept, two pruned; a fifth holds a uri no variable held.
#[test]
fn the_uri_a_variable_held_before_is_hidden_on_every_other_webhook_that_holds_it() {
    let portal = FakePortal::start();
    let hook = portal.seed(Seed::new("Hook", OLD));
    let moved = portal.seed(Seed::new("Moved", OLD));
    let kept = portal.seed(Seed::new("Kept", OLD));
    let stray = portal.seed(Seed::new("Stray", SHOUTED));
    let relay = portal.seed(Seed::new("Relay", RELAY));
    let plain = portal.seed(Seed::new("Plain", PLAIN));
    let file = format!(
        "webhooks:\n  Hook:\n    uri: ${{HOOK}}\n  {moved}:\n    uri: {MOVED}\n  Kept:\n    triggers: [file.created]\n"
    );
    let at = |args: &[&str]| Run::new(args).file(&file).portal(&portal);
    let prune = ["--prune", "--max-deletes", "3"];
    let (text, planned, plan, show) = planned(&at, &prune);

    let writes = plan["portals"][0]["writes"].as_array().unwrap();
    let kept_write = (writes.iter())
        .find(|w| w["against"]["name"] == "Kept")
        .unwrap();
    for (write, side) in [
        (&writes[0], "against"),
        (&writes[1], "against"),
        (kept_write, "against"),
        (kept_write, "webhook"),
    ] {
        assert_placeholder(&write[side]["uri"], "HOOK");
    }
    assert_eq!(writes[1]["webhook"]["uri"], MOVED);

    let path = planned.path("plan.json");
    let apply = Run::new(&["apply", path.to_str().unwrap(), "--parallelism", "1"])
        .reviewed(&path)
        .portal(&portal);
    let applied = with_env(apply).run();
    assert_hidden_in("apply", &applied.all());
    assert_eq!(applied.code, 0, "{applied:?}");
    assert_eq!(portal.get(hook).unwrap().uri, NEW);
    assert_eq!(portal.get(moved).unwrap().uri, MOVED);
    assert_eq!(portal.get(kept).unwrap().uri, OLD);
    for gone in [stray, relay, plain] {
        assert!(portal.get(gone).is_none(), "#{gone} left");
    }
    let deletes = (portal.writes().iter())
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path.clone())
        .collect::<Vec<_>>();
    assert_eq!(deletes, [stray, relay, plain].map(delete_path));
    insta::assert_snapshot!(format!("{}\n{}\n{}", text.user_view(), show.user_view(), applied.user_view()), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Hook"
          uri       = (sensitive) -> (sensitive)

      ~ update #2 "Moved"
          uri       = (sensitive) -> "https://moved.example.com/x"

      ~ update #3 "Kept"
          triggers  + file.created
                    - *

      - delete #4 "Stray"
          its delivery log is empty
          name      = "Stray"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #5 "Relay"
          its delivery log is empty
          name      = "Relay"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #6 "Plain"
          its delivery log is empty
          name      = "Plain"
          uri       = "https://plain.example.com/x"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Apply will read: HOOK

    Plan: 0 to create, 3 to update, 3 to delete, 0 unchanged.
    ----- stderr -----
    ----- end -----

    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Hook"
          uri       = (sensitive) -> (sensitive)

      ~ update #2 "Moved"
          uri       = (sensitive) -> "https://moved.example.com/x"

      ~ update #3 "Kept"
          triggers  + file.created
                    - *

      - delete #4 "Stray"
          its delivery log is empty
          name      = "Stray"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #5 "Relay"
          its delivery log is empty
          name      = "Relay"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #6 "Plain"
          its delivery log is empty
          name      = "Plain"
          uri       = "https://plain.example.com/x"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Apply will read: HOOK

    Plan: 0 to create, 3 to update, 3 to delete, 0 unchanged.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY, HOOK

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----

    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Hook"
          uri       = (sensitive) -> (sensitive)

      ~ update #2 "Moved"
          uri       = (sensitive) -> "https://moved.example.com/x"

      ~ update #3 "Kept"
          triggers  + file.created
                    - *

      - delete #4 "Stray"
          its delivery log is empty
          name      = "Stray"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #5 "Relay"
          its delivery log is empty
          name      = "Relay"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

      - delete #6 "Plain"
          its delivery log is empty
          name      = "Plain"
          uri       = "https://plain.example.com/x"
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Apply will read: HOOK

    Plan: 0 to create, 3 to update, 3 to delete, 0 unchanged.

      [1/6] [TIME] ok updated #1 "Hook"
      [2/6] [TIME] ok updated #2 "Moved"
      [3/6] [TIME] ok updated #3 "Kept"
      [4/6] [TIME] ok deleted #4 "Stray"
      [5/6] [TIME] ok deleted #5 "Relay"
      [6/6] [TIME] ok deleted #6 "Plain"

    Apply complete: 6 done, 0 failed.
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
    ----- end -----
    "#);
}

/// The same in a `portals:` file: production's Hook reads HOOK, whose value was OLD, which
/// production's Moved holds and its entry moves away from; staging is planned alongside.
#[test]
fn in_a_portals_file_the_uri_a_variable_held_before_is_hidden_on_another_webhook() {
    let fleet = Fleet::start(&["production", "staging"]);
    let production = fleet.portal("production");
    production.seed(Seed::new("Hook", OLD));
    let moved = production.seed(Seed::new("Moved", OLD));
    fleet.portal("staging").seed(Seed::new("Plain", PLAIN));
    let own = format!("webhooks:\n  Hook:\n    uri: ${{HOOK}}\n  {moved}:\n    uri: {MOVED}\n");
    let staging = format!("webhooks:\n  Plain:\n    uri: {PLAIN}\n");
    let file = fleet.portals_yaml(&[("production", &own), ("staging", &staging)]);
    let file = format!("{file}webhooks: {{}}\n");
    let at = |args: &[&str]| Run::new(args).file(&file).fleet(&fleet);
    let (text, _, plan, show) = planned(&at, &[]);
    let writes = plan["portals"][0]["writes"].as_array().unwrap();
    assert_placeholder(&writes[1]["against"]["uri"], "HOOK");
    insta::assert_snapshot!(format!("{}\n{}", text.user_view(), show.user_view()), @r#"
    exit: 0
    ----- stdout -----
    === portal production ([PORTAL]) ===

      ~ update #1 "Hook"
          uri       = (sensitive) -> (sensitive)

      ~ update #2 "Moved"
          uri       = (sensitive) -> "https://moved.example.com/x"

    Apply will read: HOOK

    Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.

    === portal staging ([PORTAL-2]) ===

    No changes. The portal matches the file.
    Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.

    Total: 0 to create, 2 to update, 0 to delete, 1 unchanged, on 2 portals.
    ----- stderr -----
    ----- end -----

    exit: 0
    ----- stdout -----
    === portal production ([PORTAL]) ===

      ~ update #1 "Hook"
          uri       = (sensitive) -> (sensitive)

      ~ update #2 "Moved"
          uri       = (sensitive) -> "https://moved.example.com/x"

    Apply will read: HOOK

    Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.

    === portal staging ([PORTAL-2]) ===

    No changes. The portal matches the file.
    Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.

    Total: 0 to create, 2 to update, 0 to delete, 1 unchanged, on 2 portals.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal production: [PORTAL]
        API key from: FLEET_KEY_PRODUCTION
        Reads: FLEET_KEY_PRODUCTION, HOOK
      Portal staging: [PORTAL-2]
        API key from: FLEET_KEY_STAGING
        Reads: FLEET_KEY_STAGING

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----
    "#);
}

/// Kept leaves `uri` out and sets `ssl: true`, which its live uri, plain http and what HOOK held
/// before, cannot have: the problem says why it does not show the uri.
#[test]
fn a_plain_http_uri_a_variable_held_before_is_not_shown_in_the_refusal() {
    let portal = FakePortal::start();
    let old = OLD.replace("https:", "http:");
    portal.seed(Seed::new("Hook", &old).ssl(false));
    portal.seed(Seed::new("Kept", &old).ssl(false));
    let file = "webhooks:\n  Hook:\n    uri: ${HOOK}\n    ssl: false\n  Kept:\n    ssl: true\n";
    let out = with_env(Run::new(&["plan"]).file(file).portal(&portal)).run();
    assert_hidden_in("output", &out.all());
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the portal would refuse this write: `ssl: true`, which requires an https uri, but the uri is plain http (it holds the value HOOK has or had, or part of it)
       ,-[webhooks.yaml:5:3]
     4 |     ssl: false
     5 |   Kept:
       :   ^^|^
       :     `-- ssl needs https
     6 |     ssl: true
       `----
      help: use an https uri, or set `ssl: false` to allow plain http

    ----- end -----
    ");
}
