//! Messages about the file that lead the right way: no impossible suggestion, no silently
//! empty entry, aliases read from their anchor, and secret errors shown where the file asks
//! for them (or, for a saved plan, where the environment is).

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

#[test]
fn a_relative_uri_gets_no_suggestion_without_a_host() {
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: /hooks/docspace\n")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `uri` is not an absolute URL (relative URL without a base)
       ,-[webhooks.yaml:3:10]
     2 |   A:
     3 |     uri: /hooks/docspace
       :          ^^^^^^^|^^^^^^^
       :                 `-- not an absolute http(s) URL
       `----
      help: a path alone has no host: write the full URL, e.g. `https://hooks.example.com/hooks/docspace`

    ----- end -----
    ");
    assert!(!out.stderr.contains("https:///"), "{out:?}");
    // A uri that only lacks its scheme still gets the suggestion.
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: billing.example.com/hooks\n")
        .run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `uri` is not an absolute URL (relative URL without a base)
       ,-[webhooks.yaml:3:10]
     2 |   A:
     3 |     uri: billing.example.com/hooks
       :          ^^^^^^^^^^^^|^^^^^^^^^^^^
       :                      `-- not an absolute http(s) URL
       `----
      help: did you mean `https://billing.example.com/hooks`?

    ----- end -----
    ");
}

#[test]
fn an_entry_with_nothing_under_it_is_an_error() {
    // As a file cut short after `8:` reads.
    let out = Run::new(&["validate"])
        .file("webhooks:\n  A:\n    uri: https://a.example.com\n  8:\n")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the entry `8` is empty (null): it has no settings
       ,-[webhooks.yaml:4:3]
     3 |     uri: https://a.example.com
     4 |   8:
       :   |
       :   `-- nothing under this key
       `----
      help: if the file was cut short, restore the entry's settings; to manage nothing of the webhook, write `8: {}`

    ----- end -----
    ");
    let out = Run::new(&["validate"]).file("webhooks:\n  A: {}\n").run();
    assert_eq!(out.code, 0, "an explicit empty mapping is fine: {out:?}");
}

