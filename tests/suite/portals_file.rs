//! `validate` of a file with `portals:`: the verdict per portal, every problem at once with its
//! line in every format, offline, and an API key written in the file never printed.

use serde_json::Value;

use crate::support::run::Run;

const FLEET: &str = "\
portals:
  staging:
    url: https://staging.docs.example.com
    apiKey: ${DOCSPACE_STAGING_KEY}
    webhooks:
      Billing sync:
        uri: https://billing.staging.example.com/hooks/docspace
      9846: { enabled: false }
  production:
    url: https://docs.example.com
    apiKey: ${DOCSPACE_PROD_KEY}
webhooks:
  Billing sync:
    uri: https://billing.example.com/hooks/docspace
    secretKey: ${BILLING_WEBHOOK_SECRET}
    triggers: [file.uploaded, room.created]
  Audit trail:
    uri: https://audit.example.com/docspace
    triggers: [\"*\"]
    only: [production]
  Archive:
    uri: https://archive.example.com/docspace
";

/// Five problems on five lines, one of them a key written in the file.
const KEY: &str = "sk-live-4e1f0a9b7c3d2e8f6a5b";
fn bad_fleet() -> String {
    format!(
        "portals:\n  staging:\n    url: https://staging.docs.example.com\n    apiKey: {KEY}\n    webhooks:\n      Billing sync: {{ ssl: true }}\n  production:\n    url: https://Staging.docs.example.com/\n    apiKey: ${{DOCSPACE_PROD_KEY}}\nwebhooks:\n  Billing sync:\n    uri: http://billing.example.com/hooks\n  Audit trail:\n    only: [prod]\n  9846: {{}}\n"
    )
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn a_fleet_is_valid_offline_and_the_verdict_counts_each_portals_webhooks() {
    // No portal, no key: the variables are only named.
    let out = Run::new(&["validate"]).file(FLEET).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "webhooks.yaml is valid: 2 portal(s).\n  \
         staging (https://staging.docs.example.com): 3 webhook(s)\n  \
         production (https://docs.example.com): 3 webhook(s)\n",
        "{out:?}"
    );
    assert_eq!(out.stderr, "", "{out:?}");
}

#[test]
fn the_json_verdict_of_a_fleet_lists_its_portals() {
    let out = Run::new(&["validate", "--format", "json"])
        .file(FLEET)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let doc = json(&out.stdout);
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["webhooks"], 6, "the sum over the portals: {doc:#}");
    assert_eq!(
        doc["portals"],
        serde_json::json!([
            {"name": "staging", "url": "https://staging.docs.example.com", "webhooks": 3},
            {"name": "production", "url": "https://docs.example.com", "webhooks": 3},
        ])
    );
    assert_eq!(doc["problems"], serde_json::json!([]));

    // A single-portal file's report has no `portals` key.
    let one = Run::new(&["validate", "--format", "json"])
        .file("webhooks: {}\n")
        .run();
    assert!(json(&one.stdout).get("portals").is_none(), "{one:?}");
}

