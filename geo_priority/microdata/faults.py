"""The fault catalogue of dirty mode (REGISTRIES.md §6.5), applied to persons.

:func:`inject` corrupts canonical person rows the way real registry exports
are corrupted and returns how many rows got each fault, so tests can check
that ingestion counts every one of them. NIK faults go to disjoint sets of
rows (:data:`FAULT_RATES`); then about 1 % of rows get a bad region code.

Which region-code fault a row gets depends on the export style, because the
fault must be one the style's real exports have:

* styles with a Kemendagri desa column (P3KE, DTSEN, canonical) get a BPS
  code in that column (``kode_desa_bps_in_kemendagri_column``);
* DTKS exports write BPS codes, looked up from the clean Kemendagri code, so
  their faulty rows get a BPS desa code the crosswalk does not know, as a
  desa numbered after the crosswalk's BPS edition would
  (``kode_desa_bps_not_in_crosswalk``, applied by the DTKS emulator).

Examples
--------
>>> per = pd.DataFrame({"nik": ["3601011508950123"], "kode_desa": ["3601012001"],
...                     "no_kk": ["3601010101209001"], "jenis_kelamin": ["L"],
...                     "padan_dukcapil": [True]})
>>> dirty = inject(per, np.random.default_rng(0), "p3ke")
>>> set(FAULT_RATES) < set(dirty.counts)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_priority import regions

__all__ = [
    "BPS_IN_KEMENDAGRI_COLUMN",
    "BPS_NOT_IN_CROSSWALK",
    "FAULT_RATES",
    "MIGRANT_KABKOTA",
    "Injected",
    "inject",
    "other_province_prefixes",
    "unknown_bps_desa",
]

#: Per-row NIK fault rates of dirty mode (REGISTRIES.md §6.5) [A].
FAULT_RATES: dict[str, float] = {
    "nik_zeroed_16th_digit": 0.01,
    "nik_scientific": 0.005,
    "nik_float_text": 0.005,
    "nik_separators": 0.01,
    "nik_wrong_length": 0.003,
    "nik_placeholder": 0.003,
    "nik_equals_no_kk": 0.002,
    "nik_duplicate": 0.005,
    "nik_invalid_birth": 0.002,
    "sex_mismatch": 0.005,
    "nik_missing": 0.01,
    "nik_other_province": 0.005,
}
#: Share of rows whose region code is corrupted.
CODE_FAULT_RATE = 0.01
BPS_IN_KEMENDAGRI_COLUMN = "kode_desa_bps_in_kemendagri_column"
BPS_NOT_IN_CROSSWALK = "kode_desa_bps_not_in_crosswalk"
#: Kab/kota where the NIKs of the ``nik_other_province`` fault were issued:
#: Kota Bandung, Jakarta Selatan, Kota Bandar Lampung (three provinces).
MIGRANT_KABKOTA: tuple[str, ...] = ("32.73", "31.74", "18.71")
#: First serial of those NIKs; clean serials stay below it, so they are unique.
_MIGRANT_SERIAL = 9800
_PLACEHOLDERS = np.array(["0000000000000000", "9999999999999999", "1234567890123456"])
_MISSING = np.array(["", "-", "NIK BELUM ADA"])


@dataclass(frozen=True)
class Injected:
    """Persons after fault injection.

    Attributes
    ----------
    persons : pandas.DataFrame
        The corrupted persons (a copy).
    counts : dict
        Rows per fault.
    code_rows : numpy.ndarray
        Boolean mask of the rows whose region code is to be corrupted; for
        DTKS the emulator applies the fault (:func:`unknown_bps_desa`).
    """

    persons: pd.DataFrame
    counts: dict[str, int]
    code_rows: np.ndarray


def inject(per: pd.DataFrame, rng: np.random.Generator, style: str) -> Injected:
    """Apply the NIK faults, the region-code fault and ``padan_dukcapil = Tidak``.

    Parameters
    ----------
    per : pandas.DataFrame
        Canonical persons (``nik``, ``no_kk``, ``kode_desa``, ``jenis_kelamin``,
        ``padan_dukcapil``).
    rng : numpy.random.Generator
        The export's generator.
    style : str
        The export style; ``"dtks"`` leaves ``kode_desa`` clean (see the module
        docstring).

    Returns
    -------
    Injected
    """
    per, counts = _inject_nik(per, rng)
    n = len(per)
    code_rows = rng.random(n) < CODE_FAULT_RATE
    if style == "dtks":
        counts[BPS_NOT_IN_CROSSWALK] = int(code_rows.sum())
    else:
        per.loc[code_rows, "kode_desa"] = _bps_like(per.loc[code_rows, "kode_desa"])
        counts[BPS_IN_KEMENDAGRI_COLUMN] = int(code_rows.sum())
    padan = rng.random(n) < 0.05
    per.loc[padan, "padan_dukcapil"] = False
    counts["padan_dukcapil_tidak"] = int(padan.sum())
    return Injected(per, counts, code_rows)


def unknown_bps_desa(bps: pd.Series) -> pd.Series:
    """Return BPS desa codes (10 digits) renumbered beyond any BPS 2020 desa.

    The desa part becomes ``9xx``; BPS numbers desa within a kecamatan from
    ``001`` up, and no Banten kecamatan has more than 40.

    Examples
    --------
    >>> unknown_bps_desa(pd.Series(["3601010001"])).tolist()
    ['3601010901']
    """
    return bps.str[:7] + "9" + bps.str[8:10]


def _inject_nik(
    per: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Apply the row-level NIK faults to disjoint sets of rows."""
    per = per.copy()
    nik = per["nik"].astype(object).to_numpy().copy()
    n = len(nik)
    u = rng.random(n)
    edges = np.cumsum(list(FAULT_RATES.values()))
    which = np.searchsorted(edges, u, side="right")
    counts: dict[str, int] = {}
    for i, name in enumerate(FAULT_RATES):
        rows = np.flatnonzero(which == i)
        counts[name] = len(rows)
        if len(rows):
            nik[rows] = _fault(name, nik[rows], per.iloc[rows], per, rng)
            if name == "sex_mismatch":
                sex = per["jenis_kelamin"].to_numpy().copy()
                sex[rows] = np.where(sex[rows] == "L", "P", "L")
                per["jenis_kelamin"] = sex
    per["nik"] = pd.Series(nik, index=per.index, dtype="string")
    return per, counts


