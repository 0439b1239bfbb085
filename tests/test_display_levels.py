"""Coarser map levels dissolved for display only (issue 11).

An HTML-only run draws its coarser levels from the simplified union of their
children (``harmonise.display_levels``) and never runs the exact dissolve;
runs that export GIS layers or test hotspots still do. The display shapes
stay within a few tolerances of the exact ones (Banten, real boundaries).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geo_priority import analysis, display_draft, display_shapes, geometry, harmonise
from geo_priority.analysis import exact_levels_needed
from geo_priority.config import config_from_dict
from geo_priority.render import display
from tests.conftest import require_shared

BANTEN_DESA = ("boundaries", "banten_desa_kemendagri2025_cahyadsn.geojson")


def _config(formats: list[str], *, hotspots: bool = False) -> object:
    data: dict[str, object] = {
        "boundaries": {"code_column": "kode", "code_system": "kemendagri"},
        "tables": [{"label": "t", "code_column": "kode"}],
        "scoring": {"indicators": [{"key": "rate", "unit": "%", "weight": 1}]},
        "outputs": {"formats": formats, "map_levels": ["kecamatan"]},
    }
    if hotspots:
        data["hotspots"] = {"enabled": True}
    return config_from_dict(data, in_memory=True)


@pytest.mark.parametrize(
    ("formats", "hotspots", "exact"),
    [
        (["html"], False, False),
        (["html", "csv", "json", "png"], False, False),
        (["html", "gpkg"], False, True),
        (["geojson"], False, True),
        (["html"], True, True),
    ],
)
def test_exact_shapes_only_for_gis_exports_and_hotspots(
    formats: list[str], hotspots: bool, exact: bool
) -> None:
    assert exact_levels_needed(_config(formats, hotspots=hotspots)) is exact


def _prepared(n: int = 6) -> gpd.GeoDataFrame:
    codes = [f"36.01.0{1 + i // 3}.200{1 + i % 3}" for i in range(n)]
    gdf = gpd.GeoDataFrame(
        {"kode": codes},
        geometry=[
            box(106 + i * 0.01, -6.5, 106.01 + i * 0.01, -6.49) for i in range(n)
        ],
        crs="EPSG:4326",
    )
    return harmonise.prepare_boundaries(gdf, code_column="kode")


def test_an_html_only_run_never_runs_the_exact_dissolve(monkeypatch) -> None:
    areas = _prepared()
    calls: list[str] = []
    original = harmonise.dissolve_to_level

    def exact(*args: object, level: str, **kwargs: object) -> gpd.GeoDataFrame:
        calls.append(level)
        return original(*args, level=level, **kwargs)

    monkeypatch.setattr(harmonise, "dissolve_to_level", exact)

    html = analysis._level_shapes(_config(["html"]), areas, ["kecamatan", "kabkota"])
    assert calls == []
    assert [s.attrs[harmonise.DISPLAY_TOLERANCE] > 0 for s in html] == [True, True]
    gpkg = analysis._level_shapes(_config(["gpkg"]), areas, ["kecamatan"])
    assert calls == ["kecamatan"]
    assert harmonise.DISPLAY_TOLERANCE not in gpkg[0].attrs


def test_display_levels_match_the_exact_dissolve_on_squares() -> None:
    areas = _prepared()
    kec, kab = harmonise.display_levels(areas, ["kecamatan", "kabkota"])
    exact = harmonise.dissolve_to_level(areas, level="kecamatan")
    cols = [harmonise.ID, harmonise.NAME, harmonise.PARENT, harmonise.N_CHILDREN]
    assert kec[cols].equals(exact[cols])
    assert kab[harmonise.N_CHILDREN].tolist() == [6]
    for shown, true in zip(kec.geometry, exact.geometry, strict=True):
        assert shown.normalize().equals(true.normalize())


def test_a_group_of_areas_smaller_than_the_tolerance_keeps_a_shape() -> None:
    tiny = np.array([box(0, 0, 1e-4, 1e-4), box(1e-4, 0, 2e-4, 1e-4)])
    keys, unions = geometry.simplified_union(tiny, np.array(["a", "a"]), 0.01)
    assert keys.tolist() == ["a"]
    assert not unions[0].is_empty
    assert shapely.hausdorff_distance(unions[0], box(0, 0, 2e-4, 1e-4)) <= 0.01


def test_label_anchors_in_threads_equal_one_by_one() -> None:
    ring = (
        shapely.Point(106.5, -6.5)
        .buffer(0.2)
        .difference(shapely.Point(106.5, -6.5).buffer(0.1))
    )
    geoms = np.array(
        [
            box(106.0, -6.5, 106.4, -6.4),
            shapely.MultiPolygon([box(0, 0, 1, 1), box(2, 0, 5, 3)]),
            ring,
            box(120, -9, 121, -8.99),
        ]
        * 5,
        dtype=object,
    )
    together = display.label_anchors(geoms)
    assert together == [display.label_anchors(np.array([g]))[0] for g in geoms]
    assert together[1] == (1.5, 3.5)  # the larger part
    points = shapely.points([(x, y) for y, x in together])
    assert shapely.contains(geoms, points).all()


def test_a_very_large_layer_is_simplified_polygon_by_polygon(monkeypatch) -> None:
    circle = shapely.Point(106, -6).buffer(0.1, quad_segs=64)
    monkeypatch.setattr(display_draft, "COVERAGE_VERTICES", 10)
    draft = display_draft.drafted(np.array([circle]), 0.01)
    simple, coverage = draft.geoms, draft.coverage
    assert coverage is False and draft.within == 0.005
    assert shapely.hausdorff_distance(simple[0], circle) <= 0.005 + 1e-12
    assert shapely.get_num_coordinates(simple[0]) < 0.5 * len(circle.exterior.coords)


@pytest.fixture(scope="module")
def banten() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(require_shared(*BANTEN_DESA))
    return harmonise.prepare_boundaries(
        gdf, code_column="kode", name_column="nama", code_system="kemendagri"
    )


def test_banten_display_levels_lie_within_their_tolerances_of_the_exact(
    banten: gpd.GeoDataFrame,
) -> None:
    """Both ways: no drawn vertex off the true shape, no true vertex (islet,
    cape) off the drawing, by more than 3 display tolerances (about pixels at
    the level's closest zoom; measured: 0.6 and 2.2, 25 of 91,570 vertices
    of the kecamatan beyond 1)."""
    levels = ["kecamatan", "kabkota", "provinsi"]
    shown = harmonise.display_levels(banten, levels)
    for level, drawn in zip(levels, shown, strict=True):
        exact = harmonise.dissolve_to_level(banten, level=level)
        cols = [harmonise.ID, harmonise.N_CHILDREN]
        assert drawn[cols].equals(exact[cols])
        allowed = 3 * drawn.attrs[harmonise.DISPLAY_TOLERANCE]
        truth = exact.geometry.to_crs(4326).to_numpy()
        mine = drawn.geometry.to_numpy()
        for a, b in ((mine, truth), (truth, mine)):
            off = _vertex_distances(a, b)
            assert off.max() <= allowed * (1 + 1e-6), (level, off.max() / allowed)
        assert np.abs(shapely.area(mine) / shapely.area(truth) - 1).max() < 0.02
        # no sliver holes left between children simplified apart, and no
        # hairline cracks splitting an area into more large parts than it has
        tolerance = drawn.attrs[harmonise.DISPLAY_TOLERANCE]
        assert shapely.equals(geometry.without_slivers(mine, tolerance), mine).all()
        assert (_large_parts(mine, tolerance) <= _large_parts(truth, tolerance)).all()
        # no drawn hole where the area's own desa are
        holes = [
            (code, shapely.Polygon(ring))
            for code, geom in zip(drawn[harmonise.ID], mine, strict=True)
            for part in shapely.get_parts(geom)
            for ring in part.interiors
        ]
        for code, hole in holes:
            own = banten.geometry[banten[harmonise.ID].str.startswith(code + ".")]
            covered = shapely.union_all(own.to_numpy()).intersection(hole).area
            assert covered < 0.9 * hole.area, (level, code, hole.area)


def test_holes_that_the_children_cover_are_filled() -> None:
    holed = shapely.Polygon(box(0, 0, 3, 1).exterior, [box(1, 0.4, 2, 0.6).exterior])
    lake = shapely.Polygon(box(4, 0, 7, 1).exterior, [box(5, 0.4, 6, 0.6).exterior])
    # the first union's two children cover its hole; the second's child has
    # the same hole (a lake, or an enclave of another area): it stays
    children = np.array([box(0, 0, 1.5, 1), box(1.5, 0, 3, 1), lake], dtype=object)
    unions = np.array([holed, lake], dtype=object)
    out = display_shapes.without_false_holes(unions, children, np.array([0, 2, 3]))
    assert out[0].equals(box(0, 0, 3, 1)) and out[1] is lake
    # another union's children do not count
    other = display_shapes.without_false_holes(
        np.array([holed, box(9, 9, 10, 10)], dtype=object),
        np.array([box(9, 9, 10, 10), box(0, 0, 3, 1)], dtype=object),
        np.array([0, 1, 2]),
    )
    assert other[0].equals(holed)


def _large_parts(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    parts, owner = shapely.get_parts(geoms, return_index=True)
    large = shapely.area(parts) >= (3 * tolerance) ** 2
    return np.bincount(owner[large], minlength=len(geoms))


def _vertex_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of every vertex of ``a[i]`` to the polygon ``b[i]`` (0 inside)."""
    xy = shapely.get_coordinates(a)
    which = np.repeat(np.arange(len(a)), shapely.get_num_coordinates(a))
    return np.asarray(shapely.distance(shapely.points(xy), b[which]))


