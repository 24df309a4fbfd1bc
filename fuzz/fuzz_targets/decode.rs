//! Arbitrary bytes decoded into every type of every example spec: never a panic, and a value
//! that decodes encodes to JSON that decodes to the same value (`apigen_fuzz::decode`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    apigen_fuzz::decode::decode_all(data);
});
