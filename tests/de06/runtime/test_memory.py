"""gc_paused: the collector is off inside, back on after (even on error), nesting keeps it off;
what survives a finished block is frozen, nothing is after an error."""

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


def test_survivors_of_a_finished_block_leave_the_collectors_view_and_an_error_freezes_nothing():
    gc.collect()
    gc.unfreeze()
    try:
        before = gc.get_freeze_count()
        with pytest.raises(RuntimeError), gc_paused():
            doomed = [[i] for i in range(1000)]
            raise RuntimeError("boom")
        assert gc.get_freeze_count() == before  # the traceback's frames stay collectable
        assert any(x is doomed for x in gc.get_objects())  # still in the collector's view
        del doomed
        with gc_paused():
            kept = [[i] for i in range(1000)]  # like cache entries: containers that live on
        assert gc.get_freeze_count() >= before + 1001
        # out of every generation a collection walks (gc.get_objects lists those, not the frozen)
        in_view = {id(x) for x in gc.get_objects()}
        assert id(kept) not in in_view and not any(id(x) in in_view for x in kept)
    finally:
        gc.unfreeze()
