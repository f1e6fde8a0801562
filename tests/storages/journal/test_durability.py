"""What a power cut leaves of a journal written with the default ``sync="trial"``.

A power cut keeps every byte written before the last ``fdatasync`` and any part of what came after it. The
test records where each synced append ended and what was finished by then, then cuts the file at every byte
from that point to the next one, loads what remains, and checks that it is a valid prefix of the journal
holding every study and trial finished before the sync point (with both engines). It also checks that the
next writer repairs a cut-off tail and carries on.
"""

from __future__ import annotations

import pathlib
from typing import Any

import pytest

import pyhpo
from pyhpo.storages import JournalStorage
from pyhpo.storages.journal import JournalFileBackend
from pyhpo.storages.journal._engine import Engine
from tests.storages.journal.engines import ENGINES, use_engine


def _write_journal(path: pathlib.Path) -> list[tuple[int, dict[int, tuple[str, float | None]]]]:
    """Run a small study; return, for every synced append, the file size after it and the trials finished."""
    backend = JournalFileBackend(str(path))
    storage = JournalStorage(backend)
    sync_points: list[tuple[int, dict[int, tuple[str, float | None]]]] = []
    engine_append = backend._engine.append

    def append(data: bytes, *, sync: bool, lock_obj: Any = None) -> int:
        end = engine_append(data, sync=sync, lock_obj=lock_obj)
        if sync:
            sync_points.append((end, {}))  # trials filled in below, once the call has returned
        return end

    backend._engine.append = append  # type: ignore[method-assign]
    study = pyhpo.create_study(storage=storage, sampler=pyhpo.samplers.RandomSampler(seed=1))

    def finished() -> dict[int, tuple[str, float | None]]:
        return {t.number: (t.state.name, t.value) for t in study.get_trials() if t.state.is_finished()}

    sync_points[-1] = (sync_points[-1][0], finished())
    for number in range(3):
        trial = study.ask()
        x = trial.suggest_float("x", -1, 1)
        trial.report(x, 0)
        trial.set_user_attr("n", number)
        study.tell(
            trial, x if number != 2 else None, state=None if number != 2 else pyhpo.trial.TrialState.PRUNED
        )
        sync_points[-1] = (sync_points[-1][0], finished())
    study.ask()  # a trial left running after the last sync point
    return sync_points


@pytest.mark.parametrize("engine", ENGINES)
def test_a_cut_anywhere_past_a_sync_point_keeps_every_trial_finished_before_it(
    engine: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_engine(monkeypatch, engine)
    path = tmp_path / "journal.log"
    sync_points = _write_journal(path)
    full = path.read_bytes()
    # One sync for the study, one per finished trial; the running trial's records come after the last one.
    assert len(sync_points) == 1 + 3
    assert sync_points[-1][0] < len(full)
    lines = full.splitlines(keepends=True)
    ends = [sum(len(line) for line in lines[: i + 1]) for i in range(len(lines))]
    cut = tmp_path / "cut.log"
    limits = [end for end, _ in sync_points[1:]] + [len(full) + 1]
    for (start, finished), limit in zip(sync_points, limits):
        for size in range(start, limit):
            cut.write_bytes(full[:size])
            storage = JournalStorage(JournalFileBackend(str(cut)))
            (study,) = storage.get_all_studies()
            trials = {t.number: t for t in storage.get_all_trials(study._study_id)}
            # A valid prefix: exactly the trials whose creation line is complete, the last ones possibly
            # still RUNNING; every trial finished before the sync point is there, as it was finished.
            complete_lines = sum(1 for end in ends if end <= size)
            assert storage._reader.position.lines == complete_lines
            for number, (state, value) in finished.items():
                assert (trials[number].state.name, trials[number].value) == (state, value), (engine, size)
            storage._backend.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_next_writer_repairs_a_cut_off_tail_and_carries_on(
    engine: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_engine(monkeypatch, engine)
    path = tmp_path / "journal.log"
    sync_points = _write_journal(path)
    full = path.read_bytes()
    start, finished = sync_points[2]
    torn = full[: full.index(b"\n", start + 1) - 5] + b"\0" * 7  # half a line, then never-written blocks
    path.write_bytes(torn)
    study = pyhpo.load_study(study_name=None, storage=JournalStorage(JournalFileBackend(str(path))))
    study.optimize(lambda t: t.suggest_float("x", -1, 1), n_trials=2)
    reloaded = JournalStorage(JournalFileBackend(str(path)))
    trials = reloaded.get_all_trials(study._study_id)
    assert {t.number: (t.state.name, t.value) for t in trials if t.number in finished} == finished
    assert [t.state.name for t in trials[-2:]] == ["COMPLETE", "COMPLETE"]
    assert path.read_bytes().startswith(full[:start])


def test_sync_trial_is_the_default_and_syncs_once_per_trial(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []
    engine_append = Engine.append

    def append(self: Engine, data: bytes, *, sync: bool, lock_obj: Any = None) -> int:
        synced.append(sync)
        return engine_append(self, data, sync=sync, lock_obj=lock_obj)

    monkeypatch.setattr(Engine, "append", append)
    backend = JournalFileBackend(str(tmp_path / "journal.log"))
    assert "sync='trial'" in repr(backend)
    study = pyhpo.create_study(storage=JournalStorage(backend))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("y", 0, 3), n_trials=5)
    # create study (synced), then per trial: create, two parameters, finish (synced).
    assert synced == [True] + [False, False, False, True] * 5
