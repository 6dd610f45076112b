"""A server that runs but holds no project databases (a fresh data folder, or DE06_HOME pointing at
another checkout) says how to create them, instead of "run `de06 db start`" (it is running)."""

from __future__ import annotations

import pytest
from de06.db import conn as dbconn
from de06.errors import DatabaseUnavailable

pytestmark = pytest.mark.postgres


def test_missing_database_names_the_setup_command(pg, monkeypatch):
    uri = dbconn.dsn("lltp").rsplit("/", 1)
    monkeypatch.setenv(dbconn.env_var("lltp"), uri[0] + "/de06_no_such_database")
    with pytest.raises(DatabaseUnavailable) as err:
        dbconn.connect("lltp")
    assert "does not exist" in err.value.problem
    assert "de06 db upgrade" in err.value.fix and "DE06_PGDATA" in err.value.fix
    assert "de06 db start" not in err.value.fix
