//! Releasing a new version of a generated crate when the spec changes.
//!
//! A crate generated with [`Generator::record_spec`] keeps a copy of the spec it came from
//! (`openapi.yaml`, or `openapi.json` for a JSON spec) next to its `Cargo.toml`. [`release`]
//! lowers that copy and the new spec, [diffs](crate::diff) them, regenerates the crate with the
//! version bumped by the diff's verdict (cargo's semver: before 1.0 a breaking change bumps the
//! minor version), records the new spec, and prepends an entry listing the changes to the
//! crate's `CHANGELOG.md`. With no API change it bumps nothing and writes no entry, unless the
//! regenerated sources differ anyway (a newer generator or runtime), which is a patch release.
//!
//! The recorded copy carries the `@generated` marker, so [`write_crate`] may overwrite it and
//! [`check_crate`](crate::check_crate) checks it, and it stays a valid spec: YAML gets a comment
//! line on top; JSON, which has no comments, gets an `x-generated` key first and is
//! pretty-printed (same document, same key order).

use crate::diff::{self, ApiDiff, Bump, Impact, Version};
use crate::error::{Error, Result};
use crate::{Generator, WriteReport, has_marker, write_crate};
use std::path::{Path, PathBuf};

/// The recorded copy of a YAML spec, in the crate folder.
pub const RECORDED_YAML: &str = "openapi.yaml";
/// The recorded copy of a JSON spec, in the crate folder.
pub const RECORDED_JSON: &str = "openapi.json";

/// The copy of the spec a crate records: `(file name, contents)`.
pub(crate) fn record(label: &str, bytes: &[u8]) -> Result<(String, String)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    let note = format!(
        "{} by planasonix-codegen: a copy of {label}, the spec this crate was generated from. Do not edit by hand; `planasonix-codegen release` compares the next spec with it.",
        crate::MARKER
    );
    if matches!(text.trim_start().chars().next(), Some('{')) {
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::InvalidSpec {
                diagnostics: vec![crate::Diagnostic::error("#", format!("invalid JSON: {e}"))],
            })?;
        let mut map = serde_json::Map::new();
        map.insert("x-generated".to_string(), serde_json::Value::String(note));
        if let serde_json::Value::Object(rest) = value {
            map.extend(rest.into_iter().filter(|(k, _)| k != "x-generated"));
        }
        let mut json = serde_json::to_string_pretty(&serde_json::Value::Object(map))
            .unwrap_or_else(|_| "{}".to_string());
        json.push('\n');
        return Ok((RECORDED_JSON.to_string(), json));
    }
    let mut yaml = format!("# {note}\n");
    yaml.push_str(&text);
    if !yaml.ends_with('\n') {
        yaml.push('\n');
    }
    Ok((RECORDED_YAML.to_string(), yaml))
}

/// The spec recorded in the crate at `out`, if it has one.
pub fn recorded_spec(out: &Path) -> Option<PathBuf> {
    [RECORDED_YAML, RECORDED_JSON]
        .iter()
        .map(|name| out.join(name))
        .find(|path| std::fs::read_to_string(path).is_ok_and(|t| has_marker(&t)))
}

/// What [`release`] did.
#[derive(Debug, Clone)]
pub struct Release {
    /// The crate's name.
    pub crate_name: String,
    /// The version before the release.
    pub previous: Version,
    /// The version after it (equal to `previous` when nothing changed).
    pub version: Version,
    /// The bump applied.
    pub bump: Bump,
    /// The changes between the recorded spec and the new one.
    pub diff: ApiDiff,
    /// The CHANGELOG entry written, if any.
    pub changelog_entry: Option<String>,
    /// The files written.
    pub written: WriteReport,
    /// Warnings from generating the new spec.
    pub warnings: Vec<crate::Diagnostic>,
}

