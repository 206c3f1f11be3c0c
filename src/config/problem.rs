//! The config stage's diagnostics: one `Problem` per thing wrong, gathered into a `ConfigError`
//! so miette shows them all at once, and the same as data for the reports (`Reported`).
//!
//! Invariants: a `Problem` shows only the display copy of its `Source` (`display`), so not even
//! the context lines around a label show a secret; a file that did not parse and may hold one
//! is shown without a snippet. Messages are made from field names and static reasons, never a
//! secret's value; a report's words and position are the diagnostic's, in the display copy.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode, SourceSpan};

use super::display::Source;
use crate::redact::{escaped, guarded};

/// Files larger than this are refused before parsing: a webhook file is a few kilobytes, and
/// the limit keeps a wrong path (a log, a disk image) from being read into memory.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// miette pads a label to its column with a width argument, which panics beyond `u16::MAX`
/// (a wide character or a tab takes a few columns), and shows each line of a snippet whole: a
/// problem on or next to a longer line (a file written on one line) is shown without the
/// snippet, with its place in the help, or each would print the line again.
const MAX_SNIPPET_COLUMN: usize = 8 * 1024;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ConfigError {
    #[error("cannot read the webhook file {}", escaped(&path.display().to_string()))]
    #[diagnostic(code(config::io))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
        /// For a file that does not exist: how to name another or start this one.
        #[help]
        help: Option<String>,
    },

    // `name` as given, for reports a program reads (`reported`); escaped where it is shown.
    #[error(
        "cannot read the webhook file {}: it is {kind}, not a regular file",
        escaped(name)
    )]
    #[diagnostic(
        code(config::not_a_file),
        help("give the path of the webhook file itself, e.g. `-f webhooks.yaml`")
    )]
    NotRegular { name: String, kind: &'static str },

    #[error(
        "{} is {size} bytes, more than the {MAX_FILE_BYTES} a webhook file may have",
        escaped(name)
    )]
    #[diagnostic(
        code(config::too_large),
        help("check that this is the right file; a webhook file is usually a few kilobytes")
    )]
    TooLarge { name: String, size: u64 },

    #[error("the webhook file has {count} {}", if *count == 1 { "problem" } else { "problems" })]
    #[diagnostic(code(config::invalid))]
    Invalid {
        count: usize,
        #[related]
        problems: Vec<Problem>,
    },
}

impl ConfigError {
    /// A missing file is usually the default `webhooks.yaml` of someone who has not written it
    /// yet: say how to name another and how to start one from what the portal has.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        let help = (source.kind() == std::io::ErrorKind::NotFound).then(|| {
            format!(
                "pass the file with `-f PATH`, or start one from the webhooks the portal has: \
                 `docspace-webhooks export > {}`",
                escaped(&shell_word(&path.display().to_string()))
            )
        });
        ConfigError::Io {
            path: path.to_path_buf(),
            source,
            help,
        }
    }

    pub fn from_problems(problems: Vec<Problem>) -> Self {
        ConfigError::Invalid {
            count: problems.len(),
            problems,
        }
    }

    /// Registers with `redact` each secret the file writes and the value of each `${VAR}` it
    /// names, as `Document::register_secrets` does for a file that loads: a name, key or value
    /// that holds one is shown in the problems, and the text they quote from the file (their
    /// snippets are made when shown, after this).
    pub fn register_secrets(&self, lookup: &dyn Fn(&str) -> Result<String, std::env::VarError>) {
        let ConfigError::Invalid { problems, .. } = self else {
            return;
        };
        let Some(text) = problems.first().map(|p| p.source_code.text()) else {
            return;
        };
        // A message may quote a name that holds one written in the file (a hint naming a
        // portal), where the snippets blank it.
        let source = format!("a secret written in {}", problems[0].source_code.name());
        for secret in super::display::written_secrets(text) {
            crate::redact::register(&secret, &source);
        }
        for (at, _) in text.match_indices("${") {
            let reference = text[at..].find('}').map(|end| &text[at..=at + end]);
            let Some(var) = reference.and_then(super::parse_env_ref) else {
                continue;
            };
            let Ok(value) = lookup(var) else { continue };
            // Registered as the key it is written under says (`uri: ${VAR}`), any other as a
            // secretKey's.
            let line = &text[text[..at].rfind(['\n', '{', ',']).map_or(0, |i| i + 1)..at];
            let key = (line.trim_end_matches(|c: char| c.is_whitespace() || "\"'".contains(c)))
                .strip_suffix(':');
            match key.map(|k| k.trim().trim_matches(['"', '\''])) {
                Some(k) if k == crate::field::Field::Uri.key() => {
                    crate::redact::register_uri(&value, var);
                }
                Some(super::schema::API_KEY) => crate::redact::register_key(&value, var, true),
                // Also as a uri where the key is not on its line (a block scalar's value): the
                // run has failed, so hiding a spelling too many costs nothing.
                written => {
                    let source = format!("the secretKey from environment variable {var}");
                    crate::redact::register(&value, &source);
                    if written.is_none() {
                        crate::redact::register_uri(&value, var);
                    }
                }
            }
        }
    }

    pub fn reported(&self) -> Vec<Reported> {
        let (file, code) = match self {
            ConfigError::Invalid { problems, .. } => {
                return problems.iter().map(Problem::reported).collect();
            }
            ConfigError::Io { path, .. } => (path.display().to_string(), "config::io"),
            ConfigError::TooLarge { name, .. } => (name.clone(), "config::too_large"),
            ConfigError::NotRegular { name, .. } => (name.clone(), "config::not_a_file"),
        };
        // The message followed by its cause, as the diagnostic shows them one under the other.
        let message = match std::error::Error::source(self) {
            Some(cause) => format!("{self}: {cause}"),
            None => self.to_string(),
        };
        // Each names the path, whose secrets stdout hides as stderr does (`redact::path`).
        let hidden = |text: &str| guarded(text).into_owned();
        vec![Reported {
            file: hidden(&file),
            start: None,
            end: None,
            code,
            message: hidden(&message),
            help: self.help().map(|h| hidden(&h.to_string())),
            warning: false,
        }]
    }
}

