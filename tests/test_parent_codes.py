"""codes.parent_codes: every code's ancestor at once, as ParsedCode.parent cuts it.

The levels of a national run take the parents of every area at each coarser
level; the vectorised cut must give the same texts and raise the same errors.
"""

from __future__ import annotations

import pytest

from geo_priority import regions
from geo_priority.codes import CodeColumn, ParsedCode, parent_codes, parse_code
from geo_priority.errors import CodeError
from geo_priority.schema import LEVELS


def _reference(system: str) -> list[ParsedCode]:
    base, desa = regions._reference_table()
    texts = [*base, *desa]
    if system == "bps":
        texts = [t.replace(".", "") for t in texts if len(t.replace(".", "")) != 6]
    return CodeColumn(texts).codes(system)  # type: ignore[arg-type]


@pytest.mark.parametrize("system", ["kemendagri", "bps"])
def test_parent_codes_are_what_parent_cuts_over_the_reference(system: str) -> None:
    codes = _reference(system)  # every level mixed, in the reference's order
    for level in LEVELS:
        depth = LEVELS.index(level)
        fine = [c for c in codes if LEVELS.index(c.level) >= depth]
        if system == "kemendagri":  # (no 7-digit BPS kecamatan in the reference)
            assert len({c.level for c in fine}) == len(LEVELS) - depth
        expected = [c.parent(level).code for c in fine]  # type: ignore[arg-type]
        assert parent_codes(fine, level) == expected, (system, level)  # type: ignore[arg-type]


def test_mixed_systems_are_cut_each_by_its_own_widths() -> None:
    codes = [parse_code("3601140003", system="bps"), parse_code("36.01.14.2003")]
    assert parent_codes(codes, "kecamatan") == ["3601140", "36.01.14"]
    assert parent_codes([], "kabkota") == []


def test_a_level_finer_than_a_code_raises_that_codes_error() -> None:
    codes = [parse_code("36.01.14.2003"), parse_code("36.01"), parse_code("36.02")]
    with pytest.raises(CodeError) as per_row:
        [c.parent("kecamatan") for c in codes]
    with pytest.raises(CodeError) as at_once:
        parent_codes(codes, "kecamatan")
    assert str(at_once.value) == str(per_row.value)
    assert "'36.01'" in str(at_once.value)
    with pytest.raises(CodeError, match="dusun"):
        parent_codes(codes, "dusun")  # type: ignore[arg-type]
