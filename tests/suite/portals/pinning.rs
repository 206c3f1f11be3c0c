use crate::support::fake_portal::{FakePortal, Seed};
use crate::support::run::Run;

/// A `portal:` file for `url`, with one update to make (Crm's ssl).
fn file(url: &str) -> String {
    format!("portal: {url}\nwebhooks:\n  Crm:\n    ssl: false\n")
}

fn portal() -> FakePortal {
    let portal = FakePortal::start();
    portal.seed(Seed::new("Crm", "https://crm.example.com/h"));
    portal
}

#[test]
fn a_portal_flag_or_docspace_url_naming_another_portal_is_refused_contacting_neither() {
    let pinned = portal();
    let other = portal();
    let file = file(&pinned.url());
    let key = other.api_key();
    let other_url = other.url();
    let flag = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--portal", &other_url]);
        Run::new(&args)
            .file(&file)
            .env("DOCSPACE_API_KEY", &key)
            .run()
    };
    let env = |args: &[&str]| Run::new(args).file(&file).portal(&other).run();
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        for (how, out) in [("--portal", flag(args)), ("DOCSPACE_URL", env(args))] {
            assert_eq!(out.code, 1, "{args:?} {how}: {out:?}");
            assert!(
                out.stderr.contains(&pinned.url()) && out.stderr.contains(&other.url()),
                "{args:?} {how}: names both portals: {out:?}"
            );
        }
    }
    assert!(pinned.requests().is_empty(), "{:?}", pinned.requests());
    assert!(other.requests().is_empty(), "{:?}", other.requests());
    assert!(pinned.get(1).unwrap().ssl && other.get(1).unwrap().ssl);
}

#[test]
fn the_same_portal_spelled_differently_is_accepted() {
    let portal = portal();
    let port = portal.url().rsplit(':').next().unwrap().to_owned();
    // (in the file, from the command line or the environment)
    let spellings = [
        (
            format!("http://127.0.0.1:{port}"),
            format!("HTTP://127.0.0.1:{port}/"),
        ),
        (
            format!("http://localhost:{port}/"),
            format!("http://LocalHost:{port}"),
        ),
        (
            format!("http://LOCALHOST:{port}"),
            format!("http://localhost:{port}/"),
        ),
    ];
    for (in_file, given) in &spellings {
        let file = file(in_file);
        let flag = Run::new(&["plan", "--detailed-exitcode", "--portal", given])
            .file(&file)
            .env("DOCSPACE_API_KEY", &portal.api_key());
        let env = Run::new(&["plan", "--detailed-exitcode"])
            .file(&file)
            .env("DOCSPACE_URL", given)
            .env("DOCSPACE_API_KEY", &portal.api_key());
        for run in [flag, env] {
            portal.clear_requests();
            let out = run.run();
            assert_eq!(out.code, 2, "{in_file} vs {given}: {out:?}");
            assert_eq!(portal.requests().len(), 1, "{in_file} vs {given}");
        }
    }
}

#[test]
fn a_file_without_portal_still_takes_it_from_the_flag_or_the_environment() {
    let portal = portal();
    let file = "webhooks:\n  Crm:\n    ssl: false\n";
    let out = Run::new(&["plan", "--detailed-exitcode"])
        .file(file)
        .portal(&portal)
        .run();
    assert_eq!(out.code, 2, "{out:?}");
    let out = Run::new(&["plan", "--detailed-exitcode", "--portal", &portal.url()])
        .file(file)
        .env("DOCSPACE_API_KEY", &portal.api_key())
        .run();
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(portal.requests().len(), 2);
}
