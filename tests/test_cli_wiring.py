"""Every CLI option reaches the library call it stands for.

The library functions are replaced by recorders (``monkeypatch``), so these
tests read no data and run in well under a second each: they pin the wiring
(which option becomes which argument), the exit codes (0 done, 1 a library
error or ``check`` finding problems, 2 a usage error) and the error output
(one line, no traceback; ``-v`` adds the traceback).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from geo_priority import demo, export, harmonise, microdata, outputs, pipeline, zonal
from geo_priority import io as gp_io
from geo_priority.cli import cli
from geo_priority.config import Config
from geo_priority.errors import ConfigError
from geo_priority.formats import EXPORT_FORMATS
from geo_priority.io import fetch
from geo_priority.microdata import quality
from geo_priority.schema import JOIN_REPORT_COLUMNS, JoinReport

CONFIG = """
[boundaries]
path = "kab.geojson"
code_column = "kode"
[[tables]]
path = "figures.csv"
code_column = "kode"
[scoring]
indicators = [{ key = "p0" }]
[outputs]
dir = "from-config"
name = "peta"
lang = "id"
"""


class Calls(list[tuple[tuple[Any, ...], dict[str, Any]]]):
    """The arguments a replaced library function was called with."""

    @property
    def args(self) -> tuple[Any, ...]:
        assert len(self) == 1, f"called {len(self)} times"
        return self[0][0]

    @property
    def kwargs(self) -> dict[str, Any]:
        assert len(self) == 1, f"called {len(self)} times"
        return self[0][1]


def _recorder(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, returns: Any = None
) -> Calls:
    calls = Calls()

    def record(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        if isinstance(returns, BaseException):
            raise returns
        return returns

    monkeypatch.setattr(owner, name, record)
    return calls


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def _run_result(tmp_path: Path) -> SimpleNamespace:
    """What pipeline.run returns, as far as the CLI reads it.

    A real join report (three kab/kota of table ``figures`` matched by their
    Kemendagri code), the areas' code system and the config's tables.
    """
    codes = ["36.01", "36.02", "36.03"]
    entries = pd.DataFrame(
        {
            "status": ["matched"] * 3,
            "table": ["figures"] * 3,
            "area_id": codes,
            "area_name": ["Pandeglang", "Lebak", "Tangerang"],
            "row_code": codes,
            "row_name": [None] * 3,
            "detail": [None] * 3,
        },
        columns=list(JOIN_REPORT_COLUMNS),
    )
    report = JoinReport(entries, n_areas=3, n_rows=3)
    table = SimpleNamespace(label="figures", code_system="kemendagri")
    analysis = SimpleNamespace(
        schematic=False,
        report=report,
        notes=("a note",),
        areas=SimpleNamespace(attrs={"code_system": "kemendagri"}),
        config=SimpleNamespace(tables=(table,)),
    )
    return SimpleNamespace(
        analysis=analysis, outputs={"html": tmp_path / "peta.html"}, files=()
    )


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "run.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


# --- run, check, figure ------------------------------------------------------


def test_run_passes_out_lang_overwrite_and_boundary_options(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, pipeline, "run", _run_result(tmp_path))
    out = tmp_path / "maps"
    result = _invoke(
        "run",
        str(config_file),
        "--out",
        str(out),
        "--lang",
        "en",
        "--overwrite",
        "--boundaries-crs",
        "EPSG:4326",
        "--boundaries-layer",
        "desa",
    )
    assert result.exit_code == 0, result.output
    config = calls.args[0]
    assert isinstance(config, Config)
    assert config.outputs.dir == str(out)
    assert config.outputs.lang == "en"
    assert config.outputs.overwrite is True
    assert config.boundaries.crs == "EPSG:4326"
    assert config.boundaries.layer == "desa"
    assert result.stdout.split() == [str(tmp_path / "peta.html")]
    assert result.stderr.splitlines() == [
        "Tables matched to areas: 3 of 3 areas matched",
        (
            "Region codes: tables in Kemendagri codes, boundaries in Kemendagri "
            "codes; checked against Kepmendagri 300.2.2-2138/2025."
        ),
        "Note: a note",
    ]


def test_run_without_options_keeps_the_configs_values(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, pipeline, "run", _run_result(tmp_path))
    result = _invoke("run", str(config_file))
    assert result.exit_code == 0, result.output
    config = calls.args[0]
    assert config.outputs.dir == "from-config"
    assert config.outputs.lang == "id"
    assert config.outputs.overwrite is False
    assert config.boundaries.crs is None and config.boundaries.layer is None
    assert "Pencocokan tabel dengan wilayah: 3 dari 3 wilayah cocok" in result.stderr
    assert "Catatan: a note" in result.stderr


def test_check_exits_1_listing_problems_and_0_when_all_is_well(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, pipeline, "check", (None, ["kab: unmatched"]))
    failed = _invoke("check", str(config_file), "--lang", "en")
    assert failed.exit_code == 1
    assert failed.stderr.strip() == "Problem: kab: unmatched"
    assert calls.args[0].outputs.lang == "en"

    _recorder(monkeypatch, pipeline, "check", (None, []))
    passed = _invoke("check", str(config_file))
    assert passed.exit_code == 0
    assert passed.stderr.strip() == "Semua masukan dan pencocokan baik."


def test_figure_passes_size_out_lang_and_overwrite(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, pipeline, "run_figure", _run_result(tmp_path))
    args = ["figure", str(config_file), "--size", "A4", "-o", str(tmp_path / "f")]
    result = _invoke(*args, "--lang", "en", "--overwrite")
    assert result.exit_code == 0, result.output
    assert calls.kwargs == {"size": "a4"}
    config = calls.args[0]
    assert config.outputs.dir == str(tmp_path / "f")
    assert (config.outputs.lang, config.outputs.overwrite) == ("en", True)


# --- demo --------------------------------------------------------------------


def test_demo_passes_out_lang_overwrite_mirror_and_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, demo, "run_demo", _run_result(tmp_path))
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    context = tmp_path / "context.geojson"
    context.write_text("{}", encoding="utf-8")
    result = _invoke(
        "demo",
        "--out",
        str(tmp_path / "maps"),
        "--lang",
        "en",
        "--overwrite",
        "--mirror",
        str(mirror),
        "--context",
        str(context),
    )
    assert result.exit_code == 0, result.output
    assert calls.kwargs == {
        "out": tmp_path / "maps",
        "lang": "en",
        "overwrite": True,
        "mirror": str(mirror),
        "context": str(context.resolve()),
    }


def test_demo_defaults_and_a_missing_mirror_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, demo, "run_demo", _run_result(tmp_path))
    missing = str(tmp_path / "absent")
    result = _invoke("demo", "--mirror", missing)
    assert result.exit_code == 0, result.output
    assert calls.kwargs == {
        "out": Path("maps"),
        "lang": "id",
        "overwrite": False,
        "mirror": None,
        "context": None,
    }


def test_demo_says_when_the_context_file_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, demo, "run_demo", _run_result(tmp_path))
    missing = tmp_path / "tetangga.geojson"
    result = _invoke("demo", "--context", str(missing))
    assert result.exit_code == 0, result.output
    assert f"--context: berkas {missing} tidak ada" in result.output
    assert calls.kwargs["context"] is None
    english = _invoke("demo", "--context", str(missing), "--lang", "en")
    assert f"--context: no file at {missing}" in english.output


@pytest.mark.parametrize(
    ("args", "flag"),
    [(["--level", "desa"], "--level desa"), (["--context", "CONTEXT"], "--context")],
)
def test_national_demo_refuses_banten_only_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], flag: str
):
    from geo_priority import demo_national

    calls = _recorder(
        monkeypatch, demo_national, "run_national_demo", _run_result(tmp_path)
    )
    context = tmp_path / "tetangga.geojson"
    context.write_text("{}", encoding="utf-8")
    args = [str(context) if a == "CONTEXT" else a for a in args]
    result = _invoke("demo", "--scope", "nasional", *args)
    assert result.exit_code == 2, result.output
    assert f"{flag} hanya berlaku untuk demo Banten" in result.output
    assert not calls


def test_demo_mirror_comes_from_the_environment_and_desa_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, demo, "run_desa_demo", _run_result(tmp_path))
    env = {"GEO_PRIORITY_MIRROR": str(tmp_path)}
    context = tmp_path / "tetangga.geojson"
    context.write_text("{}", encoding="utf-8")
    result = _invoke("demo", "--level", "desa", "--context", str(context), env=env)
    assert result.exit_code == 0, result.output
    assert calls.kwargs == {
        "out": Path("maps"),
        "lang": "id",
        "overwrite": False,
        "mirror": str(tmp_path),
        "context": str(context.resolve()),  # --context reaches the desa demo
    }


# --- export ------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    """Stands in for export.ScoredLayer: the fields the command replaces."""

    name: str = "stored"
    dst_crs: str | None = None
    raster_resolution: float = 100.0
    sld_version: str = "1.0.0"
    extra: dict[str, Any] = field(default_factory=dict)


def test_export_passes_every_option_to_export_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    scored = tmp_path / "scored.gpkg"
    scored.write_bytes(b"")
    read = _recorder(monkeypatch, export, "read_scored", _Layer())
    written = _recorder(monkeypatch, export, "export_layer", {"gpkg": [tmp_path / "x"]})
    result = _invoke(
        "export",
        str(scored),
        "-o",
        str(tmp_path / "gis"),
        "-f",
        "GPKG",
        "--format",
        "raster",
        "--dst-crs",
        "EPSG:23834",
        "--raster-resolution",
        "50",
        "--sld-version",
        "1.1.0",
        "--name",
        "banten",
        "--overwrite",
    )
    assert result.exit_code == 0, result.output
    assert read.args == (scored,)
    layer, out = written.args
    assert layer == _Layer("banten", "EPSG:23834", 50.0, "1.1.0")
    assert out == tmp_path / "gis"
    assert written.kwargs == {"formats": ("gpkg", "raster"), "overwrite": True}
    assert result.stdout.split() == [str(tmp_path / "x")]


def test_export_defaults_keep_the_stored_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    scored = tmp_path / "scored.gpkg"
    scored.write_bytes(b"")
    stored = _Layer("stored", "EPSG:32748", 25.0)
    _recorder(monkeypatch, export, "read_scored", stored)
    written = _recorder(monkeypatch, export, "export_layer", {})
    result = _invoke("export", str(scored), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert written.args[0] == stored
    assert written.kwargs == {"formats": None, "overwrite": False}


def test_export_format_choices_are_the_export_registry():
    result = _invoke("export", "--help")
    assert f"[{'|'.join(EXPORT_FORMATS)}]" in result.output
    assert _invoke("export", "x.gpkg", "-o", "out", "-f", "html").exit_code == 2


def test_export_from_a_config_analyses_it_with_lang_and_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config_file = tmp_path / "run.toml"
    config_file.write_text(
        CONFIG.replace('path = "kab.geojson"', 'source = "banten-desa-ocha-bps2020"'),
        encoding="utf-8",
    )
    analysed = _recorder(monkeypatch, pipeline, "analyse", "the analysis")
    scored = _recorder(monkeypatch, outputs, "scored_layer", _Layer())
    _recorder(monkeypatch, export, "export_layer", {})
    result = _invoke(
        "export", str(config_file), "-o", str(tmp_path), "--lang", "en", "--mirror",
        str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    config = analysed.args[0]
    assert config.outputs.lang == "en"
    assert config.boundaries.mirror == str(tmp_path)
    assert scored.args == ("the analysis",)


# --- zonal -------------------------------------------------------------------


@pytest.fixture
def zonal_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Calls]:
    areas = pd.DataFrame({"area_id": ["36.01"]})
    table = pd.DataFrame({"area_id": ["36.01"], "pop_sum": [1.0]})
    return {
        "check": _recorder(monkeypatch, gp_io, "check_outputs"),
        "read": _recorder(monkeypatch, gp_io, "read_boundaries", "frame"),
        "prepare": _recorder(monkeypatch, harmonise, "prepare_boundaries", areas),
        "load_areas": _recorder(monkeypatch, pipeline, "load_areas", (areas, [])),
        "stats": _recorder(monkeypatch, zonal, "zonal_statistics", table),
        "write": _recorder(monkeypatch, gp_io, "write_csv", tmp_path / "pop.csv"),
    }


def test_zonal_passes_stats_prefix_band_columns_and_overwrite(
    tmp_path: Path, zonal_calls: dict[str, Calls]
):
    boundaries, raster = tmp_path / "kab.gpkg", tmp_path / "pop.tif"
    boundaries.write_bytes(b"")
    raster.write_bytes(b"")
    out = tmp_path / "pop.csv"
    result = _invoke(
        "zonal", str(boundaries), str(raster), "-o", str(out), "-s", "sum",
        "--stat", "p90", "--prefix", "pop", "--band", "2", "--code-column", "kode",
        "--name-column", "nama", "--code-system", "bps", "--layer", "kab",
        "--overwrite",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert zonal_calls["check"].args == ([out],)
    assert zonal_calls["check"].kwargs == {"overwrite": True}
    assert zonal_calls["read"].args == (boundaries,)
    assert zonal_calls["read"].kwargs == {"layer": "kab"}
    assert zonal_calls["prepare"].kwargs == {
        "code_column": "kode",
        "name_column": "nama",
        "code_system": "bps",
    }
    stats = zonal_calls["stats"]
    assert stats.args[1] == raster
    assert stats.kwargs == {"stats": ("sum", "p90"), "prefix": "pop", "band": 2}
    assert zonal_calls["write"].args[1] == out
    assert zonal_calls["write"].kwargs == {"overwrite": True}
    assert result.stdout.strip() == str(tmp_path / "pop.csv")


def test_zonal_reads_a_configs_areas_and_needs_a_code_column_for_a_file(
    tmp_path: Path, config_file: Path, zonal_calls: dict[str, Calls]
):
    raster = tmp_path / "pop.tif"
    raster.write_bytes(b"")
    result = _invoke("zonal", str(config_file), str(raster), "-o", "x.csv")
    assert result.exit_code == 0, result.output
    assert zonal_calls["load_areas"].args[0].outputs.name == "peta"
    assert zonal_calls["stats"].kwargs == {
        "stats": ("sum", "mean"),
        "prefix": None,
        "band": 1,
    }
    no_column = _invoke("zonal", str(raster), str(raster), "-o", "x.csv")
    assert no_column.exit_code == 2
    assert "--code-column" in no_column.stderr


# --- synth and aggregate -----------------------------------------------------


def test_synth_passes_every_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    made = (tmp_path / "p3ke.parquet", 12345, {"bad_nik": 1200})
    calls = _recorder(monkeypatch, microdata, "write_synthetic", made)
    result = _invoke(
        "synth", "--tier", "s", "--style", "dtsen", "--format", "csv", "--seed",
        "7", "--scale", "0.5", "--dirty", "--sheet-per-kecamatan", "--table",
        "keluarga", "-o", str(tmp_path), "--overwrite",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert calls.args == (tmp_path,)
    assert calls.kwargs == {
        "tier": "S",
        "style": "dtsen",
        "fmt": "csv",
        "seed": 7,
        "dirty": True,
        "scale": 0.5,
        "sheet_per_kecamatan": True,
        "bps_codes": None,
        "overwrite": True,
        "progress": True,
        "level": "keluarga",
    }
    assert result.stdout.strip() == str(made[0])
    assert "12.345 baris (keluarga)" in result.stderr
    assert "kesalahan sengaja bad_nik: 1.200" in result.stderr


def _aggregate_result(
    tmp_path: Path, rejected_nik: dict[str, object] | None = None
) -> SimpleNamespace:
    sources = pd.DataFrame(
        {
            "file": ["a.csv"],
            "style": ["p3ke"],
            "level": ["individu"],
            "rows": [4015588],
            "kept_rows": [4000000],
        }
    )
    return SimpleNamespace(
        paths={"desa": tmp_path / "registri_desa.csv"},
        quality=pd.DataFrame(),
        sources=sources,
        rejected_nik=rejected_nik or {},
        convergence={},
    )


def _severity(rejected: int, warnings: int) -> pd.DataFrame:
    """What quality.by_severity returns: problems per export and severity."""
    counts = {"rejected": rejected, "dropped": 0, "deduplicated": 0}
    return pd.DataFrame({**counts, "warning": warnings}, index=["a.csv"])


def test_aggregate_passes_every_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    export_file = tmp_path / "a.csv"
    export_file.write_text("x\n", encoding="utf-8")
    crosswalk = tmp_path / "cw.csv"
    crosswalk.write_text("x\n", encoding="utf-8")
    key_file = tmp_path / "nik.key"
    keys = _recorder(monkeypatch, microdata, "load_key", b"k" * 32)
    rejected = {"excluded": True, "persons_left_out": 4321, "persons_counted": 0}
    calls = _recorder(
        monkeypatch,
        microdata,
        "aggregate_registry",
        _aggregate_result(tmp_path, rejected),
    )
    _recorder(monkeypatch, quality, "by_severity", _severity(1234, 2))
    result = _invoke(
        "aggregate", str(export_file), "--key-file", str(key_file), "--style",
        "p3ke", "--map", "nik=NIK_ART", "--crosswalk", str(crosswalk), "--target",
        "desil12", "--threshold", "5", "--level", "desa", "--format", "parquet",
        "--name", "bansos", "-o", str(tmp_path / "out"), "--overwrite",
        "--exclude-rejected-nik",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert keys.args == (key_file,)
    (specs,) = calls.args
    assert [(s.path, s.style, dict(s.mapping), s.crosswalk) for s in specs] == [
        (str(export_file), "p3ke", {"nik": "NIK_ART"}, str(crosswalk))
    ]
    kwargs = calls.kwargs
    assert kwargs["key"] == b"k" * 32
    assert kwargs["out_dir"] == tmp_path / "out"
    assert (kwargs["name"], kwargs["levels"], kwargs["formats"]) == (
        "bansos",
        ("desa",),
        ("parquet",),
    )
    assert (kwargs["target"], kwargs["threshold"], kwargs["overwrite"]) == (
        "desil12",
        5,
        True,
    )
    assert kwargs["exclude_rejected_nik"] is True
    assert result.stdout.split() == [str(tmp_path / "registri_desa.csv")]
    assert (
        "a.csv: p3ke individu, 4.015.588 baris, 4.000.000 dipakai; "
        "NIK ditolak 1.234; peringatan 2" in result.stderr
    )
    assert (
        "Orang dengan NIK ditolak yang tidak dihitung (--exclude-rejected-nik): "
        "4.321." in result.stderr
    )


def test_aggregate_defaults_and_usage_error_without_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    export_file = tmp_path / "a.csv"
    export_file.write_text("x\n", encoding="utf-8")
    _recorder(monkeypatch, microdata, "load_key", b"k" * 32)
    calls = _recorder(
        monkeypatch, microdata, "aggregate_registry", _aggregate_result(tmp_path)
    )
    _recorder(monkeypatch, quality, "by_severity", _severity(0, 0))
    result = _invoke("aggregate", str(export_file))
    assert result.exit_code == 0, result.output
    kwargs = calls.kwargs
    assert kwargs["out_dir"] == Path("registri") and kwargs["name"] == "registri"
    assert kwargs["levels"] == ("desa", "kecamatan", "kabkota")
    assert kwargs["formats"] == ("csv",)
    assert (kwargs["target"], kwargs["threshold"]) == ("desil1", 10)
    assert kwargs["overwrite"] is False
    assert kwargs["exclude_rejected_nik"] is False

    nothing = _invoke("aggregate")
    assert nothing.exit_code == 2
    assert "berikan berkas ekspor, atau --config dengan [[exports]]" in nothing.stderr


# --- boundaries --------------------------------------------------------------


def test_boundaries_list_prints_id_title_and_licence(monkeypatch: pytest.MonkeyPatch):
    source = SimpleNamespace(title="Banten desa", licence="CC BY-IGO")
    _recorder(monkeypatch, fetch, "load_registry", {"banten": source})
    result = _invoke("boundaries", "list")
    assert result.exit_code == 0
    assert result.stdout == "banten\tBanten desa\tCC BY-IGO\n"


def test_boundaries_fetch_passes_mirror_cache_and_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, fetch, "fetch_source", [tmp_path / "a.geojson"])
    result = _invoke(
        "boundaries", "fetch", "kab", "--mirror", str(tmp_path), "--cache",
        str(tmp_path / "cache"), "--offline",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert calls.args == ("kab",)
    assert calls.kwargs == {
        "cache": tmp_path / "cache",
        "mirror": tmp_path,
        "offline": True,
        "progress": True,
    }
    assert result.stdout.strip() == str(tmp_path / "a.geojson")


def test_boundaries_fetch_defaults_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _recorder(monkeypatch, fetch, "fetch_source", [])
    env = {"GEO_PRIORITY_MIRROR": str(tmp_path), "GEO_PRIORITY_CACHE": str(tmp_path)}
    result = _invoke("boundaries", "fetch", env=env)
    assert result.exit_code == 0, result.output
    assert calls.args == ("banten-desa-ocha-bps2020",)
    assert calls.kwargs == {
        "cache": tmp_path,
        "mirror": tmp_path,
        "offline": False,
        "progress": True,
    }


# --- errors and exit codes ---------------------------------------------------


@pytest.mark.parametrize(
    ("command", "owner", "name"),
    [
        (["run", "{config}"], pipeline, "run"),
        (["check", "{config}"], pipeline, "check"),
        (["figure", "{config}"], pipeline, "run_figure"),
        (["demo"], demo, "run_demo"),
        (["boundaries", "fetch"], fetch, "fetch_source"),
        (["boundaries", "list"], fetch, "load_registry"),
        (["synth"], microdata, "write_synthetic"),
    ],
)
def test_a_library_error_is_one_line_and_exit_1_and_v_adds_the_traceback(
    command: list[str],
    owner: object,
    name: str,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    _recorder(monkeypatch, owner, name, ConfigError("classify.k = 0; use 2 to 12."))
    args = [a.format(config=config_file) for a in command]
    quiet = _invoke(*args)
    assert quiet.exit_code == 1
    assert quiet.stderr == "Galat: classify.k = 0; use 2 to 12.\n"
    assert "Traceback" not in quiet.output
    loud = _invoke("-v", *args)
    assert loud.exit_code == 1
    assert loud.stderr.startswith("Traceback (most recent call last):")
    assert loud.stderr.endswith("Galat: classify.k = 0; use 2 to 12.\n")


def test_an_invalid_config_file_is_exit_1_naming_the_key(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        CONFIG + '[classify]\nscheme = "quantiles"\nk = 0\n', encoding="utf-8"
    )
    result = _invoke("run", str(bad))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "classify.k = 0" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["run"],  # CONFIG missing
        ["run", "absent.toml"],
        ["run", "{config}", "--lang", "fr"],
        ["demo", "--level", "provinsi"],
        ["export", "{config}"],  # -o is required
        ["synth", "--format", "shp"],
        ["aggregate", "{config}", "--threshold", "1"],
        ["boundaries", "fetch", "--no-such-option"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(args: list[str], config_file: Path):
    result = _invoke(*[a.format(config=config_file) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
