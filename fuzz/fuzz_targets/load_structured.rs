//! Nearly valid OpenAPI documents (`apigen_fuzz::doc`), as JSON or YAML, loaded: a document
//! or diagnostics, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|doc: apigen_fuzz::doc::Doc| {
    let _ = apigen_fuzz::load(&doc.text());
});
