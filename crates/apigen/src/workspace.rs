//! Whether a generated crate's directory lands inside a Cargo workspace that does not know
//! it, which makes every `cargo` command on the crate fail with "current package believes
//! it's in a workspace when it's not".
//!
//! Cargo's rule, followed here: walking up from the crate's directory, the first
//! `Cargo.toml` with a `[workspace]` table whose `exclude` does not cover the crate is its
//! workspace root (an excluded crate keeps looking further up). The crate must then be a
//! member: matched by a `members` glob, or a `path` dependency of a member.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// A workspace that would claim the crate at `crate_dir` without listing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlisted {
    /// The workspace's `Cargo.toml`.
    pub manifest: PathBuf,
    /// The crate's directory relative to the workspace root, with `/` separators.
    pub relative: String,
    /// Whether the `[workspace]` table already has an `exclude` array.
    pub has_exclude: bool,
}

impl Unlisted {
    /// The warning's text: what goes wrong and the line that fixes it.
    pub fn message(&self, crate_dir: &Path) -> (String, String) {
        let message = format!(
            "{} lies inside the Cargo workspace of {}, which neither lists nor excludes it: `cargo` commands on the generated crate will fail (\"current package believes it's in a workspace when it's not\")",
            crate_dir.display(),
            self.manifest.display()
        );
        let quoted = toml_string(&self.relative);
        let help = if self.has_exclude {
            format!(
                "add {quoted} to the `exclude` array under `[workspace]` in {} (or to `members`, to make the crate part of that workspace)",
                self.manifest.display()
            )
        } else {
            format!(
                "add the line `exclude = [{quoted}]` under `[workspace]` in {} (or add {quoted} to `members`, to make the crate part of that workspace)",
                self.manifest.display()
            )
        };
        (message, help)
    }
}

/// The workspace that would claim a crate generated into `crate_dir` without listing it,
/// if there is one. Unreadable or unparseable manifests are skipped (Cargo would say more).
pub fn unlisted(crate_dir: &Path) -> Option<Unlisted> {
    let crate_dir = absolute(crate_dir)?;
    for root in crate_dir.ancestors().skip(1) {
        let manifest = root.join("Cargo.toml");
        let Some(table) = read_manifest(&manifest) else {
            continue;
        };
        let Some(workspace) = table.get("workspace").and_then(toml::Value::as_table) else {
            continue;
        };
        let relative = crate_dir.strip_prefix(root).ok()?;
        let members = strings(workspace.get("members"));
        let excludes = strings(workspace.get("exclude"));
        let listed = members.iter().any(|m| glob_matches(m, relative));
        let excluded = excludes
            .iter()
            .any(|e| relative.starts_with(e.trim_start_matches("./")));
        if excluded && !listed {
            // Cargo goes on looking for a workspace further up.
            continue;
        }
        if listed || is_path_dependency_of_a_member(root, &members, &crate_dir) {
            return None;
        }
        return Some(Unlisted {
            manifest,
            relative: slashed(relative),
            has_exclude: workspace.contains_key("exclude"),
        });
    }
    None
}

fn read_manifest(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path).ok()?.parse().ok()
}

fn strings(value: Option<&toml::Value>) -> Vec<String> {
    value
        .and_then(toml::Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `path` made absolute and free of `.` and `..`, without requiring it to exist: the
/// nearest existing ancestor is canonicalised (resolving symlinks, as Cargo sees it) and
/// the rest appended.
fn absolute(path: &Path) -> Option<PathBuf> {
    let path = std::path::absolute(path).ok()?;
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut existing = normal.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            out.extend(rest.iter().rev());
            return Some(out);
        }
        rest.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
    }
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether the workspace glob `pattern` (relative to the root; `*`, `?`, `[...]` within
/// one path segment, `**` for any number of segments) matches `path`.
fn glob_matches(pattern: &str, path: &Path) -> bool {
    let pattern: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let path: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    segments_match(&pattern, &path)
}

fn segments_match(pattern: &[&str], path: &[String]) -> bool {
    match (pattern.split_first(), path.split_first()) {
        (None, None) => true,
        (Some((&"**", rest)), _) => {
            (0..=path.len()).any(|skip| segments_match(rest, &path[skip..]))
        }
        (Some((p, prest)), Some((s, srest))) => {
            segment_matches(p.as_bytes(), s.as_bytes()) && segments_match(prest, srest)
        }
        _ => false,
    }
}

fn segment_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| segment_matches(rest, &text[skip..])),
        Some((b'?', rest)) => !text.is_empty() && segment_matches(rest, &text[1..]),
        Some((b'[', rest)) => {
            let Some(end) = rest.iter().skip(1).position(|&b| b == b']').map(|i| i + 1) else {
                return text.first() == Some(&b'[') && segment_matches(rest, &text[1..]);
            };
            let Some((&c, text_rest)) = text.split_first() else {
                return false;
            };
            let (negated, class) = match &rest[..end] {
                [b'!', class @ ..] => (true, class),
                class => (false, class),
            };
            let mut found = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    found |= (class[i]..=class[i + 2]).contains(&c);
                    i += 3;
                } else {
                    found |= class[i] == c;
                    i += 1;
                }
            }
            found != negated && segment_matches(&rest[end + 1..], text_rest)
        }
        Some((&p, rest)) => text.first() == Some(&p) && segment_matches(rest, &text[1..]),
    }
}