/// A message quotes a value only where its snippet shows it: through an alias the snippet shows
/// `*s`, so the value anchored on a secret (or on a key the format does not have) is not named,
/// in any format.
#[test]
fn a_value_read_through_an_alias_is_not_quoted() {
    let secret = "Zq9SecretVal77x";
    let portal = |name: &str, key: &str| {
        format!("  {name}:\n    url: https://p.example.com\n    apiKey: {key}\n")
    };
    let webhook = |anchor: &str| {
        format!(
            "webhooks:\n  A:\n    uri: https://a.example.com/h\n    secretKey: {anchor}\n    only: [*s]\n"
        )
    };
    let p1 = portal("p1", "${K}");
    let files = [
        format!("portals:\n{p1}{}", webhook(&format!("&s {secret}"))),
        format!("x-hidden: &s {secret}\nportals:\n{p1}{}", webhook("${S}")),
        format!(
            "portals:\n{}{}",
            portal("p1", &format!("&s {secret}")),
            webhook("${S}")
        ),
        // A duplicate key, a webhook's name and a portal's name read through an alias (a portal is
        // named in the messages about its settings).
        format!("x-hidden: &s {secret}\nwebhooks:\n  *s : {{}}\n  *s : {{}}\n"),
        format!("x-base: &b {{{secret}: {{}}, 7: {{name: {secret}}}}}\nwebhooks:\n  <<: *b\n"),
        format!(
            "x-hidden: &s {secret}\nportals:\n{}    foo: 1\n",
            portal("*s ", "${K}")
        ),
    ];
    let mut shown = String::new();
    for file in &files {
        for args in [
            &["validate", "--format", "text"][..],
            &["validate", "--format", "json"],
            &["validate", "--format", "github"],
            &["plan", "--problems", "json"],
        ] {
            let out = Run::new(args)
                .file(file)
                .env("DOCSPACE_API_KEY", "sk-abc1234567890abcd")
                .run();
            assert_eq!(out.code, 1, "{file}\n{out:?}");
            assert!(!out.all().contains(secret), "{file}\n{out:?}");
        }
        shown += &Run::new(&["validate"]).file(file).run().stderr;
    }
    insta::assert_snapshot!(shown, @"
     x the webhook file has 1 problem

     x `only` names a portal this file does not define
      ,-[webhooks.yaml:9:12]
    8 |     secretKey: &s ***            
    9 |     only: [*s]
      :            ^|
      :             `-- no such portal
      `----
     help: the portals of this file: p1

     x the webhook file has 2 problems

     x unknown field `x-hidden` at the top level
      ,-[webhooks.yaml:1:1]
    1 | x-hidden: &s ***            
      : ^^^^|^^^
      :     `-- unknown field
    2 | portals:
      `----
     help: valid fields here: portal, portals, prune, webhooks

     x `only` names a portal this file does not define
       ,-[webhooks.yaml:10:12]
     9 |     secretKey: ${S}
    10 |     only: [*s]
       :            ^|
       :             `-- no such portal
       `----
     help: the portals of this file: p1

     x the webhook file has 2 problems

     x `apiKey` must be a `${VAR}` reference: the API key is read from the environment, never written in the file
      ,-[webhooks.yaml:4:5]
    3 |     url: https://p.example.com
    4 |     apiKey: &s ***            
      :     ^^^|^^
      :        `-- the key is written here
    5 | webhooks:
      `----
     help: put the key in an environment variable and name it here: `apiKey: ${DOCSPACE_P1_KEY}`; if this key was ever pushed, revoke it

     x `only` names a portal this file does not define
      ,-[webhooks.yaml:9:12]
    8 |     secretKey: ${S}
    9 |     only: [*s]
      :            ^|
      :             `-- no such portal
      `----
     help: the portals of this file: p1

     x the webhook file has 2 problems

     x unknown field `x-hidden` at the top level
      ,-[webhooks.yaml:1:1]
    1 | x-hidden: &s ***            
      : ^^^^|^^^
      :     `-- unknown field
    2 | webhooks:
      `----
     help: valid fields here: portal, portals, prune, webhooks

     x duplicate key
      ,-[webhooks.yaml:4:3]
    3 |   *s : {}
    4 |   *s : {}
      :   ^|
      :    `-- already used above in this mapping
      `----
     help: each key may appear once in a mapping; merge the two entries

     x the webhook file has 2 problems

     x unknown field `x-base` at the top level
      ,-[webhooks.yaml:1:1]
    1 | x-base: &b {***            : {}, 7: {*** : ***            }}
      : ^^^|^^
      :    `-- unknown field
    2 | webhooks:
      `----
     help: valid fields here: portal, portals, prune, webhooks

     x two entries manage a webhook of the same name
      ,-[webhooks.yaml:3:7]
    2 | webhooks:
    3 |   <<: *b
      :       ^||
      :        |`-- first use
      :        `-- second use of this name
      `----
     help: a name key manages the one webhook with that name, so no other entry may use the name; key both entries by id

     x the webhook file has 3 problems

     x unknown field `x-hidden` at the top level
      ,-[webhooks.yaml:1:1]
    1 | x-hidden: &s ***            
      : ^^^^|^^^
      :     `-- unknown field
    2 | portals:
      `----
     help: valid fields here: portal, portals, prune, webhooks

     x a portal's name must be written out, not read through an alias
      ,-[webhooks.yaml:3:3]
    2 | portals:
    3 |   *s :
      :   ^|
      :    `-- read from elsewhere
    4 |     url: https://p.example.com
      `----
     help: a portal's name is typed on the command line (`--portal NAME`) and heads its section of a plan, so it may have only ASCII letters, digits, `.`, `_` and `-`, and starts with a letter or digit

     x unknown field `foo` in a portal
      ,-[webhooks.yaml:6:5]
    5 |     apiKey: ${K}
    6 |     foo: 1
      :     ^|^
      :      `-- unknown field
      `----
     help: valid fields here: url, apiKey, prune, webhooks
    ");
}

#[test]
fn aliases_in_field_values_are_read_from_their_anchor() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("A", "https://a.example.com/h"));
    portal.seed(Seed::new("B", "https://b.example.com/h"));
    let file = "\
webhooks:
  A:
    targetId: &room room-42
    triggers: &events [file.uploaded]
  B:
    targetId: *room
    triggers: *events
    ssl: *room
";
    let out = Run::new(&["plan"]).file(file).portal(&portal).run();
    assert_eq!(out.code, 1, "{out:?}");
    // An error in an aliased value points at the alias, where it is used.
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `ssl` must be true or false, found a string
       ,-[webhooks.yaml:8:10]
     7 |     triggers: *events
     8 |     ssl: *room
       :          ^^|^^
       :            `-- expected true or false
       `----
      help: write `true` or `false`

    ----- end -----
    ");
    let out = Run::new(&["plan"])
        .file(file.trim_end_matches("    ssl: *room\n"))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "A"
          triggers  + file.uploaded
                    - *
          targetId  = (none) -> "room-42"

      ~ update #2 "B"
          triggers  + file.uploaded
                    - *
          targetId  = (none) -> "room-42"

    Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
    ----- end -----
    "#);
    assert_eq!(
        out.stdout
            .matches("targetId  = (none) -> \"room-42\"")
            .count(),
        2,
        "{out:?}"
    );
    assert_eq!(out.stdout.matches("+ file.uploaded").count(), 2, "{out:?}");
}

const SECRET_FILE: &str = "\
webhooks:
  Audit:
    uri: https://audit.example.com/h
  Billing sync:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
";

#[test]
fn a_missing_secret_at_apply_points_at_its_secret_key_in_the_file() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    let out = Run::new(&["apply", "--auto-approve"])
        .file(SECRET_FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      + create "Billing sync"
          name      = "Billing sync"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
      x 1 secret(s) could not be resolved; nothing was written

      x environment variable BILLING_SECRET is not set (secretKey of 'Billing sync')
       ,-[webhooks.yaml:6:16]
     5 |     uri: https://billing.example.com/h
     6 |     secretKey: ${BILLING_SECRET}
       :                ^^^^^^^^|^^^^^^^^
       :                        `-- BILLING_SECRET is read here
       `----
      help: set BILLING_SECRET in the environment that runs `apply`, or change `secretKey` here

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());

    // A value the policy refuses: located too, and never shown.
    let out = Run::new(&["apply", "--auto-approve"])
        .file(SECRET_FILE)
        .portal(&portal)
        .env("BILLING_SECRET", "short")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      + create "Billing sync"
          name      = "Billing sync"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
      x 1 secret(s) could not be resolved; nothing was written

      x the value of environment variable BILLING_SECRET is not a valid secret (secretKey of 'Billing sync'): it must be at least 8 characters long
       ,-[webhooks.yaml:6:16]
     5 |     uri: https://billing.example.com/h
     6 |     secretKey: ${BILLING_SECRET}
       :                ^^^^^^^^|^^^^^^^^
       :                        `-- BILLING_SECRET is read here
       `----
      help: set BILLING_SECRET to what the server accepts (8 to 30 printable ASCII characters without spaces), or change `secretKey` here

    ----- end -----
    "#);
    assert!(
        !out.stderr.contains("short\n") && !out.stderr.contains("\"short\""),
        "{out:?}"
    );
    assert!(portal.writes().is_empty());
}

#[test]
fn a_missing_secret_of_a_saved_plan_points_at_the_files_secret_key() {
    // The file, not the plan, names the variable: the error points where it is named.
    let portal = FakePortal::start();
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    let plan = Run::new(&["plan", "--out", "plan.json"])
        .file(SECRET_FILE)
        .portal(&portal);
    assert_eq!(plan.run().code, 0);
    let out = Run::new(&["apply", plan.path("plan.json").to_str().unwrap()])
        .reviewed(&plan.path("plan.json"))
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      + create "Billing sync"
          name      = "Billing sync"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 0 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x 1 secret(s) could not be resolved; nothing was written

      x environment variable BILLING_SECRET is not set (secretKey of 'Billing sync')
       ,-[webhooks.yaml:6:16]
     5 |     uri: https://billing.example.com/h
     6 |     secretKey: ${BILLING_SECRET}
       :                ^^^^^^^^|^^^^^^^^
       :                        `-- BILLING_SECRET is read here
       `----
      help: set BILLING_SECRET in the environment that runs `apply`, or change `secretKey` here

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());
}

#[test]
fn a_webhook_file_that_is_not_a_regular_file_is_refused_at_once() {
    // Issue 19: `-f` naming a FIFO waited for a writer forever, and `/dev/zero` was read up to
    // the size limit; saved plans were already refused so.
    let portal = FakePortal::start();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("webhooks.fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let dir_path = dir.path().to_str().unwrap().to_string();
    // Nothing ever writes to the FIFO: opening it would hang (Run bounds every run).
    let cases = [
        ("validate", fifo.to_str().unwrap(), "a FIFO"),
        ("plan", fifo.to_str().unwrap(), "a FIFO"),
        ("apply", "/dev/zero", "a device"),
        ("validate", dir_path.as_str(), "a directory"),
    ];
    let mut views = String::new();
    for (command, path, what) in cases {
        let started = std::time::Instant::now();
        let out = Run::new(&[command, "-f", path]).portal(&portal).run();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{path}"
        );
        views += &format!("$ {command} -f PATH  # {what}\n{}\n", out.user_view());
    }
    assert!(portal.requests().is_empty());
    insta::assert_snapshot!(views, @"
    $ validate -f PATH  # a FIFO
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file [TMP]/webhooks.fifo: it is a FIFO, not a regular file
      help: give the path of the webhook file itself, e.g. `-f webhooks.yaml`

    ----- end -----

    $ plan -f PATH  # a FIFO
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file [TMP]/webhooks.fifo: it is a FIFO, not a regular file
      help: give the path of the webhook file itself, e.g. `-f webhooks.yaml`

    ----- end -----

    $ apply -f PATH  # a device
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file /dev/zero: it is a device, not a regular file
      help: give the path of the webhook file itself, e.g. `-f webhooks.yaml`

    ----- end -----

    $ validate -f PATH  # a directory
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x cannot read the webhook file [TMP]: it is a directory, not a regular file
      help: give the path of the webhook file itself, e.g. `-f webhooks.yaml`

    ----- end -----
    ");
}

/// Each help suggests what can be written: a portal's address has no path, `only` has no
/// wildcard (and `[*]` would start an alias), `https:host` has a scheme, and no quoted number
/// that is not a positive id is taken for one.
#[test]
fn helps_suggest_only_what_can_be_written() {
    let portals = "portals:\n  staging: { url: https://s.example.com, apiKey: \"${K}\" }\n";
    let mut views = String::new();
    for (what, run) in [
        (
            "an empty portal",
            Run::new(&["validate"]).file("portal: \"\"\nwebhooks:\n  A: {}\n"),
        ),
        (
            "only: \"*\"",
            Run::new(&["validate"]).file(&format!("{portals}webhooks:\n  A:\n    only: \"*\"\n")),
        ),
        (
            "only: [\"*\"]",
            Run::new(&["validate"]).file(&format!("{portals}webhooks:\n  A:\n    only: [\"*\"]\n")),
        ),
        (
            "quoted numbers",
            Run::new(&["validate"]).file("webhooks:\n  \"-1\": {}\n  \"0\": {}\n  \"7\": {}\n"),
        ),
        (
            "--portal https:host",
            Run::new(&["plan", "--portal", "https:docs.example.com"])
                .file("webhooks:\n  A: {}\n")
                .env("DOCSPACE_API_KEY", "sk-test"),
        ),
    ] {
        views += &format!("# {what}\n{}\n", run.run().user_view());
    }
    insta::assert_snapshot!(views, @r#"
    # an empty portal
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `portal` is not an absolute URL (relative URL without a base)
       ,-[webhooks.yaml:1:9]
     1 | portal: ""
       :         ^|
       :          `-- not an absolute http(s) URL
     2 | webhooks:
       `----
      help: write the portal's address, e.g. `https://yourportal.onlyoffice.com`

    ----- end -----

    # only: "*"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `only` must be a list of portal names, found a string
       ,-[webhooks.yaml:5:11]
     4 |   A:
     5 |     only: "*"
       :           ^|^
       :            `-- expected a list of portal names
       `----
      help: `only` has no wildcard: without `only`, every portal gets the entry

    ----- end -----

    # only: ["*"]
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `only` names `*`, which is not a portal of this file
       ,-[webhooks.yaml:5:12]
     4 |   A:
     5 |     only: ["*"]
       :            ^|^
       :             `-- no such portal
       `----
      help: `only` has no wildcard: without `only`, every portal gets the entry; the portals of this file: staging

    ----- end -----

    # quoted numbers
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 3 webhook(s).
    ----- stderr -----
      ! "7" is quoted, so it is a webhook name, not an id
       ,-[webhooks.yaml:4:3]
     3 |   "0": {}
     4 |   "7": {}
       :   ^|^
       :    `-- a name
       `----
      help: write 7 without quotes to manage the webhook with that id

    ----- end -----

    # --portal https:host
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the portal URL from --portal is not usable
      `-> invalid portal URL `https:docs.example.com`: it is not written as `scheme://host`; write it as https://docs.example.com

    ----- end -----
    "#);
}

#[test]
fn a_webhook_file_name_with_control_characters_is_shown_escaped_in_every_read_error() {
    // A repository may hold a file name made to move the cursor or recolour a CI log.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no\u{1b}[2Jpe.yaml");
    let big = dir.path().join("big\u{1b}[2J.yaml");
    std::fs::write(&big, "#".repeat(5 * 1024 * 1024)).unwrap();
    let mut views = String::new();
    for (path, what) in [(&missing, "missing"), (&big, "too large")] {
        let out = Run::new(&["validate", "-f", path.to_str().unwrap()]).run();
        assert!(!out.all().contains('\u{1b}'), "{what}: {out:?}");
        views += &format!("$ validate -f PATH  # {what}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views);
}

/// A webhook's name is quoted escaped in every message about its entry (a warning, a plan's
/// problem, the github annotation): a terminal escape, a bidi override and a line separator
/// are written as `\u{..}`.
#[test]
fn a_name_with_control_characters_is_quoted_escaped_in_every_message() {
    let file = "webhooks:\n  \"A\\e[31mRED\\u202EB\\u2028C\":\n    uri: https://n.example.com/x\n    secretKey: Aa1-seed-secret-xyz\n";
    let portal = FakePortal::start();
    let mut seen = String::new();
    for args in [
        &["validate"][..],
        &["validate", "--format", "github"],
        &["plan"],
    ] {
        let out = Run::new(args).file(file).portal(&portal).run();
        for raw in ['\u{1b}', '\u{202E}', '\u{2028}'] {
            assert!(!out.all().contains(raw), "{args:?} {raw:?}: {out:?}");
        }
        seen += &out.all();
    }
    assert!(
        seen.contains(r"'A\u{1b}[31mRED\u{202e}B\u{2028}C'"),
        "{seen}"
    );
}
