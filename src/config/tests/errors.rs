//! Every kind of problem a file can have: the code and line of each problem, and the rendered
//! report as a user sees it (snapshots in `src/config/snapshots/`).

use super::super::*;
use super::{assert_shows, render};

/// Loads `text` expecting exactly these problems (code, 1-based line), in this order, and
/// returns the rendered report.
fn expect(text: &str, expected: &[(&str, usize)]) -> String {
    super::expect_problems(load_document_str(text, "webhooks.yaml"), expected)
}

#[test]
fn unknown_fields_suggest_the_closest_valid_one() {
    snap!(expect(
        "webhooks:\n  a:\n    url: https://a.example\n    enabeld: true\n    colour: red\n",
        &[
            ("config::unknown_field", 3),
            ("config::unknown_field", 4),
            ("config::unknown_field", 5),
        ],
    ));
}

#[test]
fn a_setting_at_the_top_level_is_pointed_under_webhooks() {
    snap!(expect(
        "uri: https://a.example\nwebhooks: {}\n",
        &[("config::unknown_field", 1)],
    ));
}

#[test]
fn an_unknown_trigger_is_labelled_and_a_close_name_suggested() {
    let shown = expect(
        "webhooks:\n  a:\n    triggers: [room.created, file.uplaoded, nonsense]\n",
        &[
            ("config::unknown_trigger", 3),
            ("config::unknown_trigger", 3),
        ],
    );
    assert!(shown.contains("did you mean `file.uploaded`?"), "{shown}");
    snap!(shown);
}

#[test]
fn trigger_lists_that_would_mean_something_else() {
    snap!(expect(
        "webhooks:\n  a:\n    triggers: []\n  b:\n    triggers: file.uploaded\n  c:\n    triggers: [\"*\", file.uploaded]\n  d:\n    triggers: [1]\n",
        &[
            ("config::empty_triggers", 3),
            ("config::type", 5),
            ("config::redundant_trigger", 7),
            ("config::type", 9),
        ],
    ));
}

#[test]
fn an_unquoted_star_gets_a_hint() {
    snap!(expect(
        "webhooks:\n  a:\n    triggers: *\n",
        &[("config::yaml", 3)]
    ));
}

#[test]
fn bad_uris_are_labelled() {
    snap!(expect(
        "webhooks:\n  a:\n    uri: billing.example.com/hook\n  b:\n    uri: ftp://files.example.com\n  c:\n    uri: \" https://a.example\"\n  d:\n    uri: [https://a.example]\n  e:\n    uri: \"https://a.example/\\thook\"\n  f:\n    uri: https:a.example/hook\n  g:\n    uri: https:///a.example/hook\n",
        &[
            ("config::bad_uri", 3),
            ("config::bad_uri", 5),
            ("config::bad_uri", 7),
            ("config::type", 9),
            ("config::bad_uri", 11),
            ("config::bad_uri", 13),
            ("config::bad_uri", 15),
        ],
    ));
}

#[test]
fn ssl_true_needs_an_https_uri() {
    snap!(expect(
        "webhooks:\n  a:\n    uri: http://a.example/hook\n    ssl: true\n",
        &[("config::ssl_needs_https", 3)],
    ));
    // ssl left out or false: plain http is the user's choice.
    super::load_ok(
        "webhooks:\n  a:\n    uri: http://a.example/hook\n    ssl: false\n  b:\n    uri: http://b.example/hook\n",
    );
}

#[test]
fn wrong_types_say_what_was_expected() {
    snap!(expect(
        "portal: 42\nwebhooks:\n  a:\n    enabled: yes\n    ssl: 1\n    targetId: [x]\n  b: just a string\n",
        &[
            ("config::type", 1),
            ("config::type", 4),
            ("config::type", 5),
            ("config::type", 6),
            ("config::type", 7),
        ],
    ));
}

#[test]
fn names_follow_the_portal_rules() {
    let long = "x".repeat(51);
    // 26 characters, 52 UTF-16 units: the portal's count (docs/docspace-api.md §8).
    let emoji = "\u{1F680}".repeat(26);
    snap!(expect(
        &format!(
            "webhooks:\n  {long}: {{}}\n  \" \": {{}}\n  Named:\n    name: other\n  5:\n    name: \"\"\n  {emoji}: {{}}\n  6:\n    targetId: 7{}\n",
            emoji.repeat(5)
        ),
        &[
            ("config::bad_name", 2),
            ("config::bad_name", 3),
            ("config::name_under_name_key", 5),
            ("config::bad_name", 7),
            ("config::bad_name", 8),
            ("config::bad_target", 10),
        ],
    ));
    // 25 emoji are 50 units: the most a name may have.
    super::load_ok(&format!("webhooks:\n  {}: {{}}\n", "\u{1F680}".repeat(25)));
}

