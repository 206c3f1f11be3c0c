//! `completions SHELL` and the hidden `man`: generated from the same definitions that parse the
//! command line, so they offer exactly the commands and flags that exist.

use crate::support::run::Run;

const COMMANDS: [&str; 7] = [
    "validate",
    "plan",
    "apply",
    "export",
    "schema",
    "completions",
    "verify-signature",
];

#[test]
fn every_shell_gets_a_script_offering_the_commands_and_their_flags() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Run::new(&["completions", shell]).run();
        assert_eq!(out.code, 0, "{shell}: {out:?}");
        assert!(out.stderr.is_empty(), "{shell}: {out:?}");
        assert!(
            out.stdout.contains("docspace-webhooks") || out.stdout.contains("docspace__webhooks"),
            "{shell}: names the binary"
        );
        for word in COMMANDS
            .iter()
            .chain(&["detailed-exitcode", "auto-approve", "prune", "quiet"])
        {
            assert!(out.stdout.contains(word), "{shell} script lacks {word}");
        }
    }
}

/// What bash offers on <TAB> after `words` (the last one being completed), with the script
/// loaded as bash-completion would load it.
fn bash_completes(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let probe = format!(
        "source {script}\n\
         COMP_WORDS=({line}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}\n\
         complete -p docspace-webhooks >/dev/null || exit 3\n\
         _docspace__webhooks docspace-webhooks '{cur}' '{prev}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script = script.display(),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{probe}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_and_the_flags_of_each_command() {
    let out = Run::new(&["completions", "bash"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    let script = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(script.path(), &out.stdout).expect("write script");

    let commands = bash_completes(script.path(), &["docspace-webhooks", "pl"]);
    assert_eq!(commands, ["plan"]);
    let flags = bash_completes(script.path(), &["docspace-webhooks", "plan", "--det"]);
    assert_eq!(flags, ["--detailed-exitcode"]);
    let flags = bash_completes(script.path(), &["docspace-webhooks", "apply", "--auto"]);
    assert_eq!(flags, ["--auto-approve"]);
    // A command with a hyphen in its name, as the binary has.
    let flags = bash_completes(
        script.path(),
        &["docspace-webhooks", "verify-signature", "--sec"],
    );
    assert_eq!(flags, ["--secret-env"]);
    let values = bash_completes(
        script.path(),
        &["docspace-webhooks", "plan", "--format", ""],
    );
    assert_eq!(values, ["text", "json", "markdown"]);
}

#[test]
fn an_unknown_shell_is_a_usage_error_listing_the_shells() {
    let out = Run::new(&["completions", "tcsh"]).run();
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(out.stderr.contains("tcsh"), "{out:?}");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(out.stderr.contains(shell), "lists {shell}: {out:?}");
    }
}

#[test]
fn the_man_page_is_roff_naming_the_commands_and_flags() {
    let out = Run::new(&["man"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    let page = &out.stdout;
    assert!(page.contains(".TH docspace-webhooks 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section}: {page}");
    }
    // roff writes a literal hyphen as `\-`.
    assert!(page.contains(r"\fB\-\-color\fR"), "{page}");
    assert!(page.contains(r"\fB\-q\fR, \fB\-\-quiet\fR"), "{page}");
    for command in COMMANDS {
        let roff = command.replace('-', r"\-");
        assert!(page.contains(&roff), "{command}: {page}");
    }
    // The exit codes are in EXIT STATUS, not in clap's EXTRA section after the commands.
    assert!(!page.contains(".SH EXTRA"), "{page}");
}

/// ENVIRONMENT names every variable src/settings.rs reads for a user (the hidden test
/// variables stay out), and EXIT STATUS every code of the contract, each in its own entry.
#[test]
fn the_man_page_has_environment_and_exit_status_sections() {
    let out = Run::new(&["man"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    let page = &out.stdout;
    let section = |name: &str| {
        let start = page
            .find(&format!(".SH {name}\n"))
            .unwrap_or_else(|| panic!("no {name}: {page}"));
        let rest = &page[start + 1..];
        rest[..rest.find("\n.SH ").unwrap_or(rest.len())].to_string()
    };
    let entries = |section: &str| -> Vec<String> {
        section
            .split("\n.TP\n")
            .skip(1)
            .map(|entry| entry.lines().next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        entries(&section("ENVIRONMENT")),
        [
            r"\fBDOCSPACE_API_KEY\fR",
            r"\fBDOCSPACE_URL\fR",
            r"The variable a portal's \fBapiKey: ${VAR}\fR names",
            r"The variables a \fBsecretKey: ${VAR}\fR names",
            r"The variables a \fBuri: ${VAR}\fR names",
            r"The variable \fBverify\-signature \-\-secret\-env\fR names",
            r"\fBNO_COLOR\fR, \fBCLICOLOR_FORCE\fR, \fBCLICOLOR\fR, \fBTERM\fR",
            r"\fBHTTPS_PROXY\fR, \fBHTTP_PROXY\fR, \fBALL_PROXY\fR, \fBNO_PROXY\fR",
        ]
    );
    assert!(
        !page.contains("DOCSPACE_WEBHOOKS_"),
        "hidden test variables: {page}"
    );
    assert_eq!(
        entries(&section("\"EXIT STATUS\"")),
        [
            r"\fB0\fR",
            r"\fB1\fR",
            r"\fB2\fR",
            r"\fB129\fR, \fB130\fR, \fB143\fR"
        ]
    );
    // The page reads as a page: `man` renders it without a warning.
    let rendered = std::process::Command::new("sh")
        .args([
            "-c",
            "command -v groff >/dev/null || exit 77; groff -man -Tutf8 -ww -z",
        ])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(page.as_bytes())?;
            child.wait_with_output()
        })
        .expect("sh runs");
    if rendered.status.code() != Some(77) {
        assert!(
            rendered.status.success() && rendered.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&rendered.stderr)
        );
    }
}

#[test]
fn man_dir_writes_a_page_per_command_with_its_flags() {
    let run = Run::new(&["man", "--dir", "pages"]);
    std::fs::create_dir(run.path("pages")).expect("create the directory");
    let out = run.run();
    assert_eq!(out.code, 0, "{out:?}");
    let dir = run.path("pages");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert!(read("docspace-webhooks.1").contains(".TH docspace-webhooks 1"));
    for command in COMMANDS {
        let name = format!("docspace-webhooks-{command}.1");
        assert!(out.stdout.contains(&name), "listed: {out:?}");
        assert!(read(&name).contains(".SH SYNOPSIS"), "{name}");
    }
    let plan = read("docspace-webhooks-plan.1");
    for flag in [
        r"\-\-detailed\-exitcode",
        r"\-\-format",
        r"\-\-prune",
        r"\-\-out",
    ] {
        assert!(plan.contains(flag), "plan page lacks {flag}");
    }
    assert!(read("docspace-webhooks-apply.1").contains(r"\-\-auto\-approve"));
    assert!(
        !dir.join("docspace-webhooks-man.1").exists(),
        "man is hidden"
    );
}

/// A line break or ESC in the directory's name is escaped in every path listed, as every path
/// the tool prints is: raw, one page's path would read as two, and ESC would drive the terminal.
#[test]
fn man_dir_lists_paths_with_control_characters_escaped() {
    let dir = "it's\npages\u{1b}[31m";
    let run = Run::new(&["man", "--dir", dir]);
    std::fs::create_dir(run.path(dir)).expect("create the directory");
    let out = run.run();
    assert_eq!(out.code, 0, "{out:?}");
    let main = "it's\\npages\\u{1b}[31m/docspace-webhooks.1";
    assert_eq!(out.stdout.lines().next(), Some(main), "{out:?}");
    // One line per page written, each the escaped directory and the page's name.
    let pages = std::fs::read_dir(run.path(dir)).expect("read the directory");
    assert_eq!(out.stdout.lines().count(), pages.count(), "{out:?}");
    let prefix = "it's\\npages\\u{1b}[31m/docspace-webhooks-";
    assert!(
        out.stdout.lines().skip(1).all(|l| l.starts_with(prefix)),
        "{out:?}"
    );

    let out = Run::new(&["man", "--dir", "missing\u{1b}[2J"]).run();
    assert!(
        out.stderr
            .contains("into missing\\u{1b}[2J: it does not exist"),
        "{out:?}"
    );
}

/// A mistyped directory would otherwise hold pages no `man` searches, so it is refused, as is a
/// file where the directory should be.
#[test]
fn man_dir_refuses_a_missing_directory_or_a_file() {
    let run = Run::new(&["man", "--dir", "man/man1"]);
    let out = run.run();
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            1,
            "",
            "  x refusing to write the manual pages into man/man1: it does not exist; nothing was written\n  help: pass an existing directory, such as ~/.local/share/man/man1 (create it first)\n\n"
        )
    );
    assert!(!run.path("man").exists(), "nothing was created");

    let run = Run::new(&["man", "--dir", "page.1"]);
    std::fs::write(run.path("page.1"), "kept").expect("write a file");
    let out = run.run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("into page.1: it is not a directory; nothing was written"),
        "{out:?}"
    );
    assert_eq!(std::fs::read_to_string(run.path("page.1")).unwrap(), "kept");
}

#[test]
fn completions_is_in_the_help_and_man_is_not() {
    let out = Run::new(&["--help"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("completions"), "{out:?}");
    assert!(
        !out.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("man ")),
        "{out:?}"
    );
}

#[test]
fn a_script_or_page_cut_short_exits_1() {
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["man"],
    ] {
        let closed = Run::new(args).run_with_stdout_closed_after(0);
        assert_eq!(closed.code, 1, "{args:?}: {closed:?}");
        assert!(closed.stderr.contains("cut short"), "{args:?}: {closed:?}");
        let full = Run::new(args).shell(r#"exec "$0" "$@" >/dev/full"#).run();
        assert_eq!(full.code, 1, "{args:?}: {full:?}");
        assert!(
            full.stderr.contains("could not write the output"),
            "{args:?}: {full:?}"
        );
    }
}
