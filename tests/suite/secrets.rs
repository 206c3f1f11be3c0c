//! The API key and every secret must never reach stdout or stderr, whatever happens.

use crate::support::fake_portal::{FakePortal, Seed, Target};
use crate::support::run::{Outcome, Run};

const ENV_SECRET: &str = "Env-Secret-Value-77";
const LITERAL_SECRET: &str = "Literal-Secret-88";

fn file() -> String {
    format!(
        "webhooks:\n  From env:\n    uri: https://a.example.com/h\n    secretKey: ${{HOOK_SECRET}}\n  \
         Literal:\n    uri: https://b.example.com/h\n    secretKey: {LITERAL_SECRET}\n  \
         Existing:\n    uri: https://c.example.com/new\n    secretKey: ${{HOOK_SECRET}}\n"
    )
}

fn assert_clean(out: &Outcome, portal: &FakePortal) {
    let all = out.all();
    for secret in [ENV_SECRET, LITERAL_SECRET, portal.api_key().as_str()] {
        assert!(!all.contains(secret), "{secret:?} leaked:\n{all}");
    }
}

#[test]
fn no_secret_or_key_in_plan_apply_or_their_failures() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Existing", "https://c.example.com/old"));
    let run = |args: &[&str]| {
        Run::new(args)
            .file(&file())
            .portal(&portal)
            .env("HOOK_SECRET", ENV_SECRET)
            .run()
    };

    let plan = run(&["plan"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_clean(&plan, &portal);

    // One write fails at the portal; its error is shown, the secrets are not.
    portal.set_target("https://b.example.com/h", Target::Unreachable);
    let apply = run(&["apply", "--auto-approve"]);
    assert_eq!(apply.code, 1, "{apply:?}");
    assert_clean(&apply, &portal);
    assert_eq!(
        portal
            .webhooks()
            .iter()
            .find(|w| w.name == "From env")
            .unwrap()
            .secret_key,
        ENV_SECRET,
        "the secret did reach the portal"
    );
}

#[test]
fn a_secret_failing_the_policy_is_named_by_variable_not_value() {
    let portal = FakePortal::start();
    let out = Run::new(&["apply", "--auto-approve"])
        .file(&file())
        .portal(&portal)
        .env("HOOK_SECRET", "has spaces in it")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("HOOK_SECRET"), "{out:?}");
    assert!(!out.all().contains("has spaces in it"), "{out:?}");
    assert!(portal.writes().is_empty());
}