#[test]
fn keys_that_are_neither_a_name_nor_an_id() {
    snap!(expect(
        "webhooks:\n  true: {}\n  ~: {}\n  1.5: {}\n  0: {}\n  -3: {}\n  2147483648: {}\n  99999999999999999999999: {}\n  [a, b]: {}\n",
        &[
            ("config::bad_key", 2),
            ("config::bad_key", 3),
            ("config::bad_key", 4),
            ("config::bad_id", 5),
            ("config::bad_id", 6),
            ("config::bad_id", 7),
            ("config::bad_id", 8),
            ("config::bad_key", 9),
        ],
    ));
}

#[test]
fn a_duplicate_key_points_at_its_second_line_and_hides_no_other_problem() {
    snap!(expect(
        "webhooks:\n  Billing sync:\n    uri: https://a.example\n    ssl: true\n    ssl: false\n    triggers: [nope]\n  Billing sync:\n    enabled: true\n",
        &[
            ("config::duplicate_key", 5),
            ("config::unknown_trigger", 6),
            ("config::duplicate_key", 7),
        ],
    ));
    // The entry written second is checked too, and shown as the first would be (its secret
    // blanked).
    snap!(expect(
        "webhooks:\n  H: {enabled: true}\n  H: {uri: \"ftp://x\", triggers: [nope], secretKey: ab-cd-ef<gh}\n",
        &[
            ("config::duplicate_key", 3),
            ("config::bad_uri", 3),
            ("config::unknown_trigger", 3),
        ],
    ));
}

/// An entry written twice whose second value has a duplicate of its own: both are checked (the
/// inner duplicate's value is not taken for the entry).
#[test]
fn a_duplicate_inside_the_second_of_two_entries_is_checked_too() {
    expect(
        "webhooks:\n  A: {enabled: true}\n  A: {enabled: true, enabled: maybe}\n",
        &[
            ("config::duplicate_key", 3),
            ("config::duplicate_key", 3),
            ("config::type", 3),
        ],
    );
}

/// A second merge key is a duplicate like any key (not a second list silently merged, whose
/// entries the first one's would hide), with a help that says how to merge two mappings.
#[test]
fn a_second_merge_key_in_one_mapping_is_a_duplicate_key() {
    snap!(expect(
        "webhooks:\n  A: &a\n    uri: https://a.example\n  B: &b\n    uri: https://b.example\n    ssl: false\n  C:\n    <<: *a\n    <<: *b\n",
        &[("config::duplicate_key", 9)],
    ));
    super::load_ok(
        "webhooks:\n  A: &a\n    uri: https://a.example\n  B: &b\n    ssl: false\n  C:\n    <<: [*a, *b]\n",
    );
    // A webhook named `<<` (quoted, so no merge key) written twice is a duplicate name.
    let shown = expect(
        "webhooks:\n  \"<<\": {}\n  \"<<\": {}\n",
        &[("config::duplicate_key", 3)],
    );
    assert!(!shown.contains("merge key"), "{shown}");
}

/// An `&` in text the tree does not read (a second `<<`'s value, an entry written twice in a
/// mapping a merge key brings) is no anchor shown: it may be the end of a secret.
#[test]
fn text_the_tree_does_not_read_shows_no_anchor() {
    snap!(expect(
        "webhooks:\n  A: &a\n    uri: https://a.example\n  C:\n    <<: *a\n    <<: {secretKey: s3cr &etPart}\n",
        &[("config::duplicate_key", 6)],
    ));
    snap!(expect(
        "webhooks:\n  C:\n    uri: https://a.example\n    <<: {secretKey: x1234567, secretKey: hunter2 &Tail-0f-Secret}\n",
        &[("config::duplicate_key", 4)],
    ));
    // In block style nothing closes the value before the next node; a comment may hold `&`.
    snap!(expect(
        "webhooks:\n  C:\n    uri: https://a.example\n    <<: {secretKey: x1234567}\n    <<:\n      secretKey: hunter2 &Tail0fSecret\n    enabled: maybe # rotated from &Zq8Rt5Yu3\n  b: # token&Pq7Lm2Xz9\n    uri: https://b.example.com/x\n    note: x # a: &Cm9Secret\n",
        &[
            ("config::duplicate_key", 5),
            ("config::type", 7),
            ("config::unknown_field", 10)
        ],
    ));
}