#[test]
fn every_problem_of_a_fleet_is_reported_at_once_with_its_line_and_no_key() {
    let out = Run::new(&["validate"]).file(&bad_fleet()).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
    let err = &out.stderr;
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 5 problems

      x `apiKey` must be a `${VAR}` reference: the API key is read from the environment, never written in the file
       ,-[webhooks.yaml:4:5]
     3 |     url: https://staging.docs.example.com
     4 |     apiKey: ***                         
       :     ^^^|^^
       :        `-- the key is written here
     5 |     webhooks:
       `----
      help: put the key in an environment variable and name it here: `apiKey: ${DOCSPACE_STAGING_KEY}`; if this key was ever pushed, revoke it

      x ssl: true requires an https uri
        ,-[webhooks.yaml:6:28]
      5 |     webhooks:
      6 |       Billing sync: { ssl: true }
        :                            ^^|^
        :                              `-- ssl is turned on here
      7 |   production:
      8 |     url: https://Staging.docs.example.com/
      9 |     apiKey: ${DOCSPACE_PROD_KEY}
     10 | webhooks:
     11 |   Billing sync:
     12 |     uri: http://billing.example.com/hooks
        :          ^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^
        :                          `-- plain http in the shared entry
     13 |   Audit trail:
        `----
      help: use an https:// uri, or set `ssl: false` (which also stops the portal checking the target's certificate)

      x portals `staging` and `production` have the same url
       ,-[webhooks.yaml:3:10]
     2 |   staging:
     3 |     url: https://staging.docs.example.com
       :          ^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^
       :                          `-- first
     4 |     apiKey: ***                         
       `----
       ,-[webhooks.yaml:8:10]
     7 |   production:
     8 |     url: https://Staging.docs.example.com/
       :          ^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^
       :                          `-- the same portal as `staging`
     9 |     apiKey: ${DOCSPACE_PROD_KEY}
       `----
      help: list each portal once: two names for one portal would both plan and write its webhooks

      x `only` names `prod`, which is not a portal of this file
        ,-[webhooks.yaml:14:12]
     13 |   Audit trail:
     14 |     only: [prod]
        :            ^^|^
        :              `-- no such portal
     15 |   9846: {}
        `----
      help: did you mean `production`?

      x a shared entry must be keyed by name, not by id
        ,-[webhooks.yaml:15:3]
     14 |     only: [prod]
     15 |   9846: {}
        :   ^^|^
        :     `-- an id key
        `----
      help: an id belongs to one portal: move this entry under the `webhooks:` of that portal (`portals: NAME: webhooks:`)

    ----- end -----
    ");
    assert!(!out.all().contains(KEY), "the key leaked: {out:?}");
    assert!(
        !out.all().contains(&KEY[10..]),
        "part of the key leaked: {out:?}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn json_and_github_reports_of_a_fleet_place_every_problem_and_hold_no_key() {
    let out = Run::new(&["validate", "--format", "json"])
        .file(&bad_fleet())
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.all().contains(KEY), "the key leaked: {out:?}");
    let doc = json(&out.stdout);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["errors"], 5);
    let placed: Vec<(u64, &str)> = doc["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        placed,
        [
            (4, "config::literal_api_key"),
            (6, "config::ssl_needs_https"),
            (8, "config::duplicate_portal"),
            (14, "config::unknown_portal"),
            (15, "config::id_in_shared"),
        ]
    );

    let out = Run::new(&["validate", "--format", "github"])
        .file(&bad_fleet())
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.all().contains(KEY), "the key leaked: {out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ::error file=webhooks.yaml,line=4,col=5,endLine=4,endColumn=11,title=config%3A%3Aliteral_api_key::`apiKey` must be a `${VAR}` reference: the API key is read from the environment, never written in the file%0Ahelp: put the key in an environment variable and name it here: `apiKey: ${DOCSPACE_STAGING_KEY}`; if this key was ever pushed, revoke it
    ::error file=webhooks.yaml,line=6,col=28,endLine=6,endColumn=32,title=config%3A%3Assl_needs_https::ssl: true requires an https uri%0Ahelp: use an https:// uri, or set `ssl: false` (which also stops the portal checking the target's certificate)
    ::error file=webhooks.yaml,line=8,col=10,endLine=8,endColumn=43,title=config%3A%3Aduplicate_portal::portals `staging` and `production` have the same url%0Ahelp: list each portal once: two names for one portal would both plan and write its webhooks
    ::error file=webhooks.yaml,line=14,col=12,endLine=14,endColumn=16,title=config%3A%3Aunknown_portal::`only` names `prod`, which is not a portal of this file%0Ahelp: did you mean `production`?
    ::error file=webhooks.yaml,line=15,col=3,endLine=15,endColumn=7,title=config%3A%3Aid_in_shared::a shared entry must be keyed by name, not by id%0Ahelp: an id belongs to one portal: move this entry under the `webhooks:` of that portal (`portals: NAME: webhooks:`)
    ----- stderr -----
      x the webhook file has 5 problems

      x `apiKey` must be a `${VAR}` reference: the API key is read from the environment, never written in the file
       ,-[webhooks.yaml:4:5]
     3 |     url: https://staging.docs.example.com
     4 |     apiKey: ***                         
       :     ^^^|^^
       :        `-- the key is written here
     5 |     webhooks:
       `----
      help: put the key in an environment variable and name it here: `apiKey: ${DOCSPACE_STAGING_KEY}`; if this key was ever pushed, revoke it

      x ssl: true requires an https uri
        ,-[webhooks.yaml:6:28]
      5 |     webhooks:
      6 |       Billing sync: { ssl: true }
        :                            ^^|^
        :                              `-- ssl is turned on here
      7 |   production:
      8 |     url: https://Staging.docs.example.com/
      9 |     apiKey: ${DOCSPACE_PROD_KEY}
     10 | webhooks:
     11 |   Billing sync:
     12 |     uri: http://billing.example.com/hooks
        :          ^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^
        :                          `-- plain http in the shared entry
     13 |   Audit trail:
        `----
      help: use an https:// uri, or set `ssl: false` (which also stops the portal checking the target's certificate)

      x portals `staging` and `production` have the same url
       ,-[webhooks.yaml:3:10]
     2 |   staging:
     3 |     url: https://staging.docs.example.com
       :          ^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^
       :                          `-- first
     4 |     apiKey: ***                         
       `----
       ,-[webhooks.yaml:8:10]
     7 |   production:
     8 |     url: https://Staging.docs.example.com/
       :          ^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^
       :                          `-- the same portal as `staging`
     9 |     apiKey: ${DOCSPACE_PROD_KEY}
       `----
      help: list each portal once: two names for one portal would both plan and write its webhooks

      x `only` names `prod`, which is not a portal of this file
        ,-[webhooks.yaml:14:12]
     13 |   Audit trail:
     14 |     only: [prod]
        :            ^^|^
        :              `-- no such portal
     15 |   9846: {}
        `----
      help: did you mean `production`?

      x a shared entry must be keyed by name, not by id
        ,-[webhooks.yaml:15:3]
     14 |     only: [prod]
     15 |   9846: {}
        :   ^^|^
        :     `-- an id key
        `----
      help: an id belongs to one portal: move this entry under the `webhooks:` of that portal (`portals: NAME: webhooks:`)

    ----- end -----
    ");
}

