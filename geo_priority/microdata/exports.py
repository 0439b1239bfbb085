"""Export emulators: write synthetic persons as P3KE-, DTKS- or DTSEN-style files.

Column names and value formats follow REGISTRIES.md §6.4; ``dirty=True``
injects the fault catalogue of §6.5 and returns how many rows got each fault,
so tests can check that ingestion counts them.

Examples
--------
>>> from geo_priority.microdata.synth import generate
>>> _, per = generate("XS", seed=1)
>>> frame, faults = export_frame(per, "p3ke", seed=1)
>>> "kode_kemendagri" in frame.columns and faults == {}
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_priority import io, regions
from geo_priority.errors import ConfigError, InputError
from geo_priority.io import registry
from geo_priority.microdata import faults as fault_catalogue
from geo_priority.microdata import synth, texts
from geo_priority.microdata.faults import FAULT_RATES

__all__ = [
    "FAULT_RATES",
    "STYLES",
    "export_family_frame",
    "export_frame",
    "write_synthetic",
]

STYLES: tuple[str, ...] = ("p3ke", "dtks", "dtsen", "canonical")
FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx")
_YES_NO = {
    "p3ke": ("Ya", "Tidak"),
    "dtks": ("1", "0"),
    "dtsen": ("1", "0"),
}
_YES_NO_VARIANTS = (("YA", "TIDAK"), ("ya", "tidak"), ("True", "False"), ("Y", "N"))
_HUBKEL = {
    "KEPALA_KELUARGA": "1",
    "ISTRI_SUAMI": "2",
    "ANAK": "3",
    "ORANG_TUA_MERTUA": "6",
    "CUCU": "5",
}


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise ConfigError(f"{what} {value!r} is unknown; choose one of: {allowed}.")
    return text


#: The dtype pandas gives a column of texts (made once, to build flags in arrow).
_TEXT = pd.Series(np.array(["x"])).dtype


def _flags(values: pd.Series, yes_no: tuple[str, str]) -> pd.Series:
    """Return ``yes_no[0]`` where ``values`` is true, else ``yes_no[1]``.

    Built by arrow, as pandas would build it from texts (25 times faster for
    the millions of persons of a synthetic tier).
    """
    yes, no = (pa.scalar(text, pa.large_string()) for text in yes_no)
    flags = pc.if_else(pa.array(np.asarray(values.to_numpy(), dtype=bool)), yes, no)
    return pd.Series(pd.array(flags, dtype=_TEXT), index=values.index)


def _names(codes: Iterable[str]) -> dict[str, str]:
    out = {}
    for code in set(codes):
        parsed = regions.parse_code(code, system="kemendagri").code
        out[code] = regions.reference_name(parsed) or ""
    return out


def _kab_label(name: str, variant: int) -> str:
    kind, _, core = name.partition(" ")
    short = "KAB." if kind == "Kabupaten" else "KOTA"
    return (f"{short} {core.upper()}", name, core.upper())[variant]


def _p3ke(
    per: pd.DataFrame, yes_no: tuple[str, str], rng: np.random.Generator, dirty: bool
) -> pd.DataFrame:
    kode = per["kode_desa"]
    # names and labels per distinct desa code, then picked for every person
    desa = pc.dictionary_encode(texts.arrow(kode))
    codes: list[str] = desa.dictionary.to_pylist()
    at = desa.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = _names([c[:4] for c in codes] + [c[:6] for c in codes])
    desa_names = _names([k for k in codes if k[6] in "123"])
    variant = rng.integers(0, 3, len(per)) if dirty else np.zeros(len(per), int)
    labels = [_kab_label(names[c[:4]], v) for v in range(3) for c in codes]
    kab = texts.lookup(labels, variant * len(codes) + at)
    kecamatan = texts.lookup([names[c[:6]].upper() for c in codes], at)
    desa_kelurahan = texts.lookup([desa_names.get(c, "").upper() for c in codes], at)
    born_text = texts.day_text(pd.to_datetime(per["tanggal_lahir"]), "%d/%m/%Y 0:00:00")
    code_format = (
        rng.choice(["plain", "dotted"]) if dirty and rng.random() < 0.1 else ("plain")
    )
    if code_format == "dotted":
        kode = (
            kode.str[:2]
            + "."
            + kode.str[2:4]
            + "."
            + kode.str[4:6]
            + "."
            + kode.str[6:]
        )
    return pd.DataFrame(
        {
            "id_keluarga_p3ke": per["id_keluarga"],
            "id_individu": per["id_individu"],
            "provinsi": "BANTEN",
            "kabupaten_kota": texts.series(kab, per.index, "str"),
            "kecamatan": texts.series(kecamatan, per.index, "str"),
            "desa_kelurahan": texts.series(desa_kelurahan, per.index, "str"),
            "kode_kemendagri": kode,
            "desil_kesejahteraan": per["desil"],
            "nik": per["nik"],
            "no_kk": per["no_kk"],
            "padan_dukcapil": _flags(per["padan_dukcapil"], yes_no),
            "jenis_kelamin": texts.recode(
                per["jenis_kelamin"], {"L": "Laki-laki", "P": "Perempuan"}
            ),
            "hubungan_dengan_kepala_keluarga": per["hubungan_keluarga"],
            "tanggal_lahir": born_text,
            "usia": per["umur"],
            "status_miskin_ekstrem": _flags(per["miskin_ekstrem"], yes_no),
            "penerima_pkh": _flags(per["pkh"], yes_no),
            "penerima_bpnt": _flags(per["sembako_bpnt"], yes_no),
            "penerima_sembako": _flags(per["sembako_bpnt"], yes_no),
            **_income_flags(per, ("penerima_prakerja", "penerima_kur"), yes_no),
            "APBN_JKN_KIS": _flags(per["pbi_jk"], yes_no),
            "APBN_PIP": _flags(per["pip"], yes_no),
            "dana_desa_BLT_DD": _flags(per["blt_dd"], yes_no),
        }
    )


def _dtks(
    per: pd.DataFrame,
    yes_no: tuple[str, str],
    rng: np.random.Generator,
    bps_codes: dict[str, str] | None,
    code_rows: np.ndarray | None,
) -> pd.DataFrame:
    """Write persons as a DTKS/BDT export (BPS codes in KDPROP..KDDESA).

    ``code_rows`` is None for a clean export; in dirty mode it marks the rows
    whose BPS desa code is one the crosswalk does not know. Codes are looked
    up from the clean Kemendagri code first, as a real export holds BPS codes.
    """
    if bps_codes is None:
        raise ConfigError(
            "the DTKS style writes BPS desa codes, so it needs a Kemendagri -> BPS "
            "desa crosswalk. Pass --crosswalk "
            "../shared/data/boundaries/banten_desa_crosswalk_bps2020_kemendagri2025.csv"
        )
    bps = per["kode_desa"].map(bps_codes)
    if bps.isna().any():
        missing = per.loc[bps.isna(), "kode_desa"].unique()[:5].tolist()
        raise ConfigError(f"the crosswalk has no BPS code for desa {missing!r}.")
    bps = bps.astype("string")
    dirty = code_rows is not None
    if code_rows is not None:
        bps = bps.mask(code_rows, fault_catalogue.unknown_bps_desa(bps))
    lost_zeros = dirty and rng.random() < 0.05
    kec = bps.str[4:7].astype(int).astype("string") if lost_zeros else bps.str[4:7]
    return pd.DataFrame(
        {
            "IDBDT": per["id_keluarga"].str.replace("P3KE", "DTKS", regex=False),
            "IDARTBDT": per["id_individu"].str.replace("P3KE", "DTKS", regex=False),
            "KDPROP": bps.str[:2],
            "KDKAB": bps.str[2:4],
            "KDKEC": kec,
            "KDDESA": bps.str[7:10],
            "NIK": per["nik"],
            "NoKK": per["no_kk"],
            "JnsKel": per["jenis_kelamin"].map({"L": "1", "P": "2"}),
            "TglLahir": pd.to_datetime(per["tanggal_lahir"]).dt.strftime("%Y-%m-%d"),
            "Umur": per["umur"],
            "Hubkel": per["hubungan_keluarga"].map(_HUBKEL),
            "percentile": per["persentil"],
            "Ada_pkh": _flags(per["pkh"], yes_no),
            "Ada_BPNT": _flags(per["sembako_bpnt"], yes_no),
            "Ada_pbi": _flags(per["pbi_jk"], yes_no),
            "Ada_kip": _flags(per["pip"], yes_no),
        }
    )


def _dtsen(
    per: pd.DataFrame, yes_no: tuple[str, str], rng: np.random.Generator, dirty: bool
) -> pd.DataFrame:
    kode = per["kode_desa"]
    dotted = (
        kode.str[:2] + "." + kode.str[2:4] + "." + kode.str[4:6] + "." + kode.str[6:]
    )
    return pd.DataFrame(
        {
            "id_keluarga": per["id_keluarga"].str.replace("P3KE", "DTSEN", regex=False),
            "no_kk": per["no_kk"],
            "nik": per["nik"],
            "kode_desa": dotted.where(kode.str[6].isin(["1", "2", "3"]), kode),
            "desil_nasional": per["desil"],
            "persentil": per["persentil"],
            "jenis_kelamin": per["jenis_kelamin"],
            "status_hubungan_keluarga": per["hubungan_keluarga"],
            "tanggal_lahir": pd.to_datetime(per["tanggal_lahir"]).dt.strftime(
                "%Y-%m-%d"
            ),
            "umur": per["umur"],
            "miskin_ekstrem": _flags(per["miskin_ekstrem"], yes_no),
            "pkh": _flags(per["pkh"], yes_no),
            "bpnt": _flags(per["sembako_bpnt"], yes_no),
            "blt_dd": _flags(per["blt_dd"], yes_no),
            "pbi_nas": _flags(per["pbi_jk"], yes_no),
            **_income_flags(per, ("prakerja", "kur"), yes_no),
            "pbi_pemda": yes_no[1],
            "pip": _flags(per["pip"], yes_no),
            "padan_dukcapil": _flags(per["padan_dukcapil"], yes_no),
        }
    )


def export_frame(
    persons: pd.DataFrame,
    style: str,
    *,
    dirty: bool = False,
    seed: int = 0,
    bps_codes: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Rename and reformat canonical persons to a source style.

    Parameters
    ----------
    persons : pandas.DataFrame
        Canonical ``individu`` rows from :func:`synth.generate`.
    style : {"p3ke", "dtks", "dtsen", "canonical"}
        The export to emulate.
    dirty : bool
        Inject the §6.5 fault catalogue.
    seed : int
        Seed of the fault injection and file-level format choices.
    bps_codes : dict, optional
        Kemendagri -> BPS desa codes (10 digits each); needed by ``"dtks"``.

    Returns
    -------
    frame : pandas.DataFrame
        The export.
    faults : dict
        Number of rows that got each fault (empty when clean).

    Raises
    ------
    ConfigError
        When the style is unknown or DTKS has no crosswalk.
    """
    style = _choice(style, STYLES, "export style")
    rng = np.random.default_rng([seed, 65])
    faults: dict[str, int] = {}
    code_rows = None
    if dirty:
        injected = fault_catalogue.inject(persons, rng, style)
        persons, faults = injected.persons, injected.counts
        code_rows = injected.code_rows
    if style == "canonical":
        return persons.reset_index(drop=True), faults
    yes_no = _YES_NO[style]
    if dirty and rng.random() < 0.2:
        yes_no = _YES_NO_VARIANTS[rng.integers(0, len(_YES_NO_VARIANTS))]
    if style == "p3ke":
        frame = _p3ke(persons, yes_no, rng, dirty)
    elif style == "dtks":
        frame = _dtks(persons, yes_no, rng, bps_codes, code_rows)
    else:
        frame = _dtsen(persons, yes_no, rng, dirty)
    return frame.reset_index(drop=True), faults


