//! `show PLAN_FILE`: the saved plan as `plan` showed it, and its digest, offline.

use std::fmt::Write;

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

/// Crm drifts, Billing is created with the uri of the unmanaged "Old billing" (a rename hint)
/// and needs a variable, Audit sets a secret that is not sent (a note).
const FILE: &str = "\
webhooks:
  Crm:
    ssl: false
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
  Audit:
    secretKey: ${AUDIT_SECRET}
";

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    portal.seed(Seed::new("Old billing", "https://billing.example.com/h"));
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    portal
}

/// `plan --format FORMAT --out plan.json` in a fresh directory; the run keeps the directory.
fn planned(portal: &FakePortal, format: &str) -> (Run, Outcome) {
    let run = Run::new(&["plan", "--format", format, "--out", "plan.json"])
        .file(FILE)
        .portal(portal);
    let out = run.run();
    assert_eq!(out.code, 0, "{out:?}");
    (run, out)
}

/// `show` with no portal and no key in the environment (the runner clears both).
fn show(run: &Run, args: &[&str]) -> Outcome {
    let path = run.path("plan.json");
    let mut all = vec!["show", path.to_str().unwrap()];
    all.extend_from_slice(args);
    Run::new(&all).reviewed(&path).run()
}

/// The digest `plan --out` printed on stderr.
fn digest_of(plan_stderr: &str) -> String {
    let at = plan_stderr.find("(SHA-256 ").expect("a digest") + "(SHA-256 ".len();
    plan_stderr[at..at + 64].to_string()
}

#[test]
fn show_prints_what_plan_printed_and_its_digest_offline() {
    let portal = portal();
    let (run, planned) = planned(&portal, "text");
    let digest = digest_of(&planned.stderr);
    portal.clear_requests();

    let out = show(&run, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with(&planned.stdout),
        "show differs from plan:\n--- plan\n{}\n--- show\n{}",
        planned.stdout,
        out.stdout
    );
    // The notes are part of what was shown and saved.
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Crm"
          ssl       = true -> false

      + create "Billing"
          ! #2 "Old billing" has the same uri and no entry in the file: to rename it rather than create another webhook, key this entry by its id, 2: { name: "Billing" }, so its id and delivery history survive
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Unmanaged (on the portal, not in the file; left alone):
      #2 "Old billing"

    Secrets are not compared (the portal never returns them): this plan does not send the secretKey the file sets for #3 "Audit". apply --rotate-secrets sends it.
    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged.

    Made from the config file webhooks.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY, BILLING_SECRET

    Saved plan [TMP]/plan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]
    ----- stderr -----
    ----- end -----
    "#);
    let footer = &out.stdout[planned.stdout.len()..];
    assert!(footer.contains(&format!("SHA-256 {digest}")), "{footer}");
    assert!(
        footer.contains(&format!("--expect-digest {digest}")),
        "{footer}"
    );
    assert!(portal.requests().is_empty(), "show contacted the portal");
}

