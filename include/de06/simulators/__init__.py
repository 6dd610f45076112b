"""Simulated state systems: a consistent truth is derived first, then dirtied with labelled noise.

Identity simulators (this package's ``names``, ``population``, ``judicial``, ``noise``):
``de06 simulate population`` fills ``dancu.citizen``/``citizen_cmnd``; ``de06 simulate judicial``
fills ``lltp.judicial_record``/``conviction`` and writes ``truth.record_truth``. Loading goes
through :mod:`de06.simulators.copyload` (COPY, never row INSERTs).
"""
