"""``pyhpo.integration.sklearn``, as ``optuna.integration.sklearn``: ``OptunaSearchCV``.

The class subclasses scikit-learn's ``BaseEstimator``, so it is built (and scikit-learn imported) when first
asked for.
"""

from __future__ import annotations

from typing import Any

from pyhpo.integration import _sklearn

__all__ = ["OptunaSearchCV"]  # noqa: F822 - served by __getattr__


def __getattr__(name: str) -> Any:
    if name == "OptunaSearchCV":
        return _sklearn.search_cv_class()
    raise AttributeError(f"module 'pyhpo.integration.sklearn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
