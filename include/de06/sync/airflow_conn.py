"""psycopg2 connections from Airflow connections (inside tasks): see :func:`de06.db.conn.airflow_connect`."""

from __future__ import annotations

from de06.db.conn import airflow_connect as psycopg2_connect

__all__ = ["psycopg2_connect"]
