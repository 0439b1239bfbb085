"""The README's "Python API" example runs as written, on frames built in memory."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_api_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the Python API section has one example"
    return blocks[0]


def test_readme_python_api_example_runs_without_reading_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from geo_priority import io

    monkeypatch.chdir(tmp_path)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the in-memory example read a file: {args!r}")

    monkeypatch.setattr(io, "read_boundaries", refuse)
    monkeypatch.setattr(io, "read_table", refuse)
    exec(compile(_python_api_block(), str(README), "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out
    assert "3 dari 3 wilayah cocok" in out
    assert list(tmp_path.iterdir()) == []  # nothing written either
