"""Small datasets shared by the integration tests (scikit-learn's built-ins, split once)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def breast_cancer() -> tuple[Any, Any, Any, Any]:
    """Breast cancer (569 rows, binary), split 75/25 with a fixed seed: x_train, x_valid, y_train, y_valid."""
    datasets = pytest.importorskip("sklearn.datasets")
    model_selection = pytest.importorskip("sklearn.model_selection")
    x, y = datasets.load_breast_cancer(return_X_y=True)
    return tuple(model_selection.train_test_split(x, y, test_size=0.25, random_state=0))  # type: ignore[return-value]
