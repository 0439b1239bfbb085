"""Registry microdata: generator, NIK validation, HMAC, engine, bad inputs."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo_priority.errors import CodeError, ConfigError, InputError, SchemaError
from geo_priority.microdata import (
    SourceSpec,
    aggregate_registry,
    export_frame,
    generate,
    load_key,
    nik_token,
    write_synthetic,
)
from geo_priority.microdata.engine import aggregate_counts
from geo_priority.microdata.ingest import detect_style, mask_value, scrub
from geo_priority.microdata.pseudonymise import KEY_ENV

from nikscan import NikScan

KEY = bytes(range(32))
# a NIK-like run: 16 digits, not part of a longer number or a decimal fraction
SIXTEEN = NikScan()  # 16-digit runs, sha256 digests taken out first


@pytest.fixture(scope="module")
def xs() -> tuple[pd.DataFrame, pd.DataFrame]:
    return generate("XS", seed=7)


@pytest.fixture(scope="module")
def xs_counts(tmp_path_factory, xs):
    folder = tmp_path_factory.mktemp("xs")
    frame, _ = export_frame(xs[1], "p3ke", seed=7)
    path = folder / "p3ke.csv"
    frame.to_csv(path, index=False)
    return aggregate_counts([SourceSpec(str(path))], key=KEY)


# ------------------------------------------------------------------ generator


def test_generator_is_deterministic_and_structured(xs):
    fam, per = xs
    _fam2, per2 = generate("XS", seed=7)
    pd.testing.assert_frame_equal(per, per2)
    assert len(fam) == 1500 and int(fam["jumlah_anggota"].sum()) == len(per)
    assert set(fam["kode_kec"]) == {"360101"}
    assert fam["kode_desa"].nunique() == 7
    assert per["nik"].str.fullmatch(r"[1-9]\d{15}").all()
    assert not per["nik"].duplicated().any()
    assert (
        per.groupby("id_keluarga")["hubungan_keluarga"].first() == "KEPALA_KELUARGA"
    ).all()
    assert set(fam["desil"]) <= {1, 2, 3, 4}
    assert not (fam["miskin_ekstrem"] & (fam["desil"] != 1)).any()


def test_generator_nik_matches_sex_and_birth_date(xs):
    _, per = xs
    day = per["nik"].str[6:8].astype(int)
    assert ((day > 40) == (per["jenis_kelamin"] == "P")).all()
    born = pd.to_datetime(per["tanggal_lahir"])
    assert (born.dt.month == per["nik"].str[8:10].astype(int)).all()
    assert ((day % 40) == born.dt.day).all()


def test_generator_receipt_falls_with_desil(xs):
    fam, _ = xs
    pkh = fam.groupby("desil")["pkh"].mean()
    assert pkh[1] > pkh[4]
    assert not fam.loc[fam["kode_desa"].str[6] == "1", "blt_dd"].any()


def test_seed_changes_output():
    _, a = generate("XS", seed=1)
    _, b = generate("XS", seed=2)
    assert not a["nik"].equals(b["nik"])


def test_unknown_tier():
    with pytest.raises(ConfigError, match="unknown tier"):
        generate("XXL")


def test_export_styles_are_detected(xs):
    bps = {k: k[:4] + "010" + k[7:] for k in xs[0]["kode_desa"].unique()}
    for style in ("p3ke", "dtks", "dtsen", "canonical"):
        frame, _ = export_frame(xs[1].head(50), style, bps_codes=bps)
        assert detect_style(frame.columns) == style


def test_dtks_without_crosswalk_is_refused(xs):
    with pytest.raises(ConfigError, match="crosswalk"):
        export_frame(xs[1].head(5), "dtks")


# ----------------------------------------------------------------- pseudonyms


def test_token_is_keyed_hmac():
    nik = "3601011508950123"
    expected = hmac.new(KEY, nik.encode(), hashlib.sha256).hexdigest()[:32]
    assert nik_token(nik, KEY) == expected
    assert nik_token(nik, KEY) != nik_token(nik, bytes(32))


def test_engine_token_equals_python_hmac(tmp_path):
    from geo_priority.microdata import sql as engine_sql

    frame = pd.DataFrame({"nik": ["3601011508950123"]})
    with engine_sql.connection("200MB", 1, False) as con:
        con.register("t", frame)
        from geo_priority.microdata.ingest import token_sql
        from geo_priority.microdata.pseudonymise import hmac_pads

        ipad, opad = hmac_pads(KEY)
        sql = f"SELECT {token_sql('nik', '$ipad', '$opad')} FROM t"
        got = con.execute(sql, {"ipad": ipad, "opad": opad}).fetchone()[0]
    assert got == nik_token("3601011508950123", KEY)


@pytest.mark.parametrize("key", [KEY, b"k" * 64, bytes(range(100))])
def test_engine_sql_token_is_bit_for_bit_hmac(key):
    from geo_priority.microdata import load
    from geo_priority.microdata import sql as engine_sql
    from geo_priority.microdata.ingest import token_sql

    rng = np.random.default_rng(1)
    values = [str(v) for v in rng.integers(10**15, 10**16, 500)]
    values += ["", "0", "3601 0115-0895", "x" * 200]
    with engine_sql.connection("200MB", 2, False) as con:
        load.bind_key(con, key)
        con.register("t", pd.DataFrame({"v": values}))
        got = con.execute(f"SELECT v, {token_sql('v', *load.PADS)} FROM t").fetchall()
    for value, token in got:
        assert token == hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def test_birth_date_rule_matches_the_calendar():
    import datetime as dt

    import duckdb

    from geo_priority.microdata.ingest import nik_number_sql, nik_status_sql

    cases = [
        (d, m, y) for d in range(100) for m in range(14) for y in (0, 1, 24, 26, 27)
    ]
    niks = [f"360101{d:02d}{m:02d}{y:02d}0001" for d, m, y in cases]
    frame = pd.DataFrame({"t": niks, "nz": niks})  # noqa: F841 (read by DuckDB)
    sql = (
        f"SELECT {nik_status_sql(2026, False, False)} FROM "
        f"(SELECT *, {nik_number_sql('t', 'nz')} AS n FROM frame)"
    )
    got = [r[0] for r in duckdb.connect().execute(sql).fetchall()]
    for (d, m, y), status in zip(cases, got, strict=True):
        try:
            dt.date(2000 + y if y <= 26 else 1900 + y, m, d - 40 if d > 40 else d)
            want = "valid"
        except ValueError:
            want = "invalid_birth_date"
        assert status == want, (d, m, y)


def test_key_missing_short_and_file(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(ConfigError, match="no NIK pseudonymisation key"):
        load_key()
    with pytest.raises(InputError, match="cannot read the NIK key file"):
        load_key(tmp_path / "absent.key")
    short = tmp_path / "short.key"
    short.write_text("abc")
    with pytest.raises(ConfigError, match="too short"):
        load_key(short)
    good = tmp_path / "good.key"
    good.write_text("ab" * 32 + "\n")
    assert load_key(good) == bytes([0xAB]) * 32
    monkeypatch.setenv(KEY_ENV, "x" * 40)
    assert load_key() == b"x" * 40


def test_mask_and_scrub_hide_niks():
    assert mask_value("3601011508950123") == "3601xxxxxxxxxxxx"
    assert "3601011508950123" not in scrub(
        "value 3601011508950123 and 3601 0115 0895 0123"
    )
    assert not SIXTEEN.search(scrub("3601 0115 0895 0123").encode())


# --------------------------------------------------------------- aggregation


def test_clean_xs_counts_equal_generator_truth(xs, xs_counts):
    fam, per = xs
    c = xs_counts.counts.set_index("kode_desa")
    truth_f = fam.groupby("kode_desa").size()
    truth_p = per.groupby("kode_desa").size()
    assert c["families"].to_dict() == truth_f.to_dict()
    assert c["persons"].to_dict() == truth_p.to_dict()
    d1 = fam[fam["desil"] == 1]
    anyp = d1[["pkh", "sembako_bpnt", "blt_dd"]].any(axis=1) | d1["id_keluarga"].isin(
        per.loc[per["pbi_jk"] | per["pip"], "id_keluarga"]
    )
    excluded = (~anyp).groupby(d1["kode_desa"]).sum()
    assert c["target_excluded_families"].to_dict() == excluded.to_dict()
    pkh_t = d1.groupby("kode_desa")["pkh"].sum()
    assert c["pkh_target_families"].to_dict() == pkh_t.to_dict()
    q = xs_counts.quality
    rejected = q[q["severity"] == "rejected"]
    assert rejected.empty, rejected


def test_dirty_faults_are_counted_not_repaired(tmp_path, xs):
    frame, faults = export_frame(xs[1], "p3ke", dirty=True, seed=3)
    path = tmp_path / "dirty.csv"
    frame.to_csv(path, index=False)
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    got = res.quality.groupby("problem")["rows"].sum()
    assert got["nik_scientific_notation"] == faults["nik_scientific"]
    assert got["nik_float_text"] == faults["nik_float_text"]
    assert got["nik_wrong_length"] == faults["nik_wrong_length"]
    assert got["nik_missing"] == faults["nik_missing"]
    assert got["nik_equals_no_kk"] == faults["nik_equals_no_kk"]
    assert got["region_code_unknown"] == faults["kode_desa_bps_in_kemendagri_column"]
    assert got["nik_placeholder"] == faults["nik_placeholder"]
    assert got["nik_sex_mismatch"] >= faults["sex_mismatch"]
    assert got["nik_invalid_birth_date"] == faults["nik_invalid_birth"]
    # most zeroed 16th digits produce serial 0000; none may be accepted silently
    assert got["nik_invalid_serial"] <= faults["nik_zeroed_16th_digit"]
    # persons with bad NIKs still count; only bad region codes drop rows
    kept = int(res.counts["persons"].sum())
    assert kept == len(xs[1]) - faults["kode_desa_bps_in_kemendagri_column"]
    assert (
        res.quality["example"].dropna().map(lambda v: not re.search(r"\d{16}", v)).all()
    )


def test_dedupe_across_sources_with_precedence(tmp_path, xs):
    per = xs[1]
    half = per["id_keluarga"].isin(per["id_keluarga"].unique()[:700])
    p3ke, _ = export_frame(per, "p3ke")
    dtsen, _ = export_frame(per[half], "dtsen")
    (tmp_path / "a.csv").write_text(p3ke.to_csv(index=False))
    dtsen.to_parquet(tmp_path / "b.parquet")
    res = aggregate_counts(
        [SourceSpec(str(tmp_path / "a.csv")), SourceSpec(str(tmp_path / "b.parquet"))],
        key=KEY,
    )
    assert int(res.counts["persons"].sum()) == len(per)
    assert int(res.counts["families"].sum()) == per["id_keluarga"].nunique()
    got = res.quality.groupby("problem")["rows"].sum()
    assert got["family_dropped_in_higher_source"] == half.sum()


def test_dtks_style_with_bps_codes_and_lost_zeros(tmp_path, xs):
    per = xs[1].head(400)
    bps = {k: k[:4] + "010" + k[7:] for k in xs[0]["kode_desa"].unique()}
    frame, _ = export_frame(per, "dtks", bps_codes=bps)
    frame["KDKEC"] = frame["KDKEC"].astype(int)  # lost leading zeros
    path = tmp_path / "dtks.csv"
    frame.to_csv(path, index=False)
    cw = pd.DataFrame(
        {"bps_kode_desa": list(bps.values()), "kemendagri_kode_desa": list(bps)}
    )
    cw["kemendagri_kode_desa"] = cw["kemendagri_kode_desa"].map(
        lambda k: f"{k[:2]}.{k[2:4]}.{k[4:6]}.{k[6:]}"
    )
    cw_path = tmp_path / "cw.csv"
    cw.to_csv(cw_path, index=False)
    with pytest.raises(ConfigError, match="crosswalk"):
        aggregate_counts([SourceSpec(str(path))], key=KEY)
    res = aggregate_counts([SourceSpec(str(path), crosswalk=str(cw_path))], key=KEY)
    assert int(res.counts["persons"].sum()) == 400


def test_fields_no_export_has_are_no_data_not_zero(tmp_path, xs):
    per = xs[1].head(400)
    bps = {k: k[:4] + "010" + k[7:] for k in xs[0]["kode_desa"].unique()}
    frame, _ = export_frame(per, "dtks", bps_codes=bps)  # no BLT-DD, no extreme flag
    path = tmp_path / "dtks.csv"
    frame.to_csv(path, index=False)
    cw = pd.DataFrame(
        {
            "bps_kode_desa": list(bps.values()),
            "kemendagri_kode_desa": [f"{k[:2]}.{k[2:4]}.{k[4:6]}.{k[6:]}" for k in bps],
        }
    )
    cw.to_csv(tmp_path / "cw.csv", index=False)
    spec = SourceSpec(str(path), crosswalk=str(tmp_path / "cw.csv"))
    with pytest.raises(ConfigError, match="tanda miskin ekstrem"):
        aggregate_counts([spec], key=KEY, target="miskin_ekstrem")
    out = tmp_path / "out"
    result = aggregate_registry([spec], key=KEY, out_dir=out, threshold=2)
    assert set(result.sources["absent_fields"]) == {"miskin_ekstrem, blt_dd"}
    kab = result.tables["kabkota"].iloc[0]
    for col in ("blt_dd_families", "coverage_blt_dd", "persons_miskin_ekstrem"):
        assert pd.isna(kab[col]), col
        assert not kab[f"{col}_suppressed"]
    assert kab["pkh_families"] == per["pkh"].groupby(per["id_keluarga"]).any().sum()
    assert pd.notna(kab["exclusion_error"]) or kab["exclusion_error_suppressed"]
    assert pd.notna(kab["target_families"])
    q = result.quality
    absent = q[q["problem"] == "column_absent"]
    want = [[400, "miskin_ekstrem, blt_dd"]]
    assert absent[["rows", "example"]].values.tolist() == want
    meta = (tmp_path / "out" / "registri_metadata.json").read_text()
    assert '"absent_fields": [\n    "miskin_ekstrem",\n    "blt_dd"\n  ]' in meta


@pytest.mark.parametrize("style", ["p3ke", "dtsen", "canonical"])
def test_family_level_export_gives_the_family_figures(tmp_path, xs, style):
    from geo_priority.microdata import export_family_frame

    fam, per = xs
    frame = export_family_frame(fam, per, style)
    path = tmp_path / f"{style}_keluarga.csv"
    frame.to_csv(path, index=False)
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    assert res.sources["level"].tolist() == ["keluarga"]
    c = res.counts.set_index("kode_desa")
    truth = fam.groupby("kode_desa")
    assert c["families"].to_dict() == truth.size().to_dict()
    assert (
        c["families_desil_1"].to_dict()
        == truth["desil"].apply(lambda d: int((d == 1).sum())).to_dict()
    )
    assert c["pkh_families"].to_dict() == truth["pkh"].sum().to_dict()
    absent = set(res.absent)
    assert {"pbi_jk", "pip", "persons_6_21"} <= absent
    if style == "p3ke":  # P3KE's keluarga file states no number of members
        assert "persons" in absent
    else:
        assert "persons" not in absent
        assert c["persons"].to_dict() == per.groupby("kode_desa").size().to_dict()
    # the head's NIK is checked, never tokenised: nothing is deduplicated from it
    assert not res.quality["problem"].str.contains("duplicate").any()


def test_level_is_checked_and_can_be_forced(tmp_path, xs):
    with pytest.raises(ConfigError, match="export level 'rumah'"):
        SourceSpec("x.csv", level="rumah")
    from geo_priority.microdata import export_family_frame

    frame = export_family_frame(*xs, "dtsen")
    path = tmp_path / "kk.csv"
    frame.to_csv(path, index=False)
    res = aggregate_counts([SourceSpec(str(path), level="individu")], key=KEY)
    # read as persons: one person (the head) per family
    assert int(res.counts["persons"].sum()) == len(frame)
    with pytest.raises(ConfigError, match="without dirty mode"):
        write_synthetic(tmp_path, level="keluarga", dirty=True)


def test_xlsx_sheet_per_kecamatan_and_excel_numbers(tmp_path):
    path, rows, _ = write_synthetic(tmp_path, fmt="xlsx", sheet_per_kecamatan=True)
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    assert int(res.counts["persons"].sum()) == rows
    frame, _ = export_frame(generate("XS")[1].head(30), "p3ke")
    frame["nik"] = frame["nik"].astype("int64")  # numeric cells, as Excel stores them
    xlsx = tmp_path / "numbers.xlsx"
    frame.to_excel(xlsx, index=False)
    res = aggregate_counts([SourceSpec(str(xlsx))], key=KEY)
    got = res.quality.groupby("problem")["rows"].sum()
    assert got["nik_excel_number_cell"] == 30


# ------------------------------------------------------------------ bad input


def _p3ke_csv(tmp_path: Path, rows: int = 40) -> tuple[pd.DataFrame, Path]:
    frame, _ = export_frame(generate("XS", seed=1)[1].head(rows), "p3ke")
    return frame, tmp_path / "in.csv"


def _no_output(out: Path) -> None:
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    ("mutate", "exc", "pattern"),
    [
        (lambda f: f.drop(columns="nik"), SchemaError, "no NIK column"),
        (lambda f: f.assign(penerima_pkh="Mungkin"), SchemaError, "not understood"),
        (
            lambda f: f.assign(
                kode_kemendagri=["3601010001"] * 20 + list(f["kode_kemendagri"][20:])
            ),
            CodeError,
            "mixes code systems",
        ),
        (lambda f: f.iloc[:0], InputError, "no rows"),
    ],
)
def test_bad_csv(tmp_path, mutate, exc, pattern):
    frame, path = _p3ke_csv(tmp_path)
    mutate(frame).to_csv(path, index=False)
    out = tmp_path / "out"
    with pytest.raises(exc, match=pattern) as info:
        aggregate_registry([path], key=KEY, out_dir=out)
    assert not SIXTEEN.search(str(info.value).encode())
    _no_output(out)


def test_flag_variants_are_understood(tmp_path):
    frame, path = _p3ke_csv(tmp_path)
    spellings = ["Ya", "YA", "1", "True", "Tidak", "0", "false", "N"]
    frame["penerima_pkh"] = [spellings[i % 8] for i in range(len(frame))]
    frame.to_csv(path, index=False)
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    assert int(res.counts["persons"].sum()) == len(frame)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (0, "desa_kelurahan"),  # within DuckDB's sniffing sample
        (25_000, "jenis_kelamin"),  # far beyond it, in a column the engine reads
    ],
)
def test_windows_1252_csv_with_semicolons_is_read(tmp_path, row, column):
    per = generate("S", seed=3, scale=0.05)[1]
    frame, _ = export_frame(per, "p3ke")
    assert len(frame) > 25_000
    frame.loc[row, column] = "MA’MUR"  # ’ is byte 0x92 in Windows-1252
    utf8, ansi = tmp_path / "utf8.csv", tmp_path / "excel.csv"
    frame.to_csv(utf8, index=False)
    frame.to_csv(ansi, index=False, sep=";", encoding="cp1252")
    want = aggregate_counts([SourceSpec(str(utf8))], key=KEY)
    got = aggregate_counts([SourceSpec(str(ansi))], key=KEY)
    assert got.sources["encoding"].tolist() == ["cp1252"]
    pd.testing.assert_frame_equal(got.counts, want.counts)
    pd.testing.assert_frame_equal(
        got.quality.drop(columns="file"), want.quality.drop(columns="file")
    )
    broken = tmp_path / "broken.csv"  # 0x81 is no character in Windows-1252 either
    broken.write_bytes(ansi.read_bytes().replace("’".encode("cp1252"), b"\x81"))
    with pytest.raises(InputError, match="CSV UTF-8") as info:
        aggregate_counts([SourceSpec(str(broken))], key=KEY)
    assert not SIXTEEN.search(str(info.value).encode())


def test_empty_and_truncated_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        aggregate_counts([SourceSpec(str(empty))], key=KEY)
    frame, _ = _p3ke_csv(tmp_path)
    full = tmp_path / "full.parquet"
    frame.to_parquet(full)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(InputError, match="truncated") as info:
        aggregate_registry([cut], key=KEY, out_dir=tmp_path / "out")
    assert not SIXTEEN.search(str(info.value).encode())
    _no_output(tmp_path / "out")


def test_unknown_style_needs_mapping(tmp_path):
    frame = pd.DataFrame(
        {
            "NIK_ART": ["3601011508950123"] * 12,
            "kk": ["3601010101200001"] * 12,
            "kd": ["3601012001"] * 12,
            "d": ["1"] * 12,
        }
    )
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(SchemaError, match="cannot tell which registry") as info:
        aggregate_counts([SourceSpec(str(path))], key=KEY)
    assert "3601011508950123" not in str(info.value)
    spec = SourceSpec(
        str(path),
        style="custom",
        mapping={"nik": "NIK_ART", "no_kk": "kk", "kode_desa": "kd", "desil": "d"},
    )
    res = aggregate_counts([spec], key=KEY)
    assert int(res.counts["families"].sum()) == 1
    got = res.quality.groupby("problem")["rows"].sum()
    assert got["nik_duplicate_in_family"] == 12


def test_nik_rules_by_example(tmp_path):
    niks = {
        "3601011508950123": "valid",
        "3601015508950123": "valid",  # woman, day + 40
        "3601013102950123": "nik_invalid_birth_date",  # 31 February
        "3601011508950000": "nik_invalid_serial",
        "9999999999999999": "nik_placeholder",
        "1234567890123456": "nik_placeholder",
        "9901011508950123": "nik_unknown_province",
        "3600011508950123": "nik_invalid_region",
        "3.60101E+15": "nik_scientific_notation",
        "3601011508950124.0": "nik_float_text",
        "360101150895012": "nik_wrong_length",
        "NIK BELUM ADA": "nik_missing",
        "3601991508950125": "nik_prefix_not_in_2025_table",
    }
    n = len(niks)
    frame = pd.DataFrame(
        {
            "id_keluarga_p3ke": [f"F{i}" for i in range(n)],
            "nik": list(niks),
            "no_kk": ["3601010101209001"] * n,
            "kode_kemendagri": ["3601012001"] * n,
            "desil_kesejahteraan": ["1"] * n,
            "jenis_kelamin": [
                "Perempuan" if k[6] in "4567" else "Laki-laki" for k in niks
            ],
        }
    )
    path = tmp_path / "rules.csv"
    frame.to_csv(path, index=False)
    res = aggregate_counts([SourceSpec(str(path), style="p3ke")], key=KEY)
    got = res.quality.groupby("problem")["rows"].sum().to_dict()
    for status in set(niks.values()) - {"valid"}:
        assert got.get(status) == list(niks.values()).count(status), status
    assert int(res.counts["persons"].sum()) == n


def _problems(res) -> dict[str, int]:
    """Rows per problem, without the columns the tiny files leave out."""
    q = res.quality[res.quality["problem"] != "column_absent"]
    return q.groupby("problem")["rows"].sum().to_dict()


def _tiny_p3ke(tmp_path: Path, **columns: list[str]) -> Path:
    n = len(next(iter(columns.values())))
    base = {
        "id_keluarga_p3ke": [f"F{i}" for i in range(n)],
        "nik": [f"36010115089501{i + 10:02d}" for i in range(n)],
        "no_kk": ["3601010101209001"] * n,
        "kode_kemendagri": ["3601012001"] * n,
        "desil_kesejahteraan": ["1"] * n,
        "jenis_kelamin": ["Laki-laki"] * n,
    }
    path = tmp_path / "tiny.csv"
    pd.DataFrame({**base, **columns}).to_csv(path, index=False)
    return path


def test_blanks_are_trimmed_and_separators_counted(tmp_path):
    niks = [
        " 3601011508950123 ",  # blanks around: trimmed silently
        "3601 0115 0895 0124",  # separators: removed and counted
        "3601-0115-0895-0125",
        "3601011508950126",
    ]
    path = _tiny_p3ke(tmp_path, nik=niks)
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    assert _problems(res) == {"nik_separators_removed": 2}


def test_family_split_across_desa_is_counted_once_and_reported(tmp_path):
    path = _tiny_p3ke(
        tmp_path,
        id_keluarga_p3ke=["F1", "F1", "F1", "F2"],
        kode_kemendagri=["3601012002", "3601012001", "3601012002", "3601012002"],
    )
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    c = res.counts.set_index("kode_desa")
    assert c.loc["3601012001", ["families", "persons"]].tolist() == [1, 3]
    assert c.loc["3601012002", ["families", "persons"]].tolist() == [1, 1]
    assert _problems(res) == {"family_split_across_desa": 3}


def test_no_kk_stands_in_for_a_missing_family_id(tmp_path):
    path = _tiny_p3ke(
        tmp_path,
        id_keluarga_p3ke=["F1", "F1", None, None, None],
        no_kk=["3601010101209001"] * 2 + ["3601010101209002"] * 2 + ["360101010120900"],
    )
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    # F1; the two persons of KK ...9002; a person with neither a family id
    # nor a valid KK is a family of their own, and reported
    assert int(res.counts["families"].sum()) == 3
    assert int(res.counts["persons"].sum()) == 5
    assert _problems(res) == {"family_id_missing": 1}


def test_source_label_is_data_not_sql(tmp_path):
    path = _tiny_p3ke(tmp_path, nik=["3601011508950123", "3601011508950124"])
    res = aggregate_counts([SourceSpec(str(path), sumber="dinsos' kab")], key=KEY)
    assert res.sources["sumber"].tolist() == ["DINSOS' KAB"]
    assert int(res.counts["persons"].sum()) == 2


def test_flag_spellings_are_read_once_and_checked_first(tmp_path):
    path = _tiny_p3ke(tmp_path, penerima_pkh=["Ya", "it's", "TIDAK", "1"])
    with pytest.raises(SchemaError, match=r"not understood: \[\"it's\"\]"):
        aggregate_counts([SourceSpec(str(path))], key=KEY)
    many = [f"v{i}" for i in range(300)]
    path = _tiny_p3ke(tmp_path, penerima_pkh=many)
    with pytest.raises(SchemaError, match="more than 200 different values"):
        aggregate_counts([SourceSpec(str(path))], key=KEY)
    path = _tiny_p3ke(tmp_path, penerima_pkh=[" ya ", "Tidak ", "", "TRUE"])
    res = aggregate_counts([SourceSpec(str(path))], key=KEY)
    assert int(res.counts["pkh_families"].sum()) == 2


def test_aggregate_writes_everything_without_nik(tmp_path, xs, capfd):
    frame, _ = export_frame(xs[1], "p3ke", dirty=True, seed=5)
    src = tmp_path / "src.csv"
    frame.to_csv(src, index=False)
    out = tmp_path / "out"
    res = aggregate_registry([src], key=KEY, out_dir=out, formats=("csv", "parquet"))
    assert len(res.paths) == 9  # 3 levels x 2 formats, kombinasi, quality, metadata
    for path in out.iterdir():
        assert not SIXTEEN.search(path.read_bytes()), path.name
    captured = capfd.readouterr()
    assert not SIXTEEN.search((captured.out + captured.err).encode())
    with pytest.raises(Exception, match="sudah ada"):
        aggregate_registry([src], key=KEY, out_dir=out)


def test_rates_carry_numerators_and_roll_up_from_counts(xs_counts):
    from geo_priority.microdata.api import area_tables

    tables, rates = area_tables(xs_counts.counts, max_desil=4, threshold=10)
    kec = tables["kecamatan"].iloc[0]
    desa = xs_counts.counts
    assert kec["families"] == desa["families"].sum()
    ex = kec["exclusion_error"]
    assert ex == round(kec["exclusion_error_num"] / kec["exclusion_error_den"] * 100, 1)
    assert kec["exclusion_error_num"] == desa["target_excluded_families"].sum()
    assert {r.key for r in rates} >= {
        "desil1_share",
        "exclusion_error",
        "inclusion_error",
    }
    exact = (
        kec["coverage_any_num"] / kec["coverage_any_den"]
        - kec["coverage_nontarget_num"] / kec["coverage_nontarget_den"]
    )
    assert kec["targeting_differential"] == round(exact * 100, 1)


def test_progress_of_a_long_read_goes_to_stderr_only(capfd):
    from geo_priority.microdata import load
    from geo_priority.microdata import sql as engine_sql

    with engine_sql.connection("500MB", None, True) as con:
        with load.reading(con, "ekspor.csv", True, delay=0.0):
            con.execute(
                "SELECT sum(length(sha256(CAST(range AS VARCHAR)))) FROM range(8000000)"
            ).fetchall()
    out, err = capfd.readouterr()
    assert out == ""  # DuckDB's own bar (stdout) stays off
    assert "ekspor.csv:" in err and "%|" in err
