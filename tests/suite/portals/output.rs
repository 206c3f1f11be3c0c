use super::run;
use crate::support::fake_portal::Seed;
use crate::support::fleet::Fleet;
use crate::support::run::Outcome;

/// alpha: Billing to create, Crm to update, Audit and Keep unchanged.
/// bravo: Crm to update; Audit, Keep and its own Bravo extra unchanged; Legacy unmanaged.
/// charlie: down.
const SHARED: &str = "\
webhooks:
  Audit:
    uri: https://audit.example.com/h
  Crm:
    uri: https://crm.example.com/h
    ssl: false
  Keep:
    uri: https://keep.example.com/h
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
    only: [alpha]
";

const TOTAL: &str =
    "Total: 1 to create, 2 to update, 0 to delete, 5 unchanged, on 3 portals (1 failed).";

fn fleet() -> (Fleet, String) {
    let fleet = Fleet::start(&["alpha", "bravo"]).with_down("charlie");
    for (_, fake) in fleet.up() {
        fake.seed(Seed::new("Audit", "https://audit.example.com/h"));
        fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
        fake.seed(Seed::new("Keep", "https://keep.example.com/h"));
    }
    let bravo = fleet.portal("bravo");
    bravo.seed(Seed::new("Bravo extra", "https://extra.example.com/h"));
    bravo.seed(Seed::new("Legacy", "https://legacy.example.com/h"));
    let own = [(
        "bravo",
        "webhooks:\n  Bravo extra:\n    uri: https://extra.example.com/h\n",
    )];
    let file = format!("{}{SHARED}", fleet.portals_yaml(&own));
    (fleet, file)
}

fn header(fleet: &Fleet, name: &str) -> String {
    format!("=== portal {name} ({}) ===", fleet.url(name))
}

/// The text of each portal's section, in the order of `names`; panics if one is missing or
/// out of order.
fn sections<'a>(fleet: &Fleet, out: &'a str, names: &[&str]) -> Vec<&'a str> {
    let starts: Vec<usize> = names
        .iter()
        .map(|n| {
            out.find(&header(fleet, n))
                .unwrap_or_else(|| panic!("no section for {n}: {out}"))
        })
        .collect();
    assert!(starts.is_sorted(), "sections in file order: {out}");
    (0..starts.len())
        .map(|i| &out[starts[i]..starts.get(i + 1).copied().unwrap_or(out.len())])
        .collect()
}

fn last_line(out: &Outcome) -> &str {
    out.stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

#[test]
fn text_has_a_section_per_portal_and_a_total_line() {
    let (fleet, file) = fleet();
    let out = run(&["plan"], &fleet, &file).run();
    assert_eq!(out.code, 1, "a portal failed: {out:?}");
    // alpha, bravo and charlie are [PORTAL], [PORTAL-2] and [PORTAL-3].
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    === portal alpha ([PORTAL]) ===

      ~ update #2 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 2 unchanged.

    === portal bravo ([PORTAL-2]) ===

      ~ update #2 "Crm"
          ssl       = true -> false

    Unmanaged (on the portal, not in the file; left alone):
      #5 "Legacy"

    Plan: 0 to create, 1 to update, 0 to delete, 3 unchanged.

    === portal charlie ([PORTAL-3]) ===

    Error: could not connect to [PORTAL-3]: Connection refused (os error 111) (check that the portal URL is right and the portal is up and reachable from here)

    Total: 1 to create, 2 to update, 0 to delete, 5 unchanged, on 3 portals (1 failed).
    ----- stderr -----
    [charlie] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 2 of 5): could not connect: Connection refused (os error 111)
    [charlie] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 3 of 5): could not connect: Connection refused (os error 111)
    [charlie] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 4 of 5): could not connect: Connection refused (os error 111)
    [charlie] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 5 of 5): could not connect: Connection refused (os error 111)
    Portal charlie failed:
      x could not connect to [PORTAL-3]: Connection refused (os error 111)
      help: check that the portal URL is right and the portal is up and reachable from here

      x 1 of 3 portal(s) failed
      help: each failed portal's section says why; the other portals were planned, and a rerun's plan shows only what is left

    ----- end -----
    "#);
    let parts = sections(&fleet, &out.stdout, &["alpha", "bravo", "charlie"]);
    assert!(
        parts[2]
            .lines()
            .any(|l| l.trim_start().starts_with("Error:")),
        "{}",
        parts[2]
    );
    assert!(!parts[2].contains("Plan:"), "{}", parts[2]);
    assert_eq!(last_line(&out), TOTAL, "{out:?}");

    let out = run(
        &["plan", "--portal", "alpha", "--portal", "bravo"],
        &fleet,
        &file,
    )
    .run();
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    === portal alpha ([PORTAL]) ===

      ~ update #2 "Crm"
          ssl       = true -> false

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 2 unchanged.

    === portal bravo ([PORTAL-2]) ===

      ~ update #2 "Crm"
          ssl       = true -> false

    Unmanaged (on the portal, not in the file; left alone):
      #5 "Legacy"

    Plan: 0 to create, 1 to update, 0 to delete, 3 unchanged.

    Total: 1 to create, 2 to update, 0 to delete, 5 unchanged, on 2 portals.
    ----- stderr -----
    ----- end -----
    "#);
    assert_eq!(
        last_line(&out),
        "Total: 1 to create, 2 to update, 0 to delete, 5 unchanged, on 2 portals.",
        "{out:?}"
    );
}

