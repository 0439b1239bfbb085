"""Publish the convergence figures: the combinations table and "no data" blanks.

The engine counts the target families per programme combination
(``combo_<mask>``) for every area; :func:`combinations_table` turns the
kab/kota counts into the long table written as ``<name>_kombinasi.csv``,
most common first, safe by construction (see there), and
:func:`drop_combos` keeps them out of the area tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo_priority.microdata import convergence
from geo_priority.microdata.convergence import (
    COUNTS_K,
    GAP,
    Convergence,
    combo_column,
    combo_label,
)

__all__ = ["blank_absent", "combinations_table", "drop_combos"]


def blank_absent(out: pd.DataFrame, conv: Convergence) -> pd.DataFrame:
    """Publish convergence figures without data as missing, never as 0."""
    gone = set(conv.absent)
    for col in list(out.columns):
        base = col
        for suffix in ("_suppressed", "_num", "_den"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
                break
        if not convergence.needs(conv, base) & gone:
            continue
        if col.endswith("_suppressed"):
            out[col] = False
        else:
            out[col] = out[col].mask(out[col].notna())
    return out


def drop_combos(out: pd.DataFrame) -> pd.DataFrame:
    """Return the area table without the per-combination columns."""
    return out[[c for c in out.columns if not c.startswith("combo_")]]


def _linked(conv: Convergence, out: pd.DataFrame) -> list[str]:
    """Return the published counts the combinations of an area add up to."""
    cols = [*COUNTS_K, GAP, "target_families", "any_target_families"]
    cols += ["target_excluded_families", "bansos_keluarga_target_families"]
    cols += [f"{p}_target_families" for p in ("pkh", "sembako_bpnt", "blt_dd")]
    cols += [f"strategy_{s}_target_families" for s in ("beban", "pendapatan")]
    cols += [f"agency_{a}_target_families" for a in conv.agencies]
    return [c for c in cols if f"{c}_suppressed" in out.columns]


def _buckets(
    values: dict[int, int], threshold: int
) -> tuple[list[tuple[int, int]], int]:
    """Split combinations: listed ones (each >= threshold), the rest ("lainnya").

    The rest is 0 or at least ``threshold``: the smallest listed ones join
    it until it is.
    """
    listed = sorted(
        ((m, v) for m, v in values.items() if v >= threshold), key=lambda x: -x[1]
    )
    rest = sum(v for v in values.values() if 0 < v < threshold)
    while 0 < rest < threshold and listed:
        rest += listed.pop()[1]
    return listed, rest


def combinations_table(
    frame: pd.DataFrame,
    out: pd.DataFrame,
    conv: Convergence,
    combos: Sequence[int],
    threshold: int,
) -> pd.DataFrame:
    """Most common programme combinations of the target families, per kab/kota.

    Written for the kab/kota level only, and only for a kab/kota whose
    target families and every count the combinations add up to (by number
    of programmes, agency, strategy, programme) are published: then the
    combinations pin no hidden cell. Each listed combination has at least
    ``threshold`` families; the others are summed as "lainnya" (0 or at
    least ``threshold``). A kab/kota that cannot be shown gets one row
    marked suppressed, never silence.

    Parameters
    ----------
    frame : pandas.DataFrame
        The stacked levels with the true counts (``combo_<mask>`` columns).
    out : pandas.DataFrame
        The published (suppressed) table of the same rows.
    conv : Convergence
        What the convergence counts.
    combos : sequence of int
        The combination masks.
    threshold : int
        Small-cell threshold.
    """
    linked = _linked(conv, out)
    rows: list[dict[str, object]] = []
    for i in np.flatnonzero((out["level"] == "kabkota").to_numpy()):
        area = dict.fromkeys(("kode_wilayah",), out["kode_wilayah"].iat[i])
        area |= {"level": "kabkota", "nama": out["nama"].iat[i]}
        target = frame["target_families"].iat[i]
        hidden = "convergence" in conv.absent or any(
            bool(out[f"{c}_suppressed"].iat[i]) for c in linked
        )
        if hidden:
            rows.append({**area, "kombinasi": None, "kombinasi_suppressed": True})
            continue
        values = {m: int(frame[combo_column(m)].iat[i]) for m in combos}
        listed, rest = _buckets(values, threshold)
        items: list[tuple[str, str, int | None, int]] = [
            (combo_label(conv, m, "id"), combo_label(conv, m, "en"), m.bit_count(), v)
            for m, v in listed
        ]
        if rest:
            items.append(("lainnya", "other combinations", None, rest))
        for rank, (label, label_en, n, v) in enumerate(items, start=1):
            rows.append(
                {
                    **area,
                    "peringkat": rank,
                    "kombinasi": label,
                    "kombinasi_en": label_en,
                    "jumlah_program": n,
                    "target_families": v,
                    "share": round(v / target * 100, 1) if target else None,
                    "share_num": v,
                    "share_den": int(target),
                    "kombinasi_suppressed": False,
                }
            )
    table = pd.DataFrame(rows, columns=_COLUMNS)
    for col in (
        "peringkat",
        "jumlah_program",
        "target_families",
        "share_num",
        "share_den",
    ):
        table[col] = table[col].astype("Int64")
    return table


_COLUMNS = [
    "kode_wilayah",
    "level",
    "nama",
    "peringkat",
    "kombinasi",
    "kombinasi_en",
    "jumlah_program",
    "target_families",
    "share",
    "share_num",
    "share_den",
    "kombinasi_suppressed",
]
