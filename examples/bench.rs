//! The benchmark behind the README's figures (not run by CI):
//!
//!     cargo run --release --example bench [-- LATENCY_MS [PARALLELISM]]
//!
//! Starts the fake portal with a fixed latency on every request, seeds 1,000 webhooks, and
//! makes 100 of them drift in the file. Then it times:
//! - `plan`: the CPU time this thread spends on a whole plan (the GET and its JSON parsing,
//!   loading the file, planning, rendering; the fake portal runs on other threads), and the
//!   wall time;
//! - `apply` with bounded concurrency, against the ideal of one list plus
//!   ceil(drifted / parallelism) rounds of writes;
//! - the naive approach of the original API example: for each drifted webhook, list everything,
//!   then PUT, one webhook at a time.

#[path = "../tests/support/fake_portal/mod.rs"]
mod fake_portal;

use std::fmt::Write;
use std::time::{Duration, Instant};

use docspace_webhooks::api::{Client, ClientOptions, PortalUrl, WebhookBody};
use docspace_webhooks::{apply, config, plan, render};
use fake_portal::{FakePortal, Options, Seed};

const TOTAL: usize = 1000;
const DRIFTED: usize = 100;
/// Plan timings are repeated and the median taken: one run is too noisy on a shared machine.
const PLAN_RUNS: usize = 25;

fn main() {
    let mut args = std::env::args().skip(1);
    let latency_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let parallelism: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4);
    let latency = Duration::from_millis(latency_ms);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    println!(
        "{TOTAL} webhooks, {DRIFTED} drifted, {latency_ms} ms per request, parallelism {parallelism}\n"
    );

    // plan
    let (sandbox, client, portal) = seeded(latency);
    let file = desired_file();
    let mut cpu = Vec::new();
    let mut wall = Vec::new();
    let mut changes = 0;
    for _ in 0..PLAN_RUNS {
        let started = Instant::now();
        let cpu_started = thread_cpu();
        let live = runtime.block_on(client.list()).expect("list");
        let config = config::load_str(&file, "bench.yaml").expect("file");
        let plan = plan::plan(&config, &live, portal.as_str(), Default::default()).expect("plan");
        let text = render::render_text(&plan, false);
        let done = Instant::now();
        cpu.push(thread_cpu() - cpu_started);
        assert!(
            text.contains("100 to update"),
            "{}",
            text.lines().last().unwrap_or("")
        );
        changes = plan.changes.len();
        wall.push(done - started);
    }
    assert_eq!(changes, DRIFTED);
    assert_eq!(sandbox.writes().len(), 0, "plan never writes");
    println!(
        "plan   CPU time of this thread (median of {PLAN_RUNS}):     {:>8.2} ms",
        ms(median(cpu))
    );
    println!(
        "plan   wall time incl. the one GET (median):            {:>8.2} ms",
        ms(median(wall))
    );

    // apply
    let config = config::load_str(&file, "bench.yaml").expect("file");
    sandbox.clear_requests();
    let started = Instant::now();
    let live = runtime.block_on(client.list()).expect("list");
    let plan = plan::plan(&config, &live, portal.as_str(), Default::default()).expect("plan");
    let secrets = apply::resolve_secrets(&plan, &|_| None).expect("no secrets needed");
    let report = runtime.block_on(apply::apply(
        &client,
        &plan,
        &secrets,
        parallelism,
        &apply::Halt::default(),
        |_, _, _| {},
    ));
    let apply_time = started.elapsed();
    assert_eq!(report.failed(), 0);
    assert_eq!(
        sandbox.writes().len(),
        DRIFTED,
        "one write per drifted webhook"
    );
    let rounds = DRIFTED.div_ceil(parallelism) as u32;
    let ideal = latency * (1 + rounds);
    println!(
        "apply  wall time:                                       {:>8.2} ms  (ideal {:.0} ms: 1 list + {rounds} rounds; ratio {:.2})",
        ms(apply_time),
        ms(ideal),
        apply_time.as_secs_f64() / ideal.as_secs_f64()
    );
    println!(
        "apply  peak concurrent writes:                         {:>8}",
        sandbox.max_concurrent_writes()
    );

    // naive, on a fresh portal in the same state
    let (sandbox, client, _) = seeded(latency);
    let started = Instant::now();
    runtime.block_on(naive(&client));
    let naive_time = started.elapsed();
    assert_eq!(sandbox.writes().len(), DRIFTED);
    println!(
        "naive  wall time (list + PUT per webhook, sequential):  {:>8.2} ms  ({:.1}x slower than apply)",
        ms(naive_time),
        naive_time.as_secs_f64() / apply_time.as_secs_f64()
    );
}

/// A portal with `TOTAL` webhooks, and a client for it.
fn seeded(latency: Duration) -> (FakePortal, Client, PortalUrl) {
    let sandbox = FakePortal::start_with(Options::default());
    for i in 0..TOTAL {
        sandbox.seed(Seed::new(&name(i), &uri(i)).triggers(256));
    }
    sandbox.set_latency(latency);
    let portal = PortalUrl::parse(&sandbox.url()).expect("portal url");
    let client =
        Client::new(&portal, sandbox.api_key().into(), ClientOptions::default()).expect("client");
    (sandbox, client, portal)
}

/// The file: every webhook, the first `DRIFTED` with `ssl: false`.
fn desired_file() -> String {
    let mut file = String::from("webhooks:\n");
    for i in 0..TOTAL {
        let _ = writeln!(
            file,
            "  {}:\n    uri: {}\n    triggers: [file.uploaded]\n    ssl: {}",
            name(i),
            uri(i),
            i >= DRIFTED
        );
    }
    file
}

/// What the original example does for each webhook to update: list all, find it, PUT it.
async fn naive(client: &Client) {
    for i in 0..DRIFTED {
        let live = client.list().await.expect("list");
        let current = live.iter().find(|w| w.name == name(i)).expect("seeded");
        let body = WebhookBody {
            name: current.name.clone(),
            uri: current.uri.clone(),
            secret_key: None,
            enabled: current.enabled,
            ssl: false,
            triggers: current.triggers,
            target_id: current.target_id.clone(),
        };
        client.update(current.id, &body).await.expect("put");
    }
}

fn name(i: usize) -> String {
    format!("hook-{i:04}")
}

fn uri(i: usize) -> String {
    format!("https://h{i}.example.com/docspace")
}

/// CPU time consumed by the calling thread so far.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we own.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
