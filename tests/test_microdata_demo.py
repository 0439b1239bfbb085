"""The desa demo on a synthetic registry: it runs and leaks no NIK."""

from __future__ import annotations

import pytest

from conftest import require_shared
from nikscan import NikScan

#: the tiny synthetic registry (scale 0.05) has too few distinct scores for 5
#: quantile classes, and says so
FEWER_CLASSES = "ignore:classify.k = 5:geo_priority.errors.GeoPriorityWarning"

# a NIK-like run: 16 digits, not part of a longer number or a decimal fraction
SIXTEEN = NikScan()  # 16-digit runs, sha256 digests taken out first


@pytest.mark.integration
@pytest.mark.slow
# a small synthetic registry links tens of thousands of hidden cells: the
# publication audit reports those components (UnauditedWarning)
@pytest.mark.filterwarnings("default::geo_priority.microdata.api.UnauditedWarning")
def test_desa_demo_writes_no_nik(tmp_path, capfd, monkeypatch):
    require_shared("boundaries", "banten_desa_kemendagri2025_cahyadsn.geojson")
    from geo_priority.demo import run_desa_demo

    out = tmp_path / "demo"
    result = run_desa_demo(out=out, scale=0.1, seed=1)
    assert result.analysis.config.synthetic
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "DATA SINTETIS" in html
    written = list(out.rglob("*"))
    assert len(written) >= 7
    for path in written:
        if path.is_file():
            assert not SIXTEEN.search(path.read_bytes()), path.name
    captured = capfd.readouterr()
    assert not SIXTEEN.search((captured.out + captured.err).encode())


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.filterwarnings(FEWER_CLASSES)
# a small synthetic registry links tens of thousands of hidden cells: the
# publication audit reports those components (UnauditedWarning)
@pytest.mark.filterwarnings("default::geo_priority.microdata.api.UnauditedWarning")
def test_desa_demo_keeps_its_registry_in_the_cache_and_draws_context(
    tmp_path, monkeypatch
):
    require_shared("boundaries", "banten_desa_kemendagri2025_cahyadsn.geojson")
    context = require_shared(
        "boundaries", "indonesia_kabkota_kemendagri2025_cahyadsn.geojson"
    )
    import re

    from geo_priority.demo import run_desa_demo
    from geo_priority.io import fetch

    cache = tmp_path / "cache"
    monkeypatch.setenv(fetch.ENV_CACHE, str(cache))
    monkeypatch.setenv("GEO_PRIORITY_MIRROR", str(context.parents[1] / "upstream"))
    result = run_desa_demo(
        out=tmp_path / "demo", scale=0.05, seed=2, context=str(context)
    )
    # the synthetic registry lives inside the cache folder, not beside it
    assert list((cache / "synthetic").rglob("*.parquet"))
    assert not (tmp_path / "synthetic").exists()
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert re.search(r'"context":\s*\{"rings"', html), "--context was ignored"
