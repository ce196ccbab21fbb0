"""Named hook points: an app acts inside another app's service without the two importing
each other both ways.

The app that owns a step declares a ``HookPoint`` next to it (results declares what
happens when an election is certified) and calls the registered functions at that
step, in the order below. An app that must take part imports the point, which it may
(it already depends on the owner), and registers a function in its
``AppConfig.ready()``; so the owner never imports it, the import contracts hold as they
are, and an app that is not installed takes no part because its ``ready()`` never runs.

Order is explicit: each registration gives an ``order`` number, ties broken by name, so
the sequence does not depend on the order of ``INSTALLED_APPS`` or of imports.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Registration[F]:
    name: str
    order: int
    function: F


class HookPoint[F]:
    """A named step of a service where other apps' functions of type ``F`` run."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._registered: dict[str, Registration[F]] = {}

    def __repr__(self) -> str:
        return f"HookPoint({self.name!r}: {', '.join(self.names()) or 'nothing registered'})"

    def register(self, name: str, function: F, *, order: int) -> None:
        """Run ``function`` at this point from now on, as ``name`` at position ``order``.

        Registering the same function under the same name again changes nothing (an
        app's ``ready()`` may run more than once in a process); another function under a
        name already taken raises ``ValueError``.
        """
        known = self._registered.get(name)
        if known is not None and (known.function != function or known.order != order):
            raise ValueError(f"hook point {self.name}: “{name}” is registered already")
        self._registered[name] = Registration(name, order, function)

    def registrations(self) -> tuple[Registration[F], ...]:
        """Return what runs at this point, in its order (``order``, then name)."""
        return tuple(sorted(self._registered.values(), key=lambda r: (r.order, r.name)))

    def functions(self) -> tuple[F, ...]:
        """Return the functions to call at this point, in their order."""
        return tuple(r.function for r in self.registrations())

    def names(self) -> tuple[str, ...]:
        """Return the registered names, in their order."""
        return tuple(r.name for r in self.registrations())
