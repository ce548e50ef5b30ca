"""The Ray engine (``--engine ray``) on a local Ray instance of 2 CPUs started here: the
same events.json as the local engine on the seeds and the examples, and a document that
fails on a worker reported while the others go on."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiredesk import ingest, pipeline
from wiredesk.models import Document, RawArticle

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """A private Ray instance: 2 CPUs, no dashboard, nothing reported off the machine."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if ray.is_initialized():
        ray.shutdown()
    from wiredesk.ray_engine import ensure_ray

    assert ensure_ray(None, num_cpus=2)
    assert ray.cluster_resources().get("CPU") == 2
    yield
    ray.shutdown()


def _events_json(out: Path) -> object:
    return json.loads((out / "events.json").read_text(encoding="utf-8"))


def _read(paths: list[str]) -> list[RawArticle]:
    items = ingest.iter_articles(paths, stdin=None)  # type: ignore[arg-type]
    return [a for a in items if isinstance(a, RawArticle)]


@pytest.mark.parametrize("chunk", [1000, 3])
def test_same_events_json_as_the_local_engine(
    local_ray: None, seeds_dir: Path, tmp_path: Path, chunk: int
) -> None:
    # In chunks of 3, Ray analyses a chunk while the one before is committed and merged.
    paths = [str(seeds_dir), str(EXAMPLES)]
    errors: dict[str, list[str]] = {"local": [], "ray": []}
    for engine, n in (("local", 1), ("ray", 2)):
        opts = pipeline.Options(engine=engine, n_process=n, chunk_size=chunk)
        pipeline.run(paths, tmp_path / engine, options=opts, on_error=errors[engine].append)
    assert errors == {"local": [], "ray": []}
    local, remote = _events_json(tmp_path / "local"), _events_json(tmp_path / "ray")
    assert isinstance(local, dict) and isinstance(remote, dict)
    assert len(local["documents"]) == 9 and local["events"]
    assert remote == local


def test_prepare_on_workers_matches_the_local_prepare(local_ray: None) -> None:
    from wiredesk.ray_engine import RayAnalyzer

    raws = _read([str(EXAMPLES)])
    failures: list[RawArticle] = []
    analyzer = RayAnalyzer(pipeline.Options(engine="ray", n_process=2))
    docs = analyzer.prepare(raws, lambda r, e: failures.append(r))
    assert not failures
    assert docs == [pipeline.prepare(r) for r in raws]


def test_a_failing_document_is_reported_and_the_rest_go_on(local_ray: None) -> None:
    from wiredesk.ray_engine import RayAnalyzer

    docs = [pipeline.prepare(r) for r in _read([str(EXAMPLES)])]
    assert len(docs) == 4
    # Dated at the first day of the calendar, "yesterday" cannot be computed: the
    # analysis of this one document raises OverflowError on the worker.
    poisoned = docs[1].model_copy(update={"id": "poisoned", "path": "poisoned.txt",
                                          "published": dt.date(1, 1, 1)})
    batch = [docs[0], poisoned, *docs[1:]]
    failed: list[tuple[Document, Exception]] = []
    analyses = list(RayAnalyzer(pipeline.Options(engine="ray", n_process=2)).analyze(
        batch, lambda d, e: failed.append((d, e))))
    assert [d.id for d, _ in failed] == ["poisoned"]
    exc = failed[0][1]
    assert type(exc).__name__ == "OverflowError" and "out of range" in str(exc)
    assert [a.doc.id for a in analyses] == [d.id for d in docs]  # input order, rest done
    local = list(pipeline.Analyzer(pipeline.Options()).analyze(docs, lambda d, e: None))
    assert [a.mentions for a in analyses] == [a.mentions for a in local]
    assert [a.entities for a in analyses] == [a.entities for a in local]


def test_wiredesk_variables_reach_the_workers(
    local_ray: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiredesk.ray_engine import RayAnalyzer

    monkeypatch.setenv("WIREDESK_PROBE", "from-the-driver")
    analyzer = RayAnalyzer(pipeline.Options(engine="ray", n_process=2))
    rows = list(analyzer._map(  # a lambda travels by value: the worker cannot import tests/
        [{"i": 0}, {"i": 1}],
        lambda b: {"i": list(b["i"]),
                   "env": [os.environ.get("WIREDESK_PROBE", "")] * len(b["i"])},
    ))
    assert sorted(str(r["env"]) for r in rows) == ["from-the-driver"] * 2


def test_cli_rejects_an_unknown_engine_and_a_lone_address(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wiredesk.cli import app

    runner = CliRunner()
    bad = runner.invoke(app, ["run", str(EXAMPLES), "--out", str(tmp_path), "--engine", "spark"])
    assert bad.exit_code == 2 and "unknown engine" in bad.output
    lone = runner.invoke(app, ["run", str(EXAMPLES), "--out", str(tmp_path),
                               "--address", "127.0.0.1:6379"])
    assert lone.exit_code == 2 and "--engine ray" in lone.output
