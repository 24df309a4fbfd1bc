"""The Python client that openapi-generator makes from a style's wire spec, against the
widgets example server of that style (run by scripts/wire-clients.sh).

    python wire-clients.py STYLE PACKAGE BASE_URL API_KEY

Each call is decoded into the generated models and checked against the wire contract
(DIALECTS.md rev. 2). A call fails on any exception (a body the models cannot decode, an
unexpected status) or a fact that does not hold; every outcome is printed as a table row.
"""

import importlib
import os
import sys
import traceback
import urllib.parse


style, package, base_url, api_key = sys.argv[1:5]
client_module = importlib.import_module(package)
models = importlib.import_module(f"{package}.models")
exceptions = importlib.import_module(f"{package}.exceptions")
api_client = client_module.ApiClient(client_module.Configuration(host=base_url, access_token=api_key))
api = client_module.WidgetsApi(api_client)
Color = models.Color
WidgetInput = models.WidgetInput
WidgetPatch = models.WidgetPatch


class Mismatch(Exception):
    """A fact of the wire contract that the answer does not have."""


def expect(condition, expected, got):
    if not condition:
        raise Mismatch(f"expected {expected}, got {got}")


def generated(value, name):
    """`value` is an instance of the generated model `name`."""
    cls = getattr(models, name)
    expect(isinstance(value, cls), f"a {name}", f"{type(value).__name__}: {value!r}")
    return value


def answered(response, status, model=None):
    """`response` (an ApiResponse) has `status`, a request id, and decodes as `model`."""
    got = f"{response.status_code}"
    if response.status_code != status:
        got += f" {response.raw_data[:200]!r}" if response.raw_data else " (no body)"
    expect(response.status_code == status, f"status {status}", got)
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    expect("x-request-id" in headers, "an X-Request-Id header", sorted(headers))
    if model is not None:
        generated(response.data, model)
    return response.data, headers


def refused(call, status, model):
    """`call` raises the generated client's ApiException with `status`, its body decoded as `model`."""
    try:
        call()
    except exceptions.ApiException as e:
        expect(e.status == status, f"status {status}", f"{e.status} {e.body!r}")
        headers = {k.lower(): v for k, v in (e.headers or {}).items()}
        expect("x-request-id" in headers, "an X-Request-Id header", sorted(headers))
        data = e.data if e.data is not None else getattr(models, model).from_json(e.body)
        return generated(data, model)
    raise Mismatch(f"expected an error {status}, got a success")


def raw_post(path, body, types):
    """POST `body` as it is (past the client's own validation), decoded with `types`."""
    params = api_client.param_serialize(
        method="POST",
        resource_path=path,
        header_params={"Content-Type": "application/json", "Accept": "application/json"},
        body=body,
        auth_settings=["bearerAuth"],
    )
    response = api_client.call_api(*params)
    response.read()
    return api_client.response_deserialize(response_data=response, response_types_map=types)


def query(url):
    """The query parameters of a link."""
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url or "").query)


def ids(items):
    return [w.id for w in items]


state = {}


# ---- the calls, per style -------------------------------------------------------------

def list_pages_enveloped():
    first, _ = answered(api.list_widgets_with_http_info(page=1, limit=2), 200, "WidgetListEnvelope")
    expect(len(first.data) == 2 and first.error is None, "2 widgets, error null", first)
    expect(first.meta.page == 1 and first.meta.limit == 2 and first.meta.type == "list", "meta page 1, limit 2", first.meta)
    expect(first.meta.total == 5 and first.meta.pages == 3, "total 5, pages 3", first.meta)
    expect(first.links.prev is None and query(first.links.next).get("page") == ["2"], "links.next to page 2", first.links)
    follow = query(first.links.next)
    second, _ = answered(api.list_widgets_with_http_info(page=int(follow["page"][0]), limit=int(follow["limit"][0])), 200, "WidgetListEnvelope")
    expect(len(second.data) == 2 and not set(ids(second.data)) & set(ids(first.data)), "2 other widgets", ids(second.data))
    state["ids"] = ids(first.data) + ids(second.data)


