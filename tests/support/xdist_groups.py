"""A pytest plugin: ``--dist loadgroup`` keeps a group, and a module's shared fixture, on one worker.

pytest-xdist sends the tests of one ``xdist_group`` to one worker by writing the group's
name after the test's id (``…::test_x@fullscale``). pytest 9 keeps the id in a structured
field that pytest-xdist 3.8 does not write (pytest-dev/pytest-xdist#1386), so every
group was silently ignored: the full-scale module built the national presidential
election on both workers, and the two modules that share one simulated election
(``tests/support/shared_db.py``) simulated it twice. This plugin writes the group into
the id pytest reads.

It also groups by module every test that uses a module-scoped fixture (one Chromium per
module, ``browser``; a module's shared rows, ``module_rows``): split between two
workers, the module would start the fixture on each.

Then it orders the work (``--no-loadscope-reorder`` in pyproject.toml keeps this order;
pytest-xdist's own puts the groups with the most tests first): the full-scale tests and
the PostgreSQL-only ones (64 clients marking 10,000 voters, the SIGKILL burst, the
replica: 40–70 s each, which ran last and left one worker 80 s behind the other in
the PostgreSQL half), then the browser tests, then the other groups, then the single tests, so that the long
units start first and the short ones even out the end of the run (measured at load 5:
with the groups ordered by size, the axe and keyboard journeys ran last on one worker,
which finished 47 s after the other).
"""

from __future__ import annotations

import pytest

#: The fixture scopes a module's tests share on one worker.
SHARED_SCOPES = {"module", "class", "package"}


def _shares_a_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        definitions and definitions[-1].scope in SHARED_SCOPES
        for definitions in info.name2fixturedefs.values()
    )


def _groups(item: pytest.Item) -> set[str]:
    named = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    if not named and _shares_a_fixture(item):
        named = {item.nodeid.split("::", 1)[0]}
    return named


def _suffixed(item: pytest.Item, suffix: str) -> None:
    """Write the group suffix into the id that pytest (8 or 9) reports and xdist schedules."""
    structured = getattr(item, "_id", None)
    if structured is None:  # pytest 8 keeps the id as a string
        item._nodeid = item.nodeid + suffix  # type: ignore[attr-defined]
        return
    item._id = type(structured).parse(item.nodeid + suffix)


def _rank(item: pytest.Item, grouped: bool) -> int:
    if item.get_closest_marker("fullscale") or item.get_closest_marker("postgres"):
        return 0
    if item.get_closest_marker("browser"):
        return 1
    return 2 if grouped else 3


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # xdist sets ``loadgroup`` in a worker's options when the run is ``--dist loadgroup``.
    if not getattr(config.option, "loadgroup", False):
        return
    ranks: dict[int, int] = {}
    for item in items:
        groups = _groups(item)
        ranks[id(item)] = _rank(item, bool(groups))
        if not groups:
            continue
        suffix = "@" + "_".join(sorted(groups))
        if not item.nodeid.endswith(suffix):
            _suffixed(item, suffix)
    items.sort(key=lambda item: ranks[id(item)])