#[test]
fn json_of_a_portals_file_is_format_version_2() {
    let (fleet, file) = fleet();
    let out = run(&["plan", "--format", "json"], &fleet, &file).run();
    assert_eq!(out.code, 1, "{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(doc["format_version"], 2, "{doc:#}");
    let portals = doc["portals"].as_array().expect("portals");
    let names: Vec<&str> = portals
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "bravo", "charlie"]);
    for p in portals {
        for key in ["name", "portal", "summary", "changes", "unmanaged", "error"] {
            assert!(p.get(key).is_some(), "{key} in {p:#}");
        }
        let name = p["name"].as_str().unwrap();
        assert_eq!(p["portal"], fleet.url(name), "{p:#}");
    }
    let summary =
        |c, u, d, n| serde_json::json!({"create": c, "update": u, "delete": d, "unchanged": n});
    let (alpha, bravo, charlie) = (&portals[0], &portals[1], &portals[2]);
    assert_eq!(alpha["summary"], summary(1, 1, 0, 2), "{alpha:#}");
    assert!(alpha["error"].is_null());
    let actions: Vec<&str> = alpha["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.len(), 2, "{alpha:#}");
    assert!(actions.contains(&"create") && actions.contains(&"update"));
    assert_eq!(bravo["summary"], summary(0, 1, 0, 3), "{bravo:#}");
    assert_eq!(bravo["unmanaged"][0]["name"], "Legacy", "{bravo:#}");
    assert_eq!(bravo["unmanaged"].as_array().unwrap().len(), 1);
    assert!(bravo["error"].is_null());
    assert!(
        charlie["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{charlie:#}"
    );
    let totals = &doc["summary"];
    for (key, value) in [
        ("create", 1),
        ("update", 2),
        ("delete", 0),
        ("unchanged", 5),
        ("failed", 1),
        ("portals", 3),
    ] {
        assert_eq!(totals[key], value, "summary.{key}: {doc:#}");
    }
}

#[test]
fn markdown_starts_with_a_summary_table_then_a_section_per_portal() {
    let (fleet, file) = fleet();
    let out = run(&["plan", "--format", "markdown"], &fleet, &file).run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ## Plan of 3 portals

    **Total: 1 to create, 2 to update, 0 to delete, 5 unchanged, on 3 portals (1 failed).**

    | portal | create | update | delete | unchanged | error |
    |---|---:|---:|---:|---:|---|
    | `alpha` (`[PORTAL]`) | 1 | 1 | 0 | 2 | — |
    | `bravo` (`[PORTAL-2]`) | 0 | 1 | 0 | 3 | — |
    | `charlie` (`[PORTAL-3]`) | — | — | — | — | `could not connect to [PORTAL-3]: Connection refused (os error 111) (check that the portal URL is right and the portal is up and reachable from here)` |
    | **Total** | 1 | 2 | 0 | 5 | 1 failed |

    ### `alpha` (`[PORTAL]`)

    **Plan: 1 to create, 1 to update, 0 to delete, 2 unchanged.**

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 1 | 1 | 0 | 2 | 0 |

    Apply will read: `BILLING_SECRET`

    #### ~ update `#2 "Crm"`

    ```diff
    - ssl: true
    + ssl: false
    ```

    #### + create `"Billing"`

    ```diff
    + name: "Billing"
    + uri: "https://billing.example.com/h"
    + secretKey: (sensitive)
    + enabled: true
    + ssl: true
    + triggers: [*]
    ```

    ### `bravo` (`[PORTAL-2]`)

    **Plan: 0 to create, 1 to update, 0 to delete, 3 unchanged.**

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 0 | 1 | 0 | 3 | 1 |

    #### ~ update `#2 "Crm"`

    ```diff
    - ssl: true
    + ssl: false
    ```

    Unmanaged (on the portal, not in the file; left alone):

    - `#5 "Legacy"`

    ### `charlie` (`[PORTAL-3]`)

    **Error:** `could not connect to [PORTAL-3]: Connection refused (os error 111) (check that the portal URL is right and the portal is up and reachable from here)`
    ----- stderr -----
    [charlie] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 2 of 5): could not connect: Connection refused (os error 111)
    [charlie] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 3 of 5): could not connect: Connection refused (os error 111)
    [charlie] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 4 of 5): could not connect: Connection refused (os error 111)
    [charlie] retrying GET /api/2.0/settings/webhook in [TIME] (attempt 5 of 5): could not connect: Connection refused (os error 111)
    Portal charlie failed:
      x could not connect to [PORTAL-3]: Connection refused (os error 111)
      help: check that the portal URL is right and the portal is up and reachable from here

      x 1 of 3 portal(s) failed
      help: each failed portal's section says why; the other portals were planned, and a rerun's plan shows only what is left

    ----- end -----
    "#);
    let md = &out.stdout;
    let lines: Vec<&str> = md.lines().collect();
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_lowercase())
            .collect()
    };
    let head = lines
        .iter()
        .position(|l| l.trim_start().starts_with('|'))
        .unwrap_or_else(|| panic!("no table: {md}"));
    assert_eq!(
        cells(lines[head]),
        ["portal", "create", "update", "delete", "unchanged", "error"],
        "{md}"
    );
    let rows: Vec<Vec<String>> = lines[head + 2..]
        .iter()
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(|l| cells(l))
        .collect();
    // A row per portal in file order (a total row may follow).
    assert!(rows.len() >= 3, "{md}");
    for (row, (name, counts)) in rows.iter().zip([
        ("alpha", ["1", "1", "0", "2"]),
        ("bravo", ["0", "1", "0", "3"]),
    ]) {
        assert!(row[0].contains(name), "{row:?}");
        assert_eq!(row[1..5], counts, "{row:?}");
    }
    assert!(rows[2][0].contains("charlie"), "{rows:?}");
    assert!(!rows[2][5].is_empty(), "charlie's error: {rows:?}");
    // Then a section per portal, after the table, in file order.
    let after: String = lines[head + 2 + rows.len()..].join("\n");
    let at: Vec<usize> = ["alpha", "bravo", "charlie"]
        .iter()
        .map(|n| {
            after
                .find(n)
                .unwrap_or_else(|| panic!("no section for {n}: {md}"))
        })
        .collect();
    assert!(at.is_sorted(), "{md}");
    assert!(!md.contains('\u{1b}'));
}

