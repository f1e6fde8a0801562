"""``plot_timeline``: one horizontal bar per trial, from its start to its end, coloured by state."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, NamedTuple

from pyhpo.logging import get_logger
from pyhpo.trial import TrialState
from pyhpo.visualization._utils import import_plotly, make_hovertext, satisfies_constraints

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from pyhpo.study import Study

__all__ = [
    "INFEASIBLE_KEY",
    "TimelineBarInfo",
    "TimelineInfo",
    "bar_state_name",
    "get_timeline_info",
    "plot_timeline",
]

_logger = get_logger(__name__)

# Legend name of COMPLETE trials that violate a constraint.
INFEASIBLE_KEY = "INFEASIBLE"

# A RUNNING trial older than this many times the longest finished trial is taken for a dead worker's trial, so the
# timeline does not stretch to "now" for it (Optuna's heuristic).
_STALE_FACTOR = 5
_SMALL_BAR = datetime.timedelta(seconds=1)


class TimelineBarInfo(NamedTuple):
    """One trial's bar."""

    number: int
    start: datetime.datetime
    complete: datetime.datetime
    state: TrialState
    hovertext: str
    infeasible: bool


class TimelineInfo(NamedTuple):
    """The bars of the plotted trials, in trial order."""

    bars: list[TimelineBarInfo]


def bar_state_name(bar: TimelineBarInfo) -> str:
    """The legend entry of a bar: its state's name, or ``INFEASIBLE`` for a COMPLETE infeasible trial."""
    if bar.state == TrialState.COMPLETE and bar.infeasible:
        return INFEASIBLE_KEY
    return bar.state.name


def _end_of_timeline(study: Study) -> datetime.datetime:
    """The time the open bars run to: now if a trial still runs, else the last completion."""
    trials = study.get_trials(deepcopy=False)
    durations = [
        t.datetime_complete - t.datetime_start
        for t in trials
        if t.datetime_complete is not None and t.datetime_start is not None
    ]
    longest = max(durations, default=None)
    now = datetime.datetime.now()
    running = [t for t in trials if t.state == TrialState.RUNNING]
    if longest is None:
        still_running = bool(running)
    else:
        still_running = any(
            now - t.datetime_start < _STALE_FACTOR * longest for t in running if t.datetime_start is not None
        )
    if still_running:
        return now
    return max((t.datetime_complete for t in trials if t.datetime_complete is not None), default=now)


def get_timeline_info(study: Study, n_recent_trials: int | None = None) -> TimelineInfo:
    """What the timeline plots draw: a bar per trial (the last ``n_recent_trials`` only, if given)."""
    end = _end_of_timeline(study)
    trials = study.get_trials(deepcopy=False)
    if n_recent_trials is not None:
        trials = trials[-n_recent_trials:]
    bars = []
    for trial in trials:
        start = trial.datetime_start or end
        if trial.state == TrialState.RUNNING:
            complete = end + _SMALL_BAR
        else:
            complete = trial.datetime_complete or start + _SMALL_BAR
        if complete < start:
            _logger.warning(
                f"The start and end times for Trial {trial.number} seem to be reversed. "
                f"The start time is {start} and the end time is {complete}."
            )
        bars.append(
            TimelineBarInfo(
                number=trial.number,
                start=start,
                complete=complete,
                state=trial.state,
                hovertext=make_hovertext(trial),
                infeasible=not satisfies_constraints(trial),
            )
        )
    if not bars:
        _logger.warning("Your study does not have any trials.")
    return TimelineInfo(bars)


def check_n_recent_trials(n_recent_trials: int | None) -> None:
    """Refuse an ``n_recent_trials`` that is not ``None`` or a positive integer.

    Raises:
        ValueError: ``n_recent_trials`` is 0 or negative.
    """
    if n_recent_trials is not None and n_recent_trials <= 0:
        raise ValueError(f"n_recent_trials must be a positive integer or None, got {n_recent_trials!r}.")


_PLOTLY_COLORS = {
    "COMPLETE": "blue",
    "FAIL": "red",
    "PRUNED": "orange",
    "RUNNING": "green",
    "WAITING": "gray",
    INFEASIBLE_KEY: "#cccccc",
}


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> go.Figure:
    """Plot when each trial started and ended, one bar per trial coloured by its state.

    Args:
        study: The study whose trials are plotted.
        n_recent_trials: Plot only this many most recent trials; ``None`` plots all.

    Returns:
        A :class:`plotly.graph_objects.Figure`.

    Raises:
        ValueError: ``n_recent_trials`` is 0 or negative.
    """
    check_n_recent_trials(n_recent_trials)
    go = import_plotly()
    info = get_timeline_info(study, n_recent_trials)
    groups: dict[str, list[TimelineBarInfo]] = {}
    for bar in info.bars:
        groups.setdefault(bar_state_name(bar), []).append(bar)
    # Legend order: states by name, infeasible COMPLETE trials just before the feasible ones.
    order: list[str] = []
    for state in sorted(TrialState, key=lambda s: s.name):
        if state == TrialState.COMPLETE:
            order.append(INFEASIBLE_KEY)
        order.append(state.name)
    fig = go.Figure()
    for name in order:
        bars = groups.get(name)
        if not bars:
            continue
        fig.add_trace(
            go.Bar(
                name=name,
                x=[(b.complete - b.start).total_seconds() * 1000 for b in bars],
                y=[b.number for b in bars],
                base=[b.start.isoformat() for b in bars],
                text=[b.hovertext for b in bars],
                hovertemplate="%{text}<extra>" + name + "</extra>",
                orientation="h",
                marker={"color": _PLOTLY_COLORS[name]},
                textposition="none",  # the hover text only; not printed inside the bar
            )
        )
    fig.update_xaxes(type="date")
    fig.update_layout(go.Layout(title="Timeline Plot", xaxis={"title": "Datetime"}, yaxis={"title": "Trial"}))
    fig.update_layout(showlegend=True)
    return fig
