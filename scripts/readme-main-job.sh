#!/usr/bin/env bash
# The README's main job, as written, on a fresh `git clone` of this repository (its
# committed HEAD): the `generate` line of the README's first command block (the one marked
# `# the main job`) and the `cargo check --manifest-path ...` the README promises next, both
# taken from README.md verbatim and run in the clone. Fails when either fails, when apigen
# warns that the output lands in a workspace that does not know it, or when the README no
# longer has those lines.
#
#   scripts/readme-main-job.sh
#
# Compiled artifacts go to $APIGEN_TARGET_DIR (default: ~/.cache/apigen-target, the folder
# .ci/run shares between generated crates), so later runs only rebuild apigen's own crates.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
readme="$root/README.md"

# The first ```sh block's main-job line, and the cargo check the prose after it promises.
generate="$(awk '/^```sh/ { inside = 1; next } /^```/ { if (inside) exit } inside' "$readme" |
    grep -F '# the main job' | head -n 1 || true)"
check="$(grep -o '`cargo check --manifest-path [^`]*`' "$readme" | head -n 1 | tr -d '`' || true)"
if [ -z "$generate" ] || [ -z "$check" ]; then
    echo "readme-main-job: README.md no longer has the main-job line ('# the main job') or the 'cargo check --manifest-path' after it; update this script" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks "$root" "$work/apigen"
cd "$work/apigen"
export CARGO_TARGET_DIR="${APIGEN_TARGET_DIR:-$HOME/.cache/apigen-target}"
mkdir -p "$CARGO_TARGET_DIR"

echo "+ $generate"
bash -eo pipefail -c "$generate" 2> >(tee "$work/generate.log" >&2)
if grep -q 'generate/workspace-unlisted' "$work/generate.log"; then
    echo "readme-main-job: apigen warns that its output lands in a workspace that does not list it" >&2
    exit 1
fi
echo "+ $check"
bash -eo pipefail -c "$check"
echo "readme-main-job: the README's main job works on a fresh clone"
