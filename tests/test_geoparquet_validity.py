"""A GeoParquet layer is checked for validity while it is read (issue 11).

``io.read_boundaries`` decodes a GeoParquet file of one WKB geometry column
a batch at a time and checks each batch's validity on the other core while
the next is decoded; preparing the layer then takes that check instead of
doing it again after the read. The frame must be exactly geopandas'.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import Point, Polygon, box

from geo_priority import geometry, harmonise, io
from geo_priority.cli import cli
from geo_priority.errors import GeometryRepairedWarning, InputError
from geo_priority.io import geoparquet, vector

from conftest import require_shared
from geodata import kab_run

BOWTIE = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])  # self-crossing: invalid


def _layer() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": ["36.01", "36.02", "36.03"], "n": [1, 2, 3], "x": [0.5, None, 2.0]},
        geometry=[box(106, -7, 106.5, -6.5), BOWTIE, Point(106, -6).buffer(0.1)],
        crs=4326,
    )


def _as_geopandas_reads(
    path: Path, monkeypatch: pytest.MonkeyPatch, crs: str | None = None
) -> gpd.GeoDataFrame:
    """``io.read_boundaries`` with geopandas' own GeoParquet reader."""
    with monkeypatch.context() as patch:
        patch.setattr(vector, "_read_wkb_parquet", lambda source: None)
        return io.read_boundaries(path, crs=crs)


def _assert_same(ours: gpd.GeoDataFrame, theirs: gpd.GeoDataFrame) -> None:
    assert list(ours.columns) == list(theirs.columns)
    assert ours.geometry.name == theirs.geometry.name
    pd.testing.assert_index_equal(ours.index, theirs.index, exact=True)
    assert ours.crs == theirs.crs
    assert ours.crs is None or ours.crs.to_json() == theirs.crs.to_json()
    assert (
        shapely.to_wkb(ours.geometry.array) == shapely.to_wkb(theirs.geometry.array)
    ).all()
    pd.testing.assert_frame_equal(
        pd.DataFrame(ours.drop(columns=ours.geometry.name)),
        pd.DataFrame(theirs.drop(columns=theirs.geometry.name)),
    )
    assert ours.attrs == theirs.attrs


WRITTEN = {
    "plain": lambda g: g,
    "projected": lambda g: g.to_crs(23833),
    "no crs": lambda g: g.set_crs(None, allow_override=True),
    "code index": lambda g: g.set_index("kode"),
    "geometry first": lambda g: g[["geometry", "kode", "n", "x"]],
    "other geometry name": lambda g: g.rename_geometry("geom"),
    "a missing geometry": lambda g: g.set_geometry([g.geometry[0], None, BOWTIE]),
}


