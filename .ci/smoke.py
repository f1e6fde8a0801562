"""Release smoke test of an installed pyhpo: an in-memory, a SQLite and a journal study (``n_jobs=2``).

Run it with the interpreter of the environment under test, from anywhere but the source tree::

    python .ci/smoke.py --engine c        # the C journal engine must be there (a wheel, an sdist with a compiler)
    python .ci/smoke.py --engine python   # it must not be (an sdist installed without a compiler)

Exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import warnings


def objective(trial: object) -> float:
    x = trial.suggest_float("x", -10, 10)  # type: ignore[attr-defined]
    return float((x - 2) ** 2)


def check(name: str, study: object, n_trials: int) -> None:
    trials = study.trials  # type: ignore[attr-defined]
    numbers = sorted(t.number for t in trials)
    assert numbers == list(range(n_trials)), (name, numbers)
    assert all(t.state.name == "COMPLETE" for t in trials), name
    print(f"smoke: {name}: {len(trials)} trials, best value {study.best_value:.3g}")  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["c", "python", "any"], default="any")
    args = parser.parse_args()

    import pyhpo

    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    where = os.path.abspath(pyhpo.__file__)
    assert not where.startswith(root + os.sep), f"pyhpo was imported from the source tree: {where}"
    has_c = importlib.util.find_spec("pyhpo._cjournal") is not None
    print(
        f"smoke: pyhpo {pyhpo.__version__} from {os.path.dirname(pyhpo.__file__)}; C journal engine: {has_c}"
    )
    if args.engine == "c":
        assert has_c, "the C journal engine (pyhpo._cjournal) is missing from this install"
    elif args.engine == "python":
        assert not has_c, "pyhpo._cjournal is installed although the C build was meant to fail"

    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    warnings.simplefilter("ignore", pyhpo.exceptions.ExperimentalWarning)

    study = pyhpo.create_study()
    study.optimize(objective, n_trials=20, n_jobs=2)
    check("in-memory", study, 20)

    with tempfile.TemporaryDirectory(prefix="pyhpo-smoke-") as tmp:
        url = "sqlite:///" + os.path.join(tmp, "smoke.db")
        study = pyhpo.create_study(storage=url, study_name="smoke")
        study.optimize(objective, n_trials=20, n_jobs=2)
        check("sqlite", pyhpo.load_study(study_name="smoke", storage=url), 20)

        from pyhpo.storages import JournalStorage
        from pyhpo.storages.journal import JournalFileBackend, engine_name

        if args.engine != "any":
            assert engine_name() == args.engine, engine_name()
        storage = JournalStorage(JournalFileBackend(os.path.join(tmp, "smoke.log")))
        study = pyhpo.create_study(storage=storage, study_name="smoke")
        study.optimize(objective, n_trials=20, n_jobs=2)
        reread = JournalStorage(JournalFileBackend(os.path.join(tmp, "smoke.log")))
        check(f"journal ({engine_name()} engine)", pyhpo.load_study(study_name="smoke", storage=reread), 20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
