"""Databases written by old Optuna releases (0.9 to 3.1) upgrade with pyhpo's migrations.

The golden databases under ``assets/`` were written by the old releases themselves (see
``assets/make_old_optuna_dbs.py``), one or more per alembic revision from ``v0.9.0.a`` to
``v3.0.0.d``; each comes with a JSON sidecar of what that release read back. After
``pyhpo storage upgrade`` both pyhpo and Optuna (the installed release) must read the same studies
and trials, equal to the sidecar.

Known, intended differences from the sidecar, each asserted below rather than skipped:

* Before Optuna 2.4, SQLite stored a reported NaN as NULL and the old release read it back as
  ``None``; after the upgrade it is NaN (Optuna's v3.0.0.c does the same; its v2.4.0.a refuses
  such a database, ours does not).
* The system attribute ``_number`` (Optuna < 1.3) becomes ``trials.number``; the sidecar already
  leaves it out.

On PostgreSQL and MySQL two kinds of old databases are upgraded: dumps (``assets/*.postgresql.sql``,
``*.mysql.sql``) of databases that Optuna 1.0 and 2.5 wrote on those servers themselves, and the
SQLite golden data loaded into a schema that pyhpo's own migrations built up to the golden revision.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy

import pyhpo
from pyhpo.cli import main as cli_main
from pyhpo.distributions import distribution_to_json, json_to_distribution
from pyhpo.storages._rdb import models
from pyhpo.storages._rdb._migrations import FLOAT32_MAX
from pyhpo.storages._rdb._versions import VersionManager
from pyhpo.storages._rdb.models import HEAD_REVISION
from pyhpo.storages._rdb.storage import RDBStorage, upgrade_storage
from tests.conftest import require_server_url
from tests.storages.rdb.dbutil import temporary_database

if TYPE_CHECKING:
    from collections.abc import Iterator

optuna = pytest.importorskip("optuna")

pytestmark = [pytest.mark.interop("RDB databases of Optuna 1.0 to 3.1, upgraded by pyhpo")]

ASSETS = Path(__file__).parent / "assets"
GOLDEN = sorted(p.stem for p in ASSETS.glob("optuna-*.db"))
OPTUNA_REVISIONS = [
    "v3.2.0.a",
    "v3.0.0.d",
    "v3.0.0.c",
    "v3.0.0.b",
    "v3.0.0.a",
    "v2.6.0.a",
    "v2.4.0.a",
    "v1.3.0.a",
    "v1.2.0.a",
    "v0.9.0.a",
]


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ASSETS / f"{name}.json").read_text())
    return data


def _revision(name: str) -> str:
    """The golden database's revision; Optuna 0.9.0 wrote none (before alembic), which counts as the base."""
    return _expected(name)["revision"] or "v0.9.0.a"


def _copy(name: str, tmp_path: Path) -> str:
    target = tmp_path / f"{name}.db"
    shutil.copy(ASSETS / f"{name}.db", target)
    return f"sqlite:///{target}"


def _float(value: Any) -> Any:
    return float(value) if isinstance(value, str) else value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def _trial_view(trial: Any, library: Any) -> dict[str, Any]:
    """What the test compares, in plain Python (distributions as their JSON object)."""
    return {
        "number": trial.number,
        "state": trial.state.name,
        "values": trial.values,
        "params": trial.params,
        "distributions": {
            k: json.loads(library.distributions.distribution_to_json(d))
            for k, d in trial.distributions.items()
        },
        "intermediate_values": dict(trial.intermediate_values),
        "user_attrs": trial.user_attrs,
        "system_attrs": trial.system_attrs,
        "datetime_start": trial.datetime_start,
        "datetime_complete": trial.datetime_complete,
    }


