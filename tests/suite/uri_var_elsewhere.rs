//! The value of a `uri: ${VAR}` in the record of a webhook whose entry does not read it: the
//! webhook a renamed entry leaves behind (deleted by `--prune`), one an entry keyed by id moves
//! away from or keeps, an unmanaged one, and the same URL spelled otherwise. No plan format,
//! saved plan or `show` shows it, and `apply` of the saved plan writes the right webhooks.

use crate::support::fake_portal::{FakePortal, Recorded, Seed, delete_path};
use crate::support::run::{Outcome, Run};

/// A capability uri: the receiver authenticates by the path and the token.
const URI: &str = "https://hooks.example.com/services/T0/Cap7Path/x?token=Cap7Token99";
/// `URI` as another URL parser may write it: the scheme and host in capitals, the default port.
const SHOUTED: &str = "HTTPS://Hooks.Example.COM:443/services/T0/Cap7Path/x?token=Cap7Token99";
/// A uri no variable holds, which plans show.
const NEW_URI: &str = "https://new.example.com/x";

/// Another variable's value.
const TWO: &str = "https://hooks.example.com/services/T0/Cap7Two/x";

const SECRETS: [(&str, &str); 3] = [("HOOK", URI), ("HOOK2", TWO), ("SEC", "Sup3r-Secret-42")];

/// Fails when `text` shows any part of the uri past its scheme, in any case.
fn assert_hidden_in(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for part in ["cap7", "services/t0", "hooks.example", "sup3r"] {
        assert!(!lower.contains(part), "{what}: {part:?} shown:\n{text}");
    }
}

fn assert_hidden(out: &Outcome) {
    assert_hidden_in("output", &out.all());
}

/// `args` on `file` against `portal`, with every variable set but those in `unset`.
fn run(portal: &FakePortal, file: &str, args: &[&str], unset: &[&str]) -> Outcome {
    let out = with_env(Run::new(args).file(file).portal(portal), unset).run();
    assert_hidden(&out);
    out
}

fn with_env(run: Run, unset: &[&str]) -> Run {
    (SECRETS.iter())
        .filter(|(var, _)| !unset.contains(var))
        .fold(run, |run, (var, value)| run.env(var, value))
}

