"""Where an area lies (PLACE): from the names known for its parent codes."""

from __future__ import annotations

import pandas as pd

from geo_priority.places import area_places


def _areas(codes: list[str], system: str, level: str) -> pd.DataFrame:
    frame = pd.DataFrame({"area_id": pd.Series(codes, dtype="string")})
    frame.attrs.update(code_system=system, level=level)
    return frame


def test_desa_of_two_kecamatan_get_each_their_own_parents() -> None:
    areas = _areas(
        ["36.01.01.2001", "36.01.01.2002", "36.01.02.2001", "36.73.01.1001"],
        "kemendagri",
        "desa",
    )
    known = {
        "36.01.01": "Kecamatan Sumur",
        "36.01.02": "Cimanggu",
        "36.73.01": "Kec. Serang",
        "36.01": "Kabupaten Pandeglang",
    }
    places = area_places(areas, known)
    assert places.tolist() == [
        "Kec. Sumur, Kab. Pandeglang",
        "Kec. Sumur, Kab. Pandeglang",
        "Kec. Cimanggu, Kab. Pandeglang",
        "Kec. Serang, Kota Serang",  # kab/kota 73: a city, named from the reference
    ]
    assert str(places.dtype) == "string"
    assert places.index.equals(areas.index)


def test_bps_desa_and_kabkota_codes_use_their_own_widths() -> None:
    desa = _areas(["3601010001", "3601020001"], "bps", "desa")
    known = {"3601010": "Sumur", "3601": "Pandeglang"}
    assert area_places(desa, known).tolist() == [
        "Kec. Sumur, Kab. Pandeglang",
        "Kab. Pandeglang",  # kecamatan 3601020 not known: left out, never guessed
    ]
    kab = _areas(["3601", "3673"], "bps", "kabkota")
    assert area_places(kab).tolist() == ["Prov. Banten", "Prov. Banten"]
