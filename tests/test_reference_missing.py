"""regions.reference_missing and area_keys.warn_unknown_codes: the batch lookup.

``reference_missing`` must list exactly the codes ``reference_exists`` says
are not in the Kemendagri reference table, and ``warn_unknown_codes`` must
warn as it did when it asked ``reference_exists`` one code at a time.
"""

from __future__ import annotations

import warnings

import pytest

from geo_priority.area_keys import read_codes, warn_unknown_codes
from geo_priority.errors import CodeError, UnmatchedKeysWarning
from geo_priority.messages import use_language
from geo_priority.regions import (
    ParsedCode,
    parse_code,
    reference_children,
    reference_exists,
    reference_missing,
)

from conftest import require_shared

#: Codes at every level, in the table and not, in the forms a caller gives.
_TEXT = [
    "36",
    "99",
    "36.01",
    "36.99",
    "36.01.14",
    "36.01.99",
    "36.01.14.2003",
    "36.01.14.2999",
    "3601142003",
    "94.71",
    "11.01.01.2001",
]


def _kemendagri_codes() -> list[ParsedCode]:
    """Parsed Kemendagri codes: the texts above and a province's whole tree."""
    codes = [parse_code(text, system="kemendagri") for text in _TEXT]
    todo = ["36"]
    while todo:
        code = todo.pop()
        children = [child for child, _ in reference_children(code)]
        codes += [parse_code(child, system="kemendagri") for child in children]
        todo += children
    return codes


def test_reference_missing_is_reference_exists_for_kemendagri_codes():
    codes = _kemendagri_codes()
    expected = [c for c in codes if not reference_exists(c)]
    assert len(codes) > 1_500  # Banten's kab/kota, kecamatan and desa
    assert [c.code for c in expected] == [
        "99",
        "36.99",
        "36.01.99",
        "36.01.14.2999",
        "94.71",
    ]
    assert reference_missing(codes) == expected


def test_reference_missing_takes_text_and_bps_codes_as_reference_exists():
    bps = [parse_code(text, system="bps") for text in ("36", "3601", "3699", "3602")]
    given: list[object] = [*_TEXT, *bps]
    assert reference_missing(given) == [c for c in given if not reference_exists(c)]
    assert reference_missing(bps) == [bps[2]]  # BPS 3699 -> Kemendagri 36.99


def test_reference_missing_refuses_what_reference_exists_refuses():
    desa_bps = parse_code("3601140003", system="bps")  # no digit-identical desa
    with pytest.raises(CodeError):
        reference_exists(desa_bps)
    with pytest.raises(CodeError):
        reference_missing([parse_code("36", system="kemendagri"), desa_bps])
    with pytest.raises(CodeError):
        reference_missing(["not a code"])


def _old_warn_unknown_codes(codes: list[ParsedCode], system: str) -> list[str]:
    """The warnings of warn_unknown_codes before the batch lookup (its message)."""
    from geo_priority.formatting import shorten_list
    from geo_priority.messages import tr
    from geo_priority.regions import REFERENCE_EDITION

    if system != "kemendagri":
        return []
    unknown = [c.code for c in codes if not reference_exists(c)]
    if not unknown:
        return []
    return [
        tr(
            "{n_unknown} of {n_codes} area codes are not in {REFERENCE_EDITION}: "
            "{value}. They may come from another edition; check the layer's "
            "edition or map old codes with a crosswalk.",
            n_unknown=len(unknown),
            n_codes=len(codes),
            REFERENCE_EDITION=REFERENCE_EDITION,
            value=shorten_list(unknown, 5),
        )
    ]


def _warned(codes: list[ParsedCode], system: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_unknown_codes(codes, system)  # type: ignore[arg-type]
    assert all(issubclass(w.category, UnmatchedKeysWarning) for w in caught)
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("n_unknown", [0, 1, 4, 7])
def test_warn_unknown_codes_warns_as_before(language: str, n_unknown: int):
    unknown = [
        parse_code(f"36.01.14.{2990 + i}", system="kemendagri") for i in range(7)
    ]
    known = _kemendagri_codes()[-300:]
    codes = known[:100] + unknown[:n_unknown] + known[100:]
    with use_language(language):
        expected = _old_warn_unknown_codes(codes, "kemendagri")
        assert _warned(codes, "kemendagri") == expected
    assert len(expected) == (n_unknown > 0)
    assert _warned([parse_code("3699", system="bps")], "bps") == []


def test_warn_unknown_codes_national_desa_as_before():
    source = require_shared(
        "boundaries", "indonesia_desa_kemendagri2025_cahyadsn.parquet"
    )
    import pandas as pd

    column = pd.read_parquet(source, columns=["kode"])["kode"]
    codes, system = read_codes(column, "kemendagri", "kode", "bps")
    codes = list(codes)
    assert system == "kemendagri" and len(codes) > 80_000
    # five codes made unknown (another edition's numbers) among the real ones
    extra = [parse_code(f"36.01.14.{2990 + i}", system="kemendagri") for i in range(5)]
    mixed = codes[:40_000] + extra + codes[40_000:]
    assert reference_missing(codes) == [c for c in codes if not reference_exists(c)]
    assert reference_missing(mixed) == [c for c in mixed if not reference_exists(c)]
    assert _warned(mixed, system) == _old_warn_unknown_codes(mixed, system)
