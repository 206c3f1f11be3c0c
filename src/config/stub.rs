// TEMPORARY: stand-ins until the config loader lands.
#![allow(unused)]
use super::*;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct Problem {
    pub message: String,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error("invalid")]
    Invalid {
        #[related]
        problems: Vec<Problem>,
    },
}
impl ConfigError {
    pub fn from_problems(problems: Vec<Problem>) -> ConfigError {
        ConfigError::Invalid { problems }
    }
}
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("secret")]
pub struct SecretError;

pub fn problem_at(
    _source: &Arc<NamedSource<String>>,
    _span: SourceSpan,
    _code: &'static str,
    message: String,
    _label: String,
    _help: Option<String>,
) -> Problem {
    Problem { message }
}
pub fn load(_path: &std::path::Path) -> Result<Config, ConfigError> {
    todo!()
}
impl DesiredWebhook {
    pub fn label(&self) -> String {
        todo!()
    }
    pub fn missing_for_create(&self) -> Vec<&'static str> {
        todo!()
    }
}
impl SecretRef {
    pub fn resolve(
        &self,
        _lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SecretString, SecretError> {
        todo!()
    }
    pub fn env_var(&self) -> Option<&str> {
        todo!()
    }
}
