"""The map's data (map_spec) and page, without a browser."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo_priority.classify import classify_scores
from geo_priority.config import IndicatorConfig
from geo_priority.render import MapText, build_map, map_spec, render_html
from geo_priority.render.display import display_geometry

from geodata import squares, squares_gdf


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    geoms = squares(4, origin=(106.0, -6.5), size=0.1)
    return gpd.GeoDataFrame(
        {
            "area_id": ["36.01", "36.02", "36.03", "36.04"],
            "area_name": ["A", "B", "C", "D"],
            "priority_score": [10.0, 40.0, 70.0, np.nan],
            "priority_rank": pd.array([3, 2, 1, pd.NA], dtype="Int64"),
            "rate22": [1.0, 2.0, 3.0, 4.0],
            "rate23": [1.5, 1.0, np.nan, 4.0],
            "nik": ["3601011508950001"] * 4,  # must never reach the page
        },
        geometry=geoms,
        crs="EPSG:4326",
    )


def _spec(areas: gpd.GeoDataFrame, lang: str = "id") -> dict:
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4, lang=lang)
    areas = areas.assign(priority_class=c.classes)
    inds = [
        IndicatorConfig(
            key="rate22", source="rate", year=2022, unit="%", label="Tingkat"
        ),
        IndicatorConfig(
            key="rate23",
            source="rate",
            year=2023,
            unit="%",
            label="Tingkat",
            score=False,
        ),
    ]
    return map_spec(areas, c, indicators=inds, texts=MapText("Judul"), lang=lang)


def test_spec_allow_list_and_formatting(areas):
    spec = _spec(areas)
    text = json.dumps(spec)
    assert "3601011508950001" not in text and "nik" not in text
    spec = spec["views"][0]
    first = spec["props"][0]
    assert first["id"] == "36.01" and first["name"] == "A"
    assert first["f"][:3] == ["10,0", "3 dari 3", "Prioritas 4 (0–25)"]
    assert first["f"][3] == "1,00%"  # rate22
    missing = spec["props"][3]
    assert missing["f"][0] == "tidak ada data" and missing["c"][0] == 0
    assert spec["props"][2]["f"][4] == "tidak ada data"  # rate23 missing, never 0


def test_years_share_pooled_classes_and_get_a_change_layer(areas):
    spec = _spec(areas)["views"][0]
    labels = [layer["label"] for layer in spec["layers"]]
    assert labels == [
        "Kelas prioritas",
        "Tingkat 2022",
        "Tingkat 2023",
        "Perubahan tingkat 2022→2023",
    ]
    assert spec["layers"][1]["labels"] == spec["layers"][2]["labels"]  # pooled
    # the same value (4.0, area D) has the same class in both years
    assert spec["props"][3]["c"][1] == spec["props"][3]["c"][2]
    change = [p["f"][5] for p in spec["props"]]
    assert change == [
        "+0,50 poin persen",
        "−1,00 poin persen",
        "tidak ada data",
        "0,00 poin persen",
    ]


def test_page_has_no_network_and_no_paths(areas, tmp_path):
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(
        priority_class=c.classes, area_name=["<script>x</script>", "B", "C", "D"]
    )
    html = render_html(build_map(areas, c, texts=MapText("T")))
    import re

    assert re.findall(r"""(?:src|href)\s*=\s*["']?https?:""", html) == [] or all(
        "leafletjs.com" in m for m in re.findall(r"""href=["']https?:[^"']+""", html)
    )
    assert re.findall(r"""src\s*=\s*["']?https?:""", html) == []
    assert re.findall(r"""url\(\s*["']?https?:""", html) == []
    assert "<script>x</script>" not in html
    assert str(tmp_path) not in html


def test_display_geometry_keeps_shared_borders():
    gdf = squares_gdf(2, crs="EPSG:4326")  # two unit squares sharing an edge
    shown = display_geometry(gdf)
    assert shown.coverage
    assert shown.scale >= 1000
    assert len(shown.rings) == 2 and all(len(r) == 1 for r in shown.rings)


def test_suppressed_cells_are_named_never_zero(areas):
    areas = areas.assign(
        exclusion=[np.nan, 12.5, np.nan, 40.0],
        exclusion_suppressed=[True, False, False, False],
    )
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    ind = IndicatorConfig(key="exclusion", unit="%", label="Kesalahan eksklusi")
    view = map_spec(areas, c, indicators=[ind], texts=MapText("T"))["views"][0]
    assert [p["f"][3] for p in view["props"]] == [
        "disembunyikan (< 10)",
        "12,50%",
        "tidak ada data",
        "40,00%",
    ]
    assert [p["c"][1] for p in view["props"]] == [-1, 2, 0, 1]
    layer = view["layers"][1]
    assert layer["suppressed"] == 1 and layer["no_data"] == 1


