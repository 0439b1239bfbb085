"""Write outputs safely: refuse to overwrite, and never leave half-written files.

Every writer goes through :func:`atomic_path`: the data is written to a hidden
temporary file next to the target and moved onto it with :func:`os.replace`
only when writing succeeded.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
import pandas as pd

from geo_priority.errors import InputError, OutputExistsError
from geo_priority.formatting import shorten_text
from geo_priority.messages import tr

__all__ = [
    "atomic_path",
    "check_outputs",
    "removed_on_failure",
    "write_csv",
    "write_json",
    "write_text",
]


def check_outputs(
    paths: Iterable[str | os.PathLike[str]], /, *, overwrite: bool
) -> None:
    """Raise before any work starts if an output already exists.

    Parameters
    ----------
    paths : iterable of path-like
        Every file the run will write.
    overwrite : bool
        When True, existing files are allowed (they will be replaced).

    Raises
    ------
    OutputExistsError
        Listing *all* existing paths.

    Examples
    --------
    >>> check_outputs([Path("surely/not/here.html")], overwrite=False)
    """
    if overwrite:
        return
    existing = [str(p) for p in paths if Path(p).exists()]
    if not existing:
        return
    raise OutputExistsError(exists_message(existing))


def exists_message(existing: Sequence[str], more: int = 0) -> str:
    """Say that outputs exist and how to replace them (``--overwrite``).

    Parameters
    ----------
    existing : sequence of str
        The paths that exist (those to show).
    more : int
        How many more exist beyond those shown.

    Returns
    -------
    str
        One sentence in the active language.
    """
    listed = ", ".join(repr(p) for p in existing)
    if len(existing) == 1 and not more:
        return tr(
            "output {path} already exists. Use --overwrite to replace it, or choose "
            "another --out folder.",
            path=listed,
        )
    if more:
        listed += tr(" and {n} more", n=more)
    return tr(
        "{n} outputs already exist: {paths}. Use --overwrite to replace them, or "
        "choose another --out folder.",
        n=len(existing) + more,
        paths=listed,
    )


def _temp_sibling(path: Path) -> Path:
    """Return a hidden, unique name next to ``path`` with the same suffix."""
    token = secrets.token_hex(4)
    return path.with_name(f".{path.name}.tmp-{token}{path.suffix}")


def _prepare_parent(path: Path) -> Path:
    """Create the parent folder of ``path`` and check that it is writable.

    Raises
    ------
    InputError
        When the folder cannot be created or written to.
    """
    parent = path.parent
    probe = _temp_sibling(path)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        probe.unlink()
    except OSError as err:
        raise InputError(
            tr(
                "cannot write {name!r} into folder {value!r}: {value2}. Choose "
                "another output folder (--out) or make this one writable.",
                name=path.name,
                value=shorten_text(str(parent), 120),
                value2=err.strerror or err,
            )
        ) from err
    return parent


def _remove(path: Path) -> None:
    """Delete a file or folder if it exists, ignoring errors."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def atomic_path(path: str | os.PathLike[str], /, *, overwrite: bool) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` on success.

    The temporary name keeps the suffix (``.x.html.tmp-1a2b3c4d.html``) so
    drivers that look at extensions still work. Nothing is created at that
    path; the caller writes it. If the block raises, whatever was written is
    deleted and the error propagates, so no half-written output is left.

    Parameters
    ----------
    path : path-like
        Final output path. Missing parent folders are created.
    overwrite : bool
        Replace an existing ``path``; otherwise refuse.

    Yields
    ------
    pathlib.Path
        Temporary path to write to.

    Raises
    ------
    OutputExistsError
        When ``path`` exists and ``overwrite`` is False.
    InputError
        When ``path`` is a folder, or its folder cannot be created or written.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_path(target, overwrite=False) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> target.read_text()
    'hello'
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(
            tr(
                "output {value!r} is a folder. Give a file name, e.g. {value2!r}.",
                value=str(target),
                value2=str(target / "priority.gpkg"),
            )
        )
    check_outputs([target], overwrite=overwrite)
    _prepare_parent(target)
    tmp = _temp_sibling(target)
    try:
        yield tmp
        check_outputs([target], overwrite=overwrite)
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise


