"""Faults during ``wiredesk run``, each provoked for real on a subprocess: the database
stopped mid-run, the run killed with SIGKILL mid-batch, a full disk, a read-only output
folder. Each gives one clear line and exit code 2 (or, for SIGKILL, nothing at all), and
a re-run completes with every document once, every analysis once and the same events.

The corpus is the seed articles, each copied several times with a different closing
line (so each copy is a document of its own), written to a temporary folder."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from test_store_pipeline import EXAMPLES, snapshot, wiredesk_cmd

from wiredesk.store import default_url


def seed_corpus(seeds_dir: Path, dest: Path, copies: int) -> int:
    """``copies`` documents per seed article in ``dest``; returns how many."""
    dest.mkdir(parents=True)
    n = 0
    for f in sorted(seeds_dir.glob("*.txt")):
        body = f.read_text(encoding="utf-8")
        for i in range(copies):
            (dest / f"{f.stem}_{i}.txt").write_text(
                f"{body}\n\nFiled again as archive copy {i + 1}.\n", encoding="utf-8")
            n += 1
    return n


def start_run(*args: str, **kw: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([*wiredesk_cmd(), "run", *args, "--quiet"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def run(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*wiredesk_cmd(), "run", *args, "--quiet"], capture_output=True,
                          text=True, timeout=900, **kw)


def analyses(url: str) -> int:
    """How many analyses a store has committed (0 before it exists)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM analyses")).scalar() or 0)
    except Exception:
        return 0
    finally:
        engine.dispose()


def wait_for(cond: Callable[[], bool], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def one_error_line(stderr: str) -> str:
    """The run's single error line (and no traceback)."""
    assert "Traceback" not in stderr, stderr
    lines = [ln for ln in stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, stderr
    print(lines[0])  # shown by pytest -rP: what a user sees
    return lines[0]


def events_of(out: Path) -> list[tuple[Any, ...]]:
    """What a run's events.json says, id by id (ids, types, dates, places, figures and
    the mentions behind them)."""
    data = json.loads((out / "events.json").read_text(encoding="utf-8"))
    return sorted(
        (e["id"], e["sub_event_type"], json.dumps(e.get("date"), sort_keys=True),
         (e.get("location") or {}).get("name"),
         json.dumps({k: f.get("value") for k, f in (e.get("figures") or {}).items()},
                    sort_keys=True),
         len(e.get("mentions") or []))
        for e in data["events"]
    )


def no_temp_files(out: Path) -> bool:
    return not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# --- the database goes away -----------------------------------------------------------


def test_database_stopped_mid_run_then_resumed(pg_instance: Any, seeds_dir: Path,
                                               tmp_path: Path) -> None:
    n = seed_corpus(seeds_dir, tmp_path / "corpus", 6)
    url = pg_instance.new_database()
    proc = start_run(str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), "--db", url,
                     "--batch-size", "2")
    try:
        wait_for(lambda: analyses(url) >= 2 or proc.poll() is not None)
        assert proc.poll() is None, "the run ended before the database could be stopped"
        pg_instance.stop("fast")  # every session is cut at once
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2, err
    line = one_error_line(err)
    assert f"store postgresql+psycopg://postgres@127.0.0.1:{pg_instance.port}/" in line
    assert "lost the connection" in line or "cannot reach" in line
    pg_instance.start()
    mid = snapshot(url)
    assert 2 <= mid["documents"] == mid["analyses"] < n  # whole batches, nothing half-done
    again = run(str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), "--db", url)
    assert again.returncode == 0, again.stderr
    done = snapshot(url)
    assert done["documents"] == done["analyses"] == n
    assert done["events"] and done["unassigned"] == []
    assert run(str(tmp_path / "corpus"), "--out", str(tmp_path / "out2"),
               "--db", url).returncode == 0
    assert snapshot(url) == done  # a further run duplicates nothing


# --- SIGKILL mid-batch ----------------------------------------------------------------


