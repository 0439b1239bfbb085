"""Checks and repairs of boundary geometry and CRS, for prepared layers.

Used by :func:`geo_priority.harmonise.prepare_boundaries`: a layer must have a
CRS whose range its coordinates fit (projected metres labelled EPSG:4326 are an
error that says what the numbers look like), polygonal features (null/empty
ones raise or are dropped with a warning) and valid geometry (invalid ones are
repaired with ``shapely.make_valid``, keeping the polygonal parts, with one
warning). In-memory only.

The display side lives in :mod:`geo_priority.display_scale` (tolerances and
zooms), :mod:`geo_priority.display_draft` (the areas simplified for their
drawing) and :mod:`geo_priority.display_shapes` (the simplified, dissolved
drawings of coarser levels); their public names are re-exported here.
"""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely

from geo_priority.display_draft import COVERAGE_VERTICES as COVERAGE_VERTICES
from geo_priority.display_draft import Draft as Draft
from geo_priority.display_draft import draft_ahead as draft_ahead
from geo_priority.display_draft import draft_tolerance as draft_tolerance
from geo_priority.display_draft import drafted as drafted
from geo_priority.display_draft import drafted_by_polygon as drafted_by_polygon
from geo_priority.display_draft import drawn as drawn
from geo_priority.display_draft import finest_zoom as finest_zoom
from geo_priority.display_scale import DETAIL_ZOOM_LEVELS as DETAIL_ZOOM_LEVELS
from geo_priority.display_scale import DISPLAY_TOLERANCE as DISPLAY_TOLERANCE
from geo_priority.display_scale import LOD_AREAS as LOD_AREAS
from geo_priority.display_scale import LOD_FINEST_ZOOM_LEVELS as LOD_FINEST_ZOOM_LEVELS
from geo_priority.display_scale import LOD_PIXELS as LOD_PIXELS
from geo_priority.display_scale import VIEW_PIXELS as VIEW_PIXELS
from geo_priority.display_scale import choose_tolerance as choose_tolerance
from geo_priority.display_scale import in_lonlat as in_lonlat
from geo_priority.display_scale import lod_tolerances as lod_tolerances
from geo_priority.display_scale import lod_zoom as lod_zoom
from geo_priority.display_scale import pixel_degrees as pixel_degrees
from geo_priority.display_scale import typical_size_of as typical_size_of
from geo_priority.display_shapes import MIN_THREADED as MIN_THREADED
from geo_priority.display_shapes import POLYGONAL as _POLYGONAL
from geo_priority.display_shapes import WORKERS as WORKERS
from geo_priority.display_shapes import in_threads as in_threads
from geo_priority.display_shapes import is_valid as is_valid
from geo_priority.display_shapes import polygonal as _polygonal
from geo_priority.display_shapes import simplified_union as simplified_union
from geo_priority.display_shapes import simplify_each as simplify_each
from geo_priority.display_shapes import valid_drawings as valid_drawings
from geo_priority.display_shapes import without_cracks as without_cracks
from geo_priority.display_shapes import without_slivers as without_slivers
from geo_priority.errors import CRSError, GeometryError, GeometryRepairedWarning
from geo_priority.formatting import format_number, shorten_list, shorten_text
from geo_priority.messages import tr
from geo_priority.schema import ID

__all__ = [
    "COVERAGE_VERTICES",
    "DETAIL_ZOOM_LEVELS",
    "LOD_AREAS",
    "LOD_FINEST_ZOOM_LEVELS",
    "LOD_PIXELS",
    "VIEW_PIXELS",
    "WORKERS",
    "Draft",
    "check_has_crs",
    "check_plausible_coordinates",
    "check_polygons",
    "check_same_crs",
    "choose_tolerance",
    "draft_ahead",
    "draft_tolerance",
    "drafted",
    "drafted_by_polygon",
    "drawn",
    "finest_zoom",
    "implausible_coordinates",
    "in_lonlat",
    "in_threads",
    "is_valid",
    "known_validity",
    "lod_tolerances",
    "lod_zoom",
    "note_validity",
    "pixel_degrees",
    "repair_invalid",
    "simplified_union",
    "simplify_each",
    "typical_size_of",
    "without_cracks",
    "without_slivers",
]


