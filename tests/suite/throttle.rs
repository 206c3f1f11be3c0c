//! Throttling as a user sees it: a 429 is waited out without using a retry, one line per
//! pause, pacing against the fake's rate limiter, the --max-wait budget, the daily limit, and
//! `Retry-After` as a date. A second of `Retry-After` lasts a few milliseconds here (the hidden
//! DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS), except for pacing, which runs in real time against the
//! fake's token bucket.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::support::fake_portal::{
    FakePortal, Fault, FaultBody, FaultKind, RateLimit, Scope, Seed, SlidingWindow, WEBHOOK_PATH,
};
use crate::support::run::{Outcome, Run};

const SECRET: &str = "throttle-Secret-7";

fn uri(i: usize) -> String {
    format!("https://h{i}.example.com/hook")
}

/// A portal with `n` webhooks `hook-0`.., and a file that turns ssl off on all of them.
fn drifted(n: usize) -> (FakePortal, String) {
    let portal = FakePortal::start();
    let mut file = String::from("webhooks:\n");
    for i in 0..n {
        portal.seed(Seed::new(&format!("hook-{i}"), &uri(i)).secret(SECRET));
        file.push_str(&format!("  hook-{i}:\n    ssl: false\n"));
    }
    (portal, file)
}

/// `apply --auto-approve ARGS`, a throttle second lasting `unit_ms`.
fn apply(portal: &FakePortal, file: &str, args: &[&str], unit_ms: u64) -> Outcome {
    let mut all = vec!["apply", "--auto-approve"];
    all.extend_from_slice(args);
    Run::new(&all)
        .file(file)
        .portal(portal)
        .env("HOOK_SECRET", SECRET)
        .env("DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS", &unit_ms.to_string())
        .run()
}

fn statuses(portal: &FakePortal) -> Vec<u16> {
    portal.writes().iter().map(|r| r.status).collect()
}

fn pauses(out: &Outcome) -> usize {
    out.stderr.matches("pausing all requests").count()
}

#[test]
fn a_429_every_4th_request_and_a_503_every_2nd_write_converge_every_time() {
    let mut file = String::from("webhooks:\n");
    for i in 0..4 {
        file.push_str(&format!("  hook-{i}:\n    ssl: false\n"));
        file.push_str(&format!(
            "  new-{i}:\n    uri: https://new{i}.example.com/h\n    secretKey: ${{HOOK_SECRET}}\n"
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    for round in 0..10 {
        assert!(Instant::now() < deadline, "round {round} started too late");
        let (portal, _) = drifted(4);
        portal.inject_every(4, Scope::Requests, FaultKind::RetryAfter { seconds: 1 });
        // Every other round the write lands and only its answer is lost: a create must then
        // be found, not posted twice.
        let unavailable = if round % 2 == 0 {
            FaultKind::html(503)
        } else {
            FaultKind::AfterHandling {
                status: 503,
                body: FaultBody::Html("<h1>503 Service Unavailable</h1>".into()),
            }
        };
        portal.inject_every(2, Scope::Writes, unavailable);
        let out = apply(&portal, &file, &[], 5);
        assert_eq!(out.code, 0, "round {round}: {out:?}");
        assert!(
            out.stdout.contains("8 done, 0 failed"),
            "round {round}: {out:?}"
        );
        assert!(pauses(&out) >= 1, "round {round}: {out:?}");
        let live = portal.webhooks();
        let mut names: Vec<&str> = live.iter().map(|w| w.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 8, "round {round}: no duplicate: {live:?}");
        assert_eq!(live.len(), 8, "round {round}: {live:?}");
        assert!(live.iter().all(|w| w.name.starts_with("new") || !w.ssl));
        assert!(live.iter().all(|w| w.secret_key == SECRET), "round {round}");
    }
}

#[test]
fn a_429_never_uses_a_retry_and_each_pause_is_said() {
    let (portal, file) = drifted(1);
    portal.inject(Fault::new("PUT", WEBHOOK_PATH, FaultKind::RetryAfter { seconds: 2 }).times(3));
    let out = apply(&portal, &file, &["--retries", "0"], 5);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(statuses(&portal), [429, 429, 429, 200]);
    assert_eq!(pauses(&out), 3, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 0
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "hook-0"
          ssl       = true -> false

    Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

      [1/1] [TIME] ok updated #1 "hook-0"

    Apply complete: 1 done, 0 failed.
    ----- stderr -----
    the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook): pausing all requests for 2 s as it asks (Retry-After), then at most 1 write(s) at a time and 714 request(s) a second; 2 s of --max-wait 300 s used
    the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook): pausing all requests for 2 s as it asks (Retry-After), then at most 1 write(s) at a time and 714 request(s) a second; 4 s of --max-wait 300 s used
    the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook): pausing all requests for 2 s as it asks (Retry-After), then at most 1 write(s) at a time and 714 request(s) a second; 6 s of --max-wait 300 s used
    ----- end -----
    "#);
    assert!(!out.stderr.contains("retrying"), "{out:?}");
}

/// A write's time is its requests' (what a slow target costs), not the pause a 429 held it for:
/// a write answered at once showed the pause's seconds.
#[test]
fn a_writes_time_leaves_out_the_pause_it_was_held_for() {
    let (portal, file) = drifted(1);
    portal.inject(Fault::new("PUT", WEBHOOK_PATH, FaultKind::RetryAfter { seconds: 2 }).times(1));
    // A second of the pause lasts 600 ms.
    let out = apply(&portal, &file, &[], 600);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(statuses(&portal), [429, 200]);
    let took = out
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("[1/1]"));
    let took = took
        .and_then(|l| l.trim().split_once("s ok"))
        .map(|(t, _)| t.parse::<f64>());
    assert!(took.is_some_and(|t| t.unwrap() < 0.6), "{out:?}");
}

