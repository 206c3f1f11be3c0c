use super::run;
use crate::support::fake_portal::Seed;
use crate::support::fleet::{Fleet, key_var};

/// One fake portal listed twice: as `http://127.0.0.1:PORT` and as `http://localhost:PORT`,
/// each entry managing one of its two webhooks.
fn aliased() -> (Fleet, String) {
    let fleet = Fleet::start(&["one"]);
    let fake = fleet.portal("one");
    fake.seed(Seed::new("Crm", "https://crm.example.com/h"));
    fake.seed(Seed::new("Billing", "https://billing.example.com/h"));
    let url = fleet.url("one");
    let alias = url.replace("127.0.0.1", "localhost");
    let var = key_var("one");
    let file = format!(
        "portals:
  by-ip:
    url: {url}
    apiKey: ${{{var}}}
    webhooks:
      Crm: {{ ssl: false }}
  by-name:
    url: {alias}
    apiKey: ${{{var}}}
    webhooks:
      Billing: {{ ssl: false }}
"
    );
    (fleet, file)
}

#[test]
fn one_portal_under_two_host_names_is_refused_before_any_write() {
    let (fleet, file) = aliased();
    let mut views = String::new();
    for args in [
        &["plan"][..],
        &["plan", "--prune"][..],
        &["apply", "--auto-approve", "--prune"][..],
        // Each entry would resend the other's failures too.
        &["redeliver", "--auto-approve"][..],
    ] {
        let out = run(args, &fleet, &file).run();
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        views += &format!("$ {}\n{}\n", args.join(" "), out.user_view());
    }
    insta::assert_snapshot!(views, @r#"
    $ plan
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x portals `by-ip` ([PORTAL]) and `by-name` ([PORTAL-2]) are one portal: both list webhook #1 "Crm" (same id, name, uri, creation time and creator); nothing was written
      help: list each portal once (under one host name): with --prune each entry would delete the webhooks the other manages, and redeliver would resend every failure twice

    ----- end -----

    $ plan --prune
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x portals `by-ip` ([PORTAL]) and `by-name` ([PORTAL-2]) are one portal: both list webhook #1 "Crm" (same id, name, uri, creation time and creator); nothing was written
      help: list each portal once (under one host name): with --prune each entry would delete the webhooks the other manages, and redeliver would resend every failure twice

    ----- end -----

    $ apply --auto-approve --prune
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x portals `by-ip` ([PORTAL]) and `by-name` ([PORTAL-2]) are one portal: both list webhook #1 "Crm" (same id, name, uri, creation time and creator); nothing was written
      help: list each portal once (under one host name): with --prune each entry would delete the webhooks the other manages, and redeliver would resend every failure twice

    ----- end -----

    $ redeliver --auto-approve
    exit: 1
    ----- stdout -----
    ----- stderr -----
      x portals `by-ip` ([PORTAL]) and `by-name` ([PORTAL-2]) are one portal: both list webhook #1 "Crm" (same id, name, uri, creation time and creator); nothing was written
      help: list each portal once (under one host name): with --prune each entry would delete the webhooks the other manages, and redeliver would resend every failure twice

    ----- end -----
    "#);
    let alias = fleet.url("one").replace("127.0.0.1", "localhost");
    let both = format!("`by-ip` ({}) and `by-name` ({alias})", fleet.url("one"));
    let out = run(&["plan"], &fleet, &file).run();
    assert!(out.stderr.contains(&both), "both entries by URL: {out:?}");
    assert_eq!(fleet.write_count(), 0, "nothing was written");
    assert_eq!(fleet.portal("one").webhooks().len(), 2);

    // Either entry alone is a portal like any other.
    let alone = run(&["plan", "--portal", "by-name"], &fleet, &file).run();
    assert_eq!(alone.code, 0, "{alone:?}");
}

#[test]
fn a_saved_plan_of_both_entries_is_refused_before_any_write() {
    // `plan` refuses the pair, so such a plan is put together from each entry's own plan:
    // applied, each part would delete the webhook the other part manages.
    let (fleet, file) = aliased();
    let mut parts = Vec::new();
    for name in ["by-ip", "by-name"] {
        let planned = run(
            &["plan", "--prune", "--portal", name, "--out", "part.json"],
            &fleet,
            &file,
        );
        let out = planned.run();
        assert_eq!(out.code, 0, "{out:?}");
        let text = std::fs::read_to_string(planned.path("part.json")).unwrap();
        parts.push(serde_json::from_str::<serde_json::Value>(&text).unwrap());
    }
    let second = parts[1]["portals"].as_array().unwrap().clone();
    parts[0]["portals"].as_array_mut().unwrap().extend(second);
    let apply = run(&["apply", "plan.json"], &fleet, &file);
    std::fs::write(apply.path("plan.json"), parts[0].to_string()).unwrap();
    let out = apply.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("are one portal"), "{out:?}");
    assert_eq!(fleet.write_count(), 0, "nothing was written");
    assert_eq!(fleet.portal("one").webhooks().len(), 2);
}

/// Two fresh portals on which one `apply` created the same shared entry in the same second:
/// each webhook has the same id, name, uri and creation time (the portal may keep only the
/// second), and only the creator, each portal's own owner, tells them apart. They plan.
#[test]
fn two_portals_with_alike_webhooks_of_different_owners_are_two_portals() {
    let fleet = Fleet::start(&["staging", "production"]);
    for name in ["staging", "production"] {
        fleet.portal(name).seed(
            Seed::new("Billing", "https://billing.example.com/h")
                .created_by("Administrator")
                .created_on("2026-06-30T13:05:11.0000000+00:00"),
        );
    }
    let [staging, production] = [fleet.url("staging"), fleet.url("production")];
    let [staging_var, production_var] = [key_var("staging"), key_var("production")];
    let file = format!(
        "portals:
  staging:
    url: {staging}
    apiKey: ${{{staging_var}}}
  production:
    url: {production}
    apiKey: ${{{production_var}}}
webhooks:
  Billing:
    uri: https://billing.example.com/h
"
    );
    let out = run(&["plan"], &fleet, &file).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.all().contains("are one portal"), "{out:?}");
}
