"""Check that every output of the demo and the examples is unchanged by a revision.

Runs every output-producing job of geo-priority twice, once with the code of
git revision BASE (checked out into a temporary worktree, removed afterwards)
and once with HEAD (default: the current working tree), each side into its own
temporary output folder, then compares the two output trees file by file.

The jobs: ``demo`` (with the shared mirror and the neighbouring-areas context,
as the README's quick start), ``demo --lang en``, ``demo --level desa``,
``run`` for every example config that ``run`` accepts, the registry chain
(``synth --tier M`` -> ``aggregate --config examples/registri.toml`` -> ``run
examples/banten_kecamatan_registri.toml``), ``figure`` (slide and A4) and
``export`` (all formats) of ``examples/banten_kabkota.toml``. The examples'
user tables that geo-priority does not ship are generated (deterministic,
synthetic) once and given to both sides; paths in the configs are made
absolute so that nothing is written into a repository.

Files are "identical" (same bytes), "identical up to timestamps" (same after
masking the run's dates/times, temporary paths, folium's random HTML element
ids and the sha256 of files that differ only by timestamps; or the same
decoded content: PNG pixels, GeoTIFF pixels and tags, GeoPackage rows, PDF
without its dates, zip members) or "DIFFERENT" with the first difference.
Each job's stdout and exit code are compared too (``_stdout/<job>.txt``).
A warm-up runs the demos once first, so that both sides find the same
warm cache and their times compare.

The script is one file of two halves (running the jobs, comparing the
trees) on purpose: it must run unchanged against any revision, with nothing
of geo_priority imported, so it is longer than the project's ~600 lines.

Usage:
    python benchmarks/compare_outputs.py --base REV [--head WORKTREE_OR_REV]
                                         [--keep DIR]

Exits 1 when a file differs or exists on one side only, else 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import filecmp
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO.parent / "shared").resolve()
SHARED_DATA = SHARED / "data"
CONTEXT = (
    SHARED_DATA / "boundaries" / "indonesia_kabkota_kemendagri2025_cahyadsn.geojson"
)
FIGURE_EXAMPLE = "banten_kabkota"
SOURCE_DATE_EPOCH = 1767225600  # 2026-01-01T00:00:00Z, for matplotlib's PDF/PNG
NIK_KEY = "5f3c" * 16  # 64 hex characters: a fixed test key, never a real one
CLI = "import sys; from geo_priority.cli import main; sys.exit(main())"

IDENTICAL = "identical"
UP_TO_TIMESTAMPS = "identical up to timestamps"
DIFFERENT = "DIFFERENT"


# --- the two sides and their jobs ------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a source tree and the folders its jobs use."""

    label: str
    tree: Path
    out: Path
    configs: Path

    def placeholders(self) -> dict[str, str]:
        """Map this side's own paths to names shared by both sides."""
        return {
            str(self.out): "<OUT>",
            str(self.configs): "<CONFIGS>",
            str(self.tree): "<TREE>",
        }


@dataclass(frozen=True)
class Inputs:
    """Files the script makes once and gives to both sides."""

    root: Path
    key: Path
    tables: Mapping[str, Path]


@dataclass(frozen=True)
class Job:
    """One CLI call: its name (its output folder) and its arguments."""

    name: str
    args: tuple[str, ...]


PATH_LINE = re.compile(r'^(\s*(?:path|crosswalk)\s*=\s*")([^"]+)(")', re.MULTILINE)


def resolve_config_path(
    value: str, config_dir: Path, side: Side, inputs: Inputs
) -> str:
    """Absolute path for a config's ``path``/``crosswalk`` value on one side.

    ``../maps/X`` (the README's output folder) becomes the side's ``OUT/X``;
    a user table that is not shipped becomes the generated one.
    """
    if value.startswith("../maps/"):
        return str(side.out / value.removeprefix("../maps/"))
    target = config_dir / value
    if not target.exists() and Path(value).name in inputs.tables:
        return str(inputs.tables[Path(value).name])
    return value if Path(value).is_absolute() else os.path.realpath(target)


