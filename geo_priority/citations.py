"""Sources as citations a meeting can read: publisher, title, year.

An indicator table may carry a ``source`` column with the citation of every
row (the shipped ``data/banten_kabkota_poverty.csv`` does: "iNews Lebak
2023-02-22 citing data BPS Provinsi Banten 2022 https://..."). A map cites
only what it used: the rows of the indicators and years it shows that were
joined to an area (not the province or national totals of the same file), as
"BPS Provinsi Banten, Tingkat kemiskinan ekstrem menurut kabupaten/kota, 2022
(dikutip dari iNews Lebak)". The boundary layer is cited from its registry
entry (``boundaries/sources.toml``).

Examples
--------
>>> from geo_priority.messages import use_language
>>> c = parse_source("TribunBanten 2024-02-11 citing banten.bps.go.id https://x.id/a")
>>> (c.publisher, c.via, c.url)
('BPS Provinsi Banten', 'TribunBanten', 'https://x.id/a')
>>> with use_language("en"):
...     Citation("BPS", "Extreme-poverty rate by regency/city", 2022).text()
'BPS, Extreme-poverty rate by regency/city, 2022'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo_priority.config import IndicatorConfig, TableConfig
from geo_priority.messages import tr
from geo_priority.schema import DOUBTFUL, MATCHED, MATCHED_NAME, JoinReport

__all__ = [
    "Citation",
    "boundary_citation",
    "parse_source",
    "table_citations",
]

_URL = re.compile(r"https?://\S+")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DATE = re.compile(r"\b(?:19|20)\d{2}(?:-\d{2}){0,2}\b")
_PAREN = re.compile(r"\s*\([^()]*\)")
#: A BPS office named in free text: "BPS", "BPS Banten", "BPS Kab. Lebak", ...
_BPS = re.compile(
    r"\bBPS(?: (?:Provinsi|Kabupaten|Kab\.|Kota) [A-Z][\w-]*(?: [A-Z][\w-]*)?"
    r"| [A-Z][a-z][\w-]*)?"
)
_BPS_SITE = re.compile(r"\b([a-z]+)\.bps\.go\.id\b")
_CITING_PREFIX = re.compile(r"^(?:data|Kepala|Plt Kepala|Menko PMK/)\s*", re.I)
#: Rows that describe an area (their values were joined to it).
_JOINED = (MATCHED, MATCHED_NAME, DOUBTFUL)


@dataclass(frozen=True)
class Citation:
    """One cited source: who published it, what, which year, and where seen.

    Attributes
    ----------
    publisher : str
        Who produced the figures (e.g. "BPS Provinsi Banten").
    title : str
        What they are (e.g. "Tingkat kemiskinan ekstrem menurut kabupaten/kota").
    year : int or None
        The year the figures refer to.
    via : str
        The publication that quoted them, when not the publisher's own.
    url : str or None
        Where the quoted figures can be checked.
    """

    publisher: str
    title: str = ""
    year: int | None = None
    via: str = ""
    url: str | None = None

    def text(self) -> str:
        """Return "publisher, title, year" (and where it was quoted), no URL."""
        parts = [p for p in (self.publisher, self.title) if p]
        if self.year:
            parts.append(str(self.year))
        line = ", ".join(parts)
        if self.via and self.via != self.publisher:
            line = tr(
                "{citation} (quoted by {publication})",
                citation=line,
                publication=self.via,
            )
        return line

    def with_url(self) -> str:
        """Return :meth:`text` followed by the URL, when there is one."""
        return f"{self.text()} {self.url}" if self.url else self.text()

    def as_dict(self) -> dict[str, Any]:
        """Return the citation as stored in the metadata (JSON-ready)."""
        return {
            "citation": self.text(),
            "publisher": self.publisher,
            "title": self.title,
            "year": self.year,
            "via": self.via or None,
            "url": self.url,
            "vintage": [self.year] if self.year else [],
        }


def _clean(text: str) -> str:
    """Drop parentheses, dates and trailing punctuation from a name."""
    text = _PAREN.sub("", text)
    text = _DATE.sub("", text.split(":")[0])
    return " ".join(text.replace(" ,", ",").split()).strip(" ,;-")


def _publisher(text: str) -> str:
    """Return the producer named in ``text`` ("" when none is recognised)."""
    site = _BPS_SITE.search(text)
    if site:
        return f"BPS Provinsi {site.group(1).title()}"
    bps = _BPS.search(text)
    return bps.group(0) if bps else ""


def parse_source(source: str) -> Citation:
    """Read a free-text citation ("X citing BPS ... URL") into its parts.

    Parameters
    ----------
    source : str
        The text of a table's ``source`` column.

    Returns
    -------
    Citation
        Without title and year (the caller knows which figures were used).

    Examples
    --------
    >>> parse_source("Databoks (BPS) https://d.id/x").publisher
    'BPS'
    >>> parse_source("Fokus Berita 2024-04 citing Ditjen Dukcapil (end-2023)").via
    'Fokus Berita'
    """
    url = _URL.search(source)
    text = _URL.sub("", source).strip()
    quoted, sep, cited = text.partition(" citing ")
    if sep:
        producer = _CITING_PREFIX.sub("", cited.strip())
        publisher = _publisher(producer) or _clean(producer)
        via = _clean(quoted)
    else:
        publisher = _publisher(text) or _clean(text)
        via = _clean(text)
    return Citation(publisher, via=via, url=url.group(0) if url else None)


def _level_words(level: str | None) -> str:
    words = {
        "provinsi": tr("by province"),
        "kabkota": tr("by regency/city"),
        "kecamatan": tr("by district (kecamatan)"),
        "desa": tr("by village (desa/kelurahan)"),
    }
    return words.get(level or "", "")


def _joined_rows(
    frame: pd.DataFrame, spec: TableConfig, report: JoinReport
) -> pd.DataFrame:
    """Return the rows of ``frame`` that the join report joined to an area."""
    entries = report.entries
    mine = entries[(entries["table"] == spec.label) & entries["status"].isin(_JOINED)]
    keep = np.zeros(len(frame), dtype=bool)
    if spec.code_column and spec.code_column in frame:
        codes = _texts(mine["row_code"].dropna())
        keep |= _text_in(frame[spec.code_column], codes)
    if spec.name_column and spec.name_column in frame:
        coded = mine["row_code"].notna()
        names = _texts(mine.loc[~coded, "row_name"].dropna())
        keep |= _text_in(frame[spec.name_column], names)
    return frame[keep]


def _texts(column: pd.Series) -> set[str]:
    """Return the distinct texts of the cells (``astype(str)``) of a column."""
    return set(column.astype(str).to_numpy(dtype=object).tolist())


def _text_in(column: pd.Series, texts: set[str]) -> npt.NDArray[np.bool_]:
    """Return ``column.astype(str).isin(texts)`` as a boolean array, faster.

    The same test, a cell's text in ``texts`` (missing cells are in none),
    made with a Python set: pandas' ``isin`` on Arrow text builds an Arrow
    scalar of every value in a Python loop (0.6 s for the 83,000 codes of a
    national desa join).
    """
    cells = column.astype(str).to_numpy(dtype=object).tolist()
    return np.fromiter(
        (isinstance(c, str) and c in texts for c in cells), dtype=bool, count=len(cells)
    )


def _rows_of(
    rows: pd.DataFrame, spec: TableConfig, ind: IndicatorConfig
) -> pd.DataFrame:
    """Return the rows that hold ``ind``'s values (its name and year)."""
    if spec.indicator_column in rows:  # long: one row per indicator and year
        rows = rows[rows[spec.indicator_column].astype(str) == ind.source]
    elif ind.source in rows:  # wide: one column per indicator
        rows = rows[rows[ind.source].notna()]
    else:
        return rows.iloc[0:0]
    if ind.year is not None and spec.year_column in rows:
        years = pd.to_numeric(rows[spec.year_column], errors="coerce")
        rows = rows[years == ind.year]
    return rows