#[test]
fn a_refused_key_is_reported_without_echoing_it() {
    let portal = FakePortal::start();
    let out = Run::new(&["plan"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_URL", &portal.url())
        .env("DOCSPACE_API_KEY", "sk-wrong-key-that-must-not-print")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("401"), "{out:?}");
    assert!(
        !out.all().contains("sk-wrong-key-that-must-not-print"),
        "{out:?}"
    );
}

#[test]
fn the_key_is_not_a_command_line_argument() {
    let out = Run::new(&["plan", "--api-key", "sk-x"])
        .file("webhooks: {}\n")
        .run();
    assert_eq!(out.code, 1, "clap rejects the unknown flag: {out:?}");
    let help = Run::new(&["--help"]).run();
    assert!(help.stdout.contains("DOCSPACE_API_KEY"), "{help:?}");
}

#[test]
fn a_variable_set_but_not_utf8_is_reported_so_not_as_unset() {
    // Issue 19: such a variable was reported as "not set", sending the reader to the wrong
    // place. Its value is never shown, not even in part.
    const NOT_UTF8: &[u8] = b"sk-\xff\xfeHidden-Part-42";
    let portal = FakePortal::start();
    portal.seed(Seed::new("From env", "https://a.example.com/old"));
    let fleet = crate::support::fleet::Fleet::start(&["a"]);
    let fleet_var = crate::support::fleet::key_var("a");
    let one =
        "webhooks:\n  From env:\n    uri: https://a.example.com/h\n    secretKey: ${HOOK_SECRET}\n";
    let cases = [
        (
            "DOCSPACE_API_KEY",
            Run::new(&["plan"])
                .file(one)
                .portal(&portal)
                .env_bytes("DOCSPACE_API_KEY", NOT_UTF8),
        ),
        (
            "DOCSPACE_URL",
            Run::new(&["plan"])
                .file(one)
                .portal(&portal)
                .env_bytes("DOCSPACE_URL", NOT_UTF8),
        ),
        (
            "a portal's key variable",
            Run::new(&["plan"])
                .file(&fleet.portals_yaml(&[]))
                .env_bytes(&fleet_var, NOT_UTF8),
        ),
        (
            "a secretKey's variable",
            Run::new(&["apply", "--auto-approve"])
                .file(one)
                .portal(&portal)
                .env_bytes("HOOK_SECRET", NOT_UTF8),
        ),
    ];
    let mut views = String::new();
    for (what, run) in cases {
        let out = run.run();
        assert_eq!(out.code, 1, "{what}: {out:?}");
        assert!(!out.all().contains("Hidden-Part"), "{what}: {out:?}");
        views += &format!("# {what}\n{}\n", out.user_view());
    }
    assert!(portal.writes().is_empty());
    assert_eq!(fleet.request_count(), 0);
    insta::assert_snapshot!(views, @r#"
    # DOCSPACE_API_KEY
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x DOCSPACE_API_KEY is set, but its value is not valid UTF-8
      help: set it to the API key (`sk-...`) of a DocSpace admin, as plain text

    ----- end -----

    # DOCSPACE_URL
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x DOCSPACE_URL is set, but its value is not valid UTF-8
      help: set it to the portal's address, e.g. https://portal.example.com

    ----- end -----

    # a portal's key variable
    exit: 1
    ----- stdout -----
    === portal a ([PORTAL]) ===

    Error: FLEET_KEY_A is set, but its value is not valid UTF-8 (set it to the API key (`sk-...`) of a DocSpace admin, as plain text)

    Total: 0 to create, 0 to update, 0 to delete, 0 unchanged, on 1 portal (1 failed).
    ----- stderr -----
    Portal a failed:
      x FLEET_KEY_A is set, but its value is not valid UTF-8
      help: set it to the API key (`sk-...`) of a DocSpace admin, as plain text

      x 1 of 1 portal(s) failed
      help: each failed portal's section says why; the other portals were planned, and a rerun's plan shows only what is left

    ----- end -----

    # a secretKey's variable
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "From env"
          uri       = "https://a.example.com/old" -> "https://a.example.com/h"
          secretKey = (sensitive)

    Apply will read: HOOK_SECRET

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.
    ----- stderr -----
      x 1 secret(s) could not be resolved; nothing was written

      x environment variable HOOK_SECRET is set, but its value is not valid UTF-8 (secretKey of 'From env')
       ,-[webhooks.yaml:4:16]
     3 |     uri: https://a.example.com/h
     4 |     secretKey: ${HOOK_SECRET}
       :                ^^^^^^^|^^^^^^
       :                       `-- HOOK_SECRET is read here
       `----
      help: set HOOK_SECRET to the secret as text (8 to 30 printable ASCII characters without spaces), or change `secretKey` here

    ----- end -----
    "#);
}

#[test]
fn a_secret_known_only_from_the_environment_in_a_listed_field_is_refused_before_any_request() {
    // The loader cannot know a `${VAR}` secret's value, nor the API key: written into a name, a
    // uri or a targetId, a write would send it and every later list would be refused.
    let portal = FakePortal::start();
    let key = portal.api_key();
    let file = format!(
        "webhooks:\n  Billing:\n    uri: https://a.example.com/h\n    secretKey: ${{HOOK_SECRET}}\n    \
         targetId: {ENV_SECRET}\n  Audit:\n    uri: https://b.example.com/h?key={key}\n    \
         secretKey: ${{HOOK_SECRET}}\n"
    );
    let run = |args: &[&str]| {
        (Run::new(args).file(&file).portal(&portal))
            .env("HOOK_SECRET", ENV_SECRET)
            .run()
    };
    let plan = run(&["plan"]);
    insta::assert_snapshot!(plan.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 2 problems

      x `targetId` holds the secretKey from environment variable HOOK_SECRET
       ,-[webhooks.yaml:5:15]
     4 |     secretKey: ${HOOK_SECRET}
     5 |     targetId: ***                
       :               ^^^^^^^^^|^^^^^^^^^
       :                        `-- holds a secret
     6 |   Audit:
       `----
      help: the portal lists a webhook's name, uri and targetId as they are, and the tool refuses a list that holds a secret: write another value;
            an ordinary word as a secret makes this likely, as names and uris hold such words: a longer random secret ends it

      x `uri` holds the API key from environment variable DOCSPACE_API_KEY
       ,-[webhooks.yaml:7:10]
     6 |   Audit:
     7 |     uri: ***                                                 
       :          ^^^^^^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^^^^^
       :                                    `-- holds a secret
     8 |     secretKey: ${HOOK_SECRET}
       `----
      help: the portal lists a webhook's name, uri and targetId as they are, and the tool refuses a list that holds a secret: write another value;
            an ordinary word as a secret makes this likely, as names and uris hold such words: a longer random secret ends it

    ----- end -----
    ");
    assert_clean(&plan, &portal);
    for args in [&["apply", "--auto-approve"][..], &["validate"]] {
        let out = run(args);
        assert_eq!((out.code, &out.stderr), (1, &plan.stderr), "{args:?}");
    }
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());

    // A portal's own key under `portals:`, in a shared entry's name.
    let fleet = crate::support::fleet::Fleet::start(&["a", "b"]);
    let shared = format!(
        "webhooks:\n  Hook {}:\n    uri: https://c.example.com/h\n",
        fleet.key("b")
    );
    let out = Run::new(&["apply", "--auto-approve"])
        .file(&format!("{}{shared}", fleet.portals_yaml(&[])))
        .fleet(&fleet)
        .run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `name` holds the API key from environment variable FLEET_KEY_B
        ,-[webhooks.yaml:9:3]
      8 | webhooks:
      9 |   ***                             :
        :   ^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^
        :                   `-- holds a secret
     10 |     uri: https://c.example.com/h
        `----
      help: the portal lists a webhook's name, uri and targetId as they are, and the tool refuses a list that holds a secret: write another value;
            an ordinary word as a secret makes this likely, as names and uris hold such words: a longer random secret ends it

    ----- end -----
    ");
    assert_eq!(fleet.request_count(), 0);
}

#[test]
fn a_uri_variable_whose_value_holds_another_secret_is_refused_before_any_request() {
    // The portal would store it, send it to the receiver with every delivery, and list it,
    // which refuses every later list. The value itself is a secret uri: compared only with the
    // run's other secrets.
    let portal = FakePortal::start();
    let key = portal.api_key();
    let file = "webhooks:\n  Billing:\n    uri: ${HOOK_URI}\n    secretKey: ${HOOK_SECRET}\n  \
                Audit:\n    uri: ${KEY_URI}\n    triggers: [file.uploaded]\n  \
                Crm:\n    uri: ${CRM_URI}\n";
    let run = |args: &[&str]| {
        (Run::new(args).file(file).portal(&portal))
            .env("HOOK_SECRET", ENV_SECRET)
            .env(
                "HOOK_URI",
                &format!("https://a.example.com/h?k={ENV_SECRET}"),
            )
            .env("KEY_URI", &format!("https://b.example.com/h/{key}"))
            .env("CRM_URI", "https://c.example.com/crm-hook-7f3a9b2c")
            .run()
    };
    let plan = run(&["plan"]);
    insta::assert_snapshot!(plan.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 2 problems

      x the value of environment variable HOOK_URI (the uri of 'Billing') holds the secretKey from environment variable HOOK_SECRET
       ,-[webhooks.yaml:3:10]
     2 |   Billing:
     3 |     uri: ${HOOK_URI}
       :          ^^^^^|^^^^^
       :               `-- HOOK_URI is read here
     4 |     secretKey: ${HOOK_SECRET}
       `----
      help: the portal lists a webhook's uri as it is and sends each delivery to it: set HOOK_URI to a uri without that secret, or change the secret; its value is never shown

      x the value of environment variable KEY_URI (the uri of 'Audit') holds the API key from environment variable DOCSPACE_API_KEY
       ,-[webhooks.yaml:6:10]
     5 |   Audit:
     6 |     uri: ${KEY_URI}
       :          ^^^^^|^^^^
       :               `-- KEY_URI is read here
     7 |     triggers: [file.uploaded]
       `----
      help: the portal lists a webhook's uri as it is and sends each delivery to it: set KEY_URI to a uri without that secret, or change the secret; its value is never shown

    ----- end -----
    ");
    assert_clean(&plan, &portal);
    let apply = run(&["apply", "--auto-approve"]);
    assert_eq!((apply.code, &apply.stderr), (1, &plan.stderr));
    // `validate` reads the variables too, so it refuses the same; unset, they are no problem
    // of its (it needs no environment).
    let validate = run(&["validate"]);
    assert_eq!((validate.code, &validate.stderr), (1, &plan.stderr));
    let unset = Run::new(&["validate"]).file(file).run();
    assert_eq!((unset.code, unset.stderr.as_str()), (0, ""), "{unset:?}");
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());
}

#[test]
fn an_unused_docspace_api_key_refuses_neither_a_portals_file_nor_its_lists() {
    // A `portals:` file reads each portal's key from its own variable: DOCSPACE_API_KEY, set
    // globally by a pipeline, is sent to no portal, so a name that holds it is no echo of it.
    let fleet = crate::support::fleet::Fleet::start(&["a"]);
    fleet
        .portal("a")
        .seed(Seed::new("Billing sync", "https://a.example.com/x"));
    // Not in the file: only the list check sees it.
    fleet
        .portal("a")
        .seed(Seed::new("Billing export", "https://a.example.com/y"));
    let file = format!(
        "{}webhooks:\n  Billing sync:\n    uri: https://a.example.com/x\n",
        fleet.portals_yaml(&[])
    );
    let mut views = String::new();
    for args in [&["validate"][..], &["plan"]] {
        let out = (Run::new(args).file(&file).fleet(&fleet))
            .env("DOCSPACE_API_KEY", "sk-Billing")
            .run();
        views += &format!("$ {}\n{}\n", args.join(" "), out.user_view());
    }
    insta::assert_snapshot!(views, @r#"
    $ validate
    exit: 0
    ----- stdout -----
    webhooks.yaml is valid: 1 portal(s).
      a ([PORTAL]): 1 webhook(s)
    ----- stderr -----
    ----- end -----

    $ plan
    exit: 0
    ----- stdout -----
    === portal a ([PORTAL]) ===

    Unmanaged (on the portal, not in the file; left alone):
      #2 "Billing export"

    No changes. The portal matches the file.
    Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.

    Total: 0 to create, 0 to update, 0 to delete, 1 unchanged, on 1 portal.
    ----- stderr -----
    ----- end -----
    "#);
}

#[test]
fn a_refused_name_says_whether_it_holds_a_uri_or_text_encoded_too_deeply() {
    // Each is refused as the list check would refuse the list, with the way out that fits: a
    // uri variable's value is no ordinary word, and deep %-encoding is no secret.
    let file = "webhooks:\n  Hook c.example.com/crm-hook-7f3a9b2c:\n    uri: https://a.example.com/x\n  \
                Report 100%25252525252525252525 done:\n    uri: https://b.example.com/x\n    \
                secretKey: ${HOOK_SECRET}\n  Crm:\n    uri: ${CRM_URI}\n";
    let out = (Run::new(&["validate"]).file(file))
        .env("HOOK_SECRET", ENV_SECRET)
        .env("CRM_URI", "https://c.example.com/crm-hook-7f3a9b2c")
        .run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 2 problems

      x `name` holds the uri of `uri: ${CRM_URI}`
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   ***                                 :
       :   ^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^
       :                     `-- holds a secret uri
     3 |     uri: https://a.example.com/x
       `----
      help: a uri read from `uri: ${VAR}` is a secret, `(sensitive)` in plans, and the portal lists a webhook's name and targetId as they are: the tool refuses a list that holds one there; write another value

      x `name` holds text encoded too deeply to check for secrets
       ,-[webhooks.yaml:4:3]
     3 |     uri: https://a.example.com/x
     4 |   ***                                 :
       :   ^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^
       :                     `-- encoded too deeply
     5 |     uri: https://b.example.com/x
       `----
      help: this text is escaped in more layers (`%25` for `%`, ...) than the tool decodes (8): the portal lists a webhook's name, uri and targetId as they are, and a list that cannot be searched for the run's secrets is refused; write it with fewer

    ----- end -----
    ");
}
#[test]
fn a_secret_from_the_environment_is_blanked_in_a_file_that_does_not_load() {
    // The file has another problem, so the environment's secrets are not known from a loaded
    // file: those it names are registered before the problems are shown, and the snippets
    // blank them as a value is blanked, so the marks still point at the unknown trigger.
    let portal = FakePortal::start();
    let key = portal.api_key();
    let file = format!(
        "webhooks:\n  Hook {ENV_SECRET}: {{uri: https://a.example.com/h, secretKey: \"${{HOOK_SECRET}}\", \
         triggers: [file.uploadedd]}}\n  Hook {key}: {{uri: https://b.example.com/h, triggers: [file.uploadedd]}}\n  \
         Billing:\n    uri: https://c.example.com/h\n    secretKey: ${{HOOK_SECRET}}\n    {ENV_SECRET}: 1\n"
    );
    let run = |args: &[&str]| {
        (Run::new(args).file(&file).portal(&portal))
            .env("HOOK_SECRET", ENV_SECRET)
            .run()
    };
    let plan = run(&["plan"]);
    insta::assert_snapshot!(plan.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 3 problems

      x unknown trigger `file.uploadedd`
       ,-[webhooks.yaml:2:100]
     1 | webhooks:
     2 |   Hook ***                : {uri: https://a.example.com/h, secretKey: "${HOOK_SECRET}", triggers: [file.uploadedd]}
       :                                                                                                    ^^^^^^^|^^^^^^
       :                                                                                                           `-- unknown trigger
     3 |   Hook ***                     : {uri: https://b.example.com/h, triggers: [file.uploadedd]}
       `----
      help: did you mean `file.uploaded`?

      x unknown trigger `file.uploadedd`
       ,-[webhooks.yaml:3:76]
     2 |   Hook ***                : {uri: https://a.example.com/h, secretKey: "${HOOK_SECRET}", triggers: [file.uploadedd]}
     3 |   Hook ***                     : {uri: https://b.example.com/h, triggers: [file.uploadedd]}
       :                                                                            ^^^^^^^|^^^^^^
       :                                                                                   `-- unknown trigger
     4 |   Billing:
       `----
      help: did you mean `file.uploaded`?

      x unknown field in a webhook entry
       ,-[webhooks.yaml:7:5]
     6 |     secretKey: ${HOOK_SECRET}
     7 |     ***                : 1
       :     ^^^^^^^^^|^^^^^^^^^
       :              `-- unknown field
       `----
      help: valid fields here: name, uri, secretKey, enabled, ssl, triggers, targetId

    ----- end -----
    "#);
    assert_clean(&plan, &portal);
    for args in [&["apply", "--auto-approve"][..], &["validate"]] {
        let out = run(args);
        assert_eq!((out.code, &out.stderr), (1, &plan.stderr), "{args:?}");
    }
    let json = run(&["validate", "--format", "json"]);
    assert_clean(&json, &portal);
    assert!(portal.requests().is_empty(), "{:?}", portal.requests());

    // A portal's own key under `portals:`, in a shared entry's name.
    let fleet = crate::support::fleet::Fleet::start(&["a", "b"]);
    let shared = format!(
        "webhooks:\n  Hook {}: {{uri: https://c.example.com/h, triggers: [file.uploadedd]}}\n",
        fleet.key("b")
    );
    let out = Run::new(&["apply", "--auto-approve"])
        .file(&format!("{}{shared}", fleet.portals_yaml(&[])))
        .fleet(&fleet)
        .run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x unknown trigger `file.uploadedd`
       ,-[webhooks.yaml:9:79]
     8 | webhooks:
     9 |   Hook ***                        : {uri: https://c.example.com/h, triggers: [file.uploadedd]}
       :                                                                               ^^^^^^^|^^^^^^
       :                                                                                      `-- unknown trigger
       `----
      help: did you mean `file.uploaded`?

    ----- end -----
    ");
    assert!(!out.all().contains(fleet.key("b")), "{out:?}");
    assert_eq!(fleet.request_count(), 0);
}

#[test]
fn an_anchor_or_alias_named_by_a_literal_secret_is_blanked() {
    let file = format!(
        "webhooks:\n  hookA:\n    uri: https://a.example.com/x\n    secretKey: &{LITERAL_SECRET} \
         {LITERAL_SECRET}\n    triggers: [file.uploadedd]\n    targetId: *{LITERAL_SECRET}\n"
    );
    let out = Run::new(&["validate"]).file(&file).run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 2 problems

      x unknown trigger `file.uploadedd`
       ,-[webhooks.yaml:5:16]
     4 |     secretKey: ***                ***              
     5 |     triggers: [file.uploadedd]
       :                ^^^^^^^|^^^^^^
       :                       `-- unknown trigger
     6 |     targetId: ***               
       `----
      help: did you mean `file.uploaded`?

      x `targetId` holds a secretKey written in this file
       ,-[webhooks.yaml:6:15]
     5 |     triggers: [file.uploadedd]
     6 |     targetId: ***               
       :               ^^^^^^^^^|^^^^^^^^
       :                        `-- holds a secret
       `----
      help: the portal lists a webhook's name, uri and targetId as they are, and the tool refuses a list that holds a secret: write another value;
            an ordinary word as a secret makes this likely, as names and uris hold such words: a longer random secret ends it

    ----- end -----
    ");
    assert!(!out.all().contains(LITERAL_SECRET), "{out:?}");
}

/// A literal secretKey in a file that does not load is hidden wherever a message quotes it (a
/// hint naming a portal), written quoted in a flow mapping, as a block scalar, or anchored.
/// A secretKey written as a number is refused, and hidden where a key spells it; a stray `?`
/// that makes a hex secret a key does not show it either.
#[test]
fn a_literal_secret_written_as_a_number_or_made_a_key_is_hidden() {
    let file = "webhooks:\n  Hook:\n    uri: https://a.example.com/x\n    secretKey: 987654321098765432\n  \
                \"987654321098765432\":\n    uri: https://b.example.com/x\n  Other:\n    \
                uri: https://c.example.com/x\n    secretKey: >+\n    ? 4f1c2e9a7b3d5e8f0a6c9d21\n";
    let out = Run::new(&["validate"]).file(file).run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 3 problems

      x `secretKey` must be a string, found an integer
       ,-[webhooks.yaml:4:5]
     3 |     uri: https://a.example.com/x
     4 |     secretKey: ***               
       :     ^^^^|^^^^
       :         `-- expected a string
     5 |   ***                 :
       `----
      help: quote the secret, or better, read it from the environment with `${VAR}`

      x `secretKey` does not meet the portal's secret policy: it is empty
        ,-[webhooks.yaml:9:5]
      8 |     uri: https://c.example.com/x
      9 |     secretKey: >*
        :     ^^^^|^^^^
        :         `-- this secret
     10 |     ? ***                     
        `----
      help: the portal accepts 8 to 30 printable ASCII characters without spaces; keep it out of the file: `secretKey: ${MY_WEBHOOK_SECRET}` reads the environment variable MY_WEBHOOK_SECRET

      x unknown field in a webhook entry
        ,-[webhooks.yaml:10:7]
      9 |     secretKey: >*
     10 |     ? ***                     
        :       ^^^^^^^^^^^^|^^^^^^^^^^^
        :                   `-- unknown field
        `----
      help: valid fields here: name, uri, secretKey, enabled, ssl, triggers, targetId

    ----- end -----
    ");
}

/// A letters-only passphrase a stray `?` makes a key is not shown, in text or JSON, as no
/// field name of the format is 16 letters of one case; a misspelt field still is.
#[test]
fn a_passphrase_made_a_key_is_hidden_and_a_misspelt_field_shown() {
    let file = "webhooks:\n  Hook:\n    uri: https://a.example.com/x\n    secretKey: >+\n    \
                ? correcthorsebatterystaple\n    enabeld: true\n";
    let run = |format: &str| {
        let out = Run::new(&["validate", "--format", format]).file(file).run();
        assert!(!out.all().contains("horse"), "{out:?}");
        out.user_view()
    };
    insta::assert_snapshot!(format!("{}\n{}", run("text"), run("json")), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 3 problems

      x `secretKey` does not meet the portal's secret policy: it is empty
       ,-[webhooks.yaml:4:5]
     3 |     uri: https://a.example.com/x
     4 |     secretKey: >*
       :     ^^^^|^^^^
       :         `-- this secret
     5 |     ? ***                      
       `----
      help: the portal accepts 8 to 30 printable ASCII characters without spaces; keep it out of the file: `secretKey: ${MY_WEBHOOK_SECRET}` reads the environment variable MY_WEBHOOK_SECRET

      x unknown field in a webhook entry
       ,-[webhooks.yaml:5:7]
     4 |     secretKey: >*
     5 |     ? ***                      
       :       ^^^^^^^^^^^^|^^^^^^^^^^^^
       :                   `-- unknown field
     6 |     enabeld: true
       `----
      help: valid fields here: name, uri, secretKey, enabled, ssl, triggers, targetId

      x unknown field `enabeld` in a webhook entry
       ,-[webhooks.yaml:6:5]
     5 |     ? ***                      
     6 |     enabeld: true
       :     ^^^|^^^
       :        `-- unknown field
       `----
      help: did you mean `enabled`?

    ----- end -----

    exit: 1
    ----- stdout -----
    {
      "format_version": 1,
      "valid": false,
      "webhooks": null,
      "errors": 3,
      "warnings": 0,
      "problems": [
        {
          "file": "webhooks.yaml",
          "line": 4,
          "column": 5,
          "end_line": 4,
          "end_column": 14,
          "severity": "error",
          "code": "config::secret_policy",
          "message": "`secretKey` does not meet the portal's secret policy: it is empty",
          "help": "the portal accepts 8 to 30 printable ASCII characters without spaces; keep it out of the file: `secretKey: ${MY_WEBHOOK_SECRET}` reads the environment variable MY_WEBHOOK_SECRET"
        },
        {
          "file": "webhooks.yaml",
          "line": 5,
          "column": 7,
          "end_line": 5,
          "end_column": 32,
          "severity": "error",
          "code": "config::unknown_field",
          "message": "unknown field in a webhook entry",
          "help": "valid fields here: name, uri, secretKey, enabled, ssl, triggers, targetId"
        },
        {
          "file": "webhooks.yaml",
          "line": 6,
          "column": 5,
          "end_line": 6,
          "end_column": 12,
          "severity": "error",
          "code": "config::unknown_field",
          "message": "unknown field `enabeld` in a webhook entry",
          "help": "did you mean `enabled`?"
        }
      ]
    }
    ----- stderr -----
      x the webhook file has 3 problems

      x `secretKey` does not meet the portal's secret policy: it is empty
       ,-[webhooks.yaml:4:5]
     3 |     uri: https://a.example.com/x
     4 |     secretKey: >*
       :     ^^^^|^^^^
       :         `-- this secret
     5 |     ? ***                      
       `----
      help: the portal accepts 8 to 30 printable ASCII characters without spaces; keep it out of the file: `secretKey: ${MY_WEBHOOK_SECRET}` reads the environment variable MY_WEBHOOK_SECRET

      x unknown field in a webhook entry
       ,-[webhooks.yaml:5:7]
     4 |     secretKey: >*
     5 |     ? ***                      
       :       ^^^^^^^^^^^^|^^^^^^^^^^^^
       :                   `-- unknown field
     6 |     enabeld: true
       `----
      help: valid fields here: name, uri, secretKey, enabled, ssl, triggers, targetId

      x unknown field `enabeld` in a webhook entry
       ,-[webhooks.yaml:6:5]
     5 |     ? ***                      
     6 |     enabeld: true
       :     ^^^|^^^
       :        `-- unknown field
       `----
      help: did you mean `enabled`?

    ----- end -----
    "#);
}

/// The file loads, so `validate`'s refusal of a uri variable holding a secret keeps its
/// warnings, in every format.
#[test]
fn validate_refusing_a_uri_variable_keeps_the_file_s_warnings() {
    let file = "webhooks:\n  Hook:\n    uri: ${HOOK}\n    secretKey: ${SK}\n  0755:\n    name: X\n";
    let run = |format: &str| {
        Run::new(&["validate", "--format", format])
            .file(file)
            .env("SK", "Zq8vN2kLp4Rt7Wx1")
            .env("HOOK", "https://h.example.com/in?k=Zq8vN2kLp4Rt7Wx1")
            .run()
            .user_view()
    };
    insta::assert_snapshot!(format!("{}\n{}", run("text"), run("github")), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x the value of environment variable HOOK (the uri of 'Hook') holds the secretKey from environment variable SK
       ,-[webhooks.yaml:3:10]
     2 |   Hook:
     3 |     uri: ${HOOK}
       :          ^^^|^^^
       :             `-- HOOK is read here
     4 |     secretKey: ${SK}
       `----
      help: the portal lists a webhook's uri as it is and sends each delivery to it: set HOOK to a uri without that secret, or change the secret; its value is never shown

      ! `0755` is the id 755, but written plain, YAML 1.1 read it as the number 493 (octal); this tool reads YAML 1.2
       ,-[webhooks.yaml:5:3]
     4 |     secretKey: ${SK}
     5 |   0755:
       :   ^^|^
       :     `-- an id
     6 |     name: X
       `----
      help: write 755, which every YAML version reads as that id

    ----- end -----

    exit: 1
    ----- stdout -----
    ::error file=webhooks.yaml,line=3,col=10,endLine=3,endColumn=17,title=config%3A%3Asecret_in_field::the value of environment variable HOOK (the uri of 'Hook') holds the secretKey from environment variable SK%0Ahelp: the portal lists a webhook's uri as it is and sends each delivery to it: set HOOK to a uri without that secret, or change the secret; its value is never shown
    ::warning file=webhooks.yaml,line=5,col=3,endLine=5,endColumn=7,title=config%3A%3Aquoted_id::`0755` is the id 755, but written plain, YAML 1.1 read it as the number 493 (octal); this tool reads YAML 1.2%0Ahelp: write 755, which every YAML version reads as that id
    ----- stderr -----
      x the webhook file has 1 problem

      x the value of environment variable HOOK (the uri of 'Hook') holds the secretKey from environment variable SK
       ,-[webhooks.yaml:3:10]
     2 |   Hook:
     3 |     uri: ${HOOK}
       :          ^^^|^^^
       :             `-- HOOK is read here
     4 |     secretKey: ${SK}
       `----
      help: the portal lists a webhook's uri as it is and sends each delivery to it: set HOOK to a uri without that secret, or change the secret; its value is never shown

      ! `0755` is the id 755, but written plain, YAML 1.1 read it as the number 493 (octal); this tool reads YAML 1.2
       ,-[webhooks.yaml:5:3]
     4 |     secretKey: ${SK}
     5 |   0755:
       :   ^^|^
       :     `-- an id
     6 |     name: X
       `----
      help: write 755, which every YAML version reads as that id

    ----- end -----
    ");
}

#[test]
fn a_literal_secret_is_hidden_in_the_messages_of_a_file_that_does_not_load() {
    let secrets = ["Lit-Secret-One1", "Lit-Secret-Two2", "Lit-Secret-Three3"];
    let [one, two, three] = secrets;
    let portals: String = (secrets.iter().enumerate())
        .map(|(i, s)| format!("  {s}:\n    url: https://{i}.example.com\n    apiKey: ${{K{i}}}\n"))
        .collect();
    let file = format!(
        "portals:\n{portals}webhooks:\n  One: {{uri: https://a.example.com/x, secretKey: \"{one}\", \
         only: [Lit-Secret-One]}}\n  Two:\n    uri: https://b.example.com/x\n    secretKey: |-\n      \
         {two}\n    only: [Lit-Secret-Two]\n  Three:\n    uri: https://c.example.com/x\n    \
         secretKey: &s {three}\n    only: [Lit-Secret-Three]\n"
    );
    let out = Run::new(&["validate"]).file(&file).run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 3 problems

      x `only` names `Lit-Secret-One`, which is not a portal of this file
        ,-[webhooks.yaml:12:76]
     11 | webhooks:
     12 |   One: {uri: https://a.example.com/x, secretKey: ***              , only: [Lit-Secret-One]}
        :                                                                            ^^^^^^^|^^^^^^
        :                                                                                   `-- no such portal
     13 |   Two:
        `----
      help: did you mean `[redacted]`?

      x `only` names `Lit-Secret-Two`, which is not a portal of this file
        ,-[webhooks.yaml:17:12]
     16 |       ***            
     17 |     only: [Lit-Secret-Two]
        :            ^^^^^^^|^^^^^^
        :                   `-- no such portal
     18 |   Three:
        `----
      help: did you mean `[redacted]`?

      x `only` names `Lit-Secret-Three`, which is not a portal of this file
        ,-[webhooks.yaml:21:12]
     20 |     secretKey: &s ***              
     21 |     only: [Lit-Secret-Three]
        :            ^^^^^^^^|^^^^^^^
        :                    `-- no such portal
        `----
      help: did you mean `[redacted]`?

    ----- end -----
    ");
    let json = Run::new(&["validate", "--format", "json"])
        .file(&file)
        .run();
    insta::assert_snapshot!(json.user_view(), @r#"
    exit: 1
    ----- stdout -----
    {
      "format_version": 1,
      "valid": false,
      "webhooks": null,
      "errors": 3,
      "warnings": 0,
      "problems": [
        {
          "file": "webhooks.yaml",
          "line": 12,
          "column": 76,
          "end_line": 12,
          "end_column": 90,
          "severity": "error",
          "code": "config::unknown_portal",
          "message": "`only` names `Lit-Secret-One`, which is not a portal of this file",
          "help": "did you mean `[redacted]`?"
        },
        {
          "file": "webhooks.yaml",
          "line": 17,
          "column": 12,
          "end_line": 17,
          "end_column": 26,
          "severity": "error",
          "code": "config::unknown_portal",
          "message": "`only` names `Lit-Secret-Two`, which is not a portal of this file",
          "help": "did you mean `[redacted]`?"
        },
        {
          "file": "webhooks.yaml",
          "line": 21,
          "column": 12,
          "end_line": 21,
          "end_column": 28,
          "severity": "error",
          "code": "config::unknown_portal",
          "message": "`only` names `Lit-Secret-Three`, which is not a portal of this file",
          "help": "did you mean `[redacted]`?"
        }
      ]
    }
    ----- stderr -----
      x the webhook file has 3 problems

      x `only` names `Lit-Secret-One`, which is not a portal of this file
        ,-[webhooks.yaml:12:76]
     11 | webhooks:
     12 |   One: {uri: https://a.example.com/x, secretKey: ***              , only: [Lit-Secret-One]}
        :                                                                            ^^^^^^^|^^^^^^
        :                                                                                   `-- no such portal
     13 |   Two:
        `----
      help: did you mean `[redacted]`?

      x `only` names `Lit-Secret-Two`, which is not a portal of this file
        ,-[webhooks.yaml:17:12]
     16 |       ***            
     17 |     only: [Lit-Secret-Two]
        :            ^^^^^^^|^^^^^^
        :                   `-- no such portal
     18 |   Three:
        `----
      help: did you mean `[redacted]`?

      x `only` names `Lit-Secret-Three`, which is not a portal of this file
        ,-[webhooks.yaml:21:12]
     20 |     secretKey: &s ***              
     21 |     only: [Lit-Secret-Three]
        :            ^^^^^^^^|^^^^^^^
        :                    `-- no such portal
        `----
      help: did you mean `[redacted]`?

    ----- end -----
    "#);
}

/// A `uri: ${VAR}` after a tab, or in a block scalar, in a file that does not load: its value is
/// hidden in every spelling a uri with a token has, as after a space (the key is found on the
/// line however it is spaced, and a value whose key is not on its line is taken as a uri too).
#[test]
fn a_uri_variable_after_a_tab_or_in_a_block_scalar_is_hidden_when_the_file_does_not_load() {
    let token = "Tok9aQ7zLm3Rp";
    for uri in ["uri:\t${U}", "uri: >-\n      ${U}"] {
        let file = format!(
            "webhooks:\n  a:\n    {uri}\n    name: h.example.com/x/{token} ok\n    enabled: maybe\n"
        );
        let out = Run::new(&["validate"])
            .file(&file)
            .env("U", &format!("https://h.example.com/x/{token}"))
            .run();
        assert_eq!(out.code, 1, "{out:?}");
        assert!(out.stderr.contains("must be true or false"), "{out:?}");
        assert!(!out.all().contains(token), "{uri:?}: {out:?}");
    }
}

/// A key YAML reads as a number is no name either when it is in a secret's shape (a numeric
/// secretKey a stray `?` made a key): blanked, as the same key quoted is; an id is shown.
#[test]
fn a_number_made_a_key_in_a_secrets_shape_is_hidden_and_an_id_shown() {
    let file = "webhooks:\n  Hook:\n    uri: https://a.example.com/x\n    \
                ? 98765432109876\n  0x1f2e3d4c5b6a7980: {}\n  12345:\n    enabeld: true\n";
    let out = Run::new(&["validate"]).file(file).run();
    for secret in ["98765432109876", "0x1f2e3d4c5b6a7980"] {
        assert!(!out.all().contains(secret), "{out:?}");
    }
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 3 problems

      x unknown field in a webhook entry
       ,-[webhooks.yaml:4:7]
     3 |     uri: https://a.example.com/x
     4 |     ? ***           
       :       ^^^^^^^|^^^^^^
       :              `-- unknown field
     5 |   ***               : {}
       `----
      help: valid fields here: name, uri, secretKey, enabled, ssl, triggers, targetId

      x a webhook id is out of range
       ,-[webhooks.yaml:5:3]
     4 |     ? ***           
     5 |   ***               : {}
       :   ^^^^^^^^^|^^^^^^^^
       :            `-- not a webhook id
     6 |   12345:
       `----
      help: ids are positive 32-bit integers, as the portal shows them

      x unknown field `enabeld` in a webhook entry
       ,-[webhooks.yaml:7:5]
     6 |   12345:
     7 |     enabeld: true
       :     ^^^|^^^
       :        `-- unknown field
       `----
      help: did you mean `enabled`?

    ----- end -----
    ");
}

/// A secret split by a line end (a block scalar) is refused as the list check finds it, and its
/// pieces are blanked in the snippet, each on its own line; one split by a space in a usage
/// error is hidden with the quotes around it kept.
#[test]
fn a_secret_split_by_a_line_end_or_a_space_is_hidden_where_it_is_quoted() {
    let file = "webhooks:\n  Billing:\n    uri: https://a.example.com/h\n    \
                secretKey: ${HOOK_SECRET}\n    targetId: |\n      Env-Secret-\n      Value-77\n";
    let out = (Run::new(&["validate"]).file(file))
        .env("HOOK_SECRET", ENV_SECRET)
        .run();
    for piece in ["Env-Secret-", "Value-77"] {
        assert!(!out.all().contains(piece), "{out:?}");
    }
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x `targetId` holds the secretKey from environment variable HOOK_SECRET
       ,-[webhooks.yaml:6:7]
     5 |     targetId: |
     6 |       ***        
       :       ^^^^^|^^^^^
       :            `-- holds a secret
     7 |       ***     
       `----
      help: the portal lists a webhook's name, uri and targetId as they are, and the tool refuses a list that holds a secret: write another value;
            an ordinary word as a secret makes this likely, as names and uris hold such words: a longer random secret ends it

    ----- end -----
    ");
    let key = "sk-pasted-0123456789abcdef";
    let out = Run::new(&["status", "--since", "sk-pasted-0123 456789abcdef"])
        .env("DOCSPACE_API_KEY", key)
        .run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: invalid value '[redacted]' for '--since <DURATION>': "[redacted]" does not start with a whole number (24h, 30m, 7d)

    For more information, try '--help'.
    ----- end -----
    "#);
}
