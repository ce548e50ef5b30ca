"""The incremental merge (``wiredesk.update``) against a full merge, on the seeds: the
articles added one at a time must give the events, relations and stories that merging
all five at once gives, with event ids that never change once given (on SQLite and on
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wiredesk import pipeline, update
from wiredesk.identity import follow
from wiredesk.models import Result
from wiredesk.nlp import model_name
from wiredesk.store import Store


def _summary(r: Result) -> tuple[Counter[tuple[str, ...]], Counter[str], list[int]]:
    events = Counter(
        (str(e.date.start) if e.date else "-", e.sub_event_type,
         e.location.name if e.location else "-", str(len({m.doc_id for m in e.mentions})))
        for e in r.events)
    relations = Counter(x.type for x in r.relations)
    return events, relations, sorted(len(s.doc_ids) for s in r.stories)


@pytest.fixture(scope="module")
def analyses(seeds_dir: Path) -> list[pipeline._Analysis]:
    from wiredesk.ingest import iter_articles
    from wiredesk.models import RawArticle

    raws = [a for a in iter_articles([str(seeds_dir)]) if isinstance(a, RawArticle)]
    docs = [pipeline.prepare(r) for r in raws]
    return list(pipeline.Analyzer().analyze(docs, lambda d, e: None))


def test_seeds_added_one_at_a_time_match_the_full_merge(
    analyses: list[pipeline._Analysis], store_url: str
) -> None:
    version = pipeline.analysis_version(model_name(None))
    full = pipeline.assemble(analyses)
    store = Store(store_url)
    try:
        modes = []
        ids_seen: set[str] = set()
        for a in analyses:
            store.save_analyses([(a.doc, a.mentions, a.entities)], version)
            assert store.pending(version) == [a.doc.id]
            modes.append(update.merge_pending(store, version).mode)
            assert store.pending(version) == []
            members, aliases = store.load_identity()
            live = {e.id for e in store.load_merged().events}
            # An id once given lives on, or leads to the event that took it in.
            assert {follow(e, aliases) for e in ids_seen} <= live
            ids_seen |= set(members.values())
        # The first two articles are half the store or more: merged whole; then scoped.
        assert modes == ["full", "full", "scoped", "scoped", "scoped"]
        got = store.load_merged()
    finally:
        store.close()
    assert _summary(got) == _summary(full)
    taji = [e for e in got.events if e.date and e.date.start == dt.date(2020, 3, 11)
            and "Taji" in (e.location.name if e.location else "")]
    assert len(taji) == 1 and len({m.doc_id for m in taji[0].mentions}) >= 2
    assert {d for s in got.stories for d in s.doc_ids} == {a.doc.id for a in analyses}


def test_a_large_stores_caps_lose_nothing(
    analyses: list[pipeline._Analysis], store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every cap of a large store at its tightest (two mentions of a stored event
    clustered again, the others riding with it; one event per undated mention through
    similar documents; no stored document in a story regrouping beyond those in scope),
    the seeds added one at a time lose nothing: every mention is in exactly one event,
    the Taji attack of 11 March is one event told by every report that tells it, no
    event id is lost and every document is in exactly one story."""
    monkeypatch.setattr(update, "EVENT_SAMPLE", 2)
    monkeypatch.setattr(update, "SCOPE_ALL", 0)
    monkeypatch.setattr(update, "NEIGHBOUR_ALL", 0)
    monkeypatch.setattr(update, "NEIGHBOUR_REACH", 1)
    monkeypatch.setattr(update, "STORY_POOL", 0)
    version = pipeline.analysis_version(model_name(None))
    full = pipeline.assemble(analyses)
    store = Store(store_url)
    try:
        ids_seen: set[str] = set()
        for a in analyses:
            store.save_analyses([(a.doc, a.mentions, a.entities)], version)
            update.merge_pending(store, version)
            members, aliases = store.load_identity()
            live = {e.id for e in store.load_merged().events}
            assert {follow(e, aliases) for e in ids_seen} <= live
            ids_seen |= set(members.values())
        got = store.load_merged()
    finally:
        store.close()

    def keys(r: Result) -> Counter[tuple[str, int, int]]:
        return Counter((m.doc_id, m.start, m.end) for e in r.events for m in e.mentions)

    assert keys(got) == keys(full)
    assert max(keys(got).values()) == 1

    def taji_docs(r: Result) -> list[set[str]]:
        return [{m.doc_id for m in e.mentions} for e in r.events
                if e.date and e.date.start == dt.date(2020, 3, 11)
                and "Taji" in (e.location.name if e.location else "")]

    assert taji_docs(got) == taji_docs(full)
    in_stories = Counter(d for st in got.stories for d in st.doc_ids)
    assert set(in_stories) == {a.doc.id for a in analyses}
    assert max(in_stories.values()) == 1
    live = {e.id for e in got.events}
    assert all(x in live for st in got.stories for x in st.event_ids)



