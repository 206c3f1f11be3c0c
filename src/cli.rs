//! The command line, and nothing else: clap definitions that `settings` and `commands` read.
//!
//! The API key is deliberately not an argument: command lines end up in shell history, process
//! lists and CI logs. It is read from `DOCSPACE_API_KEY` only.
//!
//! A flag that only chooses how output looks (`--format`, `--problems`, `-v`, and the global
//! `--color` and `--quiet`) may be given twice, the last winning as in git and cargo, so a
//! wrapper's default yields to the user's. Any other given twice stays a usage error: two
//! limits, digests, portals or paths are more likely a pipeline's bug than a choice.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::api::StatusClass;
use crate::plan::TargetKey;
use crate::render::{Format, ProblemFormat};

#[derive(Debug, Parser)]
#[command(
    name = "docspace-webhooks",
    version,
    about = "Manage the webhooks of an ONLYOFFICE DocSpace portal as code",
    long_about = "Manage the webhooks of an ONLYOFFICE DocSpace portal as code.\n\n\
        `validate` checks the file, `plan` shows what would change, `apply` makes the portal \
        match the file.\n\nThe API key is read from the DOCSPACE_API_KEY environment variable \
        (an `sk-...` key of a DocSpace admin); it is never taken from the command line.",
    after_long_help = "Exit codes: 0 success or no changes; 1 any error, a usage error included, \
        or a signature that does not match (verify-signature); 2 the plan has changes (plan \
        --detailed-exitcode) or a webhook is unhealthy (status --detailed-exitcode); 129, 130, \
        143 stopped by SIGHUP, SIGINT, SIGTERM. A closed stdout never changes them."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    // Both may be given twice, the last `--color` winning, as clap already took them before and
    // after the command: an alias or a wrapper that gives one (`alias dw='docspace-webhooks
    // --color always'`) leaves the user free to give it too.
    /// When to use colors: auto colors only on a terminal with NO_COLOR unset.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = clap::ColorChoice::Auto,
        overrides_with = "color"
    )]
    pub color: clap::ColorChoice,

    /// Print only errors on stderr: no warnings, no notes (the saved plan's digest included),
    /// no waits, retries or progress. Stdout and the exit code are the same either way.
    #[arg(short = 'q', long, global = true, overrides_with = "quiet")]
    pub quiet: bool,
}

impl Cli {
    /// Parses the command line and enforces what clap's attributes cannot: `requires` is not
    /// checked once an argument that conflicts with the required one is present, so
    /// `apply -f F --expect-digest X` would pass clap and silently apply a fresh plan.
    pub fn parse_checked() -> Result<Cli, clap::Error> {
        // clap's `help` subcommand refuses `--help` after it; asked for, help is what it gives.
        // It is the first word that is not a global option (`--color` takes the next word).
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let mut at = 1;
        while let Some(a) = args.get(at).and_then(|a| a.to_str()) {
            match a {
                "--color" => at += 2,
                "-q" | "--quiet" => at += 1,
                _ if a.starts_with("--color=") => at += 1,
                _ => break,
            }
        }
        let asks_help = args.get(at).is_some_and(|a| a == "help");
        let subcommand = args.get(at).and_then(|a| a.to_str()).map(str::to_owned);
        let args = (args.into_iter().enumerate())
            .filter(|(i, a)| !(asks_help && *i > at && (a == "--help" || a == "-h")));
        let cli = Cli::try_parse_from(args.map(|(_, a)| a))
            .map_err(|e| other_tools_flag(e, subcommand.as_deref()))?;
        if let Command::Apply(args) = &cli.command
            && args.expect_digest.is_some()
            && args.saved_plan.is_none()
        {
            let mut command = Cli::command();
            // Built, so the usage line names the binary as clap's own errors do.
            command.build();
            let apply = command
                .find_subcommand_mut("apply")
                .expect("apply is a subcommand");
            return Err(apply.error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--expect-digest needs a PLAN_FILE: it checks a plan saved by `plan --out`, \
                 never a plan made afresh from the file",
            ));
        }
        Ok(cli)
    }
}

