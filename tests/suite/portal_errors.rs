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
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
    retrying GET /api/2.0/settings/webhook in [TIME] (attempt 2 of 5): HTTP 502: 502 Bad Gateway nginx
    retrying GET /api/2.0/settings/webhook in [TIME] (attempt 3 of 5): HTTP 502: 502 Bad Gateway nginx
    retrying GET /api/2.0/settings/webhook in [TIME] (attempt 4 of 5): HTTP 502: 502 Bad Gateway nginx
    retrying GET /api/2.0/settings/webhook in [TIME] (attempt 5 of 5): HTTP 502: 502 Bad Gateway nginx
      x GET /api/2.0/settings/webhook failed (HTTP 502); the answer is not from the DocSpace API: 502 Bad Gateway nginx
      help: something in front of the portal (a proxy or gateway) answered; if it persists, check the portal's status and the portal URL

    ----- end -----
    ");
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
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhook: unexpected answer at `response`: found an object (expected a list of webhooks)
      help: the portal may run a DocSpace version this tool does not support (it needs 3.1 or newer), or the URL points at another service

    ----- end -----
    ");
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
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhook: the portal redirected (HTTP 302) to https://login.example.com/sso; not followed so the API key is not sent elsewhere
      help: check the portal URL: give the address the portal really serves (the final host name, with https://)

    ----- end -----
    ");
    assert_eq!(portal.requests().len(), 1, "not followed");
}

/// A 304 points nowhere (only 301, 302, 303, 307 and 308 redirect): an unexpected answer.
#[test]
fn a_not_modified_is_no_redirect() {
    let portal = list_answers(FaultKind::Status {
        status: 304,
        body: FaultBody::Empty,
    });
    let out = plan(&portal);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhook failed (HTTP 304); the answer is not from the DocSpace API: (empty body)
      help: something in front of the portal (a proxy or gateway) answered; if it persists, check the portal's status and the portal URL

    ----- end -----
    ");
}

#[test]
fn access_denied_says_the_key_lacks_admin_rights() {
    let portal = FakePortal::start();
    portal.set_forbidden(true);
    let out = plan(&portal);
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x GET /api/2.0/settings/webhook: the portal denied access (HTTP 403): Access denied
      help: the API key's user lacks the rights: managing all of a portal's webhooks needs the key of a DocSpace admin (other users see only their own webhooks, guests none, and the portal may limit developer tools to admins)

    ----- end -----
    ");
}

#[test]
fn plain_http_is_refused_unless_the_host_is_loopback() {
    let out = Run::new(&["plan", "--portal", "http://portal.example.com"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_API_KEY", "sk-anything")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the portal URL from --portal is not usable
      `-> invalid portal URL `http://portal.example.com`: plain http:// is accepted only for a loopback host (localhost, 127.0.0.1, [::1]); use https:// so the API key is not sent in clear text

    ----- end -----
    ");
}

#[test]
fn no_portal_and_no_key_are_explained() {
    let out = Run::new(&["plan"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_API_KEY", "sk-x")
        .run();
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x no portal to talk to
      help: pass --portal https://yourportal.onlyoffice.com, set DOCSPACE_URL, or add `portal:` to the webhook file (`export` reads one only with -f)

    ----- end -----
    ");
    let out = Run::new(&["plan", "--portal", "https://p.example.com"])
        .file("webhooks: {}\n")
        .run();
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x DOCSPACE_API_KEY is not set
      help: create an API key in DocSpace (Settings > Developer Tools > API keys) as a DocSpace admin, then `export DOCSPACE_API_KEY=sk-...`; it is never read from the command line

    ----- end -----
    ");
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
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the webhook file has 1 problem

      x invalid YAML: unclosed bracket '['
       ,-[webhooks.yaml:2:12]
     1 | webhooks:
     2 |   billing: [
       :            |
       :            `-- here
       `----

    ----- end -----
    ");
    assert!(!out.stderr.contains("DOCSPACE_API_KEY"), "{out:?}");

    let good = "webhooks: {}\n";
    let out = Run::new(&["plan", "--portal", "https://p.example.com"])
        .file(good)
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x DOCSPACE_API_KEY is not set
      help: create an API key in DocSpace (Settings > Developer Tools > API keys) as a DocSpace admin, then `export DOCSPACE_API_KEY=sk-...`; it is never read from the command line

    ----- end -----
    ");

    let out = Run::new(&["plan", "--portal", "http://portal.example.com"])
        .file(good)
        .env("DOCSPACE_API_KEY", "sk-anything")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    insta::assert_snapshot!(out.user_view(), @"
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x the portal URL from --portal is not usable
      `-> invalid portal URL `http://portal.example.com`: plain http:// is accepted only for a loopback host (localhost, 127.0.0.1, [::1]); use https:// so the API key is not sent in clear text

    ----- end -----
    ");
}

/// A portal URL with a terminal escape (clear the screen) and a bidi override in its host.
const HOSTILE_URL: &str = "https://portal\u{1b}[2J\u{202e}.example.com";

#[test]
fn a_portal_url_from_outside_is_escaped_in_errors() {
    // Issue 19: the URL reached the terminal raw. `--color always` keeps stderr's escape
    // sequences (a pipe would strip them), as a terminal would receive them.
    let hostile = |out: &crate::support::run::Outcome, source: &str| {
        let all = out.all();
        assert!(!all.contains("\u{1b}[2J"), "{source}: {out:?}");
        assert!(!all.contains('\u{202e}'), "{source}: {out:?}");
        assert!(
            all.contains(r"portal\u{1b}[2J\u{202e}.example.com"),
            "{source}: {out:?}"
        );
    };
    let from_env = Run::new(&["plan", "--color", "always"])
        .file("webhooks: {}\n")
        .env("DOCSPACE_URL", HOSTILE_URL)
        .env("DOCSPACE_API_KEY", "sk-anything")
        .run();
    assert_eq!(from_env.code, 1, "{from_env:?}");
    hostile(&from_env, "DOCSPACE_URL");
    let from_flag = Run::new(&["plan", "--color", "always", "--portal", HOSTILE_URL])
        .file("webhooks: {}\n")
        .env("DOCSPACE_API_KEY", "sk-anything")
        .run();
    assert_eq!(from_flag.code, 1, "{from_flag:?}");
    hostile(&from_flag, "--portal");

    let portal = FakePortal::start();
    portal.seed(crate::support::fake_portal::Seed::new(
        "A",
        "https://a.example.com/old",
    ));
    let run = Run::new(&["plan", "--out", "plan.json"])
        .file("webhooks:\n  A:\n    uri: https://a.example.com/new\n")
        .portal(&portal);
    let planned = run.run();
    assert_eq!(planned.code, 0, "{planned:?}");
    let path = run.path("plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace(
        &format!("\"{}\"", portal.url()),
        &serde_json::to_string(HOSTILE_URL).unwrap(),
    );
    assert_ne!(text, edited, "the plan names the portal");
    std::fs::write(&path, edited).unwrap();
    for command in ["apply", "show"] {
        let out = Run::new(&[command, "--color", "always", path.to_str().unwrap()])
            .reviewed(&path)
            .env("DOCSPACE_API_KEY", "sk-anything")
            .run();
        // Both refuse a recorded URL that `plan` could not have written; here what matters is
        // that the address reaches the terminal escaped.
        assert_eq!(out.code, 1, "{command}: {out:?}");
        hostile(&out, &format!("{command} of a saved plan"));
    }
    assert!(portal.writes().is_empty());
}
