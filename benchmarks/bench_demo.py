"""The desa demo on a cold cache: whole-process time, CPU, peak RSS, and each step.

``python -m geo_priority demo --level desa`` runs in a fresh process with a
fresh, empty cache folder (``GEO_PRIORITY_CACHE``), so it generates the
synthetic Banten registry (4.0 M persons), aggregates it per desa with
suppression, and runs the pipeline on the Kemendagri desa boundaries. The
steps it prints on stderr (:mod:`geo_priority.steps`, plain lines off a
terminal) are timed as they arrive. ``--warm`` runs it once more on the same
cache (the registry is then reused).

Wall time, CPU time (user + system, all threads: DuckDB uses every core) and
peak RSS come from ``os.wait4`` on the child. Each step's CPU time is read
from ``/proc/<pid>/stat`` when its line arrives (Linux; elsewhere only wall
times): on a machine shared with other work, wall time follows the load and
CPU time much less, so both are printed, with the load average at the start
and the end.

Usage:
    python benchmarks/bench_demo.py [--repeat 1] [--warm] [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    """One demo process and the seconds at which each step started."""

    wall: float = 0.0
    cpu: float = 0.0
    rss_mb: float = 0.0
    steps: list[tuple[float, float | None, str]] = field(default_factory=list)


def _cpu_of(pid: int) -> float | None:
    """Return the CPU seconds (user + system, all threads) of a live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _follow(stream: object, start: float, run: Run, tail: list[str], pid: int) -> None:
    for raw in stream:  # type: ignore[attr-defined]
        line = raw.decode(errors="replace").rstrip()
        if line.startswith("[") and "/" in line.split("]")[0]:
            run.steps.append((time.perf_counter() - start, _cpu_of(pid), line))
        tail.append(line)


def demo(cache: Path, out: Path, shared: Path) -> Run:
    """Run the desa demo once with ``cache``; return its times and steps."""
    env = {**os.environ, "GEO_PRIORITY_CACHE": str(cache)}
    env.setdefault("GEO_PRIORITY_SHARED", str(shared))
    argv = [sys.executable, "-m", "geo_priority", "demo", "--level", "desa"]
    argv += ["--out", str(out), "--overwrite"]
    run = Run()
    tail: list[str] = []
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    reader = threading.Thread(
        target=_follow, args=(child.stderr, start, run, tail, child.pid)
    )
    reader.start()
    _pid, status, usage = os.wait4(child.pid, 0)
    run.wall = time.perf_counter() - start
    reader.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit("demo failed:\n" + "\n".join(tail[-30:]))
    run.cpu = usage.ru_utime + usage.ru_stime
    run.rss_mb = usage.ru_maxrss / 1024
    return run


def report(name: str, run: Run) -> None:
    """Print the run's totals and how long each step took."""
    print(
        f"{name}: wall {run.wall:6.1f} s   CPU {run.cpu:6.1f} s   "
        f"peak RSS {run.rss_mb:6.0f} MB"
    )
    starts = [*run.steps, (run.wall, run.cpu, "")]
    for (at, cpu, label), (end, cpu_end, _) in itertools.pairwise(starts):
        used = ""
        if cpu is not None and cpu_end is not None:
            used = f"CPU {cpu_end - cpu:5.1f} s"
        print(f"    {end - at:6.1f} s  {used:>11}  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[1].parent / "shared" / "data",
    )
    parser.add_argument("--repeat", type=int, default=1, help="cold runs")
    parser.add_argument("--warm", action="store_true", help="then one warm run")
    args = parser.parse_args()
    print(
        f"geo-priority demo --level desa, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the start"
    )
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cache, out = Path(tmp) / "cache", Path(tmp) / "out"
            report(f"cold cache #{i + 1}", demo(cache, out, args.shared))
            if args.warm and i == args.repeat - 1:
                report("warm cache", demo(cache, out, args.shared))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