/// The `--color` asked for, for clap's help and usage errors, which come before `Cli` exists:
/// the last one given, as clap reads it. A bad value is clap's error to give.
pub fn color_asked() -> clap::ColorChoice {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut color = clap::ColorChoice::Auto;
    let words = args.iter().enumerate().take_while(|(_, a)| *a != "--");
    for (i, a) in words.filter_map(|(i, a)| Some((i, a.to_str()?))) {
        let value = match a.strip_prefix("--color") {
            Some("") => args.get(i + 1).and_then(|v| v.to_str()),
            Some(v) => v.strip_prefix('='),
            None => None,
        };
        if let Some(Ok(choice)) = value.map(|v| clap::ValueEnum::from_str(v, false)) {
            color = choice;
        }
    }
    color
}

/// A flag that other tools have gets what this tool does instead: clap's own tip would be wrong
/// (`apply --dryrun` suggests `--prune`, which deletes; `apply --yes` suggests passing it as the
/// PLAN_FILE).
fn other_tools_flag(mut error: clap::Error, subcommand: Option<&str>) -> clap::Error {
    use clap::builder::StyledStr;
    use clap::error::{ContextKind, ContextValue};
    // Only a flag clap does not know: a repeated one (`--auto-approve --auto-approve`) is known.
    let Some(ContextValue::String(arg)) = error.get(ContextKind::InvalidArg) else {
        return error;
    };
    if error.kind() != clap::error::ErrorKind::UnknownArgument {
        return error;
    }
    let tip = match arg.split('=').next().unwrap_or_default() {
        "--dry-run" | "--dryrun" => {
            "there is no dry-run flag: `plan` shows what `apply` would change; `apply` and \
             `redeliver` show what they would write and ask first"
        }
        "--yes" | "-y" | "--force" | "--approve" | "--auto-approve" => {
            "`apply` and `redeliver` take `--auto-approve` to write without asking"
        }
        "--detailed-exitcode" | "--detailed-exit-code" | "--detailed-exitcodes" => {
            "`plan` and `status` take `--detailed-exitcode`"
        }
        "--api-key" | "--apikey" | "--key" | "--token" => {
            "the API key is read from the DOCSPACE_API_KEY environment variable (a `portals:` \
             file's from the variable each `apiKey: ${VAR}` names), never from the command line"
        }
        "--version" | "-V" => {
            "`--version` is the tool's, given before any subcommand: \
             `docspace-webhooks --version`"
        }
        _ => return error,
    };
    error.remove(ContextKind::SuggestedArg);
    let tip = ContextValue::StyledStrs(vec![StyledStr::from(tip)]);
    error.insert(ContextKind::Suggested, tip);
    let mut command = Cli::command();
    command.build();
    if let Some(sub) = subcommand.and_then(|name| command.find_subcommand_mut(name)) {
        error.insert(
            ContextKind::Usage,
            ContextValue::StyledStr(sub.render_usage()),
        );
    }
    error
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the file without contacting the portal.
    Validate(ValidateArgs),
    /// Show what `apply` would change. Only reads from the portal; never writes.
    Plan(PlanArgs),
    /// Make the portal match the file.
    Apply(ApplyArgs),
    /// Show whether the webhooks deliver, and sign with the file's secrets. Never writes.
    ///
    /// Per webhook of each portal (managed by the file or not): ok, failing, at risk, disabled
    /// or no deliveries in the window; its deliveries by status class and its latest failure;
    /// and, when the file sets its secretKey, whether the portal signed its latest delivery
    /// with that secret (verified, differs, unverifiable).
    Status(StatusArgs),
    /// Print the live webhooks as a config file, to start managing an existing portal.
    Export(ExportArgs),
    /// Resend the failed deliveries of a window, after showing exactly which and asking.
    ///
    /// Reads the portal's delivery log, lists the failed deliveries logged within --since
    /// (per webhook: log id, time, status, event), asks for `yes` (or --auto-approve), then
    /// resends them, oldest first, 100 per request. A resent delivery is a new event to its
    /// receiver: a new event id, signed with the webhook's current secret, sent to its
    /// current uri. Exit 0 when every one was resent (or there was nothing to resend), 1 when
    /// any was not.
    Redeliver(RedeliverArgs),
    /// Show a plan saved by `plan --out` as `apply PLAN_FILE` would, and its SHA-256. Offline:
    /// needs no portal and no API key.
    Show(ShowArgs),
    /// Check a delivery's signature against the webhook's secret and the body. Offline.
    ///
    /// For people writing a receiver: whether the `x-docspace-signature-256` value is the
    /// HMAC-SHA256 of the exact body with the secret. Exit 0 when it matches; 1 when it does
    /// not, or the value is malformed, or on any error; the reason is one line on stderr.
    VerifySignature(VerifySignatureArgs),
    /// Print the JSON Schema of the config file (for editor completion and checks).
    Schema,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// bash: save the output as `~/.local/share/bash-completion/completions/docspace-webhooks`.
    ///
    /// zsh: save it as `_docspace-webhooks` in a directory of your `$fpath`.
    ///
    /// fish: save it as `~/.config/fish/completions/docspace-webhooks.fish`.
    ///
    /// PowerShell: add `docspace-webhooks completions powershell | Out-String | Invoke-Expression`
    /// to your `$PROFILE`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a directory.
    #[command(hide = true)]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct FileArgs {
    /// The webhooks file.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "PATH",
        default_value = "webhooks.yaml"
    )]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub file: FileArgs,
    /// How to report the file on stdout: text (the verdict), json (one document listing every
    /// problem and warning), or github (one workflow command per problem, shown by GitHub on
    /// the pull request's diff). The diagnostics on stderr are the same in every format.
    #[arg(long, value_enum, default_value_t = ProblemFormat::Text, overrides_with = "format")]
    pub format: ProblemFormat,
}