def list_pages_plain():
    first = api.list_widgets_with_http_info(limit=2)
    items, headers = answered(first, 200)
    expect(isinstance(items, list) and len(items) == 2, "2 widgets", items)
    for w in items:
        generated(w, "Widget")
    expect(headers.get("has-more") == "true" and headers.get("limit") == "2", "Has-More: true, Limit: 2", headers)
    link = headers.get("link", "")
    expect('rel="next"' in link, 'a Link with rel="next"', link)
    follow = query(link.split("<", 1)[-1].split(">", 1)[0])
    expect("after" in follow, "the next link's `after`", link)
    second = api.list_widgets_with_http_info(limit=int(follow["limit"][0]), after=follow["after"][0])
    items2, _ = answered(second, 200)
    expect(len(items2) == 2 and not set(ids(items2)) & set(ids(items)), "2 other widgets", ids(items2))
    state["ids"] = ids(items) + ids(items2)


def list_pages_result():
    first, _ = answered(api.list_widgets_with_http_info(page=1, records_per_page=2), 200, "WidgetsResult")
    m = first.metadata
    expect(first.result == "success" and len(first.widgets) == 2, "success, 2 widgets", first)
    expect((m.page, m.records_per_page, m.pages_count, m.records_count) == (1, 2, 3, 5), "metadata 1, 2, 3, 5", m)
    second, _ = answered(api.list_widgets_with_http_info(page=2, records_per_page=2), 200, "WidgetsResult")
    expect(len(second.widgets) == 2 and not set(ids(second.widgets)) & set(ids(first.widgets)), "2 other widgets", ids(second.widgets))
    state["ids"] = ids(first.widgets) + ids(second.widgets)


def get_one():
    response = api.get_widget_with_http_info("wdg_1")
    if style == "enveloped":
        body, _ = answered(response, 200, "WidgetEnvelope")
        expect(body.data.id == "wdg_1" and body.meta.type == "object", "wdg_1, meta.type object", body)
        expect(body.links is not None and (body.links.var_self or "").endswith("/widgets/wdg_1"), "links.self to wdg_1", body.links)
        expect((body.links.parent or "").endswith("/widgets"), "links.parent to /widgets", body.links)
    elif style == "plain":
        body, _ = answered(response, 200, "Widget")
        expect(body.id == "wdg_1", "wdg_1", body)
    else:
        body, _ = answered(response, 200, "WidgetResult")
        m = body.metadata
        expect(ids(body.widgets) == ["wdg_1"], "a one-element collection", body.widgets)
        expect(None not in (m.page, m.records_per_page, m.pages_count, m.records_count), "all four metadata", m)


def create():
    gear = WidgetInput(name="Gear", color=Color.BLUE)
    if style == "result":
        body, headers = answered(api.create_widget_with_http_info(models.CreateWidgetRequest(widgets=[gear])), 200, "WidgetsWriteResult")
        expect(len(body.widgets) == 1 and body.metadata.valid_items == [0], "one saved widget", body)
        created = body.widgets[0]
        expect("location" not in headers, "no Location (this style has no 201)", headers.get("location"))
    else:
        model = "WidgetEnvelope" if style == "enveloped" else "Widget"
        body, headers = answered(api.create_widget_with_http_info(gear), 201, model)
        created = body.data if style == "enveloped" else body
        state["created"] = created.id
        state["create"] = (body, headers)
        expect(headers.get("location", "").endswith(f"/widgets/{created.id}"), f"Location: /widgets/{created.id}", headers.get("location"))
    state["created"] = created.id
    expect(created.name == "Gear" and created.color == Color.BLUE, "Gear, blue", created)


def create_links():
    """enveloped: a create's links.self is the new resource's URL, the same as Location,
    and links.parent its collection (rev. 2)."""
    body, headers = state["create"]
    expect(body.links.var_self == headers.get("location"), f"links.self = Location ({headers.get('location')})", body.links)
    expect((body.links.parent or "").endswith("/widgets"), "links.parent to /widgets", body.links)


