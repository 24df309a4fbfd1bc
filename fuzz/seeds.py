"""Writes the fuzz targets' seed corpora into fuzz/seeds/<target>/ (scripts/fuzz.sh runs it).

load, generate: the example specs, the generator's fixtures and the invalid specs
(generate: a 0 byte first, which makes the target read the rest as spec text). decode: the
JSON bodies the widgets wire tests send. request: those tests' requests (`server.get`,
`server.post`, `server.send`), as HTTP/1.1 text. Every target: the inputs under
fuzz/regressions/<target>/ that once crashed or hung it.
"""
import hashlib
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
seeds = root / "fuzz" / "seeds"

specs = sorted(
    list((root / "specs" / "examples").glob("*.yaml"))
    + list((root / "crates" / "gen" / "tests").glob("fixtures*/*.yaml"))
    + list((root / "examples" / "widgets" / "tests" / "fixtures").glob("*.yaml"))
    + list((root / "specs" / "invalid").glob("*.yaml"))
)
tests = sorted((root / "examples" / "widgets" / "tests").glob("*.rs"))
source = "\n".join(t.read_text() for t in tests)


def put(target, data):
    folder = seeds / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


for found in sorted((root / "fuzz" / "regressions").glob("*/*")):
    put(found.parent.name, found.read_bytes())

for spec in specs:
    text = spec.read_bytes()
    put("load", text)
    put("generate", b"\0" + text)

# String literals: r#"…"# and "…" (escapes for quotes and backslashes undone).
literal = r'(?:r#"([^#]*?)"#|"((?:[^"\\]|\\.)*)")'


def text_of(m, first):
    raw, plain = m.group(first), m.group(first + 1)
    if raw is not None:
        return raw
    return plain.replace('\\"', '"').replace("\\\\", "\\")


bodies = set()
for m in re.finditer(r'r#"(\{.*?|\[.*?)"#', source, re.S):
    bodies.add(m.group(1))
for body in sorted(bodies):
    put("decode", body.encode())

call = re.compile(
    r'server\s*\.(get|post)\(\s*' + literal + r'(?:\s*,\s*' + literal + r')?\s*,?\s*\)'
    r'|server\s*\.send\(\s*Method::(\w+)\s*,\s*' + literal + r'\s*,\s*(?:None|Some\(\s*' + literal + r'\s*\))',
    re.S,
)
for m in call.finditer(source):
    if m.group(1):
        method, path = m.group(1).upper(), text_of(m, 2)
        body = text_of(m, 4) if m.group(1) == "post" and (m.group(4) or m.group(5)) is not None else None
    else:
        method, path = m.group(6), text_of(m, 7)
        body = text_of(m, 9) if (m.group(9) or m.group(10)) is not None else None
    head = f"{method} {path} HTTP/1.1\r\nhost: localhost\r\nx-request-id: req_01\r\n"
    if body is not None:
        head += "content-type: application/json\r\n"
    put("request", (head + "\r\n" + (body or "")).encode())
    put("request", (head + "authorization: Bearer sesame\r\n\r\n" + (body or "")).encode())
