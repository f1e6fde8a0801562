"""Write the golden SQLite databases of old Optuna releases used by ``test_upgrade_from_optuna.py``.

Each database is written by the old Optuna release itself (never by pyhpo), so the upgrade tests
start from exactly what users of that release have on disk. Next to each ``optuna-<release>.db``
the script writes ``optuna-<release>.json``: the studies and trials as that release reads them back
(the expected data after the upgrade).

Releases and the alembic revision their databases carry:

    optuna 0.9.0   (none)     before alembic: schema_version 11, no alembic_version table
    optuna 1.0.0   v0.9.0.a   trial numbers in the system attribute "_number", no WAITING state
    optuna 1.2.0   v1.2.0.a   WAITING state (enqueue_trial)
    optuna 1.5.0   v1.3.0.a   trials.number column
    optuna 2.5.0   v2.4.0.a   study_directions, trial_values per objective, multi-objective studies
    optuna 2.10.1  v2.6.0.a   attribute and distribution JSON as TEXT
    optuna 3.0.0b0 v3.0.0.a   Float/IntDistribution JSON
    (3.0.0b0 database, migrated by optuna 3.0.0b1's own alembic scripts)  v3.0.0.b, v3.0.0.c
    optuna 3.0.0b1 v3.0.0.d   inf/-inf/nan as value types
    optuna 3.1.1   v3.0.0.d

No release was ever published at v3.0.0.b or v3.0.0.c; those two databases are the 3.0.0b0 one
taken forward by Optuna's own migrations (``--migrate-to``), which is how such a database came to
exist in the wild.

How to run (each release in a throwaway virtualenv outside the repository; Python 3.7 for the 1.x
and 2.5 releases, 3.8 for 2.10 and 3.0 pre-releases, 3.9 for 3.1)::

    python3.7 -m venv /tmp/oldoptuna-1.0.0
    /tmp/oldoptuna-1.0.0/bin/pip install optuna==1.0.0 "sqlalchemy<1.4" "alembic<1.5" \\
        "numpy<1.20" "scipy<1.6" "cliff<3.5"
    /tmp/oldoptuna-1.0.0/bin/python make_old_optuna_dbs.py tests/storages/rdb/assets
    # likewise 1.2.0, 1.5.0 (same pins), 2.5.0 ("alembic<1.6" "numpy<1.21" "scipy<1.7"),
    # 2.10.1, 3.0.0b0, 3.0.0b1 ("sqlalchemy<1.5" "alembic<1.9" "numpy<1.24" "scipy<1.10"),
    # 3.1.1 ("sqlalchemy<2.0" "alembic<1.10" "numpy<1.25"); then, with the 3.0.0b1 environment:
    /tmp/oldoptuna-3.0.0b1/bin/python make_old_optuna_dbs.py tests/storages/rdb/assets \\
        --migrate optuna-3.0.0b0 --migrate-to v3.0.0.b
    /tmp/oldoptuna-3.0.0b1/bin/python make_old_optuna_dbs.py tests/storages/rdb/assets \\
        --migrate optuna-3.0.0b0 --migrate-to v3.0.0.c

``--url URL`` writes the same studies into another (empty) database, and their expected data to
``<out_dir>/optuna-<release>-server.json``. The server dumps ``optuna-1.0.0.postgresql.sql`` (and
``.mysql.sql``, and the same for 2.5.0) were made that way, with ``psycopg2-binary<2.10`` and
``pymysql<1.1`` added to the old environment, an empty database ``DB`` on each server, then::

    pg_dump --no-owner --no-privileges --inserts --no-comments postgresql://postgres@127.0.0.1:5432/DB
    mysqldump -h 127.0.0.1 -u root --skip-comments --skip-dump-date DB

and the JSON renamed to ``optuna-<release>.<server>.json`` with ``"revision"`` and ``"server"`` added.
Old releases cannot write infinities or NaN to MySQL, so there the studies leave them out.

The script is written for Python 3.7 and the old APIs (no newer syntax).
"""

import argparse
import inspect
import json
import math
import os
import shutil
import sqlite3

import optuna

RELEASE = optuna.__version__
# Infinities, NaN and 1e300: old releases could not write them to MySQL ("inf can not be used with
# MySQL", FLOAT out of range), so a MySQL database of theirs never held any.
SPECIAL_FLOATS = {"on": True}


def _supports(func, parameter):
    return parameter in inspect.signature(func).parameters


def _suggest_float(trial, name, low, high, log=False, step=None):
    if hasattr(trial, "suggest_float") and _supports(trial.suggest_float, "log"):
        kwargs = {"log": True} if log else ({"step": step} if step is not None else {})
        return trial.suggest_float(name, low, high, **kwargs)
    if log:
        return trial.suggest_loguniform(name, low, high)
    if step is not None:
        return trial.suggest_discrete_uniform(name, low, high, step)
    return trial.suggest_uniform(name, low, high)


