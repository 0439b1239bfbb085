"""A count of one reads in the singular in English ("1 match needs checking").

Indonesian has one form; each singular has its own Indonesian text.
"""

from __future__ import annotations

import pytest

from geo_priority.cli.microdata_cmds import _export_line, _rows_line
from geo_priority.join_report import _doubtful_text, _withheld_text
from geo_priority.messages import use_language
from geo_priority.render._method_note import accepted_sentence


def _en(function, *args, **kwargs) -> str:
    with use_language("en"):
        return function(*args, **kwargs)


def test_doubtful_matches_one_and_two():
    one = _en(_doubtful_text, "t", 1, examples="a", withheld="")
    two = _en(_doubtful_text, "t", 2, examples="a, b", withheld="")
    assert "1 match needs checking (a name that is close" in one
    assert "2 matches need checking (names that are close" in two
    assert "matches" not in one and " e.g." not in one


@pytest.mark.parametrize(
    ("held", "n", "expected"),
    [
        (0, 1, ""),
        (1, 1, " It is held back without a value until accepted"),
        (1, 3, " 1 of them is held back without a value"),
        (2, 3, " 2 of them are held back without a value"),
    ],
)
def test_held_back_one_and_more(held: int, n: int, expected: str):
    text = _en(_withheld_text, held, n)
    assert text.startswith(expected) and (bool(text) == bool(held))


def test_accepted_by_hand_one_and_two():
    assert _en(accepted_sentence, 1).startswith("1 match by name was checked")
    assert _en(accepted_sentence, 2).startswith("2 matches by name were checked")


def test_synth_rows_one_and_many():
    assert _en(_rows_line, 1, "individu") == "1 row (a person)"
    assert _en(_rows_line, 1, "keluarga") == "1 row (a family)"
    assert _en(_rows_line, 1200, "individu") == "1,200 rows (persons)"
    assert _en(_rows_line, 2, "keluarga") == "2 rows (families)"


def test_export_line_one_and_many():
    assert (
        _en(_export_line, "p3ke", "individu", 1, "1") == "p3ke individu, 1 row, 1 used"
    )
    assert _en(_export_line, "p3ke", "individu", 2, "2") == (
        "p3ke individu, 2 rows, 2 used"
    )


def test_singulars_are_indonesian_by_default():
    assert _rows_line(1, "individu") == "1 baris (satu jiwa)"
    assert _withheld_text(1, 1).startswith(" Kecocokan ini ditahan")
    assert accepted_sentence(1).startswith("1 kecocokan menurut nama")
    text = _doubtful_text("t", 1, examples="a", withheld="")
    assert text.startswith("tabel 't': 1 kecocokan perlu diperiksa")