def _fault(
    name: str,
    nik: np.ndarray,
    rows: pd.DataFrame,
    per: pd.DataFrame,
    rng: np.random.Generator,
) -> np.ndarray:
    """Return the NIKs of ``rows`` with the fault ``name``."""
    s = pd.Series(nik, dtype="string")
    n = len(s)
    half = rng.random(n) < 0.5
    if name == "nik_zeroed_16th_digit":
        out = s.str[:15] + "0"
    elif name == "nik_scientific":
        out = s.str[0] + "." + s.str[1:6] + "E+15"
    elif name == "nik_float_text":
        out = s + ".0"
    elif name == "nik_separators":
        spaced = s.str[:4] + " " + s.str[4:8] + " " + s.str[8:12] + " " + s.str[12:]
        out = spaced.where(half, " " + s + " ")
    elif name == "nik_wrong_length":
        out = s.str[:15].where(half, s + "1")
    elif name == "nik_placeholder":
        out = pd.Series(rng.choice(_PLACEHOLDERS, n), dtype="string")
    elif name == "nik_equals_no_kk":
        out = pd.Series(rows["no_kk"].to_numpy(), dtype="string")
    elif name == "nik_duplicate":
        out = pd.Series(per["nik"].to_numpy()[rng.integers(0, len(per), n)])
    elif name == "nik_invalid_birth":
        out = (s.str[:6] + "32" + s.str[8:]).where(half, s.str[:8] + "13" + s.str[10:])
    elif name == "nik_missing":
        out = pd.Series(rng.choice(_MISSING, n), dtype="string")
    elif name == "nik_other_province":
        out = _migrant_niks(s, rows["kode_desa"], rng)
    else:
        out = s
    return np.asarray(out.astype(object).to_numpy())


def _migrant_niks(
    nik: pd.Series, kode_desa: pd.Series, rng: np.random.Generator
) -> pd.Series:
    """Return valid NIKs issued in another province than the person's desa.

    The birth date and sex (digits 7-12) are kept; the serial is 98xx, above
    every clean serial, so the NIK stays unique.
    """
    prefix = other_province_prefixes(kode_desa.astype(str).to_numpy(), rng)
    serial = pd.Series(_MIGRANT_SERIAL + rng.integers(0, 100, len(nik)))
    return (
        pd.Series(prefix, dtype="string")
        + nik.str[6:12].reset_index(drop=True)
        + serial.map("{:04d}".format).astype("string")
    )


def other_province_prefixes(
    kode_desa: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Return a 6-digit 2025 kecamatan code in another province for each desa.

    Parameters
    ----------
    kode_desa : numpy.ndarray
        Undotted Kemendagri desa codes (text).
    rng : numpy.random.Generator
        Draws the kab/kota of :data:`MIGRANT_KABKOTA` and the kecamatan.

    Returns
    -------
    numpy.ndarray
        Text prefixes whose province differs from each desa's.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> out = other_province_prefixes(np.array(["3273012001"]), rng)
    >>> out[0][:2] != "32" and len(out[0]) == 6
    True
    """
    pools = [_kecamatan_prefixes(k) for k in MIGRANT_KABKOTA]
    own = np.array([str(k)[:2] for k in kode_desa])
    pick = rng.integers(0, len(pools), len(own))
    same = np.array([p[0][:2] for p in pools])[pick] == own
    pick = np.where(same, (pick + 1) % len(pools), pick)
    draw = rng.random(len(own))
    sizes = np.array([len(p) for p in pools])[pick]
    index = (draw * sizes).astype(int)
    return np.array([pools[p][i] for p, i in zip(pick, index, strict=True)])


def _kecamatan_prefixes(kabkota: str) -> list[str]:
    """Undotted 2025 kecamatan codes of a kab/kota (e.g. ``32.73``)."""
    codes = regions.reference_areas("kecamatan", within=kabkota)["code"]
    return [str(c).replace(".", "") for c in codes]


def _bps_like(kode: pd.Series) -> pd.Series:
    """Return an illustrative BPS-style desa code (7th digit 0, never Kemendagri)."""
    kec = kode.str[4:6].astype(int) * 10
    return kode.str[:4] + kec.map("{:03d}".format).astype("string") + kode.str[7:10]