def test_sample_size_keeps_the_scope_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """The most mentions per stored event, from five down to two, whose total stays
    within the scope's bound; two (first and latest) when even those are over it."""
    monkeypatch.setattr(update, "SCOPE_ALL", 100)
    assert update._sample_size([50, 3, 1]) == 5  # 5 + 3 + 1
    assert update._sample_size([40] * 30) == 3  # 90 <= 100 < 120
    assert update._sample_size([40] * 60) == 2  # 120 over the bound: the floor


def test_a_document_analysed_but_not_merged_is_merged_next_time(
    seeds_store_url: str, analyses: list[pipeline._Analysis]
) -> None:
    """What a run killed between analysing and merging leaves is merged by the next."""
    version = pipeline.analysis_version(model_name(None))
    store = Store(seeds_store_url)
    try:
        before = store.load_merged()
        # A seed analysed again with another anchor date: its old mentions' events must
        # be rebuilt, not left holding mentions that no longer exist.
        a = analyses[0]
        moved = a.doc.model_copy(update={"published": a.doc.published})
        store.save_analyses([(moved, a.mentions, a.entities)], version)
        assert store.pending(version) == [a.doc.id]
        assert update.merge_pending(store, version).mode == "scoped"
        assert store.pending(version) == []
        after = store.load_merged()
        assert update.merge_pending(store, version).mode == "none"
    finally:
        store.close()
    assert sorted(e.id for e in after.events) == sorted(e.id for e in before.events)
    assert _summary(after) == _summary(before)


def test_a_merge_apart_writes_what_a_merge_here_writes(
    seeds_store_url: str, analyses: list[pipeline._Analysis], tmp_path: Path
) -> None:
    """The merge in a process of its own (``merge_apart``, what runs use) leaves the
    store a merge in this process leaves: a seed analysed again, merged both ways."""
    import shutil

    version = pipeline.analysis_version(model_name(None))
    a = analyses[1]
    store = Store(seeds_store_url)
    store.save_analyses([(a.doc, a.mentions, a.entities)], version)
    store.close()  # all in the file (no write-ahead log left), to be copied
    twin = tmp_path / "twin.sqlite"
    shutil.copy(tmp_path / "wiredesk.sqlite", twin)
    got = []
    for url, apart in ((f"sqlite:///{twin}", False), (seeds_store_url, True)):
        store = Store(url)
        try:
            assert store.pending(version) == [a.doc.id]
            assert update.merge_pending(store, version, apart=apart).mode == "scoped"
            assert store.pending(version) == []
            got.append(store.load_merged())
        finally:
            store.close()
    here, there = got
    # Under the store's lock (taken by this process) the merge stays here: a merge
    # process would wait for the lock forever.
    store = Store(seeds_store_url)
    try:
        store.save_analyses([(a.doc, a.mentions, a.entities)], version)
        with store.exclusive():
            assert update.merge_pending(store, version, apart=True).mode == "scoped"
        assert store.load_merged().model_dump() == here.model_dump()
    finally:
        store.close()
    assert there.model_dump() == here.model_dump()
    assert there.events and there.stories