def _label(ind: IndicatorConfig, lang: str) -> str:
    if lang == "en":
        return ind.label_en or ind.label or ind.key
    return ind.label or ind.key


def table_citations(
    tables: Iterable[tuple[TableConfig, pd.DataFrame]],
    report: JoinReport,
    indicators: Sequence[IndicatorConfig],
    *,
    level: str | None,
    lang: str = "id",
) -> tuple[Citation, ...]:
    """Cite the rows of each table that the analysis used, one line per source.

    Parameters
    ----------
    tables : iterable of (TableConfig, pandas.DataFrame)
        The declared tables and their frames as read.
    report : JoinReport
        The join report: only rows joined to an area are cited.
    indicators : sequence of IndicatorConfig
        The indicators the analysis shows; only their rows (name and year)
        are cited.
    level : str or None
        The areas' level, for the title ("... menurut kabupaten/kota").
    lang : {"id", "en"}
        Language of the titles (the indicator labels).

    Returns
    -------
    tuple of Citation
        In table order; a table without a ``source`` column is cited by its
        indicators and ``tables.label`` (add a ``source`` column to cite it).
    """
    found: dict[tuple[str, int | None, str], tuple[Citation, list[str]]] = {}
    for spec, frame in tables:
        rows = _joined_rows(frame, spec, report)
        for ind in indicators:
            used = _rows_of(rows, spec, ind)
            if used.empty:
                continue
            sources = (
                used["source"].dropna().astype(str).unique()
                if "source" in used
                else [""]
            )
            for source in sources:
                if source:
                    base = parse_source(source)
                else:
                    base = Citation(tr("table {label!r}", label=spec.label))
                key = (source or spec.label, ind.year, spec.label)
                cite, labels = found.setdefault(key, (base, []))
                if _label(ind, lang) not in labels:
                    labels.append(_label(ind, lang))
                found[key] = (replace(cite, year=ind.year), labels)
    words = _level_words(level)
    return tuple(
        replace(cite, title=" ".join(p for p in (tr_and(labels), words) if p))
        for cite, labels in found.values()
    )


def tr_and(items: Sequence[str]) -> str:
    """Join ``items`` as "a, b and c" in the active language.

    Examples
    --------
    >>> from geo_priority.messages import use_language
    >>> with use_language("en"):
    ...     tr_and(["a", "b", "c"])
    'a, b and c'
    """
    if len(items) < 2:
        return "".join(items)
    return tr("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


def _title_and_year(title: str, attribution: str) -> tuple[str, int | None]:
    years = [int(y) for y in _YEAR.findall(f"{title} {attribution}")]
    return _PAREN.sub("", title).strip(), (max(years) if years else None)


def boundary_citation(source: str | None, path: str | None = None) -> Citation:
    """Cite the boundary layer: its registry entry, else its file.

    Parameters
    ----------
    source : str or None
        ``boundaries.source``, an id of the boundary registry.
    path : str or None
        ``boundaries.path``, used when there is no registry id.

    Returns
    -------
    Citation
    """
    from geo_priority.errors import InputError

    if source:
        from geo_priority.io import fetch  # the registry; a file needs no fetching

        try:
            entry = fetch.load_registry()[source]
        except (KeyError, InputError, OSError):
            return Citation(source)
        title, year = _title_and_year(entry.title, entry.attribution)
        return Citation(entry.attribution, title, year, url=entry.homepage or None)
    return Citation(tr("file {name!r}", name=Path(str(path or "")).name))
