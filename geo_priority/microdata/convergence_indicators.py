"""Map layers of the programme convergence, as indicators a run can show.

:func:`convergence_indicators` returns the indicator settings for the
convergence columns that ``aggregate`` writes (and the desa demo reads):
the share of target families reached by no programme and the graduation
gap. They are re-derived from their numerator and denominator at every
level and, by default, shown but not scored (``score = False``), so adding
them never changes the priority ranking.

Examples
--------
>>> [i.key for i in convergence_indicators("id")]
['share_programmes_0', 'graduation_gap']
>>> convergence_indicators("en")[1].label
'Graduation gap: % of desil-1 families reached by no income programme'
"""

from __future__ import annotations

from geo_priority.config import IndicatorConfig
from geo_priority.microdata.convergence import COUNTS_K, GAP
from geo_priority.microdata.tables import TARGET_WORDS

__all__ = ["convergence_indicators"]


def _words(target: str) -> tuple[str, str]:
    fam, fam_en = TARGET_WORDS.get(target, TARGET_WORDS["desil1"])[:2]
    return fam, fam_en


def convergence_indicators(
    lang: str = "id", *, target: str = "desil1", score: bool = False
) -> list[IndicatorConfig]:
    """Return the convergence indicators, labelled in words in ``lang``.

    Parameters
    ----------
    lang : {"id", "en"}
        Language of ``label`` (``label_en`` is always English).
    target : {"desil1", "desil12", "miskin_ekstrem"}
        The target group the registry was aggregated for (named in labels).
    score : bool
        Let them count in the priority score (default: map layers only).

    Returns
    -------
    list of IndicatorConfig
        ``share_programmes_0`` (% of target families with no programme) and
        ``graduation_gap`` (% reached by no income programme), both
        ``higher_is_worse``, percent, from ``<rate>_num`` / ``target_families``.
    """
    fam, fam_en = _words(target)
    texts = {
        "share_programmes_0": (
            COUNTS_K[0],
            f"Konvergensi: % {fam} yang tidak menerima satu pun program",
            f"Convergence: % of {fam_en} receiving no programme",
        ),
        "graduation_gap": (
            GAP,
            f"Kesenjangan graduasi: % {fam} tanpa program peningkatan pendapatan",
            f"Graduation gap: % of {fam_en} reached by no income programme",
        ),
    }
    out = []
    for key, (num, label_id, label_en) in texts.items():
        out.append(
            IndicatorConfig(
                key=key,
                source=key,
                direction="higher_is_worse",
                label=label_en if lang == "en" else label_id,
                label_en=label_en,
                unit="%",
                numerator=num,
                denominator="target_families",
                scale=100.0,
                score=score,
                optional=True,
                decimals=1,
            )
        )
    return out