def _assert_views_equal(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    assert ours.keys() == theirs.keys()
    for key, mine in ours.items():
        other = theirs[key]
        if key == "intermediate_values":
            assert mine.keys() == other.keys()
            assert all(_same(mine[s], other[s]) for s in mine), (mine, other)
        else:
            assert mine == other, (key, mine, other)


def _single_precision(value: Any) -> Any:
    """What a value becomes in MySQL's single-precision FLOAT (Optuna < 3.0 there): close, or clamped.

    Close means within 1e-5: float32 keeps about 7 digits, and an old release read FLOAT back as
    MySQL's 6-significant-digit text.
    """
    if not isinstance(value, float) or math.isnan(value) or math.isinf(value):
        return value
    if abs(value) > FLOAT32_MAX:
        return math.copysign(math.inf, value)  # clamped on the way in, read as infinity after v3.0.0.c
    return pytest.approx(value, rel=1e-5)


def _assert_matches_sidecar(view: dict[str, Any], expected: dict[str, Any], single: bool = False) -> None:
    near = _single_precision if single else (lambda v: v)
    assert view["number"] == expected["number"]
    assert view["state"] == expected["state"]
    want_values = None if expected["values"] is None else [near(_float(v)) for v in expected["values"]]
    assert view["values"] == want_values
    assert view["params"] == {k: near(v) for k, v in expected["params"].items()}
    want_dists = {
        k: json.loads(distribution_to_json(json_to_distribution(json.dumps(d))))
        for k, d in expected["distributions"].items()
    }
    assert view["distributions"] == want_dists
    want_iv = {
        int(k): (math.nan if v is None else near(_float(v)))
        for k, v in expected["intermediate_values"].items()
    }
    assert view["intermediate_values"].keys() == want_iv.keys()
    assert all(_same(view["intermediate_values"][s], want_iv[s]) for s in want_iv)
    assert view["user_attrs"] == expected["user_attrs"]
    assert view["system_attrs"] == expected["system_attrs"]
    for key in ("datetime_start", "datetime_complete"):
        got, want = view[key], expected[key]
        if single and got is not None:  # MySQL's DATETIME keeps whole seconds (rounded)
            gap = abs(got - datetime.datetime.fromisoformat(want))
            assert gap <= datetime.timedelta(seconds=1), key
        else:
            assert (None if got is None else got.isoformat()) == want, key


def _assert_reads_as_expected(url: str, name: str, single: bool = False) -> None:
    expected = _expected(name)
    for want in expected["studies"]:
        ours = pyhpo.load_study(study_name=want["study_name"], storage=url)
        theirs = optuna.load_study(study_name=want["study_name"], storage=url)
        assert [d.name for d in ours.directions] == [d.name for d in theirs.directions] == want["directions"]
        assert ours.user_attrs == theirs.user_attrs == want["user_attrs"]
        our_system = ours._storage.get_study_system_attrs(ours._study_id)
        their_system = theirs._storage.get_study_system_attrs(theirs._study_id)
        assert our_system == their_system == want["system_attrs"]
        our_trials = ours.get_trials(deepcopy=False)
        their_trials = theirs.get_trials(deepcopy=False)
        assert len(our_trials) == len(their_trials) == len(want["trials"])
        for mine, other, trial_expected in zip(our_trials, their_trials, want["trials"]):
            view = _trial_view(mine, pyhpo)
            _assert_views_equal(view, _trial_view(other, optuna))
            _assert_matches_sidecar(view, trial_expected, single)
        ours._storage.engine.dispose()
        getattr(theirs._storage, "_backend", theirs._storage).engine.dispose()


@pytest.fixture(autouse=True)
def _quiet_optuna() -> Iterator[None]:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    yield


def test_every_optuna_revision_before_ours_has_a_golden_database() -> None:
    revisions = {_revision(name) for name in GOLDEN}
    assert revisions == set(OPTUNA_REVISIONS[1:])
    assert _expected("optuna-0.9.0")["revision"] is None  # and one from before alembic


def test_pyhpo_knows_optunas_revision_history() -> None:
    storage = RDBStorage("sqlite:///:memory:")
    assert storage.get_all_versions() == OPTUNA_REVISIONS
    assert storage.get_head_version() == HEAD_REVISION == OPTUNA_REVISIONS[0]


@pytest.mark.parametrize("name", GOLDEN)
def test_old_database_is_refused_with_the_pyhpo_upgrade_command(name: str, tmp_path: Path) -> None:
    url = _copy(name, tmp_path)
    revision = _revision(name)
    with pytest.raises(RuntimeError) as raised:
        RDBStorage(url)
    message = str(raised.value)
    assert f"older Optuna schema (revision {revision}" in message
    assert "`pyhpo storage upgrade --storage <URL>`" in message
    assert "pip install" not in message and "optuna storage upgrade" not in message


@pytest.mark.parametrize("name", GOLDEN)
def test_opening_an_old_database_creates_no_tables_of_the_new_schema(name: str, tmp_path: Path) -> None:
    url = _copy(name, tmp_path)
    before = sorted(sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names())
    with pytest.raises(RuntimeError):
        RDBStorage(url)
    RDBStorage(url, skip_compatibility_check=True).engine.dispose()
    after = sorted(sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names())
    if _expected(name)["revision"] is None:  # a database from before alembic is stamped with the base
        before = sorted([*before, "alembic_version"])
    assert after == before


@pytest.mark.parametrize("name", GOLDEN)
def test_cli_upgrade_then_pyhpo_and_optuna_read_what_the_old_release_wrote(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _copy(name, tmp_path)
    assert cli_main(["storage", "upgrade", "--storage", url]) == 0
    out, err = capsys.readouterr()
    assert "Completed to upgrade the storage." in out + err  # a log line, as Optuna's CLI logs it
    assert RDBStorage(url).get_current_version() == HEAD_REVISION
    _assert_reads_as_expected(url, name)


@pytest.mark.parametrize("name", GOLDEN)
def test_api_upgrade_then_optuna_accepts_the_database(name: str, tmp_path: Path) -> None:
    url = _copy(name, tmp_path)
    storage = RDBStorage(url, skip_compatibility_check=True)
    storage.upgrade()
    assert storage.get_current_version() == HEAD_REVISION
    assert upgrade_storage(url) == "This storage is up-to-date."
    assert optuna.storages.RDBStorage(url).get_current_version() == HEAD_REVISION
    _assert_reads_as_expected(url, name)


def _ddl(path: str) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return sorted(
            conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            )
        )


def _describe(
    url: str, index_names: bool = False, checks: bool = True, column_order: bool = True
) -> dict[str, Any]:
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    inspector = sqlalchemy.inspect(engine)
    described = {
        table: {
            "columns": (list if column_order else sorted)(
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ),
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
            # The index on trials.study_id is named by who made it: the models (ix_trials_study_id) or
            # the v3.2.0.a migration (trials_study_id_key, Optuna's name); its columns must agree.
            "indexes": sorted(
                (i["name"] if index_names else "", tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table)
            ),
            "checks": sorted(str(c["sqltext"]) for c in inspector.get_check_constraints(table))
            if checks
            else [],
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in inspector.get_foreign_keys(table)
            ),
        }
        for table in sorted(inspector.get_table_names())
    }
    engine.dispose()
    return described


