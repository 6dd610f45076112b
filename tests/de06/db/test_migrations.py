"""Migrations apply twice cleanly; the population DB is read-only for the pipelines."""

from __future__ import annotations

import psycopg2
import pytest
from de06.db import migrate

pytestmark = pytest.mark.postgres


def test_upgrade_twice_applies_nothing_the_second_time(migrated):
    again = migrate.upgrade()
    assert all(files == [] for files in again.values()), again


def test_every_database_records_its_migrations(migrated, pg):
    for db, rows in migrate.status().items():
        assert all(applied for _, _, applied in rows), (db, rows)
    conn = pg("lltp")
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM de06_migrations")
    assert cur.fetchone()[0] == len(migrate.discover("lltp"))


def test_changed_applied_migration_is_refused(migrated, tmp_path, monkeypatch):
    # Copy the real migration folder, alter one applied file, and point the runner at the copy.
    import shutil

    from de06.errors import De06Error

    copy = tmp_path / "sql"
    shutil.copytree(migrate.SQL_DIR, copy)
    target = copy / "dancu" / "001_population.sql"
    target.write_text(target.read_text() + "\n-- edited after being applied\n")
    monkeypatch.setattr(migrate, "SQL_DIR", copy)
    with pytest.raises(De06Error, match="changed after it was applied"):
        migrate.upgrade(("dancu",))


def test_write_through_dancu_connection_is_refused(migrated, pg):
    conn = pg("dancu")
    cur = conn.cursor()
    cur.execute("SELECT current_user")
    assert cur.fetchone()[0] == "de06_reader"
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute(
            "INSERT INTO citizen (citizen_id, cccd, full_name, family_name, given_name, dob, sex,"
            " birth_province, residence_province) VALUES (-1, '001089000001', 'x', 'x', 'x',"
            " '1989-01-01', 'M', '001', '001')"
        )
    conn.rollback()
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute("DELETE FROM citizen")
    conn.rollback()
    # Reading works, and so do temporary tables (the matcher stages batches in them).
    cur.execute("SELECT count(*) FROM citizen")
    cur.execute("CREATE TEMP TABLE batch (k int)")
    conn.rollback()


def test_admin_connection_can_write_population(migrated, pg):
    conn = pg("dancu_admin")
    cur = conn.cursor()
    cur.execute("SELECT has_table_privilege('citizen', 'INSERT')")
    assert cur.fetchone()[0] is True