/// A merge key, an alias used as a key and an anchor are the file's structure and the user's
/// labels: they show, and the values they stand for show only where they are written.
#[test]
fn a_snippet_shows_merge_keys_aliases_as_keys_and_anchors() {
    snap!(expect(
        "webhooks:\n  A: &a\n    uri: https://a.example.com\n    triggers: [&t file.uploaded]\n  Hook:\n    <<: *a\n    uri: ftp://x\n  *t :\n    uri: ftp://y\n    secretKey: &s Zq9-Lit-Secret-77\n",
        &[("config::bad_uri", 7), ("config::bad_uri", 9)],
    ));
}

#[test]
fn two_entries_for_one_webhook_are_refused() {
    snap!(expect(
        "webhooks:\n  Billing sync: {}\n  12:\n    name: Billing sync\n",
        &[("config::duplicate_name", 4)],
    ));
    // Two ids may share a name: the portal allows it, and `export` writes them that way.
    super::load_ok("webhooks:\n  1:\n    name: Twin\n  2:\n    name: Twin\n");
    // One id written two ways is one YAML key written twice.
    expect(
        "webhooks:\n  9846: {}\n  09846: {}\n",
        &[("config::duplicate_key", 3)],
    );
}

/// An id key is a YAML 1.2 core integer written as plain digits (docs/file-format.md): leading
/// zeros are allowed, YAML 1.1's spellings (`9_846`, `0b11`) are strings, so names, and another
/// spelling of an integer (`0o17`, `0x2675`, `+9846`) is refused: `--target`, plans and the
/// portal know the id only by its digits.
#[test]
fn an_id_key_is_a_yaml_1_2_integer_written_as_plain_digits() {
    let config = super::load_ok("webhooks:\n  09846: {}\n  9_846: {}\n  0b11: {}\n");
    let keys: Vec<String> = config.webhooks.iter().map(DesiredWebhook::label).collect();
    assert_eq!(keys, ["#9846", "9_846", "0b11"]);
    snap!(expect(
        "webhooks:\n  0o17: {}\n  0x2675: {}\n  +9846: {}\n  0xFFFFFFFF: {}\n",
        &[
            ("config::bad_id", 2),
            ("config::bad_id", 3),
            ("config::bad_id", 4),
            ("config::bad_id", 5),
        ],
    ));
}

#[test]
fn a_long_target_id_is_refused() {
    let long = "t".repeat(256);
    expect(
        &format!("webhooks:\n  1:\n    targetId: {long}\n"),
        &[("config::bad_target", 3)],
    );
    super::load_ok(&format!(
        "webhooks:\n  1:\n    targetId: {}\n",
        "t".repeat(255)
    ));
}

/// Expects each text to have its one problem, and pins the report of the named ones.
fn expect_each(cases: &[(Option<&str>, &str, &str, usize)]) {
    for &(snapshot, text, code, line) in cases {
        let shown = expect(text, &[(code, line)]);
        if let Some(name) = snapshot {
            snap!(name, shown);
        }
    }
}

#[test]
fn the_top_level_shape_is_checked() {
    expect_each(&[
        (Some("empty"), "", "config::missing_webhooks", 1),
        (None, "# nothing\n", "config::missing_webhooks", 2),
        (
            Some("no_webhooks"),
            "portal: https://p.example\n",
            "config::missing_webhooks",
            1,
        ),
        (
            Some("webhooks_not_a_mapping"),
            "webhooks: [a]\n",
            "config::type",
            1,
        ),
        (None, "webhooks:\n", "config::type", 1),
        (None, "- webhooks\n", "config::type", 1),
        (None, "just text\n", "config::type", 1),
    ]);
}

