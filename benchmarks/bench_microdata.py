"""Benchmark: registry aggregation with the DuckDB engine vs plain pandas.

Generates a synthetic tier (default M: Banten P3KE-like, ~4.0 M persons) as a
P3KE-style Parquet export (reused when present), then runs, each in its own
process so peak RSS is measured separately:

* engine: ``geo_priority.microdata.engine.aggregate_counts`` (NIK validation,
  HMAC tokens, dedupe, desa counts, out of core);
* pandas: a straightforward pandas/hashlib implementation of the same
  aggregation (same NIK rules, HMAC tokens, dedupe, counts and quality table).

Asserts that both give identical desa count and quality tables, then prints
time, the ratio and peak RSS of each.

Usage::

    .venv/bin/python benchmarks/bench_microdata.py --tier M
    .venv/bin/python benchmarks/bench_microdata.py --tier L --skip-pandas
"""

from __future__ import annotations

import argparse
import hmac
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Pandas objects (pandas is untyped here; imported lazily by the workers).
Frame = Any
Series = Any
#: What a worker reports (JSON between the processes).
Summary = dict[str, Any]

KEY = b"benchmark-key-not-secret-0123456789abcdef"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_engine(path: str, out: str) -> Summary:
    from geo_priority.microdata.engine import aggregate_counts
    from geo_priority.microdata.ingest import SourceSpec

    start = time.perf_counter()
    res = aggregate_counts([SourceSpec(path)], key=KEY, memory_limit="1500MB")
    seconds = time.perf_counter() - start
    return _summary(seconds, res.counts, res.quality, out)


def _summary(seconds: float, counts: Frame, quality: Frame, out: str) -> Summary:
    counts.to_parquet(f"{out}_counts.parquet")
    quality.to_parquet(f"{out}_quality.parquet")
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "families": int(counts["families"].sum()),
        "persons": int(counts["persons"].sum()),
        "excluded": int(counts["target_excluded_families"].sum()),
        "desa": int((counts["families"] > 0).sum()),
        "out": out,
    }


# ------------------------------------------------ the pandas implementation
# Same rules as the engine (REGISTRIES.md §1.2): trim, strip separators,
# validate the NIK, HMAC-SHA256 tokens (first 32 hex), zeroed-16th-digit and
# in-family duplicates, NIKs issued in another province than the desa, flags,
# desa counts and the quality table.

P3KE_FLAGS = {
    "miskin_ekstrem": ["status_miskin_ekstrem"],
    "pkh": ["penerima_pkh"],
    "sembako_bpnt": ["penerima_bpnt", "penerima_sembako"],
    "blt_dd": ["dana_desa_BLT_DD"],
    "pbi_jk": ["APBN_JKN_KIS"],
    "pip": ["APBN_PIP"],
}
SEP = r"[\s\-]"


def _token(values: Iterable[str]) -> list[str]:
    base = hmac.new(KEY, digestmod="sha256")  # keyed once, copied per value

    def one(value: str) -> str:
        h = base.copy()
        h.update(value.encode())
        return h.hexdigest()[:32]

    return [one(v) for v in values]


def _strip_sep(s: Series) -> Series:
    has = s.str.contains(SEP).fillna(False)
    return s.mask(has, s[has].str.replace(SEP, "", regex=True))


def _flag(df: Frame, columns: list[str]) -> Series:
    import numpy as np
    import pandas as pd

    from geo_priority.microdata import ingest

    out: Series = None
    for c in columns:
        v = df[c].str.strip(" ").str.lower()
        f = pd.Series(
            np.select(
                [
                    v.isna() | (v == ""),
                    v.isin(ingest.TRUE_WORDS),
                    v.isin(ingest.FALSE_WORDS),
                ],
                [np.nan, 1, 0],
                2,
            ),
            index=df.index,
        )
        out = f if out is None else np.fmax(out, f)
    if (out == 2).any():
        raise ValueError("unknown yes/no spelling")
    return out


