"""``pyhpo.integration`` offers Optuna's names, loads no framework on import, and explains what it lacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pyhpo.integration


def test_importing_the_package_loads_no_framework() -> None:
    code = (
        "import sys, pyhpo.integration\n"
        "loaded = [m for m in ('lightgbm', 'xgboost', 'catboost', 'sklearn', 'dask', 'distributed') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "name", ["BoTorchSampler", "MLflowCallback", "WeightsAndBiasesCallback", "skopt", "chainer"]
)
def test_optuna_integrations_pyhpo_lacks_raise_import_error_pointing_to_the_docs(name: str) -> None:
    with pytest.raises(ImportError, match=r"not available in pyhpo.*docs/integrations\.md"):
        getattr(pyhpo.integration, name)
    with pytest.raises(ImportError, match="not available in pyhpo"):
        exec(f"from pyhpo.integration import {name}", {})


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'NoSuchCallback'"):
        pyhpo.integration.NoSuchCallback  # noqa: B018


def test_every_name_optuna_integration_exposes_is_either_built_or_explained() -> None:
    optuna_integration = pytest.importorskip("optuna.integration")
    for name in optuna_integration.__all__:
        if name in pyhpo.integration.__all__:
            assert getattr(pyhpo.integration, name).__name__ == name
        else:
            with pytest.raises(ImportError, match="not available in pyhpo"):
                getattr(pyhpo.integration, name)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("dask", "DaskStorage"),
        ("xgboost", "XGBoostPruningCallback"),
        ("catboost", "CatBoostPruningCallback"),
        ("sklearn", "OptunaSearchCV"),
        ("lightgbm", "LightGBMTuner"),
    ],
)
def test_optuna_submodules_are_here_too(module: str, name: str) -> None:
    namespace = getattr(pyhpo.integration, module)
    assert getattr(namespace, name) is getattr(pyhpo.integration, name)
