//! `fleet [PORTALS [LATENCY_MS [P ...]]]`: `PORTALS` fake portals (default 1,000) of 20
//! webhooks each in one `portals:` file, 2 of them drifted on every portal (shared entries
//! with `ssl: false`), with a fixed latency on every request (default 50 ms), timed at each
//! `--portal-parallelism P` given (default 8, 32 and 64). It runs the real release binary as a
//! subprocess, the honest end-to-end figure (process start, loading the file, every request,
//! rendering), with the default `--parallelism` of 4 writes per portal (`W`), and measures:
//!
//! - `plan` of all the portals (median of 5 runs), against the ideal of `ceil(PORTALS / P)`
//!   round trips: one GET per portal, `P` portals at a time;
//! - `apply --auto-approve` (median of 3 runs, the drift put back between runs), against the
//!   ideal of `ceil(PORTALS / P) * (1 + ceil(2 / W))` round trips: each portal is one list,
//!   then its 2 writes `W` at a time, and `P` portals run at once. (Listing every portal first
//!   and writing afterwards, `P` at a time in each phase, has the same ideal.)
//! - the peak resident memory of the binary's process (`VmHWM`, see `timed`), the highest over
//!   the runs.
//!
//! Targets: within 1.3 times the ideal at `P = 32`, and under 200 MB. `validate` of the same
//! file (offline: process start and loading the file) is printed as the floor the ideals
//! leave out.
//!
//! Every portal is a listener of this process on its own loopback port, served by its own
//! small runtime (see `tests/support/fake_portal/server.rs`): 1,000 of them take about 1,000
//! descriptors here and fit the usual limits once the soft one is raised to the hard one.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::fake_fleet::Fleet;
use super::fake_portal::{Options, Seed};
use super::{median, ms};

const WEBHOOKS: usize = 20;
const DRIFTED: usize = 2;
/// The binary's default `--parallelism`: writes at once on one portal.
const WRITES_AT_ONCE: usize = 4;
const PLAN_RUNS: usize = 5;
const APPLY_RUNS: usize = 3;