/// `path` as one shell word, quoted only when it needs to be, so a command can be pasted; one
/// that starts with `-` gets `./` before it, as it would read as an option. A control character
/// (a line break in a file name), an invisible one or a combining mark is written as escaped
/// bytes inside `$'...'` (bash, zsh), since no other quoting can show it on one line as it is.
pub fn shell_word(path: &str) -> String {
    let word = match path.strip_prefix('-') {
        Some(_) => format!("./{path}"),
        None => path.to_string(),
    };
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-/+,:@%".contains(c);
    // What a shown message escapes (`redact::message`: a control or invisible character, a
    // bidi override, a combining mark) goes in as its bytes, so the line shows the word as
    // bash reads it: escaped there, `'cafe\u{301}'` would name no file.
    let odd = |c: char| {
        crate::redact::is_unsafe(c)
            || c.is_control()
            || (!matches!(c, '\'' | '"' | '\\') && c.escape_debug().nth(1).is_some())
    };
    if !word.is_empty() && word.chars().all(plain) {
        word
    } else if word.chars().any(odd) {
        let mut escaped = String::new();
        for c in word.chars() {
            match c {
                '\\' | '\'' => escaped.extend(['\\', c]),
                // `\x` bytes, not `\u`: macOS's bash 3.2 knows no `\u`.
                c if odd(c) => {
                    let mut bytes = [0; 4];
                    for b in c.encode_utf8(&mut bytes).bytes() {
                        escaped.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => escaped.push(c),
            }
        }
        format!("$'{escaped}'")
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// One thing wrong (or, from `Document::warnings`, worth a second look) in the file.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    source_code: Arc<Source>,
    code: &'static str,
    message: String,
    /// Where the problem is, then what it involves elsewhere.
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    severity: Severity,
    snippet: bool,
}

/// Public so the planner's matching errors look and render like the loader's own.
pub fn problem_at(
    source: &Arc<Source>,
    span: SourceSpan,
    code: &'static str,
    message: String,
    label: String,
    help: Option<String>,
) -> Problem {
    Problem {
        source_code: Arc::clone(source),
        code,
        message,
        labels: vec![LabeledSpan::new_primary_with_span(Some(label), span)],
        help,
        severity: Severity::Error,
        snippet: true,
    }
}

impl Problem {
    pub fn with_label(mut self, span: SourceSpan, label: String) -> Self {
        self.labels
            .push(LabeledSpan::new_with_span(Some(label), span));
        self
    }

    /// False for a file that did not parse and may hold a secret, whose values cannot be
    /// located to mask them: the message should say where.
    pub(crate) fn with_snippet(mut self, snippet: bool) -> Self {
        self.snippet = snippet;
        self
    }

    pub(crate) fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn code_str(&self) -> &'static str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn span(&self) -> SourceSpan {
        *self.labels[0].inner()
    }

    pub fn line(&self) -> usize {
        self.source_code.line_column(self.span().offset()).0
    }

    pub(super) fn source(&self) -> &NamedSource<String> {
        self.source_code.display()
    }

    /// Whether the lines of every label's snippet are short enough for miette to draw.
    fn drawable(&self) -> bool {
        (self.labels.iter()).all(|l| self.source_code.widest_line(*l.inner()) <= MAX_SNIPPET_COLUMN)
    }

    fn snippet(&self) -> bool {
        self.snippet && self.drawable()
    }

    /// Lines and columns are counted in the file as read: the display copy spells a blanked or
    /// unsafe character in other bytes and characters.
    pub fn reported(&self) -> Reported {
        let (source, span) = (&self.source_code, self.span());
        Reported {
            // The path, whose secrets stdout hides as stderr does (`redact::path`).
            file: guarded(self.source_code.file()).into_owned(),
            start: Some(source.line_column(span.offset())),
            end: Some(source.line_column(span.offset() + span.len())),
            code: self.code_str(),
            // As stderr's guard hides them: a message may quote a name that holds one.
            message: guarded(self.message()).into_owned(),
            help: self.help.as_deref().map(|h| guarded(h).into_owned()),
            warning: self.severity == Severity::Warning,
        }
    }
}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.snippet && !self.drawable() {
            let (line, column) = self.source_code.line_column(self.span().offset());
            let at = format!("at {}:{line}:{column}", self.source().name());
            return Some(Box::new(match &self.help {
                Some(help) => format!("{help}\n{at} (the line is too long to show)"),
                None => format!("{at} (the line is too long to show)"),
            }));
        }
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet()
            .then(|| &*self.source_code as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = self.labels.iter().cloned();
        self.snippet()
            .then(|| Box::new(labels) as Box<dyn Iterator<Item = _>>)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub file: String,
    /// 1-based line and column (in characters); `None` for the file as a whole (unreadable).
    pub start: Option<(usize, usize)>,
    pub end: Option<(usize, usize)>,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub warning: bool,
}

/// Text from the file as a message quotes it: escaped, so it cannot drive the terminal, and cut
/// short, so a huge value does not flood it.
pub(super) fn shown(text: &str) -> String {
    const MAX: usize = 60;
    let mut out = escaped(text);
    if out.chars().count() > MAX {
        out = out.chars().take(MAX).collect::<String>() + "…";
    }
    out
}
