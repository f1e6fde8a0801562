"""optuna-dashboard imports and serves pyhpo's studies when ``import optuna`` gives pyhpo.

Run in a child process (``_optuna_is_pyhpo_child.py``) so that the redirected ``optuna`` never reaches the
other tests.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("optuna_dashboard")
pytest.importorskip("webtest")

ROOT = Path(__file__).resolve().parents[2]


def test_the_dashboard_runs_on_pyhpo_as_optuna(tmp_path: Any) -> None:
    if importlib.util.find_spec("pyhpo._imports") is None:
        pytest.skip("optuna-dashboard imports optuna._imports.try_import, which pyhpo does not have yet")
    result = subprocess.run(
        [sys.executable, "-m", "tests.dashboard._optuna_is_pyhpo_child", str(tmp_path / "journal.log")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "dashboard served pyhpo studies with optuna resolving to pyhpo" in result.stdout
