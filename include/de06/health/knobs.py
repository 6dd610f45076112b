"""The health push's knobs and their bounds, in one place: the DAGs' params are built from them
and the ``health_push_overrides`` Variable is checked against them. Light (no drain, no HTTP
client): the DAG files import it when they are parsed.

``max_run_s`` and ``idle_exit_s`` stay under the tasks' 20-minute execution_timeout, so a run ends
by itself and records its summary instead of being killed. ``unreachable_after_s``: a run stops
early when the API has given no answer at all and its pushes have failed at the transport level
for this long (see :mod:`de06.health.drain`).
"""

from __future__ import annotations

from typing import Any

#: knob -> (JSON type, minimum, maximum)
BOUNDS: dict[str, tuple[str, float, float]] = {
    "max_run_s": ("number", 1, 1080),
    "batch_size": ("integer", 1, 100_000),
    "concurrency": ("integer", 1, 64),
    "api_batch": ("integer", 0, 500),
    "retry_base_s": ("number", 0, 60),
    "idle_exit_s": ("number", 0, 1080),
    "unreachable_after_s": ("number", 1, 1080),
}
#: The drain's defaults (:class:`de06.health.drain.Settings`), which the CLI's options and the DAGs'
#: params take unless a DAG says otherwise.
DEFAULTS: dict[str, float] = {
    "max_run_s": 300.0,
    "batch_size": 200,
    "concurrency": 8,
    "api_batch": 100,
    "retry_base_s": 1.0,
    "idle_exit_s": 0.0,
    "unreachable_after_s": 30.0,
}
#: The HTTP statuses a dead letter can carry (a refusal, or the last answer before giving up): the
#: range the DLQ replay's ``http_status`` filter accepts, in the DAG and the CLI alike.
DEAD_LETTER_STATUS = (400, 599)
#: What the overrides Variable may set: the knobs and the quality switch.
OVERRIDABLE = frozenset({*BOUNDS, "quality"})


def param(name: str, default: Any = None, **extra: Any):
    """The DAG ``Param`` of knob ``name`` with its type and bounds; ``default``: the drain's
    (:data:`DEFAULTS`) unless given."""
    from airflow.sdk import Param

    kind, lo, hi = BOUNDS[name]
    return Param(DEFAULTS[name] if default is None else default, type=kind, minimum=lo, maximum=hi, **extra)


__all__ = ["BOUNDS", "DEAD_LETTER_STATUS", "DEFAULTS", "OVERRIDABLE", "param"]
