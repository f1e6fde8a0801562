"""pytest setup for the benchmark suites (never collected by a plain ``python -m pytest``: testpaths=tests).

``python -m pytest benchmarks --benchmark-only`` collects the ``bench_*.py`` files (pytest's default pattern
is ``test_*.py``) and imports pyhpo from this source tree. Files that are plain scripts (run with ``python
benchmarks/bench_x.py``) define no test functions, so collecting them only imports them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_collect_file(file_path: Path, parent: Any) -> Any:
    """Collect ``benchmarks/bench_*.py`` as test modules."""
    if file_path.suffix == ".py" and file_path.name.startswith("bench_"):
        return pytest.Module.from_parent(parent, path=file_path)
    return None