/// Whether `crate_dir` is a `path` dependency (of any kind, for any target) of a member of
/// the workspace at `root`, or of such a dependency (Cargo makes those members too).
fn is_path_dependency_of_a_member(root: &Path, members: &[String], crate_dir: &Path) -> bool {
    let mut queue: Vec<PathBuf> = members
        .iter()
        .flat_map(|m| expand(root, m))
        .chain(std::iter::once(root.to_path_buf()))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(dir) = queue.pop() {
        if seen.len() > 1000 || !seen.insert(dir.clone()) {
            continue;
        }
        let Some(manifest) = read_manifest(&dir.join("Cargo.toml")) else {
            continue;
        };
        for dependency in path_dependencies(&manifest) {
            let Some(dependency) = absolute(&dir.join(dependency)) else {
                continue;
            };
            if dependency == crate_dir {
                return true;
            }
            if dependency.starts_with(root) {
                queue.push(dependency);
            }
        }
    }
    false
}

/// The directories a `members` glob names under `root`.
fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    for segment in pattern.split('/').filter(|s| !s.is_empty() && *s != ".") {
        let wild = segment.contains(['*', '?', '[']);
        let mut next = Vec::new();
        for dir in dirs {
            if segment == "**" {
                // Any depth: this directory and every directory below it (bounded).
                let mut stack = vec![dir];
                while let Some(d) = stack.pop() {
                    if next.len() > 1000 {
                        break;
                    }
                    stack.extend(subdirectories(&d));
                    next.push(d);
                }
            } else if wild {
                next.extend(subdirectories(&dir).into_iter().filter(|d| {
                    d.file_name().is_some_and(|n| {
                        segment_matches(segment.as_bytes(), n.to_string_lossy().as_bytes())
                    })
                }));
            } else if segment == ".." {
                next.extend(dir.parent().map(Path::to_path_buf));
            } else {
                next.push(dir.join(segment));
            }
        }
        dirs = next;
    }
    dirs.into_iter().filter_map(|d| absolute(&d)).collect()
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// The `path` of every dependency in a manifest: `[dependencies]`, `[dev-dependencies]`,
/// `[build-dependencies]`, the same under `[target.'...']`, and `[workspace.dependencies]`.
fn path_dependencies(manifest: &toml::Table) -> Vec<String> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut tables: Vec<&toml::Table> = KINDS
        .iter()
        .filter_map(|k| manifest.get(*k)?.as_table())
        .collect();
    if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
        for target in targets.values().filter_map(toml::Value::as_table) {
            tables.extend(KINDS.iter().filter_map(|k| target.get(*k)?.as_table()));
        }
    }
    tables
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(|d| d.get("path")?.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_cargo_expands_members() {
        let m = |pattern: &str, path: &str| glob_matches(pattern, Path::new(path));
        assert!(m("out/widgets", "out/widgets"));
        assert!(m("out/*", "out/widgets"));
        assert!(m("./out/*", "out/widgets"));
        assert!(m("o?t/w*s", "out/widgets"));
        assert!(m("out/[vw]idgets", "out/widgets"));
        assert!(m("out/[!x]idgets", "out/widgets"));
        assert!(m("out/[a-z]idgets", "out/widgets"));
        assert!(m("**/widgets", "out/gen/widgets"));
        assert!(m("**", "out/widgets"));
        assert!(!m("out/*", "out/gen/widgets"));
        assert!(!m("out", "out/widgets"));
        assert!(!m("crates/*", "out/widgets"));
        assert!(!m("out/[!w]idgets", "out/widgets"));
    }

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn finds_the_workspace_that_does_not_list_the_crate() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("real path");
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\"]\n",
        );
        let found = unlisted(&root.join("out/widgets")).expect("unlisted");
        assert_eq!(found.manifest, root.join("Cargo.toml"));
        assert_eq!(found.relative, "out/widgets");
        let (_, help) = found.message(Path::new("out/widgets"));
        assert!(
            help.contains("`exclude = [\"out/widgets\"]` under `[workspace]`"),
            "{help}"
        );
        // `..` and `.` are resolved as Cargo resolves them.
        let roundabout = root.join("crates/../out/./widgets");
        assert_eq!(
            unlisted(&roundabout).map(|u| u.relative).as_deref(),
            Some("out/widgets")
        );
    }

    #[test]
    fn a_listed_or_excluded_crate_is_fine() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        for manifest in [
            "[workspace]\nmembers = [\"out/*\"]\n",
            "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"out\"]\n",
            "[workspace]\nexclude = [\"out/widgets\"]\n",
            "[package]\nname = \"x\"\n",
        ] {
            write(&root.join("Cargo.toml"), manifest);
            assert_eq!(unlisted(&root.join("out/widgets")), None, "{manifest}");
        }
    }

    #[test]
    fn an_excluded_crate_is_claimed_by_a_workspace_further_up() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("real path");
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = []\nexclude = []\n",
        );
        write(
            &root.join("inner/Cargo.toml"),
            "[workspace]\nexclude = [\"out\"]\n",
        );
        let found = unlisted(&root.join("inner/out/widgets")).expect("unlisted");
        assert_eq!(found.manifest, root.join("Cargo.toml"));
        assert_eq!(found.relative, "inner/out/widgets");
        assert!(found.has_exclude);
        let (_, help) = found.message(Path::new("inner/out/widgets"));
        assert!(
            help.starts_with("add \"inner/out/widgets\" to the `exclude` array"),
            "{help}"
        );
    }

    #[test]
    fn a_path_dependency_of_a_member_is_a_member() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"examples/*\"]\n",
        );
        write(
            &root.join("examples/app/Cargo.toml"),
            "[package]\nname = \"app\"\n[target.'cfg(unix)'.dependencies]\napi = { path = \"../../gen/api\" }\n",
        );
        assert_eq!(unlisted(&root.join("gen/api")), None);
        assert!(unlisted(&root.join("gen/other")).is_some());
    }
}
