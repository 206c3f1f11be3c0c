//! `completions` and `man`: the command line described for shells and for `man`, generated from
//! the same clap definitions that parse it, so they cannot drift from the real flags.
//!
//! Both render into memory first and then write to `out`: clap_complete panics when its writer
//! fails, and a failed write must end like any other failed output, never in a panic.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::{Exit, Output};
use crate::Error;
use crate::cli::{Cli, CompletionsArgs, ManArgs};

/// The name the scripts complete: the installed binary's.
const BIN: &str = "docspace-webhooks";

/// The script is the work: cut short by a closed stdout, it fails like `schema`.
pub(super) fn run(args: &CompletionsArgs, out: &mut Output) -> Exit {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if args.shell == clap_complete::Shell::Bash {
        script = fix_bash_labels(&script);
    }
    out.write_all(script.as_bytes()).map_err(Error::Output)?;
    out.finish("completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// clap_complete's bash script tracks the subcommand typed so far in a state spelled
/// `docspace__webhooks__subcmd__plan`, but labels the branch that completes its flags
/// `docspace__subcmd__webhooks__subcmd__plan` when the binary's name has a hyphen
/// (clap-rs/clap#6421, open), so no flag of any subcommand would ever complete. Spelling the
/// labels as the state makes them meet; once upstream is fixed this replaces nothing.
fn fix_bash_labels(script: &str) -> String {
    let label = |separator: &str| format!("{}__subcmd__", BIN.replace('-', separator));
    script.replace(&label("__subcmd__"), &label("__"))
}

/// The main page on stdout; with `--dir`, it and one page per visible command written there,
/// each path printed (the pages are the work then: a reader that stops reading fails nothing).
pub(super) fn man(args: &ManArgs, out: &mut Output) -> Exit {
    let mut cli = Cli::command().disable_help_subcommand(true);
    // Building gives each subcommand its display name (`docspace-webhooks-plan`), which names
    // its page.
    cli.build();
    let Some(dir) = &args.dir else {
        out.write_all(&main_page(clap_mangen::Man::new(cli))?)
            .map_err(Error::Output)?;
        out.finish("manual page")?;
        return Ok(ExitCode::SUCCESS);
    };
    // A typo in DIR would otherwise leave the pages in a new directory no `man` searches.
    if !dir.is_dir() {
        return Err(Error::NoManDir {
            path: crate::redact::shown_path(dir),
            reason: if dir.exists() {
                "it is not a directory"
            } else {
                "it does not exist"
            },
        });
    }
    let commands: Vec<clap::Command> = cli
        .get_subcommands()
        .filter(|command| !command.is_hide_set())
        .cloned()
        .collect();
    let main = clap_mangen::Man::new(cli);
    let mut pages = vec![(main.get_filename(), main_page(main)?)];
    for command in commands {
        let man = clap_mangen::Man::new(command);
        let mut roff = Vec::new();
        man.render(&mut roff).map_err(Error::ManPage)?;
        pages.push((man.get_filename(), roff));
    }
    for (name, roff) in pages {
        let path = dir.join(name);
        std::fs::write(&path, roff).map_err(|source| Error::WriteFile {
            path: crate::redact::shown_path(&path),
            source,
        })?;
        writeln!(out, "{}", crate::redact::shown_path(&path)).map_err(Error::Output)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The `docspace-webhooks(1)` page: clap's sections, then ENVIRONMENT and EXIT STATUS, which
/// clap cannot derive (EXIT STATUS replaces the exit codes `--help` shows after the commands).
fn main_page(man: clap_mangen::Man) -> Result<Vec<u8>, Error> {
    let mut roff = Vec::new();
    man.render_title(&mut roff)
        .and_then(|()| man.render_name_section(&mut roff))
        .and_then(|()| man.render_synopsis_section(&mut roff))
        .and_then(|()| man.render_description_section(&mut roff))
        .and_then(|()| man.render_options_section(&mut roff))
        .and_then(|()| man.render_subcommands_section(&mut roff))
        .map_err(Error::ManPage)?;
    roff.extend_from_slice(ENVIRONMENT_AND_EXIT_STATUS.as_bytes());
    man.render_version_section(&mut roff)
        .map_err(Error::ManPage)?;
    Ok(roff)
}

/// Every variable a user sets for the tool (src/settings.rs without its test hooks, the file's
/// `${VAR}`s, and the proxy variables the HTTP client reads), and the exit codes of docs/exit-codes.md, in roff.
const ENVIRONMENT_AND_EXIT_STATUS: &str = r#".SH ENVIRONMENT
.TP
\fBDOCSPACE_API_KEY\fR
The API key (\fBsk\-...\fR) of a DocSpace admin, for a file with \fBportal:\fR or without
a portal. Never taken from the command line. Not read for a \fBportals:\fR file.
.TP
\fBDOCSPACE_URL\fR
The portal of a file without \fBportal:\fR, like \fB\-\-portal\fR. With \fBportal:\fR in
the file it may only repeat that portal: another one is an error and nothing is contacted.
Not read for a \fBportals:\fR file.
.TP
The variable a portal's \fBapiKey: ${VAR}\fR names
In a \fBportals:\fR file, the API key of that portal.
.TP
The variables a \fBsecretKey: ${VAR}\fR names
The secrets of the webhooks, read by \fBapply\fR for the creates and updates that send
them, and by \fBstatus\fR and \fBplan \-\-verify\-secrets\fR to check the portal's
signatures (unset: the check is reported as not possible); \fBvalidate\fR never needs them.
.TP
The variables a \fBuri: ${VAR}\fR names
The webhooks' URLs, read by \fBplan\fR and \fBapply\fR; never shown.
.TP
The variable \fBverify\-signature \-\-secret\-env\fR names
The secret a delivery's signature is checked with.
.TP
\fBNO_COLOR\fR, \fBCLICOLOR_FORCE\fR, \fBCLICOLOR\fR, \fBTERM\fR
With \fB\-\-color auto\fR (the default), colors only on a terminal that supports them
(\fBTERM\fR not \fBdumb\fR); \fBNO_COLOR\fR (not empty) or \fBCLICOLOR=0\fR turns them
off, \fBCLICOLOR_FORCE\fR (any value but empty, \fB0\fR included) forces them.
\fB\-\-color always\fR and \fB\-\-color never\fR win over all four, help and usage errors
included.
.TP
\fBHTTPS_PROXY\fR, \fBHTTP_PROXY\fR, \fBALL_PROXY\fR, \fBNO_PROXY\fR
The proxy for a portal that is not on loopback (a loopback portal is never reached through
a proxy).
.SH "EXIT STATUS"
.TP
\fB0\fR
Success, or no changes; \fB\-\-help\fR and \fB\-\-version\fR.
.TP
\fB1\fR
Any error: a usage error, a bad file, an unreachable or refusing portal, a missing secret, a
refused confirmation, a stale or refused saved plan, the deletion guard, a failed write.
With a \fBportals:\fR file, when any selected portal failed (the others are still planned
and applied).
.TP
\fB2\fR
With \fB\-\-detailed\-exitcode\fR only: \fBplan\fR has changes, or \fBstatus\fR found a
webhook unhealthy (and nothing failed).
.TP
\fB129\fR, \fB130\fR, \fB143\fR
Stopped by SIGHUP, SIGINT (Ctrl\-C) or SIGTERM: before any write nothing was written;
during \fBapply\fR the writes in flight finished and the report names what was not started.
.PP
A closed stdout never changes the exit status.
"#;
