"""VNeID API simulator (FastAPI + uvicorn over the ``vneid`` database).

``from de06.simulators.vneid_api import serve_in_thread`` —
``with serve_in_thread(port=0, error_rate=0.02, throttle_rate=0.01, seed=7) as base_url: ...``
See :mod:`.app` for the HTTP contract and :mod:`.faults` for the fault modes.
"""

from de06.simulators.vneid_api.faults import Faults
from de06.simulators.vneid_api.server import serve, serve_in_thread

__all__ = ["Faults", "serve", "serve_in_thread"]
