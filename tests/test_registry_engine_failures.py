"""Any DuckDB failure while aggregating becomes one project error (issue 15).

Not only out-of-memory: a full spill folder, an internal error or a broken
query end as one :mod:`geo_priority.errors` exception with a plain message
and a hint, chosen by the exception's type; the CLI prints one line and no
traceback. An engine failure while a file is read does not blame the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from test_microdata_cli import KEY_HEX, SIXTEEN

from geo_priority.cli import cli
from geo_priority.errors import ConfigError, GeoPriorityError, InputError
from geo_priority.io import registry
from geo_priority.microdata import export_frame, generate, load, sql
from geo_priority.microdata.engine import aggregate_counts
from geo_priority.microdata.ingest import SourceSpec

KEY = bytes.fromhex(KEY_HEX)
#: DuckDB's message, with a NIK-like run that must come out masked.
CAUSE = "failed on value '3601011508950123'"
OOM = duckdb.OutOfMemoryException(CAUSE)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame, _ = export_frame(generate("XS", seed=4)[1].head(300), "p3ke")
    path = tmp_path_factory.mktemp("failures") / "p3ke.csv"
    frame.to_csv(path, index=False)
    return path


def _raiser(exc: type[BaseException]) -> Callable[..., Any]:
    def fail(*_args: object, **_kwargs: object) -> Any:
        raise exc(CAUSE)

    return fail


CASES = [
    (duckdb.OutOfMemoryException, InputError, "ran out of memory"),
    (duckdb.IOException, InputError, "TMPDIR"),
    (duckdb.PermissionException, InputError, "temporary files"),
    (duckdb.InternalException, GeoPriorityError, "report the message"),
    (duckdb.ConversionException, GeoPriorityError, "database engine"),
    (duckdb.CatalogException, GeoPriorityError, "database engine"),
]


@pytest.mark.parametrize(("raised", "expected", "words"), CASES)
def test_failure_while_counting_is_one_project_error(
    monkeypatch, export, raised, expected, words
):
    monkeypatch.setattr(sql, "frame", _raiser(raised))
    with pytest.raises(expected, match=words) as info:
        aggregate_counts([SourceSpec(str(export))], key=KEY)
    assert not isinstance(info.value, duckdb.Error)
    assert isinstance(info.value.__cause__, raised)
    assert not SIXTEEN.search(str(info.value))
    assert "3601xxxxxxxxxxxx" in str(info.value)


def test_a_real_failing_query_is_a_project_error(monkeypatch, export):
    monkeypatch.setattr(sql, "FAMILIES", "SELECT * FROM no_such_table")
    with pytest.raises(GeoPriorityError, match="CatalogException") as info:
        aggregate_counts([SourceSpec(str(export))], key=KEY)
    assert isinstance(info.value.__cause__, duckdb.CatalogException)


def test_an_interrupt_stays_an_interrupt(monkeypatch, export):
    monkeypatch.setattr(sql, "frame", _raiser(duckdb.InterruptException))
    with pytest.raises(KeyboardInterrupt):
        aggregate_counts([SourceSpec(str(export))], key=KEY)


@pytest.mark.parametrize(
    "failure",
    [
        duckdb.OutOfMemoryException(CAUSE),
        registry.UnreadableExport(
            Path("x.csv"), duckdb.OutOfMemoryException(CAUSE), ""
        ),
    ],
    ids=["raised", "wrapped"],
)
def test_out_of_memory_while_reading_does_not_blame_the_file(
    monkeypatch, export, failure
):
    def fail(*_args: object, **_kwargs: object) -> Any:
        raise failure

    monkeypatch.setattr(load.registry, "open_export", fail)
    with pytest.raises(InputError, match="ran out of memory") as info:
        aggregate_counts([SourceSpec(str(export))], key=KEY)
    assert "cannot read" not in str(info.value)
    assert "export it again" not in str(info.value)


def test_bad_memory_limit_and_threads_are_config_errors(export):
    spec = [SourceSpec(str(export))]
    with pytest.raises(ConfigError, match="memory_limit = 'lots'"):
        aggregate_counts(spec, key=KEY, memory_limit="lots")
    with pytest.raises(ConfigError, match="threads = -1"):
        aggregate_counts(spec, key=KEY, threads=-1)


def test_cli_prints_one_line_and_no_traceback(monkeypatch, tmp_path, export):
    monkeypatch.setattr(sql, "frame", _raiser(duckdb.InternalException))
    key = tmp_path / "nik.key"
    key.write_text(KEY_HEX)
    args = ["aggregate", str(export), "--key-file", str(key), "-o", str(tmp_path / "o")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [x for x in result.stderr.splitlines() if x.startswith("Galat:")]
    assert len(errors) == 1, result.stderr
    assert "GeoPriorityError" not in errors[0] and "-v" in errors[0]
    assert not SIXTEEN.search(result.output)
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
