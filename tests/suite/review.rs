//! What a reviewer reads in a pull request or a CI log: what changed inside a long value,
//! look-alike hosts, secrets that are not compared and the rename trap, from the real binary
//! against the fake portal, in every format.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

const OLD: &str = "https://billing.example.com/hooks/docspace?tenant=42";
const NEW: &str = "https://billing.example.com/hooks/docspace?tenant=43";

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Billing", OLD));
    portal.seed(Seed::new("Mirror", "https://mirror.example.com/hooks"));
    portal
}

/// Billing's tenant changes by one character; Mirror moves to a host spelled with a Cyrillic
/// `і` (U+0456), with credentials in the uri.
fn file() -> String {
    format!(
        "webhooks:\n  Billing:\n    uri: {NEW}\n  Mirror:\n    uri: https://bot:Pw-hunter2@m\u{456}rror.example.com/hooks\n"
    )
}

fn plan(args: &[&str]) -> crate::support::run::Outcome {
    let portal = portal();
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    let out = Run::new(&all).file(&file()).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.all().contains("hunter2"),
        "a credential leaked: {out:?}"
    );
    out
}

#[test]
fn a_ci_log_marks_the_changed_character_under_aligned_lines() {
    let out = plan(&[]);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Billing"
          uri       - "https://billing.example.com/hooks/docspace?tenant=42"
                    + "https://billing.example.com/hooks/docspace?tenant=43"
                                                                          ^

      ~ update #2 "Mirror"
          ! look-alike host in the uri: "mіrror.example.com" contains non-ASCII characters, which can look like ASCII ones; it is xn--mrror-n2e.example.com, check that this is the host you mean
          uri       = "https://mirror.example.com/hooks" -> "https://bot:***@mіrror.example.com/hooks" (host xn--mrror-n2e.example.com)

    Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
      ! the uri of 'Mirror' has a look-alike host: `mіrror.example.com` contains non-ASCII characters, which can look like ASCII ones
       ,-[webhooks.yaml:4:3]
     3 |     uri: https://billing.example.com/hooks/docspace?tenant=**
     4 |   Mirror:
       :   ^^^|^^
       :      `-- look-alike host in this entry's uri
     5 |     uri: https://bot:***@mіrror.example.com/hooks       
       `----
      help: it is `xn--mrror-n2e.example.com`: check that this is the host you mean, since DocSpace sends every event to it

    ----- end -----
    "#);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
}

#[test]
fn a_color_terminal_emphasises_the_character_instead() {
    let out = plan(&["--color", "always"]);
    // `3` in reverse video within the green new value, and no marker line.
    assert!(
        out.stdout.contains("tenant=4\u{1b}[0m\u{1b}[7m\u{1b}[32m3"),
        "{:?}",
        out.stdout
    );
    assert!(
        !out.stdout.lines().any(|l| l.trim_start().starts_with('^')),
        "{}",
        out.stdout
    );
}