#[test]
fn writes_refused_together_are_one_pause_and_resume_at_half_the_concurrency() {
    let (portal, file) = drifted(8);
    portal.set_latency(Duration::from_millis(20));
    portal.inject(Fault::new("PUT", WEBHOOK_PATH, FaultKind::RetryAfter { seconds: 1 }).times(8));
    let out = apply(&portal, &file, &["--parallelism", "8"], 50);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(pauses(&out), 1, "one line for the whole pause: {out:?}");
    assert!(
        out.stderr.contains("then at most 4 write(s) at a time"),
        "{out:?}"
    );
    assert_eq!(statuses(&portal).iter().filter(|s| **s == 200).count(), 8);
}

#[test]
fn throttled_waits_end_at_max_wait_and_the_rest_is_not_started() {
    let (portal, file) = drifted(5);
    portal.inject(Fault::new("PUT", WEBHOOK_PATH, FaultKind::RetryAfter { seconds: 1 }).times(100));
    let out = apply(
        &portal,
        &file,
        &["--max-wait", "3", "--parallelism", "1"],
        5,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        statuses(&portal),
        [429, 429, 429, 429],
        "three pauses fit, the fourth not"
    );
    assert_eq!(pauses(&out), 3, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "hook-0"
          ssl       = true -> false

      ~ update #2 "hook-1"
          ssl       = true -> false

      ~ update #3 "hook-2"
          ssl       = true -> false

      ~ update #4 "hook-3"
          ssl       = true -> false

      ~ update #5 "hook-4"
          ssl       = true -> false

    Plan: 0 to create, 5 to update, 0 to delete, 0 unchanged.

      [1/5] [TIME] failed "hook-0" #1 was not updated: PUT /api/2.0/settings/webhook: the portal is limiting the request rate (HTTP 429); it asks to retry after 1 s ([DATE])

    Stopped (the portal's rate limit (X-RateLimit-Limit: 1500) is reached and it accepts requests again at [DATE], in 1 s: more waiting than the run's --max-wait 3 s allows (3 s already spent waiting)); not started:
      not started update #2 "hook-1"
      not started update #3 "hook-2"
      not started update #4 "hook-3"
      not started update #5 "hook-4"

    Apply complete: 0 done, 1 failed, 4 of 5 not started.
    ----- stderr -----
    the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook): pausing all requests for 1 s as it asks (Retry-After), then at most 1 write(s) at a time and 1428 request(s) a second; 1 s of --max-wait 3 s used
    the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook): pausing all requests for 1 s as it asks (Retry-After), then at most 1 write(s) at a time and 1428 request(s) a second; 2 s of --max-wait 3 s used
    the portal is limiting the request rate (HTTP 429 on PUT /api/2.0/settings/webhook): pausing all requests for 1 s as it asks (Retry-After), then at most 1 write(s) at a time and 1428 request(s) a second; 3 s of --max-wait 3 s used
      x apply stopped: the portal's rate limit (X-RateLimit-Limit: 1500) is reached and it accepts requests again at [DATE], in 1 s: more waiting than the run's --max-wait 3 s allows (3 s already spent waiting)
      help: the changes reported as done are on the portal, and a rerun's plan shows only what is left

    ----- end -----
    "#);
    assert_eq!(
        out.stdout.matches("not started update").count(),
        4,
        "{out:?}"
    );
}

