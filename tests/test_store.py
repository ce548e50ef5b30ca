"""The store on SQLite and on a real PostgreSQL server (``store_url``): documents and
analyses, the merged view, errors, and the cross-process lock ``Store.exclusive``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wiredesk.models import Document, Entity, EventMention
from wiredesk.store import AnalysisRow, DocumentRow, EntityRow, Store, StoreError

# Two short reports written for these tests (not taken from any corpus).
TEXTS = [
    "Mortar rounds struck a police post outside Kirkuk on Tuesday, wounding three "
    "officers, a provincial spokesman said.",
    "Protesters blocked the main bridge in Nasiriyah on Friday to demand jobs and "
    "electricity; police fired tear gas and arrested twelve people.",
]


def _doc(i: int, path: str = "") -> Document:
    return Document(id=f"doc{i:04d}", path=path or f"reports/{i}.txt", text=TEXTS[i % 2],
                    title=f"Report {i}", published_basis="metadata")


def _mention(doc: Document) -> EventMention:
    end = doc.text.index(" ", 10)
    return EventMention(id=f"{doc.id}:m0", doc_id=doc.id, start=0, end=end,
                        quote=doc.text[:end], trigger=doc.text.split()[1],
                        event_type="Violence against civilians", sub_event_type="Attack")


def test_documents_and_analyses_round_trip_without_duplicates(store_url: str) -> None:
    store = Store(store_url)
    try:
        docs = [_doc(i) for i in range(3)]
        items = [(d, [_mention(d)], [Entity(id="police", name="police",
                                            kind="state_forces")]) for d in docs]
        store.save_analyses(items, "v1")
        store.save_analyses(items, "v1")  # a re-run writes the same batch again
        assert store.count(DocumentRow) == 3
        assert store.count(AnalysisRow) == 3
        assert store.known_ids(["doc0000", "doc0002", "nope"]) == {"doc0000", "doc0002"}
        loaded = store.load_analysis("doc0001", "v1")
        assert loaded is not None
        doc, mentions, entities = loaded
        assert doc.text == TEXTS[1] and mentions[0].quote.startswith("Protesters")
        assert entities[0].kind == "state_forces"
        assert store.load_analysis("doc0001", "v2") is None
        assert store.stale_documents("v2") == ["doc0000", "doc0001", "doc0002"]
        assert [d.id for d, _, _ in store.iter_analyses("v1", chunk=2)] == [
            "doc0000", "doc0001", "doc0002"]
        store.save_documents([_doc(1, path="moved/1.txt")])  # metadata as read now
        assert store.load_document("doc0001").path == "moved/1.txt"  # type: ignore[union-attr]
        assert store.load_analysis("doc0001", "v1") is not None  # the analysis stays
    finally:
        store.close()


def test_merged_view_upserts_entities(store_url: str) -> None:
    store = Store(store_url)
    try:
        store.save_merged([], [], [], [Entity(id="pmf", name="PMF", kind="armed_group")])
        store.save_merged([], [], [], [Entity(id="pmf", name="Popular Mobilization Forces",
                                              kind="armed_group", aliases=["PMF"])])
        assert store.count(EntityRow) == 1
        assert store.load_merged().entities[0].aliases == ["PMF"]
        # A second Store on the same database (another process's view) sees the same.
        other = Store(store_url)
        assert other.load_merged().entities[0].name == "Popular Mobilization Forces"
        other.close()
    finally:
        store.close()


def test_unreachable_server_is_one_clear_line() -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError) as err:
        Store(f"postgresql+psycopg://nobody@127.0.0.1:{port}/none")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"cannot reach store postgresql+psycopg://nobody@127.0.0.1:{port}/none")
    assert "refused" in msg


def test_sqlite_store_in_a_missing_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder .*nowhere does not exist"):
        Store(f"sqlite:///{tmp_path / 'nowhere' / 'x.sqlite'}")
    with pytest.raises(StoreError, match="cannot open store"):
        Store("nosuchdialect://x")


# --- Store.exclusive across processes -----------------------------------------------

# Each child takes the lock N times and, inside it, does a read-modify-write that two
# unlocked processes would race on: read how many entities there are, then add one with
# that number as its id. Without mutual exclusion two processes read the same count and
# one overwrites the other's row.
_CHILD = textwrap.dedent("""
    import sys, time
    from wiredesk.models import Entity
    from wiredesk.store import EntityRow, Store

    url, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(url)
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for i in range(n):
        with store.exclusive():
            k = store.count(EntityRow)
            time.sleep(0.02)  # widen the window a race needs
            store.save_merged([], [], [], [Entity(id=f"e{k:03d}", name=f"{tag}{i}",
                                                  kind="other")])
    store.close()
""")

_HOLDER = textwrap.dedent("""
    import sys, time
    from wiredesk.store import Store

    store = Store(sys.argv[1])
    with store.exclusive():
        print("locked", flush=True)
        time.sleep(600)
