//! The file's problems for machines: one JSON document or GitHub workflow commands
//! (docs/plans.md, "Problems in the file"). Pure functions of the `Reported` problems, whose
//! words are the diagnostics' own (masked, see `config::Reported`): these reports hold nothing
//! a diagnostic would not show.

use std::fmt::Write;

use serde::Serialize;

use crate::config::Reported;
use crate::redact::mask_credentials;
use crate::redact::{is_unsafe, message, plain};

/// The version of `validate --format json`'s document (docs/plans.md, "Problems in the file").
const FORMAT_VERSION: u32 = 1;

/// How the file's problems are reported on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProblemFormat {
    /// The diagnostics on stderr only (`validate` also prints its verdict on stdout).
    Text,
    /// One JSON document on stdout.
    Json,
    /// One GitHub workflow command per problem on stdout (`::error file=...,line=...::...`).
    Github,
}

/// What a file that loaded holds, for `validate`'s verdict.
#[derive(Debug, Clone, Copy)]
pub enum Valid<'a> {
    /// A file with one portal (or none): its number of entries.
    Webhooks(usize),
    /// A file with `portals:`, in file order.
    Portals(&'a [PortalCount]),
}

/// One portal of a valid `portals:` file, serialized as the JSON report's `portals` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortalCount {
    pub name: String,
    /// As written in the file (credentials are masked when shown).
    #[serde(serialize_with = "masked")]
    pub url: String,
    /// How many webhooks it manages, shared and its own.
    pub webhooks: usize,
}

/// The report of the file in `format`: `problems` are every problem of a file with errors
/// (`valid` is `None`), or the warnings of a file that loaded, whose `valid` is `validate`'s
/// verdict: text says how many webhooks (each portal's, for a `portals:` file); JSON adds
/// `portals` for a `portals:` file.
pub fn render_problems(
    format: ProblemFormat,
    file: &str,
    valid: Option<Valid>,
    problems: &[Reported],
) -> String {
    match format {
        ProblemFormat::Text => match valid {
            Some(Valid::Webhooks(n)) => format!("{} is valid: {n} webhook(s).\n", message(file)),
            Some(Valid::Portals(portals)) => {
                let valid = format!("{} is valid: {} portal(s).\n", message(file), portals.len());
                portals.iter().fold(valid, |out, p| {
                    let (name, url) = (plain(&p.name), plain(&p.url));
                    out + &format!("  {name} ({url}): {} webhook(s)\n", p.webhooks)
                })
            }
            None => String::new(),
        },
        ProblemFormat::Json => problems_json(valid, problems),
        ProblemFormat::Github => problems_github(problems),
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    valid: bool,
    /// For a `portals:` file, the sum over its portals.
    webhooks: Option<usize>,
    /// Only for a valid `portals:` file: keys are only added within a format version, and a
    /// single-portal file's report stays as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    portals: Option<&'a [PortalCount]>,
    errors: usize,
    warnings: usize,
    problems: Vec<JsonProblem<'a>>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    help: Option<&'a str>,
}

fn masked<S: serde::Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&mask_credentials(text))
}

fn severity(p: &Reported) -> &'static str {
    if p.warning { "warning" } else { "error" }
}

fn problems_json(valid: Option<Valid>, problems: &[Reported]) -> String {
    let warnings = problems.iter().filter(|p| p.warning).count();
    let (webhooks, portals) = match valid {
        Some(Valid::Webhooks(n)) => (Some(n), None),
        Some(Valid::Portals(p)) => (Some(p.iter().map(|p| p.webhooks).sum()), Some(p)),
        None => (None, None),
    };
    let view = JsonReport {
        format_version: FORMAT_VERSION,
        valid: valid.is_some(),
        webhooks,
        portals,
        errors: problems.len() - warnings,
        warnings,
        problems: problems
            .iter()
            .map(|p| JsonProblem {
                file: &p.file,
                line: p.start.map(|(l, _)| l),
                column: p.start.map(|(_, c)| c),
                end_line: p.end.map(|(l, _)| l),
                end_column: p.end.map(|(_, c)| c),
                severity: severity(p),
                code: p.code,
                message: &p.message,
                help: p.help.as_deref(),
            })
            .collect(),
    };
    super::json::pretty(&view)
}

/// One `::error` or `::warning` command per problem. The help follows the message on a line of
/// its own, as in the diagnostic; GitHub shows the code as the annotation's title.
fn problems_github(problems: &[Reported]) -> String {
    let mut out = String::new();
    for p in problems {
        let place = match (p.start, p.end) {
            (Some((line, col)), Some((end_line, end_col))) => {
                format!(",line={line},col={col},endLine={end_line},endColumn={end_col}")
            }
            _ => String::new(),
        };
        let help = p.help.as_ref().map(|h| format!("\nhelp: {h}"));
        // GitHub's commands have no escape for a character that drives a terminal: it is
        // written as a terminal shows it (a file so named is none a workflow checks out).
        let file: String = (p.file.chars())
            .map(|c| {
                if is_unsafe(c) {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "::{} file={}{place},title={}::{}",
            severity(p),
            escape_property(&file),
            escape_property(p.code),
            escape_data(&(p.message.clone() + help.as_deref().unwrap_or_default()))
        );
    }
    out
}

/// GitHub's escaping of a command's message: what would end the line, and `%` itself.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value also escapes the `:` and `,` that separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(message: &str, help: Option<&str>, warning: bool) -> Reported {
        Reported {
            file: "conf/web,hooks:1.yaml".to_string(),
            start: Some((4, 16)),
            end: Some((4, 29)),
            code: "config::unknown_trigger",
            message: message.to_string(),
            help: help.map(str::to_string),
            warning,
        }
    }

    #[test]
    fn github_escapes_data_and_properties() {
        let problems = [
            problem("100% wrong\r\nline, two: x", Some("use `a`"), false),
            problem("look-alike", None, true),
        ];
        insta::assert_snapshot!(
            render_problems(ProblemFormat::Github, "x", None, &problems),
            @r"
        ::error file=conf/web%2Chooks%3A1.yaml,line=4,col=16,endLine=4,endColumn=29,title=config%3A%3Aunknown_trigger::100%25 wrong%0D%0Aline, two: x%0Ahelp: use `a`
        ::warning file=conf/web%2Chooks%3A1.yaml,line=4,col=16,endLine=4,endColumn=29,title=config%3A%3Aunknown_trigger::look-alike
        "
        );
    }

    #[test]
    fn a_problem_without_a_place_names_only_the_file() {
        let p = Reported {
            start: None,
            end: None,
            ..problem("cannot read", None, false)
        };
        assert_eq!(
            render_problems(ProblemFormat::Github, "x", None, &[p]),
            "::error file=conf/web%2Chooks%3A1.yaml,title=config%3A%3Aunknown_trigger::cannot read\n"
        );
    }

    #[test]
    fn json_counts_errors_and_warnings() {
        let problems = [
            problem("bad\u{1b}[31m", Some("fix it"), false),
            problem("look", None, true),
        ];
        insta::assert_snapshot!(render_problems(ProblemFormat::Json, "x", None, &problems));
    }
}
