#!/usr/bin/env bash
# Other generators read apigen's wire specs: for each style, openapi-generator (the
# openapi-generator-cli 7.26.0 wheel from PyPI, which bundles the jar; run with the
# machine's Java 17) generates a `python` and a `typescript-fetch` client from the wire
# spec of specs/examples/widgets.yaml. A non-zero exit, or any ERROR or exception in its
# log, fails the run. Then the generated Python client, installed in a venv, calls the
# example server of that style (scripts/wire-clients.py: two pages of the list, get,
# create, a patch of a nullable field to null, delete, a 404, a refused create), decoding
# every answer into the generated models.
#
#   scripts/wire-clients.sh                   # every style
#   STYLES=plain scripts/wire-clients.sh      # one style
set -euo pipefail
cd "$(dirname "$0")/.."

GENERATOR_VERSION=7.26.0
HOME_DIR=.wire-clients
VENV="$HOME_DIR/venv"
KEY=wire-clients-key
TARGET=${CARGO_TARGET_DIR:-target}

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/pip" show openapi-generator-cli 2>/dev/null | grep -q "^Version: $GENERATOR_VERSION\$"; then
    "$VENV/bin/pip" install --quiet "openapi-generator-cli==$GENERATOR_VERSION"
fi
# What the generated Python clients need to be installed and run.
if ! "$VENV/bin/python" -c 'import pydantic, urllib3, dateutil, typing_extensions' 2>/dev/null; then
    "$VENV/bin/pip" install --quiet 'pydantic>=2.11' 'urllib3>=2.7,<3' 'python-dateutil>=2.8.2' 'typing-extensions>=4.7.1'
fi
jar="$(find "$VENV" -name 'openapi-generator*.jar' | head -n 1)"
if [ -z "$jar" ]; then
    echo "wire-clients: the openapi-generator-cli wheel holds no jar" >&2
    exit 1
fi
cargo build --quiet -p apigen -p widgets-example

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

failed=()
for style in ${STYLES:-enveloped plain result}; do
    echo "== $style"
    spec="$work/$style.yaml"
    "$TARGET/debug/apigen" apply --style "$style" specs/examples/widgets.yaml -o "$spec"
    package="widgets_$style"
    for generator in python typescript-fetch; do
        out="$work/$generator-$style"
        log="$work/$generator-$style.log"
        if ! java -jar "$jar" generate -g "$generator" -i "$spec" -o "$out" \
            --additional-properties "packageName=$package,projectName=widgets-$style,npmName=widgets-$style" \
            >"$log" 2>&1; then
            echo "openapi-generator $generator ($style) exited non-zero:"
            tail -n 40 "$log"
            failed+=("$style: $generator generation")
            continue
        fi
        if grep -E '\] ERROR |Exception' "$log" >"$work/errors"; then
            echo "openapi-generator $generator ($style) logged errors:"
            sort "$work/errors" | uniq -c | head -n 20
            failed+=("$style: $generator generation logs errors")
            continue
        fi
        echo "openapi-generator $generator ($style): generated, no errors ($(grep -c '\] WARN ' "$log" || true) warnings)"
    done
    if [ ! -d "$work/python-$style" ]; then
        continue
    fi
    "$VENV/bin/pip" install --quiet --no-deps "$work/python-$style"

    port=$(free_port)
    "$TARGET/debug/widgets-example" serve --style "$style" --addr "127.0.0.1:$port" \
        --seed 5 --api-key "$KEY" 2>"$work/$style-server.log" &
    pid=$!
    for _ in $(seq 100); do
        if curl -s -o /dev/null "http://127.0.0.1:$port/"; then break; fi
        sleep 0.1
    done
    if ! "$VENV/bin/python" scripts/wire-clients.py "$style" "$package" "http://127.0.0.1:$port" "$KEY"; then
        failed+=("$style: the generated Python client against the server")
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
done

if [ ${#failed[@]} -gt 0 ]; then
    printf 'wire-clients FAILED:\n' >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "wire-clients: openapi-generator's python and typescript-fetch clients generate from every style's wire spec, and the Python client works against the server"
