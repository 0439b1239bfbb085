"""The desa demo on a synthetic registry: it runs and leaks no NIK."""

from __future__ import annotations

import pytest

from conftest import require_shared
from nikscan import NikScan

# a NIK-like run: 16 digits, not part of a longer number or a decimal fraction
SIXTEEN = NikScan()  # 16-digit runs, sha256 digests taken out first


@pytest.mark.integration
@pytest.mark.slow
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