def _pruned():
    for owner in ("", "exceptions", "structs"):  # where each release keeps it
        module = getattr(optuna, owner, None) if owner else optuna
        if module is not None and hasattr(module, "TrialPruned"):
            return module.TrialPruned()
    raise AssertionError("no TrialPruned in this release")


def _storage(study):
    return study._storage if hasattr(study, "_storage") else study.storage  # 0.9: public names


def _study_id(study):
    return study._study_id if hasattr(study, "_study_id") else study.study_id


def _set_trial_system_attr(trial, key, value):
    if hasattr(trial, "_trial_id"):
        trial.storage.set_trial_system_attr(trial._trial_id, key, value)
    else:
        trial.set_system_attr(key, value)


def objective(trial):
    x = _suggest_float(trial, "x", -10.0, 10.0)
    lx = _suggest_float(trial, "lx", 1e-3, 1.0, log=True)
    q = _suggest_float(trial, "q", 0.0, 1.0, step=0.25)
    i = trial.suggest_int("i", 0, 10)
    if _supports(trial.suggest_int, "step"):
        i += trial.suggest_int("i_step", 0, 10, step=2)
    if _supports(trial.suggest_int, "log"):
        i += trial.suggest_int("i_log", 1, 64, log=True)
    c = trial.suggest_categorical("c", ["red", 3, 2.5, None])
    trial.set_user_attr("double_x", 2 * x)
    _set_trial_system_attr(trial, "sys", [trial.number, "s"])
    for step in range(3):
        trial.report(x + step * lx, step)
    number = trial.number
    if number == 2:
        raise _pruned()
    if number == 3:
        raise ValueError("this trial fails on purpose")
    if not SPECIAL_FLOATS["on"]:
        return x * x + lx + q + i
    if number == 4:
        trial.report(float("inf"), 10)
        trial.report(float("-inf"), 11)
        if not _supports(optuna.create_study, "directions"):
            # Before 2.4 a NaN reached SQLite as NULL (read back as None); 2.4+ refuse to store it.
            trial.report(float("nan"), 12)
        trial.report(1e300, 13)
    if number == 5:
        return float("inf")
    if number == 6:
        return float("-inf")
    return x * x + lx + q + i + (1.0 if c is None else 0.0)


def multi_objective(trial):
    x = _suggest_float(trial, "x", -5.0, 5.0)
    n = trial.suggest_int("n", 1, 4)
    trial.set_user_attr("n_twice", 2 * n)
    if trial.number == 1:
        raise ValueError("this trial fails on purpose")
    if trial.number == 2 and SPECIAL_FLOATS["on"]:
        return float("inf"), -1.0
    return x * x, float(n) - x


def _add_running_trial(study):
    storage = _storage(study)
    study_id = _study_id(study)
    create = getattr(storage, "create_new_trial", None) or storage.create_new_trial_id  # 0.9's name
    trial_id = create(study_id)
    distribution = (
        optuna.distributions.UniformDistribution(-10.0, 10.0)
        if not hasattr(optuna.distributions, "FloatDistribution")
        else optuna.distributions.FloatDistribution(-10.0, 10.0)
    )
    storage.set_trial_param(trial_id, "x", 1.5, distribution)
    storage.set_trial_intermediate_value(trial_id, 0, 0.125)
    storage.set_trial_user_attr(trial_id, "running", True)


def _distributions(storage, trial):
    if hasattr(trial, "distributions"):
        return {
            k: json.loads(optuna.distributions.distribution_to_json(d))
            for k, d in trial.distributions.items()
        }
    # 0.9's FrozenTrial has none: read what it stored.
    rows = getattr(storage, "_backend", storage).engine.execute(
        f"SELECT param_name, distribution_json FROM trial_params WHERE trial_id = {trial.trial_id:d}"
    )
    return {name: json.loads(text) for name, text in rows}


def _study_dict(study):
    storage = _storage(study)
    study_id = _study_id(study)
    if hasattr(storage, "get_study_directions"):
        directions = [d.name for d in storage.get_study_directions(study_id)]
    else:
        directions = [storage.get_study_direction(study_id).name]
    trials = []
    for t in study.trials:
        values = getattr(t, "values", None)
        if values is None and t.value is not None:
            values = [t.value]
        trials.append(
            {
                "number": t.number,
                "state": t.state.name,
                "values": None if values is None else [_float(v) for v in values],
                "params": t.params,
                "distributions": _distributions(storage, t),
                "intermediate_values": {str(k): _float(v) for k, v in t.intermediate_values.items()},
                "user_attrs": t.user_attrs,
                "system_attrs": {k: v for k, v in t.system_attrs.items() if k != "_number"},
                "datetime_start": None if t.datetime_start is None else t.datetime_start.isoformat(),
                "datetime_complete": None if t.datetime_complete is None else t.datetime_complete.isoformat(),
            }
        )
    return {
        "study_name": storage.get_study_name_from_id(study_id),
        "directions": directions,
        "user_attrs": storage.get_study_user_attrs(study_id),
        "system_attrs": storage.get_study_system_attrs(study_id),
        "trials": trials,
    }


