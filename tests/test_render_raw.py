"""Page parts are written as given (no jinja2 lexing of megabytes of data)."""

from __future__ import annotations

from branca.element import Element, Figure

from geo_priority.render.raw import RawElement


def _page(part: Element) -> str:
    figure = Figure()
    figure.header.add_child(part, name="p")
    return str(figure.render())


def test_plain_text_renders_as_a_template_element_rendered_it() -> None:
    for html in (
        "<title>Peta</title>",
        "<script>var a = {b: [1, 2]};\nif (a) { go(); }</script>\n",
        "<style>.x { color: red; }</style>\n\n",
        "",
    ):
        assert _page(RawElement(html)) == _page(Element(html)), html


def test_template_syntax_in_the_data_is_written_as_given() -> None:
    html = "<title>Prioritas {{ desa }} {# 2025 #} {% x %}</title>"
    assert html in _page(RawElement(html))
