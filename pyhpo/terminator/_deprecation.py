"""The FutureWarning Optuna 5 emits when a terminator is created or scores are reported (the module is deprecated
in Optuna v4.9.0, to be removed in v6.0.0); pyhpo warns the same so code ported from Optuna sees the same
warnings."""

from __future__ import annotations

import warnings

__all__ = ["DEPRECATION_MESSAGE", "warn_deprecated"]

DEPRECATION_MESSAGE = (
    "`optuna.terminator` module has been deprecated in v4.9.0. This feature will be removed in v6.0.0. "
    "See https://github.com/optuna/optuna/releases/tag/v4.9.0."
)


def warn_deprecated(stacklevel: int = 3) -> None:
    """Warn with Optuna's message; ``stacklevel`` 3 points at the caller of the function that calls this."""
    warnings.warn(DEPRECATION_MESSAGE, FutureWarning, stacklevel=stacklevel)