def localise_config(config: Path, side: Side, inputs: Inputs) -> Path:
    """Copy an example config with absolute input paths into the side's folder."""
    text = config.read_text(encoding="utf-8")

    def absolute(match: re.Match[str]) -> str:
        value = resolve_config_path(match.group(2), config.parent, side, inputs)
        return f"{match.group(1)}{value}{match.group(3)}"

    target = side.configs / config.name
    target.write_text(PATH_LINE.sub(absolute, text), encoding="utf-8")
    return target


def is_registry_config(config: Path) -> bool:
    """Whether a TOML file configures ``aggregate`` (``[[exports]]``), not ``run``."""
    return re.search(r"^\[\[exports\]\]", config.read_text("utf-8"), re.M) is not None


def demo_jobs(side: Side) -> list[Job]:
    """The three demos, with the shared mirror (and context) as in the README."""
    mirror = ("--mirror", str(SHARED_DATA / "upstream"))
    context = ("--context", str(CONTEXT))
    english = ("--lang", "en", "--out", str(side.out / "demo_en"))
    return [
        Job("demo", ("demo", "--out", str(side.out / "demo"), *mirror, *context)),
        Job(
            "demo_en",
            ("demo", *english, *mirror, *context),
        ),
        Job(
            "demo_desa",
            ("demo", "--level", "desa", "--out", str(side.out / "demo_desa"), *mirror),
        ),
    ]


def example_jobs(side: Side, inputs: Inputs) -> list[Job]:
    """Synth, ``aggregate`` per registry config, ``run`` per other example."""
    examples = sorted((side.tree / "examples").glob("*.toml"))
    registries = [c for c in examples if is_registry_config(c)]
    jobs = [
        Job(
            "registri_sintetis",
            ("synth", "--tier", "M", "-o", str(side.out / "registri_sintetis")),
        )
    ]
    for config in registries:
        local = localise_config(config, side, inputs)
        jobs.append(
            Job(
                config.stem,
                (
                    *("aggregate", "--config", str(local)),
                    *("--key-file", str(inputs.key), "-o", str(side.out / config.stem)),
                ),
            )
        )
    for config in examples:
        if config not in registries:
            local = localise_config(config, side, inputs)
            name = f"run_{config.stem}"
            jobs.append(Job(name, ("run", str(local), "--out", str(side.out / name))))
    return jobs


def figure_export_jobs(side: Side) -> list[Job]:
    """``figure`` (slide and A4) and ``export`` (all formats) of one example."""
    config = str(side.configs / f"{FIGURE_EXAMPLE}.toml")
    out = side.out
    return [
        Job("figure_slide", ("figure", config, "--out", str(out / "figure_slide"))),
        Job(
            "figure_a4",
            ("figure", config, "--size", "a4", "--out", str(out / "figure_a4")),
        ),
        Job("export", ("export", config, "-o", str(out / "export"))),
    ]


