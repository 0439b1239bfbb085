"""Page of the static figure: sizes, fonts, colours, text placement, header, footer.

Shared by the map (:mod:`geo_priority.render._figure_map`), the legend and top
list (:mod:`geo_priority.render._figure_legend`) and their assembly in
:mod:`geo_priority.render.figure`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.typing import RcKeyType

from geo_priority.errors import ConfigError
from geo_priority.messages import tr
from geo_priority.render import MapText
from geo_priority.render.i18n import text

#: Areas are labelled by name up to this many; above it, the top ranks by number.
MAX_NAME_LABELS = 40
#: How many of the highest-priority areas the figure lists by name.
TOP_N = 10

INK = "#1a1a1a"
GREY = "#4d4d4d"
WARN = "#b30000"
OUTLINE = "#6b6b6b"
#: Long words of area names and the short forms the map labels use.
_SHORT_WORDS = (
    ("Kabupaten Administrasi ", "Kab. Adm. "),
    ("Kota Administrasi ", "Kota Adm. "),
    ("Kabupaten ", "Kab. "),
    ("Kepulauan ", "Kep. "),
)
#: matplotlib settings of every figure: one font, embeddable (TrueType) in PDF.
RC_PARAMS: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
}


@dataclass(frozen=True)
class Layout:
    """Page size (inches), margins and font sizes (points) of a figure size."""

    width: float
    height: float
    margin: float
    title: float
    title_min: float
    subtitle: float
    warning: float
    legend: float
    listing: float
    label: float
    note: float
    small: float
    panel: float  # width of the side panel (slide); 0 puts the panel below


FIGURE_SIZES: dict[str, Layout] = {
    "slide": Layout(13.333, 7.5, 0.4, 26, 22, 15, 14, 14, 13, 12, 9.5, 12, 4.4),
    "a4": Layout(8.27, 11.69, 0.55, 20, 17, 12.5, 11.5, 13, 12, 10, 7.5, 10, 0.0),
}


def short_name(name: str) -> str:
    """Return ``name`` in the short form of the map labels ("Kab. Tangerang").

    Examples
    --------
    >>> short_name("Kabupaten Tangerang")
    'Kab. Tangerang'
    >>> short_name("Kabupaten Administrasi Kepulauan Seribu")
    'Kab. Adm. Kep. Seribu'
    >>> short_name("Kota Tangerang Selatan")
    'Kota Tangerang Selatan'
    """
    for long, short in _SHORT_WORDS:
        name = name.replace(long, short)
    return name


def normalise_size(size: str) -> str:
    """Return the key of a figure size (``"slide"`` or ``"a4"``), or raise.

    Raises
    ------
    ConfigError
        For an unknown size; the message lists the known ones.

    Examples
    --------
    >>> normalise_size(" A4 ")
    'a4'
    """
    key = str(size).strip().lower().replace("-", "")
    if key not in FIGURE_SIZES:
        raise ConfigError(
            tr(
                "unknown figure size {size!r} (--size). Choose one of: {sizes} "
                "(16:9 slide or A4 portrait page).",
                size=size,
                sizes=", ".join(sorted(FIGURE_SIZES)),
            )
        )
    return key


def layout_of(size: str) -> Layout:
    return FIGURE_SIZES[normalise_size(size)]


# --- text placement --------------------------------------------------------


class Page:
    """Places text on a figure in inches, measuring it with the Agg renderer."""

    def __init__(self, fig: Figure, layout: Layout, lang: str) -> None:
        self.fig = fig
        self.layout = layout
        self.lang = lang
        canvas = FigureCanvasAgg(fig)
        # matplotlib leaves get_renderer unannotated
        self.renderer: RendererBase = canvas.get_renderer()  # type: ignore[no-untyped-call]

    def width_of(self, s: str, size: float, weight: str = "normal") -> float:
        prop = FontProperties(size=size, weight=weight)
        w, _h, _d = self.renderer.get_text_width_height_descent(s, prop, ismath=False)
        return float(w) / self.fig.dpi

    def wrap(self, s: str, size: float, width: float, weight: str = "normal") -> str:
        """Break ``s`` into lines no wider than ``width`` inches.

        Lines break between " · "-separated parts when each part fits a line,
        else between words.
        """
        lines: list[str] = []
        for paragraph in s.split("\n"):
            parts = paragraph.split(" · ")
            fits = all(self.width_of(p, size, weight) <= width for p in parts)
            glue, tokens = (" · ", parts) if fits else (" ", paragraph.split())
            line = ""
            for token in tokens:
                candidate = f"{line}{glue}{token}" if line else token
                if line and self.width_of(candidate, size, weight) > width:
                    lines.append(line)
                    line = token
                else:
                    line = candidate
            lines.append(line)
        return "\n".join(lines)

    def fit(
        self, s: str, size: float, smallest: float, width: float, weight: str
    ) -> tuple[str, float]:
        """Shrink ``s`` down to ``smallest`` pt to keep one line, else wrap.

        Wrapped lines are balanced: the narrowest width giving as few lines.
        """
        for pt in np.arange(size, smallest - 0.01, -1.0):
            if self.width_of(s, float(pt), weight) <= width:
                return s, float(pt)
        n_breaks = self.wrap(s, size, width, weight).count("\n")
        low, high = width / (n_breaks + 1), width
        while high - low > 0.05:
            mid = (low + high) / 2
            fewer = self.wrap(s, size, mid, weight).count("\n") <= n_breaks
            low, high = (low, mid) if fewer else (mid, high)
        return self.wrap(s, size, high, weight), size

    def put(self, x: float, y: float, s: str, size: float, **kw: Any) -> float:
        """Write ``s`` with its top-left (or ``ha``) at (x, y) inches; return height."""
        lay = self.layout
        kw.setdefault("va", "top")
        kw.setdefault("color", INK)
        self.fig.text(
            x / lay.width,
            y / lay.height,
            s,
            fontsize=size,
            linespacing=1.25,
            parse_math=False,
            **kw,
        )
        return (s.count("\n") + 1) * size * 1.25 / 72


def draw_header(page: Page, texts: MapText) -> float:
    """Draw title, subtitle and warning; return the y (inches) below them."""
    lay = page.layout
    width = lay.width - 2 * lay.margin
    y = lay.height - lay.margin
    title, size = page.fit(texts.title, lay.title, lay.title_min, width, "bold")
    y -= page.put(lay.margin, y, title, size, weight="bold", gid="title")
    if texts.subtitle:
        sub, pt = page.fit(texts.subtitle, lay.subtitle, lay.subtitle, width, "normal")
        y -= 0.06 + page.put(lay.margin, y - 0.06, sub, pt, color=GREY)
    if texts.warning:
        warn = page.wrap(texts.warning, lay.warning, width, "bold")
        y -= 0.06 + page.put(
            lay.margin,
            y - 0.06,
            warn,
            lay.warning,
            color=WARN,
            weight="bold",
            gid="warning",
        )
    return y - 0.15


def _source_lines(texts: MapText, attribution: str, lang: str) -> list[str]:
    lines = []
    if texts.sources:
        cited = [s.split(" http")[0].strip() for s in texts.sources[:3]]
        if len(texts.sources) > 3:
            more = len(texts.sources) - 3
            cited.append(text("more_sources_short", lang).format(n=more))
        lines.append(f"{text('sources', lang)}: " + "; ".join(cited))
    if attribution:
        lines.append(attribution)
    if texts.method:
        lines.append(f"{text('method', lang)}: {texts.method}")
    return lines


def _date_text(date: dt.date, lang: str) -> str:
    months = text("months", lang).split()
    return text("made_on", lang).format(
        date=f"{date.day} {months[date.month - 1]} {date.year}"
    )


def draw_footer(
    page: Page, texts: MapText, attribution: str, date: dt.date, lang: str
) -> float:
    """Draw the source note and the date at the bottom; return the y above them."""
    lay = page.layout
    stamp = _date_text(date, lang)
    date_w = page.width_of(stamp, lay.note + 1, "bold") + 0.3
    width = lay.width - 2 * lay.margin - date_w
    note = "\n".join(
        page.fit(line, lay.note, lay.note, width, "normal")[0]
        for line in _source_lines(texts, attribution, lang)
    )
    height = (note.count("\n") + 1) * lay.note * 1.25 / 72 if note else 0.0
    top = lay.margin + max(height, (lay.note + 1) / 72)
    if note:
        page.put(lay.margin, top, note, lay.note, color=GREY, gid="source_note")
    page.put(
        lay.width - lay.margin,
        lay.margin,
        stamp,
        lay.note + 1,
        ha="right",
        va="bottom",
        weight="bold",
        color=GREY,
        gid="date",
    )
    return top + 0.15
