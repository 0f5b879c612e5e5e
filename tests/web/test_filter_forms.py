"""Every filter form (a GET form) of every page carries the ``filters`` class
that styles it like the rest (app.css), or is an inline one-select form."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "bianzhi"
GET_FORM = re.compile(r"<form\b[^>]*\bmethod=\"get\"[^>]*>", re.IGNORECASE)


def test_every_get_form_is_styled_as_a_filter_bar() -> None:
    unstyled = []
    for template in TEMPLATES.rglob("templates/**/*.html"):
        for form in GET_FORM.findall(template.read_text(encoding="utf-8")):
            classes = re.search(r'class="([^"]*)"', form)
            names = classes.group(1).split() if classes else []
            if "filters" not in names and "inline" not in names:
                unstyled.append(f"{template.relative_to(TEMPLATES)}: {form}")
    assert not unstyled, unstyled