/// The plan in every format: none shows the uri. Gives the text plan.
fn planned_in_every_format(portal: &FakePortal, file: &str, args: &[&str]) -> Outcome {
    for format in ["json", "markdown"] {
        let args = [args, &["--format", format]].concat();
        let out = run(portal, file, &args, &[]);
        assert_eq!(out.code, 0, "{format}: {out:?}");
    }
    let out = run(portal, file, args, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    out
}

/// `plan --out plan.json` (with `args`) of `file`: the saved plan holds no part of the uri, and
/// `show` of it, offline and with no variable set, shows none. Gives the run that holds the
/// plan, the saved plan as JSON and `show`'s outcome.
fn saved(portal: &FakePortal, file: &str, args: &[&str]) -> (Run, serde_json::Value, Outcome) {
    let planned = with_env(
        Run::new(&[&["plan", "--out", "plan.json"], args].concat())
            .file(file)
            .portal(portal),
        &[],
    );
    let out = planned.run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_hidden(&out);
    let path = planned.path("plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_hidden_in("the saved plan", &text);
    let show = Run::new(&["show", path.to_str().unwrap()])
        .reviewed(&path)
        .run();
    assert_eq!(show.code, 0, "{show:?}");
    assert_hidden(&show);
    (planned, serde_json::from_str(&text).unwrap(), show)
}

fn apply_saved(planned: &Run, portal: &FakePortal) -> Outcome {
    let path = planned.path("plan.json");
    let run = Run::new(&["apply", path.to_str().unwrap(), "--parallelism", "1"])
        .reviewed(&path)
        .portal(portal);
    let out = with_env(run, &[]).run();
    assert_hidden(&out);
    out
}

/// The saved plan's writes of its one portal.
fn writes(plan: &serde_json::Value) -> &Vec<serde_json::Value> {
    plan["portals"][0]["writes"].as_array().unwrap()
}

/// `uri` is the placeholder of `var`.
fn assert_placeholder(uri: &serde_json::Value, var: &str) {
    let uri = uri.as_str().unwrap();
    let prefix = format!("${{{var}}} hmac-sha256:");
    let hex = uri.strip_prefix(&prefix).unwrap_or_else(|| panic!("{uri}"));
    assert_eq!(hex.len(), 64, "{uri}");
}

/// The writes that reached the portal, as `METHOD path`.
fn sent(writes: &[Recorded]) -> Vec<String> {
    let mut sent: Vec<String> = (writes.iter())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    sent.sort();
    sent
}

const RENAMED: &str = "webhooks:\n  Slack2:\n    uri: ${HOOK}\n    secretKey: ${SEC}\n";

/// The entry `Slack` renamed to `Slack2`, a common edit: the plan creates Slack2 and `--prune`
/// deletes Slack, whose live uri is HOOK's value.
#[test]
fn the_webhook_a_renamed_entry_leaves_behind_is_pruned_without_showing_its_uri() {
    let portal = FakePortal::start();
    let slack = portal.seed(Seed::new("Slack", URI));
    let prune = ["plan", "--prune", "--max-deletes", "1"];
    let text = planned_in_every_format(&portal, RENAMED, &prune);
    let json = run(
        &portal,
        RENAMED,
        &[&prune[..], &["--format", "json"]].concat(),
        &[],
    );
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let (planned, plan, show) = saved(&portal, RENAMED, &prune[1..]);
    let writes = writes(&plan);
    assert_placeholder(&writes[0]["webhook"]["uri"], "HOOK");
    assert_eq!(writes[1]["write"], "delete");
    assert_placeholder(&writes[1]["against"]["uri"], "HOOK");

    portal.clear_requests();
    let applied = apply_saved(&planned, &portal);
    assert_eq!(applied.code, 0, "{applied:?}");
    let slack2 = portal
        .webhooks()
        .iter()
        .find(|w| w.name == "Slack2")
        .unwrap()
        .id;
    assert_eq!(
        sent(&portal.writes()),
        [
            format!("DELETE {}", delete_path(slack)),
            "POST /api/2.0/settings/webhook".to_string()
        ]
    );
    assert!(portal.get(slack).is_none());
    assert_eq!(portal.get(slack2).unwrap().uri, URI);
    insta::assert_json_snapshot!(json["changes"][1], @r#"
    {
      "action": "delete",
      "deliveries": 0,
      "fields": [
        {
          "after": null,
          "before": "Slack",
          "field": "name"
        },
        {
          "after": null,
          "before": "(sensitive)",
          "field": "uri"
        },
        {
          "after": null,
          "before": true,
          "field": "enabled"
        },
        {
          "after": null,
          "before": true,
          "field": "ssl"
        },
        {
          "after": null,
          "before": [
            "*"
          ],
          "field": "triggers"
        },
        {
          "after": null,
          "before": null,
          "field": "targetId"
        }
      ],
      "id": 1,
      "name": "Slack",
      "warnings": []
    }
    "#);
    insta::assert_snapshot!(format!("{}\n{}\n{}", text.user_view(), show.user_view(), applied.user_view()), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "Slack2"
          ! #1 "Slack" has the same uri and is deleted by this plan: this create and that delete lose its id and delivery history; to rename it instead, key this entry by its id: 1: { name: "Slack2" }
          name      = "Slack2"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      - delete #1 "Slack"
          its delivery log is empty
          name      = "Slack"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Apply will read: HOOK, SEC

    Plan: 1 to create, 0 to update, 1 to delete, 0 unchanged.
    ----- stderr -----
    ----- end -----

    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "Slack2"
          ! #1 "Slack" has the same uri and is deleted by this plan: this create and that delete lose its id and delivery history; to rename it instead, key this entry by its id: 1: { name: "Slack2" }
          name      = "Slack2"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      - delete #1 "Slack"
          its delivery log is empty
          name      = "Slack"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Apply will read: HOOK, SEC

    Plan: 1 to create, 0 to update, 1 to delete, 0 unchanged.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY, HOOK, SEC

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----

    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "Slack2"
          ! #1 "Slack" has the same uri and is deleted by this plan: this create and that delete lose its id and delivery history; to rename it instead, key this entry by its id: 1: { name: "Slack2" }
          name      = "Slack2"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      - delete #1 "Slack"
          its delivery log is empty
          name      = "Slack"
          uri       = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]
          targetId  = (none)

    Apply will read: HOOK, SEC

    Plan: 1 to create, 0 to update, 1 to delete, 0 unchanged.

      [1/2] [TIME] ok created #2 "Slack2"
      [2/2] [TIME] ok deleted #1 "Slack"

    Apply complete: 2 done, 0 failed.
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
    ----- end -----
    "#);
}

/// An entry keyed by id moves webhook #1 away from HOOK's value, which another entry now reads:
/// the old uri is hidden, the new one shown; a saved plan stores the old one as HOOK's
/// placeholder and `apply` writes the new one.
#[test]
fn an_update_away_from_a_uri_another_entry_reads_hides_the_old_uri_and_shows_the_new() {
    let portal = FakePortal::start();
    let moved = portal.seed(Seed::new("Slack", URI));
    let file = format!(
        "webhooks:\n  {moved}:\n    uri: {NEW_URI}\n  Other:\n    uri: ${{HOOK}}\n    secretKey: ${{SEC}}\n"
    );
    let text = planned_in_every_format(&portal, &file, &["plan"]);
    let (planned, plan, show) = saved(&portal, &file, &[]);
    let update = &writes(&plan)[0];
    assert_eq!(update["write"], "update");
    assert_placeholder(&update["against"]["uri"], "HOOK");
    assert_eq!(update["webhook"]["uri"], NEW_URI);

    portal.clear_requests();
    let applied = apply_saved(&planned, &portal);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert_eq!(
        sent(&portal.writes()),
        [
            "POST /api/2.0/settings/webhook",
            "PUT /api/2.0/settings/webhook"
        ]
    );
    assert_eq!(portal.get(moved).unwrap().uri, NEW_URI);
    let other = portal
        .webhooks()
        .iter()
        .find(|w| w.name == "Other")
        .unwrap()
        .id;
    assert_eq!(portal.get(other).unwrap().uri, URI);
    insta::assert_snapshot!(format!("{}\n{}\n{}", text.user_view(), show.user_view(), applied.user_view()), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Slack"
          uri       = (sensitive) -> "https://new.example.com/x"

      + create "Other"
          name      = "Other"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK, SEC

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
    ----- end -----

    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Slack"
          uri       = (sensitive) -> "https://new.example.com/x"

      + create "Other"
          name      = "Other"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK, SEC

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY, HOOK, SEC

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----

    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Slack"
          uri       = (sensitive) -> "https://new.example.com/x"

      + create "Other"
          name      = "Other"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK, SEC

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

      [1/2] [TIME] ok updated #1 "Slack"
      [2/2] [TIME] ok created #2 "Other"

    Apply complete: 2 done, 0 failed.
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
    ----- end -----
    "#);
}

/// An entry keyed by id that leaves the uri out keeps HOOK's value on #1 and sends it again:
/// the body's uri is HOOK's placeholder too, and `apply` binds it to the live uri, never to
/// another variable's value a hand edit puts in its place.
#[test]
fn an_update_that_keeps_a_uri_another_entry_reads_sends_it_back_and_only_it() {
    let portal = FakePortal::start();
    let kept = portal.seed(Seed::new("Slack", URI));
    let file = format!(
        "webhooks:\n  {kept}:\n    name: Renamed\n  Other:\n    uri: ${{HOOK}}\n    secretKey: ${{SEC}}\n  \
         Third:\n    uri: ${{HOOK2}}\n    secretKey: ${{SEC}}\n"
    );
    let text = planned_in_every_format(&portal, &file, &["plan"]);
    let (planned, plan, show) = saved(&portal, &file, &[]);
    let update = &writes(&plan)[0];
    assert_placeholder(&update["against"]["uri"], "HOOK");
    assert_eq!(update["webhook"]["uri"], update["against"]["uri"]);

    // HOOK2's placeholder, the create of Third's, edited into the update would send HOOK2's
    // value to #1, which the file has keep its own uri: it is not bound to it.
    let path = planned.path("plan.json");
    let mut edited = plan.clone();
    let third = writes(&plan)[2]["webhook"]["uri"].clone();
    assert_placeholder(&third, "HOOK2");
    edited["portals"][0]["writes"][0]["webhook"]["uri"] = third;
    std::fs::write(&path, serde_json::to_string_pretty(&edited).unwrap()).unwrap();
    portal.clear_requests();
    let refused = apply_saved(&planned, &portal);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(portal.writes().is_empty());

    std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let applied = apply_saved(&planned, &portal);
    assert_eq!(applied.code, 0, "{applied:?}");
    let stored = portal.get(kept).unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.uri.as_str()),
        ("Renamed", URI)
    );
    insta::assert_snapshot!(format!("{}\n{}\n{}\n{}", text.user_view(), show.user_view(), refused.user_view(), applied.user_view()), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Renamed"
          name      = "Slack" -> "Renamed"

      + create "Other"
          name      = "Other"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      + create "Third"
          name      = "Third"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK, SEC, HOOK2

    Plan: 2 to create, 1 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
    ----- end -----

    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Renamed"
          name      = "Slack" -> "Renamed"

      + create "Other"
          name      = "Other"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      + create "Third"
          name      = "Third"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK, SEC, HOOK2

    Plan: 2 to create, 1 to update, 0 to delete, 0 unchanged.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY, HOOK, SEC, HOOK2

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----

    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - the uri planned for "Renamed" is neither the one the file gives nor the live one
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----

    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Renamed"
          name      = "Slack" -> "Renamed"

      + create "Other"
          name      = "Other"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

      + create "Third"
          name      = "Third"
          uri       = (sensitive)
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: HOOK, SEC, HOOK2

    Plan: 2 to create, 1 to update, 0 to delete, 0 unchanged.

      [1/3] [TIME] ok updated #1 "Renamed"
      [2/3] [TIME] ok created #2 "Other"
      [3/3] [TIME] ok created #3 "Third"

    Apply complete: 3 done, 0 failed.
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
    ----- end -----
    "#);
}

const BILLING: &str = "webhooks:\n  Billing:\n    uri: ${HOOK}\n    secretKey: ${SEC}\n";

/// A webhook no entry manages whose live uri is HOOK's value, exactly or spelled otherwise:
/// `--prune` deletes it without showing the uri, in the plan, the saved plan and `show`.
#[test]
fn an_unmanaged_webhook_with_a_variable_s_uri_in_any_spelling_is_pruned_without_showing_it() {
    for uri in [URI, SHOUTED] {
        let portal = FakePortal::start();
        let legacy = portal.seed(Seed::new("Legacy", uri));
        let listed = run(&portal, BILLING, &["plan"], &[]);
        assert_eq!(listed.code, 0, "{listed:?}");
        let prune = ["plan", "--prune", "--max-deletes", "1"];
        let text = planned_in_every_format(&portal, BILLING, &prune);
        let (planned, plan, show) = saved(&portal, BILLING, &prune[1..]);
        let delete = &writes(&plan)[1];
        assert_eq!(delete["write"], "delete");
        assert_placeholder(&delete["against"]["uri"], "HOOK");

        portal.clear_requests();
        let applied = apply_saved(&planned, &portal);
        assert_eq!(applied.code, 0, "{applied:?}");
        assert_eq!(
            sent(&portal.writes()),
            [
                format!("DELETE {}", delete_path(legacy)),
                "POST /api/2.0/settings/webhook".to_string()
            ]
        );
        assert!(portal.get(legacy).is_none());
        if uri == SHOUTED {
            insta::assert_snapshot!(format!("{}\n{}\n{}", text.user_view(), show.user_view(), applied.user_view()), @r#"
            exit: 0
            ----- stdout -----
            Portal: [PORTAL]

              + create "Billing"
                  name      = "Billing"
                  uri       = (sensitive)
                  secretKey = (sensitive)
                  enabled   = true
                  ssl       = true
                  triggers  = [*]

              - delete #1 "Legacy"
                  its delivery log is empty
                  name      = "Legacy"
                  uri       = (sensitive)
                  enabled   = true
                  ssl       = true
                  triggers  = [*]
                  targetId  = (none)

            Apply will read: HOOK, SEC

            Plan: 1 to create, 0 to update, 1 to delete, 0 unchanged.
            ----- stderr -----
            ----- end -----

            exit: 0
            ----- stdout -----
            Portal: [PORTAL]

              + create "Billing"
                  name      = "Billing"
                  uri       = (sensitive)
                  secretKey = (sensitive)
                  enabled   = true
                  ssl       = true
                  triggers  = [*]

              - delete #1 "Legacy"
                  its delivery log is empty
                  name      = "Legacy"
                  uri       = (sensitive)
                  enabled   = true
                  ssl       = true
                  triggers  = [*]
                  targetId  = (none)

            Apply will read: HOOK, SEC

            Plan: 1 to create, 0 to update, 1 to delete, 0 unchanged.

            Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
              Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
                API key from: DOCSPACE_API_KEY
                Reads: DOCSPACE_API_KEY, HOOK, SEC

            Saved plan [TMP]/plan.json, SHA-256 [SHA256].
            Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
            ----- stderr -----
            ----- end -----

            exit: 0
            ----- stdout -----
            Portal: [PORTAL]

              + create "Billing"
                  name      = "Billing"
                  uri       = (sensitive)
                  secretKey = (sensitive)
                  enabled   = true
                  ssl       = true
                  triggers  = [*]

              - delete #1 "Legacy"
                  its delivery log is empty
                  name      = "Legacy"
                  uri       = (sensitive)
                  enabled   = true
                  ssl       = true
                  triggers  = [*]
                  targetId  = (none)

            Apply will read: HOOK, SEC

            Plan: 1 to create, 0 to update, 1 to delete, 0 unchanged.

              [1/2] [TIME] ok created #2 "Billing"
              [2/2] [TIME] ok deleted #1 "Legacy"

            Apply complete: 2 done, 0 failed.
            ----- stderr -----
            Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
            ----- end -----
            "#);
        }
    }
}

/// The live uri a saved plan hides moved on the portal before `apply`: stale, named without
/// either uri, and nothing is written.
#[test]
fn a_hidden_live_uri_that_moved_makes_the_saved_plan_stale_without_showing_either() {
    let portal = FakePortal::start();
    let legacy = portal.seed(Seed::new("Legacy", URI));
    let (planned, _, _) = saved(&portal, BILLING, &["--prune", "--max-deletes", "1"]);
    let moved = "https://hooks.example.com/services/T0/Cap7Moved/x";
    portal.update_stored(legacy, |w| w.uri = moved.into());
    portal.clear_requests();
    let out = apply_saved(&planned, &portal);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(portal.writes().is_empty());
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - #1 "Legacy" changed on the portal: uri (sensitive) -> (sensitive)
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----
    "#);
}

/// A placeholder naming a variable no entry of the file reads is refused, by `show` and
/// `apply` alike.
#[test]
fn a_placeholder_of_a_variable_the_file_does_not_read_is_refused() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Legacy", URI));
    let (planned, mut plan, _) = saved(&portal, BILLING, &["--prune", "--max-deletes", "1"]);
    let path = planned.path("plan.json");
    let against = &mut plan["portals"][0]["writes"][1]["against"]["uri"];
    *against = against
        .as_str()
        .unwrap()
        .replace("${HOOK}", "${ELSEWHERE}")
        .into();
    std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let show = Run::new(&["show", path.to_str().unwrap()])
        .reviewed(&path)
        .run();
    assert_eq!(show.code, 1, "{show:?}");
    let applied = apply_saved(&planned, &portal);
    assert_eq!(applied.code, 1, "{applied:?}");
    assert!(portal.writes().is_empty());
    insta::assert_snapshot!(format!("{}\n{}", show.user_view(), applied.user_view()), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 2: the plan reads the uri of "Legacy" from a variable, and the file gives none
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----

    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 2: the plan reads the uri of "Legacy" from a variable, and the file gives none; nothing was written
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    "#);
}

/// A plan that holds such a uri as it is (saved by an earlier build, or edited): `apply` still
/// shows it as `(sensitive)`, since a variable holds it now.
#[test]
fn apply_hides_a_uri_a_saved_plan_holds_as_it_is_when_a_variable_holds_it() {
    let portal = FakePortal::start();
    let legacy = portal.seed(Seed::new("Legacy", SHOUTED));
    let (planned, mut plan, _) = saved(&portal, BILLING, &["--prune", "--max-deletes", "1"]);
    let path = planned.path("plan.json");
    plan["portals"][0]["writes"][1]["against"]["uri"] = SHOUTED.into();
    std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let applied = apply_saved(&planned, &portal);
    assert_eq!(applied.code, 0, "{applied:?}");
    assert!(portal.get(legacy).is_none());
}

/// `URI` spelled so that it is not the same URL, each still holding its path or its token.
const LOOKALIKES: [&str; 8] = [
    // A trailing slash.
    "https://hooks.example.com/services/T0/Cap7Path/x/?token=Cap7Token99",
    // The path without its query.
    "https://hooks.example.com/services/T0/Cap7Path/x",
    // The query reordered.
    "https://hooks.example.com/services/T0/Cap7Path/x?a=1&token=Cap7Token99",
    // A letter percent-encoded.
    "https://hooks.example.com/services/T0/Cap7P%61th/x?token=Cap7Token99",
    // A trailing-dot host.
    "https://hooks.example.com./services/T0/Cap7Path/x?token=Cap7Token99",
    // A fragment.
    "https://hooks.example.com/services/T0/Cap7Path/x?token=Cap7Token99#top",
    // `//` in the path.
    "https://hooks.example.com/services//T0/Cap7Path/x?token=Cap7Token99",
    // The case changed.
    "https://hooks.example.com/SERVICES/T0/CAP7PATH/X?TOKEN=CAP7TOKEN99",
];

/// A webhook no entry manages whose live uri is not HOOK's value as a URL but holds a piece of
/// it (its path, its token): `--prune` deletes it without showing the uri in any plan format,
/// the saved plan (HOOK's placeholder) or `show`, and `apply` of the saved plan deletes it.
#[test]
fn an_unmanaged_webhook_whose_uri_holds_a_piece_of_a_variable_s_is_pruned_without_showing_it() {
    for uri in LOOKALIKES {
        let portal = FakePortal::start();
        let legacy = portal.seed(Seed::new("Legacy", uri));
        let prune = ["plan", "--prune", "--max-deletes", "1"];
        let text = planned_in_every_format(&portal, BILLING, &prune);
        assert!(text.stdout.contains("- delete #1 \"Legacy\""), "{text:?}");
        let (planned, plan, show) = saved(&portal, BILLING, &prune[1..]);
        assert!(show.stdout.starts_with(&text.stdout), "{show:?}");
        let delete = &writes(&plan)[1];
        assert_eq!(delete["write"], "delete", "{uri}");
        assert_placeholder(&delete["against"]["uri"], "HOOK");

        portal.clear_requests();
        let applied = apply_saved(&planned, &portal);
        assert_eq!(applied.code, 0, "{applied:?}");
        assert!(portal.get(legacy).is_none(), "{uri}");
    }
}

/// Such a live uri that changed after the plan, to another that holds the same piece: stale,
/// named without either uri, and nothing is written.
#[test]
fn a_live_uri_holding_a_piece_that_changed_makes_the_saved_plan_stale_without_showing_either() {
    let portal = FakePortal::start();
    let legacy = portal.seed(Seed::new("Legacy", LOOKALIKES[1]));
    let (planned, _, _) = saved(&portal, BILLING, &["--prune", "--max-deletes", "1"]);
    portal.update_stored(legacy, |w| w.uri = LOOKALIKES[0].into());
    portal.clear_requests();
    let out = apply_saved(&planned, &portal);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(portal.writes().is_empty());
    assert!(
        out.stderr
            .contains("#1 \"Legacy\" changed on the portal: uri (sensitive) -> (sensitive)"),
        "{out:?}"
    );
}

/// A path with no token in it is no secret of its own: a uri of another host that shares only
/// `/webhook` with a variable's value (whose token is in its query) is shown, for the reviewer.
#[test]
fn a_uri_sharing_only_a_path_without_a_token_with_a_variable_s_value_is_shown() {
    let portal = FakePortal::start();
    let file = "webhooks:\n  Billing:\n    uri: ${HOOK}\n    secretKey: ${SEC}\n  Audit:\n    uri: https://other.example.net/webhook\n    secretKey: ${SEC}\n";
    let out = Run::new(&["plan"])
        .file(file)
        .portal(&portal)
        .env(
            "HOOK",
            "https://hooks.example.com/webhook?token=Cap7Token99",
        )
        .env("SEC", "Sup3r-Secret-42")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains("Cap7Token99"), "{out:?}");
    assert!(
        out.stdout.contains("\"https://other.example.net/webhook\""),
        "{out:?}"
    );
}

/// Hooks of one service share pieces that look like tokens (every Teams hook has `webhookb2`,
/// Slack's of one workspace the team id). A uri the file writes itself is in the repository
/// already, and the reviewer must see where a create sends events: shown, though it holds such
/// a piece; a live uri no entry writes that holds it is hidden.
#[test]
fn a_literal_uri_sharing_a_token_with_a_variable_s_value_is_shown_a_live_one_is_hidden() {
    let portal = FakePortal::start();
    let hook = "https://acme.webhook.office.com/webhookb2/Abc12345/IncomingWebhook/Tok3nXyz99";
    let mine = "https://acme.webhook.office.com/webhookb2/Zzz98765/IncomingWebhook/Other77Tok";
    let other = "https://acme.webhook.office.com/webhookb2/Qqq55555/IncomingWebhook/Third88Tok";
    portal.seed(Seed::new("Legacy", other));
    let file = format!(
        "webhooks:\n  Alerts:\n    uri: ${{HOOK}}\n    secretKey: ${{SEC}}\n  Ops:\n    uri: {mine}\n    secretKey: ${{SEC}}\n"
    );
    let out = Run::new(&["plan", "--prune", "--max-deletes", "1"])
        .file(&file)
        .portal(&portal)
        .env("HOOK", hook)
        .env("SEC", "Sup3r-Secret-42")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains("Tok3nXyz99"), "{out:?}");
    assert!(!out.all().contains("Third88Tok"), "{out:?}");
    assert!(out.stdout.contains(&format!("\"{mine}\"")), "{out:?}");
}
