"""Every message template in the package has its Indonesian text, fields kept."""

from __future__ import annotations

import ast
import json
import shutil
import string
from pathlib import Path

import pytest

from geo_priority import messages
from geo_priority.messages import catalogue, tr, use_language

PACKAGE = Path(__file__).resolve().parent.parent / "geo_priority"


def _templates() -> dict[str, str]:
    """Return every literal first argument of ``tr(...)`` -> where it is."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
            ):
                arg = node.args[0]
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    raise AssertionError(
                        f"{path.name}:{node.lineno}: tr() needs a literal template"
                    )
                found.setdefault(
                    arg.value, f"{path.relative_to(PACKAGE)}:{node.lineno}"
                )
    return found


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_every_template_has_an_indonesian_text() -> None:
    missing = {t: w for t, w in _templates().items() if t not in catalogue("id")}
    assert not missing, f"add these to a file in geo_priority/locale/id/: {missing}"


@pytest.mark.parametrize("template", sorted(catalogue("id")))
def test_translation_keeps_the_fields(template: str) -> None:
    assert _fields(catalogue("id")[template]) == _fields(template)


def test_language_is_chosen_per_block() -> None:
    assert tr("{n} of {total} areas matched", n=8, total=8) == "8 dari 8 wilayah cocok"
    with use_language("en"):
        assert (
            tr("{n} of {total} areas matched", n=8, total=8) == "8 of 8 areas matched"
        )
    assert tr("{n} of {total} areas matched", n=1, total=2) == "1 dari 2 wilayah cocok"


def test_the_compiled_catalogue_is_made_from_the_catalogue_files_as_they_are() -> None:
    """``locale/id.json`` is read instead of parsing the TOML files: keep it fresh.

    After editing ``geo_priority/locale/id/*.toml`` run
    ``python -m geo_priority.messages``.
    """
    compiled = json.loads((messages.LOCALE / "id.json").read_text("utf-8"))
    sources = messages._sources("id")
    assert compiled["sources_sha256"] == messages._digest(sources), (
        "run: python -m geo_priority.messages"
    )
    assert compiled["texts"] == messages._parsed(sources)


def test_an_edited_catalogue_file_is_read_over_a_stale_compiled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(messages.LOCALE, tmp_path / "locale")
    monkeypatch.setattr(messages, "LOCALE", tmp_path / "locale")
    edited = tmp_path / "locale" / "id" / "zz_edited.toml"
    edited.write_text('"Usage:" = "Cara pakai (baru):"\n', encoding="utf-8")
    messages.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="translated twice"):
            messages.catalogue("id")  # read from the files, not the stale JSON
        edited.write_text('"A new message" = "Pesan baru"\n', encoding="utf-8")
        messages.catalogue.cache_clear()
        assert messages.catalogue("id")["A new message"] == "Pesan baru"
        messages.compile_catalogue("id")
        compiled = json.loads((tmp_path / "locale" / "id.json").read_text("utf-8"))
        assert compiled["texts"]["A new message"] == "Pesan baru"
        messages.catalogue.cache_clear()
        assert messages.catalogue("id")["A new message"] == "Pesan baru"
    finally:
        messages.catalogue.cache_clear()
