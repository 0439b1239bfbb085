"""``geo-priority demo --scope nasional``: all 514 kab/kota on real BPS P0.

The map ranks every kab/kota of Indonesia by BPS's poverty rate (P0, Susenas
March 2024) and shows P0 2019 and 2023 beside it. The figures are BPS's own
dynamic-table export, read exactly as downloaded through the BPS reader
(:mod:`geo_priority.io.bps`: names under province rows, the 2022 Papua split,
renamed areas, ``-`` as no data); the boundaries are the Kemendagri 2025
kab/kota layer. Both come from the shared data folder (``GEO_PRIORITY_SHARED``,
else ``../shared/data`` beside the repository); nothing derived from them is
shipped.

Every kab/kota the export and the boundaries do not pair (a new or renamed
area, a row left over) is named in one warning, and is in the join report;
an area without a value gets no score and is listed, never filled in silently.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd

from geo_priority import pipeline
from geo_priority.config import (
    BoundariesConfig,
    ClassifyConfig,
    Config,
    IndicatorConfig,
    Lang,
    OutputConfig,
    ScoringConfig,
    TableConfig,
)
from geo_priority.errors import InputError, UnmatchedKeysWarning
from geo_priority.messages import tr, use_language
from geo_priority.schema import MATCHED, MATCHED_NAME, OTHER_LEVEL, JoinReport

__all__ = [
    "NATIONAL_BOUNDARIES",
    "NATIONAL_DEMO_NAME",
    "NATIONAL_P0",
    "national_demo_config",
    "run_national_demo",
    "unmatched_entries",
]

NATIONAL_DEMO_NAME = "demo_nasional_kabkota"
#: Paths inside the shared data folder.
NATIONAL_BOUNDARIES = (
    "boundaries",
    "indonesia_kabkota_kemendagri2025_cahyadsn.geojson",
)
NATIONAL_P0 = ("indicators", "national_kabkota", "bps_p0_kabkota_2018-2024.xlsx")
P0_SOURCE = "Persentase Penduduk Miskin"


def shared_root() -> Path:
    """Return the shared data folder (``GEO_PRIORITY_SHARED``, else ../shared/data)."""
    shared = os.environ.get("GEO_PRIORITY_SHARED")
    if shared:
        return Path(shared)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def _shared_file(root: Path, parts: tuple[str, ...]) -> Path:
    path = root.joinpath(*parts)
    if not path.is_file():
        raise InputError(
            tr(
                "the national demo needs {path!r}, which is missing. Set "
                "GEO_PRIORITY_SHARED to the folder that holds {parts}, or run "
                "examples/nasional_kabkota.toml with your own copies.",
                path=str(path),
                parts="/".join(parts),
            )
        )
    return path


def _p0(key: str, year: int, *, scored: bool) -> IndicatorConfig:
    return IndicatorConfig(
        key=key,
        source=P0_SOURCE,
        year=year,
        score=scored,
        weight=1.0 if scored else 0.0,
        normalisation="target",
        target=0.0,
        unit="%",
        label="Persentase penduduk miskin (P0)",
        label_en="Poverty rate (P0)",
    )


def national_demo_config(
    *,
    out: Path,
    lang: Lang = "id",
    overwrite: bool = False,
    shared: Path | None = None,
) -> Config:
    """Return the configuration of the national kab/kota demo.

    Parameters
    ----------
    out : Path
        Output folder.
    lang : {"id", "en"}
    overwrite : bool
    shared : Path, optional
        The shared data folder (default: :func:`shared_root`).

    Raises
    ------
    InputError
        When the boundaries or the BPS export are missing.
    """
    root = shared or shared_root()
    boundaries = _shared_file(root, NATIONAL_BOUNDARIES)
    export = _shared_file(root, NATIONAL_P0)
    return Config(
        boundaries=BoundariesConfig(
            path=str(boundaries),
            code_column="kode",
            name_column="nama",
            code_system="kemendagri",
            level="kabkota",
        ),
        tables=(
            TableConfig(
                path=str(export),
                label="bps_p0",
                layout="bps",
                code_column="kode",
                code_system="kemendagri",
            ),
        ),
        scoring=ScoringConfig(
            indicators=(
                _p0("p0", 2024, scored=True),
                _p0("p0_2023", 2023, scored=False),
                _p0("p0_2019", 2019, scored=False),
            ),
            missing="drop",
        ),
        classify=ClassifyConfig(scheme="quantiles", k=5),
        outputs=OutputConfig(
            dir=str(out),
            name=NATIONAL_DEMO_NAME,
            lang=lang,
            overwrite=overwrite,
            formats=("html", "csv", "report", "json"),
        ),
        title=(
            "Kemiskinan menurut kabupaten/kota — Indonesia"
            if lang == "id"
            else "Poverty by regency/city — Indonesia"
        ),
        subtitle=(
            "514 kabupaten/kota · P0 2024 (BPS, Susenas Maret), P0 2019 dan 2023 "
            "ditampilkan"
            if lang == "id"
            else "514 regencies/cities · P0 2024 (BPS, Susenas March), P0 2019 and "
            "2023 shown"
        ),
    )


def unmatched_entries(report: JoinReport) -> pd.DataFrame:
    """Return the join report's rows that did not pair a kab/kota with a value.

    Province rows of the export (``other_level``) are left out: they are
    another level, never joined.
    """
    entries = report.entries
    return entries[~entries["status"].isin([MATCHED, MATCHED_NAME, OTHER_LEVEL])]


def _warn_unmatched(unmatched: pd.DataFrame) -> None:
    """Name every kab/kota and row the join left unpaired, all of them."""
    if unmatched.empty:
        return
    lines = []
    for row in unmatched.itertuples():
        code = row.area_id if pd.notna(row.area_id) else row.row_code
        name = row.area_name if pd.notna(row.area_name) else row.row_name
        code = "" if pd.isna(code) else str(code)
        lines.append(f"{row.status}: {code} {name}".rstrip())
    warnings.warn(
        tr(
            "national demo: {n} kab/kota or export rows were not paired (a new or "
            "renamed area?); they get no value and no score. Each one: {rows}. "
            "The join report (_laporan_join.csv) lists them too.",
            n=len(lines),
            rows="; ".join(lines),
        ),
        UnmatchedKeysWarning,
        stacklevel=3,
    )


def run_national_demo(
    *,
    out: Path,
    lang: Lang = "id",
    overwrite: bool = False,
    shared: Path | None = None,
) -> pipeline.RunResult:
    """Map all 514 kab/kota by the real BPS P0 2024 (HTML, CSV, report, record).

    Returns
    -------
    RunResult

    Warns
    -----
    UnmatchedKeysWarning
        Naming every kab/kota or export row the join did not pair.
    """
    config = national_demo_config(
        out=out, lang=lang, overwrite=overwrite, shared=shared
    )
    with use_language(lang):
        with warnings.catch_warnings():
            # the per-table summary is replaced by the full list below
            warnings.simplefilter("ignore", UnmatchedKeysWarning)
            result = pipeline.run(config)
        _warn_unmatched(unmatched_entries(result.analysis.report))
        return result
