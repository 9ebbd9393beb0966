"""What the benchmark scripts share: the repository root, the corpus's files by kind, and timing a
process (wall time, CPU time, and the peak memory of its whole process tree)."""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def wall(command: list[str], runs: int, cwd: Path = ROOT) -> float:
    """Median wall time of ``command`` (``python -m ecslint`` imports the package of ``cwd``)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def corpus_paths(corpus: str, kinds: tuple[str, ...]) -> list[str]:
    """The corpus files (``MANIFEST.tsv``) whose kind ends with one of ``kinds``."""
    with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as handle:
        return [os.path.join(corpus, row["path"]) for row in csv.DictReader(handle, delimiter="\t")
                if row["kind"].endswith(kinds)]


@dataclass
class Run:
    """One process, measured: wall seconds, user+sys CPU seconds of it and of the children it waited
    for (``os.wait4``), the peak of the summed resident sets of its process tree (sampled from
    /proc), the largest single resident set (``ru_maxrss``), and its exit status."""

    wall: float
    cpu: float
    tree_rss: int  # bytes
    maxrss: int  # bytes
    returncode: int
    stderr: str

    @property
    def utilisation(self) -> float:
        """CPU time over wall time: 1.0 is one core busy all along."""
        return self.cpu / self.wall if self.wall else 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(child) for child in handle.read().split())
        except OSError:
            pass
    return found


def tree_rss(pid: int) -> int:
    """The summed resident set, in bytes, of ``pid`` and all its descendants now."""
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        pending.extend(_children(current))
    return total


def measure(command: list[str], cwd: str | os.PathLike = ROOT, env: dict[str, str] | None = None,
            interval: float = 0.015) -> Run:
    """Run ``command`` once (output discarded, the last of its standard error kept), sampling the
    resident set of its process tree every ``interval`` seconds."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(process.pid))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read()[-2000:].decode("utf-8", "replace")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, peak, usage.ru_maxrss * 1024, process.returncode, tail)