def side_environment(side: Side, inputs: Inputs) -> dict[str, str]:
    """Environment of a side's jobs: its code first, a shared cache, fixed dates."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GEO_PRIORITY_") and k != "PYTHONPATH"
    }
    env.update(
        PYTHONPATH=str(side.tree),
        GEO_PRIORITY_CACHE=str(inputs.root / "cache"),
        GEO_PRIORITY_SHARED=str(SHARED_DATA),
        SOURCE_DATE_EPOCH=str(SOURCE_DATE_EPOCH),
        MPLBACKEND="Agg",
    )
    return env


def run_job(job: Job, side: Side, env: Mapping[str, str]) -> None:
    """Run one job; its stdout and exit code go to ``OUT/_stdout/<job>.txt``."""
    cwd = side.out / "_cwd"  # stray relative outputs land in the compared tree
    cwd.mkdir(parents=True, exist_ok=True)
    (side.out / "_stdout").mkdir(exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI, *job.args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    record = f"exit {done.returncode}\n{done.stdout}"
    (side.out / "_stdout" / f"{job.name}.txt").write_text(record, encoding="utf-8")
    status = "ok" if done.returncode == 0 else f"EXIT {done.returncode}"
    seconds = time.perf_counter() - started
    print(f"  [{side.label}] {job.name:<36} {seconds:6.1f} s  {status}", flush=True)
    if done.returncode != 0:
        print("    " + "\n    ".join(done.stderr.strip().splitlines()[-3:]), flush=True)


def warm_cache(side: Side, inputs: Inputs) -> None:
    """Run the demos once, uncompared, so both sides find the same warm cache.

    The demos fill ``GEO_PRIORITY_CACHE`` (boundaries from the mirror, the
    desa demo's synthetic registry); without this the first side pays for it.
    """
    scratch = replace(side, label="warm-up", out=inputs.root / "warm-up")
    scratch.out.mkdir(parents=True, exist_ok=True)
    env = side_environment(scratch, inputs)
    for job in demo_jobs(scratch):
        if job.name != "demo_en":
            run_job(job, scratch, env)


def run_side(side: Side, inputs: Inputs) -> float:
    """Run every job of one side; return the seconds taken."""
    for folder in (side.out, side.configs):
        folder.mkdir(parents=True, exist_ok=True)
    env = side_environment(side, inputs)
    started = time.perf_counter()
    jobs = demo_jobs(side) + example_jobs(side, inputs) + figure_export_jobs(side)
    for job in jobs:
        run_job(job, side, env)
    return time.perf_counter() - started


# --- inputs the examples need but the project does not ship ----------------------


def pseudo_random(code: str, low: float, high: float) -> float:
    """A value in [low, high) fixed by the code (no RNG state, same everywhere)."""
    fraction = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) / 16**8
    return round(low + fraction * (high - low), 2)


def write_kecamatan_table(target: Path) -> None:
    """Synthetic BPS kecamatan table of ``banten_kecamatan_from_desa.toml``."""
    import json

    layer = SHARED_DATA / "boundaries" / "banten_desa_ocha_bps2020.geojson"
    features = json.loads(layer.read_text("utf-8"))["features"]
    names = {
        f["properties"]["district_code"].removeprefix("id"): f["properties"]["district"]
        for f in features
    }
    rows = ["kode_kec,nama_kec,extreme_poverty_rate,population"]
    for code, name in sorted(names.items()):
        rate = pseudo_random(code, 0.5, 6.0)
        rows.append(
            f"{code},{name},{rate},{int(pseudo_random(code + 'p', 1e4, 1.2e5))}"
        )
    target.write_text("\n".join(rows) + "\n", encoding="utf-8")


def write_desa_table(target: Path) -> None:
    """Synthetic BPS desa table of ``banten_desa_crosswalk.toml``."""
    import csv

    crosswalk = (
        SHARED_DATA / "boundaries" / "banten_desa_crosswalk_bps2020_kemendagri2025.csv"
    )
    with crosswalk.open(encoding="utf-8", newline="") as handle:
        names = {r["bps_kode_desa"]: r["bps_nama_desa"] for r in csv.DictReader(handle)}
    rows = ["kode_desa,nama_desa,extreme_poverty_rate,population"]
    for code, name in sorted(names.items()):
        rate = pseudo_random(code, 0.2, 9.0)
        rows.append(
            f'{code},"{name}",{rate},{int(pseudo_random(code + "p", 500, 15e3))}'
        )
    target.write_text("\n".join(rows) + "\n", encoding="utf-8")


def make_inputs(root: Path) -> Inputs:
    """Write the key file and the user tables the examples expect."""
    root.mkdir(parents=True, exist_ok=True)
    key = root / "nik.key"
    key.write_text(NIK_KEY + "\n", encoding="ascii")
    tables = {
        "banten_kecamatan_indikator.csv": root / "banten_kecamatan_indikator.csv",
        "banten_desa_bps_indikator.csv": root / "banten_desa_bps_indikator.csv",
    }
    write_kecamatan_table(tables["banten_kecamatan_indikator.csv"])
    write_desa_table(tables["banten_desa_bps_indikator.csv"])
    return Inputs(root=root, key=key, tables=tables)


# --- masking ---------------------------------------------------------------------

TIMESTAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


@dataclass(frozen=True)
class Masker:
    """What one side's text may differ by: its paths, the run's dates, hashes."""

    paths: Mapping[str, str]
    dates: frozenset[str]
    hashes: Mapping[str, str] = field(default_factory=dict)

    def text(self, text: str) -> str:
        """Mask temporary paths, timestamps of the run's days and known hashes."""
        for path in sorted(self.paths, key=len, reverse=True):
            text = text.replace(path, self.paths[path])
        text = TIMESTAMP.sub(self._timestamp, text)
        if self.hashes:
            text = SHA256.sub(lambda m: self.hashes.get(m.group(0), m.group(0)), text)
        return text

    def _timestamp(self, match: re.Match[str]) -> str:
        return "<TIMESTAMP>" if match.group("date") in self.dates else match.group(0)


def run_dates(started: dt.datetime, ended: dt.datetime) -> frozenset[str]:
    """ISO dates a timestamp of the runs may carry (UTC and local, and the epoch)."""
    epoch = dt.datetime.fromtimestamp(SOURCE_DATE_EPOCH, dt.UTC)
    moments = (started, ended, started.astimezone(), ended.astimezone(), epoch)
    return frozenset(m.date().isoformat() for m in moments)


# --- comparing two files ---------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Outcome of one file's comparison."""

    status: str
    detail: str = ""


@dataclass(frozen=True)
class Context:
    """The two sides' maskers (a = base, b = head)."""

    a: Masker
    b: Masker


TEXT_SUFFIXES = frozenset(
    ".html .htm .csv .json .geojson .xml .qml .sld .md .txt .toml .prj .cpg .log"
    " .rels .vrt .aux".split()
)


def snippet(x: str, y: str) -> str:
    """The neighbourhood of the first differing character of two strings."""
    col = next((i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), None)
    col = min(len(x), len(y)) if col is None else col
    start = max(0, col - 40)
    return f"col {col + 1}: {x[start : col + 60]!r} != {y[start : col + 60]!r}"


def text_difference(x: str, y: str) -> str | None:
    """The first changed lines of two texts, or None when they are equal.

    One changed line shows the neighbourhood of its first differing
    character; inserted or removed lines are listed (at most three each).
    """
    if x == y:
        return None
    xs, ys = x.splitlines(), y.splitlines()
    pairs = zip(xs, ys, strict=False)
    start = next((i for i, (p, q) in enumerate(pairs) if p != q), min(len(xs), len(ys)))
    wx, wy = xs[start : start + 50], ys[start : start + 50]
    matcher = difflib.SequenceMatcher(None, wx, wy, autojunk=False)
    _, i1, i2, j1, j2 = next(o for o in matcher.get_opcodes() if o[0] != "equal")
    line = f"line {start + i1 + 1}"
    if i2 - i1 == 1 and j2 - j1 == 1:
        return f"{line}, {snippet(wx[i1], wy[j1])}"
    removed = [f"-{shorten(t)!r}" for t in wx[i1:i2][:3]]
    added = [f"+{shorten(t)!r}" for t in wy[j1:j2][:3]]
    return f"{line}: " + " ".join(removed + added)


def shorten(text: str, width: int = 100) -> str:
    """A line cut to width characters."""
    stripped = text.strip()
    return stripped if len(stripped) <= width else stripped[: width - 3] + "..."


ELEMENT_ID = re.compile(r"\b([a-z][a-z0-9_]*?)_([0-9a-f]{32})\b")


def renumber_element_ids(text: str) -> str:
    """Replace folium's random element ids (``map_<uuid4 hex>``) by their order.

    folium names every map element with a fresh uuid4; numbering the ids in
    order of first appearance keeps every reference between elements checked.
    """
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        n = numbers.setdefault(match.group(2), len(numbers) + 1)
        return f"{match.group(1)}_<id{n}>"

    return ELEMENT_ID.sub(number, text)


def text_files_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare two text files after masking (and renumbering HTML element ids)."""
    x = ctx.a.text(a.read_bytes().decode("utf-8", errors="replace"))
    y = ctx.b.text(b.read_bytes().decode("utf-8", errors="replace"))
    if a.suffix.lower() in {".html", ".htm"}:
        x, y = renumber_element_ids(x), renumber_element_ids(y)
    return text_difference(x, y)


def sqlite_lines(path: Path, masker: Masker) -> list[str]:
    """Schema and every row of every table of a SQLite file, masked, as lines."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = con.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        lines = [masker.text(repr(entry)) for entry in schema]
        for kind, name, _ in schema:
            if kind != "table":
                continue
            try:
                rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            except sqlite3.OperationalError as error:  # e.g. a missing module
                lines.append(f"{name}: unreadable ({error})")
                continue
            lines.extend(f"{name}: {masker.text(repr(row))}" for row in rows)
    finally:
        con.close()
    return lines


def sqlite_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare two GeoPackages/SQLite files table by table, row by row."""
    x, y = sqlite_lines(a, ctx.a), sqlite_lines(b, ctx.b)
    return text_difference("\n".join(x), "\n".join(y))


def zip_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare member names, then each member with the rules of its type."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names = za.namelist()
        if names != zb.namelist():
            return f"members {names} != {zb.namelist()}"
        with tempfile.TemporaryDirectory() as tmp:
            za.extractall(Path(tmp) / "a")
            zb.extractall(Path(tmp) / "b")
            for name in names:
                if name.endswith("/"):
                    continue
                verdict = compare_files(Path(tmp, "a", name), Path(tmp, "b", name), ctx)
                if verdict.status == DIFFERENT:
                    return f"{name}: {verdict.detail}"
    return None


def png_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare decoded pixels."""
    import numpy as np
    from matplotlib import image

    x, y = image.imread(a), image.imread(b)
    if x.shape != y.shape:
        return f"image shape {x.shape} != {y.shape}"
    differing = int(np.count_nonzero((x != y).any(axis=-1) if x.ndim == 3 else x != y))
    return f"{differing} pixels differ" if differing else None


PDF_DATES = re.compile(rb"/(CreationDate|ModDate)\s*\(D:[^)]*\)")
PDF_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]")


