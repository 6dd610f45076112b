"""``[core] hostname_callable`` for workers that share one machine.

Airflow records ``task_instance.hostname`` from this callable. On a real cluster each worker is its
own host and the default (the FQDN) is right; here two Celery workers share one machine, so each
worker process gets ``DE06_WORKER_NAME`` and the task instances it runs carry
``<name>-<host>``. Without the variable this is Airflow's default, the FQDN.
"""

from __future__ import annotations

import os
import socket

WORKER_NAME_ENV = "DE06_WORKER_NAME"


def get_hostname() -> str:
    name = os.environ.get(WORKER_NAME_ENV)
    if name:
        return f"{name}-{socket.gethostname()}"
    return socket.getfqdn()
