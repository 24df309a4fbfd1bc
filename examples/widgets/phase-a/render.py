"""Phase A only: renders the server templates for widgets with a hand-written IR until
`apigen generate` exists. Removed once the generator lands."""
import json, sys, pathlib, jinja2
root = pathlib.Path(__file__).resolve().parents[3]
env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root / "templates")), trim_blocks=True,
                         lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
env.filters["lit"] = lambda s: json.dumps(s, ensure_ascii=False)
env.filters["doc"] = lambda s: "\n".join("#[doc = %s]" % json.dumps(" " + l if l else "") for l in s.split("\n"))
for style in ["enveloped", "plain", "result"]:
    ir = json.load(open(pathlib.Path(__file__).parent / "ir.json"))
    ir["style"] = style
    out = root / "examples/widgets/generated" / style / "src"
    out.mkdir(parents=True, exist_ok=True)
    for name, tpl in [("server.rs", "server.rs.jinja"), ("validate.rs", "validate.rs.jinja"), ("style.rs", f"styles/{style}/style.rs.jinja")]:
        (out / name).write_text(env.get_template(tpl).render(**ir))
