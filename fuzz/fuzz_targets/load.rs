//! Arbitrary bytes as a YAML or JSON spec: loading, bundling and normalising answer a
//! document or diagnostics, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = apigen_fuzz::load(text);
    }
});