#[test]
fn yaml_level_errors_have_a_location() {
    expect_each(&[
        (
            Some("multiple_documents"),
            "webhooks: {}\n---\nwebhooks: {}\n",
            "config::multiple_documents",
            3,
        ),
        (Some("tabs"), "webhooks:\n\ta: {}\n", "config::yaml", 2),
        // The parser names the end of the value above, which could go on.
        (
            Some("tab_after_a_plain_value"),
            "webhooks:\n  a:\n    uri: https://a.example.com/x\n\tenabled: true\n",
            "config::yaml",
            4,
        ),
        // A line holding only a tab is no indent: the tab meant is on the line after it.
        (
            Some("tab_after_a_line_of_a_tab"),
            "webhooks:\n  a:\n    name: first\n      second\n\t\n\t  third\n",
            "config::yaml",
            6,
        ),
        // An unknown alias outside `triggers` gets no hint about events.
        (
            Some("unknown_alias"),
            "prune: {maxDeletes: *n}\nwebhooks: {}\n",
            "config::yaml",
            1,
        ),
        (
            Some("unclosed_bracket"),
            "webhooks:\n  a:\n    triggers: [file.uploaded\n",
            "config::yaml",
            3,
        ),
        (None, "webhooks:\n  a: !custom {}\n", "config::yaml", 2),
        // Base64 whose padding drops bits that are not zero is not base64 of anything.
        (None, "webhooks:\n  a: !!binary QR==\n", "config::yaml", 2),
        (None, "webhooks:\n  a: !!binary QUF=\n", "config::yaml", 2),
    ]);
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let shown = expect(
        "webhooks:\n  a:\n    triggers: [file.uplaoded]\n  b:\n    uri: nope\n",
        &[("config::unknown_trigger", 3), ("config::bad_uri", 5)],
    );
    assert!(shown.contains("2 problems"), "{shown}");
}

#[test]
fn binary_garbage_is_an_error_with_a_location_not_a_panic() {
    let err = load_document_str("webhooks:\n  a: \u{0}\u{1b}[31m\n", "webhooks.yaml")
        .expect_err("garbage");
    let shown = render(&err);
    assert!(shown.contains("webhooks.yaml:2:"), "{shown}");
    assert!(
        !shown.contains('\u{1b}'),
        "a control character reached the terminal: {shown:?}"
    );

    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    std::io::Write::write_all(&mut file, b"webhooks:\n  a: \xff\xfe\n").expect("write");
    let err = load_document(file.path()).expect_err("not UTF-8");
    let ConfigError::Invalid { problems, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (problems[0].code_str(), problems[0].line()),
        ("config::encoding", 2)
    );
}

/// A secretKey written in the file and reused by an alias as a name or targetId is refused
/// there, its value not shown: plans would show it, and the portal would list it, which every
/// later list is refused for. Another entry's name is no secret.
#[test]
fn a_secret_aliased_into_a_listed_field_is_refused() {
    snap!(expect(
        "webhooks:\n  Leaky:\n    uri: https://leaky.example.com/x\n    secretKey: &s Zq9Lit-Secret-55\n    targetId: *s\n  9846:\n    name: *s\n  Zq9Lit:\n    targetId: Secret-55\n",
        &[
            ("config::secret_in_field", 5),
            ("config::secret_in_field", 7),
        ],
    ));
}

/// A secretKey written out in another entry's name key, name, uri or targetId, in any spelling
/// the check reads as it, is hidden in every snippet, as an alias of it is: names and uris
/// show otherwise. An anchored name reused as the secret is hidden where it is written.
#[test]
fn a_secret_written_into_a_listed_field_is_refused_and_hidden() {
    snap!(expect(
        "webhooks:\n  Zq9-Lit-Secret-77:\n    uri: https://a.example.com/x\n    secretKey: Zq9-Lit-Secret-77\n  9846:\n    name: zq9-lit-secret-77\n    uri: https://b.example.com/Zq9%2DLit-Secret-77\n    targetId: \"Zq9\\u002DLit-Secret-77\"\n  9847:\n    uri: https://c.example.com/x\n    name: &n Other-Secret-88\n    secretKey: *n\n  Shown name:\n    uri: https://d.example.com/x\n",
        &[
            ("config::secret_in_field", 2),
            ("config::secret_in_field", 6),
            ("config::secret_in_field", 7),
            ("config::secret_in_field", 8),
            ("config::secret_in_field", 11),
        ],
    ));
}

