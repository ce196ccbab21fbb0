"""CPU seconds of running processes, read from Linux's /proc (shared by the benchmarks)."""

from __future__ import annotations

import os

TICK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name: [0] state, [1] parent pid,
    [11] user and [12] system ticks, [13] and [14] the same for reaped children."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    return stat[stat.rindex(")") + 2 :].split()


def process_table() -> dict[int, list[str]]:
    """``proc_stat`` of every running process, by pid (processes that end meanwhile are left out)."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            out[int(pid)] = proc_stat(int(pid))
        except OSError:
            continue
    return out
