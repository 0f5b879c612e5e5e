"""URLs of many objects of one kind: ``pk_url`` (a list page or API list
resolves the URL pattern once, not once per row)."""

from __future__ import annotations

from django.urls import reverse

_SENTINEL = 987654321


def pk_url(cache: dict[str, tuple[str, str]], name: str, pk: int) -> str:
    """``reverse(name, args=[pk])``, with the URL's text around the id worked
    out once per ``cache`` (a list serializer keeps one for all its rows)
    instead of resolving the pattern again for every row."""
    parts = cache.get(name)
    if parts is None:
        sample = reverse(name, args=[_SENTINEL])
        pieces = sample.split(str(_SENTINEL))
        parts = cache[name] = (pieces[0], pieces[1]) if len(pieces) == 2 else ("", "")
    if not parts[0]:
        return reverse(name, args=[pk])
    return f"{parts[0]}{int(pk)}{parts[1]}"
