//! The `apigen` command line: argument definitions, one file per subcommand, exit codes.

mod commands;
mod report;
mod workspace;

use clap::Parser;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` and `mi_option_allow_thp` in mimalloc v3's `mi_option_e`
/// (`include/mimalloc.h` of the libmimalloc-sys version pinned in Cargo.toml).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Memory freed between the stages (the loaded spec, the IR) goes back to the system after
/// 100 ms rather than 1 s, and no transparent huge pages (each costs 2 MiB zeroed and
/// resident however little of it is used): on GitHub's spec the peak drops by about 25 MB
/// at no cost in time (docs/performance.md).
fn tune_allocator() {
    // SAFETY: mimalloc allows setting options at any time; both take a plain number.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = commands::Cli::parse();
    let outcome = commands::run(cli);
    ExitCode::from(outcome as u8)
}
