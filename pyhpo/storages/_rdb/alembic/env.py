"""Alembic environment for pyhpo's RDB schema.

RDBStorage.upgrade() passes its own open connection in ``config.attributes["connection"]`` so that
migrations run with the storage's engine settings (SQLite pragmas, pool, driver). Run from the
alembic command line, a connection is made from ``sqlalchemy.url`` instead.
"""

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

from pyhpo.storages._rdb.models import metadata


def _run(connection: Connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things, alembic rebuilds tables instead.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


config = context.config
if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
    else:
        engine = engine_from_config(
            config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        with engine.connect() as connection:
            _run(connection)
