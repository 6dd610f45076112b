"""The apply decision, pure: given the sheets of a chunk (in (updated_at, sheet_id) order), the
target's current state of their convictions and the open parked expungements, decide each sheet's
one outcome and the writes. No database here; :mod:`de06.sync.apply` performs the plan.

Rules:
- conviction sheet: unmappable -> quarantined; new conviction -> applied (insert); a version above
  the stored one -> applied (update); equal -> duplicate; below -> stale (recorded, ignored).
- expungement sheet: invalid -> quarantined; conviction not in the target yet -> parked (applied
  when the conviction lands); already expunged -> duplicate; else applied.
- expungement is monotonic: a later conviction sheet never clears it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from de06.sync.mapping import MappedConviction, Refs, Rejection, check_expungement, map_conviction

OUTCOMES: tuple[str, ...] = ("applied", "stale", "duplicate", "quarantined", "parked")


@dataclass
class TargetState:
    """What the target holds for one qp conviction."""

    version: int
    expunged: bool = False
    expunged_on: dt.date | None = None
    expunge_basis: str | None = None


@dataclass(frozen=True)
class Parked:
    sheet_id: int
    expunged_on: dt.date
    basis: str | None
    decision_no: str | None


@dataclass
class Plan:
    """Everything one chunk writes."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> full row to upsert
    new_keys: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> sheet (identity)
    expunge_only: dict[str, tuple[dt.date, str | None]] = field(default_factory=dict)
    history: list[tuple[str, int | None, int, str, dict[str, Any]]] = field(default_factory=list)
    ledger: list[tuple[int, str, dt.datetime, str, int | None, str, str | None]] = field(default_factory=list)
    quarantine: list[tuple[int, str, str, str]] = field(default_factory=list)
    parked_new: list[tuple[int, str, dt.date, str | None, str | None]] = field(default_factory=list)
    parked_applied: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(OUTCOMES, 0)
        for entry in self.ledger:
            out[entry[5]] += 1
        return out


def _row(sheet: dict[str, Any], mapped: MappedConviction, state: TargetState) -> dict[str, Any]:
    row = mapped.as_row()
    row.update(
        source_key=sheet["conviction_ref"],
        source_version=sheet["version"],
        source_sheet_id=sheet["sheet_id"],
        source_updated_at=sheet["updated_at"],
        expunged=state.expunged,
        expunged_on=state.expunged_on,
        expunge_basis=state.expunge_basis,
    )
    return row


def decide(
    sheets: list[dict[str, Any]],
    state: dict[str, TargetState],
    parked: dict[str, list[Parked]],
    refs: Refs,
) -> Plan:
    """Decide every sheet of a chunk. ``state`` and ``parked`` are updated in place."""
    plan = Plan()
    for s in sheets:
        key, sid, ts = s["conviction_ref"], s["sheet_id"], s["updated_at"]
        if s["kind"] == "conviction":
            version = s["version"]
            mapped = map_conviction(s, refs)
            if isinstance(mapped, Rejection):
                plan.quarantine.append((sid, "conviction", key, mapped.reason))
                plan.ledger.append((sid, "conviction", ts, key, version, "quarantined", mapped.reason))
                continue
            cur = state.get(key)
            if cur is not None and version < cur.version:
                plan.ledger.append((sid, "conviction", ts, key, version, "stale", f"stored v{cur.version}"))
                continue
            if cur is not None and version == cur.version:
                plan.ledger.append((sid, "conviction", ts, key, version, "duplicate", None))
                continue
            kind = "update" if cur is not None else "insert"
            if cur is None:
                cur = state[key] = TargetState(version=version)
                plan.new_keys[key] = s
            cur.version = version
            if mapped.expunged and not cur.expunged:
                cur.expunged, cur.expunged_on, cur.expunge_basis = True, mapped.expunged_on, "source"
            plan.rows[key] = _row(s, mapped, cur)
            plan.expunge_only.pop(key, None)
            plan.history.append((key, version, sid, kind, dict(plan.rows[key])))
            plan.ledger.append((sid, "conviction", ts, key, version, "applied", kind))
            waiting = parked.pop(key, [])
            if waiting:
                first = min(waiting, key=lambda p: (p.expunged_on, p.sheet_id))
                if not cur.expunged:
                    cur.expunged, cur.expunged_on, cur.expunge_basis = True, first.expunged_on, first.basis
                    plan.rows[key].update(
                        expunged=True, expunged_on=first.expunged_on, expunge_basis=first.basis
                    )
                    plan.history.append((key, version, first.sheet_id, "expunge", dict(plan.rows[key])))
                plan.parked_applied.extend(p.sheet_id for p in waiting)
        else:
            bad = check_expungement(s)
            if bad is not None:
                plan.quarantine.append((sid, "expungement", key, bad.reason))
                plan.ledger.append((sid, "expungement", ts, key, None, "quarantined", bad.reason))
                continue
            cur = state.get(key)
            if cur is None:
                p = Parked(sid, s["expunged_on"], s.get("basis"), s.get("decision_no"))
                parked.setdefault(key, []).append(p)
                plan.parked_new.append((sid, key, p.expunged_on, p.basis, p.decision_no))
                plan.ledger.append((sid, "expungement", ts, key, None, "parked", None))
                continue
            if cur.expunged:
                plan.ledger.append((sid, "expungement", ts, key, None, "duplicate", "already expunged"))
                continue
            cur.expunged, cur.expunged_on, cur.expunge_basis = True, s["expunged_on"], s.get("basis")
            if key in plan.rows:
                plan.rows[key].update(
                    expunged=True, expunged_on=cur.expunged_on, expunge_basis=cur.expunge_basis
                )
                after = dict(plan.rows[key])
            else:
                plan.expunge_only[key] = (cur.expunged_on, cur.expunge_basis)
                after = {"expunged": True, "expunged_on": cur.expunged_on, "expunge_basis": cur.expunge_basis}
            plan.history.append((key, cur.version, sid, "expunge", after))
            plan.ledger.append((sid, "expungement", ts, key, None, "applied", "expunge"))
    return plan
