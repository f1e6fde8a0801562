"""What TPE knows about a study's finished trials, kept incrementally.

Finished trials never change, so each is read once: its number, state, objective values, how far it got
(pruned trials), how much it violates its constraints, and a reference to its parameters. Columns of
parameter values are encoded per (name, distribution) as trials arrive, and the good/bad split is
recomputed only when a trial has been added. A TPE step on an unchanged study therefore costs a
length check, and on a grown study work proportional to what is new (plus the vectorised split).
"""

from __future__ import annotations

import itertools
import math
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._hypervolume import solve_hssp
from pyhpo._multi_objective import fast_non_domination_rank
from pyhpo._values import StudyDirection, TrialState
from pyhpo.distributions import BaseDistribution, CategoricalDistribution
from pyhpo.samplers._base import _infeasibility
from pyhpo.samplers._tpe.parzen_estimator import _Space

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pyhpo._values import FrozenTrial

__all__: list[str] = []


class _Column:
    """Encoded values of one parameter over the history rows (NaN where absent or not representable).

    Encoded as the Parzen estimator wants them: unit coordinates for numbers, choice indices for categories.
    """

    __slots__ = ("dist", "n", "order", "order_values", "space", "values")

    def __init__(self, name: str, dist: BaseDistribution) -> None:
        self.dist = dist
        self.space = _Space({name: dist})
        self.values = np.empty(16)
        self.n = 0
        # Rows sorted by value (ties by row, NaN last) and the values in that order, for the first
        # ``len(order)`` rows; kept up to date on demand by :meth:`_History.sorted_rows`.
        self.order = np.empty(0, dtype=np.intp)
        self.order_values = np.empty(0)


def _encode(dist: BaseDistribution, value: Any) -> float:
    """A parameter value as a float: the number itself, or the index of the choice (NaN if not a choice)."""
    if isinstance(dist, CategoricalDistribution):
        try:
            return dist.to_internal_repr(value)
        except ValueError:
            return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _no_storage() -> None:
    return None


