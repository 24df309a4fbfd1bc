//! A request (`apigen_fuzz::request`) to the widgets example's router in every style: always
//! an answer, in the style, never a panic or a framework's text body.
#![no_main]

use std::sync::OnceLock;

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    });
    apigen_fuzz::request::check(runtime, data);
});
