"""Benchmark: registry aggregation with the DuckDB engine vs plain pandas.

Generates a synthetic tier (default M: Banten P3KE-like, ~4.0 M persons) as a
P3KE-style Parquet export (reused when present), then runs, each in its own
process so peak RSS is measured separately:

* engine: ``geo_priority.microdata.engine.aggregate_counts`` (NIK validation,
  HMAC tokens, dedupe, desa counts, out of core);
* pandas: a straightforward pandas implementation of the same ingestion and
  desa aggregation.

Prints time, the ratio and peak RSS of each, and checks that both give the same
desa totals.

Usage::

    .venv/bin/python benchmarks/bench_microdata.py --tier M
    .venv/bin/python benchmarks/bench_microdata.py --tier L --skip-pandas
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

KEY = b"benchmark-key-not-secret-0123456789abcdef"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_engine(path: str) -> dict:
    from geo_priority.microdata.engine import aggregate_counts
    from geo_priority.microdata.ingest import SourceSpec

    start = time.perf_counter()
    res = aggregate_counts([SourceSpec(path)], key=KEY, memory_limit="1500MB")
    seconds = time.perf_counter() - start
    c = res.counts
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "families": int(c["families"].sum()),
        "persons": int(c["persons"].sum()),
        "excluded": int(c["target_excluded_families"].sum()),
        "desa": int((c["families"] > 0).sum()),
    }


def _yes(s):
    return s.str.strip().str.lower().isin(["ya", "y", "yes", "1", "true"])


def run_pandas(path: str) -> dict:
    import pandas as pd

    from geo_priority.microdata import ingest

    start = time.perf_counter()
    df = pd.read_parquet(path)
    nz = df["nik"].str.strip().str.replace(r"[\s\-]", "", regex=True)
    ok = nz.str.fullmatch(r"[1-9]\d{15}").fillna(False)
    ok &= nz.str[:2].isin(ingest.province_codes())
    ok &= nz.str[12:16] != "0000"
    ok &= nz != df["no_kk"]
    day = pd.to_numeric(nz.str[6:8], errors="coerce")
    ok &= ((day > 40) == (df["jenis_kelamin"] == "Perempuan")) | df[
        "jenis_kelamin"
    ].isna()
    df["nik_token"] = [
        hmac.new(KEY, n.encode(), hashlib.sha256).hexdigest()[:32] if v else None
        for n, v in zip(nz.fillna(""), ok, strict=True)
    ]
    df = df.drop(columns=["nik"])
    kode = df["kode_kemendagri"].str.replace(".", "", regex=False)
    desa = set(ingest.desa_codes(ingest.province_codes())["kode"])
    df = df[kode.isin(desa)].assign(kode_desa=kode)
    df["desil"] = pd.to_numeric(df["desil_kesejahteraan"], errors="coerce")
    flags = {
        "pkh": "penerima_pkh",
        "bpnt": "penerima_bpnt",
        "blt": "dana_desa_BLT_DD",
        "pbi": "APBN_JKN_KIS",
        "pip": "APBN_PIP",
    }
    for name, col in flags.items():
        df[name] = _yes(df[col])
    fam = df.groupby("id_keluarga_p3ke").agg(
        kode_desa=("kode_desa", "first"),
        desil=("desil", "min"),
        anyp=("pkh", "max"),
        b=("bpnt", "max"),
        bl=("blt", "max"),
        pb=("pbi", "max"),
        pi=("pip", "max"),
    )
    fam["anyp"] = fam[["anyp", "b", "bl", "pb", "pi"]].any(axis=1)
    fam["tgt"] = fam["desil"] == 1
    fam["excl"] = fam["tgt"] & ~fam["anyp"]
    per_desa = fam.groupby("kode_desa").agg(
        families=("desil", "size"), excluded=("excl", "sum")
    )
    persons = df.groupby("kode_desa").size()
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "families": int(per_desa["families"].sum()),
        "persons": int(persons.sum()),
        "excluded": int(per_desa["excluded"].sum()),
        "desa": len(per_desa),
    }


def _child(worker: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", worker, "--input", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ensure_input(tier: str, folder: Path, seed: int) -> tuple[Path, float]:
    from geo_priority.microdata import write_synthetic

    path = folder / f"p3ke_{tier}_individu.parquet"
    if path.is_file():
        return path, 0.0
    start = time.perf_counter()
    write_synthetic(
        folder, tier=tier, style="p3ke", fmt="parquet", seed=seed, progress=True
    )
    return path, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="M", choices=["XS", "S", "M", "L"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/geo-priority-bench"))
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--worker", choices=["engine", "pandas"])
    parser.add_argument("--input", type=Path)
    args = parser.parse_args()
    if args.worker:
        fn = run_engine if args.worker == "engine" else run_pandas
        print(json.dumps(fn(str(args.input))))
        return
    path, gen = _ensure_input(args.tier, args.dir, args.seed)
    size = path.stat().st_size / 1e6
    print(f"tier {args.tier}: {path} ({size:.0f} MB), generated in {gen:.1f} s")
    eng = _child("engine", path)
    print(
        f"duckdb engine : {eng['seconds']:8.1f} s  peak RSS {eng['peak_mb']:7.0f} MB  "
        f"{eng['persons']:,} persons, {eng['families']:,} families, {eng['desa']} desa"
    )
    if args.skip_pandas:
        return
    pdr = _child("pandas", path)
    print(
        f"pandas        : {pdr['seconds']:8.1f} s  peak RSS {pdr['peak_mb']:7.0f} MB  "
        f"{pdr['persons']:,} persons, {pdr['families']:,} families, {pdr['desa']} desa"
    )
    ratio = eng["seconds"] / pdr["seconds"]
    print(f"ratio engine/pandas time: {ratio:.3f} (target <= 0.2)")
    same = all(eng[k] == pdr[k] for k in ("persons", "families"))
    print(
        f"same persons/families totals: {same}; excluded {eng['excluded']:,} vs "
        f"{pdr['excluded']:,}"
    )


if __name__ == "__main__":
    main()
