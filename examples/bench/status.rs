//! `status [LATENCY_MS]`: one fake portal of 200 webhooks with 1,000 deliveries each, all in
//! the default window of 24 hours (a minute apart), a fixed latency on every request (default
//! 20 ms). It runs the real release binary (`status`, text) as a subprocess and reports:
//!
//! - the requests it sent against the ideal: one list, then exactly the pages of 100 that
//!   hold each webhook's window (10 per webhook here, the last one ending the log);
//! - the wall time against the ideal round trips: one list, then the webhooks 16 at a time
//!   (the binary's bound per portal), each reading its 10 pages one after another, and no
//!   faster than the client's pacing at the portal's documented 1,500 requests a minute lets
//!   2,001 requests go (the last 501 wait until a minute after the first).
//!
//! Target: within 1.5 times the ideal number of requests and of the ideal time.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::fake_portal::{Deliveries, FakePortal, Seed};
use super::fleet::release_binary;
use super::ms;

const WEBHOOKS: usize = 200;
const DELIVERIES: usize = 1000;
const PAGE: usize = 100;
/// Webhooks whose logs the binary reads at once on one portal.
const AT_ONCE: usize = 16;
/// The portal's documented limit, which the client's pacing keeps.
const PER_MINUTE: usize = 1500;

pub(crate) fn run(latency_ms: u64) {
    let latency = Duration::from_millis(latency_ms);
    let binary = release_binary();
    let portal = FakePortal::start();
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    let now = i64::try_from(since_epoch.as_secs()).expect("a time of this era");
    let seeding = Instant::now();
    for i in 0..WEBHOOKS {
        let id = portal.seed(Seed::new(
            &format!("hook-{i:03}"),
            &format!("https://h{i}.example.com/d"),
        ));
        portal.seed_deliveries(
            id,
            Deliveries::new(DELIVERIES).newest_at(now - 60).every(60),
        );
    }
    println!(
        "{WEBHOOKS} webhooks x {DELIVERIES} deliveries in the window (seeded in {:.1} s), {} ms per request\n",
        seeding.elapsed().as_secs_f64(),
        latency.as_millis()
    );
    portal.set_latency(latency);
    portal.clear_requests();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("webhooks.yaml");
    std::fs::write(&file, "webhooks: {}\n").expect("write the file");
    let started = Instant::now();
    let out = Command::new(&binary)
        .args(["status", "-f"])
        .arg(&file)
        .env("DOCSPACE_URL", portal.url())
        .env("DOCSPACE_API_KEY", portal.api_key())
        .stdin(Stdio::null())
        .output()
        .expect("run the binary");
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("Health: {WEBHOOKS} ok")),
        "{}",
        stdout.lines().last().unwrap_or("")
    );

    let pages = DELIVERIES.div_ceil(PAGE);
    let ideal_requests = 1 + WEBHOOKS * pages;
    let sent = portal.requests().len();
    println!(
        "requests sent:  {sent:>8}  (ideal {ideal_requests}: 1 list + {WEBHOOKS} x {pages} pages; ratio {:.2})",
        sent as f64 / ideal_requests as f64
    );
    let rounds = 1 + WEBHOOKS.div_ceil(AT_ONCE) * pages;
    let by_latency = latency * u32::try_from(rounds).expect("a few rounds");
    // Past 1,500 requests the rest wait for the window the client keeps to (63 s: a minute and
    // its margin, src/api/limits.rs `WINDOW`) to end, then need their own rounds.
    let by_pacing = if ideal_requests > PER_MINUTE {
        Duration::from_secs(63) + latency
    } else {
        Duration::ZERO
    };
    let ideal = by_latency.max(by_pacing);
    println!(
        "wall time:      {:>8.0} ms  (ideal {:.0} ms: the larger of {rounds} round trips ({:.0} ms) and \
         the pacing at {PER_MINUTE} in 63 s ({:.0} ms); ratio {:.2})",
        ms(took),
        ms(ideal),
        ms(by_latency),
        ms(by_pacing),
        took.as_secs_f64() / ideal.as_secs_f64()
    );
}
