//! `--quiet`: stderr keeps only errors; stdout and the exit code are those of the same run
//! without it. Each run is compared whole with its loud twin.

use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::fixtures::{UPDATE_AND_CREATE, crm_and_other};
use crate::support::fleet::Fleet;
use crate::support::run::{Outcome, Run};

fn sha256(bytes: &[u8]) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// `args` run twice over the same file and environment, then with `--quiet` added.
fn twice(args: &[&str], setup: impl Fn(Run) -> Run) -> (Outcome, Outcome) {
    let loud = setup(Run::new(args)).run();
    let quiet_args: Vec<&str> = args.iter().copied().chain(["--quiet"]).collect();
    let quiet = setup(Run::new(&quiet_args)).run();
    (loud, quiet)
}

#[test]
fn plan_out_quiet_leaves_out_the_digest_and_keeps_stdout_and_the_exit_code() {
    let portal = crm_and_other();
    let run = Run::new(&["plan", "--out", "plan.json", "--detailed-exitcode"])
        .file(UPDATE_AND_CREATE)
        .portal(&portal);
    let loud = run.run();
    let digest = sha256(&std::fs::read(run.path("plan.json")).unwrap());
    assert_eq!(loud.code, 2, "{loud:?}");
    assert_eq!(
        loud.stderr,
        format!(
            "Saved this plan to plan.json (SHA-256 {digest}).\n\
             Apply exactly it with: docspace-webhooks apply plan.json --expect-digest {digest}\n"
        )
    );

    let quiet = Run::new(&["plan", "-q", "--out", "plan.json", "--detailed-exitcode"])
        .file(UPDATE_AND_CREATE)
        .portal(&portal)
        .run();
    assert_eq!(quiet.code, 2, "{quiet:?}");
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, loud.stdout);
}

#[test]
fn apply_of_a_saved_plan_quiet_says_nothing_on_stderr() {
    let portal = crm_and_other();
    let planned = Run::new(&["plan", "--quiet", "--out", "plan.json"])
        .file(UPDATE_AND_CREATE)
        .portal(&portal);
    assert_eq!(planned.run().code, 0);
    let path = planned.path("plan.json");
    let out = Run::new(&["--quiet", "apply", path.to_str().unwrap()])
        .reviewed(&path)
        .portal(&portal)
        .env("BILLING_SECRET", "s3cret-value-1")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout
            .ends_with("\nApply complete: 2 done, 0 failed.\n"),
        "{out:?}"
    );
}

#[test]
fn validate_quiet_leaves_out_the_warnings() {
    let file = "webhooks:\n  Billing sync:\n    uri: https://b\u{456}lling.example.com/hooks\n";
    let (loud, quiet) = twice(&["validate"], |run| run.file(file));
    assert_eq!(loud.code, 0, "{loud:?}");
    assert!(loud.stderr.contains("has a look-alike host"), "{loud:?}");
    assert_eq!(quiet.code, 0, "{quiet:?}");
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, loud.stdout);
}

#[test]
fn errors_are_the_same_with_or_without_quiet() {
    let portal = FakePortal::start();
    let (loud, quiet) = twice(&["plan"], |run| {
        run.file(UPDATE_AND_CREATE)
            .env("DOCSPACE_URL", &portal.url())
    });
    assert_eq!(loud.code, 1, "{loud:?}");
    assert!(
        loud.stderr.contains("DOCSPACE_API_KEY is not set"),
        "{loud:?}"
    );
    assert_eq!(quiet.code, 1);
    assert_eq!(quiet.stderr, loud.stderr);
    assert_eq!(quiet.stdout, loud.stdout);
}

#[test]
fn a_failed_portal_is_still_told_with_quiet() {
    let fleet = Fleet::start(&["alpha"]).with_down("bravo");
    fleet
        .portal("alpha")
        .seed(Seed::new("Crm", "https://crm.example.com/h"));
    let file = format!(
        "{}webhooks:\n  Crm:\n    uri: https://crm.example.com/h\n",
        fleet.portals_yaml(&[])
    );
    let args = [
        "plan",
        "--retries",
        "0",
        "--out",
        "plan.json",
        "--all-or-nothing",
    ];
    let (loud, quiet) = twice(&args, |run| run.file(&file).fleet(&fleet));
    let note = "The plan was not saved to plan.json: a portal failed, and --all-or-nothing saves \
                only a plan of every selected portal.\n";
    assert_eq!(loud.code, 1, "{loud:?}");
    assert!(
        loud.stderr.starts_with("Portal bravo failed:\n"),
        "{loud:?}"
    );
    assert!(loud.stderr.contains(note), "{loud:?}");
    assert_eq!(quiet.code, 1);
    assert_eq!(quiet.stdout, loud.stdout);
    assert_eq!(quiet.stderr, loud.stderr.replace(note, ""));
}
