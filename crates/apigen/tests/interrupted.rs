//! `apigen generate` interrupted: killed (SIGKILL) at random moments while it generates and
//! writes a large crate, or failing to write (a file-size limit, as a full disk fails a
//! write). Each time the output directory is exactly the previous complete crate or the new
//! one, with the user's own file in it, and nothing else is left beside it once the next
//! run has finished.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A spec with `schemas` object schemas of 20 properties each, and a path per schema.
fn large_spec(version: &str, schemas: usize) -> String {
    let mut components = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    for i in 0..schemas {
        let properties: serde_json::Map<_, _> = (0..20)
            .map(|p| {
                let schema = match p % 4 {
                    0 => serde_json::json!({"type": "string", "maxLength": 40}),
                    1 => serde_json::json!({"type": "integer", "minimum": 0}),
                    2 => serde_json::json!({"type": "array", "items": {"type": "string"}}),
                    _ => serde_json::json!({"type": "number"}),
                };
                (format!("field_{p}_{version}"), schema)
            })
            .collect();
        components.insert(
            format!("Thing{i}"),
            serde_json::json!({"type": "object", "required": ["field_0_".to_string() + version], "properties": properties}),
        );
        paths.insert(
            format!("/things{i}/{{id}}"),
            serde_json::json!({"get": {
                "operationId": format!("getThing{i}"),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Thing{i}")}}}}}
            }}),
        );
    }
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Things", "version": version},
        "paths": paths,
        "components": {"schemas": components}
    })
    .to_string()
}

fn generate(spec: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apigen"));
    command
        .args(["generate", "--style", "plain", "--crate-name", "things"])
        .arg(spec)
        .arg("-o")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Every file under `dir` (relative path → contents).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read the output").flatten() {
            let path = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("inside").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read a file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Generates `spec` into `out` (which must succeed) and adds the user's file.
fn complete(spec: &Path, out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let output = generate(spec, out).output().expect("apigen runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(out.join("NOTES.md"), "the user's own file").expect("write NOTES.md");
    snapshot(out)
}

/// The names in `parent`, sorted.
fn entries(parent: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(parent)
        .expect("read the folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A small xorshift generator: delays differ between runs, and the seed is printed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn a_killed_generate_leaves_the_old_or_the_new_crate() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let specs = tmp.path().join("specs");
    std::fs::create_dir(&specs).expect("create specs/");
    let spec = [specs.join("v1.json"), specs.join("v2.json")];
    std::fs::write(&spec[0], large_spec("1", 100)).expect("write v1");
    std::fs::write(&spec[1], large_spec("2", 100)).expect("write v2");
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).expect("create work/");
    // The two complete crates, each generated once in a folder of its own.
    let expected = [
        complete(&spec[0], &tmp.path().join("v1")),
        complete(&spec[1], &tmp.path().join("v2")),
    ];
    assert_ne!(expected[0], expected[1]);
    let out = work.join("things");
    let started = Instant::now();
    assert_eq!(complete(&spec[0], &out), expected[0]);
    let one_run = started.elapsed();

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    println!("seed {seed}, one run {one_run:?}");
    let mut random = Random(seed);
    let mut current = 0;
    // Bounded in time; on a loaded machine runs are slower, so fewer fit.
    let deadline = Instant::now() + Duration::from_secs(40);
    let (mut kills, mut while_writing) = (0, 0);
    // How long a run takes, as the kills find it: a run that ended before its kill makes it
    // shorter, a kill a little longer, so that the kills keep landing near the end of a run
    // (where it writes) however the machine's load changes.
    let mut ms = one_run.as_millis() as u64;
    while kills < 20 && Instant::now() < deadline {
        let next = 1 - current;
        let mut child = generate(&spec[next], &out).spawn().expect("apigen starts");
        // Most of a run is loading and rendering; the delays lean to its end, where it writes.
        let delay = ms / 2 + random.below(ms * 3 / 4);
        std::thread::sleep(Duration::from_millis(delay));
        let killed = child.kill().is_ok();
        let status = child.wait().expect("apigen ends");
        let was_killed = killed && !status.success();
        kills += u32::from(was_killed);
        ms = if was_killed { ms * 21 / 20 } else { ms * 3 / 4 }.max(1);
        let mut found = snapshot(&out);
        // Killed between the swap and moving the user's files back: the crate is whole, and
        // the user's file waits beside it, in the old crate, for the next run to take back.
        if !found.contains_key(Path::new("NOTES.md")) {
            let beside = entries(&work)
                .into_iter()
                .filter(|name| name.starts_with(".things.apigen-"))
                .flat_map(|name| snapshot(&work.join(name)))
                .find(|(path, _)| path.file_name() == Some("NOTES.md".as_ref()));
            if let Some((_, notes)) = beside {
                found.insert(PathBuf::from("NOTES.md"), notes);
            }
        }
        if found == expected[next] {
            current = next;
        } else {
            assert!(
                found == expected[current],
                "after a kill at {delay} ms the output is neither the old nor the new crate \
                 (seed {seed}): {:?}",
                found.keys().collect::<Vec<_>>()
            );
        }
        // Beside it, at most the staging folder of the killed run, or the old crate it had
        // swapped out and not yet removed (the next run removes either).
        for name in entries(&work) {
            let staging = name.starts_with(".things.apigen-new-");
            let aside = name.starts_with(".things.apigen-old-");
            while_writing += usize::from(staging || aside);
            assert!(
                name == "things" || staging || aside,
                "{name} left beside the output (seed {seed})"
            );
        }
    }
    println!("{kills} runs killed, {while_writing} of them while writing");
    assert!(
        kills >= 4,
        "only {kills} runs were killed before they ended"
    );
    // A run to the end: the new crate, and nothing else left in the folder.
    let next = 1 - current;
    let output = generate(&spec[next], &out).output().expect("apigen runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(snapshot(&out), expected[next]);
    assert_eq!(entries(&work), vec!["things".to_string()]);
}

#[test]
fn a_failing_write_leaves_the_old_crate() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let spec = [tmp.path().join("v1.json"), tmp.path().join("v2.json")];
    std::fs::write(&spec[0], large_spec("1", 20)).expect("write v1");
    std::fs::write(&spec[1], large_spec("2", 20)).expect("write v2");
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).expect("create work/");
    let out = work.join("things");
    let old = complete(&spec[0], &out);
    let largest = old.values().map(Vec::len).max().unwrap_or(0) as u64;

    let mut command = generate(&spec[1], &out);
    // SAFETY: between fork and exec, only async-signal-safe calls: signal and setrlimit.
    unsafe {
        command.pre_exec(move || {
            // Writes past the limit fail with EFBIG (as a full disk fails them with ENOSPC)
            // rather than the process being killed by SIGXFSZ.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: largest / 2,
                rlim_max: largest / 2,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().expect("apigen runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the write did not fail: {stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(stderr.contains("too large"), "{stderr}");
    assert_eq!(snapshot(&out), old);
    assert_eq!(entries(&work), vec!["things".to_string()]);
}