#[test]
fn a_lookalike_host_is_called_out_in_every_format() {
    // On stderr, the file's own warning, as `validate` shows it.
    insta::assert_snapshot!(plan(&[]).user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "Billing"
          uri       - "https://billing.example.com/hooks/docspace?tenant=42"
                    + "https://billing.example.com/hooks/docspace?tenant=43"
                                                                          ^

      ~ update #2 "Mirror"
          ! look-alike host in the uri: "mіrror.example.com" contains non-ASCII characters, which can look like ASCII ones; it is xn--mrror-n2e.example.com, check that this is the host you mean
          uri       = "https://mirror.example.com/hooks" -> "https://bot:***@mіrror.example.com/hooks" (host xn--mrror-n2e.example.com)

    Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
      ! the uri of 'Mirror' has a look-alike host: `mіrror.example.com` contains non-ASCII characters, which can look like ASCII ones
       ,-[webhooks.yaml:4:3]
     3 |     uri: https://billing.example.com/hooks/docspace?tenant=**
     4 |   Mirror:
       :   ^^^|^^
       :      `-- look-alike host in this entry's uri
     5 |     uri: https://bot:***@mіrror.example.com/hooks       
       `----
      help: it is `xn--mrror-n2e.example.com`: check that this is the host you mean, since DocSpace sends every event to it

    ----- end -----
    "#);
    insta::assert_snapshot!(plan(&["--format", "markdown"]).user_view(), @r#"
    exit: 0
    ----- stdout -----
    **Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.** Portal: `[PORTAL]`

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 0 | 2 | 0 | 0 | 0 |

    #### ~ update `#1 "Billing"`

    ```diff
    - uri: "https://billing.example.com/hooks/docspace?tenant=42"
    + uri: "https://billing.example.com/hooks/docspace?tenant=43"
                                                               ^
    ```

    #### ~ update `#2 "Mirror"`

    > **Warning:** look-alike host in the uri: `"mіrror.example.com"` contains non-ASCII characters, which can look like ASCII ones; it is `xn--mrror-n2e.example.com`, check that this is the host you mean.

    ```diff
    - uri: "https://mirror.example.com/hooks"
    + uri: "https://bot:***@mіrror.example.com/hooks" (host xn--mrror-n2e.example.com)
    ```
    ----- stderr -----
      ! the uri of 'Mirror' has a look-alike host: `mіrror.example.com` contains non-ASCII characters, which can look like ASCII ones
       ,-[webhooks.yaml:4:3]
     3 |     uri: https://billing.example.com/hooks/docspace?tenant=**
     4 |   Mirror:
       :   ^^^|^^
       :      `-- look-alike host in this entry's uri
     5 |     uri: https://bot:***@mіrror.example.com/hooks       
       `----
      help: it is `xn--mrror-n2e.example.com`: check that this is the host you mean, since DocSpace sends every event to it

    ----- end -----
    "#);

    let json: serde_json::Value =
        serde_json::from_str(&plan(&["--format", "json"]).stdout).expect("JSON");
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(changes[0]["warnings"], serde_json::json!([]));
    assert_eq!(
        changes[1]["warnings"],
        serde_json::json!([{
            "code": "lookalike_host",
            "field": "uri",
            "host": "m\u{456}rror.example.com",
            "punycode": "xn--mrror-n2e.example.com",
            "message": "look-alike host in the uri: \"m\u{456}rror.example.com\" contains non-ASCII \
                        characters, which can look like ASCII ones; it is xn--mrror-n2e.example.com, \
                        check that this is the host you mean"
        }])
    );
}

#[test]
fn a_secret_set_in_the_file_is_never_reported_as_matching() {
    let portal = portal();
    let file = "webhooks:\n  Billing:\n    secretKey: ${BILLING_SECRET}\n";
    let out = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.stdout.contains("The portal matches the file."),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

    Unmanaged (on the portal, not in the file; left alone):
      #2 "Mirror"

    Secrets are not compared (the portal never returns them): this plan does not send the secretKey the file sets for #1 "Billing". apply --rotate-secrets sends it.

    No changes. The portal matches the file in every compared field; secrets are not compared.
    Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
    ----- end -----
    "#);
    assert!(!out.stdout.contains("Apply will read"), "nothing is sent");

    let rotated = Run::new(&["plan", "--rotate-secrets", "--format", "json"])
        .file(file)
        .portal(&portal)
        .run();
    let doc: serde_json::Value = serde_json::from_str(&rotated.stdout).expect("JSON");
    assert_eq!(doc["secrets_needed"], serde_json::json!(["BILLING_SECRET"]));
    assert_eq!(doc["secrets_not_sent"], serde_json::json!([]));
}

#[test]
fn a_new_name_on_a_live_uri_suggests_renaming_by_id() {
    let portal = portal();
    // "Mirror" renamed by its name key: a create, while #2 keeps the uri.
    let file = "webhooks:\n  Billing: {}\n  Mirror v2:\n    uri: https://mirror.example.com/hooks\n    secretKey: ${MIRROR_SECRET}\n";
    let out = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      + create "Mirror v2"
          ! #2 "Mirror" has the same uri and no entry in the file: to rename it rather than create another webhook, key this entry by its id, 2: { name: "Mirror v2" }, so its id and delivery history survive
          name      = "Mirror v2"
          uri       = "https://mirror.example.com/hooks"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Unmanaged (on the portal, not in the file; left alone):
      #2 "Mirror"

    Apply will read: MIRROR_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
    ----- end -----
    "#);

    let pruned = Run::new(&["plan", "--prune", "--format", "markdown"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(pruned.code, 0, "{pruned:?}");
    // The delete leads, before any create.
    insta::assert_snapshot!(pruned.user_view(), @r#"
    exit: 0
    ----- stdout -----
    **Plan: 1 to create, 0 to update, 1 to delete, 1 unchanged.** Portal: `[PORTAL]`

    | create | update | delete | unchanged | unmanaged |
    |---:|---:|---:|---:|---:|
    | 1 | 0 | 1 | 1 | 0 |

    Apply will read: `MIRROR_SECRET`

    #### - delete `#2 "Mirror"`

    > Its delivery log is empty.

    ```diff
    - name: "Mirror"
    - uri: "https://mirror.example.com/hooks"
    - enabled: true
    - ssl: true
    - triggers: [*]
      targetId: (none)
    ```

    #### + create `"Mirror v2"`

    > **Warning:** `#2 "Mirror"` has the same uri and is deleted by this plan: this create and that delete lose its id and delivery history; to rename it instead, key this entry by its id: `2: { name: "Mirror v2" }`.

    ```diff
    + name: "Mirror v2"
    + uri: "https://mirror.example.com/hooks"
    + secretKey: (sensitive)
    + enabled: true
    + ssl: true
    + triggers: [*]
    ```
    ----- stderr -----
    ----- end -----
    "#);
}