def _birth_date_bad(nz: Series, ref_year: int) -> tuple[Series, Series]:
    import numpy as np
    import pandas as pd

    day = pd.to_numeric(nz.str[6:8], errors="coerce").astype(float)
    d = day.where(day <= 40, day - 40)
    m = pd.to_numeric(nz.str[8:10], errors="coerce").astype(float)
    yy = pd.to_numeric(nz.str[10:12], errors="coerce").astype(float)
    y = yy.where(yy > ref_year % 100, yy + 100) + 1900
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    dim = np.select(
        [(m == 2).to_numpy(bool), m.isin([4, 6, 9, 11]).to_numpy(bool)],
        [28 + leap.astype(int), 30],
        31,
    )
    ok = m.between(1, 12) & d.between(1, dim)
    return ~ok | (y > ref_year), day


def _nik_status(t: Series, nz: Series, kk: Series, sex: Series, ref_year: int) -> Any:
    import numpy as np

    from geo_priority.microdata import ingest

    runs = ("01234567890123456789012", "98765432109876543210987")
    holders = {d * 16 for d in "0123456789"} | {
        r[i : i + 16] for r in runs for i in range(8)
    }
    bad_date, day = _birth_date_bad(nz, ref_year)
    rules = {
        "excel_number_cell": t == ingest.EXCEL_NUMBER,
        "missing": t.isna() | ~t.str.contains("[0-9]"),
        "scientific_notation": t.str.fullmatch(r"[0-9](\.[0-9]+)?[eE][+]?[0-9]+"),
        "float_text": t.str.fullmatch(r"[0-9]+\.[0-9]+"),
        "not_digits": ~nz.str.fullmatch("[0-9]+"),
        "wrong_length": nz.str.len() != 16,
        "placeholder": nz.isin(holders),
        "unknown_province": ~nz.str[:2].isin(ingest.province_codes()),
        "invalid_region": (nz.str[2:4] == "00") | (nz.str[4:6] == "00"),
        "invalid_birth_date": bad_date,
        "invalid_serial": nz.str[12:16] == "0000",
        "equals_no_kk": nz == kk,
        "sex_mismatch": sex.notna() & ((day > 40) != (sex == "P")),
    }
    conds = [c.fillna(False).astype(bool).to_numpy() for c in rules.values()]
    return np.select(conds, list(rules), "valid")


def _persons_pandas(path: str, ref_year: int) -> Frame:
    import numpy as np
    import pandas as pd

    from geo_priority.microdata import ingest

    cols = ["id_keluarga_p3ke", "nik", "no_kk", "kode_kemendagri", "jenis_kelamin"]
    cols += ["desil_kesejahteraan", "usia"]
    cols += sorted({c for cs in P3KE_FLAGS.values() for c in cs})
    df = pd.read_parquet(path, columns=cols)
    t = df["nik"].str.strip(" ")
    nz = _strip_sep(t)
    kk = _strip_sep(df["no_kk"].str.strip(" "))
    g = df["jenis_kelamin"].str.strip(" ").str.upper()
    men = g.isin(["L", "LAKI-LAKI", "LAKI LAKI", "LAKI", "1", "M", "PRIA"])
    women = g.isin(["P", "PEREMPUAN", "2", "F", "WANITA"])
    sex = pd.Series(np.select([men, women], ["L", "P"], ""), index=df.index)
    sex = sex.mask(sex == "")
    p = pd.DataFrame(index=df.index)
    p["status"] = _nik_status(t, nz, kk, sex, ref_year)
    valid = p["status"] == "valid"
    p["nik_token"] = None
    p.loc[valid, "nik_token"] = _token(nz[valid])
    p["prefix_unknown"] = valid & ~nz.str[:6].isin(ingest.kecamatan_prefixes()["p"])
    p["separators"] = valid & t.str.contains(SEP)
    p["ends0"] = valid & (nz.str[-1] == "0")
    bad = ~p["status"].isin(["valid", "missing"])
    p["example"] = None
    p.loc[bad, "example"] = t[bad].str[:4] + t[bad].str[4:].str.replace(
        "[0-9]", "x", regex=True
    )
    nik_province = nz.str[:2]  # two digits, no NIK
    fam = df["id_keluarga_p3ke"].str.strip(" ")
    # one file: KK tokens only stand in for missing family ids (as the engine)
    need = kk[fam.isna()]
    ukk = need[need.str.fullmatch("[1-9][0-9]{15}").fillna(False)].unique()
    kk_token = kk.map(dict(zip(ukk, _token(ukk), strict=True)))
    alone = "?" + pd.Series(df.index.astype(str), index=df.index)
    p["family_key"] = "0:" + fam.fillna(kk_token).fillna(alone)
    del df["nik"], t, nz  # no NIK kept beyond this point
    kode = df["kode_kemendagri"].str.strip(" ")
    kode = kode.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    kode = kode.str.replace(r"[.\s]", "", regex=True)
    provs = set(kode.str[:2].dropna().unique()) & set(ingest.province_codes())
    desa = set(ingest.desa_codes(tuple(sorted(provs)))["kode"])
    p["kode_kab"] = kode.str[:4]
    p["kode_desa"] = kode.where(kode.isin(desa))
    other = nik_province != p["kode_desa"].str[:2]
    p["other_province"] = valid & p["kode_desa"].notna() & other.fillna(False)
    p["sex"] = sex
    d = pd.to_numeric(df["desil_kesejahteraan"].str.strip(" "), errors="coerce").round()
    p["desil"] = d.where(d.between(1, 10))
    p["umur"] = pd.to_numeric(df["usia"].str.strip(" "), errors="coerce").round()
    for name, columns in P3KE_FLAGS.items():
        p[name] = _flag(df, columns) == 1
    return p


