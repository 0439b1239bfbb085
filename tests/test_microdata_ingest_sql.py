"""The ingest SQL's shortcuts give what the plain SQL they stand in for gives."""

from __future__ import annotations

import duckdb
import pytest

from geo_priority.microdata.ingest import trim_sql
from geo_priority.microdata.source_sql import _missing

#: Texts around every edge trim() sees: ASCII and Unicode spaces (which it
#: strips), tabs and line ends (which it keeps), accents, empty and NULL.
TEXTS = [
    "P3KE-3601-00000007",
    " P3KE-3601-00000007",
    "P3KE-3601-00000007 ",
    "  both  ",
    "a b",
    "",
    " ",
    "   ",
    None,
    "\u00a0nbsp",
    "nbsp\u00a0",
    "\u3000ideographic\u3000",
    "thin\u2009",
    "\u202fnarrow",
    "\ttab",
    "tab\t",
    "line\n",
    "\rcr",
    "é",
    " é ",
    "Bantén",
    "éx ",
    "12",
    "123456789012",
    "1234567890123",
]


@pytest.fixture(scope="module")
def con():
    with duckdb.connect() as c:
        c.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
        c.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(TEXTS)))
        yield c


def test_trim_sql_equals_trim_on_every_edge(con):
    got = con.execute(
        f"SELECT i, {trim_sql('v')}, trim(v) FROM t ORDER BY i"
    ).fetchall()
    assert [row[1] for row in got] == [row[2] for row in got]
    # the edges are really there: trim changes some texts and keeps others
    assert sum(row[2] != TEXTS[row[0]] for row in got if row[2] is not None) == 12


def test_trim_sql_on_numbers_cast_to_text(con):
    query = (
        f"SELECT {trim_sql('CAST(x AS VARCHAR)')} = trim(CAST(x AS VARCHAR)) "
        "FROM (VALUES (1), (-7), (NULL), (1234567890123456)) v(x)"
    )
    assert [r[0] for r in con.execute(query).fetchall()] == [True, True, None, True]


def test_missing_is_trimmed_text_missing(con):
    from geo_priority.microdata.ingest import _text

    got = con.execute(
        f"SELECT i, {_missing(('v',))}, {_text(('v',))} IS NULL FROM t"
    ).fetchall()
    assert all(row[1] == row[2] for row in got)
    assert con.execute(f"SELECT count_if({_missing(None)}) FROM t").fetchone() == (
        len(TEXTS),
    )


def test_all_desa_of_the_covered_kecamatan_are_listed():
    import pandas as pd

    from geo_priority import regions
    from geo_priority.microdata.engine import _with_all_desa

    # desa of three Banten kecamatan (two kab/kota) and one of Jakarta
    codes = ["3601012002", "3673011005", "3673011006", "3604052001", "3171011001"]
    counts = pd.DataFrame({"kode_desa": codes, "families": [4, 3, 2, 1, 5]})
    out = _with_all_desa(counts)
    listed: list[str] = []
    for kec in sorted({c[:6] for c in codes}):
        dotted = f"{kec[:2]}.{kec[2:4]}.{kec[4:]}"
        ref = regions.reference_areas("desa", within=dotted)["code"]
        listed += ref.str.replace(".", "", regex=False).tolist()
    assert out["kode_desa"].tolist() == sorted(listed)
    assert len(listed) > len(codes)
    by_code = out.set_index("kode_desa")["families"]
    assert by_code[codes].tolist() == [4, 3, 2, 1, 5]
    assert int(by_code.sum()) == 15
