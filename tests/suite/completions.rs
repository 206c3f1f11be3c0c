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
    assert!(page.contains("Exit codes"), "{page}");
}

#[test]
fn man_dir_writes_a_page_per_command_with_its_flags() {
    let run = Run::new(&["man", "--dir", "pages"]);
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
