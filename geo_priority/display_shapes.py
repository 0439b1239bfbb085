"""Display shapes of coarser levels: simplified, dissolved, drawable.

The drawing of a coarser level (kecamatan, kabupaten/kota, provinsi) is built
from the finer areas: each polygon simplified on its own
(:func:`simplify_each`), the polygons of each area unioned
(:func:`simplified_union`), the cracks and slivers the separate
simplification leaves closed (:func:`without_cracks`,
:func:`without_slivers`, :func:`without_false_holes`) and every drawing made
valid (:func:`valid_drawings`).
Large layers are worked in threads (:func:`in_threads`). The tolerances come
from :mod:`geo_priority.display_scale`. Re-exported by :mod:`geo_priority.geometry`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

__all__ = [
    "MIN_THREADED",
    "POLYGONAL",
    "WORKERS",
    "in_threads",
    "is_valid",
    "polygonal",
    "simplified_union",
    "simplify_each",
    "valid_drawings",
    "without_cracks",
    "without_false_holes",
    "without_slivers",
]

#: The geometry types of an area's shape.
POLYGONAL = ("Polygon", "MultiPolygon")


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of a repaired geometry."""
    if geom.geom_type in POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in POLYGONAL]
    flat = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(flat) if flat else shapely.Polygon()


def is_valid(geoms: np.ndarray) -> np.ndarray:
    """Return ``shapely.is_valid`` of each geometry, safe to call in threads.

    ``shapely.is_valid`` wraps its work in ``warnings.catch_warnings()``
    (GEOS once warned about invalid geometries; shapely 2.2 with GEOS 3.14
    does not), which is not thread-safe: two threads entering and leaving it
    together leave the process's warning filters at "ignore", so every later
    warning of the run was lost (the national desa's 23 repaired geometries
    went unreported). This calls the same GEOS check without it.

    Examples
    --------
    >>> from shapely import Polygon, box
    >>> bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> is_valid(np.array([box(0, 0, 1, 1), bowtie, None, Polygon()])).tolist()
    [True, False, False, True]
    """
    return np.asarray(shapely.lib.is_valid(geoms), dtype=bool)


def _components(n: int, one: np.ndarray, two: np.ndarray) -> tuple[int, np.ndarray]:
    """Return the connected components of the undirected graph of edges ``one-two``.

    The nodes are ``0..n-1``; the components are numbered in the order of
    their smallest node, as ``scipy.sparse.csgraph.connected_components``
    numbers them (the same partition and labels, without importing scipy).
    Every node points to a smaller node of its component (at first itself);
    each round hooks, for every edge whose ends point to different roots, the
    larger root under the smaller one, then makes every node point to its
    root, until every edge's ends share a root: the smallest node of the
    component, the only one pointing to itself.

    Parameters
    ----------
    n : int
        The number of nodes.
    one, two : numpy.ndarray of int
        The ends of each edge (self-loops and repeated edges allowed).

    Returns
    -------
    n_components : int
    labels : numpy.ndarray of int
        The component of each node.

    Examples
    --------
    >>> n, labels = _components(5, np.array([4, 1]), np.array([1, 3]))
    >>> n, labels.tolist()
    (3, [0, 1, 2, 1, 1])
    """
    root = np.arange(n)
    while True:
        a, b = root[one], root[two]
        apart = a != b
        if not apart.any():
            break
        np.minimum.at(root, np.maximum(a[apart], b[apart]), np.minimum(a, b)[apart])
        while not np.array_equal(up := root[root], root):
            root = up
    smallest, labels = np.unique(root, return_inverse=True)
    return len(smallest), labels


#: Threads for the vectorised shapely steps (they release the GIL).
WORKERS = max(1, min(2, os.cpu_count() or 1))

#: Fewer geometries than this are worked in one thread (threads pay only on
#: large layers, and a run of a few areas then starts no thread at all).
MIN_THREADED = 20_000


