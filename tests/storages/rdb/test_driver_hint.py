"""A URL whose database driver is missing gets advice that works: what pyhpo's extras really install."""

from __future__ import annotations

import importlib.util

import pytest

from pyhpo.storages import RDBStorage


@pytest.mark.skipif(importlib.util.find_spec("MySQLdb") is not None, reason="mysqlclient is installed here")
def test_a_plain_mysql_url_without_mysqlclient_points_to_pymysql() -> None:
    with pytest.raises(ImportError) as info:
        RDBStorage("mysql://root@127.0.0.1/test")
    message = str(info.value)
    assert "'mysql://root@127.0.0.1/test'" in message
    assert "No module named 'MySQLdb'" in message
    assert "mysql+pymysql://" in message and 'pip install "pyhpo-opt[mysql]"' in message
    assert "postgres" not in message  # no advice that cannot help