def crs_hint() -> str:
    """Name the fix when coordinates do not fit a geographic CRS."""
    return tr(
        'set boundaries.crs = "EPSG:327xx" to the layer\'s real CRS (Indonesia lies '
        "in UTM zones 46-54: EPSG:32746-32754 south of the equator, "
        'EPSG:32646-32654 north; Banten is 48S, "EPSG:32748"); it relabels the '
        "coordinates, it does not move them"
    )


#: Half the width of the Web Mercator (EPSG:3857) world, in metres.
_MERCATOR_EDGE = 20037508.35


def check_has_crs(gdf: gpd.GeoDataFrame, what: str | None = None) -> None:
    """Raise CRSError when the layer has no CRS.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer.
    what : str, optional
        Its name in the message (by default: the boundaries).

    Raises
    ------
    CRSError
        Saying how to set one.
    """
    if gdf.crs is None:
        raise CRSError(
            tr(
                '{what} have no CRS. Set one with boundaries.crs = "EPSG:4326" (CLI: '
                "--boundaries-crs; GeoJSON is always EPSG:4326) before preparing "
                "them.",
                what=what or tr("the boundaries"),
            )
        )


def _looks_like(bounds: tuple[float, float, float, float]) -> str:
    """Say what coordinates outside the degree range most likely are."""
    xmin, ymin, xmax, ymax = bounds
    if (
        100_000 <= xmin
        and xmax <= 900_000
        and -10_000_000 <= ymin <= ymax <= 10_000_000
    ):
        return tr("projected metres (UTM?)")
    if max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) <= _MERCATOR_EDGE:
        return tr("projected metres (UTM, or Web Mercator EPSG:3857?)")
    return tr("no longitude/latitude at all (projected, or scaled, numbers?)")


def implausible_coordinates(gdf: gpd.GeoDataFrame) -> str | None:
    """Describe coordinates outside the valid range of the layer's CRS.

    Only a geographic CRS (degrees, such as EPSG:4326) is checked: its
    longitudes must lie within -180..180 and latitudes within -90..90.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer.

    Returns
    -------
    str or None
        What the coordinates span and look like; None when they fit.

    Examples
    --------
    >>> from shapely import box
    >>> utm = gpd.GeoDataFrame(geometry=[box(620000, 9300000, 630000, 9310000)],
    ...                        crs="EPSG:4326")
    >>> implausible_coordinates(utm).endswith("(UTM?)")
    True
    """
    if gdf.crs is None or not gdf.crs.is_geographic or gdf.geometry.is_empty.all():
        return None
    bounds = tuple(float(b) for b in gdf.geometry.total_bounds)
    xmin, ymin, xmax, ymax = bounds
    if not np.isfinite(bounds).all():
        return None
    if -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90:
        return None
    span = ", ".join(
        f"{axis} {format_number(low, decimals=0)}..{format_number(high, decimals=0)}"
        for axis, low, high in (("x", xmin, xmax), ("y", ymin, ymax))
    )
    return tr(
        "coordinates span {span}, outside the longitude -180..180 / latitude "
        "-90..90 of a geographic CRS; these look like {looks}",
        span=span,
        looks=_looks_like((xmin, ymin, xmax, ymax)),
    )


def check_plausible_coordinates(
    gdf: gpd.GeoDataFrame, what: str | None = None, hint: str | None = None
) -> None:
    """Raise CRSError when the coordinates do not fit the layer's CRS.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer.
    what : str, optional
        Its name in the message (by default: the boundaries).
    hint : str, optional
        The fix to name (by default: set ``boundaries.crs``).

    Raises
    ------
    CRSError
        Naming the declared CRS, what the numbers look like and the fix.
    """
    found = implausible_coordinates(gdf)
    if found is not None:
        label = shorten_text(str(gdf.crs.to_string()))
        raise CRSError(
            tr(
                "{what} are labelled {label}, but their {found}; {hint}.",
                what=what or tr("the boundaries"),
                label=label,
                found=found,
                hint=hint or crs_hint(),
            )
        )


