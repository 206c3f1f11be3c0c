//! The benchmark behind the figures of docs/performance.md (not run by CI):
//!
//!     cargo run --release --example bench [-- LATENCY_MS [PARALLELISM]]
//!     cargo run --release --example bench -- rate-limit [PARALLELISM]
//!     cargo run --release --example bench -- fleet [PORTALS [LATENCY_MS [P ...]]]
//!     cargo run --release --example bench -- big [WEBHOOKS [DRIFTED]]
//!     cargo run --release --example bench -- status [LATENCY_MS]
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
//!
//! `rate-limit` instead applies 300 drifted webhooks against the fake's rate limiter, 15
//! concurrent writes and: a token bucket of 30 requests a second in bursts of 15, with its
//! headers on every answer; a sliding window of 40 requests a second with its headers on every
//! answer; the same window with its headers only on the 429, as DocSpace sends them. Each run
//! reports the total time against the ideal of one list plus 300 writes at the limit's rate,
//! and the 429 answers as a share of the writes.
//!
//! `fleet` times the release binary over 1,000 portals of one `portals:` file at several
//! `--portal-parallelism`: see `fleet.rs`.
//! `big` measures the CPU time and memory of the release binary on one big file: see `big.rs`.

#![allow(
    clippy::print_stdout,
    reason = "a benchmark prints its figures on the terminal it runs in"
)]

// The tests' fake portal, linted as part of the test binary (see tests/tests.rs).
#[allow(
    unreachable_pub,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "test support, under the test binary's rules"
)]
#[path = "../../tests/support/fake_portal/mod.rs"]
mod fake_portal;
// The tests' set of fake portals behind one `portals:` file, under the same rules.
mod big;
#[allow(
    unreachable_pub,
    reason = "test support, under the test binary's rules"
)]
#[path = "../../tests/support/fleet.rs"]
mod fake_fleet;
mod fleet;
mod status;

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use docspace_webhooks::api::{
    Client, ClientEvent, ClientOptions, EventSink, PortalUrl, WebhookBody,
};
use docspace_webhooks::{apply, config, plan, render};
use fake_portal::{FakePortal, Options, RateLimit, Seed, SlidingWindow};