def _dedupe_pandas(p: Frame) -> Frame:
    valid = p["nik_token"].notna()
    tok = p.loc[valid, ["family_key", "nik_token"]]
    tok = tok[tok["nik_token"].duplicated(keep=False)]  # the few repeated NIKs
    in_fam = tok.index[tok.duplicated(keep=False)]
    dup_src = tok.groupby("nik_token")["family_key"].transform("nunique") > 1
    p["duplicate_in_source"] = False
    p.loc[dup_src.index[dup_src], "duplicate_in_source"] = True
    p.loc[in_fam, "status"] = "duplicate_in_family"
    p.loc[in_fam, "nik_token"] = None
    if valid.sum() >= 20 and p.loc[valid, "ends0"].mean() > 0.5:
        p.loc[p["ends0"], "status"] = "excel_zeroed_16th_digit"
        p.loc[p["ends0"], "nik_token"] = None
    p["duplicate_in_source"] &= p["nik_token"].notna()
    return p


def _split_families(p: Frame) -> Any:
    kept = p[p["kode_desa"].notna()]
    span = kept.groupby("family_key")["kode_desa"].agg(["min", "max"])
    return span.index[span["min"] != span["max"]]


def _quality_pandas(p: Frame, file: str) -> Frame:
    import pandas as pd

    from geo_priority.microdata.engine import PROBLEMS

    masks = {f"nik_{s}": p["status"] == s for s in p["status"].unique()}
    masks.update(
        {
            "nik_prefix_not_in_2025_table": p["prefix_unknown"],
            "nik_other_province": p["other_province"],
            "nik_separators_removed": p["separators"] & (p["status"] == "valid"),
            "nik_duplicate_in_source": p["duplicate_in_source"],
            "region_code_unknown": p["kode_desa"].isna(),
            "family_split_across_desa": p["family_key"].isin(_split_families(p)),
            "family_id_missing": p["family_key"].str.startswith("0:?"),
            "desil_missing": p["desil"].isna(),
            "sex_missing": p["sex"].isna(),
        }
    )
    rows = []
    for name, mask in masks.items():
        if name == "nik_valid" or not mask.any():
            continue
        part = p[mask].groupby("kode_kab", dropna=False)["example"].agg(["size", "min"])
        rows.append(
            pd.DataFrame(
                {
                    "file": file,
                    "sumber": "P3KE",
                    "kode_kab": part.index,
                    "problem": name,
                    "severity": PROBLEMS[name][0],
                    "rows": part["size"].astype("int64").to_numpy(),
                    "example": part["min"].to_numpy(),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["file", "problem", "kode_kab"]).reset_index(drop=True)


def _counts_pandas(p: Frame) -> Frame:
    import pandas as pd

    from geo_priority.microdata.columns import BUNDLE_PROGRAMMES
    from geo_priority.microdata.engine import FAMILY_PROGRAMMES, PERSON_PROGRAMMES

    kept = p[p["kode_desa"].notna()]
    fam = kept.groupby("family_key").agg(
        kode_desa=("kode_desa", "min"),
        desil=("desil", "min"),
        me=("miskin_ekstrem", "any"),
        **{f: (f, "any") for f in FAMILY_PROGRAMMES},
        any_pbi=("pbi_jk", "any"),
        any_pip=("pip", "any"),
    )
    max_desil = 10 if p["desil"].max() > 4 else 4
    fam["tgt"] = fam["desil"] == 1
    fam["anyp"] = fam[[*FAMILY_PROGRAMMES, "any_pbi", "any_pip"]].any(axis=1)
    f = pd.DataFrame(index=fam.index)
    f["kode_desa"] = fam["kode_desa"]
    f["families"] = 1
    for k in range(1, max_desil + 1):
        f[f"families_desil_{k}"] = fam["desil"] == k
    f["families_desil_unknown"] = fam["desil"].isna()
    f["families_miskin_ekstrem"] = fam["me"]
    f["target_families"] = fam["tgt"]
    f["nontarget_families"] = ~fam["tgt"]
    in_desa = fam["kode_desa"].str[6] != "1"
    f["target_families_desa"] = fam["tgt"] & in_desa
    for g in FAMILY_PROGRAMMES:
        f[f"{g}_families"] = fam[g]
        f[f"{g}_target_families"] = fam[g] & fam["tgt"]
        f[f"{g}_nontarget_families"] = fam[g] & ~fam["tgt"]
        f[f"{g}_target_excluded_families"] = (
            fam["tgt"] & ~fam[g] & (in_desa if g == "blt_dd" else True)
        )
    bundle = fam[list(BUNDLE_PROGRAMMES)].any(axis=1)
    f["bansos_keluarga_families"] = bundle
    f["bansos_keluarga_target_families"] = bundle & fam["tgt"]
    f["bansos_keluarga_nontarget_families"] = bundle & ~fam["tgt"]
    f["bansos_keluarga_target_excluded_families"] = fam["tgt"] & ~bundle
    f["any_families"] = fam["anyp"]
    f["any_target_families"] = fam["anyp"] & fam["tgt"]
    f["any_nontarget_families"] = fam["anyp"] & ~fam["tgt"]
    f["target_excluded_families"] = fam["tgt"] & ~fam["anyp"]
    per = kept.join(
        fam[["kode_desa", "desil", "me", "tgt"]], on="family_key", rsuffix="_fam"
    )
    q = pd.DataFrame({"kode_desa": per["kode_desa_fam"], "persons": 1})
    for k in range(1, max_desil + 1):
        q[f"persons_desil_{k}"] = per["desil_fam"] == k
    q["persons_desil_unknown"] = per["desil_fam"].isna()
    q["persons_miskin_ekstrem"] = per["me"]
    q["target_persons"] = per["tgt"]
    q["target_persons_6_21"] = per["tgt"] & per["umur"].between(6, 21)
    for g in PERSON_PROGRAMMES:
        q[f"{g}_persons"] = per[g]
        q[f"{g}_target_persons"] = per[g] & per["tgt"]
        q[f"{g}_nontarget_persons"] = per[g] & ~per["tgt"]
    q["pbi_jk_target_excluded_persons"] = per["tgt"] & ~per["pbi_jk"]
    school = per["umur"].between(6, 21)
    q["pip_target_excluded_persons"] = per["tgt"] & school & ~per["pip"]
    q["persons_nik_rejected"] = per["status"] != "valid"
    out = f.groupby("kode_desa").sum().join(q.groupby("kode_desa").sum())
    return _all_desa(out.reset_index())


def _all_desa(counts: Frame) -> Frame:
    import pandas as pd

    from geo_priority import regions

    kecs = sorted({c[:6] for c in counts["kode_desa"]})
    ref = pd.concat(
        [
            regions.reference_areas("desa", within=f"{k[:2]}.{k[2:4]}.{k[4:]}")
            for k in kecs
        ]
    )
    codes = ref["code"].str.replace(".", "", regex=False).astype(str)
    out = pd.DataFrame({"kode_desa": codes.to_numpy()}).merge(
        counts, on="kode_desa", how="outer"
    )
    numbers = out.columns.drop("kode_desa")
    out[numbers] = out[numbers].fillna(0).astype("int64")
    return out.sort_values("kode_desa").reset_index(drop=True)


def run_pandas(path: str, out: str) -> Summary:
    from geo_priority.microdata import ingest

    start = time.perf_counter()
    p = _persons_pandas(path, ingest.reference_year())
    p = _dedupe_pandas(p)
    quality = _quality_pandas(p, Path(path).name)
    counts = _counts_pandas(p)
    seconds = time.perf_counter() - start
    return _summary(seconds, counts, quality, out)


def _child(worker: str, path: Path, out: Path) -> Summary:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            worker,
            "--input",
            str(path),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    summary: Summary = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


def _assert_same(eng: Summary, pdr: Summary) -> None:
    import pandas as pd

    for part in ("counts", "quality"):
        a = pd.read_parquet(f"{eng['out']}_{part}.parquet")
        b = pd.read_parquet(f"{pdr['out']}_{part}.parquet")
        if part == "quality":
            a, b = (f.astype(object).where(f.notna(), None) for f in (a, b))
        extra = [c for c in a.columns if c not in b.columns]
        missing = [c for c in b.columns if c not in a.columns]
        assert not missing, f"the engine lacks {missing}"
        # the engine also counts the programme convergence (target families by
        # number of programmes, agencies, strategies, combinations), which the
        # pandas reference does not implement: it does more work, unchecked here
        pd.testing.assert_frame_equal(a[list(b.columns)], b, check_dtype=False)
        if extra:
            print(
                f"{part}: {len(extra)} convergence columns of the engine are not "
                "in the pandas reference (work the reference does not do)"
            )
    print("engine and pandas give identical desa count and quality tables")


def _ensure_input(
    tier: str, folder: Path, seed: int, dirty: bool
) -> tuple[Path, float]:
    from geo_priority.microdata import write_synthetic

    folder = folder / "dirty" if dirty else folder
    path = folder / f"p3ke_{tier}_individu.parquet"
    if path.is_file():
        return path, 0.0
    start = time.perf_counter()
    write_synthetic(
        folder,
        tier=tier,
        style="p3ke",
        fmt="parquet",
        seed=seed,
        dirty=dirty,
        progress=True,
    )
    return path, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="M", choices=["XS", "S", "M", "L"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/geo-priority-bench"))
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--dirty", action="store_true", help="inject the fault catalogue (§6.5)"
    )
    parser.add_argument("--worker", choices=["engine", "pandas"])
    parser.add_argument("--input", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.worker:
        fn = run_engine if args.worker == "engine" else run_pandas
        print(json.dumps(fn(str(args.input), str(args.out))))
        return
    path, gen = _ensure_input(args.tier, args.dir, args.seed, args.dirty)
    size = path.stat().st_size / 1e6
    print(f"tier {args.tier}: {path} ({size:.0f} MB), generated in {gen:.1f} s")
    with tempfile.TemporaryDirectory(prefix="gp-bench-") as tmp:
        eng = _child("engine", path, Path(tmp) / "engine")
        _report("duckdb engine", eng)
        if args.skip_pandas:
            return
        pdr = _child("pandas", path, Path(tmp) / "pandas")
        _report("pandas", pdr)
        _assert_same(eng, pdr)
    ratio = eng["seconds"] / pdr["seconds"]
    print(f"ratio engine/pandas time: {ratio:.3f} (target <= 0.2)")


def _report(name: str, r: Summary) -> None:
    print(
        f"{name:14s}: {r['seconds']:8.1f} s  peak RSS {r['peak_mb']:7.0f} MB  "
        f"{r['persons']:,} persons, {r['families']:,} families, {r['desa']} desa, "
        f"{r['excluded']:,} target families without programme"
    )


if __name__ == "__main__":
    main()