def test_rings_are_encoded_all_at_once_as_one_by_one() -> None:
    """Holes under min_hole and rings that collapse on the grid are dropped;
    an area that collapses entirely stays visible as its outline."""
    hole, speck = box(0.4, 0.4, 0.6, 0.6), box(0.1, 0.1, 0.11, 0.11)
    holed = shapely.Polygon(box(0, 0, 1, 1).exterior, [hole.exterior, speck.exterior])
    repeated = shapely.Polygon([(2, 0), (3, 0), (3, 0.001), (3, 1), (2, 1), (2, 0)])
    tiny = box(5, 5, 5.001, 5.001)
    geoms = np.array([holed, shapely.MultiPolygon([repeated, tiny]), tiny])
    assert display._encode_all(geoms, geoms, 100, 100.0) == [
        [
            [
                [100, 0, 0, 100, -100, 0, 0, -100, 100, 0],
                [60, 40, 0, 20, -20, 0, 0, -20, 20, 0],
            ]
        ],
        [[[200, 0, 100, 0, 0, 100, -100, 0, 0, -100]]],
        [[[500, 500, 0, 0, 0, 0, 0, 0, 0, 0]]],
    ]


def test_cracks_and_slivers_are_closed_around_empty_geometries() -> None:
    empty = shapely.Polygon()
    split = shapely.MultiPolygon([box(0, 0, 1, 1), box(1.01, 0, 2, 1)])
    closed = geometry.without_cracks(
        np.array([empty, split, empty, box(5, 5, 6, 6)]), 0.05
    )
    assert shapely.is_empty(closed).tolist() == [True, False, True, False]
    assert shapely.get_num_geometries(closed[1]) == 1
    holed = shapely.Polygon(box(0, 0, 10, 10).exterior, [box(1, 1, 9, 1.01).exterior])
    kept = geometry.without_slivers(np.array([empty, holed]), 0.1)
    assert shapely.get_num_interior_rings(shapely.get_parts(kept[1])).tolist() == [0]


def test_banten_display_levels_are_valid_shapes(banten: gpd.GeoDataFrame) -> None:
    """Every drawn shape of every level is a valid polygon: before, an islet
    left in a closed crack overlapped its kecamatan 36.01.06 and the province
    (self-intersections the map's even-odd fill drew as unfilled specks)."""
    levels = ["kecamatan", "kabkota", "provinsi"]
    shown = harmonise.display_levels(banten, levels)
    for level, drawn in zip(levels, shown, strict=True):
        shapes = drawn.geometry.to_numpy()
        bad = drawn.loc[~shapely.is_valid(shapes), harmonise.ID].tolist()
        assert bad == [], (level, bad)
