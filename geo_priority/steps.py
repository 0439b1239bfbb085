"""Progress of a command's long steps, on stderr only.

A command turns progress on for its whole work with :func:`progress`, giving
the number of steps it expects; the library names each step where it starts
with :func:`step`, which does nothing when no command turned progress on (a
Python user of the library sees nothing)::

    with progress(RUN_STEPS):                      # the CLI, unless --quiet
        with step(tr("Reading boundaries and tables")):
            ...

On a terminal the current step is a bar of the command's steps with its
elapsed seconds, redrawn in place twice a second; a finished step stays as one
line with its time. When stderr is not a terminal (a log file, a pipe, CI)
each step is one plain line when it starts and the last line says how long the
whole took: no carriage returns, no bars. Nothing is ever written to stdout,
which carries only the paths of the files written.

Steps do not nest: a :func:`step` inside another one is part of it and shows
nothing of its own. The labels are translated by the caller with
:func:`geo_priority.messages.tr`.

Examples
--------
>>> import io
>>> log = io.StringIO()
>>> with progress(2, stream=log, tty=False, clock=iter(range(10)).__next__):
...     with step("Reading"):
...         pass
...     with step("Writing"):
...         pass
>>> print(log.getvalue(), end="")
[1/2] Reading
[2/2] Writing
Selesai dalam 3 detik
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TextIO

from geo_priority.formatting import format_number
from geo_priority.messages import language, tr

__all__ = ["BAR_WIDTH", "active", "progress", "step"]

#: Characters of the bar on a terminal.
BAR_WIDTH = 20
#: Seconds between two redraws of the bar on a terminal.
REDRAW_SECONDS = 0.5


@dataclass
class _Progress:
    """The steps of one command and where they are written."""

    total: int
    stream: TextIO
    tty: bool
    clock: Callable[[], float]
    done: int = 0
    label: str = ""
    started: float = 0.0
    step_started: float = 0.0
    open: bool = False
    lang: str = "id"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seconds(self, since: float) -> str:
        """Return the seconds since ``since`` in the user's language."""
        return format_number(max(self.clock() - since, 0.0), lang=self.lang)

    def bar(self, done: int) -> str:
        """Return ``[#####-----] 2/4`` for ``done`` of the total steps."""
        full = round(BAR_WIDTH * done / max(self.total, 1))
        fill, empty = _bar_chars(self.stream)
        return f"[{fill * full}{empty * (BAR_WIDTH - full)}] {done}/{self.total}"

    def write(self, text: str) -> None:
        """Write ``text`` and flush, one writer at a time."""
        with self.lock:
            self._put(text)

    def _put(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def _line(self, done: int) -> str:
        elapsed = self.seconds(self.step_started)
        return f"\r\x1b[K{self.bar(done)}  {self.label}  {elapsed} s"

    def redraw(self, stop: threading.Event) -> None:
        """Redraw the open step's line in place, unless it has ended."""
        with self.lock:
            if not stop.is_set():
                self._put(self._line(self.done - 1))

    def finish(self, stop: threading.Event) -> None:
        """End the step's line: the bar with this step done, and its time."""
        with self.lock:
            stop.set()
            self._put(f"{self._line(self.done)}\n")


_ACTIVE: ContextVar[_Progress | None] = ContextVar("geo_priority_steps", default=None)


def _bar_chars(stream: TextIO) -> tuple[str, str]:
    """Return the full and empty bar characters the stream can encode."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        "█░".encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return "#", "-"
    return "█", "░"


def _is_tty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def active() -> bool:
    """Return True when a command turned progress on (:func:`progress`)."""
    return _ACTIVE.get() is not None


@contextmanager
def progress(
    total: int,
    *,
    stream: TextIO | None = None,
    tty: bool | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[None]:
    """Show the steps of the block on stderr.

    Parameters
    ----------
    total : int
        The steps the command expects (the bar's length); more steps than
        that make the total grow.
    stream : text stream, optional
        Where to write; default ``sys.stderr`` (never stdout).
    tty : bool, optional
        Draw bars (True) or plain lines (False); default: whether the stream is
        a terminal.
    clock : callable, optional
        Seconds, for the elapsed times (tests pass a fake one).
    """
    out = sys.stderr if stream is None else stream
    state = _Progress(
        total=max(total, 1),
        stream=out,
        tty=_is_tty(out) if tty is None else tty,
        clock=clock,
    )
    state.started, state.lang = clock(), language()
    token = _ACTIVE.set(state)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
    if not state.tty and state.done:  # not after a failure: the error says why
        done = tr("Done in {seconds} s", seconds=state.seconds(state.started))
        state.write(f"{done}\n")


@contextmanager
def step(label: str) -> Iterator[None]:
    """Name the step the block does; shown only under :func:`progress`.

    Parameters
    ----------
    label : str
        What the step does, already translated (``tr("Writing the map")``).
    """
    state = _ACTIVE.get()
    if state is None or state.open:
        yield
        return
    state.open, state.label, state.lang = True, label, language()
    state.done += 1
    state.total = max(state.total, state.done)
    state.step_started = state.clock()
    ticker = _start(state) if state.tty else None
    if not state.tty:
        state.write(f"[{state.done}/{state.total}] {label}\n")
    try:
        yield
    finally:
        state.open = False
        if ticker is not None:
            state.finish(ticker)


def _start(state: _Progress) -> threading.Event:
    """Draw the step's bar now and every :data:`REDRAW_SECONDS` until set."""
    stop = threading.Event()
    state.redraw(stop)

    def tick() -> None:
        while not stop.wait(REDRAW_SECONDS):
            state.redraw(stop)

    threading.Thread(target=tick, name="geo-priority-steps", daemon=True).start()
    return stop
