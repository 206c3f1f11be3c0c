//! SIGINT, SIGTERM and SIGHUP as a pipeline, a person at a terminal or a closed terminal sends
//! them: the real binary against the fake portal with slow writes, signalled once a write is in
//! flight (seen in the fake's recorded requests). What must hold: no write starts after the
//! signal, the writes in flight finish (a create's follow-up included), the report says what was
//! done and what was not started, the exit code is 130, 143 or 129, and a second signal or a
//! signal before any write ends the process at once.

use std::time::Duration;

use crate::support::fake_portal::{
    ENABLE_PATH, FakePortal, Fault, FaultKind, Options, Recorded, Seed, WEBHOOK_PATH,
};
use crate::support::run::Run;
use crate::support::spawn::{Terminal, wait_until};

const SECRET: &str = "interrupt-Secret-1";
/// How long a slow write takes: far more than the binary needs to act on a signal, even on a
/// busy machine, so the write is surely still in flight when the signal is handled.
const IN_FLIGHT: Duration = Duration::from_secs(3);

/// `n` live webhooks, `Hook 1` (#1) to `Hook n`.
fn seeded(portal: &FakePortal, n: usize) {
    for i in 1..=n {
        portal.seed(Seed::new(&format!("Hook {i}"), &uri(i, "old")));
    }
}

fn uri(i: usize, version: &str) -> String {
    format!("https://h{i}.example.com/{version}")
}

/// A file that moves every one of `n` seeded webhooks to a new uri: `n` updates.
fn moving(n: usize) -> String {
    let mut file = String::from("webhooks:\n");
    for i in 1..=n {
        file.push_str(&format!("  Hook {i}:\n    uri: {}\n", uri(i, "new")));
    }
    file
}

/// Every write answered or not, once one is recorded.
fn first_write(portal: &FakePortal) -> Vec<Recorded> {
    wait_until("the first write to reach the portal", || {
        !portal.writes().is_empty()
    });
    portal.writes()
}

fn slow(method: &'static str, path: &str, delay: Duration) -> Fault {
    Fault::new(method, path, FaultKind::Delay(delay)).times(10)
}

