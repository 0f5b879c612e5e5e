"""The API answers what its published OpenAPI schema (``/api/schema/``) says.

The schema is generated with drf-spectacular exactly as ``/api/schema/``
serves it; then every GET operation in it is called (lists page by page,
details for a selection of the listed objects) on the demo data, as the
superuser and as a township user, and each JSON body is
validated against the operation's 200 response schema with jsonschema:
required fields, types, ``nullable``, enums, and no undocumented fields.
A new endpoint is covered without touching this file; one that cannot be
reached from a list (or whose list stays empty) fails the coverage check.

Also: ``manage.py check --deploy`` under production-like settings reports
no drf-spectacular warnings (they hide real schema errors among noise).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

# Per list, how many objects get their detail URLs called: enough to see
# each "shape" (which fields are null or empty) of the page without making
# the test slow.
DETAILS_PER_LIST = 6
MAX_PAGES = 3
PARAM = re.compile(r"\{(\w+)\}")


def _to_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema object as JSON Schema 2020-12.

    ``nullable: true`` becomes "or null"; objects that list their
    properties get ``additionalProperties: false`` so that a field the
    schema does not document fails as well as a documented one missing.
    """
    if isinstance(node, list):
        return [_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _to_json_schema(sub) for name, sub in value.items()}
        elif key in {"items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"}:
            out[key] = _to_json_schema(
                value
            )  # booleans (additionalProperties: true) pass as they are
        elif key == "nullable":
            continue
        elif key in {"exclusiveMinimum", "exclusiveMaximum"} and isinstance(value, bool):
            # OpenAPI 3.0's boolean form: a flag on minimum/maximum.
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value:
                out[key] = node[bound]
            continue
        elif key in {"minimum", "maximum"} and node.get("exclusive" + key.title()) is True:
            continue
        else:
            out[key] = value
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _openapi() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


class Walker:
    """Calls the GET operations of the schema and validates the bodies."""

    def __init__(self, client: Any, schema: dict[str, Any]) -> None:
        self.client = client
        self.components = {
            "schemas": {
                name: _to_json_schema(sub) for name, sub in schema["components"]["schemas"].items()
            }
        }
        self.operations = {
            path: item["get"] for path, item in schema["paths"].items() if "get" in item
        }
        self.checked: dict[str, int] = {}  # path template -> responses validated
        self.items_seen: dict[str, int] = {}  # list path template -> objects listed
        self.failures: list[str] = []

    def validator(self, path: str) -> Draft202012Validator:
        responses = self.operations[path]["responses"]
        schema = dict(_to_json_schema(responses["200"]["content"]["application/json"]["schema"]))
        schema["components"] = self.components  # "#/components/schemas/..." resolve here
        return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def get(self, template: str, url: str) -> Any:
        response = self.client.get(url, HTTP_ACCEPT="application/json")
        if response.status_code != 200:
            self.failures.append(f"GET {url}: {response.status_code}")
            return None
        body = response.json()
        error = best_match(self.validator(template).iter_errors(body))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path)
            self.failures.append(f"GET {url}: at '{where}': {error.message[:300]}")
        self.checked[template] = self.checked.get(template, 0) + 1
        return body

    def list_items(self, template: str) -> list[dict[str, Any]]:
        """All objects of a list operation (following ``next`` page links)."""
        items: list[dict[str, Any]] = []
        url: str | None = template
        for _ in range(MAX_PAGES):
            if url is None:
                break
            body = self.get(template, url)
            if isinstance(body, dict) and "results" in body:
                items.extend(body["results"])
                url = body.get("next")
            else:
                items.extend(body if isinstance(body, list) else [])
                url = None
        self.items_seen[template] = self.items_seen.get(template, 0) + len(items)
        return items

    def walk(self) -> None:
        lists: dict[str, list[dict[str, Any]]] = {}
        for template in sorted(self.operations):
            if not PARAM.search(template):
                lists[template] = self.list_items(template)
        for template in sorted(self.operations):
            params = PARAM.findall(template)
            if not params:
                continue
            # /api/v1/townships/{code}/indicators/ takes its codes from /api/v1/townships/.
            collection = template[: template.index("{")]
            if len(params) != 1 or collection not in lists:
                self.failures.append(f"{template}: no list to take {params} from")
                continue
            for item in _pick(lists[collection]):
                self.get(template, template.replace(f"{{{params[0]}}}", str(item[params[0]])))