def first_byte_difference(x: bytes, y: bytes) -> str | None:
    """Offset of the first differing byte, or None when equal."""
    if x == y:
        return None
    offset = next(
        (i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q),
        min(len(x), len(y)),
    )
    return f"bytes differ from offset {offset} (sizes {len(x)}, {len(y)})"


def pdf_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare bytes with /CreationDate, /ModDate and /ID masked."""

    def masked(path: Path) -> bytes:
        data = PDF_DATES.sub(rb"/\1 (masked)", path.read_bytes())
        return PDF_ID.sub(b"/ID [masked]", data)

    return first_byte_difference(masked(a), masked(b))


def dbf_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare dBase files without the last-update date of their header."""
    x, y = bytearray(a.read_bytes()), bytearray(b.read_bytes())
    x[1:4], y[1:4] = b"\0\0\0", b"\0\0\0"
    return first_byte_difference(bytes(x), bytes(y))


def masked_tags(tags: Mapping[str, str], masker: Masker) -> dict[str, str]:
    """Raster tags with timestamps (e.g. TIFFTAG_DATETIME) masked."""
    stamp = re.compile(r"\d{4}[:-]\d{2}[:-]\d{2}[ T]\d{2}:\d{2}:\d{2}")
    return {k: stamp.sub("<TIMESTAMP>", masker.text(v)) for k, v in tags.items()}


