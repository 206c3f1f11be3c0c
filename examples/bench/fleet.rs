//! `fleet [PORTAL_PARALLELISM [LATENCY_MS]]`: 100 fake portals of 20 webhooks each in one
//! `portals:` file, 2 of them drifted on every portal (shared entries with `ssl: false`), with
//! a fixed latency on every request (default 50 ms, portal parallelism default 8). It runs the
//! real release binary as a subprocess, the honest end-to-end figure (process start, loading
//! the file, every request, rendering), with `--portal-parallelism P` and the default
//! `--parallelism` of 4 writes per portal (`W`), and times:
//!
//! - `plan` of all 100 portals (median of 5 runs), against the ideal of
//!   `ceil(100 / P)` round trips: one GET per portal, `P` portals at a time;
//! - `apply --auto-approve` (median of 3 runs, the drift put back between runs), against the
//!   ideal of `ceil(100 / P) * (1 + ceil(2 / W))` round trips: each portal is one list, then
//!   its 2 writes `W` at a time, and `P` portals run at once. (Listing every portal first and
//!   writing afterwards, `P` at a time in each phase, has the same ideal.)
//!
//! Target: both within 1.5 times their ideal. `validate` of the same file (offline: process
//! start and loading the file) is printed as the floor the ideals leave out.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::fake_fleet::Fleet;
use super::fake_portal::{Options, Seed};
use super::{median, ms};

const PORTALS: usize = 100;
const WEBHOOKS: usize = 20;
const DRIFTED: usize = 2;
/// The binary's default `--parallelism`: writes at once on one portal.
const WRITES_AT_ONCE: usize = 4;
const PLAN_RUNS: usize = 5;
const APPLY_RUNS: usize = 3;

pub(crate) fn run(portal_parallelism: usize, latency: Duration) {
    let binary = release_binary();
    let names: Vec<String> = (0..PORTALS).map(|i| format!("p{i:03}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let fleet = Fleet::start_with(&names, |_| Options::default());
    let mut drifted_ids = Vec::new();
    for (_, fake) in fleet.up() {
        for i in 0..WEBHOOKS {
            let id = fake.seed(Seed::new(&hook(i), &uri(i)).triggers(256));
            if i < DRIFTED {
                drifted_ids.push(id);
            }
        }
        fake.set_latency(latency);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("fleet.yaml");
    std::fs::write(&file, desired_file(&fleet)).expect("write the file");
    let parallelism = portal_parallelism.to_string();
    let command = |args: &[&str]| {
        let mut cmd = Command::new(&binary);
        cmd.args(args)
            .arg("-f")
            .arg(&file)
            .envs(fleet.env())
            .env_remove("DOCSPACE_URL")
            .env_remove("DOCSPACE_API_KEY")
            .stdin(Stdio::null());
        cmd
    };
    println!(
        "{PORTALS} portals of {WEBHOOKS} webhooks, {DRIFTED} drifted on each, {} ms per request, \
         portal parallelism {portal_parallelism}, {WRITES_AT_ONCE} writes at once per portal\n",
        latency.as_millis()
    );

    let (floor, _) = timed(&mut command(&["validate"]), 0);
    println!(
        "validate (offline: process start, loading the file):   {:>8.0} ms",
        ms(floor)
    );

    let mut plans = Vec::new();
    for _ in 0..PLAN_RUNS {
        fleet.clear_requests();
        let (took, stdout) = timed(
            &mut command(&["plan", "--portal-parallelism", &parallelism]),
            0,
        );
        assert!(
            stdout.contains(&format!("{} to update", PORTALS * DRIFTED)),
            "{}",
            stdout.lines().last().unwrap_or("")
        );
        assert_eq!(fleet.request_count(), PORTALS, "one GET per portal");
        plans.push(took);
    }
    assert_eq!(fleet.write_count(), 0, "plan never writes");
    let rounds = u32::try_from(PORTALS.div_ceil(portal_parallelism)).expect("a few rounds");
    report(
        &format!("plan   wall time (median of {PLAN_RUNS})"),
        median(plans),
        latency * rounds,
        &format!("{rounds} round trips"),
    );

    let mut applies = Vec::new();
    for round in 0..APPLY_RUNS {
        if round > 0 {
            redrift(&fleet, &drifted_ids);
        }
        fleet.clear_requests();
        let (took, _) = timed(
            &mut command(&[
                "apply",
                "--auto-approve",
                "--portal-parallelism",
                &parallelism,
            ]),
            0,
        );
        assert_eq!(
            fleet.write_count(),
            PORTALS * DRIFTED,
            "only the drift written"
        );
        applies.push(took);
    }
    let per_portal = 1 + u32::try_from(DRIFTED.div_ceil(WRITES_AT_ONCE)).expect("small");
    report(
        &format!("apply  wall time (median of {APPLY_RUNS})"),
        median(applies),
        latency * rounds * per_portal,
        &format!("{rounds} rounds of {per_portal} round trips"),
    );
    let peak = fleet
        .up()
        .map(|(_, fake)| fake.max_concurrent_writes())
        .max()
        .unwrap_or(0);
    println!("apply  peak concurrent writes on one portal:            {peak:>8}");
    let (_, _) = timed(&mut command(&["plan", "--detailed-exitcode"]), 0);
    println!("\nconverged: plan --detailed-exitcode exits 0 afterwards");
}

fn report(what: &str, took: Duration, ideal: Duration, how: &str) {
    // With no latency there is no ideal to compare with: the time is all overhead.
    let ratio = if ideal.is_zero() {
        "-".to_owned()
    } else {
        format!("{:.2}", took.as_secs_f64() / ideal.as_secs_f64())
    };
    println!(
        "{what:<54} {:>8.0} ms  (ideal {:.0} ms: {how}; ratio {ratio})",
        ms(took),
        ms(ideal),
    );
}

/// Runs `cmd` to the end; panics unless it exits `code`. Its wall time and stdout.
fn timed(cmd: &mut Command, code: i32) -> (Duration, String) {
    let started = Instant::now();
    let out = cmd.output().expect("run the binary");
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{cmd:?}\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (took, stdout)
}

/// Puts the drift back (ssl on again), behind the API's back.
fn redrift(fleet: &Fleet, ids: &[i32]) {
    let per_portal = ids.len() / PORTALS;
    for ((_, fake), ids) in fleet.up().zip(ids.chunks(per_portal)) {
        for &id in ids {
            fake.update_stored(id, |w| w.ssl = true);
        }
    }
}

/// Every portal gets the same 20 shared entries; the first 2 turn ssl off.
fn desired_file(fleet: &Fleet) -> String {
    let mut file = fleet.portals_yaml(&[]);
    file.push_str("webhooks:\n");
    for i in 0..WEBHOOKS {
        file.push_str(&format!(
            "  {}:\n    uri: {}\n    triggers: [file.uploaded]\n    ssl: {}\n",
            hook(i),
            uri(i),
            i >= DRIFTED
        ));
    }
    file
}

fn hook(i: usize) -> String {
    format!("hook-{i:02}")
}

fn uri(i: usize) -> String {
    format!("https://h{i}.example.com/docspace")
}

/// The release binary, built (or found up to date) by the cargo that built this example.
pub(crate) fn release_binary() -> PathBuf {
    let out = Command::new(env!("CARGO"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "build",
            "--release",
            "--bin",
            "docspace-webhooks",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo build");
    assert!(out.status.success(), "cargo build --release failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| {
            m["reason"] == "compiler-artifact" && m["target"]["name"] == "docspace-webhooks"
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo names the binary it built")
}
