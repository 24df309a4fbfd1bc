//! YAML that every reader reads alike.
//!
//! apigen writes YAML (`apply`'s wire spec, `components`, `ir`) with serde_yaml, which
//! quotes a string only when a YAML 1.2 core-schema reader would take it for something
//! else. YAML 1.1 readers (PyYAML, and so openapi-generator's Python tooling, Ruby's Psych,
//! go-yaml v2, SnakeYAML) resolve more plain scalars: `2025-01-01` is a date, `yes`/`no`/
//! `on`/`off`/`y`/`n` are booleans, `1_000`, `017`, `0b11` and `1:20` are numbers. A spec
//! whose `info.version` is read as a date is no longer a valid OpenAPI document.
//!
//! [`to_string`] writes what serde_yaml writes, then single-quotes every plain scalar that a
//! YAML 1.1 or 1.2 reader could take for anything but a string ([`misread`]). Everything
//! else (layout, key order, the other quoting) stays as serde_yaml wrote it.

use serde::Serialize;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// Why a value could not be written as YAML.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// serde_yaml refused the value.
    #[error("{0}")]
    Serialize(#[from] serde_yaml::Error),
    /// The text serde_yaml wrote could not be read back (a bug in apigen or serde_yaml).
    #[error("the YAML written does not read back at line {line}: {message}")]
    Reread {
        /// The line (1-based).
        line: usize,
        /// What the reader said.
        message: String,
    },
}

/// `value` as YAML in which every string reads back as that string, with any YAML 1.1 or
/// 1.2 reader.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let text = serde_yaml::to_string(value)?;
    quote_misread_scalars(&text)
}

/// Single-quotes the plain scalars of `text` (a YAML document as serde_yaml writes it: one
/// plain scalar never spans lines) that stand for strings and that [`misread`] flags.
fn quote_misread_scalars(text: &str) -> Result<String, Error> {
    // Byte offset of the start of each line (the parser counts lines from 1 and columns, in
    // characters, from 0).
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut spans = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(|e| Error::Reread {
            line: e.marker().line(),
            message: e.info().to_string(),
        })?;
        match event {
            Event::StreamEnd => break,
            Event::Scalar(value, TScalarStyle::Plain, _, None)
                if misread(&value) && written_as_string(&value) =>
            {
                let line = line_starts
                    .get(mark.line().saturating_sub(1))
                    .and_then(|&start| {
                        let rest = text.get(start..)?;
                        let offset = rest.char_indices().nth(mark.col())?.0;
                        Some(start + offset)
                    })
                    .filter(|&start| text.get(start..).is_some_and(|t| t.starts_with(&value)));
                let Some(start) = line else {
                    return Err(Error::Reread {
                        line: mark.line(),
                        message: format!("the plain scalar `{value}` is not where the reader says"),
                    });
                };
                spans.push((start, value.len()));
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len() + spans.len() * 2);
    let mut at = 0;
    for (start, len) in spans {
        out.push_str(&text[at..start]);
        out.push('\'');
        out.push_str(&text[start..start + len].replace('\'', "''"));
        out.push('\'');
        at = start + len;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Whether serde_yaml wrote the plain scalar `value` for a string: it reads it back as one
/// (the numbers, booleans and nulls it writes plain are left alone).
fn written_as_string(value: &str) -> bool {
    matches!(
        serde_yaml::from_str::<serde_yaml::Value>(value),
        Ok(serde_yaml::Value::String(_))
    )
}

/// Whether some YAML 1.1 or 1.2 reader takes the plain (unquoted) scalar `s` for something
/// other than the string `s`: null, a boolean, a number in any notation, a date or
/// timestamp, or one of YAML 1.1's merge (`<<`) and value (`=`) keys.
///
/// It errs on the side of quoting: a string it flags that no reader misreads (`1,2`,
/// `2025-01-01 and after`) is merely quoted. Version strings such as `3.0.3` and `1.2.3`
/// are left plain: no reader takes a number with two dots for a number.
pub fn misread(s: &str) -> bool {
    s.is_empty() || is_null_or_bool(s) || s == "=" || s == "<<" || is_number(s) || is_timestamp(s)
}

/// YAML 1.2's null and booleans and YAML 1.1's (`y`, `yes`, `on`, …), in any case.
fn is_null_or_bool(s: &str) -> bool {
    const WORDS: [&str; 10] = [
        "~", "null", "true", "false", "y", "n", "yes", "no", "on", "off",
    ];
    WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
}

/// Integers and floats in every notation some reader accepts: decimal with `_` (or, for
/// Ruby's Psych, `,`) separators and leading zeros (YAML 1.1 octal `017`), `0x`/`0o`/`0b` prefixes, sexagesimal `1:20`
/// and `1:20.5`, exponents with or without a dot (`1e3`), `.5`, `1.`, `.inf`, `.nan` (and
/// `inf`, `infinity`, `nan`, which readers built on C's or Rust's float parsing accept),
/// each with an optional sign.
fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let word = body.strip_prefix('.').unwrap_or(body);
    if ["inf", "infinity", "nan"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
    {
        return true;
    }
    let bytes = body.as_bytes();
    if let [b'0', b'x' | b'X' | b'o' | b'O' | b'b' | b'B', rest @ ..] = bytes {
        return !rest.is_empty() && rest.iter().all(|b| b.is_ascii_hexdigit() || *b == b'_');
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = mantissa.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && mantissa.bytes().any(|b| b.is_ascii_digit())
        && mantissa.matches('.').count() <= 1
        && mantissa
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'_' | b',' | b'.' | b':'));
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    });
    mantissa_ok && exponent_ok
}