def tiff_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare GeoTIFF pixels, CRS, transform, nodata and masked tags."""
    import numpy as np
    import rasterio

    def properties(raster: Any, masker: Masker) -> dict[str, object]:
        return {
            "shape": (raster.count, raster.height, raster.width, raster.dtypes),
            "crs": raster.crs,
            "transform": raster.transform,
            "nodata": raster.nodata,
            "tags": masked_tags(raster.tags(), masker),
            "band tags": [masked_tags(raster.tags(i), masker) for i in raster.indexes],
            "overviews": [raster.overviews(i) for i in raster.indexes],
        }

    with rasterio.open(a) as x, rasterio.open(b) as y:
        px, py = properties(x, ctx.a), properties(y, ctx.b)
        for key, value in px.items():
            if value != py[key]:
                return f"{key}: {value} != {py[key]}"
        if not np.array_equal(x.read(), y.read(), equal_nan=x.dtypes[0][0] == "f"):
            return "pixel values differ"
    return None


def frame_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare two vector files as frames (geometry as WKB)."""
    import geopandas as gpd
    import pandas as pd

    x, y = gpd.read_file(a), gpd.read_file(b)
    if x.crs != y.crs:
        return f"crs {x.crs} != {y.crs}"
    try:
        pd.testing.assert_frame_equal(x.to_wkb(), y.to_wkb())
    except AssertionError as error:
        return " ".join(str(error).split())[:300]
    return None