/// UTF-16 (what Windows PowerShell 5 writes with `>`) and UTF-32 are named as such, and their
/// lines are not shown when they hold a secret: read as UTF-8 they have NULs between the
/// characters of every word, `secretKey` among them.
#[test]
fn a_utf16_file_is_named_and_its_secret_not_shown() {
    let text = "portal: https://a.example.com\nwebhooks: {A: {secretKey: Zq9LitSecretU16}}\n";
    let le: Vec<u8> = text.bytes().flat_map(|b| [b, 0]).collect();
    let bom: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain(text.bytes().flat_map(|b| [0, b]))
        .collect();
    // UTF-32 is named as such, with or without a byte order mark, in either byte order.
    let le32: Vec<u8> = text.bytes().flat_map(|b| [b, 0, 0, 0]).collect();
    let bom32le: Vec<u8> = [0xff, 0xfe, 0, 0].into_iter().chain(le32.clone()).collect();
    let bom32be: Vec<u8> = [0, 0, 0xfe, 0xff]
        .into_iter()
        .chain(text.bytes().flat_map(|b| [0, 0, 0, b]))
        .collect();
    for (name, bytes, wide) in [
        ("le16.yaml", le, "UTF-16"),
        ("bom16.yaml", bom, "UTF-16"),
        ("le32.yaml", le32, "UTF-32"),
        ("bom32le.yaml", bom32le, "UTF-32"),
        ("bom32be.yaml", bom32be, "UTF-32"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let shown = render(&load_document(&path).expect_err(wide));
        let at = path.display();
        let expected = format!(
            "config::invalid\n\n  × the webhook file has 1 problem\n\nError: config::encoding\n\n  × the file is {wide} text, not UTF-8 (at {at}:1:1)\n  help: save the file as UTF-8\n        the file's lines are not shown: it may hold a secret or credentials, which cannot be told\n        apart from the rest in a file that does not parse\n"
        );
        assert_eq!(shown, expected);
    }
}

#[test]
fn a_problem_on_a_long_line_is_located_without_its_snippet() {
    // A file written on one line: miette cannot pad a label to a column past `u16::MAX`.
    let filler = "x".repeat(70_000);
    let text = format!(
        "webhooks: {{9846: {{enabled: maybe, name: {filler}, uri: https://a.example/h, ssl: 1}}}}\n"
    );
    let err = load_document_str(&text, "webhooks.yaml").expect_err("neither is a boolean");
    let shown = render(&err);
    let column = text.find("ssl: 1").unwrap() + 6;
    assert_shows(
        &shown,
        &[
            "`ssl` must be true or false",
            &format!("at webhooks.yaml:1:{column} (the line is too long to show)"),
        ],
        &[],
    );
    // Near the start of the line too: a snippet shows its lines whole, so each problem on it
    // would print the whole file again.
    let column = text.find("maybe").unwrap() + 1;
    let at = format!("at webhooks.yaml:1:{column} (the line is too long to show)");
    assert_shows(&shown, &[&at], &["xxxxxxxx"]);
}

#[test]
fn alias_bombs_and_deep_nesting_stop_with_an_error() {
    // Each level doubles the one below twenty times: 20^8 nodes if expanded.
    let mut bomb = String::from("webhooks: {}\nl0: &l0 [x, x]\n");
    for i in 1..9 {
        let refs = vec![format!("*l{}", i - 1); 20].join(", ");
        bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    let err = load_document_str(&bomb, "bomb.yaml").expect_err("alias bomb");
    let ConfigError::Invalid { problems, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        problems[0].code_str(),
        "config::too_complex",
        "{}",
        render(&err)
    );

    // Aliases may add more to a bigger file (one event for every 8 bytes), never without end:
    // the same bomb after 512 KiB of comments stops too.
    let padded = format!("{}{bomb}", "# padding padding padding\n".repeat(20_000));
    let err = load_document_str(&padded, "padded.yaml").expect_err("padded alias bomb");
    let ConfigError::Invalid { problems, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(problems[0].code_str(), "config::too_complex");

    let deep = format!("webhooks: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert!(load_document_str(&deep, "deep.yaml").is_err());
}

#[test]
fn a_variable_where_a_url_belongs_says_urls_are_taken_as_written() {
    // A webhook's `uri` may be `${VAR}`; a portal's address may not.
    let shown = expect(
        "portal: ${PORTAL_URL}\nwebhooks:\n  a:\n    uri: ${HOOK_URL}\n",
        &[("config::bad_uri", 1)],
    );
    assert!(shown.contains("is taken as written"), "{shown}");
    assert!(!shown.contains("did you mean"), "{shown}");
}