#[test]
fn the_daily_write_limit_stops_the_run_at_once_and_names_the_time() {
    // Near midnight UTC the portal's answer is a wait the run may take: --max-wait bounds it
    // below the margin kept here (with the default 300 s, a run in the last five minutes of
    // the day waited for the reset instead of stopping).
    let to_midnight = |now: u64| 86_400 - now % 86_400;
    let now = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    while to_midnight(now()) < 90 {
        std::thread::sleep(Duration::from_secs(1));
    }
    let (portal, file) = drifted(10);
    portal.set_daily_write_limit(Some(3));
    let out = apply(
        &portal,
        &file,
        &["--parallelism", "1", "--max-wait", "60"],
        1000,
    );
    let midnight = now() + to_midnight(now());
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        statuses(&portal),
        [200, 200, 200, 429],
        "nothing after the 429"
    );
    let named = [midnight, midnight + 1].iter().any(|at| {
        let date = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(*at));
        out.stderr
            .contains(&format!("accepts requests again at {date}"))
    });
    assert!(named, "{out:?}");
    assert!(
        out.stderr.contains("rate limit (X-RateLimit-Limit: 3)"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("daily limit of 10,000 POST/PUT"),
        "{out:?}"
    );
    assert!(
        out.stderr
            .contains("apply stopped: the portal's rate limit"),
        "{out:?}"
    );
    assert_eq!(pauses(&out), 0, "it did not wait: {out:?}");
    assert_eq!(
        out.stdout.matches("not started update").count(),
        6,
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("Apply complete: 3 done, 1 failed, 6 of 10 not started."),
        "{out:?}"
    );
}

#[test]
fn retry_after_as_an_http_date_is_understood() {
    let (portal, file) = drifted(3);
    let date = "Wed, 21 Oct 2099 07:28:00 GMT";
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::RetryAt {
            retry_after: date.into(),
            limit: 1500,
        },
    ));
    let out = apply(&portal, &file, &["--parallelism", "1"], 5);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("accepts requests again at {date}")),
        "{out:?}"
    );
    assert_eq!(statuses(&portal), [429]);

    // A date already past asks for no wait: the write goes again at once.
    let (portal, file) = drifted(1);
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::RetryAt {
            retry_after: "Wed, 21 Oct 2015 07:28:00 GMT".into(),
            limit: 1500,
        },
    ));
    let out = apply(&portal, &file, &["--retries", "0"], 1000);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(statuses(&portal), [429, 200]);
}

#[test]
fn against_a_rate_limited_portal_apply_paces_itself_instead_of_collecting_429s() {
    let (portal, file) = drifted(60);
    portal.set_latency(Duration::from_millis(5));
    portal.set_rate_limit(Some(RateLimit {
        per_second: 40,
        burst: 8,
        max_concurrent_writes: 15,
    }));
    // Real seconds: the fake's bucket refills in real time.
    let out = apply(&portal, &file, &["--parallelism", "8"], 1000);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("60 done, 0 failed"), "{out:?}");
    let refused = portal.requests().iter().filter(|r| r.status == 429).count();
    assert!(refused <= 3, "{refused} 429s for 60 writes: {out:?}");
    assert!(out.stderr.contains("spacing requests"), "{out:?}");
    assert_eq!(
        out.stderr.matches("spacing requests").count(),
        1,
        "said once: {out:?}"
    );
}