class _History:
    """Rows of finished (COMPLETE or PRUNED) trials of one study, in arrival order."""

    def __init__(self, storage: Callable[[], object] = _no_storage) -> None:
        self.storage = storage  # weak reference to the storage the rows come from
        self.lock = threading.Lock()
        self._row_of: dict[int, int] = {}
        self.numbers: list[int] = []
        self.params: list[dict[str, Any]] = []
        # Per-row split inputs: [number, group (0 feasible complete, 1 pruned, 2 infeasible), key1, key2],
        # and the objective values of complete rows (NaN otherwise).
        self._keys = np.empty((0, 4))
        self._loss = np.empty((0, 0))
        self._in_number_order = True  # rows were added in increasing trial number
        self._all_feasible_complete = True  # every row is a COMPLETE trial within its constraints
        self.version = 0
        self._columns: dict[tuple[str, BaseDistribution], _Column] = {}
        # The same distribution objects come back trial after trial: look them up by identity first.
        self._by_identity: dict[tuple[str, int], tuple[BaseDistribution, _Column]] = {}
        self._split_cache: tuple[Any, ...] | None = None
        # Per search space (keyed by the identity of its object): [space, (rows, columns) buffer, rows filled,
        # whether every filled row has every parameter].
        self._matrices: dict[int, list[Any]] = {}
        # Scan state: how many trials the last scan covered, the number of the last one, the (position,
        # number) of trials that were RUNNING or WAITING then, and the RUNNING ones themselves.
        self._scanned = 0
        self._last_number = -1
        self._unsettled: list[tuple[int, int]] = []
        self.running: list[FrozenTrial] = []

    def __len__(self) -> int:
        return len(self.numbers)

    # The lock cannot be copied or pickled; a copy gets its own.
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["lock"]
        state["storage"] = _no_storage
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.lock = threading.Lock()

    def scan(self, trials: Sequence[FrozenTrial], directions: Sequence[StudyDirection]) -> None:
        """Catch up with ``trials``, all the study's trials ordered by number; set :attr:`running`.

        Only positions not settled at the previous scan are looked at: trials that were RUNNING or WAITING
        then, and trials added since. A trial list that does not line up with the previous one (a different
        study, or numbers that are not positions) is scanned in full.
        """
        n = len(trials)
        positions: Sequence[int]
        if (
            n < self._scanned
            or (self._scanned and trials[self._scanned - 1].number != self._last_number)
            or any(trials[pos].number != number for pos, number in self._unsettled)
        ):
            if n < len(self.numbers):
                self.__init__(self.storage)  # type: ignore[misc]  # a different study behind the key
            positions = range(n)
        else:
            positions = [pos for pos, _ in self._unsettled] + list(range(self._scanned, n))
        new: list[FrozenTrial] = []
        unsettled: list[tuple[int, int]] = []
        running: list[FrozenTrial] = []
        for pos in positions:
            trial = trials[pos]
            state = trial.state
            if state == TrialState.COMPLETE or state == TrialState.PRUNED:
                if trial._trial_id not in self._row_of:
                    new.append(trial)
            elif state == TrialState.RUNNING:
                unsettled.append((pos, trial.number))
                running.append(trial)
            elif state == TrialState.WAITING:
                unsettled.append((pos, trial.number))
        self._unsettled = unsettled
        self._scanned = n
        self._last_number = trials[-1].number if n else -1
        self.running = running
        if new:
            new.sort(key=lambda t: t.number)
            self._add(new, directions)

    def sync(self, trials: Sequence[FrozenTrial], directions: Sequence[StudyDirection]) -> None:
        """Add the trials not seen yet (``trials`` are the study's COMPLETE and PRUNED trials)."""
        if len(trials) == len(self.numbers):
            return  # finished trials never leave that set, so the same count means the same trials
        if len(trials) < len(self.numbers):
            self.__init__(self.storage)  # type: ignore[misc]  # a different study behind the key: start over
        missing = len(trials) - len(self.numbers)
        # New trials are usually the last ones (trials are ordered by number): scan backwards and stop
        # once all of them are found, so an update costs what is new, not the whole history.
        new: list[FrozenTrial] = []
        for trial in reversed(trials):
            if trial._trial_id not in self._row_of:
                new.append(trial)
                if len(new) == missing:
                    break
        self._add(new[::-1], directions)

    def _add(self, new: Sequence[FrozenTrial], directions: Sequence[StudyDirection]) -> None:
        """Append rows for ``new`` finished trials."""
        signs = [-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions]
        keys: list[tuple[float, float, float, float]] = []
        losses: list[Sequence[float]] = []
        nan_row = [math.nan] * len(signs)
        if (new and self.numbers and new[0].number < self.numbers[-1]) or any(
            a.number > b.number for a, b in itertools.pairwise(new)
        ):
            self._in_number_order = False
        for trial in new:
            self._row_of[trial._trial_id] = len(self.numbers)
            self.numbers.append(trial.number)
            self.params.append(trial.params)
            infeasible = _infeasibility(trial.system_attrs)
            if trial.state == TrialState.COMPLETE:
                values = trial.values
                loss = [s * v for s, v in zip(signs, values)] if values is not None else nan_row
                losses.append(loss)
                if infeasible > 0:
                    keys.append((trial.number, 2.0, infeasible, 0.0))
                    self._all_feasible_complete = False
                else:
                    keys.append((trial.number, 0.0, loss[0] if len(loss) == 1 else 0.0, 0.0))
            else:
                losses.append(nan_row)
                self._all_feasible_complete = False
                if infeasible > 0:
                    keys.append((trial.number, 2.0, infeasible, 0.0))
                else:
                    keys.append((trial.number, 1.0, *_pruned_key(trial.intermediate_values, signs[0] < 0)))
        if keys:
            self._keys = _append_rows(self._keys, np.array(keys, dtype=float))
            new_loss = np.array(losses, dtype=float).reshape(len(losses), len(signs))
            self._loss = _append_rows(self._loss.reshape(-1, len(signs)), new_loss)
        self.version += 1

    def column(self, name: str, dist: BaseDistribution) -> np.ndarray:
        """Encoded values of ``name`` for every row (a view; do not modify)."""
        col = self._column(name, dist)
        return col.values[: col.n]

    def matrix(self, space: object, items: Sequence[tuple[str, BaseDistribution]]) -> tuple[np.ndarray, bool]:
        """``(values, complete)``: the encoded values of ``items`` for every row, as ``(rows, len(items))``
        (a view; do not modify), and whether none is missing (NaN).

        ``space`` stands for ``items``: the same object must always come with the same items. The matrix
        is kept per space and only new rows are filled in (from the columns, so both always agree).
        """
        entry = self._matrices.get(id(space))
        if entry is None or entry[0] is not space:
            if len(self._matrices) > 64:
                self._matrices.clear()
            entry = self._matrices[id(space)] = [space, np.empty((16, len(items))), 0, True]
        n = len(self.numbers)
        done = entry[2]
        if done < n:
            buf = entry[1]
            if len(buf) < n:
                grown = np.empty((max(n, 2 * len(buf)), len(items)))
                grown[:done] = buf[:done]
                buf = entry[1] = grown
            for j, (name, dist) in enumerate(items):
                buf[done:n, j] = self.column(name, dist)[done:n]
            if entry[3] and np.isnan(buf[done:n]).any():
                entry[3] = False
            entry[2] = n
        values: np.ndarray = entry[1][:n]
        return values, bool(entry[3])

    def sorted_rows(self, name: str, dist: BaseDistribution) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, values)``: every row sorted by its encoded value of ``name`` (ties by row, NaN last).

        Kept incrementally: a new row is inserted where it belongs, so a TPE step on a large study gets the
        order of any subset of rows by filtering this one (linear) rather than by sorting (n log n).
        """
        col = self._column(name, dist)
        done = len(col.order)
        if done < col.n:
            if col.n - done <= 8:
                for row in range(done, col.n):
                    value = col.values[row]
                    at = (
                        len(col.order)
                        if math.isnan(value)
                        else int(np.searchsorted(col.order_values, value, side="right"))
                    )
                    col.order = np.insert(col.order, at, row)
                    col.order_values = np.insert(col.order_values, at, value)
            else:
                col.order = np.argsort(col.values[: col.n], kind="stable")
                col.order_values = col.values[col.order]
        return col.order, col.order_values

    def _column(self, name: str, dist: BaseDistribution) -> _Column:
        hit = self._by_identity.get((name, id(dist)))
        if hit is not None and hit[0] is dist:
            col = hit[1]
        else:
            found = self._columns.get((name, dist))
            if found is None:
                found = self._columns[(name, dist)] = _Column(name, dist)
            col = found
            if len(self._by_identity) > 256:
                self._by_identity.clear()
            self._by_identity[(name, id(dist))] = (dist, col)
        n = len(self.numbers)
        if col.n < n:
            if len(col.values) < n:
                grown = np.empty(max(n, 2 * len(col.values)))
                grown[: col.n] = col.values[: col.n]
                col.values = grown
            new = [
                _encode(dist, params[name]) if name in params else math.nan
                for params in self.params[col.n : n]
            ]
            if len(new) <= 8:
                # The usual case (one new trial): plain floats beat a round trip through numpy.
                dim = col.space.dims[0]
                col.values[col.n : n] = [dim.encode_scalar(v) for v in new]
            else:
                with np.errstate(invalid="ignore", divide="ignore"):
                    col.values[col.n : n] = col.space.encode(np.array(new, dtype=float).reshape(-1, 1))[:, 0]
            col.n = n
        return col

    def split(
        self, directions: Sequence[StudyDirection], gamma: Callable[[int], int]
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """``(below, order)``: the mask of rows in the good group, and the rows sorted by trial number.

        ``order`` is None when the rows already are in trial-number order (trials finished in the order they
        started, the usual case).
        """
        key = (self.version, tuple(directions), gamma)
        if self._split_cache is not None and self._split_cache[0] == key:
            return self._split_cache[1], self._split_cache[2]
        n = len(self.numbers)
        order = None if self._in_number_order else np.argsort(self._keys[:, 0], kind="stable")
        below = np.zeros(n, dtype=bool)
        n_below = int(gamma(n)) if n else 0
        if n_below > 0:
            below = _split(
                self._keys, self._loss, n_below, self._in_number_order and self._all_feasible_complete
            )
        self._split_cache = (key, below, order)
        return below, order


def _append_rows(rows: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``rows`` with ``new`` appended: a view of a buffer that grows by doubling (the history only grows)."""
    n, k = len(rows), len(new)
    base = rows.base if rows.base is not None and rows.base.ndim == 2 else rows
    if n + k > len(base) or base.shape[1] != new.shape[1] or base[:n].ctypes.data != rows.ctypes.data:
        grown = np.empty((max(2 * (n + k), 16), new.shape[1]))
        grown[:n] = rows
        base = grown
    base[n : n + k] = new
    out: np.ndarray = base[: n + k]
    return out