#[test]
fn detailed_exitcode_over_portals() {
    let fleet = Fleet::start(&["alpha", "bravo"]);
    for (_, fake) in fleet.up() {
        fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
    }
    let converged = format!(
        "{}webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n",
        fleet.portals_yaml(&[])
    );
    let bravo_drifts = format!(
        "{}webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n",
        fleet.portals_yaml(&[("bravo", "webhooks:\n  Crm: { ssl: false }\n")])
    );
    let code = |args: &[&str], file: &str| run(args, &fleet, file).run().code;
    assert_eq!(code(&["plan", "--detailed-exitcode"], &converged), 0);
    assert_eq!(code(&["plan"], &converged), 0);
    assert_eq!(code(&["plan", "--detailed-exitcode"], &bravo_drifts), 2);
    assert_eq!(code(&["plan"], &bravo_drifts), 0);

    let down = Fleet::start(&["alpha"]).with_down("bravo");
    down.portal("alpha")
        .seed(Seed::new("Crm", "https://crm.example.com/h"));
    let code = |args: &[&str], own: &[(&str, &str)]| {
        let file = format!(
            "{}webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n",
            down.portals_yaml(own)
        );
        run(args, &down, &file).run().code
    };
    let alpha_drifts = [("alpha", "webhooks:\n  Crm: { ssl: false }\n")];
    assert_eq!(
        code(&["plan", "--detailed-exitcode"], &[]),
        1,
        "an error, no change"
    );
    assert_eq!(
        code(&["plan", "--detailed-exitcode"], &alpha_drifts),
        1,
        "an error wins"
    );
    assert_eq!(code(&["plan"], &alpha_drifts), 1);
}

#[test]
fn no_key_reaches_any_output_in_any_format() {
    let (fleet, file) = fleet();
    let wrong = "sk-wrong-key-for-bravo-42";
    for format in ["text", "json", "markdown"] {
        for bravo_key in [fleet.key("bravo"), wrong] {
            let out = run(&["plan", "--format", format], &fleet, &file)
                .env("FLEET_KEY_BRAVO", bravo_key)
                .run();
            assert_eq!(out.code, 1, "{format}: {out:?}");
            for name in ["alpha", "bravo", "charlie"] {
                assert!(
                    !out.all().contains(fleet.key(name)),
                    "{format}: {name}'s key: {out:?}"
                );
            }
            assert!(!out.all().contains(wrong), "{format}: {out:?}");
        }
    }
}