def test_sigkill_mid_batch_then_rerun(seeds_dir: Path, tmp_path: Path) -> None:
    n = seed_corpus(seeds_dir, tmp_path / "corpus", 6)
    out = tmp_path / "out"
    url = default_url(out)
    proc = start_run(str(tmp_path / "corpus"), "--out", str(out), "--batch-size", "2")
    try:
        wait_for(lambda: analyses(url) >= 2 or proc.poll() is not None)
        assert proc.poll() is None, "the run ended before it could be killed"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    mid = snapshot(url)
    assert 2 <= mid["documents"] == mid["analyses"] < n
    assert not (out / "events.json").exists() and no_temp_files(out)
    again = run(str(tmp_path / "corpus"), "--out", str(out))
    assert again.returncode == 0, again.stderr
    done = snapshot(url)
    assert done["documents"] == done["analyses"] == n and done["unassigned"] == []
    # The same events as one uninterrupted run over the same corpus in a fresh store.
    clean = run(str(tmp_path / "corpus"), "--out", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stderr
    reference = snapshot(default_url(tmp_path / "clean"))
    if reference["version"] != done["version"]:  # only in a work tree being edited
        pytest.skip("the analysis code changed between the two runs; nothing to compare")
    # Every document's analysis is what the uninterrupted run made of it ...
    assert mentions_by_doc(default_url(out)) == mentions_by_doc(default_url(tmp_path / "clean"))
    # ... and so are the events (merged again now, by the code the clean run just used).
    assert run(str(tmp_path / "corpus"), "--out", str(out)).returncode == 0
    assert len(snapshot(default_url(out))["events"]) == len(reference["events"])
    assert events_of(out) == events_of(tmp_path / "clean")


def mentions_by_doc(url: str) -> dict[str, list[Any]]:
    """Each document's mentions (start, end, type) in a store's newest analyses."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT doc_id, mentions FROM analyses WHERE version = "
                "(SELECT version FROM analyses ORDER BY added_at DESC LIMIT 1)")).all()
    finally:
        engine.dispose()
    return {d: sorted((m["start"], m["end"], m["sub_event_type"])
                      for m in (json.loads(ms) if isinstance(ms, str) else ms))
            for d, ms in rows}


# --- a full disk ----------------------------------------------------------------------


@contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[bool]:
    """Mount a tmpfs of ``size`` on ``path``; yields whether that worked."""
    path.mkdir()
    ok = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True).returncode == 0
    try:
        yield ok
    finally:
        if ok:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:  # in the child: writes past the limit fail (EFBIG), no signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_full_disk_under_the_store(seeds_dir: Path, tmp_path: Path) -> None:
    seed_corpus(seeds_dir, tmp_path / "corpus", 6)
    out = tmp_path / "out"
    with small_tmpfs(out, "400k") as mounted:
        # Without mount: a file size limit on the run, which fails its writes the same way.
        kw: dict[str, Any] = {} if mounted else {"preexec_fn": _file_size_limit(400_000)}
        res = run(str(tmp_path / "corpus"), "--out", str(out), "--batch-size", "2", **kw)
        assert res.returncode == 2, res.stderr
        line = one_error_line(res.stderr)
        assert str(out / "wiredesk.sqlite") in line
        assert "full" in line or "too large" in line.lower() or "disk" in line
        assert not (out / "events.json").exists() and no_temp_files(out)
        # What was committed is whole: every stored document has its analysis.
        mid = snapshot(default_url(out)) if mounted else None
    if mid is not None:
        assert mid["documents"] == mid["analyses"]


def test_full_disk_under_the_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with small_tmpfs(out, "16k") as mounted:
        if not mounted:
            pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
        res = run(str(EXAMPLES), "--out", str(out), "--db", db)
        assert res.returncode == 2, res.stderr
        line = one_error_line(res.stderr)
        assert f"cannot write results to {out}" in line and "No space left" in line
        assert list(out.iterdir()) == []  # no half-written events.json, no temp file
    assert snapshot(db)["documents"] == 4  # the store kept the run's work


# --- a read-only output folder ----------------------------------------------------------


@contextmanager
def read_only_dir(path: Path) -> Iterator[str | None]:
    """An empty folder this process cannot write to, even as root (a read-only bind
    mount, else the immutable attribute); yields how, or None if nothing worked."""
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield "chmod"
        finally:
            path.chmod(0o755)
        return
    src = path.with_name(path.name + "_src")
    src.mkdir()
    if subprocess.run(["mount", "--bind", str(src), str(path)],
                      capture_output=True).returncode == 0:
        try:
            if subprocess.run(["mount", "-o", "remount,bind,ro", str(path)],
                              capture_output=True).returncode == 0:
                yield "read-only bind mount"
                return
        finally:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0:
        try:
            yield "chattr +i"
        finally:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        return
    yield None


def test_read_only_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with read_only_dir(out) as how:
        if how is None:
            pytest.skip("no way to make a read-only folder here")
        # Said at once, before any work, whether the store is beside the outputs or not.
        for extra in ([], ["--db", db]):
            res = run(str(EXAMPLES), "--out", str(out), *extra)
            assert res.returncode == 2, res.stderr
            line = one_error_line(res.stderr)
            assert f"cannot write results to {out}" in line
            assert list(out.iterdir()) == []  # nothing half-written
    assert not (tmp_path / "store.sqlite").exists()  # no work was started
