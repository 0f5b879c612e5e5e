"""Malformed numbers and dates never crash a page (no 5xx).

Walks every URL pattern with the objects of 大英县 (the URL-walk world of
``test_url_scoping``) as 大英县's own officer. For each page that renders, its
forms are read from the HTML (field names, input types, rendered values) and
submitted again with one field at a time replaced by a malformed value and the
others at their rendered defaults (blank required ones filled in as a user
would, so the request gets past "required" into the code that parses numbers
and dates): GET forms as query strings, POST forms as POST bodies (the test
client does not enforce CSRF). List pages and every API answer are also
requested with the common query parameters set to malformed values.

Every crash (an exception or a 5xx) is collected and listed at the end with
the URL, the field and the value, so one run reports all of them.

The test must stay under a minute: a form is fuzzed once however many pages or
rows show it, a field once per view (the rules page has thirty forms sharing
most fields), and a big form (the allocation plan's dozens of parameters) gets
only the first, most telling values of each field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from django.http import QueryDict
from django.test import Client
from django.urls import resolve, reverse
from django.utils.datastructures import MultiValueDict
from tests.web.test_url_scoping import all_routes, urls_for
from tests.web.test_url_scoping import world as world  # noqa: F401  (the fixture)

from bianzhi.kernel.testing import ForeignWorld

# What a careless or hostile user types, by the input type the page declares,
# most telling first. A browser keeps letters out of a number field, but a
# request can carry anything, so every field is fuzzed, hidden ones and
# drop-downs included, and text fields too (some carry numbers: weights, scores).
NUMBERS = ["99999999999999999999", "NaN", "Infinity", "-1", "abc", "1e309", ""]
# 9999-12-31 is a real date, but a day later is not: date arithmetic overflows.
DATES = ["2026-02-30", "9999-12-31", "9999-12-32", "0000-00-00", "abc", ""]
MONTHS = ["9999-12", "1-1", "abc"]
# Hidden fields and drop-downs (ids, choices): what breaks the lookup behind them.
CHOICES = ["NaN", "99999999999999999999", ""]
# Text: the two values that break a number parser behind a text field
# (int("NaN") fails, Decimal("NaN") < 0 raises, a 20-digit integer overflows).
TEXTS = ["99999999999999999999", "NaN"]
VALUES_BY_TYPE = {
    "number": NUMBERS,
    "range": NUMBERS,
    "date": DATES,
    "month": MONTHS,
    "hidden": CHOICES,
    "select": CHOICES,
    "radio": CHOICES,
    "checkbox": CHOICES,
}
# Requests per form (and submit button): a bigger form gets the first, most
# telling values of each field only.
FORM_BUDGET = 20
# Blank required fields of the base submission, filled as a user would (blank
# optional ones stay blank: a made-up value there may be refused first).
PLAUSIBLE = {"number": "1", "date": "2025-06-30", "month": "2025-06", "email": "a@example.com"}
PLAUSIBLE_TEXT = "模糊测试"
# Query parameters the list pages and the API read (see request.GET in the views).
QUERY_PARAMS = [
    "month", "plan", "page", "year", "date", "on", "as_of", "township", "county",
    "region", "status", "urgency", "overdue", "due_from", "due_to", "from", "to",
    "a", "b", "quota_type", "mode", "q", "parent", "severity", "rule", "unit",
    "page_size", "limit", "offset",
]  # fmt: skip
# "²" passes str.isdigit() but not int().
QUERY_VALUES = ["abc", "99999999999999999999", "-1", "NaN", "9999-12", "1-1", "2026-02-30", "²"]
NEVER_FUZZED = {"csrfmiddlewaretoken"}
# Query parameters DRF itself reads on every API URL (format override,
# pagination): fuzzed on the first API URL only, the code is the same.
DRF_PARAMS = {"format", "page"}
# URLs whose query parameters are not fuzzed, with the reason.
NO_QUERY_FUZZ = {
    "api-schema": "built from every API view in one request, so it reads their parameters "
    "(fuzzed on their own URLs); each request takes a quarter of a second",
}


@dataclass
class Form:
    action: str
    method: str
    # (name, type, value) in document order, as a browser would submit them.
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    # Named submit buttons: each one is a separate submission (name=value).
    buttons: list[tuple[str, str]] = field(default_factory=list)
    required: set[str] = field(default_factory=set)


class FormParser(HTMLParser):
    """The forms of a page with the values a browser would submit unchanged,
    except that a drop-down with nothing chosen takes its first real option."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._options: list[str] = []
        self._chosen: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if name and "required" in a:
            form.required.add(name)
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("submit", "image", "button"):
                form.buttons.append((name, value))
            elif kind == "checkbox" and "checked" not in a:
                pass
            elif kind == "radio":
                # The checked radio wins; otherwise the first one (a user picks one).
                present = any(n == name for n, _, _ in form.fields)
                if "checked" in a:
                    form.fields = [f for f in form.fields if f[0] != name]
                if "checked" in a or not present:
                    form.fields.append((name, kind, value))
            else:
                form.fields.append((name, kind, "" if kind == "file" else value))
        elif tag == "button" and name and a.get("type", "submit").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options, self._chosen = name, [], None
        elif tag == "option" and self._select is not None:
            self._options.append(a.get("value", ""))
            if "selected" in a:
                self._chosen = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and form is not None:
            chosen = self._chosen
            if chosen is None:
                chosen = next((o for o in self._options if o), "")
            form.fields.append((self._select, "select", chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and form is not None:
            form.fields.append((self._textarea, "textarea", "".join(self._text).strip()))
            self._textarea = None


def page_forms(url: str, html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        form.action = urlsplit(urljoin(url, form.action or url)).path
        if form.method not in ("get", "post"):
            form.method = "get"
    return parser.forms


@dataclass
class Crashes:
    found: list[str] = field(default_factory=list)
    requests: int = 0

    def request(self, client: Client, method: str, url: str, data: Any, what: str) -> Any:
        self.requests += 1
        try:
            response = getattr(client, method)(url, data)
        except Exception as exc:  # noqa: BLE001 - every crash is a finding
            self.found.append(f"{method.upper()} {url} {what}: {type(exc).__name__}: {exc}")
            return None
        if response.status_code >= 500:
            self.found.append(f"{method.upper()} {url} {what}: HTTP {response.status_code}")
        return response


def base_data(form: Form, button: tuple[str, str] | None) -> dict[str, list[str]]:
    """What the form submits untouched, blank required fields filled in."""
    data: dict[str, list[str]] = {}
    for name, kind, value in form.fields:
        if kind == "file":
            continue
        if not value and name in form.required:
            value = PLAUSIBLE.get(kind, PLAUSIBLE_TEXT)
        data.setdefault(name, []).append(value)
    if button is not None and button[0]:
        data.setdefault(button[0], []).append(button[1])
    return data


def fuzz_plan(form: Form, done: set[str] | None = None) -> list[tuple[str, str]]:
    """(field, malformed value) pairs to submit. Fields that differ only in
    digits (``admin_w_0``, ``admin_w_1``: one per indicator or class) are one
    field, and so is a field already fuzzed for the same view (``done``, updated:
    the thirty rule forms of the rules page share most fields); a form over the
    budget gets the first values of each field."""
    done = set() if done is None else done
    kinds = {n: kind for n, kind, _ in reversed(form.fields)}
    shapes: dict[str, str] = {}
    for name in reversed(kinds):
        shape = f"{kinds[name]}:{re.sub(r'[0-9]+', '#', name)}"
        if kinds[name] != "file" and name not in NEVER_FUZZED and shape not in done:
            shapes.setdefault(shape, name)
    done.update(shapes)
    names = list(shapes.values())
    values = {n: VALUES_BY_TYPE.get(kinds[n], TEXTS) for n in names}
    per_field = max(len(v) for v in values.values()) if values else 0
    if sum(len(v) for v in values.values()) > FORM_BUDGET:
        per_field = max(1, FORM_BUDGET // len(names))
    return [(n, bad) for n in names for bad in values[n][:per_field]]


def _fuzz_form(client: Client, crashes: Crashes, form: Form, done: set[str]) -> None:
    variants: list[tuple[str, str] | None] = list(dict.fromkeys(form.buttons)) or [None]
    plan = fuzz_plan(form, done)
    for button in variants:
        base = base_data(form, button)
        for name, bad in plan:
            label = f"{name}={bad!r}" + (f" ({button[0]}={button[1]})" if button else "")
            crashes.request(client, form.method, form.action, {**base, name: [bad]}, label)


def _walk_urls(world: ForeignWorld) -> list[str]:
    """A URL for every route; format-suffix twins (the same view) are skipped.
    All factories run before any page is fetched, so each page sees the whole
    world (the county's agency page lists the department the agency factory
    creates)."""
    urls = []
    for route in all_routes():
        if "format" not in route.params:
            urls += urls_for(route, world)
    return urls


def query_fuzz(params: Sequence[str] = QUERY_PARAMS) -> list[dict[str, str]]:
    """Requests in which every parameter takes every malformed value once,
    rotated so the parameters of one request are malformed differently."""
    n = len(QUERY_VALUES)
    return [{param: QUERY_VALUES[(i + j) % n] for j, param in enumerate(params)} for i in range(n)]


class ParamsRead:
    """The query parameters a view reads, recorded while it answers a plain
    GET (``request.GET.get("year")``, ``["year"]``, ``getlist``, ``in``; DRF's
    ``query_params`` is the same object). Each is then fuzzed alone: sent
    together, one malformed parameter hides the others (a bad ``region`` is a
    404 before ``year`` is parsed). A view that takes the whole query
    (``.dict()``, ``.items()``, a copy) reads everything: it gets all of
    ``QUERY_PARAMS`` at once."""

    BY_KEY = ("get", "getlist", "__getitem__", "__contains__")
    WHOLE = ("dict", "items", "lists", "values", "keys", "__iter__")

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.everything = False

    @contextmanager
    def watching(self) -> Iterator[ParamsRead]:
        originals = {name: getattr(MultiValueDict, name) for name in self.BY_KEY + self.WHOLE}
        originals["copy"] = QueryDict.copy

        def by_key(name: str) -> Any:
            def wrapper(qd: Any, key: Any, *args: Any) -> Any:
                if isinstance(qd, QueryDict) and key not in self.keys:
                    self.keys.append(key)
                return originals[name](qd, key, *args)

            return wrapper

        def whole(name: str) -> Any:
            def wrapper(qd: Any, *args: Any) -> Any:
                if isinstance(qd, QueryDict):
                    self.everything = True
                return originals[name](qd, *args)

            return wrapper

        try:
            for name in self.BY_KEY:
                setattr(MultiValueDict, name, by_key(name))
            for name in self.WHOLE:
                setattr(MultiValueDict, name, whole(name))
            setattr(QueryDict, "copy", whole("copy"))  # noqa: B010
            yield self
        finally:
            for name, original in originals.items():
                setattr(QueryDict if name == "copy" else MultiValueDict, name, original)

    def fuzz(self, skip: set[str] | frozenset[str] = frozenset()) -> list[dict[str, str]]:
        if self.everything:
            return query_fuzz()
        return [{key: bad} for key in self.keys if key not in skip for bad in QUERY_VALUES]


def test_no_page_form_or_query_parameter_crashes_on_malformed_input(
    client: Client, world: ForeignWorld
) -> None:
    logout = reverse("accounts:logout")
    crashes = Crashes()
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    done: dict[tuple[str, str], set[str]] = {}  # (method, view) -> fields fuzzed
    drf_done: set[str] = set()
    for url in _walk_urls(world):
        client.force_login(world.officer)
        with ParamsRead().watching() as read:
            response = crashes.request(client, "get", url, {}, "(plain GET)")
        if response is None or response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        api = kind.startswith("application/json")
        if resolve(url).url_name not in NO_QUERY_FUZZ:
            for query in read.fuzz(skip=drf_done if api else set()):
                crashes.request(client, "get", url, query, f"?{urlencode(query)}")
        if api:
            drf_done |= DRF_PARAMS
        if not kind.startswith("text/html"):
            continue
        for form in page_forms(url, response.content.decode()):
            # The same form on many pages or rows (one per task, per finding)
            # is fuzzed once: its view and field names identify it.
            view = (form.method, resolve(form.action).view_name)
            key = (*view, tuple(n for n, _, _ in form.fields))
            if form.action == logout or key in seen:
                continue
            seen.add(key)
            _fuzz_form(client, crashes, form, done.setdefault(view, set()))
    print(f"fuzz: {crashes.requests} requests, {len(seen)} forms")
    assert not crashes.found, "crashes on malformed input:\n" + "\n".join(crashes.found)


def test_the_form_parser_reads_what_a_browser_would_submit() -> None:
    html = (
        '<form method="post" action="/x/"><input type="hidden" name="action" value="a">'
        '<input name="n" type="number" value="3" required><select name="s"><option value="1">'
        '<option value="2" selected></select><select name="e"><option value="">---'
        '<option value="7"></select><textarea name="t"> hi </textarea>'
        '<input type="checkbox" name="c"><input type="checkbox" name="d" value="y" checked>'
        '<input type="radio" name="r" value="p"><input type="radio" name="r" value="q" checked>'
        '<button name="go" value="yes"></button><input type="submit" value="保存"></form>'
        '<form><input name="q" disabled><input type="file" name="f"></form>'
    )
    post, get = page_forms("/page/", html)
    assert post == Form(
        action="/x/",
        method="post",
        fields=[
            ("action", "hidden", "a"),
            ("n", "number", "3"),
            ("s", "select", "2"),
            ("e", "select", "7"),  # nothing chosen: the first real option
            ("t", "textarea", "hi"),
            ("d", "checkbox", "y"),
            ("r", "radio", "q"),
        ],
        buttons=[("go", "yes")],
        required={"n"},
    )
    assert get == Form(action="/page/", method="get", fields=[("f", "file", "")])


def test_blank_required_fields_are_filled_and_optional_ones_left_blank() -> None:
    form = Form(
        action="/x/",
        method="post",
        fields=[("title", "text", ""), ("when", "date", ""), ("id", "hidden", "")],
        required={"title", "when"},
    )
    form.fields.append(("note", "text", ""))
    assert base_data(form, ("action", "save")) == {
        "title": [PLAUSIBLE_TEXT],
        "when": ["2025-06-30"],
        "id": [""],
        "note": [""],
        "action": ["save"],
    }
    assert fuzz_plan(form) == [
        *[("title", v) for v in TEXTS],
        *[("when", v) for v in DATES],
        *[("id", v) for v in CHOICES],
        *[("note", v) for v in TEXTS],
    ]


def test_a_big_form_gets_each_field_once_with_its_most_telling_values() -> None:
    per_indicator = [(f"w_{i}", "number", "") for i in range(30)]  # one field, w_#
    others = [(f"n{c}", "number", "") for c in "abcdefghijklmnopqrst"]
    sample = fuzz_plan(Form(action="/x/", method="post", fields=per_indicator + others))
    assert [name for name, _ in sample] == ["w_0"] + [n for n, _, _ in others]
    assert {value for _, value in sample} == {NUMBERS[0]}
    done = {"number:w_#"}
    again = fuzz_plan(Form(action="/x/", method="post", fields=[("w_0", "number", "")]), done)
    assert again == []  # already fuzzed for this view


def test_query_fuzz_gives_every_parameter_every_value() -> None:
    requests = query_fuzz()
    assert len(requests) == len(QUERY_VALUES)
    for param in QUERY_PARAMS:
        assert {r[param] for r in requests} == set(QUERY_VALUES)
    # Not all parameters malformed the same way in one request.
    assert all(len(set(r.values())) == len(QUERY_VALUES) for r in requests)
