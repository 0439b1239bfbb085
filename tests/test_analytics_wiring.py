"""Hotspots and progress to targets wired into the run (issue 12).

The ``[hotspots]`` and ``[progress]`` sections of a config, the analysis
columns they add, the map layers, the exports and the progress figure.
"""

from __future__ import annotations

from typing import Any

import pytest

from geo_priority.config import config_from_dict
from geo_priority.errors import ConfigError


def _method(**sections: Any) -> dict[str, Any]:
    return {
        "boundaries": {"code_column": "kode"},
        "tables": [],
        "scoring": {"indicators": [{"key": "p0"}]},
        **sections,
    }


def test_hotspots_section_turns_it_on_and_enabled_false_off() -> None:
    assert config_from_dict(_method(), in_memory=True).hotspots is None
    on = config_from_dict(_method(hotspots={"weights": "rook"}), in_memory=True)
    assert on.hotspots is not None and on.hotspots.weights == "rook"
    off = config_from_dict(_method(hotspots={"enabled": False}), in_memory=True)
    assert off.hotspots is None


def test_progress_section_is_on_when_an_indicator_is_set() -> None:
    cfg = config_from_dict(
        _method(progress={"indicator": "p0", "target_id": "banten-p0-2025"}),
        in_memory=True,
    )
    assert cfg.progress.indicator == "p0"
    assert config_from_dict(_method(), in_memory=True).progress.indicator == ""


@pytest.mark.parametrize(
    ("section", "needle"),
    [
        ({"hotspots": {"colour": 1}}, "'colour'"),
        ({"hotspots": {"weights": "hex"}}, "hotspots.weights"),
        ({"progress": {"indicator": "p0", "tolerance": "a"}}, "progress.tolerance"),
        ({"progress": {"goal": 1}}, "'goal'"),
    ],
)
def test_bad_keys_and_values_name_the_key(section: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        config_from_dict(_method(**section), in_memory=True)
