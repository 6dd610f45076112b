"""Alerts: an Airflow 3 email notifier for DAG failures and breached quality thresholds.

See :mod:`de06.alerts.notifier`. Imports Airflow only when used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["De06EmailNotifier", "failure_notifier", "notify_breach", "safe_error"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from de06.alerts import notifier

        return getattr(notifier, name)
    raise AttributeError(name)
