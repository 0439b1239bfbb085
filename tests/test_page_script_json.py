"""The page's data in its <script> block: escaped, the base64 fields put in whole.

``render.page._script_json`` writes the map's data as JSON with every ``<``
(and U+2028/U+2029) escaped, so that no text from the input can end the
script; the packed rings and area data (base64, 14 MB nationally) are put in
after the rest is written. The text must be the one json and the escaping
give of the whole.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest

from geo_priority.render.page import _is_base64, _script_json


def _whole(data: Any) -> str:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        raw.replace("<", "\\u003c")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


PACKED = base64.b64encode(os.urandom(3000)).decode()


@pytest.mark.parametrize(
    "data",
    [
        {"lang": "id", "packed": PACKED, "packed_props": PACKED[:40], "views": [1]},
        {"title": "Desa — </script><!--", "packed": PACKED, "x": "\u2028\u2029"},
        {"packed": 'not "base64"', "packed_props": "a\\b"},
        {"packed": "line\nbreak", "packed_props": "tab\there"},
        {"packed": "Kecamatan Śród", "other": PACKED},
        {"packed": 5, "packed_props": None},
        {"views": []},
        [PACKED, "<b>"],
    ],
    ids=[
        "packed",
        "escaped",
        "quotes",
        "controls",
        "non-ascii",
        "not-text",
        "none",
        "list",
    ],
)
def test_the_text_is_the_whole_json_escaped(data: Any) -> None:
    written = _script_json(data)
    assert written == _whole(data)
    assert "<" not in written
    assert json.loads(written) == data


def test_only_base64_text_is_put_in_as_it_is() -> None:
    assert _is_base64(PACKED)
    for text in ['a"b', "a\\b", "a<b", "a\nb", "é", "a\x7fb"]:
        assert not _is_base64(text), text