""")


def _python(script: str, *args: str, **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, *args], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)  # type: ignore[call-overload]


def test_exclusive_serialises_two_processes(store_url: str) -> None:
    Store(store_url).close()  # schema first, so the children only race on the data
    n = 15
    procs = [_python(_CHILD, store_url, tag, str(n)) for tag in ("a", "b")]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    store = Store(store_url)
    try:
        names = sorted(e.name for e in store.load_merged().entities)
        # every write of both processes survived, each under its own number
        assert store.count(EntityRow) == 2 * n
        assert names == sorted([f"a{i}" for i in range(n)] + [f"b{i}" for i in range(n)])
    finally:
        store.close()


def test_exclusive_times_out_and_a_killed_holder_releases(store_url: str) -> None:
    store = Store(store_url)
    holder = _python(_HOLDER, store_url)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="locked by another process"), \
                store.exclusive(timeout=0.5):
            pass
        # Opening a store that needs no migration does not wait for the lock.
        import threading

        opener = threading.Thread(target=lambda: Store(store_url).close())
        opener.start()
        opener.join(timeout=60)
        assert not opener.is_alive()
        os.kill(holder.pid, signal.SIGKILL)  # dies holding the lock
        holder.wait(timeout=30)
        t0 = time.monotonic()
        with store.exclusive(timeout=30), store.exclusive():  # re-entrant
            assert time.monotonic() - t0 < 30
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        store.close()


def _news_docs(shared_dir: Path, n: int) -> list[Document]:
    root = shared_dir / "data" / "news_cluster"
    if not root.is_dir():
        pytest.skip(f"news cluster articles not found in {root}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from stories_eval import load

    docs, _gold = load(root)
    return sorted(docs, key=lambda d: d.id)[:n]


def test_term_index_is_written_with_analyses_and_lazily_for_older_documents(
    shared_dir: Path, store_url: str
) -> None:
    from sqlalchemy import delete, select
    from sqlalchemy.orm import Session

    from wiredesk import terms
    from wiredesk.store import DocTermRow, TermDfRow

    docs = _news_docs(shared_dir, 24)
    store = Store(store_url)
    try:
        store.save_analyses([(d, [], []) for d in docs], "v1")
        store.save_analyses([(d, [], []) for d in docs[:5]], "v2")  # counted once
        df, n = store.term_frequencies(terms.bag(docs[0].text))
        assert n == len(docs) and store.unindexed_documents() == []
        assert all(1 <= c <= n for c in df.values())

        def rows() -> list[tuple[str, str, float]]:
            with Session(store.engine) as s:
                return sorted((r.doc_id, r.term, round(r.weight, 9))
                              for r in s.scalars(select(DocTermRow)))

        saved = rows()
        per_doc = {x for x, _, _ in saved}
        assert per_doc == {d.id for d in docs}
        assert max(sum(1 for x, w, _ in saved if x == d.id and w) for d in docs) \
            <= terms.TOP_TERMS
        # A store made before the index: its documents are indexed on demand, weighed
        # as if they had been saved in one batch.
        with Session(store.engine) as s, s.begin():
            s.execute(delete(DocTermRow))
            s.execute(delete(TermDfRow))
        assert store.unindexed_documents() == sorted(d.id for d in docs)
        store.index_terms(store.unindexed_documents())
        assert store.unindexed_documents() == [] and rows() == saved
        # A document's heaviest terms find it first; excluded, it is not found.
        b = terms.bag(docs[3].text)
        df, n = store.term_frequencies(b)
        q = {"q": terms.top(terms.weigh(b, df, n), terms.QUERY_TERMS)}
        assert store.similar_documents(q, 3)["q"][0][0] == docs[3].id
        assert docs[3].id not in {x for x, _ in store.similar_documents(
            q, 3, exclude=[docs[3].id])["q"]}
    finally:
        store.close()


def test_models_read_back_share_one_set_of_field_names(seeds_store_url: str) -> None:
    """Every stored mention was written whole, so all read back share their class's one
    set of field names (pydantic's per-instance set was over half of a mention's
    memory); what pydantic does with the set is unchanged: a model built with fields
    left to their defaults keeps its own set, and a copy never changes the shared one."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    store = Store(seeds_store_url)
    try:
        with Session(store.engine) as s:
            version = s.scalars(select(AnalysisRow.version)).first()
        assert version is not None
        mentions = [m for _, ms, _ in store.iter_analyses(version) for m in ms]
    finally:
        store.close()
    assert len(mentions) > 20
    shared = mentions[0].model_fields_set
    assert shared == set(EventMention.model_fields)
    assert all(m.model_fields_set is shared for m in mentions)
    placed = [m.place for m in mentions if m.place is not None]
    assert placed and all(p.model_fields_set is placed[0].model_fields_set for p in placed)
    assert mentions[0].model_dump(exclude_unset=True) == mentions[0].model_dump()

    copy = mentions[0].model_copy(update={"trigger": "struck"})
    assert copy.trigger == "struck" and copy.model_fields_set is not shared
    assert shared == set(EventMention.model_fields)

    partial = _mention(_doc(0))
    assert partial.model_fields_set is not shared
    assert "figures" not in partial.model_dump(exclude_unset=True)
