"""Long kab/kota names in the figure's ranking list take the map labels' short form.

With the progress-status column the name column is narrower: "Kabupaten
Tangerang" was cut to "Kabupaten Tanger…". When a listed name does not fit,
every listed name is written as the map labels write it ("Kab. Tangerang"),
and only a name still too long is cut. Checked on the drawn text and on its
pixels: each name ends left of its status symbol.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from shapely.geometry import box

from geo_priority.classify import classify_scores
from geo_priority.render import MapText
from geo_priority.render._figure_page import short_name
from geo_priority.render.figure import build_figure

NAMES = [
    "Kabupaten Tangerang",
    "Kabupaten Administrasi Kepulauan Seribu",
    "Kabupaten Pandeglang",
    "Kota Tangerang Selatan",
    "Kabupaten Lebak",
    "Kabupaten Serang",
]
STATUS = ["off track", "at risk", "on track", "on track", None, None]
TEXTS = MapText("Uji", "Kabupaten/kota · uji", ("BPS uji",), "uji")


def _draw(size: str, names: list[str], status: bool = True) -> Figure:
    n = len(names)
    areas = gpd.GeoDataFrame(
        {
            "area_id": [f"36.0{i}" for i in range(1, n + 1)],
            "area_name": names,
            "priority_score": [90.0, 80.0, 50.0, 30.0, 10.0, 5.0][:n],
        },
        geometry=[box(106 + 0.1 * i, -6.5, 106.1 + 0.1 * i, -6.4) for i in range(n)],
        crs="EPSG:4326",
    )
    areas["priority_rank"] = areas["priority_score"].rank(ascending=False)
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=3)
    areas["priority_class"] = c.classes.to_numpy()
    if status:
        areas["progress_status"] = STATUS[:n]
    fig = build_figure(areas, c, texts=TEXTS, size=size, date=dt.date(2025, 6, 12))
    fig.set_dpi(100)
    fig.canvas.draw()
    return fig


def _listed(fig: Figure) -> list[str]:
    return [a.get_text() for a in fig.findobj(lambda a: a.get_gid() == "top_name")]


def test_short_name_is_the_map_label_form() -> None:
    assert short_name("Kabupaten Tangerang") == "Kab. Tangerang"
    assert short_name("Kabupaten Administrasi Kepulauan Seribu") == (
        "Kab. Adm. Kep. Seribu"
    )
    assert short_name("Kota Tangerang Selatan") == "Kota Tangerang Selatan"
    assert short_name("Kecamatan Cikeusik") == "Kecamatan Cikeusik"


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (
            "slide",
            [
                "Kab. Tangerang",
                "Kab. Adm. Kep. Seribu",
                "Kab. Pandeglang",
                "Kota Tangerang Selatan",
                "Kab. Lebak",
                "Kab. Serang",
            ],
        ),
        (
            "a4",
            [
                "Kab. Tangerang",
                "Kab. Adm. Kep.…",
                "Kab. Pandeglang",
                "Kota Tangerang…",
                "Kab. Lebak",
                "Kab. Serang",
            ],
        ),
    ],
)
def test_long_names_take_the_short_form_beside_the_status(
    size: str, expected: list[str]
) -> None:
    fig = _draw(size, NAMES)
    assert _listed(fig) == expected
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    names = fig.findobj(lambda a: a.get_gid() == "top_name")
    marks = fig.findobj(lambda a: a.get_gid() == "top_status")
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)  # type: ignore[attr-defined]
    h = fig.canvas.get_width_height()[1]
    ink = np.array(to_rgb("#1a1a1a")) * 255
    for name, mark in zip(names, marks[:4], strict=False):
        nb, mb = name.get_window_extent(renderer), mark.get_window_extent(renderer)
        assert nb.x1 < mb.x0, name.get_text()  # the name ends before its symbol
        # the name is drawn: dark text pixels inside its box
        glyphs = img[int(h - nb.y1) : int(h - nb.y0), int(nb.x0) : int(nb.x1)]
        assert (np.abs(glyphs - ink).max(axis=-1) < 80).sum() > 30, name.get_text()


def test_names_that_fit_are_kept_as_written() -> None:
    names = ["Kabupaten Lebak", "Kota Serang", "Kota Cilegon"]
    assert _listed(_draw("slide", names)) == names
    # without the status column the slide's wider name column keeps them whole
    whole = [n for n in NAMES if "Seribu" not in n]
    assert _listed(_draw("slide", whole, status=False)) == whole
    # and so does the status column when every full name fits beside it
    assert _listed(_draw("slide", whole)) == whole