def _float(v):
    # JSON has no inf/nan: write them as strings the test turns back into floats.
    if v is None:
        return None
    if math.isnan(v) or math.isinf(v):
        return repr(float(v))
    return v


def _create_study(url, name, **kwargs):
    sampler = optuna.samplers.RandomSampler(seed=7)
    return optuna.create_study(storage=url, study_name=name, sampler=sampler, **kwargs)


def _current_revision(path):
    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchall():
            return None  # 0.9.0 predates alembic: version_info.schema_version 11 only
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _compact(path):
    # Small files for the repository: 1 KiB pages, no free pages.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("VACUUM")
    conn.close()


def populate(url):
    """Write the studies into the database at ``url``; return what this release reads back."""
    SPECIAL_FLOATS["on"] = not url.startswith("mysql")
    studies = []

    single = _create_study(url, "single", direction="minimize")
    single.set_user_attr("owner", "golden")
    single.set_system_attr("sys_note", {"release": RELEASE})
    single.optimize(objective, n_trials=8, catch=(ValueError,))
    _add_running_trial(single)
    if hasattr(single, "enqueue_trial"):
        single.enqueue_trial({"x": 2.0, "i": 3})
    studies.append(single)

    second = _create_study(url, "second", direction="maximize")
    second.optimize(lambda t: _suggest_float(t, "y", 0.0, 1.0), n_trials=2)
    studies.append(second)

    if _supports(optuna.create_study, "directions"):
        multi = _create_study(url, "multi", directions=["minimize", "maximize"])
        multi.optimize(multi_objective, n_trials=4, catch=(ValueError,))
        studies.append(multi)

    # Read back through a new storage: what is on disk, not what a writer's cache remembers
    # (2.x's cached storage kept its own datetime_complete, a few microseconds off the stored one).
    for s in studies:
        getattr(_storage(s), "_backend", _storage(s)).engine.dispose()
    studies = [optuna.load_study(study_name=s.study_name, storage=url) for s in studies]
    expected = {"release": RELEASE, "studies": [_study_dict(s) for s in studies]}
    for s in studies:
        getattr(_storage(s), "_backend", _storage(s)).engine.dispose()
    return expected


def write(out_dir):
    base = os.path.join(out_dir, "optuna-" + RELEASE)
    path = base + ".db"
    if os.path.exists(path):
        os.remove(path)
    expected = populate("sqlite:///" + path)
    expected["revision"] = _current_revision(path)
    _compact(path)
    with open(base + ".json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(path, expected["revision"], os.path.getsize(path), "bytes")


def migrate(out_dir, source, target):
    """Take ``source``'s database forward to ``target`` with this Optuna's own alembic scripts."""
    from alembic import command

    src = os.path.join(out_dir, source)
    dst = os.path.join(out_dir, "optuna-migrated-" + target)
    shutil.copy(src + ".db", dst + ".db")
    storage = optuna.storages.RDBStorage(
        "sqlite:///" + dst + ".db", skip_compatibility_check=True, skip_table_creation=True
    )
    command.upgrade(storage._version_manager._create_alembic_config(), target)
    storage.engine.dispose()
    with open(src + ".json") as f:
        expected = json.load(f)
    expected["release"] = "{} migrated by optuna {}".format(expected["release"], RELEASE)
    expected["revision"] = _current_revision(dst + ".db")
    assert expected["revision"] == target, expected["revision"]
    _compact(dst + ".db")
    with open(dst + ".json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(dst + ".db", target, os.path.getsize(dst + ".db"), "bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--migrate", help="name of an existing database (without .db) to migrate")
    parser.add_argument("--migrate-to", help="the alembic revision to migrate it to")
    parser.add_argument(
        "--url",
        help="write into this (empty) database instead, e.g. a PostgreSQL one; "
        "the expected data goes to <out_dir>/optuna-<release>-server.json",
    )
    args = parser.parse_args()
    if args.url:
        with open(os.path.join(args.out_dir, "optuna-" + RELEASE + "-server.json"), "w") as f:
            json.dump(populate(args.url), f, indent=1, sort_keys=True)
    elif args.migrate:
        migrate(args.out_dir, args.migrate, args.migrate_to)
    else:
        write(args.out_dir)


if __name__ == "__main__":
    main()
