"""Health-book test fixtures live in ``health_fixtures`` (shared with tests/dags/test_health_push.py)."""

from health_fixtures import bhxh, closed_url, people, send, smtp_sink  # noqa: F401
