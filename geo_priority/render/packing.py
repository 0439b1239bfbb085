"""The page's packed fields: every level's rings and area data, gzip'd.

A level-of-detail map (the national desa: 19 MB of area data, 7 M
vertices) would not fit in 20 MB as plain JSON. :func:`pack_views` moves
the levels' rings (zigzag varints, :func:`pack_rings`) and area data (JSON,
:func:`pack_json`) into two gzip'd, base64-encoded fields that the page
inflates before its first draw; :class:`RingPack` and :class:`PropsPack`
make the same text piece by piece, as the display thread draws
(:mod:`geo_priority.render.ahead`). numpy, zlib, json and base64 only.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np

from geo_priority.messages import tr, use_language
from geo_priority.render.area_rows import PackedRows

if TYPE_CHECKING:
    from geo_priority.render.display import EncodedRings

__all__ = [
    "RINGS_LEVEL",
    "ROWS_LEVEL",
    "THREADED_PACK",
    "PropsPack",
    "RingPack",
    "lod_fields",
    "pack_json",
    "pack_rings",
    "pack_views",
    "varints",
]

#: Rings of more bytes than this (before gzip) are compressed in a thread
#: while the area data are written (a small page starts no thread).
THREADED_PACK = 1 << 20
#: zlib level of the rings: zigzag varints of coordinate deltas barely
#: compress (national desa, 7.29 MB: 6.30 MB at level 1, 6.24 at 6, for
#: 0.21 against 0.27 CPU-s).
RINGS_LEVEL = 1
#: zlib level of the area data (JSON rows): level 2 leaves 4.13 MB of the
#: national desa's 18.9 MB in 0.12 CPU-s, level 6 3.41 MB in 0.50 (the
#: page 1 MB larger, well within its 20 MB, for 0.4 CPU-s less).
ROWS_LEVEL = 2


def lod_fields(
    views: Sequence[dict[str, Any]],
    lang: str,
    *,
    packed: str | None = None,
    props: PropsPack | None = None,
) -> dict[str, Any]:
    """Return the page's level-of-detail fields; pack the views when it has it.

    ``lod`` (the level follows the zoom), the switch's "otomatis" label and,
    for a level-of-detail map, the packed geometry and area data
    (:func:`pack_views`; ``packed`` and ``props``: packed already).
    """
    lod = bool(views) and views[0].get("min_zoom") is not None
    with use_language("en" if lang == "en" else "id"):
        fields: dict[str, Any] = {"lod": lod, "lod_label": tr("automatic (by zoom)")}
    if not lod:
        return fields
    return {**fields, **pack_views(views, packed=packed, props=props)}


def varints(values: np.ndarray, chunk: int = 1 << 20) -> bytes:
    """Zigzag LEB128 varints of ``values`` (small deltas take one byte).

    Encoded ``chunk`` values at a time (varints are self-delimiting, so the
    pieces join into the same bytes), which keeps the temporaries small.

    Examples
    --------
    >>> varints(np.array([0, -1, 1, 64, -300])).hex()
    '0001028001d704'
    >>> varints(np.array([0, -1, 1, 64, -300]), chunk=2).hex()
    '0001028001d704'
    """
    return b"".join(
        _varints_of(values[i : i + chunk]) for i in range(0, len(values), chunk)
    )


def _varints_of(values: np.ndarray) -> bytes:
    v = values.astype(np.int64)
    z = ((v << 1) ^ (v >> 63)).astype(np.uint64)
    nbytes = np.ones(len(z), dtype=np.int64)
    for n in range(1, 5):
        nbytes += z >= np.uint64(1 << (7 * n))
    which = np.repeat(np.arange(len(z)), nbytes)
    k = np.arange(int(nbytes.sum())) - np.repeat(np.cumsum(nbytes) - nbytes, nbytes)
    low = (z[which] >> (7 * k).astype(np.uint64)) & np.uint64(0x7F)
    more = (k < nbytes[which] - 1).astype(np.uint64) << np.uint64(7)
    return bytes((low | more).astype(np.uint8).tobytes())


def _gzip64(raw: bytes, level: int) -> str:
    return base64.b64encode(gzip.compress(raw, compresslevel=level, mtime=0)).decode()


def _gzip_stream(level: int) -> zlib._Compress:
    """Return a gzip stream (zlib, wbits 31): ``gzip.compress(raw, level, mtime=0)``."""
    return zlib.compressobj(level, zlib.DEFLATED, 31)


class RingPack:
    """The ``packed`` field of :func:`pack_views`, made one level at a time.

    Each level's rings are compressed as they come (:meth:`add`), in the
    order of the page's views; :meth:`finish` returns the same text as
    :func:`pack_views` writes of those levels (one gzip stream: zlib's
    output does not depend on how its input is cut). numpy, zlib and
    base64 only, so that a thread can pack a level as soon as it is drawn
    (:mod:`geo_priority.render.ahead`).

    Examples
    --------
    >>> from geo_priority.render.display import EncodedRings
    >>> one = EncodedRings(np.array([1, 1, 4]), np.array([5, 6, 1, 0, 0, 1, -1, -1]), 1)
    >>> pack = RingPack()
    >>> pack.add(one)
    >>> pack.add(one)
    >>> pack.finish() == _gzip64(one.varints() * 2, RINGS_LEVEL)
    True
    """

    def __init__(self) -> None:
        self._zlib = _gzip_stream(RINGS_LEVEL)
        self._chunks: list[bytes] = []

    def add(self, rings: EncodedRings) -> None:
        """Compress the next level's rings (:meth:`EncodedRings.varints`)."""
        self._chunks.append(self._zlib.compress(rings.varints()))

    def finish(self) -> str:
        """Return the levels added, gzip'd and base64-encoded (once only)."""
        self._chunks.append(self._zlib.flush())
        return base64.b64encode(b"".join(self._chunks)).decode()