#[derive(Debug, Args)]
pub struct PortalArgs {
    /// With a `portals:` file: the NAME of a portal to work on (repeat it for several; default
    /// all). Otherwise the portal's URL, e.g. https://yourportal.onlyoffice.com, used when the
    /// file has no `portal:` (in place of DOCSPACE_URL); with `portal:` in the file it may only
    /// repeat it. HTTPS only; plain HTTP is accepted for a loopback host.
    // Not `<https://...>`: --help shows the comment as written.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, value_name = "URL|NAME")]
    pub portal: Vec<String>,
    #[command(flatten)]
    pub network: NetworkArgs,
}

/// How requests to the portal are timed, retried and reported; part of every command that
/// talks to the portal (through `PortalArgs`).
#[derive(Debug, Clone, Args)]
pub struct NetworkArgs {
    /// Seconds one request may take, answer included. The portal itself spends up to 10 s
    /// probing a webhook's target on create and update, so keep it well above that.
    #[arg(long = "timeout", value_name = "SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Seconds to wait for a connection to the portal.
    #[arg(long = "connect-timeout", value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub connect_timeout: u64,
    /// How often to retry a request that failed on the way (connection, timeout, HTTP 502,
    /// 503, 504), with growing waits; 0 turns retrying off. A create is posted again only
    /// after checking that it did not land. HTTP 429 is not counted: see --max-wait.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
    /// Seconds the whole run may spend paused by the portal's rate limit (HTTP 429 and its
    /// Retry-After). When a pause would go past it, no further request is started and apply
    /// reports what was not done.
    #[arg(long = "max-wait", value_name = "SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(0..=604_800))]
    pub max_wait: u64,
    /// Print one line per request on stderr: method, path, status and time (never headers or
    /// bodies).
    #[arg(short = 'v', long, overrides_with = "verbose")]
    pub verbose: bool,
}

/// What counts as a change; shared by `plan` and `apply`.
#[derive(Debug, Args)]
pub struct PlanningArgs {
    /// Delete live webhooks that the file does not mention (guarded: see --max-deletes).
    #[arg(long)]
    pub prune: bool,
    /// With --prune, the most webhooks one run may delete. Default: 3, or 30% of the live
    /// webhooks when that is more. A plan over the limit is refused with nothing written, and
    /// so is a plan that deletes every live webhook unless this is given.
    #[arg(long, value_name = "N", requires = "prune")]
    pub max_deletes: Option<usize>,
    /// Send the configured secret of every webhook whose entry sets `secretKey`, even when
    /// nothing else changed (the portal never returns secrets, so a change cannot be seen).
    #[arg(long)]
    pub rotate_secrets: bool,
    /// Check the secret of every managed webhook whose entry sets `secretKey` against the
    /// signature of its latest delivery in the portal's log (verified, differs,
    /// unverifiable), and send it where the portal signs with another.
    #[arg(long)]
    pub verify_secrets: bool,
    /// Plan (and write) only the entry with this key: a name as written in the file, or an id's
    /// digits; `id:5` or `name:5` when both `5:` and `"5":` are keys. Repeat it for several entries.
    /// The plan says how many entries were left out.
    #[arg(long = "target", value_name = "KEY", conflicts_with = "prune", value_parser = TargetKey::parse)]
    pub targets: Vec<TargetKey>,
}