def patch_to_null():
    widget_id = state["created"]
    patch = WidgetPatch(color=None)
    expect(patch.to_dict() == {"color": None}, 'the request {"color": null}', patch.to_dict())
    if style == "result":
        body, _ = answered(api.update_widget_with_http_info(widget_id, models.UpdateWidgetRequest(widgets=[patch])), 200, "WidgetWriteResult")
        updated = body.widgets[0]
    elif style == "enveloped":
        body, _ = answered(api.update_widget_with_http_info(widget_id, patch), 200, "WidgetEnvelope")
        updated = body.data
    else:
        updated, _ = answered(api.update_widget_with_http_info(widget_id, patch), 200, "Widget")
    expect(updated.id == widget_id and updated.color is None, "color cleared", updated)


def delete():
    widget_id = state["created"]
    response = api.delete_widget_with_http_info(widget_id)
    if style == "enveloped":
        body, _ = answered(response, 200, "EmptyEnvelope")
        expect(body.data is None and body.error is None and body.meta.type == "object", "data null, meta.type object", body)
    elif style == "plain":
        answered(response, 204)
    else:
        body, _ = answered(response, 200, "WidgetsEmptyResult")
        expect(body.result == "success" and body.widgets == [], "success, no widgets", body)


def not_found():
    if style == "enveloped":
        body = refused(lambda: api.get_widget("wdg_nope"), 404, "ErrorEnvelope")
        expect(body.data is None and body.error.kind == "not_found" and body.meta.type == "error", "kind not_found, data null", body)
    elif style == "plain":
        body = refused(lambda: api.get_widget("wdg_nope"), 404, "Error")
        expect(body.kind == "not_found", "kind not_found", body)
    else:
        body = refused(lambda: api.get_widget("wdg_nope"), 404, "ErrorEnvelope")
        expect(body.result == "error" and body.error.type == "client" and body.error.code == 404, "client, 404", body)


def refused_create():
    before = count()
    if style == "result":
        types = {"200": "WidgetsWriteResult", "422": "FailureEnvelope"}
        body = refused(lambda: raw_post("/widgets", {"widgets": [{"name": "Gear"}, {"color": "blue"}]}, types), 422, "FailureEnvelope")
        expect(body.result == "failure" and body.metadata.invalid_items == [1] and body.metadata.valid_items == [0], "item 1 invalid", body)
        expect(body.failures[0].raw_data == {"color": "blue"} and body.failures[0].errors[0].type == "validation", "its raw data, a validation error", body.failures)
    else:
        model = "ErrorEnvelope" if style == "enveloped" else "Error"
        body = refused(lambda: raw_post("/widgets", {"color": "blue"}, {"201": "Widget", "400": model}), 400, model)
        kind = body.error.kind if style == "enveloped" else body.kind
        expect(kind == "request_invalid", "kind request_invalid", body)
    expect(count() == before, "nothing saved", count())


def count():
    if style == "enveloped":
        return api.list_widgets(page=1, limit=100).meta.total
    if style == "plain":
        return len(api.list_widgets(limit=100))
    return api.list_widgets(page=1, records_per_page=100).metadata.records_count


CALLS = [
    ("list two pages", {"enveloped": list_pages_enveloped, "plain": list_pages_plain, "result": list_pages_result}[style]),
    ("get", get_one),
    ("create", create),
] + ([("create links", create_links)] if style == "enveloped" else []) + [
    ("patch nullable to null", patch_to_null),
    ("delete", delete),
    ("404", not_found),
    ("refused create", refused_create),
]

failures = 0
for name, call in CALLS:
    try:
        call()
        outcome, detail = "PASS", ""
    except Exception as e:  # every failure is reported the same way
        detail = str(e) if isinstance(e, Mismatch) else "".join(traceback.format_exception_only(type(e), e)).strip()
        outcome = "FAIL"
        failures += 1
    print(f"{outcome:5}  {style:9}  {name:24}  {detail}")

sys.exit(1 if failures else 0)
