//! Diagnostics: every problem found in a spec carries the JSON pointer of the offending location
//! (and a line and column where the parser knows them), a message, and what to do about it.
//!
//! Problems are collected, not raised one by one: a run reports every error it found at once, like
//! a compiler. Constructs that are accepted with a downgrade (an untyped JSON fallback, an invalid
//! construct repaired) are [`Severity::Warning`]s and never stop generation.

use std::fmt;
use std::path::PathBuf;

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Generation went on; the output may be less precise than the spec intended.
    Warning,
    /// The spec cannot be turned into a client until this is fixed.
    Error,
}

/// One located problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// JSON pointer of the offending location, e.g. `#/paths/~1pets/get/responses/200`.
    pub pointer: String,
    /// Line and column (1-based) where the parser reported them.
    pub line_col: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
    /// What to do about it, when there is something specific to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            pointer: pointer.into(),
            line_col: None,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(pointer, message)
        }
    }

    /// Adds advice on how to fix the problem.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds the line and column the parser reported.
    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line_col = Some((line, column));
        self
    }

    /// Whether this is an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{kind}: {}", self.message)?;
        write!(f, "\n  --> {}", self.pointer)?;
        if let Some((line, column)) = self.line_col {
            write!(f, " (line {line}, column {column})")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Everything that can make generation fail.
///
/// `Debug` prints the same human-readable text as `Display`, so a build script or a `main` that
/// returns this error shows the located diagnostics rather than a struct dump.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec file could not be read.
    #[error("cannot read spec {path}: {source}")]
    Read {
        /// The file that was read.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The spec has problems that prevent generation; every one found is listed.
    #[error("{}", render_invalid(.diagnostics))]
    InvalidSpec {
        /// Every error (and the warnings found alongside them).
        diagnostics: Vec<Diagnostic>,
    },
    /// Writing the output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file or folder that was written.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An output file exists but was not written by the generator; it is never overwritten.
    #[error(
        "{path} exists and was not generated (it has no `@generated` marker); move it away or choose another output folder"
    )]
    NotGenerated {
        /// The file that would have been overwritten.
        path: PathBuf,
    },
    /// The generator produced Rust that does not parse (or, in debug builds, text that is not
    /// laid out as the formatter lays it out). This is a bug in the generator.
    #[error(
        "generated code for {file} is not valid ({message}); this is a generator bug, please report it with the spec"
    )]
    InvalidOutput {
        /// The output file.
        file: String,
        /// The parser's message.
        message: String,
    },
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn render_invalid(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    out.push_str(&format!(
        "the spec has {errors} error{}",
        if errors == 1 { "" } else { "s" }
    ));
    out
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_escaped(&mut out, token);
    out
}

/// Decodes one reference token of a JSON pointer (`~1` → `/`, then `~0` → `~`, RFC 6901), in one
/// pass and without copying a token that has no escapes.
pub fn unescape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if !token.contains('~') {
        return std::borrow::Cow::Borrowed(token);
    }
    let mut out = String::with_capacity(token.len());
    let mut rest = token;
    while let Some(at) = rest.find('~') {
        out.push_str(&rest[..at]);
        let (decoded, skip) = match rest.as_bytes().get(at + 1) {
            Some(b'1') => ('/', 2),
            Some(b'0') => ('~', 2),
            _ => ('~', 1),
        };
        out.push(decoded);
        rest = &rest[at + skip..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Appends `token` to `out`, escaped as a JSON pointer token.
fn push_escaped(out: &mut String, token: &str) {
    if memchr::memchr2(b'~', b'/', token.as_bytes()).is_none() {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Appends a token to a JSON pointer.
pub fn push_pointer(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1 + token.len() + 4);
    out.push_str(pointer);
    out.push('/');
    push_escaped(&mut out, token);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pass decodes every token as RFC 6901's two replacements in order do (`~01` is `~1`,
    /// not `/`), and escaping then decoding gives the token back: every string of up to six
    /// characters over `~`, `0`, `1`, `/` and `a`.
    #[test]
    fn pointer_tokens_decode_as_the_two_replacements_do() {
        let alphabet = ['~', '0', '1', '/', 'a'];
        let mut tokens = vec![String::new()];
        for _ in 0..6 {
            let longer: Vec<String> = tokens
                .iter()
                .filter(|t| t.len() == tokens.last().map_or(0, String::len))
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            tokens.extend(longer);
        }
        assert_eq!(tokens.len(), (0..=6).map(|n| 5usize.pow(n)).sum::<usize>());
        for token in &tokens {
            let expected = token.replace("~1", "/").replace("~0", "~");
            assert_eq!(unescape_pointer_token(token), expected, "{token:?}");
            assert_eq!(unescape_pointer_token(&escape_pointer_token(token)), *token);
        }
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(push_pointer("#/paths", "/a~b/{id}"), "#/paths/~1a~0b~1{id}");
        assert_eq!(push_pointer("#/paths", "~1"), "#/paths/~01");
        assert_eq!(
            push_pointer("#/components/schemas", "Pet"),
            "#/components/schemas/Pet"
        );
        assert_eq!(escape_pointer_token("a/b~c"), "a~1b~0c");
    }

    #[test]
    fn display_names_location_and_help() {
        let d = Diagnostic::error("#/paths/~1x/get", "no responses")
            .at(3, 5)
            .help("declare at least one response");
        assert_eq!(
            d.to_string(),
            "error: no responses\n  --> #/paths/~1x/get (line 3, column 5)\n  = help: declare at least one response"
        );
    }
}
