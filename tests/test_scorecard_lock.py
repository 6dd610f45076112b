"""The scorecard build is locked and atomic (:func:`de06.quality.scorecard.build`).

Contract: one build at a time per output folder (an exclusive ``flock`` on ``<out>/.build.lock``, so
the UI plugin, the DAGs and the CLI never interleave, whatever process they run in), and every file
(``index.html``, ``latest.png``, ``trend_<dataset>.png``) is written beside its final name and renamed
into place: a reader only ever sees a file's old or new complete content, a failed build leaves the
previous files and no temporary file behind.

The database is replaced by prepared rows (``store.recent_results`` is patched), so these are unit
tests. Each one fails when the lock or the rename is taken out of ``build``.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from de06.quality import scorecard, store

pytestmark = pytest.mark.unit

PNG_HEAD = b"\x89PNG\r\n\x1a\n"
PNG_TAIL = b"IEND\xaeB`\x82"
DATASETS = ("lock_ds_a", "lock_ds_b")


def make_rows(generation: str, runs: int = 3) -> list[dict]:
    """What ``store.recent_results`` returns: newest first within a dataset."""
    base = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
    rows = []
    for d, dataset in enumerate(DATASETS):
        for i in range(runs):
            rows.append(
                {
                    "result_id": 100 * d + i,
                    "dataset": dataset,
                    "dag_id": "lock_dag",
                    "run_id": f"{generation}__run{i}",
                    "task_id": "validate",
                    "map_index": -1,
                    "row_count": 10 + i,
                    "score_dung": 90.0 + i,
                    "score_du": 80.0 + i,
                    "score_sach": 70.0 + i,
                    "score_song": None,
                    "score_overall": 80.0 + i,
                    "passed": i % 2 == 0,
                    "breaches": [] if i % 2 == 0 else [f"{generation}: sạch below threshold"],
                    "failed_expectations": [],
                    "evaluated": 5,
                    "successful": 4,
                    "result_path": None,
                    "report_path": None,
                    "created_at": base + timedelta(hours=i),
                }
            )
    return sorted(rows, key=lambda r: (r["dataset"], -r["result_id"]))


@pytest.fixture
def out(tmp_path, monkeypatch) -> Path:
    # no suite for the test datasets: thresholds are empty, nothing is read from the checkout
    (tmp_path / "expectations").mkdir()
    monkeypatch.setenv("DE06_EXPECTATIONS_DIR", str(tmp_path / "expectations"))
    monkeypatch.setenv("DE06_GX_DIR", str(tmp_path / "gx"))
    return tmp_path / "scorecard"


def fake_png(payload: str) -> bytes:
    """A large, recognisable stand-in for a chart (big enough that a half-written one is visible)."""
    return PNG_HEAD + (payload.encode() + b"\n") * 2000 + PNG_TAIL


def stub_plots(monkeypatch, pause_mid_write=None) -> None:
    """Replace matplotlib by writers of ``fake_png``; ``pause_mid_write(path)`` runs halfway through."""

    def write(path: Path, data: bytes) -> None:
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
            f.flush()
            if pause_mid_write:
                pause_mid_write(path)
            f.write(data[len(data) // 2 :])

    monkeypatch.setattr(
        scorecard,
        "_plot_trend",
        lambda dataset, rows, path: write(path, fake_png(f"trend {dataset} {[r['run_id'] for r in rows]}")),
    )
    monkeypatch.setattr(
        scorecard,
        "_plot_latest",
        lambda latest, path: write(path, fake_png(f"latest {[r['run_id'] for r in latest.values()]}")),
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".build.lock"}


def expected_names() -> set[str]:
    return {"index.html", "latest.png", *(f"trend_{d}.png" for d in DATASETS)}


def assert_complete(folder: Path, generation: str) -> None:
    files = snapshot(folder)
    assert set(files) == expected_names(), f"unexpected files (temp files left behind?): {sorted(files)}"
    index = files["index.html"].decode("utf-8")
    assert index.startswith("<!doctype html>") and index.rstrip().endswith("</body></html>")
    assert f"{generation}__run2" in index and all(d in index for d in DATASETS)
    for name, data in files.items():
        if name.endswith(".png"):
            assert data.startswith(PNG_HEAD) and data.endswith(PNG_TAIL), f"{name} is not a whole PNG"


def run_in_thread(fn, *args) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            errors.append(exc)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, errors


def test_two_concurrent_builds_are_serialized_and_leave_a_complete_scorecard(out, monkeypatch):
    """Two builds started at the same moment (real matplotlib charts): the second only reads the
    results after the first has rendered everything; both succeed; the folder holds one complete,
    valid scorecard and no temporary file."""
    spans: dict[str, list[float]] = {}
    start = threading.Barrier(2)
    render_html = scorecard.render_html

    def slow_results(per_dataset: int = 20) -> list[dict]:
        spans[threading.current_thread().name] = [time.monotonic()]  # first step inside the lock
        time.sleep(0.3)
        return make_rows("gen1")

    def recorded_render(groups, generated):
        try:
            return render_html(groups, generated)
        finally:
            spans[threading.current_thread().name].append(time.monotonic())  # last step inside the lock

    monkeypatch.setattr(store, "recent_results", slow_results)
    monkeypatch.setattr(scorecard, "render_html", recorded_render)

    def build() -> None:
        start.wait(5)
        scorecard.build(out_dir=out)

    threads = [run_in_thread(build) for _ in range(2)]
    for t, _ in threads:
        t.join(20)
        assert not t.is_alive(), "a build hung"
    errors = [e for _, errs in threads for e in errs]
    assert not errors, f"a concurrent build failed: {errors!r}"

    (a_in, a_out), (b_in, b_out) = sorted(spans.values())
    assert a_out <= b_in, (
        f"builds overlap: the second began at +{b_in - a_in:.3f}s, the first ended at +{a_out - a_in:.3f}s"
    )
    assert_complete(out, "gen1")


def test_a_build_waits_while_another_process_holds_the_lock(out, monkeypatch):
    """The lock works across processes (the UI web server, a DAG task and the CLI are different
    processes): while another process holds ``.build.lock``, a build does not even read the results;
    it proceeds as soon as the lock is released."""
    stub_plots(monkeypatch)
    entered = threading.Event()

    def results(per_dataset: int = 20) -> list[dict]:
        entered.set()
        return make_rows("gen1")

    monkeypatch.setattr(store, "recent_results", results)
    out.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys\n"
            "f = open(sys.argv[1], 'a')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
            str(out / ".build.lock"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        t, errors = run_in_thread(scorecard.build, 20, out)
        assert not entered.wait(0.5), "the build ran while another process held the lock"
        assert not (out / "index.html").exists()
        holder.stdin.close()  # the holder exits, its lock goes with it
        assert holder.wait(5) == 0
        assert entered.wait(5), "the build did not start after the lock was released"
        t.join(5)
        assert not t.is_alive() and not errors, errors
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(5)
    assert_complete(out, "gen1")


@pytest.mark.parametrize("failing", ["latest.png", "index.html"])
def test_a_build_failing_midway_leaves_the_previous_files_and_no_temp_file(out, monkeypatch, failing):
    """A build that dies halfway through writing a file (disk full, a plotting error) leaves that
    file's previous content, the files after it untouched, no half-written file and no temporary
    file; the lock is released, so the next build works."""
    stub_plots(monkeypatch)
    monkeypatch.setattr(store, "recent_results", lambda per_dataset=20: make_rows("gen1"))
    scorecard.build(out_dir=out)
    before = snapshot(out)
    assert_complete(out, "gen1")

    with monkeypatch.context() as m:
        m.setattr(store, "recent_results", lambda per_dataset=20: make_rows("gen2"))
        if failing == "latest.png":

            def broken_latest(latest, path: Path) -> None:
                path.write_bytes(PNG_HEAD + b"half a chart")
                raise RuntimeError("plotting failed")

            m.setattr(scorecard, "_plot_latest", broken_latest)
        else:
            write_text = Path.write_text

            def disk_full(self: Path, data: str, *args, **kwargs):
                if self.name.startswith("index.html"):
                    write_text(self, data[: len(data) // 2], *args, **kwargs)
                    raise OSError(28, "No space left on device")
                return write_text(self, data, *args, **kwargs)

            m.setattr(Path, "write_text", disk_full)

        with pytest.raises((RuntimeError, OSError)):
            scorecard.build(out_dir=out)

    after = snapshot(out)
    assert set(after) == set(before), f"files added or lost (temp files?): {sorted(set(after) ^ set(before))}"
    assert after["index.html"] == before["index.html"], "index.html is not the previous one"
    if failing == "latest.png":
        assert after["latest.png"] == before["latest.png"], "latest.png is not the previous one"
    for name, data in after.items():  # charts rendered before the failure may be new, but whole
        if name.endswith(".png"):
            assert data.startswith(PNG_HEAD) and data.endswith(PNG_TAIL), f"{name} is half written"

    monkeypatch.setattr(store, "recent_results", lambda per_dataset=20: make_rows("gen3"))
    t, errors = run_in_thread(scorecard.build, 20, out)
    t.join(10)
    assert not t.is_alive(), "the failed build kept the lock"
    assert not errors, errors
    assert_complete(out, "gen3")


def test_a_reader_during_a_build_sees_only_old_or_new_whole_files(out, monkeypatch):
    """While a build writes every file slowly, readers of the final names (one inside each write,
    halfway through it, and one reading in a loop) only ever get the previous or the new complete
    file, never a missing, empty or partly new one."""
    stub_plots(monkeypatch)
    monkeypatch.setattr(store, "recent_results", lambda per_dataset=20: make_rows("gen1"))
    scorecard.build(out_dir=out)
    old = snapshot(out)

    mid_write: dict[str, bytes] = {}

    def peek(path: Path) -> None:
        final = out / next(n for n in old if path.name.startswith(n))
        mid_write[final.name] = final.read_bytes()
        time.sleep(0.05)  # give the looping reader a chance too

    write_text = Path.write_text

    def slow_write_text(self: Path, data: str, *args, **kwargs):
        if not self.name.startswith("index.html"):
            return write_text(self, data, *args, **kwargs)
        with open(self, "w", encoding="utf-8") as f:
            f.write(data[: len(data) // 2])
            f.flush()
            peek(self)
            f.write(data[len(data) // 2 :])
        return len(data)

    stub_plots(monkeypatch, pause_mid_write=peek)
    monkeypatch.setattr(Path, "write_text", slow_write_text)
    monkeypatch.setattr(store, "recent_results", lambda per_dataset=20: make_rows("gen2"))

    seen: dict[str, set[bytes]] = {name: set() for name in old}
    failures: list[str] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            for name in old:
                try:
                    seen[name].add((out / name).read_bytes())
                except FileNotFoundError:
                    failures.append(f"{name} missing during the build")

    t, errors = run_in_thread(reader)
    try:
        scorecard.build(out_dir=out)
    finally:
        done.set()
        t.join(5)
    assert not errors and not failures, (errors, failures[:3])

    new = snapshot(out)
    assert set(new) == set(old)
    assert_complete(out, "gen2")
    assert all(new[n] != old[n] for n in old), "the second build should change every file"
    assert set(mid_write) == set(old), f"not every file was peeked at: {sorted(mid_write)}"
    for name, data in mid_write.items():
        assert data == old[name], f"halfway through writing {name}, its final name held something else"
    for name, contents in seen.items():
        assert contents <= {old[name], new[name]}, f"a reader saw a partial {name}"
