"""The runtime kit: what every floor needs from the process it runs in, written once.

- :func:`after_fork` — objects that hold locks, connections or identities register here; a forked child calls
  each one's reset method once (one ``os.register_at_fork`` hook for the whole package, where the platform has
  ``fork``).
- :class:`LockFreePickle` — pickles an object without its transient attributes (locks, caches tied to a
  process) and rebuilds them after unpickling, so copies for ``n_jobs`` workers and spawned processes work.
- :func:`lazy_exports` — the module ``__getattr__``/``__dir__`` pair that loads a public name from its module on
  first use (optional dependencies stay unimported until asked for).
- :func:`check_heartbeat_options` — the one check of ``heartbeat_interval``/``grace_period`` every storage with
  heartbeats runs.

A floor-1 module: it imports only the standard library.
"""

from __future__ import annotations

import importlib
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["LockFreePickle", "after_fork", "check_heartbeat_options", "lazy_exports"]


class _ForkAware(Protocol):
    def _after_fork_in_child(self) -> None: ...


_fork_aware: weakref.WeakSet[Any] = weakref.WeakSet()
_fork_aware_lock = threading.Lock()


def after_fork(obj: _ForkAware) -> None:
    """Have ``obj._after_fork_in_child()`` run in every child this process forks, while ``obj`` lives.

    Held by a weak reference: registering never keeps an object alive.
    """
    with _fork_aware_lock:
        _fork_aware.add(obj)


def _run_after_fork_in_child() -> None:
    # The child has one thread; a lock another thread of the parent held at fork time would never be released.
    global _fork_aware_lock
    _fork_aware_lock = threading.Lock()
    for obj in list(_fork_aware):
        obj._after_fork_in_child()


if hasattr(os, "register_at_fork"):  # Windows has no fork()
    os.register_at_fork(after_in_child=_run_after_fork_in_child)


class LockFreePickle:
    """Mixin: pickle without the attributes named in ``_transient_``, and rebuild each after unpickling.

    ``_transient_`` maps an attribute name to a zero-argument factory (``threading.Lock``, ``dict``...). A
    subclass that needs more after unpickling overrides ``__setstate__`` and calls ``super().__setstate__``.
    """

    _transient_: ClassVar[dict[str, Callable[[], Any]]] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for name in self._transient_:
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name, factory in self._transient_.items():
            setattr(self, name, factory())


def lazy_exports(
    module_name: str, exports: dict[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for a module whose names in ``exports`` load on first use.

    ``exports`` maps a public name to the module defining it. The loaded object is cached in ``namespace`` (the
    module's ``globals()``), so the import runs once. An unknown name raises Optuna-style AttributeError.
    """

    def __getattr__(name: str) -> Any:
        target = exports.get(name)
        if target is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(target), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__


def check_heartbeat_options(heartbeat_interval: object, grace_period: object) -> None:
    """Raise ValueError unless each is None or a positive number, in Optuna's words (code ported from it matches them).

    Stricter than Optuna on types: a bool or a string is refused, not compared with 0.
    """
    for name, value in (("heartbeat_interval", heartbeat_interval), ("grace_period", grace_period)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
        ):
            raise ValueError(f"The value of `{name}` should be a positive integer.")
