"""The words around a map: title, method note, indicator lines, sources, footer.

Built from an :class:`~geo_priority.analysis.Analysis` and its run record, in
the analysis's language (``outputs.lang``). The interactive map
(:func:`geo_priority.render.build_map`) and the static figure
(:mod:`geo_priority.render.figure`) show the same texts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geo_priority import __version__
from geo_priority import metadata as md
from geo_priority.analysis import Analysis
from geo_priority.config import Config
from geo_priority.io import fetch
from geo_priority.render import NO_DATA_COLOUR, MapText, class_colours, indicator_label
from geo_priority.render.i18n import text

__all__ = [
    "analysis_metadata",
    "boundary_credit",
    "figure_texts",
    "level_label",
    "map_texts",
]


def level_label(analysis: Analysis) -> str:
    """Return the name of the analysis's level in its language (``""`` if unknown)."""
    level = analysis.level
    return text(f"level_{level}", analysis.config.outputs.lang) if level else ""


def boundary_credit(config: Config) -> str:
    """Return the credit line of the boundary layer (registry attribution or file)."""
    b, lang = config.boundaries, config.outputs.lang
    if b.source:
        source = fetch.get_source(b.source)
        return f"{text('boundaries', lang)}: {source.attribution}"
    return f"{text('boundaries', lang)}: {Path(b.path or '').name}"


def analysis_metadata(analysis: Analysis, record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the Satu Data metadata of the scored layer of ``analysis``.

    The classes are recorded with the map's colours, so a GIS export and the
    map footer describe the same layer.
    """
    c = analysis.classification
    classes = md.classes_metadata(c, class_colours(c.k), NO_DATA_COLOUR)
    return md.build_metadata(
        record, analysis.areas, classes=classes, layer=analysis.config.outputs.name
    )


def _indicator_lines(analysis: Analysis, lang: str) -> tuple[str, ...]:
    lines = []
    for ind in analysis.indicators:
        weight = analysis.scores.weights.get(ind.key)
        head = f"{indicator_label(ind, lang)}"
        if ind.unit:
            head += f" ({ind.unit})"
        if weight is None:
            lines.append(f"{head}: {text('not_scored', lang)}")
            continue
        norm = f"{text('normalisation', lang)} {ind.normalisation}"
        if ind.normalisation == "target":
            norm += f", {text('target', lang)} {ind.target:g}"
        derived = (
            f"; {text('derived', lang)} {' × '.join(ind.derive_from)}"
            if ind.derive_from
            else ""
        )
        lines.append(
            f"{head}: {text('weights', lang)} {weight:.0%}; "
            f"{text(ind.direction, lang)}; {norm}{derived}"
        )
    return tuple(lines)


def _method_lines(analysis: Analysis, lang: str) -> tuple[str, ...]:
    scoring, c = analysis.scoring, analysis.classification
    method = (
        f"{text('method', lang)}: {scoring.preset or 'custom'}; "
        f"{text('aggregation', lang)} {scoring.aggregation}; "
        f"{text('missing', lang)}: {scoring.missing}."
    )
    classes = f"{text('classes', lang)}: {c.scheme}, k = {c.k}: {'; '.join(c.labels)}."
    return (method, classes, *analysis.notes)


def map_texts(analysis: Analysis, record: Mapping[str, Any]) -> MapText:
    """Return the title, subtitle, warning, sources and method note of the map.

    Parameters
    ----------
    analysis : Analysis
    record : Mapping
        Its run record (:func:`geo_priority.metadata.run_record`).

    Returns
    -------
    MapText
    """
    cfg, lang = analysis.config, analysis.config.outputs.lang
    level = analysis.level or cfg.boundaries.dissolve_to or ""
    subtitle = cfg.subtitle or (text(f"level_{level}", lang) if level else "")
    warning = text("schematic", lang) if analysis.schematic else ""
    if cfg.synthetic:
        warning = f"{text('synthetic', lang)} {warning}".strip()
    hashes = ", ".join(f"{n} {h[:12]}" for n, h in record["inputs"].items())
    stamp = f"geo-priority {__version__} · {record['run_at']} · sha256: {hashes}"
    sources = (*analysis.sources, boundary_credit(cfg))
    short = f"geo-priority {__version__} · {record['run_at'][:10]}"
    facts = md.footer_lines(analysis_metadata(analysis, record), lang)
    satu_data = tuple(facts[k] for k in ("producer", "codes", "crs") if k in facts)
    return MapText(
        cfg.title,
        subtitle,
        sources,
        short,
        warning,
        (*_method_lines(analysis, lang), *satu_data),
        _indicator_lines(analysis, lang),
        stamp,
        schematic=analysis.schematic,
    )


def _figure_method(analysis: Analysis) -> str:
    weights = ", ".join(f"{k} {w:.0%}" for k, w in analysis.scores.weights.items())
    c = analysis.classification
    return (
        f"{analysis.scoring.preset or 'custom'}; {analysis.scoring.aggregation}; "
        f"{weights}; {c.scheme} k={c.k}; geo-priority {__version__}"
    )


def figure_texts(analysis: Analysis, record: Mapping[str, Any]) -> MapText:
    """Return the texts of the static figure: the map's, with a one-line method."""
    return dataclasses.replace(
        map_texts(analysis, record),
        sources=analysis.sources,
        method=_figure_method(analysis),
    )
