"""Column-wise texts of the synthetic registry equal Python's formatting.

The generator builds its millions of texts with numpy and pyarrow
(:mod:`geo_priority.microdata.texts`); these tests compare each helper with
the per-value Python or pandas formatting it replaces, and pin the generated
data itself, so a faster generator cannot quietly make other data (that
needs a new ``SYNTH_VERSION`` in ``geo_priority/demo.py``).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from geo_priority.microdata import synth, texts
from geo_priority.microdata.exports import export_frame


def test_fixed_text_is_python_zero_padding():
    rng = np.random.default_rng(5)
    seq = np.r_[0, 1, 99_999_999, rng.integers(0, 100_000_000, 500)]
    pos = rng.integers(0, 100, len(seq))
    got = texts.fixed_text("P3KE-3601-", (seq, 8), "-", (pos, 2)).to_pylist()
    want = [f"P3KE-3601-{a:08d}-{b:02d}" for a, b in zip(seq, pos, strict=True)]
    assert got == want


@pytest.mark.parametrize("bad", [-1, 100_000_000])
def test_fixed_text_refuses_a_number_wider_than_its_width(bad):
    with pytest.raises(ValueError, match="do not fit 8 digits"):
        texts.fixed_text("x", (np.array([5, bad]), 8))


def test_number_text_is_str_and_refuses_shorter_numbers():
    values = np.array([3601010101900001, 9999999999999999])
    assert texts.number_text(values, 16).to_pylist() == [str(v) for v in values]
    with pytest.raises(ValueError, match="fewer than 16 digits"):
        texts.number_text(np.array([360101010190000]), 16)


def test_fixed_text_of_no_rows():
    assert texts.fixed_text("a", (np.array([], dtype=np.int64), 3)).to_pylist() == []


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_recode_is_series_map(dtype):
    values = pd.Series(["L", "P", None, "X", "L"], index=[4, 3, 2, 1, 0], dtype=dtype)
    mapping = {"L": "Laki-laki", "P": "Perempuan"}
    got = texts.recode(values, mapping)
    want = values.map(mapping)
    assert got.index.equals(want.index)
    assert got.astype(object).where(got.notna(), None).tolist() == (
        want.astype(object).where(want.notna(), None).tolist()
    )


def test_day_text_is_strftime_with_missing_and_wide_ranges():
    rng = np.random.default_rng(2)
    days = np.datetime64("2023-06-30") - rng.integers(0, 36_500, 2_000).astype(
        "timedelta64[D]"
    )
    near = pd.Series(days).astype("datetime64[s]")
    wide = pd.Series(
        np.array(["1804-02-29", "NaT", "2999-12-31", "1800-02-28"], "datetime64[s]")
    )
    for dates in (near, wide, near.iloc[:0]):
        got = texts.day_text(dates, "%d/%m/%Y 0:00:00")
        want = dates.dt.strftime("%d/%m/%Y 0:00:00")
        pd.testing.assert_series_equal(got, want)


def test_running_max_is_groupby_cummax():
    rng = np.random.default_rng(3)
    group = np.sort(rng.integers(0, 300, 5_000))
    group = np.cumsum(np.r_[0, np.diff(group) > 0])  # runs numbered 0, 1, 2, ...
    values = rng.integers(-40, 40, len(group))
    want = pd.Series(values).groupby(group).cummax().to_numpy()
    np.testing.assert_array_equal(synth._running_max(values, group), want)


def test_ymd_is_numpy_calendar():
    rng = np.random.default_rng(4)
    days = np.datetime64("1900-01-01") + rng.integers(0, 60_000, 3_000).astype(
        "timedelta64[D]"
    )
    year, month, day = synth._ymd(days)
    np.testing.assert_array_equal(year, days.astype("datetime64[Y]").astype(int) + 1970)
    np.testing.assert_array_equal(
        month, days.astype("datetime64[M]").astype(int) % 12 + 1
    )
    np.testing.assert_array_equal(
        day, (days - days.astype("datetime64[M]")).astype(int) + 1
    )


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def test_generated_data_is_pinned():
    """The data of SYNTH_VERSION 2 (made by the generator before it was vectorised).

    A change here is a change of the synthetic registry: raise SYNTH_VERSION
    (geo_priority/demo.py) so cached exports are made again, then update these.
    """
    fam, per = synth.generate("S", seed=3, scale=0.05)
    assert (len(fam), len(per)) == (7589, 34945)
    assert _digest(fam) == (
        "d48dd86db6e8821251734bd7c1a31be245e54963a754f21b48bfa4e0a19ea16f"
    )
    assert _digest(per) == (
        "2189c5b1ab3d9658d3aa6933e99f4b6fe6029980e67e7c27c96b511f7306e7ea"
    )
    p3ke, _ = export_frame(per, "p3ke", seed=3)
    assert _digest(p3ke) == (
        "5fa9d32a821343d95165b19d3a79d4f1c3396a97c39a3bafdc43bc130ce54128"
    )
    dirty, faults = export_frame(per, "p3ke", dirty=True, seed=4)
    assert _digest(dirty) == (
        "a6d9664157b0dcff085f6a07e6b0fbe03f30d88ad092858351d5c03988b4114e"
    )
    assert faults["nik_missing"] == 373
    dtsen, _ = export_frame(per, "dtsen", seed=3)
    assert _digest(dtsen) == (
        "93fe922b0610ffe35859a44c0d8566c1247eb8a104c38a18535f1c89b415cd85"
    )
