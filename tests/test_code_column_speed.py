"""Reading many codes fast gives the readings read_code gives, cell for cell.

:class:`~geo_priority.codes.CodeColumn` takes canonical text as written,
keeps every distinct reading for the process and groups plain-text columns
with pandas; none of it may change a reading.
"""

from __future__ import annotations

import pytest

from geo_priority import regions
from geo_priority.codes import CodeColumn, ParsedCode
from geo_priority.codes import column as column_module
from geo_priority.codes.parse import read_code
from geo_priority.errors import CodeError
from geo_priority.messages import use_language


def _slow(value: object, system: str) -> ParsedCode | str:
    try:
        return read_code(value, system).parsed  # type: ignore[arg-type]
    except CodeError as err:
        return str(err)


def _reference_codes() -> list[str]:
    base, desa = regions._reference_table()
    return [*base, *desa]


def test_every_reference_code_reads_as_read_code_reads_it() -> None:
    dotted = _reference_codes()
    undotted = [c.replace(".", "") for c in dotted]
    for system in ("kemendagri", "bps"):
        for value in (*dotted, *undotted):
            fast = column_module._as_written(value, system)  # type: ignore[arg-type]
            if fast is not None:
                assert fast == _slow(value, system), (value, system)


TRICKY = [
    "36.00",
    "36.00.00",
    "11.00",
    "36.0",
    "36.01.0",
    "3600",
    "00",
    "0000000",
    "36.01.01.2001",
    "36.01.01.20010",
    "36.1",
    " 36.01",
    "36.01 ",
    "id3601",
    "ID36",
    "36-01",
    "36 01",
    "3.601140003E+09",
    "3601.0",
    "36010",
    "360101",
    "3601010",
    "3601010001",
    "36010100011",
    "'3601",
    "36.01.01",
    "36.01.001",
    "٣٦",
    "36.01.01.2001\u200b",
    "",
    "x",
    "36..01",
]


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("system", ["kemendagri", "bps"])
def test_tricky_text_reads_as_read_code_reads_it(value: str, system: str) -> None:
    fast = column_module._as_written(value, system)  # type: ignore[arg-type]
    if fast is not None:
        assert fast == _slow(value, system)
    column = CodeColumn([value, value, 36, 36.0, True, None])
    got = column.parse(system)  # type: ignore[arg-type]
    for cell, result in zip(column.values, got, strict=True):
        expected = _slow(cell, system)
        assert (str(result) if isinstance(result, CodeError) else result) == expected


def test_columns_of_text_group_like_columns_of_anything() -> None:
    codes = [*_reference_codes()[:3000], "36.01", " 36.01", "bad", "36.01"]
    for system in ("kemendagri", "bps"):
        grouped = CodeColumn(codes).parse(system)  # type: ignore[arg-type]
        mixed = CodeColumn([*codes, 1]).parse(system)[:-1]  # type: ignore[arg-type]
        as_text = [str(r) if isinstance(r, CodeError) else r for r in grouped]
        assert as_text == [str(r) if isinstance(r, CodeError) else r for r in mixed]
        assert as_text == [_slow(c, system) for c in codes]


def test_kept_readings_follow_the_language() -> None:
    value = "3.601140003E+09"  # read with a note, which is in the language
    with use_language("en"):
        english = CodeColumn([value]).codes("bps")[0].note
    with use_language("id"):
        indonesian = CodeColumn([value]).codes("bps")[0].note
    assert english and indonesian and english != indonesian


def test_places_of_many_areas_are_each_areas_own_place() -> None:
    import pandas as pd

    from geo_priority.places import area_places, place_of
    from geo_priority.schema import ID

    base, desa = regions._reference_table()
    for system, codes in (
        ("kemendagri", [*list(desa)[:4000], *list(base)[:600]]),
        ("bps", [c.replace(".", "") for c in list(desa)[:3000]]),
    ):
        for level in ("desa", "kecamatan", "kabkota", "provinsi"):
            depth = ("provinsi", "kabkota", "kecamatan", "desa").index(level)
            wanted = (
                [c for c in codes if c.count(".") == depth]
                if (system == "kemendagri")
                else [c for c in codes if len(c) == (2, 4, 7, 10)[depth]]
            )
            if not wanted:
                continue
            areas = pd.DataFrame({ID: wanted})
            areas.attrs.update(code_system=system, level=level)
            known = {wanted[0][:2]: "Provinsi Contoh"}
            got = area_places(areas, known).to_list()
            parsed = CodeColumn(wanted).codes(system)  # type: ignore[arg-type]
            assert got == [place_of(c, known) for c in parsed], (system, level)


def test_parent_columns_are_what_parent_cuts() -> None:
    from geo_priority.area_keys import parent_ids
    from geo_priority.codes.parse import code_width

    base, desa = regions._reference_table()
    for system, texts in (
        ("kemendagri", [*list(desa)[:5000], *base]),
        ("bps", [c.replace(".", "") for c in [*list(desa)[:5000], *base]]),
    ):
        texts = [t for t in texts if len(t) != 6]  # 6 digits: no BPS code
        codes = CodeColumn(texts).codes(system)  # type: ignore[arg-type]
        for level in ("kabkota", "kecamatan", "desa"):
            same = [c for c in codes if c.level == level]
            up = ("provinsi", "kabkota", "kecamatan")[
                ("kabkota", "kecamatan", "desa").index(level)
            ]
            expected = [c.parent(up).code for c in same]  # type: ignore[arg-type]
            assert parent_ids(same, level).to_list() == expected  # type: ignore[arg-type]
            assert all(len(p) == code_width(system, up) for p in expected)  # type: ignore[arg-type]


def test_canonical_text_read_column_wise_as_cell_by_cell() -> None:
    dotted = _reference_codes()
    values = [*dotted, *(c.replace(".", "") for c in dotted), *TRICKY]
    for system in ("kemendagri", "bps"):
        got = column_module._as_written_all(values, system)  # type: ignore[arg-type]
        want = [column_module._as_written(v, system) for v in values]  # type: ignore[arg-type]
        assert got == want
        assert sum(g is not None for g in got) > len(dotted) // 2


def test_a_column_of_distinct_codes_reads_as_one_with_repeats() -> None:
    codes = [*_reference_codes()[:2000], "bad", " 36.01"]
    for system in ("kemendagri", "bps"):
        distinct = CodeColumn(codes).parse(system)  # type: ignore[arg-type]
        repeated = CodeColumn([*codes, *codes]).parse(system)  # type: ignore[arg-type]
        as_text = [str(r) if isinstance(r, CodeError) else r for r in distinct]
        assert as_text * 2 == [
            str(r) if isinstance(r, CodeError) else r for r in repeated
        ]
        assert as_text == [_slow(c, system) for c in codes]


def test_places_of_areas_of_several_levels_are_each_areas_own_place() -> None:
    import pandas as pd

    from geo_priority.places import area_places, place_of
    from geo_priority.schema import ID

    base, desa = regions._reference_table()
    codes = [*list(desa)[:1500], *list(base)[:300], *list(desa)[:40]]
    areas = pd.DataFrame({ID: codes}, index=range(10, 10 + len(codes)))
    areas.attrs.update(code_system="kemendagri", level="desa")
    known = {codes[0][:8]: "Kecamatan Contoh", codes[0][:2]: "Prov. X"}
    got = area_places(areas, known)
    parsed = CodeColumn(codes).codes("kemendagri")
    assert got.to_list() == [place_of(c, known) for c in parsed]
    assert got.index.equals(areas.index)
    assert str(got.dtype) == "string"