@pytest.mark.parametrize("name", GOLDEN)
def test_upgraded_schema_is_the_one_pyhpo_creates(name: str, tmp_path: Path) -> None:
    url = _copy(name, tmp_path)
    upgrade_storage(url)
    fresh = f"sqlite:///{tmp_path}/fresh.db"
    RDBStorage(fresh).engine.dispose()
    assert _describe(url, checks=False) == _describe(fresh, checks=False)
    # Tables that SQLAlchemy < 1.4 created (Optuna <= 2.5) carry a CHECK per enumeration column. The
    # upgrade removes those of columns it rebuilds or drops; any left must admit every member.
    members = {
        "state": ("RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"),
        "direction": ("NOT_SET", "MINIMIZE", "MAXIMIZE"),
    }
    for table, described in _describe(url).items():
        for check in described["checks"]:
            if check == "version_info_id=1":
                continue
            column = check.split()[0]
            assert all(f"'{m}'" in check for m in members[column]), (table, check)


@pytest.mark.filterwarnings(
    "ignore::FutureWarning", "ignore::RuntimeWarning"
)  # raised by Optuna's migrations
@pytest.mark.parametrize("name", [n for n in GOLDEN if _revision(n) >= "v2.4.0.a"])
def test_upgraded_sqlite_schema_is_what_optunas_own_upgrade_makes(name: str, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir(), theirs.mkdir()
    upgrade_storage(_copy(name, ours))
    storage = optuna.storages.RDBStorage(
        _copy(name, theirs), skip_compatibility_check=True, skip_table_creation=True
    )
    storage.upgrade()
    storage.engine.dispose()
    optuna.storages.RDBStorage(f"sqlite:///{theirs}/{name}.db").engine.dispose()  # creates trial_heartbeats
    # Structure, not DDL text: the two upgrades rebuild tables in different steps, so SQLite lists
    # the same constraints in a different order.
    assert _describe(f"sqlite:///{ours}/{name}.db", index_names=True) == _describe(
        f"sqlite:///{theirs}/{name}.db", index_names=True
    )


def test_upgraded_oldest_database_takes_new_trials_in_every_state(tmp_path: Path) -> None:
    url = _copy("optuna-1.0.0", tmp_path)
    upgrade_storage(url)
    study = pyhpo.load_study(study_name="single", storage=url)
    before = len(study.trials)
    study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=2)
    study.enqueue_trial({"x": 1.0})  # WAITING: refused by the 1.0 schema's CHECK constraint
    study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=1)
    study.tell(study.ask(), state=pyhpo.trial.TrialState.PRUNED)
    study.enqueue_trial({"x": 2.0})
    states = [t.state.name for t in study.trials[before:]]
    assert states == ["COMPLETE", "COMPLETE", "COMPLETE", "PRUNED", "WAITING"]
    theirs = optuna.load_study(study_name="single", storage=url)
    assert [t.number for t in theirs.trials] == list(range(before + 5))
    assert theirs.trials[before + 2].params == {"x": 1.0}
    assert theirs.trials[before + 2].value == 1.0


