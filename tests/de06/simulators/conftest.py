"""Fixtures shared by the simulator tests."""

from __future__ import annotations

import dataclasses

import pytest
from de06.domain import penal


@pytest.fixture
def brackets_before_kinds() -> dict:
    """:data:`penal.BRACKETS` as the simulators read it before they knew which non-custodial penalty
    a clause names (judicial version 10, military 3): any clause naming some non-custodial penalty
    allowed a warning, a fine and reform up to 3 years (the old single ``non_custodial`` flag)."""
    return {
        key: tuple(
            dataclasses.replace(b, warning=True, fine=True, reform_months=36) if b.non_custodial else b
            for b in clauses
        )
        for key, clauses in penal.BRACKETS.items()
    }
