"""Page parts written as given, not read as jinja2 templates.

branca's :class:`~branca.element.Element` compiles its text as a jinja2
template. The page's own parts (Leaflet, the script, the data) are plain text
of up to tens of megabytes: lexing them as templates took seconds on the
national desa map, and a ``{{`` or ``{#`` in a title or an area name would
have been read as template syntax. :class:`RawElement` writes its text as it
is.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element

__all__ = ["RawElement"]


class RawElement(Element):
    """A page part whose HTML is written exactly as given.

    Parameters
    ----------
    html : str
        The HTML. As jinja2 renders a template, one final newline is dropped
        (so a part renders as the template :class:`Element` made of it did).
    """

    def __init__(self, html: str) -> None:
        super().__init__()
        self._html = html.removesuffix("\n")

    def render(self, **kwargs: Any) -> str:
        """Return the HTML."""
        return self._html
