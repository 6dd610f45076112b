"""Military-court sync fixtures live in qp_fixtures.py (shared with tests/dags/test_qp_sync.py)."""

from qp_fixtures import citizens, fresh, people  # noqa: F401