/// DocSpace's limiter, scaled down: at most `limit` requests in any `window_secs`, its
/// headers only on the 429.
fn like_docspace(portal: &FakePortal, limit: u32, window_secs: u64) {
    portal.set_rate_headers_on_refusal_only(true);
    portal.set_sliding_window(Some(SlidingWindow {
        limit,
        window: Duration::from_secs(window_secs),
        max_concurrent_writes: 15,
    }));
}

#[test]
fn a_portal_that_names_its_limit_only_when_it_refuses_is_refused_once_not_again_and_again() {
    let (portal, file) = drifted(40);
    portal.set_latency(Duration::from_millis(5));
    like_docspace(&portal, 20, 1);
    // Real seconds: the fake's window slides in real time.
    let out = apply(&portal, &file, &["--parallelism", "8"], 1000);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("40 done, 0 failed"), "{out:?}");
    // The first refusal finds at most the 8 writes under way; after its pause the rest are
    // spread over the windows to come instead of running into the limit again (with the halved
    // concurrency alone, this run paused a second time).
    let refused = portal.requests().iter().filter(|r| r.status == 429).count();
    assert!(refused <= 8, "{refused} 429s for 40 writes: {out:?}");
    assert_eq!(pauses(&out), 1, "{out:?}");
    assert!(
        out.stderr.contains("and 19 request(s) a second;"),
        "{out:?}"
    );
}

