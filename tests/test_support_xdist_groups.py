"""``--dist loadgroup`` keeps a group, and a module that shares a fixture, on one worker.

pytest-xdist's own grouping stopped working silently with pytest 9
(tests/support/xdist_groups.py): this runs a small suite of its own on two workers and
reads which worker ran each test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GROUPED = """
import pytest

pytestmark = pytest.mark.xdist_group("together")


@pytest.mark.parametrize("i", range(6))
def test_grouped(i):
    pass
"""
SHARED = """
import pytest


@pytest.fixture(scope="module")
def shared():
    return object()


@pytest.mark.parametrize("i", range(6))
def test_shared(shared, i):
    pass
"""
PLAIN = """
import pytest


@pytest.mark.parametrize("i", range(12))
def test_plain(i):
    pass
"""


def test_a_group_and_a_module_sharing_a_fixture_each_run_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    for name, source in (("grouped", GROUPED), ("shared", SHARED), ("plain", PLAIN)):
        (tmp_path / f"test_{name}.py").write_text(source)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-p",
            "tests.support.xdist_groups",
            "-p",
            "no:django",
            "-p",
            "no:cacheprovider",
            "-c",
            str(tmp_path / "pytest.ini"),
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    ran = re.findall(r"\[(gw\d)\] \[[ \d]+%\] PASSED (test_\w+)\.py::", run.stdout)
    workers: dict[str, set[str]] = {}
    for worker, module in ran:
        workers.setdefault(module, set()).add(worker)
    assert len(ran) == 24, run.stdout
    assert len(workers["test_grouped"]) == 1, run.stdout
    assert len(workers["test_shared"]) == 1, run.stdout
    assert "@together" in run.stdout
