"""The desa programme table of the "kantong" strategy (``--desa-programmes``).

A CSV (or XLSX/Parquet) with the 10-digit Kemendagri desa code and, per desa
programme of the catalogue (housing repair, drinking water, sanitation...),
a yes/no or a count (> 0 = the desa has it). Every code is checked against
the Kemendagri 2025 reference; a code that is not a desa there is refused,
and desa of the registry the table does not list are reported, never
silently taken as "no programme".

Examples
--------
>>> frame = pd.DataFrame({"kode_desa": ["36.01.01.2001"], "rtlh": ["Ya"],
...                       "sanitasi": [0]})
>>> from geo_priority.microdata.programmes import load_catalogue
>>> table = desa_table(frame, load_catalogue(), name="desa.csv")
>>> table.iloc[0].to_dict()
{'kode_desa': '3601012001', 'd_rtlh': True, 'd_sanitasi': False}
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from geo_priority import io, regions
from geo_priority.errors import CodeError, SchemaError
from geo_priority.messages import tr
from geo_priority.microdata.ingest import flag_meaning
from geo_priority.microdata.programmes import Programme

__all__ = ["CODE_COLUMNS", "desa_table", "read_desa_programmes", "unmatched"]

#: Accepted names of the desa code column (any case).
CODE_COLUMNS: tuple[str, ...] = (
    "kode_desa",
    "kode_kemendagri",
    "kemendagri_kode_desa",
    "kode_wilayah",
    "kode",
)


def _code_column(frame: pd.DataFrame, name: str) -> str:
    lower = {str(c).strip().lower(): str(c) for c in frame.columns}
    for c in CODE_COLUMNS:
        if c in lower:
            return lower[c]
    raise SchemaError(
        tr(
            "desa programme table {name!r} (--desa-programmes) has no desa code "
            "column; name it one of {names}.",
            name=name,
            names=", ".join(CODE_COLUMNS),
        )
    )


def _flag(value: object) -> bool | None:
    """Yes/no or a count (> 0 = yes); None when it is neither."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if pd.isna(value) else bool(value > 0)
    try:
        meaning = flag_meaning(value)
    except ValueError:
        try:
            return float(str(value).replace(",", ".")) > 0
        except ValueError:
            return None
    return None if meaning is None else bool(meaning)


def _codes(raw: pd.Series, name: str, column: str) -> pd.Series:
    codes = raw.astype("string").str.strip().str.replace(".", "", regex=False)
    ok = codes.str.fullmatch(r"\d{10}").fillna(False)
    known = set(
        regions.reference_areas("desa")["code"].str.replace(".", "", regex=False)
    )
    bad = codes[~ok | ~codes.isin(known)]
    if len(bad):
        raise CodeError(
            tr(
                "desa programme table {name!r}: {n} value(s) of {column!r} are not "
                "Kemendagri 2025 desa codes (10 digits), e.g. {examples}; fix them "
                "or remove those rows.",
                name=name,
                n=len(bad),
                column=column,
                examples=", ".join(map(str, bad.fillna("(kosong)").head(5))),
            )
        )
    dup = codes[codes.duplicated()]
    if len(dup):
        raise CodeError(
            tr(
                "desa programme table {name!r} lists desa {examples} more than once; "
                "keep one row per desa.",
                name=name,
                examples=", ".join(map(str, dup.unique()[:5])),
            )
        )
    return codes.astype(str)


def desa_table(
    frame: pd.DataFrame, catalogue: Sequence[Programme], *, name: str
) -> pd.DataFrame:
    """Check a desa programme table; return ``kode_desa`` + ``d_<flag>`` booleans.

    Raises
    ------
    SchemaError
        Without a code column, without any desa programme column of the
        catalogue, or with a value that is neither yes/no nor a count.
    CodeError
        For codes that are not Kemendagri 2025 desa, or repeated desa.
    """
    code_col = _code_column(frame, name)
    lower = {str(c).strip().lower(): str(c) for c in frame.columns}
    out = pd.DataFrame({"kode_desa": _codes(frame[code_col], name, code_col)})
    found = 0
    for p in (p for p in catalogue if p.unit == "desa"):
        cols = [lower[c] for c in p.columns if c in lower]
        if not cols:  # not in this table: no data, never "no programme"
            continue
        found += 1
        values = pd.Series(False, index=frame.index)
        for c in cols:
            meant = frame[c].map(_flag)
            odd = frame[c][meant.isna()]
            if len(odd):
                raise SchemaError(
                    tr(
                        "desa programme table {name!r}: column {column!r} holds "
                        "{examples!r}; write ya/tidak or a count (> 0 = the desa "
                        "has the programme) in every cell.",
                        name=name,
                        column=c,
                        examples=[str(v) for v in odd.head(3)],
                    )
                )
            values |= meant.astype(bool)
        out[f"d_{p.flag}"] = values.to_numpy(bool)
    if not found:
        desa = [
            f"{p.flag} ({', '.join(p.columns)})" for p in catalogue if p.unit == "desa"
        ]
        raise SchemaError(
            tr(
                "desa programme table {name!r} has none of the desa programme "
                "columns of the catalogue: {programmes}. Rename its columns, or "
                'add the programme to [[programmes]] with unit = "desa".',
                name=name,
                programmes="; ".join(desa),
            )
        )
    return out.reset_index(drop=True)


def read_desa_programmes(
    path: str | os.PathLike[str], catalogue: Sequence[Programme]
) -> pd.DataFrame:
    """Read and check the desa programme table (:func:`desa_table`)."""
    frame = io.read_table(path)  # code-like columns (kode_*) stay text
    return desa_table(frame, catalogue, name=os.path.basename(os.fspath(path)))


def unmatched(table: pd.DataFrame, registry_desa: Sequence[str]) -> dict[str, object]:
    """Desa of the table without registry families, and registry desa not listed.

    Returns
    -------
    dict
        ``table_only`` / ``registry_only``: count and up to 5 examples
        (dotted codes); registry desa not listed count as without a desa
        programme, which the metadata and the command say.
    """
    listed = set(table["kode_desa"])
    registry = set(registry_desa)
    table_only = sorted(listed - registry)
    registry_only = sorted(registry - listed)

    def dotted(codes: list[str]) -> list[str]:
        return [f"{c[:2]}.{c[2:4]}.{c[4:6]}.{c[6:]}" for c in codes[:5]]

    return {
        "table_only": len(table_only),
        "table_only_examples": dotted(table_only),
        "registry_only": len(registry_only),
        "registry_only_examples": dotted(registry_only),
    }