def _pruned_key(intermediate_values: dict[int, float], maximize: bool) -> tuple[float, float]:
    """Sort key of a pruned trial: later last step first, then better last value (NaN last)."""
    if not intermediate_values:
        return (1.0, 0.0)
    step = max(intermediate_values)
    value = float(intermediate_values[step])
    if math.isnan(value):
        return (-float(step), math.inf)
    return (-float(step), -value if maximize else value)


def _split(keys: np.ndarray, loss: np.ndarray, n_below: int, plain: bool = False) -> np.ndarray:
    """Mask of the ``n_below`` best rows: feasible complete trials, then pruned ones, then infeasible ones.

    ``keys`` rows are ``[number, group, key1, key2]``; within a group rows sort by ``key1``, ``key2``, number.
    For several objectives the feasible complete rows are ranked by non-domination first. ``plain`` says
    that every row is in group 0 with ``key2`` 0 and that rows are in number order: a stable sort by
    ``key1`` alone then gives the same order.
    """
    key1 = keys[:, 2]
    if loss.shape[1] > 1:
        feasible_complete = np.flatnonzero(keys[:, 1] == 0)
        take = _multi_objective_best(loss[feasible_complete], min(n_below, len(feasible_complete)))
        key1 = key1.copy()
        key1[feasible_complete] = np.where(take, 0.0, 1.0)
    below = np.zeros(len(keys), dtype=bool)
    if plain and len(keys) < 1024:
        below[np.argsort(key1, kind="stable")[:n_below]] = True
        return below
    rows = _split_candidates(keys[:, 1], key1, n_below)
    if rows is None:
        order = np.lexsort((keys[:, 0], keys[:, 3], key1, keys[:, 1]))
        below[order[:n_below]] = True
    else:
        k = keys[rows]
        order = np.lexsort((k[:, 0], k[:, 3], key1[rows], k[:, 1]))
        below[rows[order[:n_below]]] = True
    return below


