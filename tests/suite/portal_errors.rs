//! What a user sees when the portal, or the way to it, misbehaves.

use crate::support::fake_portal::{FakePortal, Fault, FaultBody, FaultKind};
use crate::support::run::Run;

const LIST: &str = "/api/2.0/settings/webhook";

/// A portal whose list endpoint answers `kind` every time (retries included).
fn list_answers(kind: FaultKind) -> FakePortal {
    let portal = FakePortal::start();
    portal.inject(Fault::new("GET", LIST, kind).times(10));
    portal
}

fn plan(portal: &FakePortal) -> crate::support::run::Outcome {
    Run::new(&["plan"])
        .file("webhooks: {}\n")
        .portal(portal)
        .run()
}

#[test]
fn an_html_error_page_reports_status_and_excerpt() {
    let portal = list_answers(FaultKind::Status {
        status: 502,
        body: FaultBody::Html(
            "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>".into(),
        ),
    });
    let out = plan(&portal);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("502"), "{out:?}");
    assert!(out.stderr.contains("Bad Gateway"), "{out:?}");
    assert!(!out.stderr.contains("<html>"), "tags stripped: {out:?}");
}

#[test]
fn garbage_json_is_an_error_naming_the_endpoint() {
    let portal = list_answers(FaultKind::Status {
        status: 200,
        body: FaultBody::Json(serde_json::json!({"response": {"not": "a list"}})),
    });
    let out = plan(&portal);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("/api/2.0/settings/webhook"), "{out:?}");
    assert!(!out.stderr.contains("panicked"), "{out:?}");
}

#[test]
fn a_redirect_is_not_followed_and_says_where_it_pointed() {
    let portal = list_answers(FaultKind::Redirect {
        status: 302,
        location: "https://login.example.com/sso".into(),
    });
    let out = plan(&portal);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("https://login.example.com/sso"),
        "{out:?}"
    );
    assert_eq!(portal.requests().len(), 1, "not followed");
}

#[test]
fn access_denied_says_the_key_lacks_admin_rights() {
    let portal = FakePortal::start();
    portal.set_forbidden(true);
    let out = plan(&portal);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("403"), "{out:?}");
    assert!(out.stderr.contains("Access denied"), "{out:?}");
}

#[test]
fn plain_http_is_refused_unless_the_host_is_loopback() {
    let out = Run::new(&["plan", "--portal", "http://portal.example.com"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_API_KEY", "sk-anything")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("https"), "{out:?}");
}

#[test]
fn no_portal_and_no_key_are_explained() {
    let out = Run::new(&["plan"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_API_KEY", "sk-x")
        .run();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("DOCSPACE_URL"), "{out:?}");
    let out = Run::new(&["plan", "--portal", "https://p.example.com"])
        .file("webhooks: {}\n")
        .run();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("DOCSPACE_API_KEY"), "{out:?}");
}

/// What `--portal` and the environment mean depends on the file (a portal to pin, or names of
/// portals), so the file is read first: its problems are reported whatever the settings, and a
/// bad setting is reported for a good file, with nothing contacted either way.
#[test]
fn the_file_is_read_before_the_settings_it_gives_meaning_to() {
    let broken = "webhooks:\n  billing: [\n";
    let out = Run::new(&["plan", "--portal", "https://p.example.com"])
        .file(broken)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("webhooks.yaml"), "{out:?}");
    assert!(!out.stderr.contains("DOCSPACE_API_KEY"), "{out:?}");

    let good = "webhooks: {}\n";
    let out = Run::new(&["plan", "--portal", "https://p.example.com"])
        .file(good)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("DOCSPACE_API_KEY is not set"),
        "{out:?}"
    );

    let out = Run::new(&["plan", "--portal", "http://portal.example.com"])
        .file(good)
        .env("DOCSPACE_API_KEY", "sk-anything")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("--portal") && out.stderr.contains("plain http://"),
        "{out:?}"
    );
}
