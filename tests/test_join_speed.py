"""Shortcuts of the code join give what the plain steps give."""

from __future__ import annotations

from dataclasses import fields, replace

from geo_priority.matching import MATCHED, AreaName, JoinContext, Match, _matched


def test_a_matched_row_is_the_row_replaced() -> None:
    values = {f.name: f"v{i}" for i, f in enumerate(fields(Match))}
    values["pos"] = 7
    values["weight"] = 0.5
    row = Match(**values)  # type: ignore[arg-type]
    assert _matched(row, "36.01") == replace(row, status=MATCHED, area_id="36.01")
    assert _matched(row, "36.01").detail == row.detail


def test_the_name_pool_is_made_when_first_needed_and_as_before() -> None:
    ids = ["36.01", "36.02", "36.03"]
    names = ["Kab. Pandeglang", None, "KOTA SERANG"]
    setup = JoinContext.of(
        ids, names, system="kemendagri", level="kabkota", label="t", crosswalk=None
    )
    assert "pool" not in setup.__dict__  # not made by building the context
    expected = (
        AreaName.of("36.01", "Kab. Pandeglang"),
        AreaName.of("36.03", "KOTA SERANG"),
    )
    assert setup.pool == expected
    assert setup.by_id == {a.area_id: a for a in expected}
    assert setup.pool is setup.pool  # made once
