"""Synthetic social-registry generator (REGISTRIES.md §6), Banten profile.

Families and persons are drawn with numpy from a seed, one kab/kota chunk at a
time (each chunk has its own derived seed), on the real Kepmendagri 2025 desa
codes. Welfare deciles vary by desa (Dirichlet random effect), programme
receipt depends on the decile with a desa-level administrative effect, and
about 5 % of desa are "forgotten" (all receipt shifted down), so maps show
real spatial structure. Synthetic NIKs follow the NIK layout with real region
prefixes but random dates and serials; no real names or NIKs are produced.

Examples
--------
>>> fam, per = generate("XS", seed=1)
>>> bool((per["nik"].str.len() == 16).all()) and fam["kode_kec"].nunique() == 1
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_priority import regions
from geo_priority.errors import ConfigError
from geo_priority.microdata import texts

__all__ = [
    "KAB_PROFILES",
    "PROGRAMMES",
    "TIERS",
    "KabProfile",
    "Tier",
    "generate",
    "iter_chunks",
]

REFERENCE_DATE = dt.date(2023, 6, 30)
PERIODE = "2023-06"
CODE_EDITION = "kepmendagri-300.2.2-2138-2025"
#: Programme flags of the canonical schema: family-level first, then personal.
PROGRAMMES: tuple[str, ...] = ("pkh", "sembako_bpnt", "blt_dd", "pbi_jk", "pip")


@dataclass(frozen=True)
class KabProfile:
    """Calibration of one kab/kota (REGISTRIES.md §6.3)."""

    kode: str
    population: int
    p3ke_share: float
    desil_mix: tuple[float, float, float, float]
    extreme_share: float


#: Per-kab parameters; population Dukcapil Dec 2024, shares and mixes [A].
KAB_PROFILES: tuple[KabProfile, ...] = (
    KabProfile("3601", 1_437_046, 0.47, (0.34, 0.27, 0.21, 0.18), 0.0130),
    KabProfile("3602", 1_531_564, 0.45, (0.33, 0.27, 0.22, 0.18), 0.0080),
    KabProfile("3603", 3_459_706, 0.30, (0.22, 0.25, 0.26, 0.27), 0.0090),
    KabProfile("3604", 1_791_795, 0.35, (0.27, 0.26, 0.24, 0.23), 0.0110),
    KabProfile("3671", 1_957_349, 0.22, (0.16, 0.23, 0.28, 0.33), 0.0085),
    KabProfile("3672", 480_378, 0.25, (0.18, 0.24, 0.27, 0.31), 0.0095),
    KabProfile("3673", 759_929, 0.30, (0.22, 0.25, 0.26, 0.27), 0.0100),
    KabProfile("3674", 1_463_607, 0.12, (0.12, 0.20, 0.30, 0.38), 0.0085),
)


@dataclass(frozen=True)
class Tier:
    """A benchmark tier (REGISTRIES.md §6.6)."""

    name: str
    kabs: tuple[str, ...]
    kecamatan: str | None
    dtsen: bool
    scale: float


TIERS: dict[str, Tier] = {
    "XS": Tier("XS", ("3601",), "36.01.01", False, 1.0),
    "S": Tier("S", ("3601",), None, False, 1.0),
    "M": Tier("M", tuple(p.kode for p in KAB_PROFILES), None, False, 1.0),
    "L": Tier("L", tuple(p.kode for p in KAB_PROFILES), None, True, 1.0),
}

_LAMBDA = np.array([4.2, 3.6, 3.2, 2.9, 2.4, 2.4, 2.4, 2.4, 2.4, 2.4])
# Receipt probability by desil 1..4 and 5+ (REGISTRIES.md §6.3).
_RECEIPT = {
    "pkh": (0.45, 0.30, 0.18, 0.10, 0.02),
    "sembako_bpnt": (0.60, 0.45, 0.30, 0.18, 0.04),
    "pbi_jk": (0.75, 0.65, 0.55, 0.45, 0.15),
    "blt_dd": (0.15, 0.10, 0.06, 0.04, 0.01),
    "pip": (0.40, 0.30, 0.20, 0.12, 0.03),
}
#: Income programmes of P3KE 2023 (``penerima_prakerja``, ``penerima_kur``),
#: SYNTHETIC rates [A]: the share of families by desil 1..4 and 5+ with a
#: member in Kartu Prakerja (one adult aged 18-64 is drawn) or a KUR loan.
#: Neither is calibrated on a published figure; they only give the graduation
#: gap something to count. Drawn from their own random stream, so adding
#: them changed no other synthetic value.
_INCOME = {
    "prakerja": (0.03, 0.04, 0.05, 0.06, 0.05),
    "kur": (0.02, 0.03, 0.04, 0.06, 0.08),
}
_HUBUNGAN = np.array(
    ["KEPALA_KELUARGA", "ISTRI_SUAMI", "ANAK", "ORANG_TUA_MERTUA", "CUCU"]
)
_XS_FAMILIES = 1500


def _profile(kode: str) -> KabProfile:
    return next(p for p in KAB_PROFILES if p.kode == kode)


def _chunk_seed(seed: int, kode: str) -> np.random.Generator:
    return np.random.default_rng([seed, int(kode)])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def _expit(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _desa_table(kab: str, kecamatan: str | None) -> pd.DataFrame:
    within = kecamatan or f"{kab[:2]}.{kab[2:]}"
    desa = regions.reference_areas("desa", within=within)
    codes = desa["code"].str.replace(".", "", regex=False).astype(str)
    return pd.DataFrame({"kode_desa": codes.to_numpy(), "nama": desa["name"]})


def _families_for(profile: KabProfile, tier: Tier, n_desa: int) -> int:
    if tier.kecamatan is not None:
        return _XS_FAMILIES
    if tier.dtsen:
        return round(profile.population / 3.55 * tier.scale)
    return round(profile.population * profile.p3ke_share / 4.45 * tier.scale)


def _desil_mix(profile: KabProfile, dtsen: bool) -> np.ndarray:
    low = np.array(profile.desil_mix)
    if not dtsen:
        return low
    # Families, not persons: poorer families are larger, so scale by 1/size.
    share = profile.p3ke_share
    mix = np.concatenate([low * share, np.full(6, (1 - share) / 6)]) / _LAMBDA
    return np.asarray(mix / mix.sum())


def _allocate(rng: np.random.Generator, desa: pd.DataFrame, n: int) -> np.ndarray:
    """Return the desa index of each of ``n`` families."""
    is_desa = desa["kode_desa"].str[6].to_numpy() == "2"
    weight = rng.gamma(2.0, size=len(desa)) * np.where(is_desa, 1.3, 0.8)
    counts = rng.multinomial(n, weight / weight.sum())
    return np.repeat(np.arange(len(desa)), counts)


def _draw_desil(
    rng: np.random.Generator, mix: np.ndarray, desa_idx: np.ndarray, n_desa: int
) -> np.ndarray:
    probs = rng.dirichlet(mix * 20.0, size=n_desa)
    cum = np.cumsum(probs, axis=1)[desa_idx]
    u = rng.random(len(desa_idx))[:, None]
    return np.asarray(np.minimum((u > cum).sum(axis=1) + 1, len(mix)).astype(np.int8))


@dataclass
class _Fam:
    """Family-level arrays of one chunk."""

    desa_idx: np.ndarray
    desil: np.ndarray
    size: np.ndarray
    admin: np.ndarray
    forgotten: np.ndarray


def _families(
    rng: np.random.Generator, profile: KabProfile, tier: Tier, desa: pd.DataFrame
) -> _Fam:
    n = _families_for(profile, tier, len(desa))
    desa_idx = _allocate(rng, desa, n)
    desil = _draw_desil(rng, _desil_mix(profile, tier.dtsen), desa_idx, len(desa))
    size = np.minimum(1 + rng.poisson(_LAMBDA[desil - 1]), 15).astype(np.int8)
    admin = rng.normal(0.0, 0.5, size=len(desa))
    forgotten = rng.random(len(desa)) < 0.05
    return _Fam(desa_idx, desil, size, admin, forgotten)


def _members(rng: np.random.Generator, fam: _Fam) -> pd.DataFrame:
    """One row per person: family index, role, sex, age."""
    fidx = np.repeat(np.arange(len(fam.size)), fam.size)
    starts = np.cumsum(fam.size) - fam.size
    pos = np.arange(len(fidx)) - starts[fidx]
    n = len(fam.size)
    spouse = rng.random(n) < 0.80
    head_age = np.clip(rng.normal(46, 12, n), 20, 90).astype(int)
    male_head = rng.random(n) < np.where(fam.desil == 1, 0.80, 0.86)
    role = np.where(pos == 0, 0, 2)
    role = np.where((pos == 1) & spouse[fidx], 1, role)
    last = pos == fam.size[fidx] - 1
    extra = rng.random(len(fidx))
    role = np.where((role == 2) & last & (extra < 0.10), 3, role)
    role = np.where((role == 2) & last & (extra >= 0.10) & (extra < 0.18), 4, role)
    ha = head_age[fidx]
    age = np.select(
        [role == 0, role == 1, role == 3, role == 4],
        [ha, ha + rng.normal(-3, 4, len(fidx)), ha + 26, rng.integers(0, 8, len(fidx))],
        default=rng.random(len(fidx)) * np.maximum(ha - 18, 1),
    )
    age = np.clip(age, 0, 100).astype(np.int16)
    mh = male_head[fidx]
    male = np.select(
        [role == 0, role == 1], [mh, ~mh], default=rng.random(len(fidx)) < 0.508
    )
    return pd.DataFrame({"fidx": fidx, "role": role, "male": male, "umur": age})


def _birth_dates(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    ref = np.datetime64(REFERENCE_DATE.isoformat())
    days = age.astype(np.int64) * 365 + rng.integers(0, 365, len(age))
    born = ref - days.astype("timedelta64[D]")
    years = born.astype("datetime64[Y]")
    heap = (years < np.datetime64("1970", "Y")) & (rng.random(len(age)) < 0.20)
    pick = rng.random(len(age))
    offset = np.where(pick < 0.5, 0, np.where(pick < 0.8, 364, 181))
    heaped = years.astype("datetime64[D]") + offset.astype("timedelta64[D]")
    return np.where(heap, heaped, born).astype("datetime64[D]")


def _serials(rng: np.random.Generator, key: np.ndarray) -> np.ndarray:
    """Draw serials ``1 + Geometric(0.35)``, unique within each ``key`` group."""
    g = rng.geometric(0.35, len(key)).astype(np.int64)
    order = np.lexsort((g, key))
    ks, gs = key[order], g[order]
    start = np.r_[True, ks[1:] != ks[:-1]]
    group = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    i = np.arange(len(ks)) - first[group]
    shifted = _running_max(gs - i, group)
    out = np.empty_like(g)
    out[order] = i + shifted
    return out


def _running_max(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Return the running maximum of ``values`` within each group.

    ``group`` numbers runs of rows 0, 1, 2, ... in order (as
    ``groupby(group).cummax()``): each group is lifted above every value of
    the groups before it, so one running maximum over all rows restarts at
    each group.

    Examples
    --------
    >>> _running_max(np.array([3, 1, 4, 1, 0, 2]), np.array([0, 0, 0, 1, 1, 1]))
    array([3, 3, 4, 1, 1, 2])
    """
    if not len(values):
        return values
    span = int(values.max()) - int(values.min()) + 1
    lift = group.astype(np.int64) * span
    return np.asarray(np.maximum.accumulate(values + lift) - lift)


