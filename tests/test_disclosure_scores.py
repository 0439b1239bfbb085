"""Published scores of hidden desa cannot pin a hidden cell (issue 13.3)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo_priority.config import IndicatorConfig
from geo_priority.disclosure_scores import (
    pinned_with_scores,
    published_bytes,
    score_dependence,
)

from conftest import require_shared

TABLE = pd.DataFrame(
    {
        "a": [1.0, 2.0, 3.0, 4.0],
        "b": [4.0, 7.0, 6.0, 3.0],
        "b_suppressed": [False, True, False, True],
    },
    index=["d1", "d2", "d3", "d4"],
)
INDS = [IndicatorConfig(key="a"), IndicatorConfig(key="b", weight=2)]


def test_reweighted_scores_do_not_depend_on_hidden_cells() -> None:
    audit = score_dependence(TABLE, INDS, missing="reweight")
    assert audit.hidden == 2
    assert audit.trials == 5 + 2 * 8
    assert audit.dependent == ()


def test_the_audit_finds_a_score_that_uses_a_hidden_cell(monkeypatch) -> None:
    """Can fail: a scorer that reads the value behind the flag is caught."""
    from geo_priority import score

    monkeypatch.setattr(score, "_mask_suppressed", lambda frame, inds: frame)
    audit = score_dependence(TABLE, INDS, missing="reweight")
    assert audit.dependent == (("d2", "b"), ("d4", "b"))
    pinned = pinned_with_scores(
        pd.DataFrame({"kode": ["3601"], "x": [12]}),
        pd.DataFrame({"x": [False]}),
        ["x"],
        [],
        dependent=audit.dependent,
    )
    assert set(pinned) == {("d2", "b"), ("d4", "b")}


def test_published_bytes_pin_the_numbers() -> None:
    text = published_bytes(TABLE, INDS).decode()
    # weights 1/3, 2/3; norms a 0, 1/3, 2/3, 1; b (visible 4, 6) 0, -, 1, -
    # d1: 0; d2: a only -> 33.333333; d3: 100*(2/9 + 2/3) = 88.888889; d4: 100
    lines = text.splitlines()
    assert lines[1].startswith("d1,0.000000,4,")
    assert lines[2].startswith("d2,33.333333,3,")
    assert lines[3].startswith("d3,88.888889,2,")
    assert lines[4].startswith("d4,100.000000,1,")
    assert lines[2].endswith(",a") and lines[3].endswith(',"a,b"')


def _demo_indicators() -> tuple[IndicatorConfig, ...]:
    from geo_priority.demo import _desa_indicators

    return _desa_indicators()


@pytest.mark.slow
def test_synthetic_registry_scores_pin_nothing(tmp_path: Path) -> None:
    """On a synthetic registry: scores add no dependence, the LP pins nothing."""
    from geo_priority.microdata import (
        aggregate_registry,
        api,
        engine,
        export_frame,
        generate,
        plan,
    )
    from geo_priority.microdata.disclosure import suppress
    from geo_priority.microdata.ingest import SourceSpec

    persons = generate("XS", seed=21)[1]
    frame, _ = export_frame(persons, "p3ke")
    frame.to_csv(tmp_path / "xs.csv", index=False)
    res = aggregate_registry(
        [str(tmp_path / "xs.csv")],
        key=bytes(32),
        levels=("desa",),
        programmes=("pkh", "sembako_bpnt", "blt_dd"),
    )
    desa = res.tables["desa"].set_index("kode_wilayah")
    audit = score_dependence(desa, _demo_indicators(), missing="reweight")
    assert audit.hidden > 5  # something to check
    assert audit.dependent == ()
    # the registry audit on the same aggregation, extended by the scores
    counts = engine.aggregate_counts(
        [SourceSpec(str(tmp_path / "xs.csv"))], key=bytes(32)
    ).counts
    rates = api._rates("desil1", plan.ALL_PROGRAMMES, ())
    stacked = api._stack(counts, rates)
    cols = [c for c in counts.columns if c != "kode_desa"]
    p = plan.disclosure_plan(rates, cols, 4, "desil1")
    flags = suppress(
        stacked, p.cells, relations=p.relations, groups=p.groups, bounds=p.bounds
    )
    assert not pinned_with_scores(
        stacked, flags, p.cells, p.relations, p.bounds, dependent=audit.dependent
    )


def _filled(table: Path, out: Path, seed: int) -> Path:
    """The demo table with arbitrary values behind every flag."""
    frame = pd.read_csv(table, dtype={"kode_wilayah": str})
    rng = np.random.default_rng(seed)
    for flag in [c for c in frame.columns if c.endswith("_suppressed")]:
        key = flag[: -len("_suppressed")]
        hidden = frame[flag].astype(str).str.lower().isin(["true", "1"])
        if key in frame.columns and hidden.any():
            frame.loc[hidden, key] = rng.integers(1, 10, int(hidden.sum()))
    frame.to_csv(out, index=False)
    return out


@pytest.mark.integration
@pytest.mark.slow
# a tenth of the registry links tens of thousands of hidden cells: the
# publication audit reports those components (UnauditedWarning), not an error
@pytest.mark.filterwarnings("default::geo_priority.microdata.api.UnauditedWarning")
def test_desa_demo_publishes_the_same_bytes_whatever_is_hidden(tmp_path: Path) -> None:
    """Property: other true values in the hidden cells, byte-identical outputs."""
    require_shared("boundaries", "banten_desa_kemendagri2025_cahyadsn.geojson")
    from dataclasses import replace

    import geopandas as gpd

    from geo_priority import pipeline
    from geo_priority.demo import desa_demo_config, run_desa_demo

    first = run_desa_demo(out=tmp_path / "a", scale=0.1, seed=1)
    areas = first.analysis.areas
    # at a tenth of the registry more cells are small; reweight still ranks
    # more desa than the desa with every component shown (what "drop" ranks)
    ranked = areas["priority_rank"].notna().mean()
    complete = (areas["score_basis"].str.count(",") == 2).mean()
    assert ranked > complete + 0.1, (ranked, complete)
    table = tmp_path / "a" / "demo_banten_desa_registri_desa.csv"
    runs = {}
    for seed in (1, 2):
        filled = _filled(table, tmp_path / f"filled{seed}.csv", seed)
        config = desa_demo_config(out=tmp_path / f"out{seed}", table=filled)
        config = replace(
            config, outputs=replace(config.outputs, formats=("csv", "gpkg", "json"))
        )
        runs[seed] = pipeline.run(config)
    one, two = (r.outputs for r in runs.values())
    assert one["csv"].read_bytes() == two["csv"].read_bytes()
    assert one["csv"].read_bytes() == (first.outputs["csv"].read_bytes()), (
        "the published table's own run differs"
    )
    layers = [gpd.read_file(r["gpkg"], layer="demo_banten_desa") for r in (one, two)]
    pd.testing.assert_frame_equal(*layers, check_exact=True)
    records = [json.loads(r["json"].read_text(encoding="utf-8")) for r in (one, two)]
    for rec in records:  # the table read and the folder written differ
        del rec["run_at"], rec["inputs"], rec["files"], rec["config"]["tables"]
        del rec["config"]["outputs"]["dir"]
    assert records[0] == records[1]