#[test]
fn a_portal_that_names_its_limit_only_when_it_refuses_still_stops_at_max_wait() {
    let (portal, file) = drifted(5);
    like_docspace(&portal, 3, 60);
    let out = apply(
        &portal,
        &file,
        &["--parallelism", "1", "--max-wait", "5"],
        1000,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(statuses(&portal), [200, 200, 429], "nothing after the 429");
    insta::assert_snapshot!(out.user_view(), @r#"
    exit: 1
    ----- stdout -----
    Portal: [PORTAL]

      ~ update #1 "hook-0"
          ssl       = true -> false

      ~ update #2 "hook-1"
          ssl       = true -> false

      ~ update #3 "hook-2"
          ssl       = true -> false

      ~ update #4 "hook-3"
          ssl       = true -> false

      ~ update #5 "hook-4"
          ssl       = true -> false

    Plan: 0 to create, 5 to update, 0 to delete, 0 unchanged.

      [1/5] [TIME] ok updated #1 "hook-0"
      [2/5] [TIME] ok updated #2 "hook-1"
      [3/5] [TIME] failed "hook-2" #3 was not updated: PUT /api/2.0/settings/webhook: the portal is limiting the request rate (HTTP 429); it asks to retry after 60 s ([DATE])

    Stopped (the portal's rate limit (X-RateLimit-Limit: 3) is reached and it accepts requests again at [DATE], in 60 s: more waiting than the run's --max-wait 5 s allows); not started:
      not started update #4 "hook-3"
      not started update #5 "hook-4"

    Apply complete: 2 done, 1 failed, 2 of 5 not started.
    ----- stderr -----
      x apply stopped: the portal's rate limit (X-RateLimit-Limit: 3) is reached and it accepts requests again at [DATE], in 60 s: more waiting than the run's --max-wait 5 s allows
      help: the changes reported as done are on the portal, and a rerun's plan shows only what is left

    ----- end -----
    "#);
}

/// Waits no clock can show (past the year 9999) or no `Duration` can hold.
fn absurd_waits() -> Vec<FaultKind> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    vec![
        FaultKind::RetryAfter {
            seconds: 300_000_000_000,
        },
        FaultKind::RetryAfter { seconds: u64::MAX },
        FaultKind::ResetAt {
            reset: now + 300_000_000_000,
        },
        FaultKind::ResetAt { reset: u64::MAX },
    ]
}

#[test]
fn an_absurdly_long_wait_stops_plan_with_a_message_not_a_panic() {
    for kind in absurd_waits() {
        let (portal, file) = drifted(1);
        portal.inject(Fault::new("GET", WEBHOOK_PATH, kind.clone()));
        let out = Run::new(&["plan"])
            .file(&file)
            .portal(&portal)
            .env("DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS", "5")
            .run();
        assert_eq!(out.code, 1, "{kind:?}: {out:?}");
        assert!(!out.stderr.contains("panicked"), "{kind:?}: {out:?}");
        assert!(
            out.stderr.contains("HTTP 429")
                && (matches!(kind, FaultKind::ResetAt { .. })
                    || out
                        .stderr
                        .contains("Fri, 31 Dec 9999 23:59:59 GMT or later")),
            "{kind:?}: {out:?}"
        );
    }
}

#[test]
fn an_absurdly_long_wait_stops_apply_with_its_whole_report() {
    for kind in absurd_waits() {
        let (portal, file) = drifted(3);
        portal.inject(Fault::new("PUT", WEBHOOK_PATH, kind.clone()));
        let out = apply(&portal, &file, &["--parallelism", "1"], 5);
        assert_eq!(out.code, 1, "{kind:?}: {out:?}");
        assert!(!out.stderr.contains("panicked"), "{kind:?}: {out:?}");
        assert!(
            out.stderr
                .contains("accepts requests again at Fri, 31 Dec 9999 23:59:59 GMT or later")
                && out
                    .stderr
                    .contains("more waiting than the run's --max-wait 300 s allows"),
            "{kind:?}: {out:?}"
        );
        assert_eq!(statuses(&portal), [429], "{kind:?}: nothing after the 429");
        assert_eq!(
            out.stdout.matches("not started update").count(),
            2,
            "{kind:?}: {out:?}"
        );
        assert!(
            out.stdout
                .contains("Apply complete: 0 done, 1 failed, 2 of 3 not started."),
            "{kind:?}: {out:?}"
        );
    }
}

/// A `Retry-After` that is neither seconds nor a date is no wait, but it was given: the pause's
/// line says the portal sent one the tool could not read, and does not show it.
#[test]
fn an_unreadable_retry_after_is_said_to_be_unreadable_not_missing() {
    let (portal, file) = drifted(1);
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::RetryAt {
            retry_after: "soon".into(),
            limit: 1500,
        },
    ));
    let out = apply(&portal, &file, &["--retries", "0"], 5);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(statuses(&portal), [429, 200]);
    let pauses: Vec<&str> = (out.stderr.lines())
        .filter(|l| l.contains("pausing all requests"))
        .collect();
    assert_eq!(pauses.len(), 1, "{out:?}");
    assert!(
        pauses[0].contains(" (it gave a Retry-After the tool could not read), then "),
        "{out:?}"
    );
    assert!(!out.stderr.contains("soon"), "{out:?}");
}

