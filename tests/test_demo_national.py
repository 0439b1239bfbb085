"""The national kab/kota demo on the real BPS P0 export (all 514 kab/kota).

Runs on ../shared/data (skipped without it, except under CI=true). Values
pinned here were read by hand from bps_p0_kabkota_2018-2024.xlsx.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo_priority.demo_national import (
    NATIONAL_BOUNDARIES,
    NATIONAL_P0,
    run_national_demo,
    unmatched_entries,
)
from geo_priority.errors import InputError, UnmatchedKeysWarning
from geo_priority.pipeline import RunResult

from conftest import require_shared

pytestmark = pytest.mark.integration


def _run(shared: Path, out: Path) -> tuple[RunResult, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_national_demo(out=out, shared=shared, lang="en")
    return result, caught


@pytest.fixture(scope="module")
def national(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[RunResult, list[warnings.WarningMessage]]:
    shared = require_shared(*NATIONAL_P0).parents[2]
    require_shared(*NATIONAL_BOUNDARIES)
    return _run(shared, tmp_path_factory.mktemp("nasional"))


def test_all_514_kabkota_get_the_real_p0_and_a_score(
    national: tuple[RunResult, list[warnings.WarningMessage]],
) -> None:
    result, caught = national
    areas = result.analysis.areas
    assert len(areas) == 514
    assert areas["p0"].notna().sum() == 514
    assert areas["priority_score"].notna().sum() == 514
    assert sorted(areas["priority_class"].unique()) == [1, 2, 3, 4, 5]
    assert unmatched_entries(result.analysis.report).empty
    assert not [w for w in caught if issubclass(w.category, UnmatchedKeysWarning)]
    assert {p.suffix for p in result.files} >= {".html", ".csv", ".json"}


@pytest.mark.parametrize(
    ("code", "p0_2019", "p0_2023", "p0_2024"),
    [
        ("36.01", 9.42, 9.27, 9.18),  # Pandeglang
        ("95.08", 38.24, 37.09, 36.28),  # Nduga *: Papua -> Papua Pegunungan
        ("12.12", 8.60, 8.04, 8.07),  # Toba (Toba Samosir in the export)
        ("61.71", None, None, 4.20),  # Kota Pontianak, not Kab. Pontianak
    ],
)
def test_values_stay_on_their_own_kabkota(
    national: tuple[RunResult, list[warnings.WarningMessage]],
    code: str,
    p0_2019: float | None,
    p0_2023: float | None,
    p0_2024: float,
) -> None:
    row = national[0].analysis.areas.set_index("area_id").loc[code]
    assert row["p0"] == p0_2024
    if p0_2019 is not None:
        assert (row["p0_2019"], row["p0_2023"]) == (p0_2019, p0_2023)


def test_the_ranked_table_puts_the_highest_p0_first(
    national: tuple[RunResult, list[warnings.WarningMessage]],
) -> None:
    areas = national[0].analysis.areas
    top = areas.sort_values("priority_rank").iloc[0]
    assert top["p0"] == areas["p0"].max()


def test_every_unpaired_kabkota_is_named(tmp_path: Path) -> None:
    """Two kab/kota missing from the boundaries: both export rows are named."""
    boundaries = require_shared(*NATIONAL_BOUNDARIES)
    export = require_shared(*NATIONAL_P0)
    shared = tmp_path / "shared"
    (shared / "boundaries").mkdir(parents=True)
    (shared / "indicators" / "national_kabkota").mkdir(parents=True)
    (shared.joinpath(*NATIONAL_P0)).symlink_to(export)
    layer = gpd.read_file(boundaries)
    layer[~layer["kode"].isin(["36.01", "95.08"])].to_file(
        shared.joinpath(*NATIONAL_BOUNDARIES), driver="GeoJSON"
    )
    result, caught = _run(shared, tmp_path / "out")
    assert len(result.analysis.areas) == 512
    unmatched = unmatched_entries(result.analysis.report)
    assert len(unmatched) == 2
    assert set(unmatched["status"]) == {"unmatched_row"}
    named = [
        str(w.message) for w in caught if issubclass(w.category, UnmatchedKeysWarning)
    ]
    assert len(named) == 1
    assert "Pandeglang" in named[0] and "Nduga" in named[0]
    report = pd.read_csv(tmp_path / "out" / "demo_nasional_kabkota_laporan_join.csv")
    assert (report["status"] == "unmatched_row").sum() == 2


def test_missing_shared_data_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="GEO_PRIORITY_SHARED"):
        run_national_demo(out=tmp_path, shared=tmp_path, lang="en")


def test_cli_demo_scope_nasional_runs_the_national_demo(
    national: tuple[RunResult, list[warnings.WarningMessage]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    import geo_priority.demo_national as demo_national
    from geo_priority.cli import cli

    calls: list[dict[str, object]] = []

    def fake(**kwargs: object) -> RunResult:
        calls.append(kwargs)
        return national[0]

    monkeypatch.setattr(demo_national, "run_national_demo", fake)
    out = tmp_path / "maps"
    result = CliRunner().invoke(
        cli, ["demo", "--scope", "nasional", "--out", str(out), "--lang", "en", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert calls == [{"out": out, "lang": "en", "overwrite": False}]
    assert "514 of 514" in result.output
