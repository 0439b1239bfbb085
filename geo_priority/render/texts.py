"""The words around a map: title, method note, indicator lines, sources, footer.

Built from an :class:`~geo_priority.analysis.Analysis` and its run record, in
the analysis's language (``outputs.lang``). The interactive map
(:func:`geo_priority.render.build_map`) and the static figure
(:mod:`geo_priority.render.figure`) show the same texts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from geo_priority import __version__
from geo_priority import metadata as md
from geo_priority.analysis import Analysis
from geo_priority.citations import boundary_citation
from geo_priority.config import Config
from geo_priority.messages import tr, use_language
from geo_priority.render import NO_DATA_COLOUR, MapText, class_colours
from geo_priority.render._method_note import (
    decision_sentences,
    indicator_sentences,
    method_sentences,
    short_method,
)
from geo_priority.render.i18n import text

__all__ = [
    "analysis_metadata",
    "boundary_credit",
    "figure_texts",
    "level_label",
    "level_titles",
    "map_texts",
]

#: How a title or subtitle may name each level, per language (longest first).
_LEVEL_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "kabkota": r"kabupaten/kota|kab\.?/kota",
        "kecamatan": r"kecamatan",
        "desa": r"desa/kelurahan|desa",
    },
    "en": {
        "kabkota": r"regencies/cities|regency/city|kabupaten/kota|kab\.?/kota",
        "kecamatan": r"districts \(kecamatan\)|districts|district|kecamatan",
        "desa": r"villages \(desa/kelurahan\)|villages|village|desa/kelurahan|desa",
    },
}
#: The config's default title, said in English for an English map.
_DEFAULT_TITLE = Config.__dataclass_fields__["title"].default


def level_label(analysis: Analysis) -> str:
    """Return the name of the analysis's level in its language (``""`` if unknown)."""
    level = analysis.level
    return text(f"level_{level}", analysis.config.outputs.lang) if level else ""


def boundary_credit(config: Config) -> str:
    """Return the citation of the boundary layer, headed "Batas wilayah"."""
    b, lang = config.boundaries, config.outputs.lang
    with use_language(lang):
        cite = boundary_citation(b.source, b.path).text()
    return f"{text('boundaries', lang)}: {cite}"


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


def _configured_level(config: Config) -> str:
    b = config.boundaries
    return str(b.dissolve_to or b.level or "")


def _relevel(words: str, lang: str, said: str, level: str) -> tuple[str, bool]:
    """Put ``level``'s name where ``words`` names level ``said``; say if it did.

    With ``said`` unknown, any level named is replaced. The replacement keeps
    a capital first letter.
    """
    patterns = _LEVEL_WORDS.get(lang, _LEVEL_WORDS["id"])
    named = [patterns[said]] if said in patterns else list(patterns.values())
    regex = re.compile(rf"(?<!\w)(?:{'|'.join(named)})(?!\w)", re.IGNORECASE)
    name = text(f"level_{level}", lang)

    def swap(m: re.Match[str]) -> str:
        return name[:1].upper() + name[1:] if m.group(0)[:1].isupper() else name

    new, n = regex.subn(swap, words)
    return new, n > 0


def level_titles(analysis: Analysis) -> tuple[str, str]:
    """Return the title and subtitle of ``analysis``, naming its own level.

    The configured title and subtitle (``title``, ``subtitle``) are written
    for the configured level (``boundaries.dissolve_to`` or
    ``boundaries.level``); for another level (``outputs.map_levels``) every
    mention of that level names this one instead, and when neither names a
    level the subtitle starts with it.

    Returns
    -------
    title, subtitle : str
    """
    cfg, lang, level = analysis.config, analysis.config.outputs.lang, analysis.level
    title = cfg.title
    if lang == "en" and title == _DEFAULT_TITLE:
        with use_language("en"):
            title = tr("Priority areas for extreme-poverty reduction")
    if not level:
        return title, cfg.subtitle
    label = text(f"level_{level}", lang)
    named = label[:1].upper() + label[1:]
    said = _configured_level(cfg)
    if said == level:
        return title, cfg.subtitle or named
    title, in_title = _relevel(title, lang, said, level)
    if not cfg.subtitle:
        return title, named
    subtitle, in_sub = _relevel(cfg.subtitle, lang, said, level)
    if not (in_title or in_sub):
        subtitle = f"{named} · {subtitle}"
    return title, subtitle


def _stamp(record: Mapping[str, Any]) -> str:
    hashes = ", ".join(f"{n} {h[:12]}" for n, h in record["inputs"].items())
    return f"geo-priority {__version__} · {record['run_at']} · sha256: {hashes}"


def _warning(analysis: Analysis, lang: str) -> str:
    warning = text("schematic", lang) if analysis.schematic else ""
    if analysis.config.synthetic:
        warning = f"{text('synthetic', lang)} {warning}".strip()
    return warning


def _sources(analysis: Analysis) -> tuple[str, ...]:
    """Return the cited sources of the values, then the boundary layer's."""
    cfg = analysis.config
    if analysis.schematic:
        return analysis.sources
    return (*analysis.sources, boundary_credit(cfg))


def map_texts(analysis: Analysis, record: Mapping[str, Any]) -> MapText:
    """Return the title, subtitle, warning, sources and method note of the map.

    Every line is in the analysis's language (``outputs.lang``) and in plain
    words: indicator names, weights as whole percentages adding up to 100,
    direction, scaling, missing values and classes; the title and subtitle
    name the analysis's own level (see :func:`level_titles`).

    Parameters
    ----------
    analysis : Analysis
    record : Mapping
        Its run record (:func:`geo_priority.metadata.run_record`).

    Returns
    -------
    MapText
    """
    lang = analysis.config.outputs.lang
    title, subtitle = level_titles(analysis)
    short = f"geo-priority {__version__} · {record['run_at'][:10]}"
    facts = md.footer_lines(analysis_metadata(analysis, record), lang)
    satu_data = tuple(facts[k] for k in ("producer", "codes", "crs") if k in facts)
    with use_language(lang):
        method = method_sentences(analysis)
        decisions = decision_sentences(analysis, lang)
        indicators = indicator_sentences(analysis, lang)
    return MapText(
        title,
        subtitle,
        _sources(analysis),
        short,
        _warning(analysis, lang),
        (*method, *decisions, *_notes(analysis), *satu_data),
        indicators,
        _stamp(record),
        schematic=analysis.schematic,
    )


def _notes(analysis: Analysis) -> tuple[str, ...]:
    """Return the notes a meeting must read: values left out, filled or hidden.

    How codes were read is said once, in plain words, by the region-code line
    of the metadata; the full notes stay in the run record and the CLI output.
    """
    return tuple(analysis.scores.notes)


def figure_texts(analysis: Analysis, record: Mapping[str, Any]) -> MapText:
    """Return the texts of the static figure: the map's, with a one-line method."""
    lang = analysis.config.outputs.lang
    with use_language(lang):
        method = f"{short_method(analysis, lang)}; geo-priority {__version__}"
    return dataclasses.replace(
        map_texts(analysis, record), sources=analysis.sources, method=method
    )