/// A YAML 1.1 timestamp: `YYYY-MM-DD` (month and day may have one digit), alone or followed
/// by a time (`T`, `t`, or blanks, then anything).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4) && b.get(4) == Some(&b'-')) {
        return false;
    }
    // The month and the day: one or two digits each.
    let mut at = 5;
    for part in 0..2 {
        let len = if digits(at..at + 2) {
            2
        } else if digits(at..at + 1) {
            1
        } else {
            return false;
        };
        at += len;
        if part == 0 {
            if b.get(at) != Some(&b'-') {
                return false;
            }
            at += 1;
        }
    }
    matches!(b.get(at), None | Some(b'T' | b't' | b' ' | b'\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_some_reader_takes_for_something_else() {
        let misread_ones = [
            // dates and timestamps (YAML 1.1)
            "2026-03-01",
            "2026-3-1",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-15T02:59:43.1Z",
            // booleans in any case (YAML 1.1 and 1.2)
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "N",
            "True",
            "FALSE",
            "yEs",
            // null
            "null",
            "Null",
            "NULL",
            "~",
            "",
            // integers: decimal, leading zeros (1.1 octal), 1.2 octal, hex, binary, `_`, signs
            "0",
            "017",
            "0o17",
            "0O17",
            "0x1F",
            "0X1f",
            "0b1010",
            "1_000",
            "+1",
            "-1",
            "+0x1F",
            // sexagesimal (1.1)
            "1:20",
            "190:20:30",
            "-1:20",
            "1:20.5",
            // floats: exponents, leading or trailing dot, special values
            "1e3",
            "1E3",
            "1e+3",
            "1.5e-3",
            "-.5",
            ".5",
            "5.",
            "+1.0",
            "1_000.5",
            "1,000",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            "inf",
            "-infinity",
            "NaN",
            // YAML 1.1 merge and value keys
            "<<",
            "=",
        ];
        for s in misread_ones {
            assert!(misread(s), "{s:?} should be quoted");
        }
        let plain_ones = [
            "widgets",
            "wdg_1",
            "Sprocket",
            "v1",
            "1a",
            "e3",
            "x1F",
            "0x",
            "0b",
            "1e",
            "1e+",
            "._",
            ".",
            "..",
            ":",
            "1 widget",
            "2026-03",
            "2026-03-01x",
            "12-01-2026",
            "yesterday",
            "online",
            "nil",
            "none",
            "None",
            "#/components/schemas/Widget",
            "application/json",
            "2XX",
            "-",
            "+",
            "a:b",
            "inflate",
            "nano",
            "3.0.3",
            "1.2.3",
            "127.0.0.1",
        ];
        for s in plain_ones {
            assert!(!misread(s), "{s:?} needs no quotes");
        }
    }

    /// Every tricky string survives a round trip through the writer and both readers, as a
    /// value and as a key, next to text that is not ASCII (columns count characters).
    #[test]
    fn tricky_scalars_read_back_as_strings() {
        let tricky = [
            "2026-03-01",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "null",
            "~",
            "017",
            "0o17",
            "0x1F",
            "1_000",
            "1e3",
            ".inf",
            ".nan",
            "+1",
            "-.5",
            "1:20",
            "1,000",
            "=",
            "<<",
            "it's",
            "",
        ];
        let mut map = serde_json::Map::new();
        for (i, s) in tricky.iter().enumerate() {
            map.insert(format!("é{i} {s}"), serde_json::json!(s));
            map.insert(s.to_string(), serde_json::json!(["ünïcode", s, {"k": s}]));
        }
        map.insert("number".into(), serde_json::json!(1.5));
        map.insert("integer".into(), serde_json::json!(7));
        map.insert("bool".into(), serde_json::json!(true));
        map.insert("nothing".into(), serde_json::Value::Null);
        let value = serde_json::Value::Object(map);
        let text = to_string(&value).expect("writes");
        assert!(text.contains("'2026-03-01'"), "{text}");
        assert!(text.contains("'yes':"), "{text}");
        let by_serde_yaml: serde_json::Value = serde_yaml::from_str(&text).expect("reads");
        assert_eq!(by_serde_yaml, value);
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("reads");
        let doc = docs.first().expect("one document");
        let yaml_rust2::Yaml::Hash(hash) = doc else {
            panic!("not a mapping: {doc:?}")
        };
        for (key, item) in hash {
            let yaml_rust2::Yaml::String(key) = key else {
                panic!("a key that is not a string: {key:?}")
            };
            let expected = &value[key.as_str()];
            match (item, expected) {
                (yaml_rust2::Yaml::String(s), serde_json::Value::String(e)) => assert_eq!(s, e),
                (yaml_rust2::Yaml::Array(items), serde_json::Value::Array(e)) => {
                    assert_eq!(items[1].as_str(), e[1].as_str(), "{key}");
                    assert_eq!(items[2]["k"].as_str(), e[2]["k"].as_str(), "{key}");
                }
                (yaml_rust2::Yaml::Real(r), _) => assert_eq!(r, "1.5"),
                (yaml_rust2::Yaml::Integer(i), _) => assert_eq!(*i, 7),
                (yaml_rust2::Yaml::Boolean(b), _) => assert!(*b),
                (yaml_rust2::Yaml::Null, serde_json::Value::Null) => {}
                other => panic!("{key}: {other:?}"),
            }
        }
    }

    #[test]
    fn only_misread_plain_scalars_change() {
        let value = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Widgets", "version": "2026-03-01"},
            "description": "line one\nline two: 2026-03-01\n",
            "enum": ["yes", "no", "maybe"],
            "quoted": "'200'",
        });
        let text = to_string(&value).expect("writes");
        let before = serde_yaml::to_string(&value).expect("writes");
        assert_eq!(
            text,
            before
                .replace("version: 2026-03-01", "version: '2026-03-01'")
                .replace("- yes\n", "- 'yes'\n")
                .replace("- no\n", "- 'no'\n")
        );
    }
}