def test_a_merge_needs_no_spacy(seeds_store_url: str, analyses: list[pipeline._Analysis]
                                ) -> None:
    """A merge reads the model's name, never the model: importing spaCy was a third of
    each merge process's start and 44 MB of its memory. A fresh interpreter, as a merge
    process is, merges a waiting seed without importing it."""
    import subprocess
    import sys

    version = pipeline.analysis_version(model_name(None))
    a = analyses[2]
    store = Store(seeds_store_url)
    store.save_analyses([(a.doc, a.mentions, a.entities)], version)
    store.close()
    code = ("import sys\n"
            "from wiredesk import update\n"
            "from wiredesk.store import Store\n"
            f"s = Store({seeds_store_url!r})\n"
            f"print(update.merge_pending(s, {version!r}).mode, 'spacy' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["scoped", "False"]


def _merge_processes() -> list[int]:
    """The merge processes this test process started (Linux's /proc)."""
    import os

    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        if int(stat[1]) == os.getpid() and b"_merge_process" in cmd:
            out.append(int(pid))
    return out


def test_a_killed_merge_process_leaves_its_documents_waiting(
    seeds_store_url: str, analyses: list[pipeline._Analysis]
) -> None:
    """kill -9 of the merge process: the run gets a clear error, the document stays
    waiting, and the next merge merges it with no event twice."""
    import os
    import signal
    import threading
    import time

    version = pipeline.analysis_version(model_name(None))
    store = Store(seeds_store_url)
    try:
        before = store.load_merged()
        a = analyses[2]
        store.save_analyses([(a.doc, a.mentions, a.entities)], version)
        failed: list[BaseException] = []

        def merge() -> None:
            try:
                update.merge_pending(store, version, apart=True)
            except BaseException as exc:  # handed to the test
                failed.append(exc)

        worker = threading.Thread(target=merge)
        worker.start()
        deadline = time.monotonic() + 60
        while not (kids := _merge_processes()):
            assert time.monotonic() < deadline, "no merge process started"
            time.sleep(0.005)
        os.kill(kids[0], signal.SIGKILL)
        worker.join(120)
        assert len(failed) == 1 and isinstance(failed[0], update.MergeProcessError)
        assert "merge on the next run" in str(failed[0])
        assert store.pending(version) == [a.doc.id]
        assert update.merge_pending(store, version, apart=True).mode == "scoped"
        assert store.pending(version) == []
        after = store.load_merged()
    finally:
        store.close()
    assert sorted(e.id for e in after.events) == sorted(e.id for e in before.events)
    assert _summary(after) == _summary(before)


def test_a_script_without_a_main_guard_runs_once(seeds_dir: Path, tmp_path: Path) -> None:
    """A script calling ``pipeline.run`` at its top level (no ``if __name__ ==
    "__main__"``), as notebooks and quick scripts do: its merge process must not run
    the script again, as a ``multiprocessing`` spawn would."""
    import subprocess
    import sys

    seed = sorted(seeds_dir.glob("*.txt"))[0]
    script = tmp_path / "quick.py"
    script.write_text(
        "from wiredesk import pipeline\n"
        f"r = pipeline.run([{str(seed)!r}], {str(tmp_path / 'out')!r})\n"
        "print('events', len(r.events))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("events") == 1
    assert int(done.stdout.split()[1]) > 0
    assert (tmp_path / "out" / "events.json").is_file()


def test_reach_of_a_mention_is_its_days_and_country(
    analyses: list[pipeline._Analysis],
) -> None:
    documents = {a.doc.id: a.doc for a in analyses}
    dated = [m for a in analyses for m in a.mentions
             if m.date and m.date.start == m.date.end == dt.date(2020, 3, 11) and m.place]
    assert dated
    (reach,) = update.reaches(dated[:1], documents)
    assert (reach.lo, reach.hi, reach.short) == (dt.date(2020, 3, 11), dt.date(2020, 3, 11),
                                                 True)
    assert reach.cc == "IQ"
    # A stored event of that day in Iraq is met; one in Syria, or two days later, is not.
    assert update._meets(reach, dt.date(2020, 3, 11), dt.date(2020, 3, 11), "IQ", 33.3, 44.4)
    assert not update._meets(reach, dt.date(2020, 3, 11), dt.date(2020, 3, 11), "SY",
                             34.8, 40.1)
    assert not update._meets(reach, dt.date(2020, 3, 13), dt.date(2020, 3, 13), "IQ",
                             33.3, 44.4)
    # An event dated only to March (a long one) is met through the month's block, as one
    # of the few likeliest of that month (``update.COARSE_REACH``), not surely.
    assert update._meets(reach, dt.date(2020, 3, 1), dt.date(2020, 3, 31), None, None,
                         None) == update._COARSE
    assert update._meets(reach, dt.date(2020, 3, 11), dt.date(2020, 3, 11), "IQ", 33.3,
                         44.4) == update._NEAR
    # The same day told in passing by a report of April meets that day's events only as
    # one of the likeliest few: a look back, not the report's news.
    (doc_id,) = {dated[0].doc_id}
    later = {doc_id: documents[doc_id].model_copy(update={"published": dt.date(2020, 4, 20)})}
    (back,) = update.reaches(dated[:1], later)
    assert back.back and not reach.back
    assert update._meets(back, dt.date(2020, 3, 11), dt.date(2020, 3, 11), "IQ", 33.3,
                         44.4) == update._COARSE


# Three reports of one news-cluster event (gold EventId 49), published 5 January, 6
# February and 4 February. The first two are 32 days apart, beyond what a new document
# looks at (``update.STORY_WEEK``, ``update.NEIGHBOUR_DAYS``); the third is within a week
# of the second and a month of the first.
_EARLY = "8c22e99fff727e5ca246ac08386e8c703c4940961fa2dcd98ec6ab4a"
_LATE = "a6d78217713b9eda70253ef19936cc2865257d6a5aeac1c8c975bcdf"
_BRIDGE = "60c49d752ab651be79ba8f3165cfcc7b42187f5005dfe03f0f07ba50"


@pytest.fixture(scope="module")
def three_reports(shared_dir: Path) -> tuple[list[pipeline._Analysis], dict[str, Any]]:
    """Six reports of other events, and the three reports of one event."""
    import sys

    root = shared_dir / "data" / "news_cluster"
    wanted = [_EARLY, _LATE, _BRIDGE]
    if not all((root / f"{x}.json").is_file() for x in wanted):
        pytest.skip(f"news cluster articles not found in {root}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from stories_eval import load

    docs, gold = load(root)
    by_id = {d.id: d for d in docs}
    # A store of another event's reports first, so that the three are merged in scope.
    other = sorted((d for d in docs if gold[d.id] != gold[_EARLY] and d.published),
                   key=lambda d: (d.published, d.id))[:6]
    analyses = {a.doc.id: a for a in pipeline.Analyzer().analyze(
        other + [by_id[x] for x in wanted], lambda d, e: None)}
    return [analyses[d.id] for d in other], analyses


def _adder(store: Store, analyses: dict[str, Any]) -> Callable[[list[str]], str]:
    version = pipeline.analysis_version(model_name(None))

    def add(ids: list[str]) -> str:
        store.save_analyses([(analyses[x].doc, analyses[x].mentions, analyses[x].entities)
                             for x in ids], version)
        return update.merge_pending(store, version).mode

    return add


def test_stories_of_two_batches_join_when_a_later_one_links_them(
    three_reports: tuple[list[pipeline._Analysis], dict[str, Any]], store_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the term index's reports of any date, the first two reports are too far
    # apart to meet: the third, between them, joins their stories.
    monkeypatch.setattr(update, "FAR_CANDIDATES", 0)
    other_an, analyses = three_reports
    other = [a.doc for a in other_an]
    wanted = [_EARLY, _LATE, _BRIDGE]
    store = Store(store_url)
    try:
        add = _adder(store, analyses)
        assert add([d.id for d in other]) == "full"
        assert add([_EARLY]) == "scoped"
        assert add([_LATE]) == "scoped"
        (early,) = store.stories_of([_EARLY])
        (late,) = store.stories_of([_LATE])
        assert early != late  # too far apart to meet
        assert add([_BRIDGE]) == "scoped"
        joined = store.stories_of(wanted)
        stories = store.load_merged().stories
        story_aliases = store.story_aliases()
    finally:
        store.close()
    # One story now, under the id of the one made first; the other id leads to it.
    assert list(joined) == [early]
    assert set(joined[early].doc_ids) == set(wanted)
    assert story_aliases == {late: early}
    seen = [d for s in stories for d in s.doc_ids]
    assert sorted(seen) == sorted([d.id for d in other] + wanted)


def test_reports_months_apart_meet_through_the_term_index(
    three_reports: tuple[list[pipeline._Analysis], dict[str, Any]], store_url: str
) -> None:
    other_an, analyses = three_reports
    early, late = analyses[_EARLY].doc, analyses[_LATE].doc
    assert early.published and late.published
    assert (late.published - early.published).days > update.NEIGHBOUR_DAYS
    store = Store(store_url)
    try:
        add = _adder(store, analyses)
        assert add([a.doc.id for a in other_an]) == "full"
        assert add([_EARLY]) == "scoped"
        # The earlier report is outside the later one's window, yet found by its terms.
        assert _EARLY in update._far_candidates(store, [late])[_LATE]
        assert add([_LATE]) == "scoped"
        assert set(store.stories_of([_EARLY])) == set(store.stories_of([_LATE]))
    finally:
        store.close()


def test_brief_events_keep_all_but_the_mentions(
    analyses: list[pipeline._Analysis], store_url: str
) -> None:
    """``Store.load_events(brief=True)``, which a scoped merge reads the events around
    its scope with, gives each event as stored but with its first mention only."""
    version = pipeline.analysis_version(model_name(None))
    store = Store(store_url)
    try:
        store.save_analyses([(a.doc, a.mentions, a.entities) for a in analyses], version)
        update.merge_pending(store, version)
        ids = [e.id for e in store.load_merged().events]
        full, brief = store.load_events(ids), store.load_events(ids, brief=True)
    finally:
        store.close()
    assert set(brief) == set(full) and any(len(e.mentions) > 1 for e in full.values())
    for eid, e in full.items():
        b = brief[eid]
        assert b.mentions == e.mentions[:1]
        assert b.model_copy(update={"mentions": e.mentions}) == e