def test_database_from_before_alembic_is_stamped_at_the_base_and_upgrades(tmp_path: Path) -> None:
    url = _copy("optuna-1.0.0", tmp_path)
    with sqlite3.connect(tmp_path / "optuna-1.0.0.db") as conn:  # what Optuna < 0.9 left behind
        conn.execute("DROP TABLE alembic_version")
        conn.execute("UPDATE version_info SET schema_version = 11")
    with pytest.raises(
        RuntimeError, match=r"older Optuna schema \(revision v0\.9\.0\.a.*pyhpo storage upgrade"
    ):
        RDBStorage(url)
    assert upgrade_storage(url) == "Completed to upgrade the storage."
    _assert_reads_as_expected(url, "optuna-1.0.0")


def test_complete_trial_without_a_value_stops_the_upgrade_and_changes_nothing(tmp_path: Path) -> None:
    url = _copy("optuna-1.5.0", tmp_path)
    path = tmp_path / "optuna-1.5.0.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE trials SET value = NULL WHERE trial_id = "
            "(SELECT MIN(trial_id) FROM trials WHERE state = 'COMPLETE')"
        )
    before = _ddl(str(path))
    with pytest.raises(
        ValueError, match=r"Found invalid trial_values records \(value=None and state='COMPLETE'\)"
    ):
        upgrade_storage(url)
    assert _ddl(str(path)) == before
    # One transaction: the migrations that ran before the failing one are rolled back too.
    assert RDBStorage(url, skip_compatibility_check=True).get_current_version() == "v1.3.0.a"