#[test]
fn a_fleets_warning_points_at_what_is_written_once_and_does_not_fail_it() {
    let out = Run::new(&["validate", "--format", "github"])
        .file(&FLEET.replace("${BILLING_WEBHOOK_SECRET}", "Sh4red-Literal-Secret"))
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains("Sh4red-Literal-Secret"), "{out:?}");
    // Both portals get the secret (staging through its overlay), but it is written once: in
    // the shared entry, on line 13, not in staging's overlay, which does not write it.
    let warnings: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(warnings.len(), 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 0
    ----- stdout -----
    ::warning file=webhooks.yaml,line=13,col=3,endLine=13,endColumn=15,title=config%3A%3Aliteral_secret::the secretKey of 'Billing sync' is written in the file%0Ahelp: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`
    ----- stderr -----
      ! the secretKey of 'Billing sync' is written in the file
        ,-[webhooks.yaml:13:3]
     12 | webhooks:
     13 |   Billing sync:
        :   ^^^^^^|^^^^^
        :         `-- secret written literally in this entry
     14 |     uri: https://billing.example.com/hooks/docspace
        `----
      help: read it from the environment instead: `secretKey: ${MY_WEBHOOK_SECRET}`

    ----- end -----
    ");
    assert_eq!(
        out.stderr.matches("is written in the file").count(),
        1,
        "{out:?}"
    );
}

#[test]
fn the_readme_example_validates_to_what_the_readme_shows() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/file-format.md"))
            .expect("docs/file-format.md");
    let section = readme
        .split("### `portals:` files")
        .nth(1)
        .expect("the README has the portals: section");
    let block = |fence: &str| -> String {
        let start = section.find(fence).expect("a fenced block") + fence.len();
        let len = section[start..].find("```").expect("closed");
        section[start..start + len].to_string()
    };
    let out = Run::new(&["validate"]).file(&block("```yaml\n")).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        block("```text\n"),
        "README's verdict is out of date"
    );
}
