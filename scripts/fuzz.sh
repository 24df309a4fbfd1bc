#!/usr/bin/env bash
# Builds the cargo-fuzz targets in fuzz/ once, seeds their corpora (fuzz/seeds.py) and runs
# every target for SECONDS (default 60) each, as many at a time as there are cores
# ($APIGEN_FUZZ_JOBS); exits non-zero when any target finds a crash
# (the input is kept in fuzz/artifacts/TARGET/). See docs/fuzzing.md.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Works on the stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags). Builds
# without a sanitizer (no AddressSanitizer: the code is safe Rust, and the build is much
# faster) but with debug assertions, so overflow checks stay on. cargo-fuzz is installed into
# $APIGEN_TOOLS_DIR (default ~/.cache/apigen-tools); the target directory is
# $APIGEN_FUZZ_TARGET_DIR (default ~/.cache/apigen-fuzz-target), kept between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
tools="${APIGEN_TOOLS_DIR:-$HOME/.cache/apigen-tools}"
export CARGO_TARGET_DIR="${APIGEN_FUZZ_TARGET_DIR:-$HOME/.cache/apigen-fuzz-target}"
export RUSTC_BOOTSTRAP=1
cargo_fuzz=0.13.2
if [ "$("$tools/bin/cargo-fuzz" --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz" ]; then
  cargo install --quiet --locked --root "$tools" "cargo-fuzz@$cargo_fuzz"
fi
export PATH="$tools/bin:$PATH"
flags=(--sanitizer none --debug-assertions)

cd fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build "${flags[@]}"
python3 seeds.py
# One target's run: its log in artifacts/TARGET/log, its status in artifacts/TARGET/status.
run_target() {
  local target=$1 seeds=()
  mkdir -p "corpus/$target" "artifacts/$target"
  if [ -d "seeds/$target" ]; then seeds=("seeds/$target"); fi
  # -timeout: one input taking 30 s is a failure too.
  local status=0
  cargo fuzz run "${flags[@]}" "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    2> "artifacts/$target/log" || status=$?
  echo "$status" > "artifacts/$target/status"
}
# Targets run $APIGEN_FUZZ_JOBS at a time (default: one per core).
jobs="${APIGEN_FUZZ_JOBS:-$(nproc)}"
printf '\n== fuzzing %s for %ss each, %s at a time\n' "${targets[*]}" "$seconds" "$jobs"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$target" &
done
wait
failed=()
for target in "${targets[@]}"; do
  printf '\n== %s\n' "$target"
  if [ "$(cat "artifacts/$target/status")" != 0 ]; then
    tail -n 60 "artifacts/$target/log"
    failed+=("$target")
  else
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "artifacts/$target/log" || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  printf '\nfuzz targets that crashed: %s (inputs in fuzz/artifacts/)\n' "${failed[*]}"
  exit 1
fi
printf '\nfuzz: every target ran %ss without a crash\n' "$seconds"
