//! `export --out FILE`: written whole or not at all, and an existing file is kept unless
//! `--force` says otherwise.

use crate::support::fake_portal::{FakePortal, Fault, FaultKind, Seed};
use crate::support::run::Run;
use crate::support::view::stable;

const LIST: &str = "/api/2.0/settings/webhook";

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h").enabled(false));
    portal.seed(Seed::new("Billing", "https://billing.example.com/h"));
    portal
}

/// `export`'s stdout, and its entries alone (without the header comments and `portal:`).
fn export_body(portal: &FakePortal) -> (String, String) {
    let exported = Run::new(&["export"]).portal(portal).run();
    assert_eq!(exported.code, 0, "{exported:?}");
    let body = (exported.stdout.lines())
        .filter(|l| !l.starts_with('#') && !l.starts_with("portal:"))
        .map(|l| format!("{l}\n"))
        .collect();
    (exported.stdout, body)
}

/// The export read back as the file, with `--prune`: what a new user's first plan shows.
fn plan_pruned(portal: &FakePortal, exported: &str) -> crate::support::run::Outcome {
    Run::new(&["plan", "--prune", "--detailed-exitcode"])
        .file(exported)
        .portal(portal)
        .run()
}

/// Files in the run's directory, temporary ones included.
fn files(run: &Run) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(run.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn export_out_writes_the_config_that_stdout_would_have_shown() {
    let portal = portal();
    let printed = Run::new(&["export"]).portal(&portal).run();
    assert_eq!(printed.code, 0, "{printed:?}");

    let run = Run::new(&["export", "--out", "webhooks.yaml"]).portal(&portal);
    let out = run.run();
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 0
    ----- stdout -----
    ----- stderr -----
    Exported 2 webhook(s) from [PORTAL] to webhooks.yaml.
    ----- end -----
    ");
    let written = std::fs::read_to_string(run.path("webhooks.yaml")).unwrap();
    assert_eq!(written, printed.stdout);
    assert_eq!(files(&run), ["webhooks.yaml"], "no temporary file is left");

    let plan = Run::new(&[
        "plan",
        "--prune",
        "-f",
        run.path("webhooks.yaml").to_str().unwrap(),
    ])
    .portal(&portal)
    .run();
    assert_eq!(plan.code, 0, "{plan:?}");
    insta::assert_snapshot!(plan.user_view(), @"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

    No changes. The portal matches the file.
    Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged.
    ----- stderr -----
    ----- end -----
    ");
}

/// A path is one line of the message, whatever its name holds: a line break or ESC in it is
/// escaped in the note of what was written and in the refusal to replace it.
#[test]
fn export_out_shows_a_path_with_control_characters_escaped() {
    let portal = portal();
    let path = "it's\nhooks\u{1b}[2J.yaml";
    let run = Run::new(&["export", "--out", path]).portal(&portal);
    let written = run.run();
    let again = Run::new(&["export", "--out", run.path(path).to_str().unwrap()])
        .portal(&portal)
        .run();
    insta::assert_snapshot!(written.user_view() + &again.user_view(), @r"
    exit: 0
    ----- stdout -----
    ----- stderr -----
    Exported 2 webhook(s) from [PORTAL] to it's\nhooks\u{1b}[2J.yaml.
    ----- end -----
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to write [TMP]/it's\nhooks\u{1b}[2J.yaml: it already exists; nothing was written
      help: pass --force to replace it (after reviewing what it holds), or choose another path

    ----- end -----
    ");
}

#[test]
fn a_failed_export_leaves_no_file_and_never_replaces_one() {
    let portal = portal();
    portal.inject(Fault::new("GET", LIST, FaultKind::html(503)).times(100));
    let run = Run::new(&["export", "--retries", "0", "--out", "webhooks.yaml"]).portal(&portal);
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(files(&run).is_empty(), "{:?}", files(&run));

    // Replacing is allowed, but only by a complete export.
    let run = Run::new(&[
        "export",
        "--retries",
        "0",
        "--force",
        "--out",
        "webhooks.yaml",
    ])
    .portal(&portal);
    std::fs::write(run.path("webhooks.yaml"), "reviewed\n").unwrap();
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        std::fs::read_to_string(run.path("webhooks.yaml")).unwrap(),
        "reviewed\n"
    );
    assert_eq!(files(&run), ["webhooks.yaml"]);

    // A portal that is not there at all.
    let gone = FakePortal::start();
    let url = gone.url();
    drop(gone);
    let run = Run::new(&["export", "--retries", "0", "--out", "webhooks.yaml"])
        .env("DOCSPACE_URL", &url)
        .env("DOCSPACE_API_KEY", "sk-test");
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(files(&run).is_empty(), "{:?}", files(&run));
}

#[test]
fn an_existing_file_is_replaced_only_with_force() {
    let portal = portal();
    let run = Run::new(&["export", "--out", "webhooks.yaml"]).portal(&portal);
    std::fs::write(run.path("webhooks.yaml"), "reviewed\n").unwrap();
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to write webhooks.yaml: it already exists; nothing was written
      help: pass --force to replace it (after reviewing what it holds), or choose another path

    ----- end -----
    ");
    assert_eq!(
        std::fs::read_to_string(run.path("webhooks.yaml")).unwrap(),
        "reviewed\n"
    );
    assert!(
        portal.requests().is_empty(),
        "refused before asking the portal"
    );

    let run = Run::new(&["export", "--out", "webhooks.yaml", "--force"]).portal(&portal);
    std::fs::write(run.path("webhooks.yaml"), "reviewed\n").unwrap();
    let out = run.run();
    assert_eq!(out.code, 0, "{out:?}");
    let written = std::fs::read_to_string(run.path("webhooks.yaml")).unwrap();
    insta::assert_snapshot!(stable(&written), @r#"
    # Exported from [PORTAL] by docspace-webhooks.
    # secretKey is write-only: the portal never returns it, so none is exported. To manage a
    # webhook's secret, add `secretKey: ${SOME_VAR}` to its entry and run
    # `docspace-webhooks apply --rotate-secrets` with SOME_VAR set.
    portal: "[PORTAL]"
    webhooks:
      "Crm": # id 1
        uri: "https://crm.example.com/h"
        enabled: false
        ssl: true
        triggers: ["*"]
      "Billing": # id 2
        uri: "https://billing.example.com/h"
        enabled: true
        ssl: true
        triggers: ["*"]
    "#);

    let out = Run::new(&["export", "--force"]).portal(&portal).run();
    assert_eq!(out.code, 1, "--force needs --out: {out:?}");
}

/// A symbolic link is refused, with `--force` too, before the portal is asked: the rename would
/// replace the link, and the file it points at would keep the old text.
#[test]
#[cfg(unix)]
fn a_symbolic_link_is_refused_even_with_force() {
    let portal = portal();
    let run = Run::new(&["export", "--out", "webhooks.yaml", "--force"]).portal(&portal);
    std::fs::create_dir(run.path("repo")).unwrap();
    std::fs::write(run.path("repo/webhooks.yaml"), "reviewed\n").unwrap();
    std::os::unix::fs::symlink("repo/webhooks.yaml", run.path("webhooks.yaml")).unwrap();
    let out = run.run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write webhooks.yaml
      `-> it is a symbolic link, which the new file would replace rather than update: give the path of the file it points at

    ----- end -----
    ");
    assert_eq!(
        std::fs::read_to_string(run.path("repo/webhooks.yaml")).unwrap(),
        "reviewed\n"
    );
    let link = std::fs::symlink_metadata(run.path("webhooks.yaml")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(
        portal.requests().is_empty(),
        "refused before asking the portal"
    );
}

/// A name no file may write (blank, or past the portal's 50 characters, which older portals or
/// another client may have stored) is keyed by id and left out with a comment, as an unwritable
/// uri is, and so is a targetId past the file's 255 characters: the export still validates and
/// plans with no changes.
#[test]
fn a_name_or_target_no_file_may_write_is_left_out() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("", "https://blank.example.com/h"));
    portal.seed(Seed::new(&"x".repeat(60), "https://long.example.com/h"));
    portal.seed(Seed::new("Fine", "https://fine.example.com/h").target(&"t".repeat(256)));
    let (exported, body) = export_body(&portal);
    insta::assert_snapshot!(body, @r#"
    webhooks:
      1:
        # name left out: the portal's name is not one a file may write (blank, or too long); the portal keeps its own
        uri: "https://blank.example.com/h"
        enabled: true
        ssl: true
        triggers: ["*"]
      2:
        # name left out: the portal's name is not one a file may write (blank, or too long); the portal keeps its own
        uri: "https://long.example.com/h"
        enabled: true
        ssl: true
        triggers: ["*"]
      "Fine": # id 3
        uri: "https://fine.example.com/h"
        enabled: true
        ssl: true
        triggers: ["*"]
        # targetId left out: the portal's targetId is longer than a file may write; the portal keeps its own
    "#);
    let planned = plan_pruned(&portal, &exported);
    assert_eq!(planned.code, 0, "no changes: {planned:?}");
}

/// A blank name is keyed by its id, `1:`; a webhook named "1" beside it is keyed by its own id
/// too, with its name as a field: keyed `"1":`, it drew the quoted-id warning, whose help (write
/// `1` without quotes) would make its key the other webhook's. Read back, the export warns of
/// nothing and plans no changes.
#[test]
fn a_name_that_reads_as_an_id_is_keyed_by_its_own_id() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("", "https://blank.example.com/h"));
    portal.seed(Seed::new("1", "https://one.example.com/h"));
    let (exported, body) = export_body(&portal);
    insta::assert_snapshot!(body, @r#"
    webhooks:
      1:
        # name left out: the portal's name is not one a file may write (blank, or too long); the portal keeps its own
        uri: "https://blank.example.com/h"
        enabled: true
        ssl: true
        triggers: ["*"]
      2:
        name: "1"
        uri: "https://one.example.com/h"
        enabled: true
        ssl: true
        triggers: ["*"]
    "#);
    let planned = plan_pruned(&portal, &exported);
    insta::assert_snapshot!(planned.user_view(), @"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

    No changes. The portal matches the file.
    Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged.
    ----- stderr -----
    ----- end -----
    ");
}
