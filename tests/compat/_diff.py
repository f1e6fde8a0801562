"""Run one scripted use of the API through ``optuna`` and through ``pyhpo`` and compare what a user sees.

A script is a function of the library module (``optuna`` or ``pyhpo``) that returns a plain value. What is
compared: that value, the exception it raised (class name, the builtin it subclasses, message), every warning
(class name, message) and every log line under the library's logger. Texts are compared after the library's
own name is replaced by ``<lib>``, so ``optuna.trial.TrialState`` and ``pyhpo.trial.TrialState`` agree.

Use :func:`assert_same` in tests; :func:`observe` when a test needs to compare only a part.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

optuna = pytest.importorskip("optuna")

LIBS: dict[str, ModuleType] = {"optuna": optuna, "pyhpo": pyhpo}

_BUILTINS = (
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    RuntimeError,
    NotImplementedError,
    OSError,
    LookupError,
    ArithmeticError,
    UserWarning,
    DeprecationWarning,
    FutureWarning,
    RuntimeWarning,
)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


_OPTUNA_REPO = "https://github.com/optuna/optuna"
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _neutral(text: str, lib: ModuleType) -> str:
    """The library's name -> ``<lib>``; generated study names' UUIDs -> ``<uuid>``; object addresses -> ``0x?``.

    Links to Optuna's repository (its release notes, which deprecation warnings cite) stay links to Optuna's
    repository in both libraries, so they are kept apart from the name replacement.
    """
    text = _ADDRESS.sub(" at 0x?", text.replace(_OPTUNA_REPO, "<upstream-repo>"))
    return _UUID.sub("<uuid>", re.sub(rf"\b{lib.__name__}\b", "<lib>", text))


def _kind(cls: type) -> tuple[str, tuple[str, ...]]:
    """A class as its name and the builtins it subclasses: the same kind in both libraries compares equal."""
    return cls.__name__, tuple(b.__name__ for b in _BUILTINS if issubclass(cls, b))


@dataclass
class Observed:
    """What a user sees of one script run."""

    result: Any = None
    error: tuple[tuple[str, tuple[str, ...]], str] | None = None
    warnings: list[tuple[tuple[str, tuple[str, ...]], str]] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)


def observe(
    lib: ModuleType, script: Callable[[ModuleType], Any], *, log_level: int = logging.INFO
) -> Observed:
    """Run ``script(lib)`` and record its result, exception, warnings and log lines (``LEVEL message``)."""
    seen = Observed()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger(lib.__name__)
    old_level = lib.logging.get_verbosity()
    logger.addHandler(handler)
    lib.logging.set_verbosity(log_level)
    lib.logging.disable_default_handler()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                seen.result = script(lib)
            except Exception as e:  # noqa: BLE001 - the error is what is compared
                seen.error = (_kind(type(e)), _neutral(str(e), lib))
    finally:
        logger.removeHandler(handler)
        lib.logging.enable_default_handler()
        lib.logging.set_verbosity(old_level)
    seen.warnings = [(_kind(w.category), _neutral(str(w.message), lib)) for w in caught]
    seen.logs = [f"{r.levelname} {_neutral(r.getMessage(), lib)}" for r in records]
    if isinstance(seen.result, str):
        seen.result = _neutral(seen.result, lib)
    return seen


def assert_same(
    script: Callable[[ModuleType], Any],
    *,
    compare_logs: bool = True,
    compare_messages: bool = True,
) -> Observed:
    """Run ``script`` on both libraries and fail with both observations when what a user sees differs.

    ``compare_messages=False`` compares exception and warning classes only (for messages that embed
    object reprs or addresses). Returns pyhpo's observation for further checks.
    """
    theirs = observe(optuna, script)
    ours = observe(pyhpo, script)
    if not compare_logs:
        theirs.logs = ours.logs = []
    if not compare_messages:
        theirs.warnings = [(k, "") for k, _ in theirs.warnings]
        ours.warnings = [(k, "") for k, _ in ours.warnings]
        if theirs.error is not None and ours.error is not None:
            theirs.error, ours.error = (theirs.error[0], ""), (ours.error[0], "")
    assert ours == theirs, (
        f"pyhpo and optuna {optuna.__version__} differ:\n  optuna: {theirs}\n  pyhpo:  {ours}"
    )
    return ours
