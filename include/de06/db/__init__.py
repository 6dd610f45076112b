"""Database access: the embedded server, connections per system, migrations."""

from de06.db.conn import connect, dsn, transaction

__all__ = ["connect", "dsn", "transaction"]
