"""pyhpo's logging: the standard :mod:`logging` module under the ``pyhpo`` logger, with Optuna's line format.

By default one handler writes ``[I 2025-06-03 14:07:45,306] message`` lines to stderr at INFO level, as Optuna
does. Everything here only touches the ``pyhpo`` logger, never the root logger.
"""

from __future__ import annotations

import logging
import sys
import threading
from logging import CRITICAL, DEBUG, ERROR, FATAL, INFO, WARN, WARNING

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "create_default_formatter",
    "disable_default_handler",
    "disable_propagation",
    "enable_default_handler",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
]

_LIBRARY = "pyhpo"
_lock = threading.Lock()
_default_handler: logging.Handler | None = None


class _Formatter(logging.Formatter):
    """Optuna's line format: ``[<level initial> <date time,ms>] <message>``."""

    def __init__(self) -> None:
        super().__init__("[%(levelname_initial)s %(asctime)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.levelname_initial = record.levelname[:1]
        return super().format(record)


def _root() -> logging.Logger:
    return logging.getLogger(_LIBRARY)


def _configure() -> None:
    global _default_handler
    with _lock:
        if _default_handler is not None:
            return
        _default_handler = logging.StreamHandler(sys.stderr)
        _default_handler.setFormatter(_Formatter())
        # The stream is looked up at emit time so pytest's capture and redirected stderr both work.
        _default_handler.stream = _StderrProxy()
        root = _root()
        root.addHandler(_default_handler)
        root.setLevel(logging.INFO)
        root.propagate = False


class _StderrProxy:
    def write(self, s: str) -> int:
        return sys.stderr.write(s)

    def flush(self) -> None:
        sys.stderr.flush()


def create_default_formatter() -> logging.Formatter:
    """A new formatter writing Optuna's line format, to give your own handlers pyhpo's look."""
    return _Formatter()


def get_logger(name: str) -> logging.Logger:
    """Return a logger under the ``pyhpo`` hierarchy (``pyhpo.study._study`` and so on)."""
    _configure()
    return logging.getLogger(name)


def get_verbosity() -> int:
    """Return the level of the ``pyhpo`` logger, e.g. :data:`INFO`."""
    _configure()
    return _root().getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    """Set the level of the ``pyhpo`` logger; ``set_verbosity(pyhpo.logging.WARNING)`` silences trial lines."""
    if not isinstance(verbosity, int) or isinstance(verbosity, bool):
        raise TypeError(
            f"verbosity must be a logging level int such as pyhpo.logging.INFO, got {verbosity!r}"
        )
    _configure()
    _root().setLevel(verbosity)


def disable_default_handler() -> None:
    """Stop writing pyhpo's lines to stderr (your own handlers still get them)."""
    _configure()
    assert _default_handler is not None
    _root().removeHandler(_default_handler)


def _default_handler_enabled() -> bool:
    """Whether the default stderr handler is attached (the progress bar swaps it out and back)."""
    _configure()
    return _default_handler in _root().handlers


def enable_default_handler() -> None:
    """Write pyhpo's lines to stderr again after :func:`disable_default_handler`."""
    _configure()
    assert _default_handler is not None
    _root().addHandler(_default_handler)


def disable_propagation() -> None:
    """Do not pass pyhpo's records on to the root logger (the default)."""
    _configure()
    _root().propagate = False


def enable_propagation() -> None:
    """Pass pyhpo's records on to the root logger too, e.g. to collect them in your application's handlers."""
    _configure()
    _root().propagate = True
