"""Run in a child process by test_optuna_is_pyhpo.py: ``import optuna`` gives pyhpo, then the dashboard runs.

A meta-path finder answers every ``optuna`` and ``optuna.<name>`` import with ``pyhpo`` and ``pyhpo.<name>``,
which is what a user who makes Optuna code run on pyhpo does. Then optuna-dashboard is imported (it imports
``optuna.storages``, ``optuna.study``, ``optuna.trial``, ``optuna.importance``, ``optuna.version``,
``optuna._imports``, ...) and serves pyhpo storage objects directly, since its ``BaseStorage`` is pyhpo's.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType


class OptunaIsPyhpo(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``optuna[.x]`` is ``pyhpo[.x]``: the same module objects, not copies."""

    def find_spec(
        self, fullname: str, path: object, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "optuna" and not fullname.startswith("optuna."):
            return None
        if importlib.util.find_spec("pyhpo" + fullname[len("optuna") :]) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module("pyhpo" + spec.name[len("optuna") :])

    def exec_module(self, module: ModuleType) -> None:
        pass


def main(journal_path: str) -> None:
    sys.meta_path.insert(0, OptunaIsPyhpo())
    import optuna
    import optuna_dashboard
    import webtest

    import pyhpo
    from tests.dashboard.studies import check_dashboard, write_studies

    assert optuna is pyhpo and optuna.importance is pyhpo.importance
    for storage in (
        pyhpo.storages.InMemoryStorage(),
        pyhpo.storages.JournalStorage(pyhpo.storages.journal.JournalFileBackend(journal_path)),
    ):
        single, two = write_studies(storage)
        app = webtest.TestApp(optuna_dashboard.wsgi(storage))
        check_dashboard(app, single, two)
        ids = {s["study_name"]: s["study_id"] for s in app.get("/api/studies").json["study_summaries"]}
        importances = app.get(f"/api/studies/{ids['single']}/param_importances").json["param_importances"]
        assert {i["name"] for i in importances[0]} == {"x", "kind"}, importances
        assert app.get(f"/csv/{ids['single']}").text.splitlines()[0].startswith("Number,State,")
        running = single.get_trials()[-1]
        app.post_json(
            f"/api/trials/{running._trial_id}/tell", {"state": "Complete", "values": [-5.0]}, status=204
        )
        assert single.best_value == -5.0
        app.get("/dashboard")
    # The command-line form: a journal path, opened by the dashboard with "optuna.storages" (pyhpo's).
    app = webtest.TestApp(optuna_dashboard.wsgi(journal_path))
    assert {s["study_name"] for s in app.get("/api/studies").json["study_summaries"]} == {"single", "two"}
    print("dashboard served pyhpo studies with optuna resolving to pyhpo")


if __name__ == "__main__":
    main(sys.argv[1])