def pack_json(data: object) -> str:
    """Return ``data`` as gzip'd, base64-encoded JSON (UTF-8) for the page.

    Area rows already written as JSON (a level-of-detail view's ``props``,
    :class:`~geo_priority.render.area_rows.PackedRows`) go in as they are:
    the bytes ``json.dumps`` writes of their rows.
    """
    return _gzip64(_json_bytes(data), ROWS_LEVEL)


class PropsPack:
    """The ``packed_props`` field of :func:`pack_views`, its first view's written ahead.

    The first view's rows (:class:`~geo_priority.render.area_rows.PackedRows`,
    the national desa's) are compressed when made, the other views' when
    :meth:`finish` is given them: the same text as :func:`pack_json` of the
    list of all (one gzip stream, see :class:`RingPack`).

    Examples
    --------
    >>> first, second = PackedRows(b'[{"id":"1"}]', 1), PackedRows(b"[]", 0)
    >>> PropsPack(first).finish([second]) == pack_json([first, second])
    True
    """

    def __init__(self, first: PackedRows) -> None:
        self.first = first
        self._zlib = _gzip_stream(ROWS_LEVEL)
        self._chunks = [
            self._zlib.compress(b"["),
            self._zlib.compress(first.json_bytes()),
        ]

    def finish(self, rest: Sequence[object]) -> str:
        """Return the rows of the first view and of ``rest``, packed (once only)."""
        for rows in rest:
            self._chunks.append(self._zlib.compress(b"," + _part_bytes(rows)))
        self._chunks += [self._zlib.compress(b"]"), self._zlib.flush()]
        return base64.b64encode(b"".join(self._chunks)).decode()


def _part_bytes(data: object) -> bytes:
    """One item of a list :func:`_json_bytes` writes with packed rows in it."""
    return data.json_bytes() if isinstance(data, PackedRows) else _json_bytes(data)


