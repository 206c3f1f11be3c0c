//! The progress of `apply`: every result line carries its place and its time; a progress line
//! is drawn on a terminal only, never into a pipe or a log.

use std::io::Read;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::fake_portal::{FakePortal, Fault, FaultBody, FaultKind, Seed, WEBHOOK_PATH};
use crate::support::run::Run;
use crate::support::spawn::{Terminal, wait_until};

/// Three webhooks that each need a write.
fn drifted() -> (FakePortal, &'static str) {
    let portal = FakePortal::start();
    for name in ["A", "B", "C"] {
        portal.seed(Seed::new(name, &format!("https://{name}.example.com/h")));
    }
    let file = "webhooks:\n  A:\n    ssl: false\n  B:\n    ssl: false\n  C:\n    ssl: false\n";
    (portal, file)
}

/// The part of a result line after `[n/total]`, if `line` is one: (n, total, the rest).
fn result(line: &str) -> Option<(usize, usize, &str)> {
    let rest = line.strip_prefix("  [")?;
    let (counter, rest) = rest.split_once("] ")?;
    let (n, total) = counter.trim_start().split_once('/')?;
    Some((n.parse().ok()?, total.parse().ok()?, rest))
}

#[test]
fn piped_results_carry_their_place_and_time_and_no_progress_line() {
    let (portal, file) = drifted();
    let out = Run::new(&["apply", "--auto-approve", "--parallelism", "2"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let results: Vec<(usize, usize, &str)> = out.stdout.lines().filter_map(result).collect();
    assert_eq!(results.len(), 3, "{}", out.stdout);
    let mut places: Vec<usize> = results.iter().map(|r| r.0).collect();
    places.sort_unstable();
    assert_eq!(places, [1, 2, 3], "{}", out.stdout);
    for (_, total, rest) in &results {
        assert_eq!(*total, 3);
        // The time the write took, then what happened: `  0.0s ok updated #1 "A"`.
        let (took, what) = rest.trim_start().split_once(' ').unwrap();
        let secs = took.strip_suffix('s').and_then(|s| s.parse::<f64>().ok());
        assert!(secs.is_some_and(|s| s >= 0.0), "{rest:?}");
        assert!(what.starts_with("ok updated #"), "{rest:?}");
    }
    for stream in [&out.stdout, &out.stderr] {
        assert!(!stream.contains('\u{1b}'), "an escape code: {stream:?}");
        assert!(!stream.contains('\r'), "a redrawn line: {stream:?}");
        assert!(!stream.contains("remaining"), "a progress line: {stream:?}");
    }
}

/// Runs `run` with stderr on a terminal: its exit code, its stdout, and all it drew there.
fn on_terminal(run: &Run) -> (Option<i32>, String, Arc<Mutex<String>>) {
    let terminal = Terminal::open();
    let mut child = run
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(terminal.stdin())
        .spawn()
        .expect("start the binary");
    let drawn = Arc::new(Mutex::new(String::new()));
    let mut controller = terminal.controller().try_clone().expect("controller");
    let sink = Arc::clone(&drawn);
    // Ends when the child's end of the terminal closes; never joined, so it cannot hang a test.
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = controller.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    wait_until("the apply to end", || {
        matches!(child.try_wait(), Ok(Some(_)))
    });
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    (child.wait().unwrap().code(), stdout, drawn)
}

#[test]
fn a_terminal_gets_one_progress_line_with_what_is_done_failed_and_remaining() {
    let (portal, file) = drifted();
    // Slow enough writes that the line is drawn while they are in flight.
    portal.set_latency(Duration::from_millis(300));
    let run = Run::new(&["apply", "--auto-approve", "--parallelism", "1"])
        .file(file)
        .portal(&portal);
    let (code, stdout, drawn) = on_terminal(&run);
    assert_eq!(code, Some(0), "{stdout}");
    wait_until("the progress line", || {
        let drawn = drawn.lock().unwrap();
        drawn.contains("done, 0 failed,") && drawn.contains("remaining")
    });
    assert_eq!(stdout.lines().filter_map(result).count(), 3, "{stdout}");
    assert!(
        !stdout.contains("remaining"),
        "the line stays off stdout: {stdout}"
    );
    assert_eq!(portal.writes().len(), 3);
}

#[test]
fn a_note_on_the_terminal_goes_above_the_progress_line_not_onto_its_end() {
    let (portal, file) = drifted();
    portal.set_latency(Duration::from_millis(300));
    // The first write is answered 503 and retried: its retry line is a note on stderr.
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::Status {
            status: 503,
            body: FaultBody::Text("busy".into()),
        },
    ));
    let run = Run::new(&[
        "apply",
        "--auto-approve",
        "--parallelism",
        "1",
        "--color",
        "never",
    ])
    .file(file)
    .portal(&portal);
    let (code, stdout, drawn) = on_terminal(&run);
    assert_eq!(code, Some(0), "{stdout}");
    wait_until("the retry line", || {
        drawn.lock().unwrap().contains("retrying")
    });
    // What the terminal shows: each line as the last carriage return left it, escapes dropped.
    let drawn = drawn.lock().unwrap().replace("\u{1b}[2K", "");
    let shown: Vec<&str> = drawn
        .split('\n')
        .map(|line| {
            line.rsplit('\r')
                .find(|s| !s.is_empty())
                .unwrap_or_default()
        })
        .filter(|line| line.contains("retrying"))
        .collect();
    assert_eq!(shown.len(), 1, "{drawn:?}");
    assert!(shown[0].starts_with("retrying PUT "), "{drawn:?}");
}
