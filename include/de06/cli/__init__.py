"""The ``de06`` command line."""
