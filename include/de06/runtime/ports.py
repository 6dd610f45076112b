"""TCP port checks on the loopback interface."""

from __future__ import annotations

import socket

from de06.errors import De06Error

LOOPBACK = "127.0.0.1"


def is_free(port: int, host: str = LOOPBACK) -> bool:
    """True if nothing listens on ``host:port`` and we could bind it ourselves."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        if s.connect_ex((host, port)) == 0:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # Servers set SO_REUSEADDR, so a port left in TIME_WAIT by a stopped server is reusable.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def require_free(port: int, component: str, env_var: str) -> None:
    """Raise one clear line when ``port`` is taken."""
    if not is_free(port):
        raise De06Error(
            f"{component}: port {port} on {LOOPBACK} is already in use",
            f"stop what holds it (`de06 airflow down` / `de06 cluster down`) or set {env_var} to a free port",
        )


def free_port() -> int:
    """A port the kernel says is free now (for tests and throw-away stacks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]