#[test]
fn show_renders_json_and_markdown_as_plan_did() {
    let portal = portal();
    for format in ["json", "markdown"] {
        let (run, planned) = planned(&portal, format);
        let digest = digest_of(&planned.stderr);
        let out = show(&run, &["--format", format]);
        assert_eq!(out.code, 0, "{out:?}");
        if format == "json" {
            // stdout stays the one document; the digest goes to stderr.
            assert_eq!(out.stdout, planned.stdout);
            assert!(out.stderr.contains(&digest), "{out:?}");
            let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
            assert_eq!(doc["secrets_needed"], serde_json::json!(["BILLING_SECRET"]));
        } else {
            assert!(out.stdout.starts_with(&planned.stdout), "{out:?}");
            insta::assert_snapshot!(out.user_view(), @r#"
            exit: 0
            ----- stdout -----
            **Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged.** Portal: `[PORTAL]`

            | create | update | delete | unchanged | unmanaged |
            |---:|---:|---:|---:|---:|
            | 1 | 1 | 0 | 1 | 1 |

            Secrets are not compared (the portal never returns them): this plan does not send the secretKey the file sets for `#3 "Audit"`. `apply --rotate-secrets` sends it.

            Apply will read: `BILLING_SECRET`

            #### ~ update `#1 "Crm"`

            ```diff
            - ssl: true
            + ssl: false
            ```

            #### + create `"Billing"`

            > **Warning:** `#2 "Old billing"` has the same uri and no entry in the file: to rename it rather than create another webhook, key this entry by its id, `2: { name: "Billing" }`, so its id and delivery history survive.

            ```diff
            + name: "Billing"
            + uri: "https://billing.example.com/h"
            + secretKey: (sensitive)
            + enabled: true
            + ssl: true
            + triggers: [*]
            ```

            Unmanaged (on the portal, not in the file; left alone):

            - `#2 "Old billing"`

            Made from the config file `webhooks.yaml` (SHA-256 `[SHA256]`); apply takes from it alone, and refuses any other file:

            - Portal: `[PORTAL]` (given by --portal or DOCSPACE_URL when planned; apply needs it given again); API key from `DOCSPACE_API_KEY`; reads `DOCSPACE_API_KEY`, `BILLING_SECRET`

            Saved plan `[TMP]/plan.json`, SHA-256 `[SHA256]`. Apply exactly it with `docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]`.
            ----- stderr -----
            ----- end -----
            "#);
            assert!(
                out.stdout.contains(&format!("SHA-256 `{digest}`")),
                "{out:?}"
            );
        }
    }
}

/// `show` refuses what `apply` refuses, in its words but "nothing was written": it never writes.
#[test]
fn show_refuses_a_tampered_file_and_what_is_not_a_plan() {
    let portal = portal();
    let (run, _) = planned(&portal, "text");
    let path = run.path("plan.json");
    let text = std::fs::read_to_string(&path).unwrap();

    // An update edited into one that changes nothing.
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let writes = doc["portals"][0]["writes"].as_array_mut().unwrap();
    let update = writes.iter_mut().find(|w| w["write"] == "update").unwrap();
    update["webhook"]["ssl"] = true.into();
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = show(&run, &[]);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 1: the update of #1 changes nothing
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    ");
    assert!(
        out.stdout.is_empty(),
        "nothing of a refused plan is shown: {out:?}"
    );
    let applied = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
        .portal(&portal)
        .run();
    insta::assert_snapshot!(applied.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a plan this version would make: write 1: the update of #1 changes nothing; nothing was written
      help: a saved plan is applied exactly as written and is not meant to be edited: make it again with `plan --out`

    ----- end -----
    ");

    // Made from another config file, and a folder given as the plan.
    std::fs::write(&path, &text).unwrap();
    let other = Run::new(&["show", path.to_str().unwrap()]).file("webhooks: {}\n");
    insta::assert_snapshot!(other.run().user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json was made from a config file of SHA-256 [SHA256], but webhooks.yaml has SHA-256 [SHA256]
      help: a saved plan is applied with the reviewed file it was made from, which names every portal's URL and every variable read: give that file with -f, or run `plan --out` again with this one and review it

    ----- end -----
    ");
    let folder = Run::new(&["show", "."]).file(FILE).run();
    insta::assert_snapshot!(folder.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to read . as a saved plan: it is a directory, not a regular file
      help: pass the file `plan --out` wrote

    ----- end -----
    ");

    std::fs::write(&path, "{\"hello\": 1}").unwrap();
    let out = show(&run, &[]);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json is not a saved plan of docspace-webhooks: no `"kind": "docspace-webhooks saved plan"`
      help: make one with `docspace-webhooks plan --out FILE`

    ----- end -----
    "#);

    let out = Run::new(&["show", "webhooks.yaml"]).file(FILE).run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x webhooks.yaml is a webhook file, not a saved plan
      help: to plan and apply a webhook file, pass it with -f: `docspace-webhooks apply -f webhooks.yaml`; `apply PLAN_FILE` takes what `plan --out PLAN_FILE` saved

    ----- end -----
    ");

    let out = Run::new(&["show", "missing.json"]).run();
    assert_eq!(out.code, 1, "{out:?}");
}

/// A plan saved to, and a config file named, `it's` and a line break: `plan --out` and `show`
/// print each path alike, the line break escaped (raw, it split the line) and the quote as it
/// is (`it\'s` names no file), and only the command quotes them, as one shell word.
#[test]
fn plan_out_and_show_print_a_path_with_a_quote_and_a_line_break_alike() {
    let portal = portal();
    let name = "it's\nplan.json";
    let run = Run::new(&["plan", "--out", name, "-f", "it's\n.yaml"]).portal(&portal);
    std::fs::write(run.path("it's\n.yaml"), FILE).expect("write the file");
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = run.path(name);
    let config = run.path("it's\n.yaml");
    let out = Run::new(&[
        "show",
        path.to_str().unwrap(),
        "-f",
        config.to_str().unwrap(),
    ])
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    let saved = crate::support::view::stable(&planned.stderr);
    insta::assert_snapshot!(saved, @r"
    Saved this plan to it's\nplan.json (SHA-256 [SHA256]).
    Apply exactly it with: docspace-webhooks apply $'it\'s\x0aplan.json' --expect-digest [SHA256] -f $'it\'s\x0a.yaml'
    ");
    insta::assert_snapshot!(tail_from(&out.stdout, "Made from"), @r"
    Made from the config file [TMP]/it's\n.yaml (SHA-256 [SHA256]); apply takes from it alone, and refuses any other file:
      Portal: [PORTAL] (given by --portal or DOCSPACE_URL when planned; apply needs it given again)
        API key from: DOCSPACE_API_KEY
        Reads: DOCSPACE_API_KEY, BILLING_SECRET

    Saved plan [TMP]/it's\nplan.json, SHA-256 [SHA256].
    Apply exactly it with: docspace-webhooks apply $'[TMP]/it\'s\x0aplan.json' --expect-digest [SHA256] -f $'[TMP]/it\'s\x0a.yaml'
    ");
    // A refusal names the plan's path the same way.
    let out = Run::new(&["show", "it's\nmissing.json"]).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains(" it's\\nmissing.json"), "{out:?}");
}

/// The lines of `show`'s Markdown from the one starting with `from` on, run-specific parts
/// replaced.
fn tail_from(stdout: &str, from: &str) -> String {
    let at = stdout
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in:\n{stdout}"));
    crate::support::view::stable(&stdout[at..])
}

/// A plan that fills the Markdown cap by itself leaves room, in `show`, for what follows it:
/// the whole output stays under 65,000 characters, as `--format markdown` promises, and still
/// ends with the binding and the digest.
#[test]
fn show_markdown_of_a_plan_at_the_cap_stays_under_it_with_its_digest() {
    let portal = FakePortal::start();
    let mut file = String::from("webhooks:\n");
    for n in 0..250 {
        let _ = writeln!(
            file,
            "  hook-{n:03}:\n    uri: https://r.example.com/{}\n    secretKey: \
             ${{HOOK_SECRET_{n:03}}}",
            "p".repeat(120)
        );
    }
    let plan = Run::new(&["plan", "--format", "markdown", "--out", "plan.json"])
        .file(&file)
        .portal(&portal);
    let planned = plan.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    assert!(
        planned.stdout.contains("changes are not shown"),
        "{planned:?}"
    );

    let out = show(&plan, &["--format", "markdown"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.len() < 65_000, "{} bytes", out.stdout.len());
    let tail = tail_from(&out.stdout, "Saved plan");
    assert!(
        tail.starts_with("Saved plan `[TMP]/plan.json`, SHA-256 `[SHA256]`. Apply exactly it")
            && tail.ends_with("--expect-digest [SHA256]`.\n"),
        "{tail}"
    );
    let shown = out.stdout.lines().rev().find(|l| l.contains("not shown"));
    insta::assert_snapshot!(shown.unwrap_or_default(), @"**45 of 250 changes are not shown** to keep this under 65000 characters. See the full plan in the job log (`plan --format text` or `plan --format json`).");
}

/// Many portals: the plan's sections and the binding's portal lines are both cut, each with a
/// line saying how many were left out, so the whole output stays under 65,000 characters.
#[test]
fn show_markdown_of_many_portals_stays_under_the_cap_and_counts_what_it_leaves_out() {
    let names: Vec<String> = (0..80)
        .map(|n| {
            format!(
                "portal-{n:02}-{}",
                "with-a-long-descriptive-name-".repeat(2)
            )
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let fleet = Fleet::start(&names);
    let mut file = fleet.portals_yaml(&[]);
    file.push_str("webhooks:\n");
    for n in 0..3 {
        let _ = writeln!(
            file,
            "  hook-{n}:\n    uri: https://r.example.com/{}\n    secretKey: ${{HOOK_SECRET}}",
            "p".repeat(150)
        );
    }
    let plan = Run::new(&["plan", "--format", "markdown", "--out", "plan.json"])
        .file(&file)
        .fleet(&fleet);
    let planned = plan.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    assert!(
        planned.stdout.contains("sections are not shown"),
        "{planned:?}"
    );

    let out = show(&plan, &["--format", "markdown"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.len() < 65_000, "{} bytes", out.stdout.len());
    assert!(
        out.stdout.contains("portal sections are not shown"),
        "{out:?}"
    );
    insta::assert_snapshot!(tail_from(&out.stdout, "- **"), @"
    - **28 of 80 portals are not listed** to keep this under 65000 characters; `show --format text` lists them all.

    Saved plan `[TMP]/plan.json`, SHA-256 `[SHA256]`. Apply exactly it with `docspace-webhooks apply [TMP]/plan.json --expect-digest [SHA256]`.
    ");
}