def _json_bytes(data: object) -> bytes:
    if isinstance(data, list) and any(isinstance(d, PackedRows) for d in data):
        return b"[" + b",".join(_part_bytes(d) for d in data) + b"]"
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def pack_rings(views: Sequence[list[list[list[list[int]]]]]) -> str:
    """Pack the encoded rings of several levels into gzip'd base64 varints.

    Per level: the length of its structure list and of its coordinate list,
    then the structure (per area its polygon count, per polygon its ring
    count, per ring its vertex count) and the delta-encoded coordinates, all
    as zigzag varints. The page inflates it with the browser's
    ``DecompressionStream``.

    Examples
    --------
    >>> packed = pack_rings([[[[[5, 6, 1, 0, 0, 1, -1, -1]]]]])
    >>> gzip.decompress(base64.b64decode(packed)).hex()
    '06100202080a0c020000020101'
    """
    return _gzip64(b"".join(_level_varints(rings) for rings in views), RINGS_LEVEL)


def _level_varints(rings: list[list[list[list[int]]]]) -> bytes:
    """One level of :func:`pack_rings`, as varints (before gzip)."""
    structure: list[int] = []
    coords: list[list[int]] = []
    for area in rings:
        structure.append(len(area))
        for polygon in area:
            structure.append(len(polygon))
            for ring in polygon:
                structure.append(len(ring) // 2)
                coords.append(ring)
    n = sum(map(len, coords))
    flat = np.fromiter(chain.from_iterable(coords), dtype=np.int64, count=n)
    head = np.array([len(structure), n], dtype=np.int64)
    return (
        varints(head) + varints(np.asarray(structure, dtype=np.int64)) + varints(flat)
    )


def _view_varints(rings: EncodedRings | list[list[list[list[int]]]]) -> bytes:
    """One level of :func:`pack_rings`: encoded arrays or nested lists."""
    if isinstance(rings, list):
        return _level_varints(rings)
    return rings.varints()


def pack_views(
    views: Sequence[dict[str, Any]],
    *,
    packed: str | None = None,
    props: PropsPack | None = None,
) -> dict[str, str]:
    """Move the levels' rings and area data into gzip'd fields of the page.

    A level-of-detail map (national desa: 19 MB of area data, 7 M vertices)
    would not fit in 20 MB as plain JSON; the page inflates ``packed``
    (:func:`pack_rings`) and ``packed_props`` (:func:`pack_json`) before its
    first draw. ``views`` lose their ``rings`` and ``props``. ``packed``:
    the views' rings packed already, level by level as they were drawn
    (:class:`RingPack` of exactly these rings, in this order). ``props``:
    the first view's area data packed already (see :func:`_packed_props`).
    """
    if packed is not None:
        for v in views:
            del v["rings"]
        return {"packed": packed, "packed_props": _packed_props(views, props)}
    # each level's rings are let go as soon as they are packed
    raw = b"".join(_view_varints(v.pop("rings")) for v in views)
    if len(raw) < THREADED_PACK:
        packed = _gzip64(raw, RINGS_LEVEL)
        return {"packed": packed, "packed_props": _packed_props(views, props)}
    # zlib lets go of the GIL: the rings are compressed while the area data
    # are written as JSON (the same bytes as one after the other)
    with ThreadPoolExecutor(1) as pool:
        rings = pool.submit(_gzip64, raw, RINGS_LEVEL)
        area_data = _packed_props(views, props)
        return {"packed": rings.result(), "packed_props": area_data}


def _packed_props(views: Sequence[dict[str, Any]], props: PropsPack | None) -> str:
    """Return :func:`pack_json` of the views' area data (``props`` popped).

    ``props``: the first view's packed already, used when they are these
    views' first (the same object).
    """
    rows = [v.pop("props") for v in views]
    if props is not None and rows and rows[0] is props.first:
        return props.finish(rows[1:])
    return pack_json(rows)
