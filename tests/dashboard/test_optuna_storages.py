"""``optuna-dashboard sqlite:///...`` and ``optuna-dashboard journal.log`` show studies that pyhpo wrote.

The dashboard opens the URL or file with *Optuna's* storage (as its command line does), and the JSON API it
serves to its web page says what pyhpo wrote.
"""

from __future__ import annotations

import pytest

import pyhpo

from .studies import check_dashboard, write_studies

pytest.importorskip("optuna")
optuna_dashboard = pytest.importorskip("optuna_dashboard")
webtest = pytest.importorskip("webtest")


@pytest.mark.interop("RDB schema (optuna-dashboard)")
def test_the_dashboard_shows_a_sqlite_database_written_by_pyhpo(tmp_path: pytest.TempPathFactory) -> None:
    url = f"sqlite:///{tmp_path}/studies.db"
    single, two = write_studies(url)
    app = webtest.TestApp(optuna_dashboard.wsgi(url))
    check_dashboard(app, single, two)


@pytest.mark.interop("journal file (optuna-dashboard)")
def test_the_dashboard_shows_a_journal_file_written_by_pyhpo(tmp_path: pytest.TempPathFactory) -> None:
    path = str(tmp_path / "journal.log")
    storage = pyhpo.storages.JournalStorage(pyhpo.storages.journal.JournalFileBackend(path))
    single, two = write_studies(storage)
    app = webtest.TestApp(optuna_dashboard.wsgi(path))
    check_dashboard(app, single, two)