def _kec_codes(within: str) -> np.ndarray:
    kec = regions.reference_areas("kecamatan", within=within)["code"]
    return np.asarray(kec.str.replace(".", "", regex=False).astype(int).to_numpy())


def _legacy_prefix(kab: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Prefixes absent from the 2025 table (parent-kab codes for the new kota)."""
    parent = {"3673": "3604", "3674": "3603"}.get(kab, kab)
    top = _kec_codes(f"{parent[:2]}.{parent[2:]}").max() % 100
    return np.asarray(int(parent) * 100 + top + rng.integers(1, 4, n))


def _prefixes(
    rng: np.random.Generator, own_kec: np.ndarray, kab: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return the NIK prefix of each person and whether it is from another chunk."""
    n = len(own_kec)
    same_kab = _kec_codes(f"{kab[:2]}.{kab[2:]}")
    others = np.concatenate(
        [
            *(_kec_codes(f"36.{p.kode[2:]}") for p in KAB_PROFILES if p.kode != kab),
            _kec_codes("31")[:20],
            _kec_codes("32")[:40],
        ]
    )
    u = rng.random(n)
    prefix = np.select(
        [u < 0.88, u < 0.94, u < 0.98],
        [own_kec, rng.choice(same_kab, n), rng.choice(others, n)],
        default=_legacy_prefix(kab, n, rng),
    )
    return prefix, (u >= 0.94) & (u < 0.98)


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return year, month and day of dates (``datetime64[D]``, no NaT).

    The calendar is worked out once per day of the dates' range (a century
    of days, not millions of persons), then looked up.

    Examples
    --------
    >>> [a.tolist() for a in _ymd(np.array(["1999-12-31", "2000-03-01"],
    ...                                   dtype="datetime64[D]"))]
    [[1999, 2000], [12, 3], [31, 1]]
    """
    number = days.astype(np.int64)
    if not len(number):
        return number, number, number
    first = int(number.min())
    calendar = np.arange(first, int(number.max()) + 1).astype("datetime64[D]")
    year = calendar.astype("datetime64[Y]").astype(np.int64) + 1970
    month = calendar.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (calendar - calendar.astype("datetime64[M]")).astype(np.int64) + 1
    at = number - first
    return year[at], month[at], day[at]


def _date_code(day: np.ndarray, month: np.ndarray, year: np.ndarray) -> np.ndarray:
    return np.asarray(day * 10_000 + month * 100 + year % 100)


def _niks(
    rng: np.random.Generator, per: pd.DataFrame, own_kec: np.ndarray, kab: str, k: int
) -> np.ndarray:
    born = per["tanggal_lahir"].to_numpy().astype("datetime64[D]")
    year, month, day = _ymd(born)
    day = day + np.where(per["male"].to_numpy(), 0, 40)
    prefix, foreign = _prefixes(rng, own_kec, kab)
    key = prefix.astype(np.int64) * 1_000_000 + _date_code(day, month, year)
    serial = _serials(rng, key)
    serial = np.where(foreign, 5000 + k * 600 + np.minimum(serial, 599), serial)
    return np.asarray(key * 10_000 + np.minimum(serial, 9999))


def _no_kk(rng: np.random.Generator, kec_of_family: np.ndarray) -> np.ndarray:
    n = len(kec_of_family)
    issued = np.datetime64("2005-01-01") + rng.integers(0, 6700, n).astype(
        "timedelta64[D]"
    )
    year, month, day = _ymd(issued)
    key = kec_of_family.astype(np.int64) * 1_000_000 + _date_code(day, month, year)
    rank = pd.Series(key).groupby(key).cumcount().to_numpy()
    return np.asarray(key * 10_000 + 9000 + np.minimum(rank, 999))


def _prob(name: str, desil: np.ndarray) -> np.ndarray:
    return np.asarray(np.asarray(_RECEIPT[name])[np.minimum(desil, 5) - 1])


def _receipt(
    rng: np.random.Generator, name: str, desil: np.ndarray, shift: np.ndarray
) -> np.ndarray:
    return _expit(_logit(_prob(name, desil)) + shift)


def _family_any(values: np.ndarray, size: np.ndarray) -> np.ndarray:
    starts = np.cumsum(size) - size
    return np.logical_or.reduceat(values, starts)


def _programmes(
    rng: np.random.Generator, fam: _Fam, per: pd.DataFrame, is_desa: np.ndarray
) -> dict[str, np.ndarray]:
    shift = (fam.admin - 1.5 * fam.forgotten)[fam.desa_idx]
    age = per["umur"].to_numpy()
    needy = (age < 18) | (age >= 60) | per["disabilitas"].to_numpy()
    eligible = _family_any(needy, fam.size)
    n = len(fam.size)
    pkh = rng.random(n) < _receipt(rng, "pkh", fam.desil, shift) * np.where(
        eligible, 1.0, 0.2
    )
    p_s = _receipt(rng, "sembako_bpnt", fam.desil, shift)
    sembako = np.where(pkh, rng.random(n) < 0.88, rng.random(n) < p_s)
    p_b = _receipt(rng, "blt_dd", fam.desil, shift) * np.where(pkh, 0.1, 1.0)
    blt = is_desa[fam.desa_idx] & (rng.random(n) < p_b)
    fidx = np.repeat(np.arange(n), fam.size)
    u = np.where(
        rng.random(len(fidx)) < 0.8, rng.random(n)[fidx], rng.random(len(fidx))
    )
    pbi = u < _receipt(rng, "pbi_jk", fam.desil, shift)[fidx]
    school = (age >= 6) & (age <= 21)
    pip = school & (
        rng.random(len(fidx)) < _receipt(rng, "pip", fam.desil, shift)[fidx]
    )
    return {
        "pkh": pkh,
        "sembako_bpnt": sembako,
        "blt_dd": blt,
        "pbi_jk": pbi,
        "pip": pip,
    }


def _income(
    rng: np.random.Generator, fam: _Fam, per: pd.DataFrame
) -> dict[str, np.ndarray]:
    """Kartu Prakerja (a person aged 18-64) and KUR (the family): synthetic."""
    n = len(fam.size)
    band = np.clip(fam.desil, 1, 5) - 1
    fidx = np.repeat(np.arange(n), fam.size)
    age = per["umur"].to_numpy()
    adult = (age >= 18) & (age <= 64)
    family_has = rng.random(n) < np.asarray(_INCOME["prakerja"])[band]
    pick = rng.random(len(fidx))  # one adult of a Prakerja family takes part
    order = np.where(adult, pick, 2.0)
    starts = np.cumsum(fam.size) - fam.size
    first = np.minimum.reduceat(order, starts)
    prakerja = adult & family_has[fidx] & (order == first[fidx])
    kur = rng.random(n) < np.asarray(_INCOME["kur"])[band]
    return {"prakerja": prakerja, "kur": kur}


def _extreme(
    rng: np.random.Generator, fam: _Fam, profile: KabProfile, dtsen: bool
) -> np.ndarray:
    persons = int(fam.size.sum())
    population = persons if dtsen else persons / profile.p3ke_share
    d1_persons = int(fam.size[fam.desil == 1].sum()) or 1
    q = min(1.0, profile.extreme_share * population / d1_persons)
    return np.asarray((fam.desil == 1) & (rng.random(len(fam.size)) < q))


def _family_frame(
    fam: _Fam, desa: pd.DataFrame, sumber: str, kab: str, rng: np.random.Generator
) -> pd.DataFrame:
    codes = desa["kode_desa"].tolist()
    n = len(fam.size)
    persentil = (fam.desil.astype(int) - 1) * 10 + rng.integers(1, 11, n)
    kec = np.asarray([int(c[:6]) for c in codes], dtype=np.int64)[fam.desa_idx]
    frame = pd.DataFrame(
        {
            "id_keluarga": texts.series(
                texts.fixed_text(f"{sumber}-{kab}-", (np.arange(1, n + 1), 8))
            ),
            "sumber": sumber,
            "periode": PERIODE,
            "no_kk": texts.series(texts.number_text(_no_kk(rng, kec), 16)),
        }
    )
    for name, digits in (("kode_prov", 2), ("kode_kab", 4), ("kode_kec", 6)):
        table = [c[:digits] for c in codes]
        frame[name] = texts.series(texts.lookup(table, fam.desa_idx))
    frame["kode_desa"] = texts.series(texts.lookup(codes, fam.desa_idx))
    frame["kode_wilayah_versi"] = CODE_EDITION
    frame["jumlah_anggota"] = fam.size
    frame["desil"] = fam.desil
    frame["persentil"] = persentil.astype(np.int8)
    frame["padan_dukcapil"] = rng.random(n) < 0.95
    return frame


def _person_frame(
    rng: np.random.Generator,
    fam: _Fam,
    families: pd.DataFrame,
    sumber: str,
    kab: str,
    k: int,
) -> pd.DataFrame:
    per = _members(rng, fam)
    per["tanggal_lahir"] = _birth_dates(rng, per["umur"].to_numpy())
    per["disabilitas"] = rng.random(len(per)) < 0.03
    fidx = per["fidx"].to_numpy()
    kec = pc.cast(texts.arrow(families["kode_kec"]), pa.int64())
    own_kec = kec.to_numpy()[fidx]
    nik = _niks(rng, per, own_kec, kab, k)
    starts = np.cumsum(fam.size) - fam.size
    pos = np.arange(len(fidx)) - starts[fidx] + 1  # member number in the family
    prefix = f"{sumber}-{kab}-"
    out = pd.DataFrame(
        {
            "id_individu": texts.series(
                texts.fixed_text(prefix, (fidx + 1, 8), "-", (pos, 2))
            ),
            "id_keluarga": _take(families["id_keluarga"], fidx),
            "sumber": sumber,
            "periode": PERIODE,
            "nik": texts.series(texts.number_text(nik, 16)),
            "no_kk": _take(families["no_kk"], fidx),
            "jenis_kelamin": texts.series(
                texts.lookup(["P", "L"], per["male"].to_numpy(np.int8)), dtype="str"
            ),
            "tanggal_lahir": per["tanggal_lahir"],
            "umur": per["umur"],
            "hubungan_keluarga": texts.series(
                texts.lookup(_HUBUNGAN.tolist(), per["role"].to_numpy()), dtype="str"
            ),
            "disabilitas": per["disabilitas"],
        }
    )
    for col in ("kode_prov", "kode_kab", "kode_kec", "kode_desa"):
        out[col] = _take(families[col], fidx)
    for col in ("desil", "persentil", "padan_dukcapil"):
        out[col] = families[col].to_numpy()[fidx]
    return out


def _take(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """Return the texts of ``values`` at ``rows`` (a ``string`` column)."""
    return texts.series(texts.arrow(values).take(pa.array(rows)))


def _chunk(
    tier: Tier, kab: str, seed: int, k: int, scale: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _chunk_seed(seed, kab)
    profile = _profile(kab)
    desa = _desa_table(kab, tier.kecamatan)
    scaled = Tier(tier.name, tier.kabs, tier.kecamatan, tier.dtsen, tier.scale * scale)
    fam = _families(rng, profile, scaled, desa)
    sumber = "DTSEN" if tier.dtsen else "P3KE"
    families = _family_frame(fam, desa, sumber, kab, rng)
    persons = _person_frame(rng, fam, families, sumber, kab, k)
    is_desa = desa["kode_desa"].str[6].to_numpy() == "2"
    flags = _programmes(rng, fam, persons, is_desa)
    families["miskin_ekstrem"] = _extreme(rng, fam, profile, tier.dtsen)
    fidx = np.repeat(np.arange(len(fam.size)), fam.size)
    persons["miskin_ekstrem"] = families["miskin_ekstrem"].to_numpy()[fidx]
    for name in ("pkh", "sembako_bpnt", "blt_dd"):
        families[name] = flags[name]
        persons[name] = flags[name][fidx]
    for name in ("pbi_jk", "pip"):
        persons[name] = flags[name]
    income = _income(np.random.default_rng([seed, int(kab), 4]), fam, persons)
    persons["prakerja"] = income["prakerja"]
    families["prakerja"] = _family_any(income["prakerja"], fam.size)
    families["kur"] = income["kur"]
    persons["kur"] = income["kur"][fidx]
    return families, persons


def _tier(tier: str | Tier) -> Tier:
    if isinstance(tier, Tier):
        return tier
    key = str(tier).upper()
    if key not in TIERS:
        raise ConfigError(
            f"unknown tier {tier!r}. Choose one of: {', '.join(TIERS)} "
            "(XS = 1 kecamatan, S = Pandeglang, M = Banten P3KE-like, "
            "L = Banten DTSEN-like)."
        )
    return TIERS[key]


def iter_chunks(
    tier: str | Tier, *, seed: int = 0, scale: float = 1.0
) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """Yield ``(kode_kab, keluarga, individu)`` for each kab/kota of a tier.

    Parameters
    ----------
    tier : {"XS", "S", "M", "L"} or Tier
        The size (REGISTRIES.md §6.6). ``L`` is DTSEN-like (desil 1-10).
    seed : int
        Base seed; each kab/kota chunk derives its own seed from it.
    scale : float
        Multiplies the number of families (e.g. 0.1 for a small Banten-wide
        registry); ignored by ``XS``.

    Yields
    ------
    tuple of (str, pandas.DataFrame, pandas.DataFrame)
        Canonical family and person tables (REGISTRIES.md §6.1-6.2).

    Raises
    ------
    ConfigError
        When the tier is unknown or ``scale`` is not positive.

    Examples
    --------
    >>> [kab for kab, _, _ in iter_chunks("XS")]
    ['3601']
    """
    spec = _tier(tier)
    if not scale > 0:
        raise ConfigError(f"scale = {scale!r}; give a number above 0, e.g. 0.1.")
    for k, kab in enumerate(spec.kabs):
        families, persons = _chunk(spec, kab, seed, k, scale)
        yield kab, families, persons


def generate(
    tier: str | Tier = "XS", *, seed: int = 0, scale: float = 1.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate a whole tier in memory (use :func:`iter_chunks` for M and L).

    Parameters
    ----------
    tier, seed, scale
        As :func:`iter_chunks`.

    Returns
    -------
    keluarga, individu : pandas.DataFrame
        One row per family and one row per person.

    Examples
    --------
    >>> fam, per = generate("XS", seed=3)
    >>> int(fam["jumlah_anggota"].sum()) == len(per)
    True
    """
    parts = list(iter_chunks(tier, seed=seed, scale=scale))
    fam = pd.concat([f for _, f, _ in parts], ignore_index=True)
    per = pd.concat([p for _, _, p in parts], ignore_index=True)
    return fam, per


def kab_codes_of(tiers: Sequence[str]) -> list[str]:
    """Return the kab/kota codes the given tiers cover (in order)."""
    return [kab for t in tiers for kab in _tier(t).kabs]
