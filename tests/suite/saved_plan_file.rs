//! The saved plan as a file: its SHA-256 pins the reviewed plan, `apply` reads only a regular
//! file of bounded size, and `plan --out` writes atomically and never over another file.

use std::path::Path;

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

const FILE: &str = "webhooks:\n  Crm:\n    ssl: false\n";
/// `MAX_PLAN_BYTES` in `src/commands/saved_file.rs`.
const MAX_PLAN_BYTES: u64 = 64 * 1024 * 1024;

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    portal
}

fn sha256(bytes: &[u8]) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn apply(portal: &FakePortal, plan: &Path, extra: &[&str]) -> crate::support::run::Outcome {
    let mut args = vec!["apply", plan.to_str().unwrap()];
    args.extend_from_slice(extra);
    Run::new(&args).reviewed(plan).portal(portal).run()
}

/// Files in `dir` that a save may have left behind.
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

#[test]
fn plan_out_prints_the_files_sha256_and_apply_holds_to_it() {
    let portal = portal();
    let run = Run::new(&["plan", "--format", "json", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal);
    let out = run.run();
    assert_eq!(out.code, 0, "{out:?}");
    serde_json::from_str::<serde_json::Value>(&out.stdout).expect("stdout is one JSON document");
    let path = run.path("plan.json");
    let digest = sha256(&std::fs::read(&path).unwrap());
    portal.clear_requests();
    assert!(
        out.stderr.contains(&format!("SHA-256 {digest}"))
            && out.stderr.contains(&format!("--expect-digest {digest}")),
        "{out:?}"
    );

    let wrong = "0".repeat(64);
    let refused = apply(&portal, &path, &["--expect-digest", &wrong]);
    assert_eq!(refused.code, 1, "{refused:?}");
    insta::assert_snapshot!(refused.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x [TMP]/plan.json has SHA-256 [SHA256], not the [SHA256] given with --expect-digest; nothing was written
      help: the file is not the plan that was approved: apply the approved file, or review this one and pass its digest

    ----- end -----
    ");
    assert!(
        refused
            .stderr
            .contains(&format!("has SHA-256 {digest}, not the {wrong}")),
        "{refused:?}"
    );
    assert!(
        portal.requests().is_empty(),
        "refused before the portal is asked"
    );

    let out = apply(&portal, &path, &["--expect-digest", &digest.to_uppercase()]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.writes().len(), 1, "{:?}", portal.writes());
}

#[test]
fn apply_reads_only_a_regular_file_of_bounded_size() {
    let portal = portal();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("plan.fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(MAX_PLAN_BYTES + 1)
        .unwrap();
    // Nothing ever writes to the FIFO: reading it would hang (Run bounds every run).
    let cases = [
        (fifo.as_path(), "a FIFO"),
        (Path::new("/dev/zero"), "a device"),
        (dir.path(), "a directory"),
        (huge.as_path(), "64 MiB and a byte"),
    ];
    let mut views = String::new();
    for (path, what) in cases {
        let out = apply(&portal, path, &[]);
        assert_eq!(out.code, 1, "{path:?}: {out:?}");
        assert!(portal.requests().is_empty(), "{path:?}");
        views += &format!("$ apply PLAN_FILE  # {what}\n{}\n", out.user_view());
    }
    insta::assert_snapshot!(views, @"
    $ apply PLAN_FILE  # a FIFO
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to read [TMP]/plan.fifo as a saved plan: it is a FIFO, not a regular file; nothing was written
      help: pass the file `plan --out` wrote

    ----- end -----

    $ apply PLAN_FILE  # a device
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to read /dev/zero as a saved plan: it is a device, not a regular file; nothing was written
      help: pass the file `plan --out` wrote

    ----- end -----

    $ apply PLAN_FILE  # a directory
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to read [TMP] as a saved plan: it is a directory, not a regular file; nothing was written
      help: pass the file `plan --out` wrote

    ----- end -----

    $ apply PLAN_FILE  # 64 MiB and a byte
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to read [TMP]/huge.json as a saved plan: it is larger than 64 MiB, more than any saved plan; nothing was written
      help: pass the file `plan --out` wrote

    ----- end -----
    ");
}

#[test]
fn a_plan_of_five_thousand_changes_fits_with_room_to_spare() {
    const CHANGES: usize = 5_000;
    let portal = FakePortal::start();
    // Every event listed by name: the longest `triggers` a plan can hold.
    let every: u64 = docspace_webhooks::triggers::TRIGGERS
        .iter()
        .fold(0, |bits, t| bits | t.bit);
    let mut file = String::from("webhooks:\n");
    for i in 0..CHANGES {
        let name = format!("Webhook number {i} of the integration");
        portal.seed(
            Seed::new(
                &name,
                &format!("https://hooks{i}.example.com/docspace/events"),
            )
            .triggers(every),
        );
        file.push_str(&format!("  {name}: {{ssl: false}}\n"));
    }
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(&file)
        .portal(&portal);
    let out = run.run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = run.path("plan.json");
    let size = std::fs::metadata(&path).unwrap().len();
    eprintln!("a saved plan of {CHANGES} changes: {size} bytes");
    assert!(
        size * 4 < MAX_PLAN_BYTES,
        "{CHANGES} changes take {size} bytes; the limit should leave a wide margin"
    );
    // Read back whole: the stale check only runs on a plan that was read and understood.
    portal.update_stored(1, |w| w.enabled = false);
    let out = apply(&portal, &path, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Read the saved plan [TMP]/plan.json (SHA-256 [SHA256]).
      x the saved plan is stale, nothing was written:
      |   - #1 "Webhook number 0 of the integration" changed on the portal: enabled true -> false
      help: the portal changed after the plan was made; run `plan --out` again and review it

    ----- end -----
    "#);
    assert!(portal.writes().is_empty());
}

#[test]
fn plan_out_never_overwrites_a_file_that_is_not_a_saved_plan() {
    let portal = portal();
    let mut views = String::new();
    for target in ["webhooks.yaml", "notes.txt", "sub"] {
        let run = Run::new(&["plan", "--out", target])
            .file(FILE)
            .portal(&portal);
        std::fs::write(run.path("notes.txt"), "{\"kind\": \"something else\"}\n").unwrap();
        std::fs::create_dir(run.path("sub")).unwrap();
        let out = run.run();
        assert_eq!(out.code, 1, "{target}: {out:?}");
        views += &format!("$ plan --out {target}\n{}\n", out.user_view());
        assert_eq!(
            std::fs::read_to_string(run.path("webhooks.yaml")).unwrap(),
            FILE
        );
        assert_eq!(
            std::fs::read_to_string(run.path("notes.txt")).unwrap(),
            "{\"kind\": \"something else\"}\n"
        );
        assert!(temporary_files(&run.path(".")).is_empty());
    }
    insta::assert_snapshot!(views, @"
    $ plan --out webhooks.yaml
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to save the plan to webhooks.yaml: it exists and is not a saved plan, and only a saved plan is overwritten; nothing was saved
      help: choose another --out path, e.g. webhooks.plan.json

    ----- end -----

    $ plan --out notes.txt
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to save the plan to notes.txt: it exists and is not a saved plan, and only a saved plan is overwritten; nothing was saved
      help: choose another --out path, e.g. webhooks.plan.json

    ----- end -----

    $ plan --out sub
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to save the plan to sub: it is a directory, not a regular file, and only a saved plan is overwritten; nothing was saved
      help: choose another --out path, e.g. webhooks.plan.json

    ----- end -----
    ");

    // A saved plan is replaced by the new one.
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal);
    assert_eq!(run.run().code, 0);
    let first = std::fs::read_to_string(run.path("plan.json")).unwrap();
    portal.seed(Seed::new("New", "https://new.example.com/h"));
    assert_eq!(run.run().code, 0);
    let second = std::fs::read_to_string(run.path("plan.json")).unwrap();
    assert_ne!(
        first, second,
        "the new plan lists the new unmanaged webhook"
    );
    assert!(second.contains("\"New\""));

    // A link to a saved plan is refused: the rename would replace the link, and whoever reads
    // its target would go on reading the old plan.
    std::os::unix::fs::symlink(run.path("plan.json"), run.path("link.json")).unwrap();
    let link = run.path("link.json").display().to_string();
    let out = Run::new(&["plan", "--out", &link])
        .file(FILE)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write [TMP]/link.json
      `-> it is a symbolic link, which the new file would replace rather than update: give the path of the file it points at

    ----- end -----
    ");
    assert!(
        std::fs::symlink_metadata(run.path("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(run.path("plan.json")).unwrap(),
        second
    );
}

/// A path that cannot be written is said of the path given, not of the temporary file, and
/// before the portal is asked.
#[test]
fn an_out_path_in_a_missing_folder_or_ending_in_a_slash_says_so() {
    let portal = portal();
    let mut views = String::new();
    for args in [
        ["plan", "--out", "missing/deeper/plan.json"],
        ["plan", "--out", "missing/"],
        ["export", "--out", "missing/webhooks.yaml"],
        ["export", "--out", "webhooks.yaml/x.yaml"],
    ] {
        let out = Run::new(&args).file(FILE).portal(&portal).run();
        views += &format!("$ {}\n{}\n", args.join(" "), out.user_view());
    }
    insta::assert_snapshot!(views, @"
    $ plan --out missing/deeper/plan.json
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write missing/deeper/plan.json
      `-> the folder missing/deeper does not exist

    ----- end -----

    $ plan --out missing/
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write missing/
      `-> the path ends with `/`, which names a folder, not a file

    ----- end -----

    $ export --out missing/webhooks.yaml
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write missing/webhooks.yaml
      `-> the folder missing does not exist

    ----- end -----

    $ export --out webhooks.yaml/x.yaml
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write webhooks.yaml/x.yaml
      `-> webhooks.yaml is not a folder

    ----- end -----
    ");
    assert_eq!(
        portal.requests().len(),
        0,
        "refused before asking the portal"
    );
}

#[test]
fn a_save_that_fails_leaves_the_old_file_and_no_temporary_one() {
    let portal = portal();
    // No file may grow past 0 bytes: the write of the temporary file fails (EFBIG).
    let limited = r#"trap '' XFSZ; ulimit -f 0; exec "$0" "$@""#;
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal)
        .shell(limited);
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write plan.json
      `-> File too large (os error 27) at path "[TMP]/./.docspace-webhooks-plan-[RANDOM].tmp"

    ----- end -----
    "#);
    assert!(!run.path("plan.json").exists());
    assert!(temporary_files(&run.path(".")).is_empty(), "{out:?}");

    let unlimited = Run::new(&["plan", "--out", "plan.json"])
        .file(FILE)
        .portal(&portal);
    assert_eq!(unlimited.run().code, 0);
    let old = std::fs::read(unlimited.path("plan.json")).unwrap();
    portal.seed(Seed::new("New", "https://new.example.com/h"));
    let again = Run::new(&[
        "plan",
        "--out",
        unlimited.path("plan.json").to_str().unwrap(),
    ])
    .file(FILE)
    .portal(&portal)
    .shell(limited);
    let out = again.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(std::fs::read(unlimited.path("plan.json")).unwrap(), old);
    assert!(temporary_files(&unlimited.path(".")).is_empty());
}

/// A plan saved under a path that holds the API key: `apply` names it with the key hidden, as
/// `plan --out` does, when it reads the plan and when it refuses it for its digest.
#[test]
fn apply_names_a_plan_path_holding_the_key_without_it() {
    let portal = portal();
    let key = portal.api_key();
    let run = Run::new(&["plan", "--out", &format!("{key}/plan.json")])
        .file(FILE)
        .portal(&portal);
    std::fs::create_dir(run.path(&key)).unwrap();
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = run.path(&format!("{key}/plan.json"));
    std::fs::copy(
        run.path("webhooks.yaml"),
        run.path(&format!("{key}/webhooks.yaml")),
    )
    .unwrap();
    let digest = sha256(&std::fs::read(&path).unwrap());
    let random = key.strip_prefix("sk-").unwrap_or(&key);
    for (expect, code, says) in [
        ("0".repeat(64), 1, "[redacted]/plan.json has SHA-256"),
        (digest, 0, "Read the saved plan [TMP]/[redacted]/plan.json"),
    ] {
        let out = apply(&portal, &path, &["--expect-digest", &expect]);
        assert_eq!(out.code, code, "{out:?}");
        let shown = out.user_view();
        assert!(shown.contains(says), "{shown}");
        assert!(!out.all().contains(random), "{out:?}");
    }
}

/// The key of `DOCSPACE_API_KEY` is hidden from the start: in the path of a plan whose webhook
/// file is missing or broken, and in the webhook file's own path.
#[test]
fn the_key_is_hidden_in_paths_when_the_webhook_file_cannot_be_read() {
    let portal = portal();
    let key = portal.api_key();
    let random = key.strip_prefix("sk-").unwrap_or(&key).to_string();
    let plan = format!("c-{key}.json");
    let missing = format!("nonexist-{key}.json");
    let cases: [&[&str]; 4] = [
        &[
            "apply",
            &plan,
            "-f",
            "absent.yaml",
            "--expect-digest",
            &"0".repeat(64),
        ],
        &["apply", &missing, "-f", "broken.yaml"],
        &["validate", "-f", &format!("d-{key}/missing.yaml")],
        &["plan", "-f", &format!("d-{key}/missing.yaml")],
    ];
    for args in cases {
        let run = Run::new(args).portal(&portal);
        std::fs::write(run.path("broken.yaml"), "webhooks: [\n").unwrap();
        std::fs::write(run.path(&plan), "{}").unwrap();
        let out = run.run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(out.all().contains("[redacted]"), "{args:?}: {out:?}");
        assert!(!out.all().contains(&random), "{args:?}: {out:?}");
    }
}