def write_text(
    text: str,
    path: str | os.PathLike[str],
    /,
    *,
    overwrite: bool = False,
    encoding: str = "utf-8",
) -> Path:
    """Write ``text`` to ``path`` atomically (no newline translation).

    Parameters
    ----------
    text : str
        Content, e.g. a rendered HTML page.
    path : path-like
        Output file.
    overwrite : bool, default False
        Replace an existing file.
    encoding : str, default "utf-8"
        Text encoding.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputExistsError, InputError
        See :func:`atomic_path`.

    Examples
    --------
    >>> import tempfile
    >>> write_text("<p>hi</p>", Path(tempfile.mkdtemp()) / "a.html").name
    'a.html'
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        with open(tmp, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
    return Path(path)


def write_csv(
    df: pd.DataFrame, path: str | os.PathLike[str], /, *, overwrite: bool = False
) -> Path:
    r"""Write ``df`` as plain UTF-8 CSV (no BOM, no index, ``\n`` line ends).

    Parameters
    ----------
    df : pandas.DataFrame
        Table to write; missing values become empty cells.
    path : path-like
        Output file.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputExistsError, InputError
        See :func:`atomic_path`.

    Examples
    --------
    >>> import tempfile
    >>> out = write_csv(pd.DataFrame({"a": [1]}), Path(tempfile.mkdtemp()) / "a.csv")
    >>> out.read_text()
    'a\n1\n'
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    return Path(path)


def _json_default(value: object) -> object:
    """Convert numpy scalars, paths, sets and dates for :func:`json.dumps`."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(
        tr(
            "cannot write the value {value} to the run record (JSON): it is not "
            "text, a number, a list or a table. Please report this.",
            value=shorten_text(repr(value)),
        )
    )


def write_json(
    obj: object, path: str | os.PathLike[str], /, *, overwrite: bool = False
) -> Path:
    r"""Write ``obj`` as indented UTF-8 JSON (non-ASCII kept as is).

    Numpy scalars, paths, sets and dates are converted; anything else that
    JSON cannot hold raises :class:`TypeError` and nothing is written.

    Parameters
    ----------
    obj : object
        JSON-compatible data, e.g. the resolved config for ``run.json``.
    path : path-like
        Output file.
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputExistsError, InputError
        See :func:`atomic_path`.
    TypeError
        When ``obj`` holds a value JSON cannot represent.

    Examples
    --------
    >>> import tempfile
    >>> out = write_json({"k": 5}, Path(tempfile.mkdtemp()) / "run.json")
    >>> out.read_text()
    '{\n  "k": 5\n}\n'
    """
    text = json.dumps(obj, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    return write_text(text, path, overwrite=overwrite)


@contextmanager
def removed_on_failure(paths: Iterable[str | os.PathLike[str]], /) -> Iterator[None]:
    """Remove the files among ``paths`` that the block created, if it raises.

    Files that existed before the block are left as they are (a writer that
    failed never replaced them: :func:`atomic_path`).

    Parameters
    ----------
    paths : iterable of path-like
        Every file the block may write.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> try:
    ...     with removed_on_failure([target]):
    ...         _ = write_text("half", target)
    ...         raise RuntimeError("the next file failed")
    ... except RuntimeError:
    ...     pass
    >>> target.exists()
    False
    """
    targets = [Path(p) for p in paths]
    existed = {p for p in targets if p.exists()}
    try:
        yield
    except BaseException:
        for p in targets:
            if p not in existed:
                with suppress(OSError):
                    p.unlink(missing_ok=True)
        raise