@pytest.mark.parametrize("case", list(WRITTEN))
def test_the_frame_is_geopandas_and_its_validity_is_noted(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "batas.parquet"
    WRITTEN[case](_layer()).to_parquet(path)
    monkeypatch.setattr(geoparquet, "GEOPARQUET_BATCH", 2)  # several batches

    crs = "EPSG:4326" if case == "no crs" else None  # as the config would say
    ours = io.read_boundaries(path, crs=crs)

    geoms = np.asarray(ours.geometry.array, dtype=object)
    noted = geometry.known_validity(geoms)
    assert noted is not None
    assert noted.tolist() == shapely.is_valid(geoms).tolist()
    assert geometry.known_validity(geoms) is None  # given once
    _assert_same(ours, _as_geopandas_reads(path, monkeypatch, crs))


@pytest.mark.parametrize("case", ["stored attrs", "bbox covering", "no rows"])
def test_other_geoparquet_files_are_read_by_geopandas(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "batas.parquet"
    layer = _layer()
    if case == "stored attrs":
        layer.attrs = {"sumber": "BIG"}
        layer.to_parquet(path)
    elif case == "bbox covering":
        layer.to_parquet(path, write_covering_bbox=True)
    else:
        layer.iloc[:0].to_parquet(path)
    assert vector._read_wkb_parquet(path) is None
    _assert_same(io.read_boundaries(path), _as_geopandas_reads(path, monkeypatch))


def test_a_note_is_only_for_the_same_geometry_objects() -> None:
    geoms = np.array([box(0, 0, 1, 1), BOWTIE, None], dtype=object)
    valid = np.array([True, False, False])
    geometry.note_validity(geoms, valid)
    assert geometry.known_validity(geoms[[1, 0, 2]]) is None  # reordered
    assert geometry.known_validity(geoms[:2]) is None  # a row dropped
    changed = geoms.copy()
    changed[0] = box(0, 0, 1, 1)  # equal, but another object
    assert geometry.known_validity(changed) is None
    assert geometry.known_validity(geoms.copy()).tolist() == valid.tolist()


def test_preparing_the_layer_takes_the_noted_check(tmp_path: Path) -> None:
    path = tmp_path / "batas.parquet"
    _layer().to_parquet(path)
    frame = io.read_boundaries(path)
    geoms = np.asarray(frame.geometry.array, dtype=object)
    # what the reader noted is what preparing uses: here the bow-tie repaired
    with pytest.warns(GeometryRepairedWarning, match="36.02"):
        harmonise.prepare_boundaries(frame, code_column="kode")
    # a note saying otherwise would be taken as it is (only the reader notes)
    geometry.note_validity(geoms, np.array([False, True, True]))
    with pytest.warns(GeometryRepairedWarning, match="36.01"):
        prepared = harmonise.prepare_boundaries(frame, code_column="kode")
    assert not prepared.geometry.is_valid.all()  # the bow-tie left as it was
    # without a note, the layer is checked while it is prepared
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        harmonise.prepare_boundaries(frame, code_column="kode")
    assert [str(w.message) for w in caught if "36.02" in str(w.message)]


def test_national_desa_read_as_geopandas_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = require_shared(
        "boundaries", "indonesia_desa_kemendagri2025_cahyadsn.parquet"
    )
    ours = io.read_boundaries(path)
    noted = geometry.known_validity(np.asarray(ours.geometry.array, dtype=object))
    assert noted is not None and int((~noted).sum()) == 23  # the 23 repaired
    _assert_same(ours, _as_geopandas_reads(path, monkeypatch))


# ------------------------------------------------ decoded before pandas is imported


def test_a_decoding_started_ahead_is_taken_for_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "batas.parquet"
    _layer().to_parquet(path)
    geoparquet.decode_ahead(path)
    ahead = geoparquet._AHEAD[geoparquet._key(path)]  # type: ignore[index]
    decoded = geoparquet.take(path)
    assert decoded is not None and decoded is ahead.result()
    assert decoded.valid.tolist() == [True, False, True]
    assert geoparquet.take(path) is not decoded  # taken once: decoded anew


def test_a_file_changed_since_is_decoded_again(tmp_path: Path) -> None:
    path = tmp_path / "batas.parquet"
    _layer().to_parquet(path)
    geoparquet.decode_ahead(path)
    geoparquet._AHEAD[geoparquet._key(path)].result()  # type: ignore[index]
    _layer().iloc[:2].to_parquet(path)  # another size
    decoded = geoparquet.take(path)
    assert decoded is not None and len(decoded.geometries) == 2


def test_a_failed_decoding_ahead_leaves_the_error_to_the_read(tmp_path: Path) -> None:
    path = tmp_path / "batas.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    geoparquet.decode_ahead(path)
    assert geoparquet.take(path) is None  # left to geopandas, which says why
    geoparquet.decode_ahead(path)
    with pytest.raises(InputError, match=r"batas\.parquet"):
        io.read_boundaries(path)


def test_only_a_parquet_file_is_decoded_ahead(tmp_path: Path) -> None:
    path = tmp_path / "batas.geojson"
    _layer().to_file(path, driver="GeoJSON")
    geoparquet._AHEAD.clear()
    geoparquet.decode_ahead(path)
    geoparquet.decode_ahead(tmp_path / "missing.parquet")
    assert geoparquet._AHEAD == {}


def test_run_command_decodes_a_geoparquet_layer_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_path = kab_run(tmp_path, outputs='dir = "out"\nformats = ["html"]\n')
    gpd.read_file(tmp_path / "kab.geojson").to_parquet(tmp_path / "kab.parquet")
    text = config_path.read_text(encoding="utf-8").replace("kab.geojson", "kab.parquet")
    config_path.write_text(text, encoding="utf-8")
    started: list[Path] = []
    taken: list[object] = []
    ahead, take = geoparquet.decode_ahead, geoparquet.take

    def spied_ahead(path: Path, *, draft: bool = False) -> None:
        started.append(Path(path))
        ahead(path, draft=draft)

    def spied_take(path: Path) -> object:
        key = geoparquet._key(path)
        taken.append(key in geoparquet._AHEAD)
        return take(path)

    monkeypatch.setattr(geoparquet, "decode_ahead", spied_ahead)
    monkeypatch.setattr(geoparquet, "take", spied_take)
    run = CliRunner().invoke(cli, ["run", str(config_path), "-q"])
    assert run.exit_code == 0, run.output
    assert started == [tmp_path / "kab.parquet"]
    assert taken == [True]  # the read took the decoding started ahead
    assert (tmp_path / "out" / "uji.html").is_file()


def test_a_bad_geometry_in_the_file_gets_the_cannot_read_message(
    tmp_path: Path,
) -> None:
    good = tmp_path / "baik.parquet"
    _layer().to_parquet(good)
    table = pq.read_table(good)
    column = table.schema.get_field_index("geometry")
    broken = pa.array(
        [b"\x01\x03\x00", *table["geometry"].to_pylist()[1:]], pa.binary()
    )
    table = table.set_column(column, table.schema.field(column), broken)
    path = tmp_path / "batas.parquet"
    pq.write_table(table, path)
    with pytest.raises(InputError, match=r"batas\.parquet"):
        io.read_boundaries(path)


def test_the_decoder_and_the_drafting_load_without_pandas() -> None:
    # `geo-priority run` starts decoding (and drafting) before pandas and
    # geopandas are imported: importing this module must not import them
    code = (
        "import sys, geo_priority.io.geoparquet, geo_priority.display_draft; "
        "print(sorted(m for m in ('pandas', 'geopandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
