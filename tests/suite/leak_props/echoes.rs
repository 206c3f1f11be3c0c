//! Echoes: the request comes back in every spelling, cut and wrapped; nothing shown holds the
//! secret or the key.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use docspace_webhooks::api::{
    Client, ClientEvent, ClientOptions, EventSink, PortalUrl, WebhookBody,
};
use docspace_webhooks::triggers::TriggerSet;
use proptest::prelude::*;
use secrecy::SecretString;

use super::{binary_cases, cases, printable, render};
use crate::suite::leaks::assert_hidden;
use crate::support::fake_portal::{
    Echo, FakePortal, Fault, FaultKind, Options, Seed, Spelling, WEBHOOK_PATH, Wrapper,
};
use crate::support::run::Run;

/// Fails when `text` holds `value`, in any spelling or any run of 6 of its characters (in any
/// case: the echo may change it), or whole once the `<span>`s and spaces of `Spelling::Markup`
/// are gone.
fn assert_secret_free(text: &str, value: &str) {
    assert_hidden(text, value);
    let lower = text.to_ascii_lowercase();
    let joined: String = (lower.replace("<span>", "").replace("</span>", ""))
        .split_whitespace()
        .collect();
    let whole = value.to_ascii_lowercase();
    assert!(!joined.contains(&whole), "{value:?} got out split:\n{text}");
    let chars: Vec<char> = value.to_ascii_lowercase().chars().collect();
    for window in chars.windows(6) {
        let piece: String = window.iter().collect();
        assert!(
            !lower.contains(&piece),
            "{piece:?} of {value:?} got out:\n{text}"
        );
    }
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop::sample::select(Spelling::ALL.to_vec())
}

fn echo_fault() -> impl Strategy<Value = Echo> {
    let wrapper = prop::sample::select(Wrapper::ALL.to_vec());
    let status = prop::sample::select(vec![200u16, 400, 403, 404, 409, 500, 502, 503, 504]);
    let redirect = prop::sample::select(vec![301u16, 302, 307, 308]);
    (wrapper, status, redirect, spelling(), 0usize..900).prop_map(
        |(wrapper, status, redirect, spelling, keep)| Echo {
            status: if wrapper == Wrapper::Location {
                redirect
            } else {
                status
            },
            spelling,
            wrapper,
            keep,
        },
    )
}

#[derive(Debug, Clone, Copy)]
enum Call {
    List,
    Update,
    Create,
}

proptest! {
    #![proptest_config(cases(64))]

    /// The client library against an echoing portal: every retry line and the final error.
    #[test]
    fn no_echo_gets_a_secret_or_the_key_out_of_the_client(
        secret in printable(8..=30),
        key in printable(8..=40),
        echo in echo_fault(),
        call in prop::sample::select(vec![Call::List, Call::Update, Call::Create]),
        every_attempt in any::<bool>(),
    ) {
        let portal = FakePortal::start_with(Options { api_key: key.clone(), ..Options::default() });
        portal.seed(Seed::new("Hook", "https://h.example.com/old"));
        let method = match call {
            Call::List => "GET",
            Call::Update => "PUT",
            Call::Create => "POST",
        };
        let times = if every_attempt { 3 } else { 1 };
        portal.inject(Fault::new(method, WEBHOOK_PATH, FaultKind::Echo(echo)).times(times));

        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink_lines = Arc::clone(&lines);
        let options = ClientOptions {
            retries: 2,
            retry_base: Duration::from_millis(1),
            retry_max_delay: Duration::from_millis(1),
            events: Some(EventSink(Arc::new(move |e: &ClientEvent| {
                sink_lines.lock().unwrap().push(e.to_string());
            }))),
            ..ClientOptions::default()
        };
        let url = PortalUrl::parse(&portal.url()).unwrap();
        let client = Client::new(&url, SecretString::from(key.clone()), options).unwrap();
        let body = WebhookBody {
            name: "Hook".into(),
            uri: "https://h.example.com/new".into(),
            secret_key: Some(SecretString::from(secret.clone())),
            enabled: true,
            ssl: true,
            triggers: TriggerSet::ALL,
            target_id: None,
        };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let error = runtime.block_on(async {
            match call {
                Call::List => client.list().await.err(),
                Call::Update => client.update(1, &body).await.err(),
                Call::Create => client.create(&body, &[]).await.err(),
            }
        });
        let mut shown = lines.lock().unwrap().join("\n");
        if let Some(e) = &error {
            shown.push_str(&format!("\n{e}\n{e:?}\n{}", render(e)));
        }
        assert_secret_free(&shown, &secret);
        assert_secret_free(&shown, &key);
    }
}

const HOOK_FILE: &str = "webhooks:\n  Hook:\n    uri: https://h.example.com/new\n    \
                         enabled: true\n    secretKey: ${HOOK_SECRET}\n";

proptest! {
    #![proptest_config(binary_cases(4))]

    /// The real binary: text, JSON and Markdown plans, a saved plan, `-v`, retry lines and
    /// `apply`'s results, with the echo in a retried GET, in every PUT, and stored as the
    /// webhook's last failure (which plans quote).
    #[test]
    fn no_echo_gets_a_secret_or_the_key_into_any_output(
        secret in printable(8..=30),
        key in printable(8..=40),
        get_echo in echo_fault(),
        put_echo in echo_fault(),
        failure_spelling in spelling(),
        failure_keep in 20usize..400,
    ) {
        let portal = FakePortal::start_with(Options { api_key: key.clone(), ..Options::default() });
        let mut failure = failure_spelling.spell(&format!(
            "401 from target: Authorization: Bearer {key} secretKey={secret}"
        ));
        let mut cut = failure_keep.min(failure.len());
        while !failure.is_char_boundary(cut) {
            cut -= 1;
        }
        failure.truncate(cut);
        portal.seed(
            Seed::new("Hook", "https://h.example.com/old")
                .enabled(false)
                .failure("2026-11-20T10:00:00", &failure),
        );
        let run = |args: &[&str]| {
            Run::new(args).file(HOOK_FILE).portal(&portal).env("HOOK_SECRET", &secret)
        };

        // A GET echoed once (on a 2xx or 3xx that is not retried, the plan fails instead).
        let get = Echo { status: 503, ..get_echo };
        portal.inject(Fault::new("GET", WEBHOOK_PATH, FaultKind::Echo(get)));
        let saved = run(&["plan", "-v", "--format", "json", "--out", "plan.json"]);
        let json_plan = saved.run();
        prop_assert_eq!(json_plan.code, 0, "{:?}", json_plan);
        let plan_file = std::fs::read_to_string(saved.path("plan.json")).unwrap();
        let markdown = run(&["plan", "--format", "markdown"]).run();
        prop_assert_eq!(markdown.code, 0, "{:?}", markdown);

        portal.inject(Fault::new("PUT", WEBHOOK_PATH, FaultKind::Echo(put_echo)).times(5));
        let apply = run(&["apply", "--auto-approve", "-v"]).run();
        prop_assert_eq!(apply.code, 1, "{:?}", apply);

        let shown = [json_plan.all(), plan_file, markdown.all(), apply.all()].join("\n");
        assert_secret_free(&shown, &secret);
        assert_secret_free(&shown, &key);
    }
}