/// A `Retry-After: 0` with `X-RateLimit-Reset` far ahead: the pause is the reset's, so the stop
/// names the reset's time, and the refused write's line no Retry-After of 0 s. Its only change
/// had started, so the closing error says no count of those not started.
#[test]
fn a_retry_after_of_no_wait_stops_at_the_reset_and_names_its_time() {
    let (portal, file) = drifted(1);
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1000;
    portal.inject(Fault::new(
        "PUT",
        WEBHOOK_PATH,
        FaultKind::NoWaitResetAt { reset },
    ));
    let out = apply(&portal, &file, &["--max-wait", "5"], 5);
    assert_eq!(statuses(&portal), [429]);
    let at = out
        .stderr
        .split_once("accepts requests again at ")
        .and_then(|(_, rest)| rest.split_once(", in "))
        .map(|(date, _)| date.to_string());
    let near = (reset - 1..=reset + 1)
        .map(|at| httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(at)))
        .find(|date| Some(date) == at.as_ref());
    assert!(near.is_some(), "{at:?}, not the reset's time: {out:?}");
    insta::with_settings!({ filters => vec![(r"in (99\d|1000) s:", "in [SECS] s:")] }, {
        insta::assert_snapshot!(out.user_view(), @r#"
        exit: 1
        ----- stdout -----
        Portal: [PORTAL]

          ~ update #1 "hook-0"
              ssl       = true -> false

        Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged.

          [1/1] [TIME] failed "hook-0" #1 was not updated: PUT /api/2.0/settings/webhook: the portal is limiting the request rate (HTTP 429)

        Stopped (the portal's rate limit (X-RateLimit-Limit: 10000) is reached and it accepts requests again at [DATE], in [SECS] s: more waiting than the run's --max-wait 5 s allows; DocSpace asks for a wait this long when its daily limit of 10,000 POST/PUT requests is used up); not started: nothing (every change had already started).

        Apply complete: 0 done, 1 failed.
        ----- stderr -----
          x apply stopped: the portal's rate limit (X-RateLimit-Limit: 10000) is reached and it accepts requests again at [DATE], in [SECS] s: more waiting than the run's --max-wait 5 s allows; DocSpace asks for a wait this long when its daily limit of 10,000 POST/PUT requests is used up
          help: the changes reported as done are on the portal, and a rerun's plan shows only what is left

        ----- end -----
        "#);
    });
}

/// A read the --max-wait budget stops fails with the stop's reason (the limit, when the portal
/// takes requests again, the budget used), not only the portal's last 429: `plan` prints no
/// other line that says why.
#[test]
fn a_read_stopped_by_max_wait_says_the_budget_stopped_it() {
    let (portal, file) = drifted(1);
    portal.inject(Fault::new("GET", WEBHOOK_PATH, FaultKind::RetryAfter { seconds: 3 }).times(100));
    let out = Run::new(&["plan", "--max-wait", "5"])
        .file(&file)
        .portal(&portal)
        .env("DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS", "5")
        .run();
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    the portal is limiting the request rate (HTTP 429 on GET /api/2.0/settings/webhook): pausing all requests for 3 s as it asks (Retry-After), then 476 request(s) a second; 3 s of --max-wait 5 s used
      x GET /api/2.0/settings/webhook: the portal is limiting the request rate (HTTP 429); it asks to retry after 3 s ([DATE]); not retried: the run is stopping (the portal's rate limit (X-RateLimit-Limit: 1500) is reached and it accepts requests again at [DATE], in 3 s: more waiting than the run's --max-wait 5 s allows (3 s already spent waiting))
      help: a rerun reads the portal afresh

    ----- end -----
    ");
}

/// `X-RateLimit-Remaining: 0` on the list's answer alone, its reset a minute ahead: the
/// writes that follow, answered without the header, are spaced at the documented rate (one per
/// 40 ms) until the reset, not only the first of them. Arrival times, so a lower bound with room
/// for the loopback's jitter: 8 writes spaced take at least 280 ms, unspaced a few; asked, 200.
#[test]
fn remaining_0_on_the_list_alone_spaces_every_request_until_its_reset() {
    let (portal, file) = drifted(8);
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 60;
    portal.inject(Fault::new(
        "GET",
        WEBHOOK_PATH,
        FaultKind::Headers(vec![
            ("X-RateLimit-Limit", "1500".into()),
            ("X-RateLimit-Remaining", "0".into()),
            ("X-RateLimit-Reset", reset.to_string()),
        ]),
    ));
    let out = apply(&portal, &file, &["--parallelism", "1"], 1000);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        "the portal's rate limit (X-RateLimit-Limit: 1500) is nearly used up: spacing requests to \
         the rate it refills at\n"
    );
    let writes: Vec<Instant> = portal.writes().iter().map(|r| r.at).collect();
    assert_eq!(writes.len(), 8);
    let span = writes[7].duration_since(writes[0]);
    assert!(span >= Duration::from_millis(200), "{span:?}");
}
