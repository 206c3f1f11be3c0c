//! One portal misbehaving in every way a portal or its proxy can, while the others converge;
//! exit codes that survive a closed stdout; keys and secrets echoed back by a portal.

use std::time::Duration;

use crate::support::fake_portal::{
    Echo, Fault, FaultBody, FaultKind, Spelling, WEBHOOK_PATH, Wrapper,
};

use super::{Fleet, SECRET, key, uri};

fn on_get(kind: FaultKind) -> Fault {
    Fault::new("GET", WEBHOOK_PATH, kind).times(5)
}

#[test]
fn html_garbage_forbidden_and_slow_portals_fail_alone_while_the_others_converge() {
    let fleet = Fleet::seeded(
        &["good", "html", "garbage", "forbidden", "slow", "good2"],
        2,
    );
    fleet.portal("html").inject(on_get(FaultKind::Status {
        status: 200,
        body: FaultBody::Html("<html><body>Sign in</body></html>".into()),
    }));
    fleet.portal("garbage").inject(on_get(FaultKind::Status {
        status: 200,
        body: FaultBody::Json(serde_json::json!({"response": {"not": "a list"}})),
    }));
    fleet.portal("forbidden").set_forbidden(true);
    fleet
        .portal("slow")
        .inject(on_get(FaultKind::Delay(Duration::from_secs(4))));
    let file = fleet.moving(2, "");
    let out = fleet
        .run(
            &[
                "apply",
                "--auto-approve",
                "--retries",
                "0",
                "--timeout",
                "1",
            ],
            &file,
        )
        .run();

    assert_eq!(out.code, 1, "{out:?}");
    for name in ["good", "good2"] {
        let uris: Vec<String> = fleet
            .portal(name)
            .webhooks()
            .into_iter()
            .map(|w| w.uri)
            .collect();
        assert_eq!(uris, [uri(1, "new"), uri(2, "new")], "{name}: {out:?}");
        assert!(
            out.stdout
                .contains(&format!("[{name}] Apply complete: 2 done, 0 failed.")),
            "{out:?}"
        );
    }
    for name in ["html", "garbage", "forbidden", "slow"] {
        assert!(fleet.portal(name).writes().is_empty(), "{name}: {out:?}");
        assert!(
            out.stderr.contains(&format!("Portal {name} failed:")),
            "{name}: {out:?}"
        );
    }
    assert!(
        out.stdout
            .contains("Total: 4 done, 0 failed, on 6 portals (4 failed)."),
        "{out:?}"
    );
    assert!(!out.stderr.contains("panicked"), "{out:?}");
}

#[test]
fn a_portal_throttled_past_max_wait_stops_alone_and_the_others_finish() {
    let fleet = Fleet::seeded(&["calm", "busy"], 3);
    fleet
        .portal("busy")
        .inject(Fault::new("PUT", WEBHOOK_PATH, FaultKind::RetryAfter { seconds: 100 }).times(20));
    let out = fleet
        .run(
            &[
                "apply",
                "--auto-approve",
                "--parallelism",
                "1",
                "--max-wait",
                "1",
            ],
            &fleet.moving(3, ""),
        )
        .env("DOCSPACE_WEBHOOKS_THROTTLE_UNIT_MS", "1")
        .run();

    assert_eq!(out.code, 1, "{out:?}");
    let calm: Vec<u16> = fleet
        .portal("calm")
        .writes()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(calm, [200, 200, 200], "{out:?}");
    let busy: Vec<u16> = fleet
        .portal("busy")
        .writes()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(busy, [429], "nothing more on the throttled portal: {out:?}");
    assert!(
        out.stdout
            .contains("[calm] Apply complete: 3 done, 0 failed."),
        "{out:?}"
    );
    assert!(out.stdout.contains("[busy] Stopped ("), "{out:?}");
    assert_eq!(
        out.stdout.matches("not started update").count(),
        2,
        "{out:?}"
    );
}

#[test]
fn a_closed_stdout_never_turns_a_change_or_a_failed_portal_into_0() {
    let fleet = Fleet::seeded(&["a", "b", "c"], 1);
    let file = fleet.moving(1, "");
    let plan = fleet
        .run(&["plan", "--detailed-exitcode"], &file)
        .run_with_stdout_closed_after(1);
    assert_eq!(plan.code, 2, "{plan:?}");

    fleet.portal("c").set_forbidden(true);
    let plan = fleet
        .run(&["plan", "--detailed-exitcode"], &file)
        .run_with_stdout_closed_after(1);
    assert_eq!(plan.code, 1, "{plan:?}");
    let apply = fleet
        .run(&["apply", "--auto-approve"], &file)
        .run_with_stdout_closed_after(0);
    assert_eq!(apply.code, 1, "{apply:?}");
    assert_eq!(fleet.portal("a").writes().len(), 1, "{apply:?}");
    assert_eq!(fleet.portal("b").writes().len(), 1, "{apply:?}");
    assert!(
        apply
            .stderr
            .contains("Total: 2 done, 0 failed, on 3 portals (1 failed)."),
        "the report moved to stderr: {apply:?}"
    );
}

fn echo() -> FaultKind {
    FaultKind::Echo(Echo {
        status: 500,
        spelling: Spelling::Literal,
        wrapper: Wrapper::ErrorMessage,
        keep: usize::MAX,
    })
}

#[test]
fn keys_and_secrets_a_portal_echoes_stay_out_of_every_format() {
    let fleet = Fleet::seeded(&["quiet", "echo", "echoput"], 1);
    fleet.portal("echo").inject(on_get(echo()));
    fleet
        .portal("echoput")
        .inject(Fault::new("PUT", WEBHOOK_PATH, echo()).times(5));
    // Sends the secret with the update, so the echoed body carries it.
    let file = fleet.portals_yaml("")
        + "webhooks:\n  Hook 1:\n    uri: https://h1.example.com/new\n    \
           secretKey: ${HOOK_SECRET}\n";
    let mut outs = Vec::new();
    for format in ["text", "json", "markdown"] {
        let run = fleet.run(&["plan", "-v", "--retries", "0", "--format", format], &file);
        outs.push(run.run());
    }
    let apply = fleet
        .run(&["apply", "--auto-approve", "-v", "--retries", "0"], &file)
        .run();
    assert_eq!(apply.code, 1, "{apply:?}");
    assert_eq!(fleet.portal("quiet").writes().len(), 1, "{apply:?}");
    assert!(
        fleet.portal("echoput").writes().len() == 1 && apply.stdout.contains("[echoput] failed"),
        "the echoed write failed: {apply:?}"
    );
    outs.push(apply);
    for out in &outs {
        assert_eq!(out.code, 1, "{out:?}");
        for secret in [SECRET, &key("quiet"), &key("echo"), &key("echoput")] {
            assert!(!out.all().contains(secret), "{secret} leaked: {out:?}");
        }
    }
}
