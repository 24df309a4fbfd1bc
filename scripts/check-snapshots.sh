#!/usr/bin/env bash
# Generates the crate of every example spec (specs/examples/*.yaml and
# crates/gen/tests/fixtures/*.yaml) in every style into one temporary workspace, injects
# `#![deny(warnings)]`, and runs `cargo check` and `cargo clippy -D warnings` over all of
# them in one cargo invocation each, sharing one target directory. Specs with a behaviour
# test (crates/gen/tests/generated/<stem>_roundtrip.rs) also run it in the crate of every
# style; the test refers to the crate as `api`.
#
#   scripts/check-snapshots.sh              # all specs × all styles
#   scripts/check-snapshots.sh widgets      # only specs whose file name contains "widgets"
#
# APIGEN_TARGET_DIR  the shared target directory (default: $HOME/.cache/apigen-target)
# KEEP=1             keep the temporary workspace and print its path
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
filter="${1:-}"
target_dir="${APIGEN_TARGET_DIR:-$HOME/.cache/apigen-target}"
mkdir -p "$target_dir"

cargo build --quiet -p apigen
apigen="$repo/target/debug/apigen"

work=$(mktemp -d "${TMPDIR:-/tmp}/apigen-snapshots.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
  echo "workspace: $work"
else
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/crates"

styles=$("$apigen" styles | awk '{print $1}')
members=()
tested=()
for spec in specs/examples/*.yaml crates/gen/tests/fixtures/*.yaml; do
  [ -e "$spec" ] || continue
  stem=$(basename "$spec" .yaml)
  case "$stem" in *"$filter"*) ;; *) continue ;; esac
  for style in $styles; do
    name="snap-$stem-$style"
    out="$work/crates/$name"
    "$apigen" generate --style "$style" "$spec" -o "$out" --crate-name "$name" 2>/dev/null \
      || { echo "generate failed: $spec ($style)"; "$apigen" generate --style "$style" "$spec" -o "$out" --crate-name "$name"; exit 1; }
    # Warnings are errors in the compile check (generated lib.rs does not carry this itself).
    printf '#![deny(warnings)]\n%s' "$(cat "$out/src/lib.rs")" > "$out/src/lib.rs"
    members+=("\"crates/$name\"")
    # Behaviour tests of generated code run inside the crate they test, in every style: the
    # test names the crate `api` (the line appended here), so one file serves all styles.
    behaviour="crates/gen/tests/generated/${stem}_roundtrip.rs"
    if [ -f "$behaviour" ]; then
      mkdir -p "$out/tests"
      { cat "$behaviour"; printf '\nuse %s as api;\n' "${name//-/_}"; } > "$out/tests/roundtrip.rs"
      tested+=("$name")
    fi
  done
done
if [ "${#members[@]}" -eq 0 ]; then
  echo "no specs match '$filter'"
  exit 1
fi

{
  echo '[workspace]'
  echo 'resolver = "2"'
  printf 'members = [%s]\n' "$(IFS=,; echo "${members[*]}")"
} > "$work/Cargo.toml"
# Start from the lock file the shared target directory was warmed with, so the
# dependencies resolve to versions that are already built.
if [ -f "$HOME/.cache/warm/Cargo.lock" ]; then
  cp "$HOME/.cache/warm/Cargo.lock" "$work/Cargo.lock"
fi

# The workspace is new on every run, so incremental caches would never be reused: they
# would only fill the shared target directory.
export CARGO_INCREMENTAL=0
echo "checking ${#members[@]} crates in $work (target: $target_dir)"
cd "$work"
CARGO_TARGET_DIR="$target_dir" cargo check --quiet --keep-going --workspace --all-targets
CARGO_TARGET_DIR="$target_dir" cargo clippy --quiet --keep-going --workspace --all-targets -- -D warnings
echo "all ${#members[@]} crates compile without warnings and pass clippy"
for name in "${tested[@]}"; do
  CARGO_TARGET_DIR="$target_dir" cargo test --quiet -p "$name"
done