def in_threads(
    func: Callable[[np.ndarray], np.ndarray],
    geoms: np.ndarray,
    workers: int = WORKERS,
    *,
    size: int | None = None,
) -> np.ndarray:
    """Apply a vectorised shapely ``func`` to ``geoms`` in ``workers`` chunks.

    The chunks run in threads (shapely releases the GIL) and hold about the
    same number of vertices each (the work of most shapely functions; equal
    counts of geometries left one thread twice the other's work on the
    national desa); the result is the same as ``func(geoms)`` for
    element-wise functions. ``size``: the number of areas of the layer the
    work is for (default ``len(geoms)``), which decides whether to use
    threads (:data:`MIN_THREADED`).
    """
    if (
        workers < 2
        or len(geoms) < workers
        or (len(geoms) if size is None else size) < MIN_THREADED
    ):
        return func(geoms)
    total = np.cumsum(shapely.get_num_coordinates(geoms))
    cuts = np.searchsorted(total, total[-1] * np.arange(1, workers) / workers)
    chunks = np.split(geoms, cuts)
    with ThreadPoolExecutor(workers) as pool:
        return np.concatenate(list(pool.map(func, chunks)))


def simplify_each(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify each polygon on its own (Douglas-Peucker, no topology kept).

    Fast (national desa: about 1 CPU-s), but neighbours simplified apart may
    leave slivers and gaps up to ``tolerance`` wide along their shared
    border. No island is lost: a part the simplification drops (an islet
    narrower than a few tolerances) is put back (:func:`_islets_kept`).

    Examples
    --------
    >>> from shapely import MultiPolygon, box
    >>> islands = MultiPolygon([box(0, 0, 1, 1), box(2, 0, 2.01, 0.01)])
    >>> [g.area for g in simplify_each(np.array([box(0, 0, 1, 1)]), 0.1)]
    [1.0]
    >>> shapely.get_num_geometries(simplify_each(np.array([islands]), 0.1))
    array([2], dtype=int32)
    """
    simple = np.asarray(shapely.simplify(geoms, tolerance, preserve_topology=False))
    lost = shapely.get_num_geometries(simple) < shapely.get_num_geometries(geoms)
    lost |= shapely.is_empty(simple) | shapely.is_missing(simple)
    lost &= ~(shapely.is_empty(geoms) | shapely.is_missing(geoms))
    if lost.any():
        simple[lost] = _islets_kept(geoms[lost], simple[lost], tolerance)
    return simple


#: An islet that Douglas-Peucker drops at the display tolerance is put back
#: simplified at this share of it (:func:`_islets_kept`).
ISLET_TOLERANCE = 1 / 8


def _islets_kept(geoms: np.ndarray, simple: np.ndarray, tolerance: float) -> np.ndarray:
    """Return ``simple`` (areas that lost a part) with their dropped parts put back.

    A part of ``geoms`` is dropped when the simplified area no longer covers
    its representative point; it is put back simplified at
    :data:`ISLET_TOLERANCE` of ``tolerance``, or as it is when even that
    would flatten it. Only an area whose parts then overlap (an invalid
    drawing) is simplified keeping its topology (``preserve_topology``, about
    ten times slower than Douglas-Peucker; doing so for every area that lost
    a part made the national desa at the kecamatan tolerance take 1.6 CPU-s
    instead of 1.1).
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    shapely.prepare(simple)
    dropped = ~shapely.intersects(simple[owner], shapely.point_on_surface(parts))
    back = np.asarray(
        shapely.simplify(
            parts[dropped], tolerance * ISLET_TOLERANCE, preserve_topology=False
        )
    )
    flat = shapely.is_missing(back) | shapely.is_empty(back)
    flat |= shapely.area(back) == 0
    back[flat] = parts[dropped][flat]
    kept, of_kept = shapely.get_parts(simple, return_index=True)
    every = np.concatenate([kept, shapely.get_parts(back)])
    of_every = np.concatenate(
        [of_kept, np.repeat(owner[dropped], shapely.get_num_geometries(back))]
    )
    order = np.argsort(of_every, kind="stable")
    out = np.asarray(
        shapely.multipolygons(every[order], indices=of_every[order]), dtype=object
    )
    overlapping = ~is_valid(out)
    out[overlapping] = shapely.simplify(
        geoms[overlapping], tolerance, preserve_topology=True
    )
    return out


def _union(parts: np.ndarray) -> shapely.Geometry:
    """Union ``parts`` (polygonal result); invalid input is made valid first."""
    try:
        merged = shapely.union_all(parts)
    except shapely.errors.GEOSException:
        valid = shapely.make_valid(parts, method="structure", keep_collapsed=False)
        merged = shapely.union_all(valid)
    return polygonal(merged)


def without_slivers(geoms: np.ndarray, width: float) -> np.ndarray:
    """Drop the holes narrower than ``width`` on average (twice area / perimeter).

    The gaps a union of separately simplified neighbours leaves inside
    itself; an enclave or a lake (wider) stays.

    Examples
    --------
    >>> from shapely import Polygon, box
    >>> sliver, lake = box(1, 1, 9, 1.01), box(4, 4, 6, 6)
    >>> holed = Polygon(box(0, 0, 10, 10).exterior, [sliver.exterior, lake.exterior])
    >>> kept = without_slivers(np.array([holed]), 0.1)
    >>> shapely.get_num_interior_rings(shapely.get_parts(kept)).tolist()
    [1]
    """
    parts, owner = _nonempty_parts(geoms)
    holed, rings, part, exterior = _holed_rings(parts)
    if not len(holed):
        return geoms
    filled = shapely.polygons(rings)
    wide = 2 * shapely.area(filled) >= width * shapely.length(rings)
    keep = exterior | wide
    parts[holed] = shapely.polygons(rings[keep], indices=part[keep])
    return _regrouped(geoms, parts, owner)


def _holed_rings(
    parts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the polygons of ``parts`` with holes, and their rings.

    The index of each holed part, every ring of those (each part's exterior
    first), the holed part each ring belongs to (0..), and which rings are
    exteriors; ``shapely.polygons(rings[keep], indices=part[keep])`` builds
    them again from the rings kept.
    """
    holed = np.flatnonzero(shapely.get_num_interior_rings(parts))
    rings, part = shapely.get_rings(parts[holed], return_index=True)
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = part[1:] != part[:-1]
    return holed, rings, part, exterior


def _nonempty_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the non-empty parts of ``geoms`` and the index of each one's owner."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    solid = ~shapely.is_empty(parts)
    return parts[solid], owner[solid]


def _regrouped(geoms: np.ndarray, parts: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Return ``geoms`` with those owning any of ``parts`` rebuilt from them."""
    order = np.argsort(owner, kind="stable")
    present, dense = np.unique(owner[order], return_inverse=True)
    out = np.array(geoms, dtype=object)
    out[present] = shapely.multipolygons(parts[order], indices=dense)
    return out


def without_cracks(
    geoms: np.ndarray, width: float, *, size: int | None = None
) -> np.ndarray:
    """Close the cracks narrower than ``width`` through each geometry's parts.

    Neighbours simplified apart can leave a gap that runs right across their
    union (a province split in two by a hairline). The parts of at least
    ``3 * width`` across are grown by ``width / 2``, merged and shrunk back
    (a morphological closing, mitred corners); smaller parts (islets) are
    kept as they are. ``size``: see :func:`in_threads`. A closing loses no
    area (mitred, a little at corners), but GEOS's inward mitred buffer can
    fail and lose most of a shape (national kecamatan 33.17.14 kept 1.4 % of
    its area, 73.05.10 86 %): where more than :data:`CLOSING_LOSS` is lost,
    the shrinking is redone with round corners, and where that loses area
    too the parts are left unclosed (:func:`_closings_checked`).

    Examples
    --------
    >>> from shapely import MultiPolygon, box
    >>> split = MultiPolygon([box(0, 0, 1, 1), box(1.01, 0, 2, 1)])
    >>> shapely.get_num_geometries(without_cracks(np.array([split]), 0.05))
    array([1], dtype=int32)
    """
    parts, owner = _nonempty_parts(geoms)
    big = shapely.area(parts) >= (3 * width) ** 2
    if not big.any():
        return geoms
    owners, group = np.unique(owner[big], return_inverse=True)
    shapes = shapely.multipolygons(parts[big], indices=group)
    # the buffer of a MultiPolygon is the union of its parts' buffers
    grown = in_threads(
        lambda g: shapely.buffer(g, width / 2, join_style="mitre", mitre_limit=2),
        shapes,
        size=size,
    )
    shrunk = in_threads(
        lambda g: shapely.buffer(g, -width / 2, join_style="mitre", mitre_limit=2),
        grown,
        size=size,
    )
    shrunk = _closings_checked(shapes, grown, shrunk, width)
    pieces, of_piece = _nonempty_parts(shrunk)
    every = np.concatenate([parts[~big], pieces])
    return _regrouped(geoms, every, np.concatenate([owner[~big], owners[of_piece]]))


#: The share of its area a closing (:func:`without_cracks`) may seem to lose
#: before it is redone (mitred corners lose a little: at most 0.07 % of a
#: national kab/kota).
CLOSING_LOSS = 0.01


def _closings_checked(
    shapes: np.ndarray, grown: np.ndarray, shrunk: np.ndarray, width: float
) -> np.ndarray:
    """Return ``shrunk``, the closings of ``shapes``, with the failed ones redone.

    A closing that lost more than :data:`CLOSING_LOSS` of its shape's area
    is redone from ``grown`` with round corners, and if that loses area too
    the shape is kept as it is.
    """
    lost = shapely.area(shrunk) < (1 - CLOSING_LOSS) * shapely.area(shapes)
    if not lost.any():
        return shrunk
    out = np.array(shrunk, dtype=object)
    out[lost] = shapely.buffer(grown[lost], -width / 2)
    still = lost & (shapely.area(out) < (1 - CLOSING_LOSS) * shapely.area(shapes))
    out[still] = shapes[still]
    return out


#: Groups of at least this many parts on average are unioned one touching set
#: at a time (:func:`_unions_by_sets`): national kab/kota from kecamatan
#: drawings (58 parts a group) 1.7 -> 0.7 CPU-s, provinsi (526) 1.1 -> 0.2;
#: kecamatan from desa (14, few islets) is faster at once.
SET_PARTS = 32


def _buffered_unions(
    geoms: np.ndarray, group: np.ndarray, size: int | None
) -> np.ndarray:
    """Union the valid polygons of each group at once: ``buffer(0)`` of their parts.

    The buffer of a MultiPolygon whose valid parts overlap is their union
    (half the time of ``union_all`` per group on the national kecamatan:
    same areas, every vertex of each within 1e-12 of the other's). ``group``
    numbers the groups 0..n-1, sorted; invalid input would lose area, so it
    takes :func:`_union`. Every group must have a part. Groups of many parts
    (islands) are unioned a touching set at a time (:data:`SET_PARTS`).
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    if len(parts) >= SET_PARTS * (int(group[-1]) + 1):
        return _unions_by_sets(parts, group[owner], size)
    whole = shapely.multipolygons(parts, indices=group[owner])
    return np.asarray(in_threads(lambda g: shapely.buffer(g, 0), whole, size=size))


def _touching_sets(parts: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Return the set of each part: the parts of a group that touch or overlap.

    The sets are numbered by group, and within a group from the one reaching
    farthest east (the order in which ``buffer`` returns its polygons).
    """
    one, two = shapely.STRtree(parts).query(parts, predicate="intersects")
    same = group[one] == group[two]
    n_sets, label = _components(len(parts), one[same], two[same])
    east = np.full(n_sets, -np.inf)
    np.maximum.at(east, label, shapely.bounds(parts)[:, 2])
    of_set = np.empty(n_sets, dtype=group.dtype)
    of_set[label] = group
    rank = np.empty(n_sets, dtype=np.intp)
    rank[np.lexsort((-east, of_set))] = np.arange(n_sets)
    return np.asarray(rank[label])


def _unions_by_sets(
    parts: np.ndarray, group: np.ndarray, size: int | None
) -> np.ndarray:
    """Union each group's parts as :func:`_buffered_unions`, one touching set at a time.

    ``buffer(0)`` nodes all the lines of its input together, so a group of
    many islands costs far more at once than set by set; the sets' unions
    are disjoint, so together they are the group's union (the same shapes;
    where lines cross, the computed crossing points may differ by about
    1e-13 degrees). A group of one polygon gives a Polygon, as ``buffer``.
    """
    label = _touching_sets(parts, group)
    order = np.argsort(label, kind="stable")
    of_set = np.empty(int(label.max()) + 1, dtype=group.dtype)
    of_set[label] = group
    sets = in_threads(
        lambda g: shapely.buffer(g, 0),
        shapely.multipolygons(parts[order], indices=label[order]),
        size=size,
    )
    pieces, piece_set = _nonempty_parts(np.asarray(sets))
    unions = np.full(int(group[-1]) + 1, shapely.Polygon(), dtype=object)
    present, dense = np.unique(of_set[piece_set], return_inverse=True)
    unions[present] = shapely.multipolygons(pieces, indices=dense)
    single = np.flatnonzero(shapely.get_num_geometries(unions) == 1)
    unions[single] = shapely.get_geometry(unions[single], 0)
    return unions


def _grouped_unions(
    geoms: np.ndarray, starts: np.ndarray, size: int | None = None
) -> np.ndarray:
    """Union ``geoms[starts[i]:starts[i + 1]]`` for each ``i`` (polygonal results).

    Groups whose polygons are all valid are unioned by
    :func:`_buffered_unions`; the others by ``union_all``, split between
    the threads by vertex count. ``size``: see :func:`in_threads`.
    """
    unions = np.empty(len(starts) - 1, dtype=object)
    sizes = np.diff(starts)
    group = np.repeat(np.arange(len(sizes)), sizes)
    valid = in_threads(is_valid, geoms, size=size)
    parts = np.bincount(group, shapely.get_num_geometries(geoms), len(sizes))
    fast = parts > 0
    fast[group[~valid]] = False
    if fast.any():
        mine = fast[group]
        dense = np.cumsum(fast) - 1
        unions[fast] = _all_polygonal(
            _buffered_unions(geoms[mine], dense[group[mine]], size)
        )
    slow = np.flatnonzero(~fast)
    if len(slow):
        unions[slow] = _unions_in_halves(geoms, starts, slow, size)
    return unions


def _all_polygonal(geoms: np.ndarray) -> np.ndarray:
    """Return :func:`polygonal` of each of ``geoms`` (polygonal ones as they are)."""
    other = np.flatnonzero(~np.isin(shapely.get_type_id(geoms), (3, 6)))
    if not len(other):
        return geoms
    out = np.array(geoms, dtype=object)
    out[other] = [polygonal(g) for g in geoms[other]]
    return out


def _unions_in_halves(
    geoms: np.ndarray, starts: np.ndarray, which: np.ndarray, size: int | None
) -> list[shapely.Geometry]:
    """``union_all`` of the groups ``which``, split between threads by vertex count."""
    bounds = [(int(starts[i]), int(starts[i + 1])) for i in which]
    if WORKERS < 2 or (len(geoms) if size is None else size) < MIN_THREADED:
        return [_union(geoms[a:b]) for a, b in bounds]
    counts = shapely.get_num_coordinates(geoms)
    cum = np.cumsum([counts[a:b].sum() for a, b in bounds])
    cut = int(np.searchsorted(cum, cum[-1] / 2)) + 1
    halves = [h for h in (bounds[:cut], bounds[cut:]) if h]
    with ThreadPoolExecutor(len(halves)) as pool:
        done = pool.map(lambda h: [_union(geoms[a:b]) for a, b in h], halves)
        return [u for half in done for u in half]


def valid_drawings(
    geoms: np.ndarray, width: float, size: int | None = None
) -> np.ndarray:
    """Make each drawing valid where an islet overlaps a part of its own shape.

    :func:`without_cracks` grows the large parts but keeps the islets (parts
    smaller than ``3 * width`` across) as they are, and :func:`without_slivers`
    fills holes an islet may lie in: the islet then overlaps or lies in a
    part of the same shape (invalid; the map's even-odd fill leaves the
    overlap empty, a speck). Such an islet is dropped when it lies inside
    the part and unioned with it otherwise; only invalid shapes are looked
    at. Anything else invalid is repaired by ``make_valid``.

    Examples
    --------
    >>> from shapely import MultiPolygon, box
    >>> speck = MultiPolygon([box(0, 0, 1, 1), box(0.5, 0.5, 0.51, 0.51)])
    >>> fixed = valid_drawings(np.array([speck]), 0.1)
    >>> bool(fixed[0].is_valid), fixed[0].area
    (True, 1.0)
    """
    bad = np.flatnonzero(~in_threads(is_valid, geoms, size=size))
    if not len(bad):
        return geoms
    parts, owner = _nonempty_parts(geoms[bad])
    small = np.flatnonzero(shapely.area(parts) < (3 * width) ** 2)
    large = np.flatnonzero(shapely.area(parts) >= (3 * width) ** 2)
    which, by = shapely.STRtree(parts[large]).query(
        parts[small], predicate="intersects"
    )
    mine = owner[small[which]] == owner[large[by]]
    islet, piece = small[which[mine]], large[by[mine]]
    inside = shapely.within(parts[islet], parts[piece])
    targets, unions = [], []
    for target, group in _islets_by_piece(piece[~inside], islet[~inside]):
        targets.append(target)
        unions.append(_union(np.append(parts[group], parts[target])))
    drop = np.zeros(len(parts), dtype=bool)
    drop[islet] = True
    drop[targets] = True
    grown, of_grown = shapely.get_parts(
        np.array(unions, dtype=object), return_index=True
    )
    every = np.concatenate([parts[~drop], grown])
    of_every = np.concatenate(
        [owner[~drop], owner[np.array(targets, dtype=int)][of_grown]]
    )
    fixed = _regrouped(geoms[bad], every, of_every)
    still = ~is_valid(fixed)
    if still.any():
        fixed[still] = _overlaps_merged(fixed[still])
        still[still] = ~is_valid(fixed[still])
    if still.any():
        fixed[still] = [
            polygonal(g)
            for g in shapely.make_valid(
                fixed[still], method="structure", keep_collapsed=False
            )
        ]
    out = np.array(geoms, dtype=object)
    out[bad] = fixed
    return out


def _overlaps_merged(geoms: np.ndarray) -> np.ndarray:
    """Union the parts of each shape that overlap or share a border line.

    The rest of :func:`valid_drawings`: islets meeting more than one part or
    each other. Parts touching only at points are left apart (valid).
    """
    parts, owner = _nonempty_parts(geoms)
    one, two = shapely.STRtree(parts).query(parts, predicate="intersects")
    pair = (one < two) & (owner[one] == owner[two])
    one, two = one[pair], two[pair]
    touch = shapely.touches(parts[one], parts[two])
    meet = shapely.intersection(
        shapely.boundary(parts[one[touch]]), shapely.boundary(parts[two[touch]])
    )
    point = np.isin(shapely.get_type_id(meet), (0, 4))  # (Multi)Point
    joined = ~touch
    joined[np.flatnonzero(touch)[point]] = False
    _, label = _components(len(parts), one[joined], two[joined])
    order = np.argsort(label, kind="stable")
    _, starts = np.unique(label[order], return_index=True)
    groups = np.split(order, starts[1:])
    unions = np.array([_union(parts[g]) for g in groups], dtype=object)
    pieces, of_piece = shapely.get_parts(unions, return_index=True)
    first = np.array([g[0] for g in groups])
    return _regrouped(geoms, pieces, owner[first][of_piece])


def _islets_by_piece(
    piece: np.ndarray, islet: np.ndarray
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield each piece with the islets that overlap it (an islet only once)."""
    if not len(islet):
        return
    islet, first = np.unique(islet, return_index=True)
    piece = piece[first]
    order = np.argsort(piece, kind="stable")
    pieces, starts = np.unique(piece[order], return_index=True)
    for target, group in zip(pieces, np.split(islet[order], starts[1:]), strict=True):
        yield int(target), group


def simplified_union(
    geoms: np.ndarray,
    keys: np.ndarray,
    tolerance: float,
    *,
    size: int | None = None,
    cover: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Union the polygons of each key after simplifying them to ``tolerance``.

    Display geometry of a coarser level: each polygon is simplified on its
    own (:func:`simplify_each`: no island is lost), then the polygons of a
    key are unioned. Every vertex of the result lies within ``tolerance`` of
    the exact union, and every vertex of the exact union within
    ``tolerance`` of the result; seams between children that were
    simplified differently leave slivers and gaps narrower than
    ``tolerance`` (one screen pixel at the level's closest zoom); the cracks
    they leave across a union are closed (:func:`without_cracks`) and the
    holes dropped (:func:`without_slivers`, and those the children as given
    cover: :func:`without_false_holes`).

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Polygons, in degrees.
    keys : numpy.ndarray of str
        The group of each polygon.
    tolerance : float
        In the units of ``geoms``.
    size : int, optional
        The number of areas of the layer the levels are built from (default
        ``len(geoms)``); threads are used for layers of :data:`MIN_THREADED`
        areas or more, at every level built from them.
    cover : (numpy.ndarray, numpy.ndarray), optional
        The finest areas and the key of each, which tell a false hole (one
        they cover: :func:`without_false_holes`) from a true one; by default
        ``geoms`` and ``keys``. A level built from drawings of coarser
        areas passes the areas they were drawn from.

    Returns
    -------
    keys : numpy.ndarray
        The sorted unique keys.
    unions : numpy.ndarray of shapely geometries
        Polygonal, one per key.

    Examples
    --------
    >>> from shapely import box
    >>> geoms = np.array([box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)])
    >>> keys, unions = simplified_union(geoms, np.array(["a", "a", "b"]), 0.01)
    >>> keys.tolist(), [round(u.area, 6) for u in unions]
    (['a', 'b'], [2.0, 1.0])
    """
    order = np.argsort(keys, kind="stable")
    keys, geoms = keys[order], geoms[order]
    simple = in_threads(lambda g: simplify_each(g, tolerance), geoms, size=size)
    unique, first = np.unique(keys, return_index=True)
    starts = np.append(first, len(keys))
    unions = _grouped_unions(simple, starts, size)
    closed = without_slivers(without_cracks(unions, tolerance, size=size), tolerance)
    if cover is None:
        kept = without_false_holes(closed, geoms, starts)
    else:
        order = np.argsort(cover[1], kind="stable")
        within = np.append(np.searchsorted(cover[1][order], unique), len(order))
        kept = without_false_holes(closed, cover[0][order], within)
    return unique, valid_drawings(kept, tolerance, size)


#: A hole of a union is filled when its children as given cover at least
#: this share of it (:func:`without_false_holes`).
COVERED = 0.9


def without_false_holes(
    unions: np.ndarray, children: np.ndarray, starts: np.ndarray
) -> np.ndarray:
    """Fill the holes of each union that its own children cover.

    Children simplified apart can both pull back from their shared border
    and leave a hole in their union wider than :func:`without_slivers`
    drops (nationally 211 kecamatan, 23 kab/kota and 2 provinces had one of
    at least a square tolerance, up to 5 px across). Where the children as
    given cover a hole (:data:`COVERED` of its area), it is not a gap of the
    map (an enclave of another area, a lake between desa) and is filled.
    ``children[starts[i]:starts[i + 1]]`` are the children of ``unions[i]``.

    Examples
    --------
    >>> from shapely import Polygon, box
    >>> holed = Polygon(box(0, 0, 3, 1).exterior, [box(1, 0.4, 2, 0.6).exterior])
    >>> left, right = box(0, 0, 1.5, 1), box(1.5, 0, 3, 1)
    >>> filled = without_false_holes(np.array([holed]), np.array([left, right]),
    ...                              np.array([0, 2]))
    >>> filled[0].area
    3.0
    >>> enclave = without_false_holes(np.array([holed]), np.array([left]),
    ...                               np.array([0, 1]))  # half the hole covered
    >>> enclave[0].area
    2.8
    """
    parts, owner = _nonempty_parts(unions)
    holed, rings, part, exterior = _holed_rings(parts)
    if not len(holed):
        return unions
    holes = np.asarray(shapely.polygons(rings[~exterior]))
    of_hole = owner[holed][part[~exterior]]
    group = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    holed_group = np.zeros(len(starts) - 1, dtype=bool)
    holed_group[of_hole] = True
    near = np.flatnonzero(holed_group[group])  # the children of holed unions only
    which, child = shapely.STRtree(children[near]).query(holes, predicate="intersects")
    child = near[child]
    mine = group[child] == of_hole[which]
    which, child = which[mine], child[mine]
    try:
        shared = shapely.area(shapely.intersection(holes[which], children[child]))
    except shapely.errors.GEOSException:  # a child GEOS cannot cut: left as drawn
        return unions
    covered = np.bincount(which, shared, minlength=len(holes))
    filled = covered >= COVERED * shapely.area(holes)
    if not filled.any():
        return unions
    keep = exterior.copy()
    keep[~exterior] = ~filled
    parts[holed] = shapely.polygons(rings[keep], indices=part[keep])
    redrawn = np.isin(owner, of_hole[filled])  # only the unions with a hole filled
    return _regrouped(unions, parts[redrawn], owner[redrawn])
