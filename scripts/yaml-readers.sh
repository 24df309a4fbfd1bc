#!/usr/bin/env bash
# Reads back every YAML document apigen writes with PyYAML, a YAML 1.1 reader (the one
# openapi-spec-validator, Schemathesis and much of the Python tooling use), and compares it
# with the JSON that apigen writes for the same document (`-o FILE.json`): `apply` for each
# style and example spec, `components` for each style, `ir` for each style and example spec,
# and specs/fixtures/yaml-scalars.yaml (strings readers misread) like an example.
# A string that a YAML 1.1 reader takes for a date, a boolean or a number fails the run.
# (The YAML 1.2 readers, yaml-rust2 and serde_yaml, are checked by
# crates/apigen/tests/yaml_readers.rs.)
#
#   scripts/yaml-readers.sh                 # from the repository root
#   APIGEN=path/to/apigen scripts/yaml-readers.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

venv=.venv-tools
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import yaml' 2>/dev/null; then
    "$venv/bin/pip" install --quiet 'PyYAML==6.0.3'
fi

apigen="${APIGEN:-}"
if [ -z "$apigen" ]; then
    cargo build --quiet -p apigen
    apigen="$root/target/debug/apigen"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

both() { # NAME ARGS...: writes $out/NAME.yaml and $out/NAME.json
    local name="$1"
    shift
    "$apigen" "$@" -o "$out/$name.yaml"
    "$apigen" "$@" -o "$out/$name.json"
}

for style in $("$apigen" styles | cut -d' ' -f1); do
    both "components--$style" components --style "$style"
    for spec in specs/examples/*.yaml specs/fixtures/yaml-scalars.yaml; do
        name="$(basename "$spec" .yaml)"
        both "apply--$style--$name" apply --style "$style" "$spec"
        both "ir--$style--$name" ir --style "$style" "$spec"
    done
done

"$venv/bin/python" - "$out" <<'EOF'
import json, pathlib, sys
import yaml

# The reader is a YAML 1.1 reader: without quotes, these are not strings.
probe = yaml.safe_load("a: 2026-03-01\nb: yes\nc: 1_000\nd: 1:20\ne: 017\n")
assert [type(v).__name__ for v in probe.values()] == ["date", "bool", "int", "int", "int"], probe

def differences(y, j, at, out):
    if isinstance(j, dict):
        if not isinstance(y, dict) or list(y.keys()) != list(j.keys()):
            out.append(f"{at}: keys {list(y.keys()) if isinstance(y, dict) else y!r} != {list(j.keys())}")
            return
        for k in j:
            differences(y[k], j[k], f"{at}/{k}", out)
    elif isinstance(j, list):
        if not isinstance(y, list) or len(y) != len(j):
            out.append(f"{at}: {y!r} != {j!r}")
            return
        for i, (a, b) in enumerate(zip(y, j)):
            differences(a, b, f"{at}/{i}", out)
    elif type(y) is not type(j) or y != j:
        out.append(f"{at}: PyYAML read {y!r} ({type(y).__name__}), the JSON has {j!r} ({type(j).__name__})")

folder = pathlib.Path(sys.argv[1])
failed = 0
documents = sorted(folder.glob("*.yaml"))
for path in documents:
    expected = json.loads(path.with_suffix(".json").read_text())
    found = []
    try:
        differences(yaml.safe_load(path.read_text()), expected, "#", found)
    except yaml.YAMLError as e:
        found.append(f"PyYAML cannot read it: {e}")
    if found:
        failed += 1
        what = path.stem.replace("--", " ")
        print(f"{what}:")
        for d in found[:10]:
            print(f"  {d}")
if failed or not documents:
    print(f"yaml-readers: {failed} of {len(documents)} documents read back differently with PyYAML")
    sys.exit(1)
print(f"yaml-readers: {len(documents)} documents read back the same with PyYAML {yaml.__version__}")
EOF
