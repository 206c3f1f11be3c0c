//! The rules a single webhook value must follow, as pure functions of the value. The loader
//! (`checker`) turns a broken rule into a diagnostic at its line; a saved plan (`plan::saved`)
//! is held to the same rules before anything is sent, so a hand-edited plan cannot send what
//! no file could.

/// The server's limits (`[StringLength]` on the request DTO), counted in characters.
pub const MAX_NAME_CHARS: usize = 50;
pub const MAX_TARGET_CHARS: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Blank,
    TooLong { chars: usize },
}

pub fn check_name(name: &str) -> Result<(), NameProblem> {
    let chars = name.chars().count();
    if name.trim().is_empty() {
        Err(NameProblem::Blank)
    } else if chars > MAX_NAME_CHARS {
        Err(NameProblem::TooLong { chars })
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    Spaces,
    /// A tab or a line break inside: the URL parser drops it, so what it checked is not what
    /// would be sent.
    TabOrBreak,
    /// With the parser's reason.
    NotAbsolute(String),
    Scheme(reqwest::Url),
    NoHost,
    /// Not `scheme://host`: the parser reads `https:host`, `https:///host` and `https:\\host`
    /// as `https://host`, but the uri is sent as written.
    Slashes,
}

/// An absolute http(s) URL with a host, written as `scheme://host` without surrounding
/// spaces, tabs or line breaks: the parsed URL.
pub fn check_url(uri: &str) -> Result<reqwest::Url, UrlProblem> {
    if uri.trim() != uri {
        return Err(UrlProblem::Spaces);
    }
    if uri.contains(['\t', '\n', '\r']) {
        return Err(UrlProblem::TabOrBreak);
    }
    match reqwest::Url::parse(uri) {
        Err(e) => Err(UrlProblem::NotAbsolute(e.to_string())),
        Ok(url) if !matches!(url.scheme(), "http" | "https") => Err(UrlProblem::Scheme(url)),
        Ok(url) if url.host_str().is_none_or(str::is_empty) => Err(UrlProblem::NoHost),
        Ok(url) => {
            let rest = &uri[url.scheme().len() + 1..];
            match rest.strip_prefix("//") {
                Some(host) if !host.starts_with(['/', '\\']) => Ok(url),
                _ => Err(UrlProblem::Slashes),
            }
        }
    }
}

/// A `targetId` within the portal's limit; the error is its length in characters.
pub fn check_target_id(target: &str) -> Result<(), usize> {
    let chars = target.chars().count();
    if chars > MAX_TARGET_CHARS {
        Err(chars)
    } else {
        Ok(())
    }
}
