"""Aggregate reads any mix of export formats, in any order (issue 15, item 1).

An XLSX export that was not the first file used to fail ("connection has an
unfinished result from execute()") and the message blamed the file. Each
mix is read in both orders, through the CLI and the Python API; the exports
hold disjoint families, so the desa counts of the mix are the sum of the
counts of each file read alone.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from test_microdata_cli import KEY_HEX, SIXTEEN, _assert_no_nik

from geo_priority.cli import cli
from geo_priority.microdata import aggregate_registry, export_frame, generate
from geo_priority.microdata.engine import aggregate_counts
from geo_priority.microdata.ingest import SourceSpec

KEY = bytes.fromhex(KEY_HEX)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """P3KE and DTSEN exports of two halves of the families, as CSV and XLSX."""
    folder = tmp_path_factory.mktemp("exports")
    persons = generate("XS", seed=7)[1]
    ids = persons["id_keluarga"].unique()
    first = persons["id_keluarga"].isin(ids[: len(ids) // 2])
    out: dict[str, Path] = {}
    for half, part in (("a", persons[first]), ("b", persons[~first])):
        for style in ("p3ke", "dtsen"):
            frame, _ = export_frame(part, style)
            csv = folder / f"{style}_{half}.csv"
            frame.to_csv(csv, index=False)
            xlsx = folder / f"{style}_{half}.xlsx"
            frame.to_excel(xlsx, index=False, sheet_name="individu")
            out[csv.name], out[xlsx.name] = csv, xlsx
    return out


def _counts(paths: list[Path]) -> pd.DataFrame:
    res = aggregate_counts([SourceSpec(str(p)) for p in paths], key=KEY)
    return res.counts.set_index("kode_desa")


def _summed(*frames: pd.DataFrame) -> pd.DataFrame:
    total = frames[0]
    for frame in frames[1:]:
        total = total.add(frame, fill_value=0)
    return total.astype("int64")


MIXES = [
    ("p3ke_a.csv", "p3ke_b.xlsx"),
    ("p3ke_a.xlsx", "p3ke_b.xlsx"),
    ("dtsen_a.csv", "dtsen_b.xlsx"),
    ("dtsen_a.csv", "p3ke_b.xlsx"),
]


@pytest.mark.parametrize("mix", MIXES, ids=["+".join(m) for m in MIXES])
def test_engine_reads_the_mix_in_both_orders(exports, mix):
    alone = [_counts([exports[name]]) for name in mix]
    expected = _summed(*alone)
    for order in (mix, mix[::-1]):
        got = _counts([exports[name] for name in order])
        columns = sorted(got.columns)
        pd.testing.assert_frame_equal(
            got[columns].astype("int64"),
            expected.reindex(columns=columns, fill_value=0).loc[got.index],
            check_names=False,
        )


@pytest.mark.parametrize("mix", MIXES, ids=["+".join(m) for m in MIXES])
def test_api_writes_the_mix_in_both_orders(exports, mix, tmp_path, capfd):
    tables = []
    for k, order in enumerate((mix, mix[::-1])):
        out = tmp_path / f"out{k}"
        result = aggregate_registry(
            [exports[name] for name in order], key=KEY, out_dir=out, threshold=2
        )
        assert (out / "registri_desa.csv").is_file()
        assert sorted(result.sources["file"]) == sorted(order)
        _assert_no_nik(out, "")
        tables.append(result.tables["desa"])
    pd.testing.assert_frame_equal(tables[0], tables[1])
    captured = capfd.readouterr()
    assert not SIXTEEN.search(captured.out + captured.err)


@pytest.mark.parametrize(
    "mix", [MIXES[0], MIXES[2]], ids=["+".join(m) for m in (MIXES[0], MIXES[2])]
)
def test_cli_aggregates_the_mix_in_both_orders(exports, mix, tmp_path):
    key = tmp_path / "nik.key"
    key.write_text(KEY_HEX)
    for k, order in enumerate((mix, mix[::-1])):
        out = tmp_path / f"out{k}"
        paths = [str(exports[name]) for name in order]
        result = CliRunner().invoke(
            cli,
            ["aggregate", *paths, "--key-file", str(key), "-o", str(out)],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        assert "cannot read" not in result.output
        for name in order:
            assert any(x.startswith(f"{name}: ") for x in result.stderr.splitlines())
        _assert_no_nik(out, result.output)