def parquet_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Compare Parquet tables and their masked schema metadata."""
    import pyarrow.parquet as pq

    x, y = pq.read_table(a), pq.read_table(b)

    def metadata(table: Any, masker: Masker) -> dict[str, str]:
        raw = table.schema.metadata or {}
        return {k.decode(): masker.text(v.decode()) for k, v in raw.items()}

    mx, my = metadata(x, ctx.a), metadata(y, ctx.b)
    if mx != my:
        key = next(k for k in sorted(set(mx) | set(my)) if mx.get(k) != my.get(k))
        return f"schema metadata {key!r} differs"
    if not x.replace_schema_metadata(None).equals(y.replace_schema_metadata(None)):
        return "table contents differ"
    return None


def bytes_difference(a: Path, b: Path, ctx: Context) -> str | None:
    """Formats without normalisation: bytes only."""
    return first_byte_difference(a.read_bytes(), b.read_bytes())


Comparer = Callable[[Path, Path, Context], "str | None"]

BY_SUFFIX: dict[str, Comparer] = {
    ".gpkg": sqlite_difference,
    ".sqlite": sqlite_difference,
    ".zip": zip_difference,
    ".xlsx": zip_difference,
    ".png": png_difference,
    ".pdf": pdf_difference,
    ".tif": tiff_difference,
    ".tiff": tiff_difference,
    ".fgb": frame_difference,
    ".parquet": parquet_difference,
    ".dbf": dbf_difference,
    **dict.fromkeys(TEXT_SUFFIXES, text_files_difference),
}


def compare_files(a: Path, b: Path, ctx: Context) -> Verdict:
    """Bytes first, then the normalised comparison of the file's format."""
    if filecmp.cmp(a, b, shallow=False):
        return Verdict(IDENTICAL)
    comparer = BY_SUFFIX.get(a.suffix.lower(), bytes_difference)
    try:
        detail = comparer(a, b, ctx)
    except Exception as error:  # an unreadable file is a difference, not a crash
        detail = f"could not compare ({type(error).__name__}: {error})"
    return Verdict(UP_TO_TIMESTAMPS) if detail is None else Verdict(DIFFERENT, detail)


# --- comparing two trees ---------------------------------------------------------


