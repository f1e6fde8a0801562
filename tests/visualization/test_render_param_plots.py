"""Every parameter plot renders: matplotlib to PNG, plotly to validated JSON and, with kaleido and a Chrome or
Chromium on the machine, to PNG (one batch, one browser start), so that a figure a renderer rejects cannot pass."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
from pyhpo.terminator import BestValueStagnationEvaluator
from pyhpo.visualization import _contour, _parallel_coordinate, _rank, _slice, _terminator_improvement
from pyhpo.visualization.matplotlib import _contour as m_contour
from pyhpo.visualization.matplotlib import _parallel_coordinate as m_parallel_coordinate
from pyhpo.visualization.matplotlib import _rank as m_rank
from pyhpo.visualization.matplotlib import _slice as m_slice
from pyhpo.visualization.matplotlib import _terminator_improvement as m_terminator_improvement
from tests.visualization.param_plots_helpers import build_study, make_rows

pytestmark = [
    pytest.mark.filterwarnings("ignore::pyhpo.exceptions.ExperimentalWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore:Contour plot will not be displayed:UserWarning"),
]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

PLOTLY = {
    "slice": _slice.plot_slice,
    "parallel_coordinate": _parallel_coordinate.plot_parallel_coordinate,
    "contour": _contour.plot_contour,
    "rank": _rank.plot_rank,
}
MATPLOTLIB = {
    "slice": m_slice.plot_slice,
    "parallel_coordinate": m_parallel_coordinate.plot_parallel_coordinate,
    "contour": m_contour.plot_contour,
    "rank": m_rank.plot_rank,
}


def _studies() -> dict[str, Any]:
    return {
        "single": build_study(pyhpo, make_rows(24, constraints=True, seed=5), ["minimize"]),
        "two": build_study(pyhpo, make_rows(20, n_objectives=2, seed=6), ["minimize", "maximize"]),
        "empty": pyhpo.create_study(),
    }


def _calls(plots: dict[str, Any], terminator: Any, every_shape: bool = True) -> dict[str, Any]:
    """Each plot on each kind of study; with ``every_shape`` False, one figure per plot (PNG export is slow).

    The per-plot test files already save their matplotlib figures of two and three parameters to PNG.
    """
    s = _studies()
    calls: dict[str, Any] = {}
    for name, plot in plots.items():
        calls[f"{name}_two_params"] = lambda plot=plot: plot(s["single"], ["f_log", "c_mixed"])
        if not every_shape:
            continue
        calls[f"{name}_three_params"] = lambda plot=plot: plot(s["single"], ["i_lin", "c_str", "i_log"])
        calls[f"{name}_target"] = lambda plot=plot: plot(
            s["two"], ["f_step", "c_num"], target=lambda t: t.values[1], target_name="b"
        )
        calls[f"{name}_empty"] = lambda plot=plot: plot(s["empty"])
    calls["parallel_coordinate_pareto"] = lambda: plots["parallel_coordinate"](s["two"])
    calls["terminator"] = lambda: terminator(
        s["single"], plot_error=True, improvement_evaluator=BestValueStagnationEvaluator(), min_n_trials=5
    )
    if every_shape:
        calls["terminator_empty"] = lambda: terminator(
            s["empty"], improvement_evaluator=BestValueStagnationEvaluator()
        )
    return calls


def _assert_png(path: Path) -> None:
    import matplotlib.image

    assert path.read_bytes()[:8] == PNG_MAGIC
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[0] >= 300 and pixels.shape[1] >= 400
    assert np.ptp(pixels) > 0


def test_every_matplotlib_figure_renders_to_png(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    calls = _calls(MATPLOTLIB, m_terminator_improvement.plot_terminator_improvement)
    for name, draw in calls.items():
        if name.endswith(("_two_params", "_three_params")):
            continue  # saved to PNG by the per-plot tests
        axes = draw()
        figure = np.ravel(axes)[0].figure if isinstance(axes, np.ndarray) else axes.figure
        path = tmp_path / f"{name}.png"
        figure.savefig(path)
        plt.close(figure)
        _assert_png(path)


def test_every_plotly_figure_is_valid_json() -> None:
    import plotly.io as pio

    for name, draw in _calls(PLOTLY, _terminator_improvement.plot_terminator_improvement).items():
        figure = draw()
        again = pio.from_json(pio.to_json(figure, validate=True))
        assert again.layout.title.text, name


def test_every_plotly_figure_renders_to_png(tmp_path: Path) -> None:
    """With kaleido (>= 1) and a Chrome or Chromium browser; skipped, with the reason, where there is none."""
    pytest.importorskip("kaleido")
    import plotly.io as pio

    calls = _calls(PLOTLY, _terminator_improvement.plot_terminator_improvement, every_shape=False)
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


@pytest.mark.parametrize("module", ["plotly.graph_objects", "matplotlib.pyplot"])
def test_a_missing_backend_names_the_extra(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    plots = PLOTLY if module.startswith("plotly") else MATPLOTLIB
    study = pyhpo.create_study()
    for plot in plots.values():
        with pytest.raises(ImportError, match=r'pip install "pyhpo-opt\[visualization\]"'):
            plot(study)