/// Which file, against which portal, and what counts as a change: what `plan` and `apply`
/// both need to make a plan.
#[derive(Debug, Args)]
pub struct PlanInput {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub portal: PortalArgs,
    #[command(flatten)]
    pub planning: PlanningArgs,
    /// With a `portals:` file: how many portals to read and write at once (each still with its
    /// own --parallelism on writes).
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub portal_parallelism: u16,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub input: PlanInput,
    /// Exit 2 when there are changes, 0 when there are none, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// How to show the plan: text for people, json for pipelines (documented in docs/plans.md),
    /// markdown for a pull-request comment or job summary.
    #[arg(long, value_enum, default_value_t = Format::Text, overrides_with = "format")]
    pub format: Format,
    /// When problems in the file stop the plan, report them on stdout in this form instead of
    /// a plan: json (the document of `validate --format json`) or github (workflow commands
    /// that GitHub shows on the pull request's diff). Default: json with --format json, else
    /// text (the diagnostics on stderr only, which are printed in every form).
    #[arg(long, value_enum, value_name = "FORMAT", overrides_with = "problems")]
    pub problems: Option<ProblemFormat>,
    /// Also save the plan to FILE, for `apply FILE`, and print its SHA-256 on stderr. It holds
    /// no secret values. Written atomically; an existing FILE is replaced only if it is a
    /// saved plan.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// With --out and a `portals:` file: save the plan only when every selected portal could
    /// be planned. Without it, the portals that failed are recorded as failed and the others
    /// saved: `apply FILE` writes those, then exits 1 naming the failed ones.
    #[arg(long, requires = "out")]
    pub all_or_nothing: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub portal: PortalArgs,
    /// How far back to read the delivery log: a whole number and a unit, s, m, h or d
    /// (30m, 24h, 7d; at most 3650d).
    #[arg(long, value_name = "DURATION", default_value = "24h",
          value_parser = crate::duration::parse)]
    pub since: std::time::Duration,
    /// How to show the health: text, json (documented in docs/delivery-health.md) or markdown.
    #[arg(long, value_enum, default_value_t = Format::Text, overrides_with = "format")]
    pub format: Format,
    /// Exit 2 when a webhook is failing, at risk, disabled while the file manages it and does
    /// not disable it, or signed with another secret; 0 when all are healthy; 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// With a `portals:` file: how many portals to read at once.
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub portal_parallelism: u16,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A plan saved by `plan --out`: apply exactly it, without asking, refusing when the portal
    /// changed since (its --prune and --rotate-secrets were fixed when it was made) or when it
    /// was made from another file than -f, which alone names every portal's URL and every
    /// variable read. Without it, apply plans the file afresh.
    #[arg(value_name = "PLAN_FILE", conflicts_with_all = ["prune", "max_deletes", "rotate_secrets", "verify_secrets", "targets"])]
    pub saved_plan: Option<PathBuf>,
    /// With PLAN_FILE: refuse it, writing nothing, unless its SHA-256 is this (the digest
    /// `plan --out` printed, or `sha256sum PLAN_FILE`), so exactly the reviewed plan is applied.
    #[arg(long, value_name = "SHA256", value_parser = sha256_hex)]
    pub expect_digest: Option<String>,
    #[command(flatten)]
    pub input: PlanInput,
    /// Apply without asking for confirmation (needed when there is no terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// How many writes to run at once (the portal allows 15 concurrent writes).
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u8).range(1..=15))]
    pub parallelism: u8,
}