def _split_candidates(group: np.ndarray, key1: np.ndarray, n_below: int) -> np.ndarray | None:
    """Rows that can be among the ``n_below`` first by ``(group, key1, ...)``, or None to sort them all.

    The good group is usually a few rows of a large history: every row of a group before the one where
    the count reaches ``n_below`` is in, and of that group only rows with ``key1`` up to its ``r``-th
    smallest value can be (found by partition, in linear time). Sorting these few gives the same first
    ``n_below`` rows as sorting everything, since the order is total (trial numbers are unique).
    """
    n = len(group)
    if n_below * 8 >= n or n < 1024:
        return None  # sorting everything is as cheap
    before = 0
    for g in (0.0, 1.0, 2.0):
        members = np.flatnonzero(group == g)
        if before + len(members) < n_below:
            before += len(members)
            continue
        values = key1[members]
        if np.isnan(values).any():
            return None
        r = n_below - before
        threshold = np.partition(values, r - 1)[r - 1]
        return np.concatenate((np.flatnonzero(group < g), members[values <= threshold]))
    return None


def _multi_objective_best(loss: np.ndarray, k: int) -> np.ndarray:
    """Mask of ``k`` rows of ``loss`` with the best non-domination ranks.

    Whole fronts are taken while they fit; the front that does not fit is cut by greedy hypervolume subset
    selection with Optuna's reference point (``max(1.1 w, 0.9 w)`` of the front's worst point ``w``), so
    the good group of a multi-objective study is the one Optuna's MOTPE picks.
    """
    n = len(loss)
    take = np.zeros(n, dtype=bool)
    if k <= 0:
        return take
    if k >= n:
        take[:] = True
        return take
    ranks = fast_non_domination_rank(loss, n_below=k)
    for rank in np.unique(ranks):
        members = np.flatnonzero(ranks == rank)
        room = k - int(take.sum())
        if len(members) <= room:
            take[members] = True
            if len(members) == room:
                break
            continue
        front = loss[members]
        worst = front.max(axis=0)
        reference = np.maximum(1.1 * worst, 0.9 * worst)
        reference[reference == 0] = 1e-12
        take[solve_hssp(front, members, room, reference)] = True
        break
    return take