def _pick(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One object of each shape (which fields are null or empty), then the first ones."""
    shapes: dict[tuple[str, ...], dict[str, Any]] = {}
    for item in items:
        shape = tuple(sorted(k for k, v in item.items() if v in (None, "", [], {})))
        shapes.setdefault(shape, item)
    chosen = list(shapes.values())[:DETAILS_PER_LIST]
    for item in items:
        if len(chosen) >= DETAILS_PER_LIST:
            break
        if item not in chosen:
            chosen.append(item)
    return chosen


@pytest.fixture
def demo(db: Any) -> Any:
    from tests.staffing import enter

    from bianzhi.kernel.demo import DemoContext, demo_run

    demo_run(context=DemoContext(full_country=False, echo=lambda _: None))
    # What the demo lacks: a person on the roster of no institution.
    enter(9001, name="未定机构人员", quota_type="事业编制")


def test_every_get_response_matches_the_published_schema(client: Any, demo: Any) -> None:
    from bianzhi.accounts.models import User

    schema = _openapi()
    walkers = []
    # The superuser sees every object; a township user takes the other
    # branches (e.g. territorial matters of the county above).
    for username in ["admin", "penglai"]:
        client.force_login(User.objects.get(username=username))
        walker = Walker(client, schema)
        walker.walk()
        walkers.append(walker)
    failures = [f for w in walkers for f in w.failures]
    assert not failures, "\n".join(failures)
    # Every operation was exercised, and every list had something to validate.
    unchecked = {
        path for path in walkers[0].operations if not any(w.checked.get(path) for w in walkers)
    }
    assert not unchecked, f"never called: {sorted(unchecked)}"
    empty = {
        path
        for path in walkers[0].operations
        if not PARAM.search(path)
        and path != "/api/schema/"
        and not any(w.items_seen.get(path) for w in walkers)
    }
    assert not empty, f"lists with no demo data (nothing validated): {sorted(empty)}"


def test_the_walk_reports_an_undocumented_or_missing_field() -> None:
    # The comparison itself: a documented field missing, a null where none
    # is allowed, an undocumented field, an enum value not in the schema.
    schema = _to_json_schema(
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "label": {"type": "string", "nullable": True},
                "kind": {"enum": ["a", "b"], "type": "string"},
            },
            "required": ["code", "label", "kind"],
        }
    )
    check = Draft202012Validator(schema)
    assert check.is_valid({"code": "1", "label": None, "kind": "a"})
    assert not check.is_valid({"label": "x", "kind": "a"})
    assert not check.is_valid({"code": None, "label": "x", "kind": "a"})
    assert not check.is_valid({"code": "1", "label": "x", "kind": "a", "class": "x"})
    assert not check.is_valid({"code": "1", "label": "x", "kind": "c"})


def test_check_deploy_prints_no_drf_spectacular_warnings(tmp_path: Path) -> None:
    # Production-like settings, in a fresh interpreter (settings are read once).
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIANZHI_")}
    env.update(
        {
            "BIANZHI_PRODUCTION": "1",
            "BIANZHI_SECRET_KEY": "k" * 50,
            "BIANZHI_VAR_DIR": str(tmp_path),
            "BIANZHI_ALLOWED_HOSTS": "bianzhi.example.gov.cn",
            "BIANZHI_SECURE_COOKIES": "1",
        }
    )
    env.pop("PYTEST_VERSION", None)
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert "drf_spectacular" not in output, output