#[test]
fn sigint_lets_the_write_in_flight_finish_and_starts_no_other() {
    let portal = FakePortal::start();
    seeded(&portal, 3);
    portal.inject(slow("PUT", WEBHOOK_PATH, IN_FLIGHT));
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .file(&moving(3))
        .portal(&portal);
    let process = run.spawn();
    let at_signal = first_write(&portal);
    assert_eq!(at_signal.len(), 1, "one at a time: {at_signal:?}");
    assert_eq!(at_signal[0].status, 0, "still in flight");
    process.signal(libc::SIGINT);
    let out = process.finish();

    assert_eq!(out.code, 130, "{out:?}");
    let writes = portal.writes();
    assert_eq!(writes.len(), 1, "no write after the signal: {writes:?}");
    assert_eq!(writes[0].status, 200, "the write in flight finished");
    assert!(out.stdout.contains("ok updated #1 \"Hook 1\""), "{out:?}");
    assert!(
        out.stdout
            .contains("Stopped (SIGINT received); not started:"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("not started update #2 \"Hook 2\""),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("not started update #3 \"Hook 3\""),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("Apply complete: 1 done, 0 failed, 2 of 3 not started."),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("SIGINT received: starting no new write; waiting for the 1 in flight"),
        "{out:?}"
    );
    let uris: Vec<String> = portal.webhooks().into_iter().map(|w| w.uri).collect();
    assert_eq!(uris, [uri(1, "new"), uri(2, "old"), uri(3, "old")]);
}

#[test]
fn sigterm_between_a_create_and_its_follow_up_still_disables_the_webhook() {
    // DocSpace stores every new webhook enabled (docs/docspace-api.md §9): only the follow-up call
    // makes it disabled as the file says. Before this was handled, SIGTERM left it enabled.
    let portal = FakePortal::start_with(Options {
        create_quirk: true,
        ..Options::default()
    });
    seeded(&portal, 1);
    portal.inject(slow("POST", WEBHOOK_PATH, IN_FLIGHT));
    let file = format!(
        "webhooks:\n  New:\n    uri: https://new.example.com/h\n    secretKey: ${{S}}\n    \
         enabled: false\n{}",
        moving(1).trim_start_matches("webhooks:\n")
    );
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .file(&file)
        .env("S", SECRET)
        .portal(&portal);
    let process = run.spawn();
    let at_signal = first_write(&portal);
    assert_eq!(at_signal[0].method, "POST", "{at_signal:?}");
    process.signal(libc::SIGTERM);
    let out = process.finish();

    assert_eq!(out.code, 143, "{out:?}");
    let writes: Vec<(String, String)> = portal
        .writes()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(
        writes,
        [
            ("POST".to_string(), WEBHOOK_PATH.to_string()),
            ("PUT".to_string(), ENABLE_PATH.to_string()),
        ],
        "the create's follow-up and nothing else: {out:?}"
    );
    let created = portal.get(2).expect("created");
    assert!(!created.enabled, "disabled as the file says");
    assert!(
        out.stdout
            .contains("ok created #2 \"New\" (enabled/ssl set by a follow-up call"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("not started update #1 \"Hook 1\""),
        "{out:?}"
    );
    assert_eq!(portal.get(1).unwrap().uri, uri(1, "old"));
}

#[test]
fn a_second_signal_exits_at_once_naming_the_writes_in_flight() {
    let portal = FakePortal::start();
    seeded(&portal, 2);
    // Far longer than the test waits: the process must not wait for it.
    portal.inject(slow("PUT", WEBHOOK_PATH, Duration::from_secs(25)));
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .file(&moving(2))
        .portal(&portal);
    let process = run.spawn();
    first_write(&portal);
    process.signal(libc::SIGINT);
    process.wait_for_output("the first signal's notice", |_, err| {
        err.contains("send SIGINT again to exit at once")
    });
    process.signal(libc::SIGINT);
    let out = process.finish();

    assert_eq!(out.code, 130, "{out:?}");
    let writes = portal.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        writes[0].status, 0,
        "the process ended while its write was still being handled"
    );
    assert!(
        out.stderr.contains(
            "A second signal (SIGINT) received: exiting at once. These writes were in flight \
             and may or may not have been carried out (run plan to see where the portal stands):\n  \
             update #1 \"Hook 1\""
        ),
        "{out:?}"
    );
}

#[test]
fn a_write_waiting_to_retry_is_not_sent_again_after_a_signal() {
    let portal = FakePortal::start();
    seeded(&portal, 2);
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::RetryAfter { seconds: 5 },
    ));
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .file(&moving(2))
        .portal(&portal);
    let process = run.spawn();
    wait_until("the 429 to be answered", || {
        portal.writes().first().is_some_and(|w| w.status == 429)
    });
    process.signal(libc::SIGINT);
    let out = process.finish();

    assert_eq!(out.code, 130, "{out:?}");
    assert_eq!(
        portal.writes().len(),
        1,
        "no retry, no other write: {out:?}"
    );
    assert!(
        out.stdout
            .contains("interrupted \"Hook 1\" #1 was not updated:"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("not retried: the run is stopping (SIGINT received)"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("not started update #2 \"Hook 2\""),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("Apply complete: 0 done, 0 failed, 1 interrupted, 1 of 2 not started."),
        "an interrupted write is not counted as failed: {out:?}"
    );
}

#[test]
fn a_signal_while_planning_exits_at_once() {
    let portal = FakePortal::start();
    seeded(&portal, 1);
    portal.inject(slow("GET", WEBHOOK_PATH, Duration::from_secs(25)));
    let cases: [(&[&str], _, _); 2] = [
        (&["plan"], libc::SIGTERM, 143),
        (&["apply", "--auto-approve"], libc::SIGINT, 130),
    ];
    for (args, signal, code) in cases {
        let command = args[0];
        portal.clear_requests();
        let run = Run::new(args).file(&moving(1)).portal(&portal);
        let process = run.spawn();
        wait_until("the list request", || !portal.requests().is_empty());
        process.signal(signal);
        let out = process.finish();
        assert_eq!(out.code, code, "{command}: {out:?}");
        let name = if code == 130 { "SIGINT" } else { "SIGTERM" };
        assert!(
            out.stderr
                .contains(&format!("interrupted by {name}; nothing was written")),
            "{command}: {out:?}"
        );
        assert!(out.stdout.is_empty(), "{command}: {out:?}");
        assert_eq!(
            portal.requests()[0].status,
            0,
            "{command} did not wait for the answer"
        );
    }
    assert!(portal.writes().is_empty());
}

#[test]
fn a_signal_at_the_confirmation_prompt_cancels_with_nothing_written() {
    let portal = FakePortal::start();
    seeded(&portal, 1);
    let terminal = Terminal::open();
    let run = Run::new(&["apply"]).file(&moving(1)).portal(&portal);
    let process = run.spawn_with(terminal.stdin());
    process.wait_for_output("the prompt", |out, _| {
        out.contains("Only 'yes' will be accepted:")
    });
    process.signal(libc::SIGTERM);
    let out = process.finish();

    assert_eq!(out.code, 143, "{out:?}");
    assert!(
        out.stderr
            .contains("interrupted by SIGTERM; nothing was written"),
        "{out:?}"
    );
    assert!(portal.writes().is_empty());
    drop(terminal);
}

#[test]
fn sighup_is_handled_as_sigterm_the_create_gets_its_follow_up() {
    // A closed terminal or a dropped SSH session sends SIGHUP; its default action ended the
    // process silently between the create and its follow-up, leaving the webhook enabled.
    let portal = FakePortal::start_with(Options {
        create_quirk: true,
        ..Options::default()
    });
    seeded(&portal, 1);
    portal.inject(slow("POST", WEBHOOK_PATH, IN_FLIGHT));
    let file = format!(
        "webhooks:\n  New:\n    uri: https://new.example.com/h\n    secretKey: ${{S}}\n    \
         enabled: false\n{}",
        moving(1).trim_start_matches("webhooks:\n")
    );
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .file(&file)
        .env("S", SECRET)
        .portal(&portal);
    let process = run.spawn();
    let at_signal = first_write(&portal);
    assert_eq!(at_signal[0].method, "POST", "{at_signal:?}");
    process.signal(libc::SIGHUP);
    let out = process.finish();

    let writes: Vec<(String, String)> = portal
        .writes()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(
        writes,
        [
            ("POST".to_string(), WEBHOOK_PATH.to_string()),
            ("PUT".to_string(), ENABLE_PATH.to_string()),
        ],
        "the create's follow-up and nothing else: {out:?}"
    );
    assert!(
        !portal.get(2).expect("created").enabled,
        "disabled as the file says"
    );
    assert_eq!(portal.get(1).unwrap().uri, uri(1, "old"));
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 129
    ----- stdout -----
    Portal: [PORTAL]

      + create "New"
          name      = "New"
          uri       = "https://new.example.com/h"
          secretKey = (sensitive)
          enabled   = false
          ssl       = true
          triggers  = [*]

      ~ update #1 "Hook 1"
          uri       = "https://h1.example.com/old" -> "https://h1.example.com/new"

    Apply will read: S

    Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.

      [1/2] [TIME] ok created #2 "New" (enabled/ssl set by a follow-up call: the portal ignores them on create)

    Stopped (SIGHUP received); not started:
      not started update #1 "Hook 1"

    Apply complete: 1 done, 0 failed, 1 of 2 not started.
    ----- stderr -----
    SIGHUP received: starting no new write; waiting for the 1 in flight to finish (send SIGHUP again to exit at once)
    ----- end -----
    "#);
}

#[test]
fn sighup_before_any_write_exits_129_with_nothing_written() {
    let portal = FakePortal::start();
    seeded(&portal, 1);
    portal.inject(slow("GET", WEBHOOK_PATH, Duration::from_secs(25)));
    let run = Run::new(&["apply", "--auto-approve"])
        .file(&moving(1))
        .portal(&portal);
    let process = run.spawn();
    wait_until("the list request", || !portal.requests().is_empty());
    process.signal(libc::SIGHUP);
    let out = process.finish();

    assert!(portal.writes().is_empty());
    insta::assert_snapshot!(out.user_view(), @"
    exit: 129
    ----- stdout -----
    ----- stderr -----

      x interrupted by SIGHUP; nothing was written

    ----- end -----
    ");
}

#[test]
fn a_signal_keeps_its_code_when_stdout_cannot_be_written() {
    // A full disk (or a closed terminal's EIO) is not a reader that went away: the lost output
    // is an error, said on stderr, but the signal's code says more and stays.
    let portal = FakePortal::start();
    seeded(&portal, 2);
    portal.inject(slow("PUT", WEBHOOK_PATH, IN_FLIGHT));
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .shell("exec \"$0\" \"$@\" >/dev/full")
        .file(&moving(2))
        .portal(&portal);
    let process = run.spawn();
    first_write(&portal);
    process.signal(libc::SIGINT);
    let out = process.finish();

    assert_eq!(portal.writes().len(), 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 130
    ----- stdout -----
    ----- stderr -----
    SIGINT received: starting no new write; waiting for the 1 in flight to finish (send SIGINT again to exit at once)
    stdout stopped taking output (No space left on device (os error 28)); the report continues here:
      [1/2] [TIME] ok updated #1 "Hook 1"

    Stopped (SIGINT received); not started:
      not started update #2 "Hook 2"

    Apply complete: 1 done, 0 failed, 1 of 2 not started.
      x could not write the output: No space left on device (os error 28)
      `-> No space left on device (os error 28)

    ----- end -----
    "#);
}

#[test]
fn a_signal_after_plan_out_saved_names_the_file_it_replaced() {
    // The plan is saved before it is printed: with stdout blocked (a pager, a slow reader) a
    // signal ends the run after the file was replaced, and says so with its digest.
    let portal = FakePortal::start();
    let mut file = String::from("webhooks:\n");
    for i in 1..=400 {
        file.push_str(&format!(
            "  Hook {i}:\n    uri: https://h{i}.example.com/a/longer/path/to/fill/the/pipe\n    \
             secretKey: ${{S}}\n"
        ));
    }
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file(&file)
        .env("S", SECRET)
        .portal(&portal);
    // A pipe nobody reads: the plan, far longer than its buffer, blocks once it is full.
    let (_unread, writer) = std::io::pipe().expect("pipe");
    let child = run
        .command()
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the binary");
    let saved = run.path("plan.json");
    wait_until("the plan to be saved", || saved.is_file());
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) only reads its arguments; the pid is our own child, not yet reaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = child.wait_with_output().expect("wait");

    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        &std::fs::read(&saved).expect("the saved plan"),
    );
    let digest: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(out.status.code(), Some(130));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "\n  x interrupted by SIGINT; nothing was written but the saved plan plan.json \
             (SHA-256 {digest})\n\n"
        )
    );
}

/// strace is Linux's, and may be missing or refused ptrace (a locked-down container): a test
/// that needs it is then skipped, saying so (`.ci/run` installs it).
#[cfg(target_os = "linux")]
fn strace_runs() -> bool {
    crate::support::runs_here(
        "strace",
        &["-o", "/dev/null", "true"],
        "apt-get install strace, where ptrace is allowed; .ci/run installs it",
    )
}

/// A `Run::shell` script that runs the binary under strace, each thread held for `IN_FLIGHT`
/// after any of `syscalls` returns. `-D` keeps the binary the process signalled; strace's own
/// complaints go to /dev/null, the binary's stderr (fd 3) to the test.
#[cfg(target_os = "linux")]
fn held_after(syscalls: &str) -> String {
    let delay = IN_FLIGHT.as_secs();
    format!(
        "exec 3>&2 2>/dev/null; exec strace -D -f -o /dev/null -e trace={syscalls} \
         -e inject={syscalls}:delay_exit={delay}s sh -c 'exec 2>&3 3>&-; exec \"$0\" \"$@\"' \
         \"$0\" \"$@\""
    )
}

#[test]
#[cfg(target_os = "linux")]
fn a_signal_while_a_file_is_written_removes_its_temporary_file() {
    // The exit a signal makes runs no destructor: the temporary file of `plan --out` or
    // `export --out`, synced but not yet renamed, was left in the folder. strace holds the
    // writing thread after its fsync, and the signal comes meanwhile. It is sent to the
    // watcher thread (named "signals"): sent to the process, it may go to the writing thread
    // before the hold, which takes it only once let go, and then renames at once.
    if !strace_runs() {
        return;
    }
    let portal = FakePortal::start();
    seeded(&portal, 1);
    let cases: [(&[&str], _, _); 2] = [
        (&["plan", "--out", "plan.json"], libc::SIGINT, "SIGINT"),
        (
            &["export", "--out", "exported.yaml"],
            libc::SIGHUP,
            "SIGHUP",
        ),
    ];
    for (args, signal, name) in cases {
        let run = Run::new(args)
            .shell(&held_after("fsync"))
            .file(&moving(1))
            .portal(&portal);
        let process = run.spawn();
        let names = || -> Vec<String> {
            let dir = std::fs::read_dir(run.path(".")).expect("the run's directory");
            let mut names: Vec<String> = dir
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        wait_until("the temporary file", || {
            names().iter().any(|n| n.ends_with(".tmp"))
        });
        let pid = process.pid();
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("the threads");
        let watcher = (tasks.map(|t| t.expect("a thread").path()))
            .find(|t| std::fs::read_to_string(t.join("comm")).is_ok_and(|c| c == "signals\n"))
            .and_then(|t| t.file_name()?.to_str()?.parse::<libc::pid_t>().ok())
            .expect("the signals thread");
        // SAFETY: tgkill(2) only reads its arguments; the process is our own child, running.
        let sent = unsafe { libc::syscall(libc::SYS_tgkill, pid, watcher, signal) };
        assert_eq!(sent, 0, "tgkill({pid}, {watcher}, {signal})");
        let out = process.finish();

        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr),
            (
                if signal == libc::SIGINT { 130 } else { 129 },
                "",
                format!("\n  x interrupted by {name}; nothing was written\n\n")
            ),
            "{args:?}"
        );
        assert_eq!(names(), ["webhooks.yaml"], "{args:?}");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_signal_right_after_out_renamed_its_file_names_it() {
    // The watcher was told of the written file only after the rename, or (export) never: a
    // signal between the two said "nothing was written". strace holds the renaming thread
    // after the rename returns, and the signal comes then.
    if !strace_runs() {
        return;
    }
    let portal = FakePortal::start();
    seeded(&portal, 1);
    let cases: [(&[&str], _, _); 2] = [
        (&["plan", "--out", "plan.json"], "plan.json", "saved plan"),
        (
            &["export", "--out", "exported.yaml"],
            "exported.yaml",
            "export",
        ),
    ];
    for (args, file, what) in cases {
        let run = Run::new(args)
            .shell(&held_after("rename,renameat,renameat2"))
            .file(&moving(1))
            .portal(&portal);
        let process = run.spawn();
        let written = run.path(file);
        wait_until("the file to be written", || written.is_file());
        process.signal(libc::SIGINT);
        let out = process.finish();

        let digest = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            &std::fs::read(&written).expect("the written file"),
        );
        let digest: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr),
            (
                130,
                "",
                format!(
                    "\n  x interrupted by SIGINT; nothing was written but the {what} {file} \
                     (SHA-256 {digest})\n\n"
                )
            ),
            "{args:?}"
        );
    }
}

#[test]
fn a_hangup_ignored_at_start_stays_ignored() {
    // `nohup` and `trap '' HUP` start the process with SIGHUP ignored, so that a closed
    // terminal does not stop it: the run goes on to the end.
    let portal = FakePortal::start();
    seeded(&portal, 2);
    portal.inject(slow("PUT", WEBHOOK_PATH, Duration::from_secs(1)));
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .shell("trap '' HUP; exec \"$0\" \"$@\"")
        .file(&moving(2))
        .portal(&portal);
    let process = run.spawn();
    first_write(&portal);
    process.signal(libc::SIGHUP);
    let out = process.finish();

    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
    let uris: Vec<String> = portal.webhooks().into_iter().map(|w| w.uri).collect();
    assert_eq!(uris, [uri(1, "new"), uri(2, "new")]);
}