/// Regenerates the crate at `out` from `spec`, bumps its version by what changed since the spec
/// it records, and prepends an entry to its `CHANGELOG.md` (see the [module docs](self)).
///
/// The crate must have been generated before, with its spec recorded (the CLI's `generate` does
/// that). Its name is kept. The recorded copy, the file headers and the changelog name the spec
/// by `spec` as given, so pass the path the way `generate` was given it.
pub fn release(spec: &Path, out: &Path) -> Result<Release> {
    let manifest = out.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|source| Error::Read {
        path: manifest.clone(),
        source: if source.kind() == std::io::ErrorKind::NotFound {
            invalid(format!(
                "there is no generated crate in {} to release; create it with `planasonix-codegen generate --spec {} --out {}`",
                out.display(),
                spec.display(),
                out.display()
            ))
        } else {
            source
        },
    })?;
    if !has_marker(&text) {
        return Err(Error::NotGenerated { path: manifest });
    }
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|rest| rest.trim_start().strip_prefix('='))
            .map(|v| v.trim().trim_matches('"').to_string())
    };
    let crate_name = field("name").unwrap_or_default();
    let previous: Version = field("version")
        .unwrap_or_default()
        .parse()
        .map_err(|e: String| Error::Read {
            path: manifest.clone(),
            source: invalid(e),
        })?;
    let recorded = recorded_spec(out).ok_or_else(|| Error::Read {
        path: out.join(RECORDED_YAML),
        source: invalid(format!(
            "{} records no spec to compare with (it was generated without one); regenerate it once from the spec it was generated from, `planasonix-codegen generate --spec <that spec> --out {}`, then release",
            out.display(),
            out.display()
        )),
    })?;
    let old = Generator::new(&recorded).generate()?;
    let mut generator = Generator::new(spec);
    if !crate_name.is_empty() {
        generator.crate_name(&crate_name);
    }
    let mut new = generator.record_spec(true).generate()?;
    let diff = diff::diff(&old.api, &new.api);

    // With no API change, anything else that changed in the sources (a newer generator or
    // runtime) still needs a new version to be published: a patch.
    let mut bump = diff.bump(previous);
    let mut regenerated_only = false;
    if bump == Bump::None {
        let files = new.crate_files(out)?;
        let recorded_name = new.recorded_spec.as_ref().map(|(n, _)| n.clone());
        regenerated_only = crate::check_crate(&files, out)
            .iter()
            .any(|d| Some(drift_path(d)) != recorded_name.as_deref());
        if regenerated_only {
            bump = Bump::Patch;
        }
    }
    let version = previous.bumped(bump);
    new.version = Some(version.to_string());
    let files = new.crate_files(out)?;
    let written = write_crate(&files, out)?;
    // A spec that changed format leaves the other recorded copy behind.
    if let Some((name, _)) = &new.recorded_spec {
        for other in [RECORDED_YAML, RECORDED_JSON] {
            let path = out.join(other);
            if other != name && std::fs::read_to_string(&path).is_ok_and(|t| has_marker(&t)) {
                std::fs::remove_file(&path).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?;
            }
        }
    }
    let changelog_entry = (bump != Bump::None).then(|| {
        changelog_entry(
            version,
            previous,
            &new.api.version,
            &spec.display().to_string(),
            &diff,
            regenerated_only,
        )
    });
    if let Some(entry) = &changelog_entry {
        prepend_changelog(&out.join("CHANGELOG.md"), entry)?;
    }
    Ok(Release {
        crate_name: new.crate_name.clone(),
        previous,
        version,
        bump,
        diff,
        changelog_entry,
        written,
        warnings: new.warnings,
    })
}

fn drift_path(d: &crate::Drift) -> &str {
    match d {
        crate::Drift::Missing(p) | crate::Drift::Differs(p) | crate::Drift::Stale(p) => p,
    }
}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

/// One CHANGELOG entry: the version, where it came from, and the changes by impact.
pub fn changelog_entry(
    version: Version,
    previous: Version,
    api_version: &str,
    spec_label: &str,
    diff: &ApiDiff,
    regenerated_only: bool,
) -> String {
    let mut out = format!("## {version}\n\n");
    out.push_str(&format!(
        "Generated from `{spec_label}` (API version {api_version}); previous version {previous}."
    ));
    if diff.changes.is_empty() {
        if regenerated_only {
            out.push_str(" No API changes: regenerated with a newer generator or client runtime.");
        }
        out.push('\n');
        return out;
    }
    out.push_str(&format!(" {}.\n", diff.summary()));
    for (impact, heading) in [
        (Impact::Breaking, "Breaking changes"),
        (Impact::Additive, "Additions"),
        (Impact::Docs, "Documentation"),
    ] {
        let changes: Vec<_> = diff.changes.iter().filter(|c| c.impact == impact).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {heading}\n\n"));
        for c in changes {
            out.push_str(&format!("- {}: {}\n", c.location, c.message));
        }
    }
    out
}

const CHANGELOG_HEADER: &str = "# Changelog\n\nEvery release of this crate, newest first. `planasonix-codegen release` adds an entry\nwhenever the spec changes; entries may be edited by hand.\n";

/// Inserts `entry` before the newest entry (the first `## ` heading) of the changelog at `path`,
/// creating the file if needed.
fn prepend_changelog(path: &Path, entry: &str) -> Result<()> {
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => CHANGELOG_HEADER.to_string(),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let at = if existing.starts_with("## ") {
        Some(0)
    } else {
        existing.find("\n## ").map(|i| i + 1)
    };
    let text = match at {
        Some(i) => format!("{}{entry}\n{}", &existing[..i], &existing[i..]),
        None => {
            let mut text = existing.trim_end().to_string();
            text.push_str("\n\n");
            text.push_str(entry);
            text
        }
    };
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_is_recorded_with_a_comment() {
        let (name, text) = record("spec/x.yaml", b"\xEF\xBB\xBFopenapi: 3.0.3\n").unwrap();
        assert_eq!(name, RECORDED_YAML);
        assert!(has_marker(&text));
        assert!(text.ends_with("\nopenapi: 3.0.3\n"), "{text}");
    }

    #[test]
    fn json_is_recorded_with_a_key() {
        let (name, text) = record("x.json", br#"{"openapi": "3.1.0", "info": {}}"#).unwrap();
        assert_eq!(name, RECORDED_JSON);
        assert!(has_marker(&text));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["x-generated", "openapi", "info"]);
    }

    #[test]
    fn changelog_entries_go_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("CHANGELOG.md");
        prepend_changelog(&path, "## 0.1.1\n\nfirst\n").unwrap();
        prepend_changelog(&path, "## 0.2.0\n\nsecond\n").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# Changelog\n"), "{text}");
        let second = text.find("## 0.2.0").unwrap();
        let first = text.find("## 0.1.1").unwrap();
        assert!(second < first, "{text}");
    }
}
