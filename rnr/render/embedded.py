"""A self-contained report page placed inside another page: its body, headings one level down.

The programme report (:func:`rnr.render.indicators.report_html`) and the
validity study (:func:`rnr.render.validity_html.study_html`) are whole HTML
pages with their own inline stylesheet, made to be saved and mailed. The
browser workspace shows the same reports inside its own layout, under its
own heading and a strict Content-Security-Policy that refuses inline styles:
:func:`embedded` keeps what is between ``<body>`` and ``</body>`` (the
``<head>`` with its ``<style>`` is left out) and moves every heading one
level down, so the report's ``<h1>`` sits under the page's. Both pages are
rendered by this package's autoescaped templates, so no text of theirs can
hold a tag: the markers are the templates' own.

>>> embedded("<!DOCTYPE html><html><head><style>p{}</style></head>"
...          "<body><h1>Informe</h1><h2>a &lt;h1&gt;</h2></body></html>")
'<h2>Informe</h2><h3>a &lt;h1&gt;</h3>'
"""

from __future__ import annotations

import re

from rnr.errors import RenderError

__all__ = ["embedded"]

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
_HEADING = re.compile(r"<(/?)h([1-5])\b")
#: An inline script or style: an element, or a ``style`` attribute inside a tag.
_INLINE = re.compile(r"<(script|style)\b|<[^>]*\sstyle=", re.IGNORECASE)


def embedded(page: str) -> str:
    """The body of a whole HTML page, its headings one level down (``h1`` → ``h2``, and so on).

    Raises:
        RenderError: the page has no body, or holds an inline script or style in it.
    """
    found = _BODY.search(page)
    if found is None:
        raise RenderError("the report page has no <body>", template="embedded")
    body = found.group(1).strip()
    if _INLINE.search(body):
        raise RenderError("the report's body holds a script or a style", template="embedded")
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body)