def _load_golden_into_server(name: str, server_url: str) -> None:
    """Give a fresh server database the golden database's revision and rows.

    The schema at that revision is built by pyhpo's own migrations (``alembic upgrade <revision>``
    from an empty database), so this also checks that each migration reproduces the tables the old
    release created: every golden column must find its place. The rows are then copied as the old
    release would have stored them on that server (MySQL's single-precision FLOAT clamps to the
    float32 range and has no NaN).
    """
    from alembic import command

    revision = _expected(name)["revision"]
    engine = sqlalchemy.create_engine(server_url, poolclass=sqlalchemy.pool.NullPool)
    versions = VersionManager(engine, server_url)
    with engine.begin() as conn:
        command.upgrade(versions._config(conn), revision)
    source = sqlalchemy.create_engine(f"sqlite:///{ASSETS / name}.db", poolclass=sqlalchemy.pool.NullPool)
    golden, target = sqlalchemy.MetaData(), sqlalchemy.MetaData()
    golden.reflect(source)
    if "trial_heartbeats" in golden.tables:  # Optuna >= 2.5 made it with create_all, no migration has it
        models.trial_heartbeats.create(engine)
    target.reflect(engine)
    assert set(golden.tables) == set(target.tables), revision
    mysql = engine.dialect.name == "mysql"

    def stored(value: Any) -> Any:
        if mysql and isinstance(value, float):
            return None if math.isnan(value) else max(-FLOAT32_MAX, min(FLOAT32_MAX, value))
        return value

    with source.connect() as src, engine.begin() as dst:
        for table in target.sorted_tables:
            if table.name == "alembic_version":
                continue
            old = golden.tables[table.name]
            assert {c.name for c in old.columns} == {c.name for c in table.columns}, table.name
            rows = [{k: stored(v) for k, v in row._mapping.items()} for row in src.execute(old.select())]
            if rows:
                dst.execute(table.insert(), rows)
            if engine.dialect.name == "postgresql" and rows and len(table.primary_key.columns) == 1:
                (pk,) = table.primary_key.columns
                if pk.autoincrement is True or pk.autoincrement == "auto":
                    dst.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'), "
                        f"(SELECT MAX({pk.name}) FROM {table.name}))"
                    )
    source.dispose()
    engine.dispose()


@pytest.mark.parametrize("server_var", ["PYHPO_TEST_POSTGRES_URL", "PYHPO_TEST_MYSQL_URL"])
@pytest.mark.parametrize("name", ["optuna-1.0.0", "optuna-2.5.0", "optuna-3.0.0b0"])
def test_upgrade_on_a_server(name: str, server_var: str) -> None:
    with temporary_database(require_server_url(server_var)) as url:
        _load_golden_into_server(name, url)
        with pytest.raises(RuntimeError, match=r"older Optuna schema.*pyhpo storage upgrade"):
            RDBStorage(url)
        assert upgrade_storage(url) == "Completed to upgrade the storage."
        with temporary_database(require_server_url(server_var)) as fresh:
            RDBStorage(fresh).engine.dispose()
            # ADD COLUMN appends: on a server trials.number stays last (as after Optuna's upgrade).
            assert _describe(url, column_order=False) == _describe(fresh, column_order=False)
        mysql = sqlalchemy.make_url(url).get_backend_name() == "mysql"
        _assert_reads_as_expected(url, name, single=mysql)
        # The upgraded database takes new trials, in pyhpo and in Optuna.
        study = pyhpo.load_study(study_name="single", storage=url)
        study.enqueue_trial({"x": 1.0})
        study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=2)
        theirs = optuna.load_study(study_name="single", storage=url)
        theirs.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=1)
        assert [t.state.name for t in theirs.trials[-3:]] == ["COMPLETE"] * 3
        assert [t.number for t in theirs.trials] == list(range(len(theirs.trials)))
        study._storage.engine.dispose()
        getattr(theirs._storage, "_backend", theirs._storage).engine.dispose()