pub(crate) fn run(portals: usize, latency: Duration, parallelisms: &[usize]) {
    raise_descriptor_limit(portals);
    let binary = release_binary();
    let names: Vec<String> = (0..portals).map(|i| format!("p{i:04}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let started = Instant::now();
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
    let text = desired_file(&fleet);
    std::fs::write(&file, &text).expect("write the file");
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
        "{portals} portals of {WEBHOOKS} webhooks, {DRIFTED} drifted on each, {} ms per request, \
         {WRITES_AT_ONCE} writes at once per portal; a {} KB file; fake portals up in {:.1} s\n",
        latency.as_millis(),
        text.len() / 1024,
        started.elapsed().as_secs_f64()
    );

    let floor = timed(&mut command(&["validate"]), 0);
    println!(
        "validate (offline: process start, loading the file):   {:>8.0} ms  CPU {:.0} ms  peak RSS {:>5.1} MB",
        ms(floor.took),
        ms(floor.cpu),
        floor.peak_mb()
    );

    for &p in parallelisms {
        println!("\n--portal-parallelism {p}");
        redrift(&fleet, &drifted_ids);
        let parallelism = p.to_string();
        let mut plans = Vec::new();
        let mut cpus = Vec::new();
        let mut peak = 0.0_f64;
        for _ in 0..PLAN_RUNS {
            fleet.clear_requests();
            let run = timed(
                &mut command(&["plan", "--portal-parallelism", &parallelism]),
                0,
            );
            assert!(
                run.stdout
                    .contains(&format!("{} to update", portals * DRIFTED)),
                "{}",
                run.stdout.lines().last().unwrap_or("")
            );
            assert_eq!(fleet.request_count(), portals, "one GET per portal");
            peak = peak.max(run.peak_mb());
            cpus.push(run.cpu);
            plans.push(run.took);
        }
        assert_eq!(fleet.write_count(), 0, "plan never writes");
        let rounds = u32::try_from(portals.div_ceil(p)).expect("a few rounds");
        report(
            &format!("plan   wall time (median of {PLAN_RUNS})"),
            median(plans),
            latency * rounds,
            &format!("{rounds} round trips"),
            median(cpus),
            peak,
        );

        let mut applies = Vec::new();
        let mut cpus = Vec::new();
        let mut peak = 0.0_f64;
        for round in 0..APPLY_RUNS {
            if round > 0 {
                redrift(&fleet, &drifted_ids);
            }
            fleet.clear_requests();
            let run = timed(
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
                portals * DRIFTED,
                "only the drift written"
            );
            peak = peak.max(run.peak_mb());
            cpus.push(run.cpu);
            applies.push(run.took);
        }
        let per_portal = 1 + u32::try_from(DRIFTED.div_ceil(WRITES_AT_ONCE)).expect("small");
        report(
            &format!("apply  wall time (median of {APPLY_RUNS})"),
            median(applies),
            latency * rounds * per_portal,
            &format!("{rounds} rounds of {per_portal} round trips"),
            median(cpus),
            peak,
        );
        let most = fleet
            .up()
            .map(|(_, fake)| fake.max_concurrent_writes())
            .max()
            .unwrap_or(0);
        println!("apply  peak concurrent writes on one portal:            {most:>8}");
        timed(&mut command(&["plan", "--detailed-exitcode"]), 0);
        println!("converged: plan --detailed-exitcode exits 0 afterwards");
    }
}

fn report(what: &str, took: Duration, ideal: Duration, how: &str, cpu: Duration, peak_mb: f64) {
    // With no latency there is no ideal to compare with: the time is all overhead.
    let ratio = if ideal.is_zero() {
        "-".to_owned()
    } else {
        format!("{:.2}", took.as_secs_f64() / ideal.as_secs_f64())
    };
    println!(
        "{what:<54} {:>8.0} ms  (ideal {:.0} ms: {how}; ratio {ratio})  CPU {:.0} ms  peak RSS {peak_mb:>5.1} MB",
        ms(took),
        ms(ideal),
        ms(cpu),
    );
}

/// One finished run of the binary.
pub(crate) struct Run {
    pub(crate) took: Duration,
    /// User and system CPU time of the process (`wait4`'s, which, unlike its `ru_maxrss`, is
    /// the process's own).
    pub(crate) cpu: Duration,
    pub(crate) stdout: String,
    /// The highest `VmHWM` of the process seen, in KiB.
    pub(crate) peak_kib: u64,
}

impl Run {
    fn peak_mb(&self) -> f64 {
        self.peak_kib as f64 * 1024.0 / 1e6
    }
}

/// Runs `cmd` to the end; panics unless it exits `code`. Its wall time, stdout and peak
/// memory. The peak is the process's `VmHWM` (its resident high-water mark since `exec`), read
/// from `/proc` every millisecond until it exits: `ru_maxrss` would not do, since Linux
/// counts in it the memory of the process it was spawned from (this one, with its 1,000
/// portals) before `exec`. Only growth in the last millisecond before exiting can be missed.
pub(crate) fn timed(cmd: &mut Command, code: i32) -> Run {
    let started = Instant::now();
    #[allow(
        clippy::zombie_processes,
        reason = "wait4 reaps it below, to read its CPU time"
    )]
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the binary");
    let drain = |mut from: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = from.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let status_file = format!("/proc/{pid}/status");
    let mut peak_kib = 0;
    let status = loop {
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|status| high_water_kib(&status))
        {
            peak_kib = peak_kib.max(kib);
        }
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value of the plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: polls our own child; both pointers point at locals of the right type.
        let rc = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(rc >= 0, "wait4: {}", std::io::Error::last_os_error());
        if rc == pid {
            break (status, cpu(usage.ru_utime) + cpu(usage.ru_stime));
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let took = started.elapsed();
    let (status, cpu) = status;
    let stdout = stdout.join().unwrap_or_default();
    assert_eq!(
        libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        Some(code),
        "{cmd:?}\n{stdout}\n{}",
        stderr.join().unwrap_or_default()
    );
    Run {
        took,
        cpu,
        stdout,
        peak_kib,
    }
}

fn cpu(time: libc::timeval) -> Duration {
    let secs = u64::try_from(time.tv_sec).unwrap_or(0);
    let micros = u64::try_from(time.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(micros)
}

/// `VmHWM:  12345 kB` of a `/proc/PID/status`.
fn high_water_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Raises the soft limit on open descriptors to the hard one when `portals` listeners (and a
/// connection to each from the binary, a child with the same limits) may not fit under it.
fn raise_descriptor_limit(portals: usize) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct this function owns.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        let wanted = u64::try_from(2 * portals + 256).expect("a small number");
        if limit.rlim_cur < wanted && limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max.min(wanted.max(limit.rlim_cur));
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
        }
        assert!(
            limit.rlim_cur >= wanted,
            "{portals} portals need about {wanted} open files; the limit is {} (ulimit -n)",
            limit.rlim_cur
        );
    }
}

/// Puts the drift back (ssl on again), behind the API's back: the file turns it off.
fn redrift(fleet: &Fleet, ids: &[i32]) {
    for ((_, fake), ids) in fleet.up().zip(ids.chunks(DRIFTED)) {
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
