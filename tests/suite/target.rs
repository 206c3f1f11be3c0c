//! `--target KEY`: only those entries are planned and written, the rest are said to be left
//! out, a mistyped key names the closest one, and a saved plan holds only the targeted writes.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

/// Every entry drifts; #3 is keyed by id.
const FILE: &str = "\
webhooks:
  Crm:
    ssl: false
  Billing:
    enabled: false
  3:
    name: Audit v2
";

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    portal.seed(Seed::new("Unmanaged", "https://other.example.com/h"));
    portal
}

#[test]
fn a_targeted_plan_shows_only_those_entries_and_counts_the_rest() {
    let portal = portal();
    let out = Run::new(&["plan", "--target", "Crm", "--target", "3"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    // The left-out entry still manages its webhook: it is not called unmanaged.
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Crm"
          ssl       = true -> false

      ~ update #3 "Audit v2"
          name      = "Audit" -> "Audit v2"

    Unmanaged (on the portal, not in the file; left alone):
      #4 "Unmanaged"

    Left out by --target: 1 entry of the file, neither compared nor written.

    Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
    ----- end -----
    "#);
    assert!(!out.stdout.contains("Billing"), "left out: {}", out.stdout);

    let json = Run::new(&["plan", "--target", "Crm", "--format", "json"])
        .file(FILE)
        .portal(&portal)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc["left_out"], 2);
    assert_eq!(doc["changes"].as_array().unwrap().len(), 1);
    let md = Run::new(&["plan", "--target", "Crm", "--format", "markdown"])
        .file(FILE)
        .portal(&portal)
        .run();
    insta::assert_snapshot!(md.user_view(), @r#"
    exit: 0
    ----- stdout -----
    **Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.** Portal: `[PORTAL]`

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 0 | 1 | 0 | 0 | 1 |

    Left out by --target: 2 entries of the file, neither compared nor written.

    #### ~ update `#1 "Crm"`

    ```diff
    - ssl: true
    + ssl: false
    ```

    Unmanaged (on the portal, not in the file; left alone):

    - `#4 "Unmanaged"`
    ----- stderr -----
    ----- end -----
    "#);
    assert!(portal.writes().is_empty(), "plan never writes");
}

#[test]
fn a_targeted_apply_writes_only_those_entries() {
    let portal = portal();
    let out = Run::new(&["apply", "--auto-approve", "--target", "Billing"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let writes = portal.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(!portal.get(2).unwrap().enabled, "Billing was disabled");
    assert!(portal.get(1).unwrap().ssl, "Crm was left alone");
    assert_eq!(portal.get(3).unwrap().name, "Audit", "#3 was left alone");
}

#[test]
fn a_saved_targeted_plan_applies_only_those_changes() {
    let portal = portal();
    let run = Run::new(&["plan", "--target", "Crm", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal);
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = run.path("plan.json");
    let out = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Crm"
          ssl       = true -> false

    Unmanaged (on the portal, not in the file; left alone):
      #4 "Unmanaged"

    Left out by --target: 2 entries of the file, neither compared nor written.

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

      [1/1] [TIME] ok updated #1 "Crm"

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
    ----- end -----
    "#);
    let writes = portal.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(!portal.get(1).unwrap().ssl, "Crm was written");
    assert!(portal.get(2).unwrap().enabled && portal.get(3).unwrap().name == "Audit");
}

#[test]
fn an_unknown_key_names_the_closest_one_before_the_portal_is_asked() {
    let portal = portal();
    for args in [
        &["plan", "--target", "Biling"][..],
        &["apply", "--auto-approve", "--target", "Biling"][..],
    ] {
        let out = Run::new(args).file(FILE).portal(&portal).run();
        assert_eq!(out.code, 1, "{out:?}");
        insta::allow_duplicates! {
            insta::assert_snapshot!(out.user_view(), @r#"
            exit: 1
            ----- stdout -----
            ----- stderr -----
              x --target "Biling": no entry of webhooks.yaml has this key (the closest key is "Billing")
              help: --target takes an entry's key: a name as written in the file, or an id's digits; nothing was planned

            ----- end -----
            "#);
        }
    }
    let out = Run::new(&["plan", "--target", "4"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "an id not keyed in the file: {out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x --target "4": no entry of webhooks.yaml has this key (the closest key is "3")
      help: --target takes an entry's key: a name as written in the file, or an id's digits; nothing was planned

    ----- end -----
    "#);
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());
}

#[test]
fn target_with_prune_or_a_saved_plan_is_a_usage_error() {
    let portal = portal();
    let mut views = String::new();
    for args in [
        &["plan", "--target", "Crm", "--prune"][..],
        &["apply", "--target", "Crm", "--prune", "--auto-approve"][..],
        &["apply", "plan.json", "--target", "Crm"][..],
    ] {
        let out = Run::new(args).file(FILE).portal(&portal).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        views += &format!("$ {}\n{}\n", args.join(" "), out.user_view());
    }
    insta::assert_snapshot!(views, @"
    $ plan --target Crm --prune
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '--target <KEY>' cannot be used with '--prune'

    Usage: docspace-webhooks plan --target <KEY>

    For more information, try '--help'.
    ----- end -----

    $ apply --target Crm --prune --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '--target <KEY>' cannot be used with '--prune'

    Usage: docspace-webhooks apply --target <KEY> --auto-approve [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ apply plan.json --target Crm
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '[PLAN_FILE]' cannot be used with '--target <KEY>'

    Usage: docspace-webhooks apply <PLAN_FILE>

    For more information, try '--help'.
    ----- end -----
    ");
    assert!(portal.requests().is_empty());
}

/// `5:` is the id key of "Five", `"5":` the name key of a webhook named 5.
const BOTH: &str = "\
webhooks:
  5:
    ssl: false
  \"5\":
    uri: https://five.example.com/h
";

#[test]
fn id_and_name_say_which_key_and_a_bare_key_that_is_both_is_refused() {
    let portal = portal();
    portal.seed(Seed::new("Five", "https://five.example.com/id"));
    portal.seed(Seed::new("5", "https://five.example.com/old"));
    let mut views = String::new();
    let mut run = |args: &[&str]| {
        let out = Run::new(args).file(BOTH).portal(&portal).run();
        views += &format!("$ {}\n{}\n", args.join(" "), out.user_view());
    };
    run(&["plan", "--target", "id:5"]);
    run(&["plan", "--target", "name:5"]);
    let asked = portal.requests().len();
    run(&["apply", "--auto-approve", "--target", "5"]);
    run(&["plan", "--target", "id:five"]);
    assert_eq!(
        portal.requests().len(),
        asked,
        "refused before the portal is asked"
    );
    insta::assert_snapshot!(views, @r#"
    $ plan --target id:5
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #5 "Five"
          ssl       = true -> false

    Unmanaged (on the portal, not in the file; left alone):
      #1 "Crm"
      #2 "Billing"
      #3 "Audit"
      #4 "Unmanaged"

    Left out by --target: 1 entry of the file, neither compared nor written.

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
      ! "5" is quoted, so it is a webhook name, not an id
       ,-[webhooks.yaml:4:3]
     3 |     ssl: false
     4 |   "5":
       :   ^|^
       :    `-- a name
     5 |     uri: https://five.example.com/h
       `----
      help: write 5 without quotes to manage the webhook with that id

    ----- end -----

    $ plan --target name:5
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #6 "5"
          uri       = "https://five.example.com/old" -> "https://five.example.com/h"

    Unmanaged (on the portal, not in the file; left alone):
      #1 "Crm"
      #2 "Billing"
      #3 "Audit"
      #4 "Unmanaged"

    Left out by --target: 1 entry of the file, neither compared nor written.

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
      ! "5" is quoted, so it is a webhook name, not an id
       ,-[webhooks.yaml:4:3]
     3 |     ssl: false
     4 |   "5":
       :   ^|^
       :    `-- a name
     5 |     uri: https://five.example.com/h
       `----
      help: write 5 without quotes to manage the webhook with that id

    ----- end -----

    $ apply --auto-approve --target 5
    exit: 1
    ----- stdout -----
    ----- stderr -----
      ! "5" is quoted, so it is a webhook name, not an id
       ,-[webhooks.yaml:4:3]
     3 |     ssl: false
     4 |   "5":
       :   ^|^
       :    `-- a name
     5 |     uri: https://five.example.com/h
       `----
      help: write 5 without quotes to manage the webhook with that id

      x --target "5": webhooks.yaml has both an id entry `5:` and a name entry `"5":`
      help: say which: --target id:5 for the id entry, --target name:5 for the name entry; nothing was planned

    ----- end -----

    $ plan --target id:five
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'id:five' for '--target <KEY>': `id:` takes a webhook id (digits); for a name that starts with `id:`, write name:id:five

    For more information, try '--help'.
    ----- end -----
    "#);
    assert!(portal.writes().is_empty(), "{:?}", portal.writes());
}

#[test]
fn a_key_of_digits_is_the_id_it_spells_leading_zeros_and_all() {
    // As the file reads `03:` as the id 3, so does --target.
    let portal = portal();
    let plain = Run::new(&["plan", "--target", "3"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(plain.code, 0, "{plain:?}");
    for key in ["03", "id:003"] {
        let out = Run::new(&["plan", "--target", key])
            .file(FILE)
            .portal(&portal)
            .run();
        assert_eq!(
            (out.code, &out.stdout, &out.stderr),
            (0, &plain.stdout, &plain.stderr),
            "{key}"
        );
    }
}