def check_same_crs(
    *frames: gpd.GeoDataFrame, names: Sequence[str] | None = None
) -> None:
    """Raise CRSError unless every frame has the same, defined CRS.

    Parameters
    ----------
    *frames : geopandas.GeoDataFrame
        The layers to compare.
    names : sequence of str, optional
        Labels for the messages; defaults to ``layer 1``, ``layer 2``...

    Raises
    ------
    CRSError
        When a layer has no CRS or two layers differ (both CRSs are named).

    Examples
    --------
    >>> from shapely import box
    >>> a = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> check_same_crs(a, a.copy(), names=["desa", "kecamatan"])
    """
    labels = (
        list(names)
        if names is not None
        else [f"layer {i + 1}" for i in range(len(frames))]
    )
    if len(labels) != len(frames):
        raise CRSError(
            tr(
                "got {n_frames} frames but {n_labels} names ({labels!r}); pass one "
                "name per frame.",
                n_frames=len(frames),
                n_labels=len(labels),
                labels=labels,
            )
        )
    for label, frame in zip(labels, frames, strict=True):
        check_has_crs(frame, repr(label))
    first, first_label = frames[0].crs if frames else None, labels[0] if labels else ""
    for label, frame in zip(labels[1:], frames[1:], strict=True):
        if frame.crs != first:
            raise CRSError(
                tr(
                    "{first_label!r} ({value}) and {label!r} ({value2}) use different "
                    "CRS. Reproject one with gdf.to_crs({value!r}) first.",
                    first_label=first_label,
                    value=_crs_text(first),
                    label=label,
                    value2=_crs_text(frame.crs),
                )
            )


def _crs_text(crs: object) -> str:
    """Short text for a CRS: its authority code, else a cut WKT/PROJ string."""
    to_authority = getattr(crs, "to_authority", None)
    auth = to_authority() if callable(to_authority) else None
    text = ":".join(auth) if auth else str(crs)
    return shorten_text(text)


def check_polygons(gdf: gpd.GeoDataFrame, drop_empty: bool) -> gpd.GeoDataFrame:
    """Handle null/empty geometry (error or drop) and reject non-polygons.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A layer with the :data:`~geo_priority.schema.ID` column.
    drop_empty : bool
        Drop null/empty geometries with a warning instead of raising.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gdf`` without the dropped rows.

    Raises
    ------
    GeometryError
        Null/empty geometries (unless ``drop_empty``) or non-polygons.

    Warns
    -----
    GeometryRepairedWarning
        When empty geometries were dropped (pointing at the caller's caller).
    """
    geoms = gdf.geometry
    empty = geoms.isna() | geoms.is_empty
    if empty.any():
        codes = gdf.loc[empty, ID].tolist()
        if not drop_empty:
            raise GeometryError(
                tr(
                    "1 area has a null or empty geometry: {value}. Remove or "
                    "repair it in the boundary file (boundaries.path).",
                    value=shorten_list(codes, 5),
                )
                if len(codes) == 1
                else tr(
                    "{n_codes} areas have a null or empty geometry: {value}. Remove or "
                    "repair them in the boundary file (boundaries.path).",
                    n_codes=len(codes),
                    value=shorten_list(codes, 5),
                )
            )
        warnings.warn(
            tr(
                "dropped 1 area with a null or empty geometry: {value}.",
                value=shorten_list(codes, 5),
            )
            if len(codes) == 1
            else tr(
                "dropped {n_codes} areas with a null or empty geometry: {value}.",
                n_codes=len(codes),
                value=shorten_list(codes, 5),
            ),
            GeometryRepairedWarning,
            stacklevel=3,
        )
        gdf = gdf.loc[~empty]
    kinds = gdf.geometry.geom_type
    other = ~kinds.isin(_POLYGONAL)
    if other.any():
        pairs = zip(gdf.loc[other, ID], kinds[other], strict=True)
        raise GeometryError(
            tr(
                "1 area is not a polygon: {value2}. Boundaries must be "
                "(Multi)Polygons; check the layer.",
                value2=shorten_list((f"{c} ({t})" for c, t in pairs), 5),
            )
            if int(other.sum()) == 1
            else tr(
                "{value} areas are not polygons: {value2}. Boundaries must be "
                "(Multi)Polygons; check the layer.",
                value=int(other.sum()),
                value2=shorten_list((f"{c} ({t})" for c, t in pairs), 5),
            )
        )
    return gdf