def test_area_unscored_because_of_a_hidden_input_is_named_so(areas):
    # D has no score; its scored input is suppressed there, so the priority
    # layer says "disembunyikan", not "tidak ada data". C's input is hidden
    # too, but C has a score (from other inputs): it keeps its class.
    areas = areas.assign(
        exclusion=[1.0, 12.5, np.nan, np.nan],
        exclusion_suppressed=[False, False, True, True],
    )
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    ind = IndicatorConfig(key="exclusion", unit="%", label="Kesalahan eksklusi")
    view = map_spec(areas, c, indicators=[ind], texts=MapText("T"))["views"][0]
    assert [p["c"][0] for p in view["props"]] == [4, 3, 2, -1]
    assert view["props"][3]["f"][0] == "disembunyikan (< 10)"
    layer = view["layers"][0]
    assert layer["suppressed"] == 1 and layer["no_data"] == 0
    unscored = IndicatorConfig(key="exclusion", unit="%", score=False)
    view = map_spec(areas, c, indicators=[unscored], texts=MapText("T"))["views"][0]
    assert view["props"][3]["c"][0] == 0  # not a scored input: plain "no data"


def test_context_keeps_only_nearby_neighbours(areas):
    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    near, far = box(106.5, -6.5, 106.6, -6.4), box(120, -6.5, 121, -6.4)
    context = gpd.GeoDataFrame(geometry=[near, far], crs="EPSG:4326")
    spec = map_spec(areas, c, texts=MapText("T"), context=context)
    assert len(spec["context"]["rings"]) == 1
    assert map_spec(areas, c, texts=MapText("T"))["context"] is None


def test_unknown_language_is_a_config_error_naming_outputs_lang(areas):
    from geo_priority.errors import ConfigError
    from geo_priority.render.i18n import format_value, ui_texts

    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4)
    areas = areas.assign(priority_class=c.classes)
    pattern = r"outputs\.lang = 'fr' .*: id, en"
    with pytest.raises(ConfigError, match=pattern):
        build_map(areas, c, texts=MapText("T"), lang="fr")
    with pytest.raises(ConfigError, match=pattern):
        map_spec(areas, c, texts=MapText("T"), lang="fr")
    with pytest.raises(ConfigError, match=pattern):
        format_value(1.0, lang="fr")
    with pytest.raises(ConfigError, match=pattern):
        ui_texts("fr")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_page_title_is_the_map_title_escaped(areas, lang):
    import re

    c = classify_scores(areas["priority_score"], scheme="prioritas", k=4, lang=lang)
    areas = areas.assign(priority_class=c.classes)
    title = 'Prioritas <desa> & "kota"' if lang == "id" else "Priority <b> & co"
    html = render_html(build_map(areas, c, texts=MapText(title), lang=lang))
    head = html.split("</head>", 1)[0]
    found = re.findall(r"<title>(.*?)</title>", head, flags=re.S)
    expected = (
        title.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )
    assert found == [expected]


