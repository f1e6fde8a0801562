"""``assert_same`` for texts that point at Optuna's own pages.

Optuna's deprecation warnings point at its release notes and issues on GitHub; pyhpo's do too (the deprecations
are Optuna's, and those pages are where they are explained), while ``_diff`` turns only Optuna's own name into
``<lib>``. :func:`same` compares like ``assert_same`` with that one URL prefix taken as equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyhpo
from tests.compat._diff import Observed, observe, optuna

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

_OPTUNA_URL = "https://github.com/optuna/optuna/"
_NEUTRAL_URL = "https://github.com/<lib>/<lib>/"


def same(script: Callable[[ModuleType], Any], *, compare_messages: bool = True) -> Observed:
    """Run ``script`` on both libraries and fail with both observations when what a user sees differs."""
    theirs = observe(optuna, script)
    ours = observe(pyhpo, script)
    ours.warnings = [(k, m.replace(_OPTUNA_URL, _NEUTRAL_URL)) for k, m in ours.warnings]
    if not compare_messages:
        theirs.warnings = [(k, "") for k, _ in theirs.warnings]
        ours.warnings = [(k, "") for k, _ in ours.warnings]
        if theirs.error is not None and ours.error is not None:
            theirs.error, ours.error = (theirs.error[0], ""), (ours.error[0], "")
    assert ours == theirs, f"pyhpo and optuna differ:\n  optuna: {theirs}\n  pyhpo:  {ours}"
    return ours
