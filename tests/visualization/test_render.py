"""Every figure of pyhpo.visualization renders: matplotlib to PNG, plotly to validated JSON and (with kaleido and
a Chrome or Chromium on the machine) to PNG, so that a figure a renderer would reject cannot pass."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
import pyhpo.visualization as vis
from pyhpo.exceptions import ExperimentalWarning
from pyhpo.importance import BaseImportanceEvaluator
from pyhpo.visualization import matplotlib as mvis
from tests.visualization.twins import optuna_study, rich_trials, trial_kwargs

pytestmark = pytest.mark.filterwarnings("ignore::pyhpo.exceptions.ExperimentalWarning")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class _Spread(BaseImportanceEvaluator):
    """A cheap, deterministic evaluator: the spread of each parameter's numeric values."""

    def evaluate(
        self, study: Any, params: list[str] | None = None, *, target: Any = None
    ) -> dict[str, float]:
        trials = study.get_trials(deepcopy=False, states=(pyhpo.trial.TrialState.COMPLETE,))
        names = params or sorted({n for t in trials for n in t.params})
        spread = {
            n: float(
                np.ptp([t.distributions[n].to_internal_repr(t.params[n]) for t in trials if n in t.params])
            )
            for n in names
        }
        return dict(sorted(spread.items(), key=lambda kv: -kv[1]))


def _studies() -> dict[str, pyhpo.Study]:
    # The test helpers build trials with any library that speaks Optuna's API; here, pyhpo itself.
    running = rich_trials(pyhpo, n=10)
    study = optuna_study(pyhpo, running, ["minimize"], name="single")
    live = study.ask()
    live.report(1.0, 0)
    return {
        "single": study,
        "other": optuna_study(pyhpo, rich_trials(pyhpo, seed=3), ["maximize"], name="other"),
        "two": optuna_study(pyhpo, rich_trials(pyhpo, n_objectives=2), ["minimize", "maximize"], name="two"),
        "three": optuna_study(pyhpo, rich_trials(pyhpo, n_objectives=3), ["minimize"] * 3, name="three"),
        "empty": pyhpo.create_study(study_name="empty"),
        "empty_two": pyhpo.create_study(directions=["minimize", "minimize"], study_name="empty_two"),
    }


def _calls(m: Any, s: dict[str, pyhpo.Study]) -> dict[str, Any]:
    """Every plot of this part of the package, on every kind of study it takes, as name -> thunk."""
    return {
        "history": lambda: m.plot_optimization_history(s["single"]),
        "history_studies": lambda: m.plot_optimization_history([s["single"], s["other"]]),
        "history_error_bar": lambda: m.plot_optimization_history([s["single"], s["other"]], error_bar=True),
        "history_target": lambda: m.plot_optimization_history(
            s["two"], target=lambda t: t.values[0], target_name="a"
        ),
        "history_empty": lambda: m.plot_optimization_history(s["empty"]),
        "intermediate": lambda: m.plot_intermediate_values(s["single"]),
        "intermediate_empty": lambda: m.plot_intermediate_values(s["empty"]),
        "edf": lambda: m.plot_edf([s["single"], s["other"]]),
        "edf_empty": lambda: m.plot_edf(s["empty"]),
        "timeline": lambda: m.plot_timeline(s["single"]),
        "timeline_empty": lambda: m.plot_timeline(s["empty"]),
        "hypervolume": lambda: m.plot_hypervolume_history(s["two"], [40.0, 0.0]),
        "hypervolume_empty": lambda: m.plot_hypervolume_history(s["empty_two"], [1.0, 1.0]),
        "pareto_2d": lambda: m.plot_pareto_front(s["two"]),
        "pareto_3d": lambda: m.plot_pareto_front(s["three"], include_dominated_trials=False),
        "pareto_empty": lambda: m.plot_pareto_front(s["empty_two"]),
        "importances": lambda: m.plot_param_importances(s["single"], _Spread()),
        "importances_multi": lambda: m.plot_param_importances(s["two"], _Spread()),
        "importances_empty": lambda: m.plot_param_importances(s["empty"]),
    }


def _assert_png(path: Path) -> None:
    import matplotlib.image

    assert path.read_bytes()[:8] == PNG_MAGIC
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[0] >= 300 and pixels.shape[1] >= 400
    assert np.ptp(pixels) > 0  # something was drawn


def test_every_matplotlib_figure_renders_to_png(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    for name, draw in _calls(mvis, _studies()).items():
        ax = draw()
        path = tmp_path / f"{name}.png"
        ax.figure.savefig(path)
        plt.close(ax.figure)
        _assert_png(path)


def test_every_plotly_figure_is_valid_and_survives_a_json_round_trip() -> None:
    import plotly.io as pio

    for name, draw in _calls(vis, _studies()).items():
        fig = draw()
        text = pio.to_json(fig, validate=True)
        again = pio.from_json(text)
        assert again.to_plotly_json() == pio.from_json(pio.to_json(again)).to_plotly_json(), name
        assert fig.layout.title.text, name


def test_every_plotly_figure_renders_to_png(tmp_path: Path) -> None:
    """With kaleido (>= 1) and a Chrome or Chromium browser; skipped, with the reason, where there is none."""
    pytest.importorskip("kaleido")
    import plotly.io as pio

    calls = _calls(vis, _studies())
    figures = [draw() for draw in calls.values()]
    paths = [tmp_path / f"{name}.png" for name in calls]
    try:
        pio.write_images(figures, paths, format="png", width=400, height=300)
    except Exception as exc:
        if "chrom" not in f"{type(exc).__name__} {exc}".lower():
            raise
        pytest.skip(f"plotly cannot export PNG without a browser: {type(exc).__name__}: {exc}")
    for path in paths:
        _assert_png(path)


def test_experimental_warnings_match_optunas() -> None:
    study = _studies()["single"]
    with pytest.warns(ExperimentalWarning, match=r"plot_edf is experimental \(supported from v2.2.0\)"):
        mvis.plot_edf(study)
    with pytest.warns(ExperimentalWarning, match=r"plot_timeline is experimental \(supported from v3.2.0\)"):
        mvis.plot_timeline(study)
    with pytest.warns(ExperimentalWarning, match=r"is_available is experimental \(supported from v2.2.0\)"):
        assert mvis.is_available() is True
    assert vis.is_available() is True


def test_missing_plotly_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    assert vis.is_available() is False
    with pytest.raises(ImportError, match=r'pip install "pyhpo-opt\[visualization\]"'):
        vis.plot_edf(pyhpo.create_study())


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "pyhpo-opt\[visualization\]"'):
        mvis.plot_edf(pyhpo.create_study())


def test_a_timeline_of_a_trial_added_without_dates_still_draws() -> None:
    study = pyhpo.create_study()
    trial = trial_kwargs(pyhpo, 0, state="WAITING")
    study.add_trial(trial)
    (bar,) = vis.plot_timeline(study).data
    assert bar.name == "WAITING" and list(bar.x) == [1000.0]
    assert datetime.datetime.fromisoformat(bar.base[0]) <= datetime.datetime.now()
