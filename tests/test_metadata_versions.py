"""The library versions of the run record and the metadata, looked up once.

The run record's ``tool`` and the metadata's ``tools`` name the same
libraries; each version is looked up once per process, to the same values
as :func:`importlib.metadata.version`.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator

import pytest

from geo_priority import metadata as md


def _installed(names: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count the calls of ``importlib.metadata.version``, from an empty cache."""
    md._library_version.cache_clear()
    calls: list[str] = []
    real = importlib.metadata.version

    def version(name: str) -> str:
        calls.append(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    yield calls
    md._library_version.cache_clear()


def test_versions_are_those_installed_and_looked_up_once(counted: list[str]) -> None:
    first = md._versions()
    tools = {n: md._library_version(n) for n in md._RECORD_LIBRARIES}
    again = md._versions()
    looked_up = list(counted)
    expected = _installed(md._LIBRARIES)
    assert again == first
    assert {k: first[k] for k in expected} == expected
    assert tools == {n: expected[n] for n in md._RECORD_LIBRARIES}
    assert sorted(looked_up) == sorted(set(md._LIBRARIES))  # each name once


def test_a_missing_library_raises_as_importlib_does(counted: list[str]) -> None:
    for _ in range(2):  # not remembered as found
        with pytest.raises(importlib.metadata.PackageNotFoundError):
            md._library_version("no-such-distribution-geo-priority")
    assert counted.count("no-such-distribution-geo-priority") == 2
    assert "no-such-distribution-geo-priority" not in md._versions()
