"""Process facts for the serving benchmark, read from /proc: trees, RSS, CPU time, listeners.

A service may run several uvicorn workers, so every figure is summed over a process tree.
Redis and Postgres may be system processes: they are found by the port they listen on.
"""

import os
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK")

PidsOf = Callable[[], list[int]]


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (field 3 onwards), or None if gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _parents() -> dict[int, int]:
    parents = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                parents[int(entry.name)] = int(fields[1])
    return parents


def tree(root: int) -> list[int]:
    """`root` and all its descendants that are alive now."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        if (_PROC / str(pid)).exists():
            found.append(pid)
            queue.extend(children.get(pid, []))
    return found


def cmdline(pid: int) -> str:
    try:
        return (_PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def rss_mb(pids: Iterable[int]) -> float:
    """Summed VmRSS of `pids` in MB."""
    total_kb = 0
    for pid in pids:
        try:
            status = (_PROC / str(pid) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def cpu_ticks(pids: Iterable[int]) -> dict[int, int]:
    """utime + stime per pid, in clock ticks."""
    ticks = {}
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


def machine_busy_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    values = [int(v) for v in (_PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def listening_pid(port: int) -> int | None:
    """The process that owns the listening TCP socket on `port` (the parent if several share it)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (_PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{parts[9]}]")
    owners = set()
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    owners.add(int(entry.name))
                    break
        except OSError:
            continue
    parents = _parents()
    roots = [pid for pid in owners if parents.get(pid) not in owners]
    return min(roots) if roots else None


def postgres_pids(postmaster: int, database: str) -> list[int]:
    """The postmaster, its background processes, and the backends serving `database`.

    Client backends are titled "postgres: USER DB HOST(PORT) STATE"; those of other databases
    (other users of a shared server) are left out.
    """
    pids = []
    for pid in tree(postmaster):
        title = cmdline(pid)
        if pid == postmaster or f" {database} " in f"{title} " or "(" not in title:
            pids.append(pid)
    return pids


@dataclass
class CpuWindow:
    """CPU seconds per named process group over a window, plus wrk's and the whole machine's."""

    seconds: float
    by_group: dict[str, float]
    machine_busy_cores: float


class CpuMeter:
    """Reads utime + stime of named process groups before and after a window."""

    def __init__(self, groups: dict[str, PidsOf]) -> None:
        self.groups = groups

    def _sample(self) -> dict[str, dict[int, int]]:
        return {name: cpu_ticks(pids()) for name, pids in self.groups.items()}

    def measure(self, action: Callable[[], object]) -> tuple[object, CpuWindow]:
        """Run `action` (which runs the load generator as a child) and return its CPU split."""
        before, machine_before = self._sample(), machine_busy_ticks()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        result = action()
        elapsed = time.monotonic() - started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        after, machine_after = self._sample(), machine_busy_ticks()
        by_group = {}
        for name, ticks in after.items():
            spent = sum(t - before[name].get(pid, 0) for pid, t in ticks.items())
            by_group[name] = spent / _TICKS
        by_group["wrk"] = (children_after.ru_utime - children_before.ru_utime) + (
            children_after.ru_stime - children_before.ru_stime
        )
        busy = (machine_after[0] - machine_before[0]) / _TICKS
        return result, CpuWindow(elapsed, by_group, busy / elapsed if elapsed else 0.0)
