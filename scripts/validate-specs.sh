#!/usr/bin/env bash
# Validates every published components file and the wire spec of every example spec in
# every style with two independent tools: openapi-spec-validator (PyPI) and Redocly CLI
# (npm). Installs both into local folders on first use. Fails on any error.
#
#   scripts/validate-specs.sh            # from the repository root
#   APIGEN=path/to/apigen scripts/validate-specs.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ ! -x .venv-tools/bin/openapi-spec-validator ]; then
    python3 -m venv .venv-tools
    .venv-tools/bin/pip install --quiet openapi-spec-validator==0.9.0
fi
if [ ! -x .npm-tools/node_modules/.bin/redocly ]; then
    npm install --silent --prefix .npm-tools @redocly/cli@2
fi

apigen="${APIGEN:-}"
if [ -z "$apigen" ]; then
    cargo build --quiet -p apigen
    apigen="$root/target/debug/apigen"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Examples that deliberately break OpenAPI's naming and documentation rules to stress the
# code generator (hostile.yaml: component names with spaces and emoji, no servers or
# summaries). Redocly reports those rules as errors in the source itself, so their wire
# specs are checked by openapi-spec-validator only.
redocly_skip=(hostile)

wire=()
redocly_wire=()
for spec in specs/examples/*.yaml; do
    name="$(basename "$spec" .yaml)"
    for style in $("$apigen" styles | cut -d' ' -f1); do
        "$apigen" apply --style "$style" "$spec" -o "$out/$name.$style.yaml"
        wire+=("$out/$name.$style.yaml")
        if [[ ! " ${redocly_skip[*]} " =~ " $name " ]]; then
            redocly_wire+=("$out/$name.$style.yaml")
        fi
    done
done
components=(specs/components/*.yaml)

failed=0
for f in "${wire[@]}" "${components[@]}"; do
    if ! .venv-tools/bin/openapi-spec-validator "$f" >"$out/osv.log" 2>&1; then
        echo "openapi-spec-validator: $f"
        cat "$out/osv.log"
        failed=1
    fi
done
# Redocly: errors fail the run; warnings are printed (rules configured in redocly.yaml).
if ! .npm-tools/node_modules/.bin/redocly lint --config redocly.yaml --format=stylish "${redocly_wire[@]}"; then
    failed=1
fi
# The published components are a library for other specs: unused components are the point.
if ! .npm-tools/node_modules/.bin/redocly lint --config redocly.yaml --skip-rule no-unused-components --format=stylish "${components[@]}"; then
    failed=1
fi

if [ "$failed" -ne 0 ]; then
    echo "validate-specs: FAILED"
    exit 1
fi
echo "validate-specs: $((${#wire[@]} + ${#components[@]})) documents valid (openapi-spec-validator, redocly)"