def test_old_database_that_a_new_optuna_already_opened_still_upgrades(tmp_path: Path) -> None:
    """Optuna 5 creates today's tables in an old database before it refuses it; they must not be in the way."""
    url = _copy("optuna-1.5.0", tmp_path)
    with pytest.raises(RuntimeError, match="optuna storage upgrade"):
        optuna.storages.RDBStorage(url)
    tables = sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names()
    assert {"study_directions", "trial_intermediate_values", "trial_heartbeats"} <= set(tables)
    assert upgrade_storage(url) == "Completed to upgrade the storage."
    _assert_reads_as_expected(url, "optuna-1.5.0")


def test_distributions_are_rewritten_across_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """v3.0.0.a reads trial_params a page at a time: every page is converted, not only the first."""
    url = _copy("optuna-2.10.1", tmp_path)
    versions_dir = Path(__file__).parents[3] / "pyhpo" / "storages" / "_rdb" / "alembic" / "versions"
    source = (versions_dir / "v3.0.0.a.py").read_text()
    assert "_PAGE = 5000" in source
    here = tmp_path / "rdb"
    shutil.copytree(versions_dir.parent, here / "alembic", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(versions_dir.parents[1] / "alembic.ini", here / "alembic.ini")
    (here / "alembic" / "versions" / "v3.0.0.a.py").write_text(source.replace("_PAGE = 5000", "_PAGE = 3"))
    import pyhpo.storages._rdb._versions as versions

    monkeypatch.setattr(versions, "_HERE", str(here))
    assert upgrade_storage(url) == "Completed to upgrade the storage."
    with sqlite3.connect(tmp_path / "optuna-2.10.1.db") as conn:
        names = {json.loads(d)["name"] for (d,) in conn.execute("SELECT distribution_json FROM trial_params")}
        count = conn.execute("SELECT COUNT(*) FROM trial_params").fetchone()[0]
    assert count > 3 * 3
    assert names <= {"FloatDistribution", "IntDistribution", "CategoricalDistribution"}
    _assert_reads_as_expected(url, "optuna-2.10.1")


SERVER_DUMPS = sorted(p.name[: -len(".sql")] for p in ASSETS.glob("optuna-*.*.sql"))


def _restore(dump: str, url: str) -> None:
    """Run a pg_dump (``--inserts``) or mysqldump script through the driver, statement by statement."""
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)  # pg_dump empties search_path
    script = (ASSETS / f"{dump}.sql").read_text()
    with engine.begin() as conn:
        for statement in re.split(r";\s*\n", script):
            # Leave out comments and psql's meta-commands (\restrict ... in recent pg_dump).
            lines = [
                line for line in statement.splitlines() if line.strip() and not line.startswith(("--", "\\"))
            ]
            if lines:
                conn.exec_driver_sql("\n".join(lines).replace("%", "%%"))
    engine.dispose()


@pytest.mark.parametrize("dump", SERVER_DUMPS)
def test_server_database_written_by_old_optuna_itself_upgrades(dump: str) -> None:
    """Dumps of PostgreSQL and MySQL databases that Optuna 1.0 and 2.5 wrote themselves (their own DDL)."""
    expected = _expected(dump)
    server_var = {"postgresql": "PYHPO_TEST_POSTGRES_URL", "mysql": "PYHPO_TEST_MYSQL_URL"}[
        expected["server"]
    ]
    with temporary_database(require_server_url(server_var)) as url:
        _restore(dump, url)
        assert RDBStorage(url, skip_compatibility_check=True).get_current_version() == expected["revision"]
        with pytest.raises(RuntimeError, match=r"older Optuna schema.*pyhpo storage upgrade"):
            RDBStorage(url)
        assert upgrade_storage(url) == "Completed to upgrade the storage."
        with temporary_database(require_server_url(server_var)) as fresh:
            RDBStorage(fresh).engine.dispose()
            assert _describe(url, column_order=False, checks=False) == _describe(
                fresh, column_order=False, checks=False
            )
        # The old release read MySQL's single-precision FLOAT back through its 6-digit text form; the
        # upgraded DOUBLE column holds the float32 itself. Hence the looser match there.
        _assert_reads_as_expected(url, dump, single=expected["server"] == "mysql")
        study = pyhpo.load_study(study_name="single", storage=url)
        study.enqueue_trial({"x": 1.0})
        study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2, n_trials=2)
        assert [t.state.name for t in study.trials[-2:]] == ["COMPLETE", "COMPLETE"]
        assert [t.number for t in study.trials] == list(range(len(study.trials)))
        study._storage.engine.dispose()


