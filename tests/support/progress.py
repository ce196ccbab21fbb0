"""A stand-in for ``psephos.core.progress.progress`` that records every bar a service draws.

bars: list[Bar] = []
monkeypatch.setattr(register, "progress", progress_recorder(bars))
...  # run the service
assert [(b.done, b.total) for b in bars] == [...]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass


@dataclass
class Bar:
    """One progress bar: what it said, the total it announced and how far it got."""

    description: str
    total: int | None
    done: int = 0


def progress_recorder(
    bars: list[Bar],
) -> Callable[..., AbstractContextManager[Callable[[int], None]]]:
    """Return a ``progress`` with the real one's signature that appends each bar to ``bars``."""

    @contextmanager
    def recording(
        description: str, total: int | None, *, enabled: bool | None = None
    ) -> Iterator[Callable[[int], None]]:
        bars.append(bar := Bar(str(description), total))

        def advance(amount: int = 1) -> None:
            bar.done += amount

        yield advance

    return recording
