//! The floor that `bench/compare.sh` measures apigen against: read one spec file and
//! deserialise it into `openapiv3::OpenAPI` (JSON with serde_json, anything else with
//! serde_yaml), then exit. No generator can be faster than this on the same input.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse-floor SPEC");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("parse-floor: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let parsed: Result<openapiv3::OpenAPI, String> = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str(&text).map_err(|e| e.to_string())
    };
    match parsed {
        Ok(spec) => {
            println!("{} paths", spec.paths.paths.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parse-floor: {path}: {e}");
            ExitCode::from(1)
        }
    }
}