#: The geometries whose validity was checked while they were read, by weak
#: reference (nothing is kept alive), and that validity (:func:`note_validity`).
_CHECKED: list[tuple[list[weakref.ref[shapely.Geometry] | None], np.ndarray]] = []
_CHECKED_LOCK = threading.Lock()


def note_validity(geoms: np.ndarray, valid: np.ndarray) -> None:
    """Remember ``shapely.is_valid`` of ``geoms``, checked while they were read.

    A reader that checks the geometries as it decodes them (GeoParquet,
    :mod:`geo_priority.io.vector`) notes the result here; :func:`known_validity`
    gives it back for exactly these geometry objects (shapely geometries are
    immutable, so the same object is as valid as when it was checked). Only
    the last layer read is remembered.
    """
    refs = [None if g is None else weakref.ref(g) for g in geoms]
    with _CHECKED_LOCK:
        _CHECKED[:] = [(refs, np.asarray(valid, dtype=bool))]


def known_validity(geoms: np.ndarray) -> np.ndarray | None:
    """Return the validity :func:`note_validity` noted for these very objects, or None.

    None unless ``geoms`` holds, in the same order, exactly the geometry
    objects noted (a copy of the array is fine; a geometry changed, dropped or
    reordered is not); the note is then forgotten.
    """
    with _CHECKED_LOCK:
        if not _CHECKED:
            return None
        refs, valid = _CHECKED[0]
        if len(refs) != len(geoms) or not all(
            geom is (None if ref is None else ref())
            for ref, geom in zip(refs, geoms, strict=True)
        ):
            return None
        _CHECKED.clear()
    return valid


def repair_invalid(
    gdf: gpd.GeoDataFrame, /, *, valid: np.ndarray | None = None
) -> gpd.GeoDataFrame:
    """Repair invalid geometries with ``make_valid`` (polygonal parts only).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A layer with the :data:`~geo_priority.schema.ID` column.
    valid : numpy.ndarray of bool, optional
        ``shapely.is_valid`` of each geometry, when the caller has it
        (computed while it read the codes); default: computed here.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gdf`` itself when every geometry is valid, else a repaired copy.

    Raises
    ------
    GeometryError
        When a repaired geometry has no area left.

    Warns
    -----
    GeometryRepairedWarning
        Once, naming the repaired areas (pointing at the caller's caller).
    """
    values = np.asarray(gdf.geometry.array, dtype=object)
    if valid is None:
        valid = in_threads(is_valid, values)
    invalid = ~np.asarray(valid, dtype=bool)
    if not invalid.any():
        return gdf
    repaired = shapely.make_valid(
        values[invalid], method="structure", keep_collapsed=False
    )
    repaired = np.array([_polygonal(g) for g in repaired], dtype=object)
    codes = gdf.loc[invalid, ID].tolist()
    lost = [c for c, g in zip(codes, repaired, strict=True) if g.is_empty]
    if lost:
        raise GeometryError(
            tr(
                "1 invalid geometry has no area left after the automatic "
                "repair: {value}. Repair it in a GIS, or remove it.",
                value=shorten_list(lost, 5),
            )
            if len(lost) == 1
            else tr(
                "{n_lost} invalid geometries have no area left after the automatic "
                "repair: {value}. Repair them in a GIS, or remove them.",
                n_lost=len(lost),
                value=shorten_list(lost, 5),
            )
        )
    values[invalid] = repaired
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.GeoSeries(values, index=gdf.index, crs=gdf.crs)
    warnings.warn(
        tr(
            "repaired 1 invalid geometry automatically (self-crossing "
            "outline made valid, the polygonal parts kept): {value}. Check it "
            "in a GIS; `geo-priority check --lenient` accepts the repair.",
            value=shorten_list(codes, 5),
        )
        if len(codes) == 1
        else tr(
            "repaired {n_codes} invalid geometries automatically (self-crossing "
            "outlines made valid, the polygonal parts kept): {value}. Check them "
            "in a GIS; `geo-priority check --lenient` accepts the repair.",
            n_codes=len(codes),
            value=shorten_list(codes, 5),
        ),
        GeometryRepairedWarning,
        stacklevel=3,
    )
    return out