#[derive(Debug, Args)]
pub struct RedeliverArgs {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub portal: PortalArgs,
    /// How far back to look: the failed deliveries logged within this time before now (a
    /// whole number and s, m, h or d: 30m, 24h, 7d).
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = crate::duration::parse)]
    pub since: std::time::Duration,
    /// Only this webhook's deliveries: its name on the portal, or `id:N` (`name:X` for a name
    /// that starts with `id:`). Repeat it for several. Default: every webhook of the portal,
    /// in the file or not.
    #[arg(long = "webhook", value_name = "NAME|id:N", value_parser = WebhookKey::parse)]
    pub webhooks: Vec<WebhookKey>,
    /// Only failures of this kind: 5xx, 4xx, 3xx (answered with that status), or unsent (no
    /// answer: DNS, refused connection, TLS). Repeat it for several. Default: all four.
    #[arg(long = "status", value_enum, value_name = "CLASS")]
    pub statuses: Vec<StatusClass>,
    /// Resend the deliveries of disabled webhooks too (the portal sends a redelivery even to a
    /// disabled webhook); without it they are left out and named.
    #[arg(long)]
    pub include_disabled: bool,
    /// Resend without asking for confirmation (needed when there is no terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// With a `portals:` file: how many portals to read at once.
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub portal_parallelism: u16,
}

/// A webhook `--webhook` names: by its name on the portal, or by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookKey {
    Name(String),
    Id(i32),
}

impl WebhookKey {
    /// `id:5` is an id, `name:X` the name X, anything else a name.
    pub fn parse(text: &str) -> Result<WebhookKey, String> {
        if let Some(name) = text.strip_prefix("name:") {
            return Ok(WebhookKey::Name(name.to_owned()));
        }
        match text.strip_prefix("id:") {
            Some(id) => id
                .parse::<i32>()
                .ok()
                .filter(|id| *id > 0)
                .map(WebhookKey::Id)
                .ok_or_else(|| {
                    format!("{id:?} is not a webhook id (id:N, N a positive whole number)")
                }),
            None if text.is_empty() => Err("a webhook name is not empty".into()),
            None => Ok(WebhookKey::Name(text.to_owned())),
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub portal: PortalArgs,
    /// A webhook file that names the portal: its `portal:`, or, with `--portal NAME`, that
    /// portal of its `portals:` (whose `apiKey` variable then holds the key). Default: none,
    /// or webhooks.yaml when --portal is a NAME rather than a URL.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Write the config to FILE instead of stdout, atomically: a failed export leaves no file
    /// behind. An existing FILE is kept unless --force is given.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// With --out: replace FILE if it exists (it is typically the reviewed config); a symbolic
    /// link is refused all the same.
    #[arg(long, requires = "out")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved by `plan --out`.
    #[arg(value_name = "PLAN_FILE")]
    pub saved_plan: PathBuf,
    /// The reviewed webhooks file the plan was made from, which names every portal's URL and
    /// every variable `apply` reads (the plan is bound to it by its SHA-256).
    #[command(flatten)]
    pub file: FileArgs,
    /// How to show the plan, as `plan --format` does.
    #[arg(long, value_enum, default_value_t = Format::Text, overrides_with = "format")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct VerifySignatureArgs {
    /// The environment variable that holds the webhook's secret key; the secret itself is
    /// never an argument (command lines end up in shell history and process lists).
    #[arg(long, value_name = "VAR")]
    pub secret_env: String,
    /// The value of the delivery's `x-docspace-signature-256` header: `sha256=` (lower case, as
    /// the portal sends it) and 64 hex digits in either case.
    #[arg(long, value_name = "sha256=HEX")]
    pub signature: String,
    /// The body as it was received, byte for byte (a newline added when saving it changes the
    /// signature), at most 16 MiB. Default: stdin.
    #[arg(long, value_name = "PATH")]
    pub body_file: Option<PathBuf>,
}

/// A SHA-256 digest as 64 hex digits, kept lowercase.
fn sha256_hex(s: &str) -> Result<String, String> {
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err("expected a SHA-256 digest: 64 hexadecimal digits".into())
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write docspace-webhooks.1 and a page per command (docspace-webhooks-plan.1, ...) into
    /// DIR, an existing directory, instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}
