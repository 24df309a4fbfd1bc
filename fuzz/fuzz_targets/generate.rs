//! A spec that loads, generated in every style: diagnostics or Rust that parses, never a
//! panic. The first byte chooses the input: even, the rest is spec text (the corpus starts
//! from the example specs); odd, a structured document (`apigen_fuzz::doc`).
#![no_main]

use arbitrary::{Arbitrary, Unstructured};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode % 2 == 0 {
        match std::str::from_utf8(rest) {
            Ok(text) => text.to_string(),
            Err(_) => return,
        }
    } else {
        match apigen_fuzz::doc::Doc::arbitrary_take_rest(Unstructured::new(rest)) {
            Ok(doc) => doc.text(),
            Err(_) => return,
        }
    };
    if let Some(loaded) = apigen_fuzz::load(&text) {
        apigen_fuzz::generate_all(&loaded);
    }
});
