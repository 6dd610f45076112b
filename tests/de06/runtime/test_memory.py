"""gc_paused: the collector is off inside, back on after (even on error), nesting keeps it off."""

from __future__ import annotations

import gc

import pytest
from de06.runtime.memory import gc_paused

pytestmark = pytest.mark.unit


def test_gc_paused_restores_the_collector_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not re-enable it
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