def relative_files(root: Path) -> set[str]:
    """Every file under root, as a POSIX path relative to it."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stamp_equivalents(
    a: Path, b: Path, verdicts: Mapping[str, Verdict]
) -> dict[str, str]:
    """Hashes of files that differ only by timestamps, mapped to one placeholder.

    A sha256 stamp of such a file differs between the sides although the file
    does not; both hashes are masked as ``<sha256:path>``.
    """
    hashes: dict[str, str] = {}
    for rel, verdict in verdicts.items():
        if verdict.status == UP_TO_TIMESTAMPS:
            for root in (a, b):
                hashes[sha256(root / rel)] = f"<sha256:{rel}>"
    return hashes


def compare_trees(a: Path, b: Path, ctx: Context) -> dict[str, Verdict]:
    """Compare the files both trees hold, masking hashes of timestamp-only changes.

    Hash masks can turn a difference into a timestamp-only one, whose hash
    may be stamped elsewhere: repeat until nothing changes.
    """
    common = sorted(relative_files(a) & relative_files(b))
    verdicts = {rel: compare_files(a / rel, b / rel, ctx) for rel in common}
    while True:
        hashes = stamp_equivalents(a, b, verdicts)
        if not hashes:
            return verdicts
        masked = Context(replace(ctx.a, hashes=hashes), replace(ctx.b, hashes=hashes))
        changed = {
            rel: compare_files(a / rel, b / rel, masked)
            for rel, verdict in verdicts.items()
            if verdict.status == DIFFERENT
        }
        if all(v.status == DIFFERENT for v in changed.values()):
            return verdicts
        verdicts.update(changed)


def report(a: Path, b: Path, verdicts: Mapping[str, Verdict]) -> int:
    """Print one line per file and a summary; return the number of problems."""
    for rel, verdict in sorted(verdicts.items()):
        detail = f": {verdict.detail}" if verdict.detail else ""
        print(f"{verdict.status}{detail}  {rel}")
    only_a = sorted(relative_files(a) - relative_files(b))
    only_b = sorted(relative_files(b) - relative_files(a))
    for rel in only_a:
        print(f"ONLY IN BASE  {rel}")
    for rel in only_b:
        print(f"ONLY IN HEAD  {rel}")
    counts = {s: sum(v.status == s for v in verdicts.values()) for s in _STATUSES}
    print(
        f"\nSummary: {len(verdicts)} files on both sides: "
        + ", ".join(f"{n} {s}" for s, n in counts.items())
        + f"; {len(only_a)} only in base, {len(only_b)} only in head."
    )
    return counts[DIFFERENT] + len(only_a) + len(only_b)


_STATUSES = (IDENTICAL, UP_TO_TIMESTAMPS, DIFFERENT)


# --- worktrees and main ------------------------------------------------------------


def source_tree(spec: str, target: Path) -> tuple[Path, bool]:
    """An existing folder as is, else a detached worktree of the revision spec.

    Returns the tree and whether it is a worktree to remove afterwards.
    """
    if Path(spec).is_dir():
        return Path(spec).resolve(), False
    subprocess.run(
        [
            "git",
            "-C",
            str(REPO),
            "worktree",
            "add",
            "--detach",
            "--quiet",
            str(target),
            spec,
        ],
        check=True,
    )
    return target, True


def remove_worktrees(trees: Iterable[Path]) -> None:
    """Remove the worktrees this run added."""
    for tree in trees:
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
            check=False,
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="git revision of the base side")
    parser.add_argument(
        "--head",
        default=str(REPO),
        help="worktree folder or git revision of the other side (default: this tree)",
    )
    parser.add_argument("--keep", type=Path, help="move both output trees here")
    return parser.parse_args(argv)


def compare_revisions(base: str, head: str, tmp: Path, keep: Path | None) -> int:
    """Run both sides in tmp, compare and report; return the exit code."""
    # Each worktree sits in tmp, so an example's ../../shared must resolve there.
    (tmp / "shared").symlink_to(SHARED, target_is_directory=True)
    added: list[Path] = []
    try:
        sides = []
        for label, spec in (("base", base), ("head", head)):
            tree, is_worktree = source_tree(spec, tmp / label)
            added += [tree] if is_worktree else []
            sides.append(Side(label, tree, tmp / f"out-{label}", tmp / f"cfg-{label}"))
        inputs = make_inputs(tmp / "inputs")
        started = dt.datetime.now(dt.UTC)
        warm_cache(sides[0], inputs)
        seconds = {}
        for side in sides:
            print(f"{side.label}: {side.tree}", flush=True)
            seconds[side.label] = run_side(side, inputs)
        dates = run_dates(started, dt.datetime.now(dt.UTC))
        ctx = Context(*(Masker(s.placeholders(), dates) for s in sides))
        print("comparing ...", flush=True)
        problems = report(
            sides[0].out, sides[1].out, compare_trees(sides[0].out, sides[1].out, ctx)
        )
        print(", ".join(f"{k}: {v:.0f} s" for k, v in seconds.items()))
        if keep is not None:
            for side in sides:
                shutil.move(side.out, keep / side.label)
            print(f"outputs kept in {keep}")
    finally:
        remove_worktrees(added)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="compare_outputs_") as tmp:
        return compare_revisions(args.base, args.head, Path(tmp).resolve(), args.keep)


if __name__ == "__main__":
    sys.exit(main())
