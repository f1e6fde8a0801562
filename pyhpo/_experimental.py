"""Marking parts of the public API experimental, with the warnings Optuna emits for the same parts.

Code ported from Optuna filters or asserts on these warnings (``ExperimentalWarning``, same text), so pyhpo
warns where Optuna warns, with Optuna's wording and the version in which Optuna introduced the feature:

- :func:`experimental_func` wraps a function or method: each call warns
  ``"<name> is experimental (supported from v<version>). The interface can change in the future."``;
- :func:`experimental_class` wraps a class's ``__init__`` the same way (so subclasses warn too, as in Optuna);
- :func:`warn_experimental_argument` is for an argument that is experimental in an otherwise stable API.

A floor-1 module: it imports only the standard library and :mod:`pyhpo.exceptions`.
"""

from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from pyhpo.exceptions import ExperimentalWarning

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["experimental_class", "experimental_func", "warn_experimental_argument"]

_P = ParamSpec("_P")
_R = TypeVar("_R")
_C = TypeVar("_C", bound=type)

_TAIL = "The interface can change in the future."


def _check_version(version: str) -> None:
    parts = version.split(".") if isinstance(version, str) else []
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(
            f"version must be 'x.y.z' (the Optuna release that introduced the feature), got {version!r}"
        )


def _with_note(doc: str | None, version: str) -> str:
    return (doc or "").rstrip() + (
        f"\n\n.. note::\n    Experimental since Optuna v{version}: the interface may change in newer versions.\n"
    )


def warn_experimental_argument(option_name: str, stacklevel: int = 3) -> None:
    """Warn that the argument ``option_name`` (passed with a non-default value) is experimental.

    ``stacklevel`` 3 points at the caller of the function whose argument it is.
    """
    warnings.warn(
        f"Argument ``{option_name}`` is an experimental feature. {_TAIL}",
        ExperimentalWarning,
        stacklevel=stacklevel,
    )


def experimental_func(
    version: str, name: str | None = None
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Mark a function or method experimental since Optuna ``version``.

    Args:
        version: The Optuna release that introduced the feature, ``"x.y.z"``.
        name: The name shown in the warning; by default ``module.qualname`` of the function, which is what
            Optuna shows (pass it explicitly where pyhpo's module path differs from Optuna's).
    """
    _check_version(version)

    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        shown = name if name is not None else f"{func.__module__}.{func.__qualname__}"
        message = f"{shown} is experimental (supported from v{version}). {_TAIL}"

        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            warnings.warn(message, ExperimentalWarning, stacklevel=2)
            return func(*args, **kwargs)

        wrapper.__doc__ = _with_note(func.__doc__, version)
        return wrapper

    return decorate


def experimental_class(version: str, name: str | None = None) -> Callable[[_C], _C]:
    """Mark a class experimental since Optuna ``version``: creating an instance warns.

    Args:
        version: The Optuna release that introduced the class, ``"x.y.z"``.
        name: The name shown in the warning; by default the class's ``__name__``, as in Optuna.
    """
    _check_version(version)

    def decorate(cls: _C) -> _C:
        shown = name if name is not None else cls.__name__
        message = f"{shown} is experimental (supported from v{version}). {_TAIL}"
        original_init: Callable[..., None] = cls.__init__  # type: ignore[misc]

        @functools.wraps(original_init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            warnings.warn(message, ExperimentalWarning, stacklevel=2)
            original_init(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[misc]
        cls.__doc__ = _with_note(cls.__doc__, version)
        return cls

    return decorate