def _income_flags(
    per: pd.DataFrame, names: tuple[str, str], yes_no: tuple[str, str]
) -> dict[str, pd.Series]:
    """Return the synthetic income-programme flags (Prakerja, KUR), if any."""
    return {
        name: _flags(per[field], yes_no)
        for name, field in zip(names, ("prakerja", "kur"), strict=True)
        if field in per.columns
    }


#: Person-only columns dropped from a family (keluarga / KK) export.
_PERSON_ONLY = {
    "p3ke": (
        "id_individu",
        "hubungan_dengan_kepala_keluarga",
        "usia",
        "no_kk",
        "APBN_JKN_KIS",
        "APBN_PIP",
    ),
    "dtsen": ("status_hubungan_keluarga", "umur", "pbi_nas", "pbi_pemda", "pip"),
}
_HOUSING = ("MILIK_SENDIRI", "SEWA_KONTRAK", "BEBAS_SEWA", "DINAS", "LAINNYA")


def export_family_frame(
    families: pd.DataFrame,
    persons: pd.DataFrame,
    style: str,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Write families as a family-level (keluarga / KK) export of ``style``.

    One row per family with the head's columns: P3KE's keluarga file (no
    member count, no KK number; housing columns), DTSEN's KK file (with
    ``jumlah_anggota_keluarga``) or the canonical ``keluarga`` table.

    Parameters
    ----------
    families, persons : pandas.DataFrame
        Canonical tables from :func:`synth.generate`.
    style : {"p3ke", "dtsen", "canonical"}
        The export to emulate (DTKS family files are not emulated).
    seed : int
        Seed of the housing columns.

    Raises
    ------
    ConfigError
        For DTKS or an unknown style.
    """
    style = _choice(style, ("p3ke", "dtsen", "canonical"), "family export style")
    if style == "canonical":
        return families.reset_index(drop=True)
    rng = np.random.default_rng([seed, 66])
    heads = persons.drop_duplicates("id_keluarga").reset_index(drop=True)
    if "prakerja" in families.columns:  # a family flag: any member's
        per_family = families.set_index("id_keluarga")["prakerja"]
        heads["prakerja"] = heads["id_keluarga"].map(per_family).to_numpy(bool)
    yes_no = _YES_NO[style]
    frame = (
        _p3ke(heads, yes_no, rng, False)
        if style == "p3ke"
        else _dtsen(heads, yes_no, rng, False)
    )
    frame = frame.drop(columns=list(_PERSON_ONLY[style]))
    if style == "p3ke":
        frame["kepemilikan_rumah"] = rng.choice(_HOUSING, len(frame))
    else:
        size = families.set_index("id_keluarga")["jumlah_anggota"]
        frame["jumlah_anggota_keluarga"] = heads["id_keluarga"].map(size).to_numpy()
    return frame


_XLSX_MAX_ROWS = 1_048_575


def _write_xlsx(chunks: Iterable[pd.DataFrame], path: Path, per_kecamatan: bool) -> int:
    frame = pd.concat(list(chunks), ignore_index=True)
    if len(frame) > _XLSX_MAX_ROWS and not per_kecamatan:
        raise ConfigError(
            f"{len(frame):,} rows do not fit one XLSX sheet (max {_XLSX_MAX_ROWS:,}). "
            "Use --format parquet or csv, or --sheet-per-kecamatan."
        )
    if not per_kecamatan:
        return registry.write_xlsx({"individu": frame}, path)
    kec = _kecamatan_of(frame)
    sheets = {str(name): part for name, part in frame.groupby(kec, sort=True)}
    return registry.write_xlsx(sheets, path)


def _kecamatan_of(frame: pd.DataFrame) -> pd.Series:
    for column in ("kecamatan", "KDKEC"):
        if column in frame.columns:
            return frame[column].astype("string")
    code = next(c for c in ("kode_desa", "kode_kemendagri") if c in frame.columns)
    return frame[code].astype("string").str.replace(".", "", regex=False).str[:6]


def write_synthetic(
    out_dir: str | os.PathLike[str],
    *,
    tier: str = "XS",
    style: str = "p3ke",
    fmt: str = "parquet",
    seed: int = 0,
    dirty: bool = False,
    scale: float = 1.0,
    sheet_per_kecamatan: bool = False,
    bps_codes: dict[str, str] | None = None,
    overwrite: bool = False,
    progress: bool = False,
    level: str = "individu",
) -> tuple[Path, int, dict[str, int]]:
    """Generate a tier and write it as one export file, chunk by chunk.

    Parameters
    ----------
    out_dir : path-like
        Folder of the file ``<style>_<tier>_<level>.<fmt>``.
    tier, seed, scale
        As :func:`synth.iter_chunks`.
    style, dirty, bps_codes
        As :func:`export_frame`.
    fmt : {"parquet", "csv", "xlsx"}
        File format (XLSX only for tiers that fit a sheet).
    sheet_per_kecamatan : bool
        XLSX only: one sheet per kecamatan, as some P3KE exports come.
    overwrite : bool
        Replace an existing file.
    progress : bool
        Show a progress bar over the kab/kota chunks.
    level : {"individu", "keluarga"}
        One row per person, or one per family (:func:`export_family_frame`;
        no dirty mode).

    Returns
    -------
    path : Path
        The file written.
    rows : int
        Number of rows (persons or families).
    faults : dict
        Injected fault counts (dirty mode).

    Raises
    ------
    ConfigError
        For an unknown tier, style or format.
    OutputExistsError
        When the file exists and ``overwrite`` is False.
    """
    from tqdm import tqdm

    fmt = _choice(fmt, FORMATS, "format")
    style = _choice(style, STYLES, "export style")
    spec = synth._tier(tier)
    level = _choice(level, ("individu", "keluarga"), "export level")
    if level == "keluarga" and (dirty or style == "dtks"):
        raise ConfigError(
            "family (keluarga) exports are emulated for p3ke, dtsen and canonical, "
            "without dirty mode; drop --dirty or write the individu table."
        )
    path = Path(out_dir) / f"{style}_{spec.name}_{level}.{fmt}"
    faults: dict[str, int] = {}

    def chunks() -> Iterable[pd.DataFrame]:
        parts = synth.iter_chunks(spec, seed=seed, scale=scale)
        for k, (_, families, persons) in enumerate(
            tqdm(parts, total=len(spec.kabs), disable=not progress, unit="kab")
        ):
            if level == "keluarga":
                yield export_family_frame(families, persons, style, seed=seed * 100 + k)
                continue
            frame, found = export_frame(
                persons, style, dirty=dirty, seed=seed * 100 + k, bps_codes=bps_codes
            )
            for key, value in found.items():
                faults[key] = faults.get(key, 0) + value
            yield frame

    with io.atomic_path(path, overwrite=overwrite) as tmp:
        if fmt == "parquet":
            rows = registry.write_parquet_chunks(chunks(), tmp)
        elif fmt == "csv":
            rows = registry.write_csv_chunks(chunks(), tmp)
        else:
            rows = _write_xlsx(chunks(), tmp, sheet_per_kecamatan)
    # the chunks' Arrow buffers stay cached in Arrow's allocator otherwise,
    # on top of what the aggregation reading the file allocates next
    pa.default_memory_pool().release_unused()
    if rows == 0:
        raise InputError(f"tier {spec.name!r} produced no rows; check scale={scale!r}.")
    return path, rows, faults