const TOTAL: usize = 1000;
const DRIFTED: usize = 100;
/// Plan timings are repeated and the median taken: one run is too noisy on a shared machine.
const PLAN_RUNS: usize = 25;
/// The rate-limit run: webhooks, all drifted, and the portal's limit.
const LIMITED: usize = 300;
const PER_SECOND: u32 = 30;
const BURST: u32 = 15;
/// The sliding window standing in for DocSpace's per-user limiter, scaled down: 40 in any
/// second.
const WINDOW_LIMIT: u32 = 40;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if args.next_if(|a| a == "big").is_some() {
        big::run(
            args.next().and_then(|a| a.parse().ok()).unwrap_or(5000),
            args.next().and_then(|a| a.parse().ok()).unwrap_or(500),
        );
        return;
    }
    if args.next_if(|a| a == "fleet").is_some() {
        let portals: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
        let latency_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
        let mut parallelisms: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
        if parallelisms.is_empty() {
            parallelisms = vec![8, 32, 64];
        }
        fleet::run(portals, Duration::from_millis(latency_ms), &parallelisms);
        return;
    }
    if args.next_if(|a| a == "status").is_some() {
        return status::run(args.next().and_then(|a| a.parse().ok()).unwrap_or(20));
    }
    if args.next_if(|a| a == "rate-limit").is_some() {
        let parallelism: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4);
        rate_limited(&runtime, parallelism);
        return;
    }
    let latency_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let parallelism: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4);
    let latency = Duration::from_millis(latency_ms);

    println!(
        "{TOTAL} webhooks, {DRIFTED} drifted, {latency_ms} ms per request, parallelism {parallelism}\n"
    );

    // plan
    let (sandbox, client, portal) = seeded(TOTAL, latency, ClientOptions::default());
    let file = desired_file(TOTAL, DRIFTED);
    let mut cpu = Vec::new();
    let mut wall = Vec::new();
    let mut changes = 0;
    for _ in 0..PLAN_RUNS {
        let started = Instant::now();
        let cpu_started = thread_cpu();
        let live = runtime.block_on(client.list()).expect("list");
        let config = config::load_document_str(&file, "bench.yaml")
            .map(|mut document| document.portals.remove(0).config)
            .expect("file");
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
    let config = config::load_document_str(&file, "bench.yaml")
        .map(|mut document| document.portals.remove(0).config)
        .expect("file");
    sandbox.clear_requests();
    let started = Instant::now();
    let live = runtime.block_on(client.list()).expect("list");
    let plan = plan::plan(&config, &live, portal.as_str(), Default::default()).expect("plan");
    let secrets = apply::resolve_secrets(&plan, &config, &|_| Err(std::env::VarError::NotPresent))
        .expect("no secrets needed");
    let report = runtime.block_on(apply::apply(
        &client,
        &plan,
        &secrets,
        parallelism,
        |_, _, _| {},
    ));
    let apply_time = started.elapsed();
    assert_eq!(report.failed(), 0);
    assert_eq!(
        sandbox.writes().len(),
        DRIFTED,
        "one write per drifted webhook"
    );
    let rounds = u32::try_from(DRIFTED.div_ceil(parallelism)).expect("a few rounds");
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
    let (sandbox, client, _) = seeded(TOTAL, latency, ClientOptions::default());
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

/// The portal's limiter in a rate-limit run, and whether passing answers carry its headers.
#[derive(Clone, Copy)]
enum Limiter {
    Bucket,
    Window { headers_on_every_answer: bool },
}

/// The rate-limit runs: the token bucket (headers on every answer), then the sliding window
/// with its headers on every answer and only on the 429, as DocSpace sends them.
fn rate_limited(runtime: &tokio::runtime::Runtime, parallelism: usize) {
    println!(
        "{LIMITED} webhooks, all drifted, 20 ms per request, parallelism {parallelism}; \
         refusals are 429 answers, as a share of the {LIMITED} writes\n"
    );
    for limiter in [
        Limiter::Bucket,
        Limiter::Window {
            headers_on_every_answer: true,
        },
        Limiter::Window {
            headers_on_every_answer: false,
        },
    ] {
        rate_limited_run(runtime, parallelism, limiter);
    }
}

/// One plan and apply against the limiter, timed from the list on.
fn rate_limited_run(runtime: &tokio::runtime::Runtime, parallelism: usize, limiter: Limiter) {
    let latency = Duration::from_millis(20);
    let pauses = Arc::new(AtomicUsize::new(0));
    let counter = pauses.clone();
    let options = ClientOptions {
        events: Some(EventSink(Arc::new(move |event: &ClientEvent| {
            if matches!(event, ClientEvent::Paused { .. }) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        }))),
        ..ClientOptions::default()
    };
    let (sandbox, client, portal) = seeded(LIMITED, latency, options);
    let per_second = match limiter {
        Limiter::Bucket => {
            println!(
                "token bucket of {PER_SECOND} requests/s in bursts of {BURST}, headers on every answer:"
            );
            sandbox.set_rate_limit(Some(RateLimit {
                per_second: PER_SECOND,
                burst: BURST,
                max_concurrent_writes: 15,
            }));
            PER_SECOND
        }
        Limiter::Window {
            headers_on_every_answer,
        } => {
            println!(
                "sliding window of {WINDOW_LIMIT} requests a second, headers {}:",
                if headers_on_every_answer {
                    "on every answer"
                } else {
                    "only on the 429 (as DocSpace)"
                }
            );
            sandbox.set_sliding_window(Some(SlidingWindow {
                limit: WINDOW_LIMIT,
                window: Duration::from_secs(1),
                max_concurrent_writes: 15,
            }));
            sandbox.set_rate_headers_on_refusal_only(!headers_on_every_answer);
            WINDOW_LIMIT
        }
    };
    let config = config::load_document_str(&desired_file(LIMITED, LIMITED), "bench.yaml")
        .map(|mut document| document.portals.remove(0).config)
        .expect("file");
    let started = Instant::now();
    let live = runtime.block_on(client.list()).expect("list");
    let plan = plan::plan(&config, &live, portal.as_str(), Default::default()).expect("plan");
    let secrets = apply::resolve_secrets(&plan, &config, &|_| Err(std::env::VarError::NotPresent))
        .expect("no secrets needed");
    let report = runtime.block_on(apply::apply(
        &client,
        &plan,
        &secrets,
        parallelism,
        |_, _, _| {},
    ));
    let elapsed = started.elapsed();
    assert_eq!(report.failed(), 0);
    assert_eq!(report.done(), LIMITED);
    let requests = sandbox.requests();
    let refused = requests.iter().filter(|r| r.status == 429).count();
    let ideal = Duration::from_secs_f64((LIMITED + 1) as f64 / f64::from(per_second));
    println!(
        "  apply  wall time incl. the list:     {:>8.2} s   (ideal {:.2} s: 1 list + {LIMITED} writes at {per_second}/s; ratio {:.2})",
        elapsed.as_secs_f64(),
        ideal.as_secs_f64(),
        elapsed.as_secs_f64() / ideal.as_secs_f64()
    );
    println!(
        "  apply  429 answers:                  {refused:>8}     ({:.1}% of the writes; {} requests), {} pause(s)",
        100.0 * refused as f64 / LIMITED as f64,
        requests.len(),
        pauses.load(Ordering::SeqCst)
    );
    println!(
        "  apply  peak concurrent writes:       {:>8}\n",
        sandbox.max_concurrent_writes()
    );
}

/// A portal with `total` webhooks, and a client for it.
fn seeded(
    total: usize,
    latency: Duration,
    options: ClientOptions,
) -> (FakePortal, Client, PortalUrl) {
    let sandbox = FakePortal::start_with(Options::default());
    for i in 0..total {
        sandbox.seed(Seed::new(&name(i), &uri(i)).triggers(256));
    }
    sandbox.set_latency(latency);
    let portal = PortalUrl::parse(&sandbox.url()).expect("portal url");
    let client = Client::new(&portal, sandbox.api_key().into(), options).expect("client");
    (sandbox, client, portal)
}

/// The file: every webhook, the first `drifted` with `ssl: false`.
fn desired_file(total: usize, drifted: usize) -> String {
    let mut file = String::from("webhooks:\n");
    for i in 0..total {
        let _ = writeln!(
            file,
            "  {}:\n    uri: {}\n    triggers: [file.uploaded]\n    ssl: {}",
            name(i),
            uri(i),
            i >= drifted
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
    let secs = u64::try_from(ts.tv_sec).expect("a thread's CPU time is not negative");
    let nanos = u32::try_from(ts.tv_nsec).expect("under a second of nanoseconds");
    Duration::new(secs, nanos)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
