"""A pytest plugin: every ledger event the suite writes keeps the ledger's contract.

``event_record`` and ``events_record_many`` are wrapped for the whole session (in the
ledger's module and in every module that imported them by name), and each event's actor
and payload are checked against ``psephos.ledger.rules.contract``. A test during which an
event broke the contract fails after its body ran, with every breach listed; the check
runs also for events written by threads the test started.

The names a payload must not hold are the usernames and full names of the users saved
during the test, collected from ``post_save`` as they are written, so the check costs no
query at all (query-budget tests count every query).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

_breaches: list[str] = []
_names: set[str] = set()


def _user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    for name in (
        instance.get_username(),
        instance.get_full_name() if hasattr(instance, "get_full_name") else "",
        getattr(instance, "email", ""),
    ):
        if name:
            _names.add(name)


def _check(actor: str, events: list[tuple[str, str, dict[str, Any]]]) -> None:
    from psephos.ledger.rules.contract import actor_valid, payload_problems

    for action, object_key, payload in events:
        where = f"{action} {object_key}"
        if not actor_valid(actor):
            _breaches.append(f"{where}: actor {actor!r} is not an actor form")
        _breaches.extend(f"{where}: {p}" for p in payload_problems(payload, names=_names))


def _wrapped(
    record: Callable[..., Any], record_many: Callable[..., Any]
) -> tuple[Callable[..., Any], Callable[..., Any]]:
    def event_record(**kwargs: Any) -> Any:
        event = record(**kwargs)
        _check(kwargs["actor"], [(kwargs["action"], kwargs["object_key"], kwargs["payload"])])
        return event

    def events_record_many(**kwargs: Any) -> Any:
        count = record_many(**kwargs)
        _check(kwargs["actor"], list(kwargs["events"]))
        return count

    return event_record, events_record_many


def _import_every_module() -> None:
    """Import every production module of psephos, so that each writer is wrapped.

    A module that imports ``event_record`` by name and is first loaded during a test
    would otherwise keep the unwrapped function and escape the check.
    """
    import psephos

    for info in pkgutil.walk_packages(psephos.__path__, "psephos."):
        if ".tests" in info.name or ".migrations" in info.name:
            continue
        importlib.import_module(info.name)


@pytest.fixture(scope="session", autouse=True)
def _ledger_contract_installed() -> Iterator[None]:
    """Wrap the ledger's writers in every loaded module for the whole session."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    from psephos.ledger.services import events

    _import_every_module()
    originals = {
        "event_record": events.event_record,
        "events_record_many": events.events_record_many,
    }
    wrappers = dict(zip(originals, _wrapped(*originals.values()), strict=True))
    patched: list[tuple[Any, str]] = []
    for module in list(sys.modules.values()):
        for name, original in originals.items():
            if getattr(module, name, None) is original:
                setattr(module, name, wrappers[name])
                patched.append((module, name))
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="ledger_contract")
    yield
    post_save.disconnect(sender=get_user_model(), dispatch_uid="ledger_contract")
    for module, name in patched:
        setattr(module, name, originals[name])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Start each test, its fixtures included, with no breach and no user seen."""
    _breaches.clear()
    _names.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Fail a test during whose set-up or body an event broke the ledger's contract."""
    result = yield
    if _breaches:
        listed = "\n  ".join(dict.fromkeys(_breaches))
        _breaches.clear()
        pytest.fail(f"ledger events broke the actor/payload contract:\n  {listed}", pytrace=False)
    return result
