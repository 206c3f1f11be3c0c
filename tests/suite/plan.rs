use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

/// A portal with one webhook the file leaves alone, one it changes and one it does not mention.
fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Audit", "https://audit.example.com/h"));
    portal.seed(
        Seed::new("Crm", "https://crm.example.com/h")
            .triggers(128 | 1024)
            .target("room-1"),
    );
    portal.seed(Seed::new("Legacy", "https://legacy.example.com/h"));
    portal
}

const FILE: &str = "\
webhooks:
  Audit:
    uri: https://audit.example.com/h
  Crm:
    ssl: false
    triggers: [file.created, file.uploaded]
  Billing:
    uri: https://billing.example.com/h
    secretKey: ${BILLING_SECRET}
";

#[test]
fn plan_sends_one_get_and_writes_nothing() {
    let portal = portal();
    let before = portal.webhooks();
    let out = Run::new(&["plan"]).file(FILE).portal(&portal).run();
    assert_eq!(out.code, 0, "{out:?}");
    let requests = portal.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/api/2.0/settings/webhook");
    assert_eq!(portal.webhooks(), before);
}

#[test]
fn plan_shows_each_change_field_by_field() {
    let portal = portal();
    let out = Run::new(&["plan"]).file(FILE).portal(&portal).run();
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #2 "Crm"
          ssl       = true -> false
          triggers  + file.uploaded
                    - file.trashed

      + create "Billing"
          name      = "Billing"
          uri       = "https://billing.example.com/h"
          secretKey = (sensitive)
          enabled   = true
          ssl       = true
          triggers  = [*]

    Unmanaged (on the portal, not in the file; left alone):
      #3 "Legacy"

    Apply will read: BILLING_SECRET

    Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
    ----- end -----
    "#);
    let text = &out.stdout;
    assert!(!text.contains("targetId"), "unmanaged field shown: {text}");
    assert!(!text.contains('\u{1b}'), "piped output is plain: {text:?}");
}

#[test]
fn detailed_exitcode_is_2_with_changes_and_0_without() {
    let portal = portal();
    let changed = Run::new(&["plan", "--detailed-exitcode"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(changed.code, 2, "{changed:?}");
    let clean = Run::new(&["plan", "--detailed-exitcode"])
        .file("webhooks:\n  Audit:\n    enabled: true\n")
        .portal(&portal)
        .run();
    assert_eq!(clean.code, 0, "{clean:?}");
    insta::assert_snapshot!(clean.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

    Unmanaged (on the portal, not in the file; left alone):
      #2 "Crm"
      #3 "Legacy"

    No changes. The portal matches the file.
    Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.
    ----- stderr -----
    ----- end -----
    "#);
}

#[test]
fn color_is_forced_with_color_always() {
    let portal = portal();
    let out = Run::new(&["plan", "--color", "always"])
        .file(FILE)
        .portal(&portal)
        .run();
    assert!(out.stdout.contains('\u{1b}'), "{out:?}");
    let out = Run::new(&["plan"])
        .file(FILE)
        .portal(&portal)
        .env("CLICOLOR_FORCE", "1")
        .run();
    assert!(out.stdout.contains('\u{1b}'), "CLICOLOR_FORCE: {out:?}");
}

/// Help and usage errors come from clap before the command runs; `--color` decides them too,
/// wherever it is on the line, over the environment, the last one given when it is repeated.
#[test]
fn color_flag_decides_help_and_usage_errors() {
    let colored = |args: &[&str], force: &str| {
        let out = Run::new(args).env("CLICOLOR_FORCE", force).run();
        (out.code, out.all().contains('\u{1b}'))
    };
    let (help, bad) = (["plan", "--help"], ["plan", "--bogus"]);
    assert_eq!(
        colored(&["--color", "never", "plan", "--help"], "1"),
        (0, false)
    );
    assert_eq!(
        colored(&["plan", "--bogus", "--color=never"], "1"),
        (1, false)
    );
    assert_eq!(
        colored(&["--color=always", "plan", "--help"], ""),
        (0, true)
    );
    assert_eq!(
        colored(&["plan", "--bogus", "--color", "always"], ""),
        (1, true)
    );
    // Given twice (an alias's and the user's), the last one decides, as after the command.
    assert_eq!(
        colored(&["--color", "never", "--color", "always", "--help"], ""),
        (0, true)
    );
    assert_eq!(
        colored(
            &["-q", "-q", "--color=always", "--color=never", "--help"],
            "1"
        ),
        (0, false)
    );
    // Without the flag, the environment decides, as before.
    assert_eq!(
        (colored(&help, "1"), colored(&bad, "1")),
        ((0, true), (1, true))
    );
    assert_eq!(
        (colored(&help, ""), colored(&bad, "")),
        ((0, false), (1, false))
    );
}

#[test]
fn an_ambiguous_name_is_an_error_at_the_entry_listing_the_ids() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Twin", "https://a.example.com/h"));
    portal.seed(Seed::new("Twin", "https://b.example.com/h"));
    let out = Run::new(&["plan"])
        .file("webhooks:\n  Twin:\n    enabled: false\n")
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x 2 live webhooks are named "Twin" (ids 1, 2)
       ,-[webhooks.yaml:2:3]
     1 | webhooks:
     2 |   Twin:
       :   ^^|^
       :     `-- matches more than one webhook
     3 |     enabled: false
       `----
      help: key the entry by id instead, e.g. `1:`, and add an entry per webhook you mean to manage

    ----- end -----
    "#);
}
