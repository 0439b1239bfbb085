"""Indonesian region codes, read once into a typed value.

A code cell is read once, into a :class:`ParsedCode` (canonical code, system,
level); levels, parents and the digit-identical code in the other system come
from that value. A whole column is read with :class:`CodeColumn`, which reads
each distinct value once and answers every question a join asks of it.

* :mod:`geo_priority.codes.text`: from a cell to digit segments (spreadsheet
  clean-up, scientific notation, P-code prefix).
* :mod:`geo_priority.codes.parse`: one code cell read in a system (Kemendagri
  or BPS).
* :mod:`geo_priority.codes.parsed_code`: the parsed value and what is cut from
  it without reading text again (parents, widths, the digit-identical
  provinces).
* :mod:`geo_priority.codes.column`: a column of codes.

Pure: no I/O, no reference table (that is :mod:`geo_priority.regions`).

Examples
--------
>>> code = parse_code("3601140003", system="bps")
>>> code.level, code.parent("kabkota").code
('desa', '3601')
"""

from __future__ import annotations

from geo_priority.codes.column import (
    CodeColumn,
    check_code_system_option,
    detect_code_system,
)
from geo_priority.codes.parse import (
    DIGIT_IDENTICAL_PROVINCES,
    SEGMENT_WIDTHS,
    CodeReading,
    ParsedCode,
    SystemChoice,
    check_level,
    check_system_choice,
    level_of,
    parent_code,
    parent_codes,
    parse_code,
    read_code,
    to_system,
)
from geo_priority.codes.text import is_missing

__all__ = [
    "DIGIT_IDENTICAL_PROVINCES",
    "SEGMENT_WIDTHS",
    "CodeColumn",
    "CodeReading",
    "ParsedCode",
    "SystemChoice",
    "check_code_system_option",
    "check_level",
    "check_system_choice",
    "detect_code_system",
    "is_missing",
    "level_of",
    "parent_code",
    "parent_codes",
    "parse_code",
    "read_code",
    "to_system",
]