@pytest.mark.parametrize(
    ("stored", "nan_allowed", "expected"),
    [
        (1.5, True, (1.5, "FINITE")),
        (1e17, False, (1e17, "FINITE")),  # large, but not an infinity in disguise
        (math.inf, False, (None, "INF_POS")),
        (-math.inf, True, (None, "INF_NEG")),
        (FLOAT32_MAX, False, (None, "INF_POS")),  # how Optuna < 3 (and MySQL's FLOAT) stored an infinity
        (-FLOAT32_MAX * (1 - 1e-7), True, (None, "INF_NEG")),  # float32 max read back through a double
        (None, True, (None, "NAN")),  # SQLite's NaN
        (math.nan, True, (None, "NAN")),  # PostgreSQL's NaN
    ],
)
def test_old_floats_are_classified_as_optunas_migrations_do(
    stored: Any, nan_allowed: bool, expected: Any
) -> None:
    from pyhpo.storages._rdb._migrations import classify_float

    assert classify_float(stored, nan_allowed) == expected


def test_an_objective_value_cannot_be_nan() -> None:
    from pyhpo.storages._rdb._migrations import classify_float

    with pytest.raises(ValueError, match="cannot be NaN"):
        classify_float(None, nan_allowed=False)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            '{"name": "UniformDistribution", "attributes": {"low": -1.0, "high": 2.0}}',
            {
                "name": "FloatDistribution",
                "attributes": {"low": -1.0, "high": 2.0, "log": False, "step": None},
            },
        ),
        (
            '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}',
            {
                "name": "FloatDistribution",
                "attributes": {"low": 0.001, "high": 1.0, "log": True, "step": None},
            },
        ),
        (
            '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}',
            {
                "name": "FloatDistribution",
                "attributes": {"low": 0.0, "high": 1.0, "log": False, "step": 0.25},
            },
        ),
        (
            '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}',
            {"name": "IntDistribution", "attributes": {"low": 0, "high": 10, "log": False, "step": 2}},
        ),
        (
            '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}',  # Optuna 1.0: no step
            {"name": "IntDistribution", "attributes": {"low": 0, "high": 10, "log": False, "step": 1}},
        ),
        (
            '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}',
            {"name": "IntDistribution", "attributes": {"low": 1, "high": 64, "log": True, "step": 1}},
        ),
    ],
)
@pytest.mark.filterwarnings("ignore::FutureWarning")  # Optuna's old distribution classes are deprecated
def test_optuna2_distributions_are_rewritten_as_optuna_rewrites_them(old: str, new: dict[str, Any]) -> None:
    from pyhpo.storages._rdb._migrations import new_distribution_json

    ours = json.loads(new_distribution_json(old))
    assert ours == new
    theirs = optuna.distributions._convert_old_distribution_to_new_distribution(
        optuna.distributions.json_to_distribution(old), suppress_warning=True
    )
    assert ours == json.loads(optuna.distributions.distribution_to_json(theirs))


def test_categorical_and_new_distributions_are_left_byte_for_byte() -> None:
    from pyhpo.storages._rdb._migrations import new_distribution_json

    for text in (
        '{"name": "CategoricalDistribution", "attributes": {"choices": ["a", null, 2.5]}}',
        '{"name":"FloatDistribution","attributes":{"low":0,"high":1,"log":false,"step":null}}',
    ):
        assert new_distribution_json(text) == text
