"""Loading the machine-learning framework an integration wraps, with an error that names the extra to install.

The frameworks (LightGBM, XGBoost, CatBoost, scikit-learn, Dask) are optional: ``import pyhpo.integration``
never loads them. Each integration imports its framework when it is used, inside :func:`requires`, so that a
missing framework raises :class:`ImportError` naming the ``pyhpo-opt`` extra that brings it::

    with requires("lightgbm", "LightGBMPruningCallback"):
        import lightgbm
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["requires"]


@contextlib.contextmanager
def requires(extra: str, feature: str) -> Iterator[None]:
    """Turn an :class:`ImportError` raised in the block into one that names ``pip install "pyhpo-opt[<extra>]"``.

    Args:
        extra: The pyhpo-opt extra that installs the framework imported in the block.
        feature: The pyhpo name that needs it, shown in the error.
    """
    try:
        yield
    except ImportError as error:
        raise ImportError(
            f"{feature} needs a package that could not be imported ({error}). "
            f'Install it with: pip install "pyhpo-opt[{extra}]"',
            name=error.name,
        ) from error
