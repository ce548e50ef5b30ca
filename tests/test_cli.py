"""The ``wiredesk`` command: exit codes, one-line errors, bad input that loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from wiredesk import pipeline
from wiredesk.store import DocumentRow, Store, default_url

WIREDESK = [sys.executable, "-m", "wiredesk.cli"]


def _good(seeds_dir: Path, folder: Path) -> Path:
    """A real article (a seed, copied at test time) that must survive every bad neighbour."""
    src = next(seeds_dir.glob("002_*.txt"))
    dst = folder / "good.txt"
    shutil.copy(src, dst)
    return dst


def _empty(d: Path) -> Path:
    p = d / "empty.txt"
    p.write_bytes(b"")
    return p


def _binary(d: Path) -> Path:
    p = d / "photo.txt"
    p.write_bytes(bytes(range(256)) * 64)
    return p


def _huge(d: Path) -> Path:
    p = d / "huge.txt"
    with p.open("w") as fh:
        line = "Rockets were fired at the base again on Tuesday, officials said.\n"
        for _ in range(20_000_000 // len(line) + 1):
            fh.write(line)
    return p


def _bad_utf8(d: Path) -> Path:
    p = d / "latin.txt"
    p.write_bytes("Rockets hit the base near Baghdad, officials said. Caf\xe9.\n".encode("latin-1"))
    return p


def _bad_jsonl(d: Path) -> Path:
    p = d / "feed.jsonl"
    good = {"title": "Strike", "maintext": "A drone strike hit a convoy near Kirkuk on Monday, "
            "killing three fighters, Iraqi officials said.", "date_publish": "2021-05-03"}
    p.write_text(json.dumps(good) + "\n{not json at all\n", encoding="utf-8")
    return p


def _csv_no_text(d: Path) -> Path:
    p = d / "table.csv"
    p.write_text("title,url\nA headline,https://example.org/a\n", encoding="utf-8")
    return p


def _empty_folder(d: Path) -> Path:
    p = d / "nothing_here"
    p.mkdir()
    return p


BAD: dict[str, Callable[[Path], Path]] = {
    "empty file": _empty,
    "binary file": _binary,
    "20 MB text file": _huge,
    "invalid UTF-8": _bad_utf8,
    "malformed JSON line": _bad_jsonl,
    "CSV without a text column": _csv_no_text,
    "folder with no articles": _empty_folder,
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_input_is_reported_and_the_rest_goes_on(
    kind: str, seeds_dir: Path, tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = _good(seeds_dir, inputs)
    bad = BAD[kind](inputs)
    out = tmp_path / "out"
    errors: list[str] = []
    result = pipeline.run([str(good), str(bad)], out, on_error=errors.append)
    assert len(errors) == 1, errors
    assert "\n" not in errors[0] and bad.name in errors[0], errors
    paths = [Path(d.path).name.split("#")[0] for d in result.documents]
    assert "good.txt" in paths
    if kind == "malformed JSON line":
        assert "feed.jsonl" in paths  # the good line of the file still counts
    assert (out / "events.json").exists()
    # and a second run adds nothing
    n_docs = len(result.documents)
    pipeline.run([str(good), str(bad)], out, on_error=lambda _m: None)
    store = Store(default_url(out))
    try:
        assert store.count(DocumentRow) == n_docs
    finally:
        store.close()


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*WIREDESK, *args], capture_output=True, text=True, input=stdin,
                          env=env, timeout=600)


def test_cli_exit_codes_and_one_line_errors(seeds_dir: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _good(seeds_dir, inputs)
    _empty(inputs)
    _bad_utf8(inputs)
    out = tmp_path / "out"
    proc = _cli("run", str(inputs), "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 2, proc.stderr
    assert any("empty.txt" in ln for ln in lines) and any("latin.txt" in ln for ln in lines)
    assert json.loads((out / "events.json").read_text())["documents"]
    # quiet and not a terminal: no progress bar on stdout either
    assert proc.stdout == ""


def test_cli_all_good_exits_zero(seeds_dir: Path, tmp_path: Path) -> None:
    proc = _cli("run", str(seeds_dir), "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    for name in ("events.json", "events.csv", "events.geojson"):
        assert (tmp_path / name).stat().st_size > 0


def test_cli_reads_stdin(seeds_dir: Path, tmp_path: Path) -> None:
    text = next(seeds_dir.glob("003_*.txt")).read_text("utf-8")
    proc = _cli("run", "-", "--out", str(tmp_path), "--quiet", stdin=text)
    assert proc.returncode == 0, proc.stderr
    docs = json.loads((tmp_path / "events.json").read_text())["documents"]
    assert len(docs) == 1 and docs[0]["published"] == "2020-03-13"


def test_cli_usage_errors_exit_two(tmp_path: Path) -> None:
    assert _cli("run", "--out", str(tmp_path)).returncode == 2  # no paths
    assert _cli("run", "x.txt").returncode == 2  # no --out
    assert _cli("run", "x.txt", "--out", str(tmp_path), "--no-such-flag").returncode == 2


def test_cli_unwritable_output_is_a_clear_error(seeds_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file_not_dir"
    blocker.write_text("x")
    proc = _cli("run", str(seeds_dir), "--out", str(blocker / "out"), "--quiet")
    assert proc.returncode == 2
    assert "file_not_dir" in proc.stderr and "Traceback" not in proc.stderr