def _srgb_to_lab(hex_colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB hex colour."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    m = [
        (0.4124564, 0.3575761, 0.1804375),
        (0.2126729, 0.7151522, 0.0721750),
        (0.0193339, 0.1191920, 0.9503041),
    ]
    white = (0.95047, 1.0, 1.08883)
    xyz = [
        sum(r[j] * lin[j] for j in range(3)) / w for r, w in zip(m, white, strict=True)
    ]

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = (f(t) for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _ciede2000(lab1: tuple[float, ...], lab2: tuple[float, ...]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    from math import atan2, cos, degrees, exp, hypot, radians, sin, sqrt

    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (hypot(a1, b1) + hypot(a2, b2)) / 2
    g = 0.5 * (1 - sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = hypot(a1p, b1), hypot(a2p, b2)
    h1p = degrees(atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = degrees(atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dhh = 2 * sqrt(c1p * c2p) * sin(radians(dh / 2))
    lp, cp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp = (h1p + h2p) / 2
    else:
        hp = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * cos(radians(hp - 30))
        + 0.24 * cos(radians(2 * hp))
        + 0.32 * cos(radians(3 * hp + 6))
        - 0.20 * cos(radians(4 * hp - 63))
    )
    sl = 1 + 0.015 * (lp - 50) ** 2 / sqrt(20 + (lp - 50) ** 2)
    sc, sh = 1 + 0.045 * cp, 1 + 0.015 * cp * t
    rt = (
        -2
        * sqrt(cp**7 / (cp**7 + 25**7))
        * sin(radians(60 * exp(-(((hp - 275) / 25) ** 2))))
    )
    return sqrt(
        (dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh)
    )


def test_ciede2000_matches_sharma_reference_pairs():
    assert _ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(
        2.0425, abs=1e-4
    )
    assert _ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_suppressed_colour_stands_apart_from_every_class_colour():
    """On a projector, hidden cells must not pass for a pale class or no data."""
    from geo_priority.render import NO_DATA_COLOUR, SUPPRESSED_COLOUR, class_colours
    from geo_priority.render.layers import _change_colours, _indicator_colours

    others = {NO_DATA_COLOUR, *_change_colours(True)}
    for k in range(2, 8):
        others |= {*class_colours(k), *_indicator_colours(k, True)}
    hidden = _srgb_to_lab(SUPPRESSED_COLOUR)
    closest = min(others, key=lambda c: _ciede2000(hidden, _srgb_to_lab(c)))
    assert _ciede2000(hidden, _srgb_to_lab(closest)) >= 20, closest


@pytest.mark.parametrize("lang", ["id", "en"])
def test_more_sources_points_to_the_method_panel_not_a_file(lang):
    from geo_priority.render.i18n import text

    shown = text("more_sources", lang).format(n=3)
    assert "json" not in shown and "berkas" not in shown
    assert text("method_title", lang) in shown  # the button that lists them all


def _unvarint(raw: bytes) -> list[int]:
    """Zigzag LEB128 varints back to integers (as the page's script reads them)."""
    out, value, shift = [], 0, 0
    for b in raw:
        value |= (b & 127) << shift
        shift += 7
        if b < 128:
            out.append((value >> 1) ^ -(value & 1))
            value, shift = 0, 0
    return out


def _grid_level(n_x: int, n_y: int, size: float) -> tuple[gpd.GeoDataFrame, object]:
    geoms = [
        box(100 + i * size, -8 + j * size, 100 + (i + 1) * size, -8 + (j + 1) * size)
        for j in range(n_y)
        for i in range(n_x)
    ]
    score = pd.Series(np.arange(len(geoms), dtype=float) % 97)
    c = classify_scores(score, scheme="quantiles", k=4)
    areas = gpd.GeoDataFrame(
        {
            "area_id": [f"{k:05d}" for k in range(len(geoms))],
            "area_name": [f"A{k}" for k in range(len(geoms))],
            "priority_score": score,
            "priority_rank": score.rank(ascending=False, method="min").astype("Int64"),
            "priority_class": c.classes,
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    return areas, c


def test_level_of_detail_map_packs_its_levels_and_starts_each_by_size():
    import base64
    import gzip
    import math

    from geo_priority.render import MapLevel
    from geo_priority.render.display import LOD_AREAS, LOD_PIXELS

    fine, c = _grid_level(80, 70, 0.02)  # 5,600 squares of 0.02 degrees
    coarse, cc = _grid_level(8, 7, 0.2)  # 56 blocks of 0.2 degrees
    assert len(fine) > LOD_AREAS
    spec = map_spec(
        fine, c, texts=MapText("T"), levels=[MapLevel("blok", coarse, cc)], lang="id"
    )
    assert spec["lod"] is True
    assert spec["lod_label"] == "otomatis (menurut zoom)"
    # a level is drawn from the zoom at which its squares span LOD_PIXELS (8)
    # pixels: 8 * 360 / 256 / 0.02 = 562.5 -> zoom 9.136; 0.2 -> 5.814
    starts = [v["min_zoom"] for v in spec["views"]]
    assert starts == [
        round(math.log2(LOD_PIXELS * 360 / 256 / 0.02), 3),
        round(math.log2(LOD_PIXELS * 360 / 256 / 0.2), 3),
    ]
    assert starts == [9.136, 5.814]
    # simplified to one pixel at the deepest zoom each is drawn at: the
    # blocks until the squares start (0.02 / 8 px), the squares one zoom on
    tolerances = [v["display"]["tolerance_deg"] for v in spec["views"]]
    assert tolerances == pytest.approx([0.02 / 16, 0.02 / 8], rel=1e-9)
    assert all("rings" not in v and "props" not in v for v in spec["views"])
    ints = _unvarint(gzip.decompress(base64.b64decode(spec["packed"])))
    # per level: structure length, coordinate count, then 1 polygon of 1 ring
    # of 5 vertices per square, 10 coordinates each
    assert ints[:2] == [3 * 5600, 10 * 5600]
    assert ints[2:5] == [1, 1, 5]
    rest = ints[2 + 3 * 5600 + 10 * 5600 :]
    assert rest[:2] == [3 * 56, 10 * 56]
    assert len(rest) == 2 + 13 * 56
    props = json.loads(gzip.decompress(base64.b64decode(spec["packed_props"])))
    assert [len(p) for p in props] == [5600, 56]
    assert props[1][0]["id"] == "00000"


def test_small_or_single_level_maps_keep_plain_geometry(areas):
    spec = _spec(areas)
    assert spec["lod"] is False
    assert "packed" not in spec
    assert spec["views"][0]["min_zoom"] is None
    assert len(spec["views"][0]["rings"]) == 4
