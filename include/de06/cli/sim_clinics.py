"""``de06 simulate clinics``: clinic submissions into the bhxh inbox (or a folder)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click

VN = timezone(timedelta(hours=7))


@click.command()
@click.option(
    "--count", "-n", default=100, show_default=True, type=click.IntRange(1), help="Envelopes to send."
)
@click.option("--seed", default=6, show_default=True, type=int)
@click.option(
    "--rate",
    default=0.0,
    show_default=True,
    type=float,
    help="Envelopes per second (0 = as fast as possible).",
)
@click.option(
    "--start",
    default="2025-10-01T08:00",
    show_default=True,
    help="First visit time (local, ISO) or 'now' (live: each visit ends as it is sent).",
)
@click.option(
    "--fault-rate",
    default=None,
    type=float,
    help="Total share of faulty envelopes, spread over the fault kinds (default: built-in mix).",
)
@click.option("--people", default=2000, show_default=True, help="Citizens sampled from the population DB.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also write each envelope as a file here (for `de06 health validate`).",
)
@click.option("--no-inbox", is_flag=True, help="Only write files (needs --out); do not touch bhxh.")
def clinics(
    count: int,
    seed: int,
    rate: float,
    start: str,
    fault_rate: float | None,
    people: int,
    out_dir: str | None,
    no_inbox: bool,
) -> None:
    """Generate QĐ 130/4750 envelopes from population citizens and send them to the BHXH inbox."""
    from tqdm import tqdm

    from de06.db import connect
    from de06.errors import InputError
    from de06.health.inbox import receive
    from de06.simulators import clinics as C

    if no_inbox and not out_dir:
        raise InputError("--no-inbox without --out would write nothing", "add --out DIR")
    try:
        t0 = (
            datetime.now(VN).replace(second=0, microsecond=0)
            if start == "now"
            else datetime.fromisoformat(start).replace(tzinfo=VN)
        )
    except ValueError as exc:
        raise InputError(
            f"--start {start!r} is not an ISO date-time", "use e.g. 2025-10-01T08:00 or now"
        ) from exc
    faults = None
    if fault_rate is not None:
        if not 0 <= fault_rate <= 1:
            raise InputError(f"--fault-rate {fault_rate} is not a share", "give a number between 0 and 1")
        faults = {k: fault_rate / len(C.FAULT_LABELS) for k in C.FAULT_LABELS}
    dancu = connect("dancu")
    try:
        pop = C.sample_people(dancu, people, seed)
    finally:
        dancu.close()
    if not (pop["adult"] or pop["child"]):
        raise InputError("the population DB has no citizens", "run `de06 simulate population` first")
    facs = C.facilities()
    out = Path(out_dir) if out_dir else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    bhxh = None if no_inbox else connect("bhxh")
    labels: dict[str, int] = {}
    dup = 0
    try:
        if bhxh:
            C.register_facilities(bhxh, facs)
            bhxh.commit()
        began = time.monotonic()
        gen = C.generate(
            pop,
            facs,
            count,
            seed,
            t0.replace(tzinfo=None),
            faults,
            live=start == "now",
            spacing_s=(1.0 / rate) if rate > 0 else 60.0,
        )
        for i, sent in enumerate(tqdm(gen, total=count, unit="env", desc="clinics", disable=None)):
            labels[sent.label] = labels.get(sent.label, 0) + 1
            if out:
                (out / sent.file_name).write_bytes(sent.body)
            if bhxh:
                C.record_sent(bhxh, sent)
                _id, is_dup = receive(bhxh, sent.file_name, sent.body, sent.facility)
                dup += is_dup
                if rate > 0 or i % 200 == 199:
                    bhxh.commit()
            if rate > 0:
                delay = began + (i + 1) / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        if bhxh:
            bhxh.commit()
    finally:
        if bhxh:
            bhxh.close()
    what = f"sent {count} envelope(s)" if bhxh else f"generated {count} envelope(s) (not sent: --no-inbox)"
    click.echo(
        f"{what}: "
        + ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
        + (f"; inbox duplicates={dup}" if bhxh else "")
        + (f"; files in {out}" if out else "")
    )
