//! Exit codes a pipeline can trust: usage errors exit 1 (never clap's 2, which reads as
//! "changes" under `--detailed-exitcode`), and a closed stdout never changes what the work
//! produced.

use std::io::Write as _;

use crate::support::fake_portal::{FakePortal, Seed, Target};
use crate::support::fixtures::crm_and_other as portal;
use crate::support::run::Run;
use crate::support::spawn::Terminal;

const SECRET: &str = "exit-Codes-Secret-1";

const FILE: &str = crate::support::fixtures::UPDATE_AND_CREATE;

fn run(args: &[&str], portal: &FakePortal) -> Run {
    Run::new(args)
        .file(FILE)
        .portal(portal)
        .env("BILLING_SECRET", SECRET)
}

#[test]
fn every_usage_error_exits_1_with_clap_message_on_stderr() {
    let cases: &[&[&str]] = &[
        &["plan", "--formt", "json"],
        &["plan", "--format", "xml"],
        &["frobnicate"],
        &[],
        &["plan", "--out"],
        &["apply", "plan.json", "--prune"],
        &["apply", "--parallelism", "99"],
        &["plan", "--max-deletes", "2"],
        &["apply", "--expect-digest", &"a".repeat(64)],
        &["apply", "plan.json", "--expect-digest", "not-hex"],
    ];
    let mut views = String::new();
    for args in cases {
        let out = Run::new(args).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
        views += &format!("$ {}\n{}\n", args.join(" "), out.user_view());
    }
    // clap's messages.
    insta::assert_snapshot!(views, @"
    $ plan --formt json
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unexpected argument '--formt' found

      tip: a similar argument exists: '--format'

    Usage: docspace-webhooks plan --format <FORMAT>

    For more information, try '--help'.
    ----- end -----

    $ plan --format xml
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'xml' for '--format <FORMAT>'
      [possible values: text, json, markdown]

    For more information, try '--help'.
    ----- end -----

    $ frobnicate
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unrecognized subcommand 'frobnicate'

    Usage: docspace-webhooks [OPTIONS] <COMMAND>

    For more information, try '--help'.
    ----- end -----

    $ 
    exit: 1
    ----- stdout -----
    ----- stderr -----
    Manage the webhooks of an ONLYOFFICE DocSpace portal as code

    Usage: docspace-webhooks [OPTIONS] <COMMAND>

    Commands:
      validate          Check the file without contacting the portal
      plan              Show what `apply` would change. Only reads from the portal; never writes
      apply             Make the portal match the file
      status            Show whether the webhooks deliver, and sign with the file's secrets. Never
                        writes
      export            Print the live webhooks as a config file, to start managing an existing portal
      redeliver         Resend the failed deliveries of a window, after showing exactly which and asking
      show              Show a plan saved by `plan --out` as `apply PLAN_FILE` would, and its SHA-256.
                        Offline: needs no portal and no API key
      verify-signature  Check a delivery's signature against the webhook's secret and the body. Offline
      schema            Print the JSON Schema of the config file (for editor completion and checks)
      completions       Print a shell completion script (bash, zsh, fish, powershell, elvish)
      help              Print this message or the help of the given subcommand(s)

    Options:
          --color <COLOR>  When to use colors: auto colors only on a terminal with NO_COLOR unset
                           [default: auto] [possible values: auto, always, never]
      -q, --quiet          Print only errors on stderr: no warnings, no notes (the saved plan's digest
                           included), no waits, retries or progress. Stdout and the exit code are the
                           same either way
      -h, --help           Print help (see more with '--help')
      -V, --version        Print version
    ----- end -----

    $ plan --out
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: a value is required for '--out <FILE>' but none was supplied

    For more information, try '--help'.
    ----- end -----

    $ apply plan.json --prune
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '[PLAN_FILE]' cannot be used with '--prune'

    Usage: docspace-webhooks apply <PLAN_FILE>

    For more information, try '--help'.
    ----- end -----

    $ apply --parallelism 99
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: invalid value '99' for '--parallelism <N>': 99 is not in 1..=15

    For more information, try '--help'.
    ----- end -----

    $ plan --max-deletes 2
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the following required arguments were not provided:
      --prune

    Usage: docspace-webhooks plan --prune --max-deletes <N>

    For more information, try '--help'.
    ----- end -----

    $ apply --expect-digest aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: --expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, never a plan made afresh from the file

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ apply plan.json --expect-digest not-hex
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'not-hex' for '--expect-digest <SHA256>': expected a SHA-256 digest: 64 hexadecimal digits

    For more information, try '--help'.
    ----- end -----
    ");
}

/// Flags other tools have (`--dry-run`, `--yes`) get what this tool does instead; clap's own
/// tip would point `apply --dryrun` at `--prune`, which deletes.
#[test]
fn flags_of_other_tools_get_this_tools_way_not_a_similar_flag() {
    let cases: &[&[&str]] = &[
        &["apply", "--dryrun"],
        &["plan", "--dry-run"],
        &["apply", "-y"],
        &["plan", "--auto-approve"],
        &["apply", "--detailed-exitcode"],
        &["--color", "never", "status", "--api-key=sk-not-a-real-key"],
        // The tool's own flag after a subcommand, and a flag given twice: clap's message, no
        // tip that the command takes the flag it was given.
        &["plan", "--version"],
        &["apply", "--auto-approve", "--auto-approve"],
    ];
    let mut views = String::new();
    for args in cases {
        let out = Run::new(args).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        views += &format!("$ {}\n{}\n", args.join(" "), out.user_view());
    }
    insta::assert_snapshot!(views, @"
    $ apply --dryrun
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unexpected argument '--dryrun' found

      tip: there is no dry-run flag: `plan` shows what `apply` would change; `apply` and `redeliver` show what they would write and ask first

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ plan --dry-run
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unexpected argument '--dry-run' found

      tip: there is no dry-run flag: `plan` shows what `apply` would change; `apply` and `redeliver` show what they would write and ask first

    Usage: docspace-webhooks plan [OPTIONS]

    For more information, try '--help'.
    ----- end -----

    $ apply -y
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unexpected argument '-y' found

      tip: `apply` and `redeliver` take `--auto-approve` to write without asking

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ plan --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unexpected argument '--auto-approve' found

      tip: `apply` and `redeliver` take `--auto-approve` to write without asking

    Usage: docspace-webhooks plan [OPTIONS]

    For more information, try '--help'.
    ----- end -----

    $ apply --detailed-exitcode
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unexpected argument '--detailed-exitcode' found

      tip: `plan` and `status` take `--detailed-exitcode`

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ --color never status --api-key=sk-not-a-real-key
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unexpected argument '--api-key' found

      tip: the API key is read from the DOCSPACE_API_KEY environment variable (a `portals:` file's from the variable each `apiKey: ${VAR}` names), never from the command line

    Usage: docspace-webhooks status [OPTIONS]

    For more information, try '--help'.
    ----- end -----

    $ plan --version
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: unexpected argument '--version' found

      tip: `--version` is the tool's, given before any subcommand: `docspace-webhooks --version`

    Usage: docspace-webhooks plan [OPTIONS]

    For more information, try '--help'.
    ----- end -----

    $ apply --auto-approve --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '--auto-approve' cannot be used multiple times

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----
    ");
}

/// A flag that only chooses how output looks, given twice, takes the last, as git and cargo do
/// (a wrapper's `--format text` yields to the user's `--format json`); one that guards a write
/// or names what is read or written, given twice, is a usage error naming it (docs/using.md).
#[test]
fn a_display_flag_given_twice_takes_the_last_any_other_is_refused() {
    let portal = portal();
    let view = |args: &[&str]| run(args, &portal).run().user_view();
    let twice = view(&[
        "plan",
        "--format",
        "text",
        "-v",
        "--format",
        "json",
        "--verbose",
    ]);
    assert_eq!(twice, view(&["plan", "--format", "json", "-v"]));
    assert_ne!(twice, view(&["plan", "--format", "text", "-v"]));
    let bad = |args: &[&str]| {
        let run = Run::new(args).file("webhooks:\n  Crm:\n    colour: red\n");
        run.portal(&portal).run().user_view()
    };
    let twice = bad(&["plan", "--problems", "json", "--problems", "github"]);
    assert_eq!(twice, bad(&["plan", "--problems", "github"]));
    assert_ne!(twice, bad(&["plan", "--problems", "json"]));
    portal.clear_requests();
    let (digest, other) = ("a".repeat(64), "b".repeat(64));
    let cases: &[&[&str]] = &[
        &[
            "apply",
            "p.json",
            "--expect-digest",
            &digest,
            "--expect-digest",
            &other,
        ],
        &[
            "plan",
            "--prune",
            "--max-deletes",
            "1",
            "--max-deletes",
            "5",
        ],
        &["export", "--out", "a.yaml", "--out", "b.yaml"],
    ];
    let mut views = String::new();
    for args in cases {
        views += &format!("$ {}\n{}\n", args.join(" "), view(args));
    }
    insta::assert_snapshot!(views, @"
    $ apply p.json --expect-digest aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa --expect-digest bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '--expect-digest <SHA256>' cannot be used multiple times

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ plan --prune --max-deletes 1 --max-deletes 5
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '--max-deletes <N>' cannot be used multiple times

    Usage: docspace-webhooks plan [OPTIONS]

    For more information, try '--help'.
    ----- end -----

    $ export --out a.yaml --out b.yaml
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: the argument '--out <FILE>' cannot be used multiple times

    Usage: docspace-webhooks export [OPTIONS]

    For more information, try '--help'.
    ----- end -----
    ");
    assert_eq!(portal.requests(), []);
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["plan", "--help"],
        &["help", "apply"],
        &["help", "--help"],
        &["help", "-h", "apply"],
        &["--quiet", "--color", "never", "help", "--help"],
    ] {
        let out = Run::new(args).run();
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        assert!(out.stdout.contains("Usage"), "{args:?}: {out:?}");
    }
    let out = Run::new(&["--version"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("docspace-webhooks "), "{out:?}");
}

#[test]
fn a_closed_stdout_keeps_plan_exit_codes() {
    let portal = portal();
    let changes = run(&["plan", "--detailed-exitcode"], &portal);
    assert_eq!(changes.run_with_stdout_closed_after(0).code, 2);
    assert_eq!(changes.run_with_stdout_closed_after(1).code, 2);

    // Over the deletion guard: shown (as far as the reader reads), refused, exit 1.
    let guarded = Run::new(&["plan", "--prune", "--max-deletes", "0"])
        .file("webhooks:\n  Crm: {}\n")
        .portal(&portal);
    let out = guarded.run_with_stdout_closed_after(1);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("refusing a plan that deletes"),
        "{out:?}"
    );
    assert!(portal.writes().is_empty());
}

#[test]
fn plan_out_saves_the_file_whatever_happens_to_stdout() {
    let portal = portal();
    let planned = run(
        &["plan", "--out", "plan.json", "--detailed-exitcode"],
        &portal,
    );
    let out = planned.run_with_stdout_closed_after(0);
    assert_eq!(out.code, 2, "{out:?}");
    let path = planned.path("plan.json");
    assert!(path.exists(), "{out:?}");

    // Exactly the issue's pipeline: `plan --out F | true`, exit code read from the shell.
    std::fs::remove_file(&path).unwrap();
    let piped = run(&["plan", "--out", "plan.json"], &portal)
        .shell(r#"{ "$0" "$@"; echo $? >code; } | true"#);
    let out = piped.run();
    let code = std::fs::read_to_string(piped.path("code")).unwrap();
    assert_eq!(code.trim(), "0", "{out:?}");
    let applied = Run::new(&["apply", piped.path("plan.json").to_str().unwrap()])
        .reviewed(&piped.path("plan.json"))
        .portal(&portal)
        .env("BILLING_SECRET", SECRET)
        .run();
    assert_eq!(applied.code, 0, "the saved plan is whole: {applied:?}");
    assert_eq!(portal.writes().len(), 2);
}

#[test]
fn a_closed_stdout_neither_stops_nor_hides_failed_writes() {
    let portal = portal();
    // Billing's target fails the portal's probe: its create is refused.
    portal.set_target("https://billing.example.com/h", Target::Status(404));
    let apply = run(&["apply", "--auto-approve"], &portal);
    for lines in [0, 1] {
        portal.clear_requests();
        portal.update_stored(1, |w| w.ssl = true);
        let out = apply.run_with_stdout_closed_after(lines);
        assert_eq!(out.code, 1, "a failed write is a failure: {out:?}");
        let writes = portal.writes();
        assert_eq!(writes.len(), 2, "every write was still tried: {writes:?}");
        assert!(!portal.get(1).unwrap().ssl, "Crm was updated");
        if lines > 0 {
            // Whether the report had reached the pipe before the reader left is timing.
            continue;
        }
        assert!(
            out.stderr.contains("report continues here")
                && out.stderr.contains("failed \"Billing\" was not created")
                && out.stderr.contains("Apply complete: 1 done, 1 failed."),
            "the report is on stderr: {out:?}"
        );
    }
}

#[test]
fn a_closed_stdout_keeps_a_successful_apply_at_0() {
    let portal = portal();
    let out = run(&["apply", "--auto-approve"], &portal).run_with_stdout_closed_after(0);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.writes().len(), 2, "{:?}", portal.writes());
    assert!(
        out.stderr.contains("Apply complete: 2 done, 0 failed."),
        "{out:?}"
    );

    // A saved plan, applied with nobody reading.
    let portal = self::portal();
    let planned = run(&["plan", "--out", "plan.json"], &portal);
    assert_eq!(planned.run().code, 0);
    let path = planned.path("plan.json");
    let out = Run::new(&["apply", path.to_str().unwrap()])
        .reviewed(&path)
        .portal(&portal)
        .env("BILLING_SECRET", SECRET)
        .run_with_stdout_closed_after(0);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(portal.writes().len(), 2, "{:?}", portal.writes());
}

#[test]
fn output_that_is_the_work_fails_when_cut_short() {
    let portal = portal();
    let mut views = String::new();
    for args in [&["export"][..], &["schema"]] {
        let out = Run::new(args)
            .portal(&portal)
            .run_with_stdout_closed_after(0);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        views += &format!("$ {} | (closed)\n{}\n", args.join(" "), out.user_view());
    }
    insta::assert_snapshot!(views, @"
    $ export | (closed)
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the export was cut short: stdout was closed before all of it was written

    ----- end -----

    $ schema | (closed)
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the schema was cut short: stdout was closed before all of it was written

    ----- end -----
    ");
    // validate's verdict is its exit code; the line on stdout only repeats it.
    let valid = Run::new(&["validate"]).file(FILE);
    assert_eq!(valid.run_with_stdout_closed_after(0).code, 0);
    let invalid = Run::new(&["validate"]).file("webhooks:\n  Crm:\n    sll: false\n");
    assert_eq!(invalid.run_with_stdout_closed_after(0).code, 1);
}

#[test]
fn a_stdout_that_fails_for_another_reason_is_an_error() {
    let portal = portal();
    // A full disk, not a reader's choice: the plan was lost, so no 0 and no 2.
    let out = run(&["plan", "--detailed-exitcode"], &portal)
        .shell(r#"exec "$0" "$@" >/dev/full"#)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x could not write the output: No space left on device (os error 28)
      `-> No space left on device (os error 28)

    ----- end -----
    ");
}

#[test]
fn expect_digest_without_a_plan_file_is_a_usage_error_whatever_else_is_given() {
    let portal = portal();
    let zeros = "0".repeat(64);
    let combos: &[&[&str]] = &[
        &[],
        &["-f", "webhooks.yaml"],
        &["--prune"],
        &["--prune", "--max-deletes", "5"],
        &["--rotate-secrets"],
        &["--target", "Crm"],
        &["-f", "webhooks.yaml", "--prune", "--rotate-secrets"],
    ];
    let mut views = String::new();
    for extra in combos {
        let mut args = vec!["apply"];
        args.extend_from_slice(extra);
        args.extend(["--expect-digest", &zeros, "--auto-approve"]);
        let out = run(&args, &portal).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "nothing planned: {args:?}: {out:?}");
        views += &format!("$ {}\n{}\n", args.join(" "), out.user_view());
        assert!(
            portal.requests().is_empty(),
            "{args:?}: {:?}",
            portal.requests()
        );
    }
    insta::assert_snapshot!(views, @"
    $ apply --expect-digest 0000000000000000000000000000000000000000000000000000000000000000 --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: --expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, never a plan made afresh from the file

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ apply -f webhooks.yaml --expect-digest 0000000000000000000000000000000000000000000000000000000000000000 --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: --expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, never a plan made afresh from the file

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ apply --prune --expect-digest 0000000000000000000000000000000000000000000000000000000000000000 --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: --expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, never a plan made afresh from the file

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ apply --prune --max-deletes 5 --expect-digest 0000000000000000000000000000000000000000000000000000000000000000 --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: --expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, never a plan made afresh from the file

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ apply --rotate-secrets --expect-digest 0000000000000000000000000000000000000000000000000000000000000000 --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: --expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, never a plan made afresh from the file

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ apply --target Crm --expect-digest 0000000000000000000000000000000000000000000000000000000000000000 --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: --expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, never a plan made afresh from the file

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----

    $ apply -f webhooks.yaml --prune --rotate-secrets --expect-digest 0000000000000000000000000000000000000000000000000000000000000000 --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: --expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, never a plan made afresh from the file

    Usage: docspace-webhooks apply [OPTIONS] [PLAN_FILE]

    For more information, try '--help'.
    ----- end -----
    ");
}

#[test]
fn help_or_version_that_cannot_be_written_exits_1() {
    let mut views = String::new();
    for args in [
        &["--help"][..],
        &["plan", "--help"],
        &["help", "apply"],
        &["--version"],
    ] {
        let closed = Run::new(args).run_with_stdout_closed_after(0);
        assert_eq!(closed.code, 1, "{args:?}: {closed:?}");
        views += &format!("$ {} | (closed)\n{}\n", args.join(" "), closed.user_view());
        let full = Run::new(args).shell(r#"exec "$0" "$@" >/dev/full"#).run();
        assert_eq!(full.code, 1, "{args:?}: {full:?}");
    }
    insta::assert_snapshot!(views, @"
    $ --help | (closed)
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: could not write the help to stdout: Broken pipe (os error 32)
    ----- end -----

    $ plan --help | (closed)
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: could not write the help to stdout: Broken pipe (os error 32)
    ----- end -----

    $ help apply | (closed)
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: could not write the help to stdout: Broken pipe (os error 32)
    ----- end -----

    $ --version | (closed)
    exit: 1
    ----- stdout -----
    ----- stderr -----
    error: could not write the version to stdout: Broken pipe (os error 32)
    ----- end -----
    ");
}

/// clap quotes the value it refuses: an API key pasted where another value belongs is hidden
/// there as in every message, and the usage error still exits 1.
#[test]
fn a_usage_error_hides_the_key_it_quotes() {
    let key = "sk-pasted-0123456789abcdef";
    let mut views = String::new();
    for args in [
        &["plan", "--format", key][..],
        &["status", "--since", key],
        &[key],
    ] {
        let out = Run::new(args).env("DOCSPACE_API_KEY", key).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        let typed = args.join(" ").replace(key, "$KEY");
        views += &format!("$ {typed}\n{}\n", out.user_view());
    }
    assert!(!views.contains("0123456789abcdef"), "{views}");
    insta::assert_snapshot!(views);
}

#[test]
fn help_lists_the_signal_exit_codes() {
    let out = Run::new(&["--help"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    let codes = &out.stdout[out.stdout.find("Exit codes:").expect("the line")..];
    insta::assert_snapshot!(codes, @"
    Exit codes: 0 success or no changes; 1 any error, a usage error included, or a signature that does
    not match (verify-signature); 2 the plan has changes (plan --detailed-exitcode) or a webhook is
    unhealthy (status --detailed-exitcode); 129, 130, 143 stopped by SIGHUP, SIGINT, SIGTERM. A closed
    stdout never changes them.
    ");
}

#[test]
fn portal_twice_without_a_portals_file_names_the_portals_file_not_a_file() {
    // export without -f reads no file: the error must not say "the file is for one portal".
    let out = Run::new(&[
        "export",
        "--portal",
        "https://a.example.com",
        "--portal",
        "https://a.example.com",
    ])
    .env("DOCSPACE_API_KEY", "sk-not-a-real-key")
    .run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x --portal is given more than once, but only a `portals:` file has portals to select
      help: repeat --portal only with a `portals:` file, where it selects portals by name

    ----- end -----
    ");
}

/// `apply | head -1`: the plan and the question fit in the pipe, the reader leaves, and the
/// user answers a question they never saw. The answer must not count.
#[test]
fn a_yes_typed_after_the_reader_of_the_plan_left_writes_nothing() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Hook", "https://h.example.com/old"));
    let terminal = Terminal::open();
    // The reader takes everything until told to leave, so it leaves after the question. An
    // asynchronous command's stdin is /dev/null before its redirections, hence fd 3.
    let run = Run::new(&["apply"])
        .shell(
            "{ \"$0\" \"$@\"; echo $? >code; } | { exec 3<&0; cat <&3 >seen & c=$!; \
             until [ -e leave ]; do sleep 0.01; done; { kill $c; wait $c; } 2>/dev/null; exec 0<&- 3<&-; : >gone; }; \
             exit \"$(cat code)\"",
        )
        .file("webhooks:\n  Hook:\n    uri: https://h.example.com/new\n")
        .portal(&portal);
    let process = run.spawn_with(terminal.stdin());
    let (seen, gone) = (run.path("seen"), run.path("gone"));
    crate::support::spawn::wait_until("the question", || {
        std::fs::read_to_string(&seen).is_ok_and(|s| s.contains("Only 'yes' will be accepted:"))
    });
    std::fs::write(run.path("leave"), "").unwrap();
    crate::support::spawn::wait_until("the reader to leave", || gone.exists());
    writeln!(terminal.controller(), "yes").unwrap();
    let out = process.finish();
    assert!(portal.writes().is_empty(), "{:?}", portal.writes());
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to apply: the plan could not be shown (stdout could not be written), so it cannot be confirmed; nothing was written
      help: review the plan with `plan`, then rerun with --auto-approve, or apply a saved plan

    ----- end -----
    ");
}

#[test]
fn a_prompt_on_a_full_stdout_says_it_could_not_be_written_not_that_it_is_closed() {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Hook", "https://h.example.com/old"));
    let terminal = Terminal::open();
    let run = Run::new(&["apply"])
        .shell("exec \"$0\" \"$@\" >/dev/full")
        .file("webhooks:\n  Hook:\n    uri: https://h.example.com/new\n")
        .portal(&portal);
    let out = run.spawn_with(terminal.stdin()).finish();
    assert!(portal.writes().is_empty());
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x refusing to apply: the plan could not be shown (stdout could not be written), so it cannot be confirmed; nothing was written
      help: review the plan with `plan`, then rerun with --auto-approve, or apply a saved plan

      x could not write the output: No space left on device (os error 28)
      `-> No space left on device (os error 28)

    ----- end -----
    ");
}
